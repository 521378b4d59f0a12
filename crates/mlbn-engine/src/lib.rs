//! `mlbn-engine` owns the performance model of LLM inference: memory fit, prefill, decode,
//! TTFT, parallel strategies and AUTO, phase split, power and cost, and findings with
//! suggested fixes. It is pure: no IO, no clock, no printing, no text or spans — inputs are
//! resolved catalog records in a [`Scenario`], the output an [`Estimate`].
//!
//! It may depend on `mlbn-catalog` only.
//!
//! # Model
//! - Decode is bound by bytes per token (active weights at the quant's real bits per weight,
//!   plus the KV cache for the current context) over the runtime's achievable bandwidth, plus
//!   fixed per-step costs; compute only binds at large batch.
//! - Prefill is bound by matrix throughput in the precision the kernels really run, with a
//!   memory floor for short prompts.
//! - Runtime efficiency is one table of named constants per runtime family and backend
//!   ([`runtime::RUNTIME_PROFILES`]), calibrated on the project's benchmark CSVs.
//! - Per-device pieces ([`cost`]) compose into strategies: a pipeline sums stages plus one
//!   activation hop per boundary; llama.cpp-style offload adds a host part.
//!
//! # Adding strategies (tensor, expert, data, hybrid, phase split, AUTO)
//! [`cost::decode_step`] and [`cost::prefill`] take a [`cost::Part`]: a layer count, a shard
//! share (`1/N` for an N-way tensor shard) and whether the output head is included. A tensor
//! plan runs every layer on every device with `shard = 1/tp` and adds two all-reduces of the
//! hidden state per layer over the group's link; expert parallelism shards the routed
//! experts and adds an all-to-all per MoE layer; phase split costs prefill on one device set
//! and decode on another plus the KV transfer. The plan is chosen in `engine::plan`, where a
//! request other than pipeline currently falls back to pipeline with a
//! `strategy_not_modelled` finding; [`StrategyKind`] and [`StrategyReport`] already carry the
//! other kinds.
#![forbid(unsafe_code)]

pub mod cost;
pub mod device;
mod engine;
pub mod estimate;
mod findings;
mod fix_effects;
pub mod parallel;
pub mod plan;
pub mod power;
pub mod runtime;
pub mod scenario;
pub mod shape;
pub mod validate;

pub use estimate::*;
pub use scenario::*;

/// Estimate one scenario. Never panics; every number in the result is finite. Problems with
/// the input (zero memory, absurd token counts, negative prices) are findings in the result.
pub fn estimate(scenario: &Scenario) -> Estimate {
    let mut findings = Vec::new();
    let mut s = validate::sanitize(scenario, &mut findings);
    parallel::fill_links(&mut s, &mut findings);
    let c = engine::core(&s, &mut findings);
    findings::add_findings(&s, &c, &mut findings);
    fix_effects::complete(&s, &c.est, &mut findings);
    let mut est = c.est;
    est.power = power::estimate_power(scenario, &s, &est, &mut findings);
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    est.findings = findings;
    make_finite(&mut est);
    est
}

fn fin(x: &mut f64) {
    if !x.is_finite() {
        *x = 0.0;
    }
}

/// Last line of defence: no NaN or infinity leaves the engine.
fn make_finite(e: &mut Estimate) {
    for x in [
        &mut e.prefill_tok_s,
        &mut e.decode_tok_s,
        &mut e.gen_avg_decode_tok_s,
        &mut e.ttft_ms,
        &mut e.total_s,
        &mut e.batch.per_stream_decode_tok_s,
        &mut e.batch.aggregate_decode_tok_s,
        &mut e.model.weights_gb,
        &mut e.model.active_weights_gb,
        &mut e.model.kv_mb_per_token,
        &mut e.model.kv_read_gb,
        &mut e.model.gflops_per_token,
        &mut e.decode.weights_ms,
        &mut e.decode.kv_ms,
        &mut e.decode.compute_ms,
        &mut e.decode.overhead_ms,
        &mut e.decode.link_ms,
        &mut e.decode.offload_ms,
        &mut e.decode.total_ms,
        &mut e.prefill.compute_ms,
        &mut e.prefill.memory_ms,
        &mut e.prefill.offload_ms,
        &mut e.prefill.link_ms,
        &mut e.prefill.overhead_ms,
        &mut e.prefill.total_ms,
    ] {
        fin(x);
    }
    for m in &mut e.memory {
        for x in [
            &mut m.mem_gb,
            &mut m.usable_gb,
            &mut m.usable_fraction,
            &mut m.weights_gb,
            &mut m.kv_gb,
            &mut m.activations_gb,
            &mut m.overhead_gb,
            &mut m.total_gb,
            &mut m.free_gb,
            &mut m.overflow_gb,
        ] {
            fin(x);
        }
    }
    if let Some(o) = &mut e.offload {
        fin(&mut o.host_gb);
        fin(&mut o.host_mem_gb);
    }
    if let Some(a) = &mut e.auto {
        for c in &mut a.candidates {
            for x in [
                &mut c.system_decode_tok_s,
                &mut c.decode_tok_s,
                &mut c.prefill_tok_s,
                &mut c.ttft_ms,
                &mut c.total_s,
                &mut c.headroom_fraction,
            ] {
                fin(x);
            }
        }
    }
    if let Some(p) = &mut e.phase_split {
        for x in [
            &mut p.prefill_tok_s,
            &mut p.decode_tok_s,
            &mut p.kv_transfer_gb,
            &mut p.kv_transfer_ms,
            &mut p.kv_exposed_ms,
            &mut p.ttft_ms,
            &mut p.total_s,
            &mut p.speedup_vs_best_single,
        ] {
            fin(x);
        }
        for x in &mut p.singles {
            fin(&mut x.ttft_ms);
            fin(&mut x.total_s);
            fin(&mut x.speedup);
        }
    }
    for st in &mut e.strategy.stages {
        fin(&mut st.decode_ms);
        fin(&mut st.prefill_ms);
    }
}
