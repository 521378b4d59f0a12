//! Print the estimate for one catalog scenario as JSON:
//! `cargo run -p mlbn-engine --example one -- rtx-4090 1 llama-3-8b q4_k_m llama.cpp-cuda [prompt] [gen] [batch]`
use mlbn_catalog::Catalog;
use mlbn_engine::{DeviceGroup, Scenario, Workload, estimate};

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() < 5 {
        eprintln!("usage: one <device> <count> <model> <quant> <runtime> [prompt] [gen] [batch]");
        std::process::exit(2);
    }
    let cat = Catalog::builtin();
    let dev = cat.device(&a[0]).found().expect("device").clone();
    let count: u32 = a[1].parse().expect("count");
    let model = cat.model(&a[2]).found().expect("model").clone();
    let quant = cat.quant(&a[3]).found().expect("quant").clone();
    let rt = cat.runtime(&a[4]).found().expect("runtime").clone();
    let mut s = Scenario::new(vec![DeviceGroup::new(dev, count)], model, quant, rt);
    let num = |i: usize, d: u64| a.get(i).and_then(|x| x.parse().ok()).unwrap_or(d);
    s.workload = Workload::new(num(5, 512), num(6, 128), num(7, 1) as u32);
    s.alt_quants = cat.quants.clone();
    let e = estimate(&s);
    println!("{}", serde_json::to_string_pretty(&e).expect("json"));
}
