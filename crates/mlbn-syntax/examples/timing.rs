//! Rough release-mode timings of parse / format / tokens on 1 MiB of pathological input:
//! `cargo run --release -p mlbn-syntax --example timing`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    for unit in common::PATHOLOGICAL_UNITS {
        let text = unit.repeat(mlbn_syntax::MAX_INPUT_BYTES / unit.len());
        let t = std::time::Instant::now();
        let p = mlbn_syntax::parse(&text);
        let t1 = t.elapsed();
        let f = mlbn_syntax::format(&text);
        let t2 = t.elapsed();
        let _ = mlbn_syntax::tokens(&text);
        println!(
            "{unit:?}: parse {t1:?} format {:?} tokens {:?} diags {} out {}",
            t2 - t1,
            t.elapsed() - t2,
            p.diagnostics.len(),
            f.len()
        );
    }
}
