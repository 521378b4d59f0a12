//! `mlbn-engine` owns the performance model of LLM inference: memory fit, prefill, decode,
//! TTFT, parallel strategies and AUTO, phase split, power and cost, and findings with
//! suggested fixes. It is pure: no IO, no clock, no printing, no text or spans — inputs are
//! resolved catalog records, outputs an `Estimate`.
//!
//! It may depend on `mlbn-catalog` only.
#![forbid(unsafe_code)]
