//! Score the engine on a measurement CSV:
//! `cargo run --release -p mlbn-ide --example eval -- FILE.csv [FILE2.csv] [--by runtime|hardware] [--out predictions.csv] [--rows]`
use mlbn_catalog::Catalog;
use mlbn_ide::eval::{GroupBy, evaluate};

fn main() {
    let mut files = Vec::new();
    let mut by = GroupBy::None;
    let mut out = None;
    let mut show_rows = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--by" => {
                by = match args.next().as_deref() {
                    Some("runtime") => GroupBy::Runtime,
                    Some("hardware") => GroupBy::Hardware,
                    _ => GroupBy::None,
                }
            }
            "--out" => out = args.next(),
            "--rows" => show_rows = true,
            _ => files.push(a),
        }
    }
    // Several files are concatenated (same header; later headers dropped).
    let mut text = String::new();
    for (i, f) in files.iter().enumerate() {
        let t = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        if i == 0 {
            text.push_str(&t);
        } else {
            text.push_str(t.split_once('\n').map(|x| x.1).unwrap_or(""));
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    let report = match evaluate(&text, Catalog::builtin(), by) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    if show_rows {
        for r in &report.rows {
            let ratio = |o: Option<f64>, p: Option<f64>| match (o, p) {
                (Some(o), Some(p)) if p > 0.0 => format!("{:.2}", o / p),
                _ => "-".into(),
            };
            println!(
                "{:<10} {:<22} {:>2} {:<18} {:<12} {:<16} dec {:>7.1} / {:>7.1} = {:>5}  pre {:>8.0} / {:>8.0} = {:>5} {}",
                r.id,
                r.device_id.as_deref().unwrap_or("?"),
                r.device_count,
                r.model_id.as_deref().unwrap_or("?"),
                r.quant_id.as_deref().unwrap_or("?"),
                r.runtime,
                r.obs_decode_tok_s.unwrap_or(0.0),
                r.pred_decode_tok_s.unwrap_or(0.0),
                ratio(r.obs_decode_tok_s, r.pred_decode_tok_s),
                r.obs_prefill_tok_s.unwrap_or(0.0),
                r.pred_prefill_tok_s.unwrap_or(0.0),
                ratio(r.obs_prefill_tok_s, r.pred_prefill_tok_s),
                r.miss.as_deref().unwrap_or("")
            );
        }
    }
    print!("{}", report.render_text());
    if let Some(path) = out {
        std::fs::write(&path, report.predictions_csv()).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
}
