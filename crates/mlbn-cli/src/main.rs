//! The `mlbn` binary: a thin adapter from the terminal to `mlbn-ide` and `mlbn-render`.

fn main() {
    println!("mlbn: under construction");
}
