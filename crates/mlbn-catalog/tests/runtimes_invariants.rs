//! Runtime table: coverage, family entries and backend choice per device.

use mlbn_catalog::Catalog;

#[test]
fn issue_runtimes_and_backends_exist() {
    let cat = Catalog::builtin();
    for id in [
        "llama.cpp",
        "llama.cpp-cuda",
        "llama.cpp-metal",
        "llama.cpp-vulkan",
        "llama.cpp-rocm",
        "llama.cpp-sycl",
        "llama.cpp-cpu",
        "mlx",
        "vllm",
        "vllm-cuda",
        "vllm-rocm",
        "vllm-xpu",
        "sglang",
        "tensorrt-llm",
        "ollama",
        "exo",
    ] {
        let r = cat.runtime_by_id(id).unwrap_or_else(|| panic!("{id}"));
        assert!(!r.source.is_empty() && !r.runs_on.is_empty() && !r.strategies.is_empty());
    }
}

#[test]
fn default_backends_point_at_members_of_the_family() {
    let cat = Catalog::builtin();
    for r in &cat.runtimes {
        for (key, id) in &r.default_backends {
            let target = cat
                .runtime_by_id(id)
                .unwrap_or_else(|| panic!("{}: {id}", r.id));
            assert_eq!(target.family, r.family, "{} -> {id}", r.id);
            assert_ne!(target.backend, "auto");
            let vendor = key.split('-').next().unwrap_or(key);
            assert!(target.runs_on.iter().any(|v| v == vendor), "{id} for {key}");
        }
    }
}

#[test]
fn backend_is_chosen_from_the_device() {
    let cat = Catalog::builtin();
    let pick = |family: &str, dev: &str| {
        let d = cat.device(dev).found().expect(dev);
        cat.runtime_backend_for(family, d).map(|r| r.id.clone())
    };
    assert_eq!(
        pick("llama.cpp", "rtx 4090").as_deref(),
        Some("llama.cpp-cuda")
    );
    assert_eq!(
        pick("llama.cpp", "m3 ultra").as_deref(),
        Some("llama.cpp-metal")
    );
    assert_eq!(
        pick("llama.cpp", "r9700").as_deref(),
        Some("llama.cpp-rocm")
    );
    assert_eq!(
        pick("llama.cpp", "strix halo").as_deref(),
        Some("llama.cpp-vulkan")
    );
    assert_eq!(
        pick("llama.cpp", "arc pro b70").as_deref(),
        Some("llama.cpp-sycl")
    );
    assert_eq!(
        pick("llama.cpp", "epyc 9654").as_deref(),
        Some("llama.cpp-cpu")
    );
    assert_eq!(
        pick("llama.cpp", "dgx spark").as_deref(),
        Some("llama.cpp-cuda")
    );
    assert_eq!(pick("vllm", "mi300x").as_deref(), Some("vllm-rocm"));
    assert_eq!(pick("vllm", "arc pro b70").as_deref(), Some("vllm-xpu"));
    assert_eq!(pick("vllm", "m3 ultra"), None);
    assert_eq!(pick("exo", "m3 ultra").as_deref(), Some("exo"));
    assert_eq!(pick("mlx", "rtx 4090"), None);
}

#[test]
fn default_runtime_is_llama_cpp_with_the_device_backend() {
    let cat = Catalog::builtin();
    for d in &cat.devices {
        let r = cat.default_runtime_for(d);
        assert_eq!(r.family, "llama.cpp", "{}", d.id);
        assert_ne!(r.backend, "auto", "{}", d.id);
    }
    let tpu = cat.device("tpu v5e").found().unwrap();
    assert_eq!(cat.default_runtime_for(tpu).id, "llama.cpp-cpu");
}
