//! Formats a file to stdout (a stand-in for `mlbn fmt` while developing the syntax crate):
//! `cargo run -p mlbn-syntax --example fmt -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: fmt FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let parsed = mlbn_syntax::parse_bytes(&bytes);
    eprint!("{}", mlbn_syntax::debug_tree(&parsed));
    if let Ok(text) = std::str::from_utf8(&bytes) {
        print!("{}", mlbn_syntax::format(text));
    }
}
