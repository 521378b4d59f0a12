//! Every `hardware`, `runtime` and stated `interconnect` in ../shared/benchmarks/*.csv resolves.
//! CI lays `shared/` beside the clone; without it the test says so and checks nothing else.

use mlbn_catalog::{Catalog, Resolution};
use std::path::PathBuf;

mod common;
use common::{bench_dir, parse_csv};

/// (file, column, value) for every distinct value of the named columns.
fn column_values(columns: &[&str]) -> Option<Vec<(String, String, String)>> {
    let dir = bench_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!(
            "note: {} not found; skipping benchmark resolution",
            dir.display()
        );
        return None;
    };
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable csv");
        let rows = parse_csv(&text);
        let header = &rows[0];
        for col in columns {
            let idx = header
                .iter()
                .position(|h| h == col)
                .expect("column present");
            for row in &rows[1..] {
                if let Some(v) = row.get(idx) {
                    let item = (path.display().to_string(), col.to_string(), v.clone());
                    if !out.contains(&item) {
                        out.push(item);
                    }
                }
            }
        }
    }
    Some(out)
}

#[test]
fn every_benchmark_hardware_and_runtime_resolves() {
    let Some(values) = column_values(&["hardware", "runtime"]) else {
        return;
    };
    assert!(
        values.len() > 50,
        "expected the benchmark files to have many values"
    );
    let cat = Catalog::builtin();
    let mut failures = Vec::new();
    for (file, col, v) in &values {
        let ok = match col.as_str() {
            "hardware" => matches!(cat.device(v), Resolution::Found(_)),
            _ => matches!(cat.runtime(v), Resolution::Found(_)),
        };
        if !ok {
            let why = match col.as_str() {
                "hardware" => format!("{:?}", cat.device(v).found().map(|d| &d.id)),
                _ => format!("{:?}", cat.runtime(v).found().map(|r| &r.id)),
            };
            failures.push(format!("{file}: {col} {v:?} -> {why}"));
        }
    }
    assert!(failures.is_empty(), "unresolved:\n{}", failures.join("\n"));
}

#[test]
fn stated_benchmark_interconnects_resolve() {
    let Some(values) = column_values(&["interconnect"]) else {
        return;
    };
    let cat = Catalog::builtin();
    let unresolved: Vec<&String> = values
        .iter()
        .map(|(_, _, v)| v)
        // Empty or "not stated (...)" means the source gives no link.
        .filter(|v| !v.is_empty() && !v.starts_with("not stated"))
        .filter(|v| cat.link(v).found().is_none())
        .collect();
    assert!(unresolved.is_empty(), "unresolved links: {unresolved:?}");
}

/// The decisions the benchmark names depend on, spelled out.
#[test]
fn benchmark_names_pick_the_documented_variants() {
    let cat = Catalog::builtin();
    let cases = [
        ("Tesla V100 32GB (PCIe vs SXM not stated)", "v100-sxm2-32gb"),
        (
            "H100 80GB (form factor not stated; one transcription says PCIe)",
            "h100-pcie-80gb",
        ),
        ("A100 80GB (form factor not stated)", "a100-sxm4-80gb"),
        ("Mac M1 Max (24-core GPU)", "mac-m1-max-64gb-24c"),
        ("Mac M1 Max 32GB (24-core GPU)", "mac-m1-max-32gb-24c"),
        ("Mac M2 Ultra 192GB (76-core GPU)", "mac-m2-ultra-192gb-76c"),
        (
            "Mac M2 Ultra (ggerganov Mac Studio; GPU cores not stated in file)",
            "mac-m2-ultra-192gb-76c",
        ),
        (
            "Mac M3 Pro 18GB (GPU core count not stated)",
            "mac-m3-pro-18gb-18c",
        ),
        (
            "Mac Studio M3 Ultra (cluster: 2x 512GB + 2x 256GB)",
            "mac-m3-ultra-512gb-80c",
        ),
        (
            "Mac Studio M3 Ultra 256GB (GPU core count not stated)",
            "mac-m3-ultra-256gb-80c",
        ),
        ("Mac M4 Max 64GB", "mac-m4-max-64gb-40c"),
        (
            "Ryzen AI Max+ 395 / Radeon 8060S (Strix Halo) 128GB, Framework Desktop",
            "ryzen-ai-max-395-128gb",
        ),
        ("Tesla K80 (one of two GPUs)", "tesla-k80"),
        ("DGX Spark (GB10) 128GB", "dgx-spark"),
        ("B200 (DGX/HGX B200)", "b200"),
        ("RTX 3080 10GB", "rtx-3080"),
        ("RTX 4080 16GB", "rtx-4080"),
        ("Radeon AI Pro R9700", "radeon-ai-pro-r9700"),
    ];
    for (name, id) in cases {
        assert_eq!(
            cat.device(name).found().map(|d| d.id.as_str()),
            Some(id),
            "{name}"
        );
    }
    let runtimes = [
        ("llama.cpp (CUDA, May 2024)", "llama.cpp-cuda"),
        ("llama.cpp (Vulkan AMDVLK, Aug 2025)", "llama.cpp-vulkan"),
        (
            "llama.cpp (ROCm HIP, hipBLASLt, Aug 2025)",
            "llama.cpp-rocm",
        ),
        ("llama.cpp b9853 SYCL", "llama.cpp-sycl"),
        ("llama.cpp b9626-2-g038121ab1", "llama.cpp"),
        ("vllm 0.20.1+rocm721", "vllm-rocm"),
        ("vLLM 0.16.0", "vllm"),
        ("vllm vllm-main d272418f4 (XPU graph + PatchB)", "vllm-xpu"),
        ("exo 1.0 (MLX, tensor parallel)", "exo"),
        ("TRT-LLM (PyTorch backend)", "tensorrt-llm"),
        ("Rapid-MLX 0.7.26 (mlx 0.31.2)", "mlx"),
    ];
    for (name, id) in runtimes {
        assert_eq!(
            cat.runtime(name).found().map(|r| r.id.as_str()),
            Some(id),
            "{name}"
        );
    }
}
