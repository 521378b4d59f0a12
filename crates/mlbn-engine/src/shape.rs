//! The model as the physics sees it: parameters split into per-layer, embedding and output
//! parts, bytes at the quant's real bits per weight, KV bytes per token (GQA/MQA/MLA, sliding
//! window) and forward FLOPs. Derived once per estimate from catalog records.

use mlbn_catalog::{AttentionKind, KvType, Model, Quant};

const GB: f64 = 1e9;

/// Model dimensions, with degenerate values already clamped (validation reports them).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelShape {
    pub layers: u32,
    pub hidden: f64,
    pub heads: f64,
    pub head_dim: f64,
    /// Parameters of one transformer layer (all experts), billions... stored as a count.
    pub layer_params: f64,
    /// Parameters one token touches in one layer (active experts, shared experts, attention).
    pub layer_active_params: f64,
    /// Routed-expert parameters touched per layer per token (0 for dense models); used to
    /// grow the bytes read when a batch touches more distinct experts.
    pub layer_routed_active_params: f64,
    /// Routed-expert parameters stored per layer (all experts; 0 for dense models).
    pub layer_routed_params: f64,
    /// Routed experts per MoE layer and per token (1/1 for dense).
    pub experts: f64,
    pub experts_per_token: f64,
    /// Input embedding table (read one row per token; resident in memory).
    pub embed_params: f64,
    /// Output projection (`lm_head`), read fully per generated token; equals the embedding
    /// table when tied (then not stored twice).
    pub output_params: f64,
    pub output_tied: bool,
    /// Stored bytes per weight of every tensor except the routed experts.
    pub bytes_per_weight: f64,
    /// Stored bytes per weight of the routed experts: the quant's, except where the model
    /// ships its experts in a smaller native format that conversions keep (gpt-oss MXFP4).
    pub expert_bytes_per_weight: f64,
    /// KV bytes per token per full-attention layer.
    pub kv_bytes_per_token_layer: f64,
    /// Sliding-window layers and their window.
    pub sliding_layers: u32,
    pub sliding_window: u64,
    pub max_ctx: u64,
    /// Share of layers that store a KV cache (not linear attention, not KV-shared).
    pub kv_share_mem: f64,
    /// Share of layers that read a KV cache each step.
    pub kv_share_read: f64,
    /// Recurrent state bytes per sequence, averaged per layer (linear-attention layers).
    pub state_bytes_per_layer: f64,
    /// Stored but never read per token (encoders, per-layer embedding tables).
    pub resident_only_params: f64,
    /// Share of layers that are MoE layers (0 for dense models).
    pub moe_layer_share: f64,
}

impl ModelShape {
    pub fn new(model: &Model, quant: &Quant, kv: Option<&KvType>) -> ModelShape {
        let layers = model.layers.max(1);
        let hidden = f64::from(model.hidden.max(1));
        let heads = f64::from(model.heads.max(1));
        let head_dim = f64::from(model.head_dim.max(1));
        let kv_heads = f64::from(model.kv_heads.max(1));
        // Parameters that are stored but not read per token: vision/audio encoders (text
        // decoding never touches them) and per-layer embedding tables (Gemma 4).
        let params_all = finite_pos(model.params_b) * GB;
        let resident_only = (model.extra_params_b.map(finite_pos).unwrap_or(0.0)
            + model.encoder_params_b.map(finite_pos).unwrap_or(0.0))
            * GB;
        let params = (params_all - resident_only).max(params_all * 0.5);
        let resident_only = params_all - params;
        let active = finite_pos(model.active_params_b) * GB;
        let active = if active > 0.0 {
            active.min(params)
        } else {
            params
        };

        let embed = f64::from(model.vocab) * hidden;
        let output_tied = model.tied_embeddings;
        let output = embed;
        // Stored non-layer parameters: the embedding table, plus the output head when untied.
        let stored_nonlayer = if output_tied { embed } else { 2.0 * embed };
        // Guard against catalog totals that are smaller than the embeddings (bad data): keep
        // at least a tenth of the total in the layers.
        let layer_total = (params - stored_nonlayer).max(params * 0.1);
        let layer_params = layer_total / f64::from(layers);

        let (experts, k, routed_active_per_layer, routed_per_layer, layer_active) = match &model.moe
        {
            Some(moe) if moe.experts > 0 && moe.experts_per_token > 0 => {
                let e = f64::from(moe.experts);
                let k = f64::from(moe.experts_per_token.min(moe.experts));
                let moe_layers = f64::from(layers.saturating_sub(moe.dense_layers).max(1));
                // Gated FFN: up, gate and down projections.
                let expert_params = 3.0 * hidden * f64::from(moe.expert_ffn);
                let routed_total = e * expert_params * moe_layers;
                let active_layers_total = (active - stored_nonlayer).max(active * 0.1);
                let active_layer = (active_layers_total / f64::from(layers)).min(layer_params);
                if routed_total < layer_total {
                    let routed_active = k * expert_params * moe_layers / f64::from(layers);
                    let routed_active = routed_active.min(active_layer);
                    let routed = (routed_total / f64::from(layers)).max(routed_active);
                    (e, k, routed_active, routed, active_layer)
                } else {
                    // Expert sizes disagree with the totals: treat the inactive share as
                    // routed experts.
                    let routed_active = active_layer * 0.5;
                    let routed = (layer_params - (active_layer - routed_active)).max(routed_active);
                    (e, k, routed_active, routed, active_layer)
                }
            }
            _ => (1.0, 1.0, 0.0, 0.0, layer_params),
        };

        let kv_bits = kv.map(|k| finite_pos(k.bits_per_element)).unwrap_or(16.0);
        let kv_bits = if kv_bits > 0.0 { kv_bits } else { 16.0 };
        let kv_elems = match (&model.attention, &model.mla) {
            (AttentionKind::Mla, Some(mla)) => f64::from(mla.kv_lora_rank + mla.qk_rope_head_dim),
            _ => 2.0 * kv_heads * head_dim,
        };
        let (sliding_layers, sliding_window) = match (model.sliding_window, model.sliding_layers) {
            (Some(w), Some(n)) if w > 0 => (n.min(layers), u64::from(w)),
            (Some(w), None) if w > 0 => (layers, u64::from(w)),
            _ => (0, u64::MAX),
        };
        // Layers without a per-token KV cache: recurrent linear attention keeps a fixed state
        // (read and written every step); KV-shared layers read an earlier layer's cache.
        let linear_layers = model
            .linear_attn
            .as_ref()
            .map(|l| l.layers.min(layers))
            .unwrap_or(0);
        let shared_layers = model
            .kv_shared_layers
            .unwrap_or(0)
            .min(layers - linear_layers);
        let state_bytes = model
            .linear_attn
            .as_ref()
            .map(|l| {
                // fp32 recurrent state per value head, plus the causal-conv window in 16 bit.
                let state = f64::from(l.value_heads)
                    * f64::from(l.key_head_dim)
                    * f64::from(l.value_head_dim)
                    * 4.0;
                let conv =
                    f64::from(2 * l.key_heads * l.key_head_dim + l.value_heads * l.value_head_dim)
                        * f64::from(l.conv_kernel)
                        * 2.0;
                state + conv
            })
            .unwrap_or(0.0);
        let lf = f64::from(layers);
        let (bpw, expert_bpw) = stored_bits(model, quant);
        ModelShape {
            kv_share_mem: f64::from(layers - linear_layers - shared_layers) / lf,
            kv_share_read: f64::from(layers - linear_layers) / lf,
            state_bytes_per_layer: state_bytes * f64::from(linear_layers) / lf,
            resident_only_params: resident_only,
            moe_layer_share: match &model.moe {
                Some(moe) if moe.experts > 1 => {
                    f64::from(layers.saturating_sub(moe.dense_layers)) / lf
                }
                _ => 0.0,
            },
            layers,
            hidden,
            heads,
            head_dim,
            layer_params,
            layer_active_params: layer_active,
            layer_routed_active_params: routed_active_per_layer,
            layer_routed_params: routed_per_layer,
            experts,
            experts_per_token: k,
            embed_params: embed,
            output_params: output,
            output_tied,
            bytes_per_weight: bpw / 8.0,
            expert_bytes_per_weight: expert_bpw / 8.0,
            kv_bytes_per_token_layer: kv_elems * kv_bits / 8.0,
            sliding_layers,
            sliding_window,
            max_ctx: u64::from(model.max_ctx),
        }
    }

    /// Bytes of all weights (what must be resident).
    pub fn weights_bytes(&self) -> f64 {
        self.layer_bytes() * f64::from(self.layers) + self.nonlayer_bytes()
    }

    /// Stored bytes of one layer.
    pub fn layer_bytes(&self) -> f64 {
        (self.layer_params - self.layer_routed_params) * self.bytes_per_weight
            + self.layer_routed_params * self.expert_bytes_per_weight
    }

    /// Stored bytes of embeddings and output head.
    pub fn nonlayer_bytes(&self) -> f64 {
        let p = if self.output_tied {
            self.embed_params
        } else {
            self.embed_params + self.output_params
        };
        (p + self.resident_only_params) * self.bytes_per_weight
    }

    /// Bytes of the output head read per decode step.
    pub fn output_read_bytes(&self) -> f64 {
        self.output_params * self.bytes_per_weight
    }

    /// Weight bytes one layer reads in one decode step for `batch` streams: with MoE, more
    /// streams touch more distinct experts (expected distinct = E(1-(1-k/E)^B)).
    pub fn layer_read_bytes(&self, batch: u32) -> f64 {
        let (dense, routed) = self.layer_read_split(batch);
        dense * self.bytes_per_weight + routed * self.expert_bytes_per_weight
    }

    /// Weights (a count, not bytes) one layer reads in one decode step for `batch` streams.
    pub fn layer_read_params(&self, batch: u32) -> f64 {
        let (dense, routed) = self.layer_read_split(batch);
        dense + routed
    }

    /// (non-expert, routed-expert) parameters one layer reads for `batch` streams.
    pub fn layer_read_split(&self, batch: u32) -> (f64, f64) {
        let b = f64::from(batch.max(1));
        let routed = self.layer_routed_active_params;
        let dense_part = (self.layer_active_params - routed).max(0.0);
        let routed_read = if routed > 0.0 && self.experts > self.experts_per_token {
            let p = self.experts_per_token / self.experts;
            let distinct = self.experts * (1.0 - (1.0 - p).powf(b));
            routed * (distinct / self.experts_per_token)
        } else {
            routed
        };
        let routed_read = routed_read.min(self.layer_routed_params.max(routed));
        // Never more than the layer holds (catalog totals and expert widths can disagree).
        let dense_part = dense_part.min((self.layer_params - routed_read).max(0.0));
        (dense_part, routed_read)
    }

    /// Routed-expert bytes one token reads in one layer (one expert's share x k).
    pub fn layer_routed_active_bytes(&self) -> f64 {
        self.layer_routed_active_params * self.expert_bytes_per_weight
    }

    /// KV-cache bytes stored by `layers` layers for one sequence of `ctx` tokens
    /// (sliding-window layers cap at the window; linear-attention layers hold a fixed state).
    /// Layers are assumed to interleave layer kinds evenly, so any share of the layers gets
    /// the same mix.
    pub fn kv_bytes(&self, layers: f64, ctx: u64) -> f64 {
        layers
            * (self.kv_bytes_per_token_layer * self.kv_share_mem * self.eff_ctx(ctx)
                + self.state_bytes_per_layer)
    }

    /// KV bytes `layers` layers read in one decode step at context `ctx` for one sequence
    /// (KV-shared layers read their source layer's cache again; recurrent state is read and
    /// written).
    pub fn kv_read_bytes(&self, layers: f64, ctx: u64) -> f64 {
        layers
            * (self.kv_bytes_per_token_layer * self.kv_share_read * self.eff_ctx(ctx)
                + 2.0 * self.state_bytes_per_layer)
    }

    /// Context a cache layer holds on average: sliding layers cap at their window.
    fn eff_ctx(&self, ctx: u64) -> f64 {
        let sliding_share = f64::from(self.sliding_layers) / f64::from(self.layers);
        (1.0 - sliding_share) * ctx as f64 + sliding_share * ctx.min(self.sliding_window) as f64
    }

    /// KV bytes per token of context for the whole model (no sliding cap).
    pub fn kv_bytes_per_token(&self) -> f64 {
        self.kv_bytes_per_token_layer * f64::from(self.layers) * self.kv_share_mem
    }

    /// Forward FLOPs of one layer for one token attending to `ctx` earlier tokens:
    /// 2 x active params plus attention scores and weighted sum (4 x heads x head_dim x ctx).
    pub fn layer_flops(&self, ctx: f64) -> f64 {
        let sliding_share = f64::from(self.sliding_layers) / f64::from(self.layers);
        let eff_ctx =
            (1.0 - sliding_share) * ctx + sliding_share * ctx.min(self.sliding_window as f64);
        2.0 * self.layer_active_params
            + 4.0 * self.heads * self.head_dim * eff_ctx * self.kv_share_read
    }

    /// Output head FLOPs for one token.
    pub fn output_flops(&self) -> f64 {
        2.0 * self.output_params
    }

    /// Attention FLOPs of one layer over a causal prefill of `tokens` after `past` tokens.
    pub fn layer_prefill_attention_flops(&self, past: f64, tokens: f64) -> f64 {
        let sliding_share = f64::from(self.sliding_layers) / f64::from(self.layers);
        let full = tokens * (past + tokens / 2.0);
        let w = self.sliding_window as f64;
        let slide = tokens * (past + tokens / 2.0).min(w);
        4.0 * self.heads
            * self.head_dim
            * self.kv_share_read
            * ((1.0 - sliding_share) * full + sliding_share * slide)
    }
}

/// Average stored bits per weight of `model` in `quant` (what a file-size / params figure
/// measures): experts and the rest may be stored at different widths.
pub fn file_bits_per_weight(model: &Model, quant: &Quant) -> f64 {
    let shape = ModelShape::new(model, quant, None);
    let params = shape.layer_params * f64::from(shape.layers)
        + if shape.output_tied {
            shape.embed_params
        } else {
            shape.embed_params + shape.output_params
        }
        + shape.resident_only_params;
    if params > 0.0 {
        shape.weights_bytes() * 8.0 / params
    } else {
        quant.bits_per_weight
    }
}

/// The quant whose kernels run most of the matrix work. When a 16-bit file keeps a model's
/// native low-bit experts (a gpt-oss "F16" GGUF), the expert GEMMs, ~70% of the FLOPs per
/// token, run the runtime's block-quantized path (dequantize or int8 dot products), not
/// the float one; rates then follow that path.
pub fn kernel_quant(model: &Model, quant: &Quant) -> Quant {
    let (rest_bits, expert_bits) = stored_bits(model, quant);
    let quantized = |b: f64| b < 15.0;
    if quantized(rest_bits) || !quantized(expert_bits) || !expert_flops_dominate(model) {
        return quant.clone();
    }
    let mut q = quant.clone();
    q.bits_per_weight = expert_bits;
    q.weight_only = true;
    q.fallback_compute = match quant.compute {
        mlbn_catalog::Precision::Bf16 | mlbn_catalog::Precision::Fp16 => quant.compute,
        _ => mlbn_catalog::Precision::Fp16,
    };
    q
}

/// Routed experts carry most of a token's parameters (and so of its matrix FLOPs).
fn expert_flops_dominate(model: &Model) -> bool {
    let Some(moe) = &model.moe else {
        return false;
    };
    let moe_layers = f64::from(model.layers.saturating_sub(moe.dense_layers));
    let routed_active = f64::from(moe.experts_per_token.min(moe.experts))
        * 3.0
        * f64::from(model.hidden)
        * f64::from(moe.expert_ffn)
        * moe_layers;
    routed_active > 0.5 * finite_pos(model.active_params_b) * GB
}

/// Stored bits per weight of (everything but the routed experts, the routed experts).
///
/// A model whose experts ship in a native low-bit format keeps them in it: GGUF conversions
/// write gpt-oss's MXFP4 experts unchanged whatever the named type, and every published
/// llama-quantize mix keeps them (an "F16" gpt-oss-120b file is ~65 GB, its Q2_K ~63 GB), so
/// GGUF types store only the other tensors at their own width. Other formats re-quantize the
/// experts only when they are smaller. The native format's own name ("MXFP4" for gpt-oss)
/// means the upstream checkpoint: native experts, the rest in 16 bit.
fn stored_bits(model: &Model, quant: &Quant) -> (f64, f64) {
    let bpw = finite_pos(quant.bits_per_weight);
    let bpw = if bpw > 0.0 { bpw } else { 4.0 };
    let quant_expert = quant
        .expert_bits_per_weight
        .map(finite_pos)
        .filter(|b| *b > 0.0)
        .unwrap_or(bpw);
    let native = model
        .moe
        .as_ref()
        .and_then(|m| m.native_expert_format.as_ref())
        .filter(|n| finite_pos(n.bits_per_weight) > 0.0);
    match native {
        Some(n) if quant.format.eq_ignore_ascii_case(&n.name) => (16.0, n.bits_per_weight),
        Some(n) if quant.format.eq_ignore_ascii_case("gguf") => (bpw, n.bits_per_weight),
        Some(n) => (bpw, quant_expert.min(n.bits_per_weight)),
        None => (bpw, quant_expert),
    }
}

fn finite_pos(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}
