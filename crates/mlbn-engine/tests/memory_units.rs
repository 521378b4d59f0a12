//! The per-device memory table uses one unit (GiB, as DRAM is sold) whatever strategy ran:
//! a 24 GB card reads 24.0 under a single device, a pipeline and tensor parallel alike.

mod common;
use common::scenario;
use mlbn_engine::{StrategyRequest, estimate};

#[test]
fn device_memory_rows_use_the_same_unit_for_every_strategy() {
    for strategy in [
        StrategyRequest::Pipeline,
        StrategyRequest::Tensor,
        StrategyRequest::Data,
    ] {
        let mut s = scenario(
            &[("rtx-4090", 2, Some("pcie4-x16"))],
            "llama-3-8b",
            "q4_k_m",
            "llama.cpp-cuda",
        );
        s.strategy = strategy;
        let e = estimate(&s);
        assert_eq!(e.memory.len(), 2, "{strategy:?}");
        for m in &e.memory {
            assert!(
                (m.mem_gb - 24.0).abs() < 1e-9,
                "{strategy:?}: {} GB",
                m.mem_gb
            );
            assert!(m.usable_gb <= m.mem_gb + 1e-9, "{strategy:?}");
        }
    }
}
