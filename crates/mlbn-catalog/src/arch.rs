//! Architecture arithmetic on a [`Model`]: parameter counts from the config dimensions, the
//! weights one token reads (attention vs experts), and KV-cache size.
//!
//! Pure functions of the record; every count assumes gated (three-matrix) FFNs, which all
//! catalogued decoder families use, and ignores biases (well under 0.1% of any model here).

use crate::schema::{Model, MoeSpec};

/// Default MLA head widths when a record leaves them out (DeepSeek V2/V3 values).
const MLA_DEFAULT_NOPE: u32 = 128;
const MLA_DEFAULT_V: u32 = 128;

/// Parameters a single token's forward pass reads, split by where they live. Counts, not
/// billions. The input embedding table is not here: a token reads one row of it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ActiveSplit {
    /// Attention projections of every layer (full, sliding and linear-attention layers).
    pub attention: f64,
    /// Dense FFNs (dense models, and the dense layers of MoE models).
    pub dense_ffn: f64,
    /// Routed experts chosen for this token, summed over MoE layers.
    pub routed_experts: f64,
    /// Shared experts, summed over MoE layers.
    pub shared_experts: f64,
    /// Router (gate) matrices.
    pub router: f64,
    /// Output projection (LM head); read in full each token.
    pub lm_head: f64,
    /// Norm weights.
    pub norms: f64,
}

impl ActiveSplit {
    pub fn total(&self) -> f64 {
        self.attention
            + self.dense_ffn
            + self.routed_experts
            + self.shared_experts
            + self.router
            + self.lm_head
            + self.norms
    }

    /// Parameters that are the same for every token (everything except routed experts):
    /// what a tensor-parallel group or an attention/FFN split keeps hot.
    pub fn non_expert(&self) -> f64 {
        self.total() - self.routed_experts
    }
}

fn f(x: u32) -> f64 {
    f64::from(x)
}

impl Model {
    /// Layers that run linear (recurrent) attention instead of softmax attention.
    pub fn linear_attn_layers(&self) -> u32 {
        self.linear_attn
            .as_ref()
            .map_or(0, |l| l.layers.min(self.layers))
    }

    /// Layers that run softmax attention (full or sliding window).
    pub fn softmax_attn_layers(&self) -> u32 {
        self.layers - self.linear_attn_layers()
    }

    /// Softmax-attention layers split into `(global_layers, sliding_window_layers)`.
    pub fn softmax_layer_split(&self) -> (u32, u32) {
        let softmax = self.softmax_attn_layers();
        let sliding = match self.sliding_window {
            Some(w) if w > 0 => self.sliding_layers.unwrap_or(self.layers).min(softmax),
            _ => 0,
        };
        (softmax - sliding, sliding)
    }

    /// `(kv_heads, head_dim)` of the global (full-attention) layers.
    pub fn global_kv_shape(&self) -> (u32, u32) {
        (
            self.global_kv_heads.unwrap_or(self.kv_heads),
            self.global_head_dim.unwrap_or(self.head_dim),
        )
    }

    fn gqa_params(&self, kv_heads: u32, head_dim: u32) -> f64 {
        let h = f(self.hidden);
        let heads = f(self.heads);
        let hd = f(head_dim);
        let gate = if self.attn_output_gate { 2.0 } else { 1.0 };
        h * heads * hd * gate + 2.0 * h * f(kv_heads) * hd + heads * hd * h
    }

    /// Attention parameters of one global softmax-attention layer (GQA/MQA/MHA or MLA).
    pub fn global_attention_params_per_layer(&self) -> f64 {
        if self.mla.is_some() {
            return self.attention_params_per_layer();
        }
        let (kv, hd) = self.global_kv_shape();
        self.gqa_params(kv, hd)
    }

    /// Attention parameters of one softmax-attention layer with the base shape (GQA/MQA/MHA
    /// or MLA); sliding-window layers always use it.
    pub fn attention_params_per_layer(&self) -> f64 {
        let h = f(self.hidden);
        let heads = f(self.heads);
        if let Some(mla) = &self.mla {
            let rope = f(mla.qk_rope_head_dim);
            let nope = f(mla.qk_nope_head_dim.unwrap_or(MLA_DEFAULT_NOPE));
            let v = f(mla.v_head_dim.unwrap_or(MLA_DEFAULT_V));
            let kv_lora = f(mla.kv_lora_rank);
            let q = match mla.q_lora_rank {
                Some(r) => h * f(r) + f(r) * heads * (nope + rope),
                None => h * heads * (nope + rope),
            };
            let kv = h * (kv_lora + rope) + kv_lora * heads * (nope + v);
            let o = heads * v * h;
            q + kv + o
        } else {
            self.gqa_params(self.kv_heads, self.head_dim)
        }
    }

    /// Parameters of one linear-attention (Gated DeltaNet) layer; 0 without linear attention.
    pub fn linear_attention_params_per_layer(&self) -> f64 {
        let Some(l) = &self.linear_attn else {
            return 0.0;
        };
        let h = f(self.hidden);
        let k = f(l.key_heads) * f(l.key_head_dim);
        let v = f(l.value_heads) * f(l.value_head_dim);
        // qkv + output gate (z) + decay/beta projections + output + causal conv.
        h * (2.0 * k + v)
            + h * v
            + 2.0 * h * f(l.value_heads)
            + v * h
            + (2.0 * k + v) * f(l.conv_kernel)
    }

    fn moe_layers(moe: &MoeSpec, layers: u32) -> f64 {
        f(layers.saturating_sub(moe.dense_layers))
    }

    /// Per-token split of the weights read (see [`ActiveSplit`]).
    pub fn active_split(&self) -> ActiveSplit {
        let h = f(self.hidden);
        let (global, sliding) = self.softmax_layer_split();
        let attention = f(global) * self.global_attention_params_per_layer()
            + f(sliding) * self.attention_params_per_layer()
            + f(self.linear_attn_layers()) * self.linear_attention_params_per_layer();
        let dense_per_layer = 3.0 * h * f(self.ffn);
        let lm_head = f(self.vocab) * h;
        let norms = 2.0 * h * f(self.layers) + h;
        let mut s = ActiveSplit {
            attention,
            lm_head,
            norms,
            ..ActiveSplit::default()
        };
        match &self.moe {
            Some(moe) => {
                let moe_layers = Self::moe_layers(moe, self.layers);
                let per_expert = 3.0 * h * f(moe.expert_ffn);
                let shared_width = moe.shared_expert_ffn.unwrap_or(moe.expert_ffn);
                s.dense_ffn = f(moe.dense_layers.min(self.layers)) * dense_per_layer;
                s.routed_experts = moe_layers * f(moe.experts_per_token) * per_expert;
                s.shared_experts = moe_layers * f(moe.shared_experts) * 3.0 * h * f(shared_width);
                s.router = moe_layers * h * f(moe.experts);
            }
            None => s.dense_ffn = f(self.layers) * dense_per_layer,
        }
        s
    }

    /// Total parameters implied by the architecture fields (a count, not billions): embeddings
    /// (input table, plus the LM head unless tied), attention (MLA/GQA/linear), dense and
    /// expert FFNs, routers, norms, and `extra_params_b`.
    pub fn param_count_from_arch(&self) -> f64 {
        let s = self.active_split();
        let h = f(self.hidden);
        let embed_in = if self.tied_embeddings {
            0.0
        } else {
            f(self.vocab) * h
        };
        let unchosen = match &self.moe {
            Some(moe) => {
                Self::moe_layers(moe, self.layers)
                    * f(moe.experts.saturating_sub(moe.experts_per_token))
                    * 3.0
                    * h
                    * f(moe.expert_ffn)
            }
            None => 0.0,
        };
        s.total() + embed_in + unchosen + self.extra_params_b.unwrap_or(0.0) * 1e9
    }

    /// Active parameters per token implied by the architecture, counted the way model cards
    /// count them: everything except the experts a token does not choose (embeddings
    /// included, `extra_params_b` excluded).
    pub fn active_param_count_from_arch(&self) -> f64 {
        let embed_in = if self.tied_embeddings {
            0.0
        } else {
            f(self.vocab) * f(self.hidden)
        };
        self.active_split().total() + embed_in
    }

    /// Cache elements one token adds to one sliding-window (or ordinary) softmax-attention
    /// layer: K and V for each KV head (GQA/MQA/MHA), or the shared latent plus the RoPE key
    /// for MLA.
    pub fn kv_elements_per_token_per_layer(&self) -> f64 {
        match &self.mla {
            Some(mla) => f(mla.kv_lora_rank) + f(mla.qk_rope_head_dim),
            None => 2.0 * f(self.kv_heads) * f(self.head_dim),
        }
    }

    /// Like [`Model::kv_elements_per_token_per_layer`] for a global (full-attention) layer,
    /// which may have its own KV head count and width (Gemma 4).
    pub fn global_kv_elements_per_token_per_layer(&self) -> f64 {
        if self.mla.is_some() {
            return self.kv_elements_per_token_per_layer();
        }
        let (kv, hd) = self.global_kv_shape();
        2.0 * f(kv) * f(hd)
    }

    /// Softmax-attention layers that keep their own KV cache, split into
    /// `(full_context_layers, sliding_window_layers)`. Linear-attention layers and layers
    /// that reuse another layer's cache keep none.
    pub fn kv_cache_layers(&self) -> (f64, f64) {
        let (global, sliding) = self.softmax_layer_split();
        let softmax = global + sliding;
        if softmax == 0 {
            return (0.0, 0.0);
        }
        let own = softmax.saturating_sub(self.kv_shared_layers.unwrap_or(0));
        // Sliding layers are spread through the stack, so the layers that own a cache keep
        // the same share of them.
        let sliding_own = f(sliding) * f(own) / f(softmax);
        (f(own) - sliding_own, sliding_own)
    }

    /// KV-cache bytes one more token adds while every sliding window is still filling
    /// (context shorter than the window): all cache-owning layers.
    pub fn kv_bytes_per_token(&self, bits_per_element: f64) -> f64 {
        let (full, sliding) = self.kv_cache_layers();
        (full * self.global_kv_elements_per_token_per_layer()
            + sliding * self.kv_elements_per_token_per_layer())
            * bits_per_element
            / 8.0
    }

    /// KV-cache bytes for one sequence of `ctx_tokens`: full-attention layers grow with the
    /// context, sliding-window layers stop at their window. Add
    /// [`Model::linear_state_bytes`] for the fixed recurrent state of linear-attention layers.
    pub fn kv_bytes_at_context(&self, ctx_tokens: u64, bits_per_element: f64) -> f64 {
        let (full, sliding) = self.kv_cache_layers();
        let ctx = ctx_tokens as f64;
        let window = self.sliding_window.map_or(ctx, |w| ctx.min(f64::from(w)));
        (full * ctx * self.global_kv_elements_per_token_per_layer()
            + sliding * window * self.kv_elements_per_token_per_layer())
            * bits_per_element
            / 8.0
    }

    /// Fixed per-sequence state of the linear-attention layers (recurrent matrix per value
    /// head plus the convolution window), bytes at `bits_per_element`.
    pub fn linear_state_bytes(&self, bits_per_element: f64) -> f64 {
        let Some(l) = &self.linear_attn else {
            return 0.0;
        };
        let state = f(l.value_heads) * f(l.key_head_dim) * f(l.value_head_dim);
        let conv_channels =
            2.0 * f(l.key_heads) * f(l.key_head_dim) + f(l.value_heads) * f(l.value_head_dim);
        let conv = conv_channels * f(l.conv_kernel.saturating_sub(1));
        f(self.linear_attn_layers()) * (state + conv) * bits_per_element / 8.0
    }

    /// Bytes of the language model's weights at `bits_per_weight` (a quant's average).
    pub fn weight_bytes(&self, bits_per_weight: f64) -> f64 {
        self.params_b * 1e9 * bits_per_weight / 8.0
    }

    /// Bytes of weights one decoded token reads at `bits_per_weight`: the architecture's
    /// [`ActiveSplit`] (input embedding table excluded, LM head included), scaled down where
    /// the stated total is below what the uniform dimensions imply (NAS-pruned models such
    /// as Nemotron Super).
    pub fn active_weight_bytes_per_token(&self, bits_per_weight: f64) -> f64 {
        let computed = self.param_count_from_arch();
        let scale = if computed > 0.0 {
            (self.params_b * 1e9 / computed).min(1.0)
        } else {
            1.0
        };
        self.active_split().total() * scale * bits_per_weight / 8.0
    }

    /// Attention-score FLOPs (QK^T and the weighted sum over V, not the projections) for one
    /// token attending to `ctx_tokens` earlier tokens, summed over layers: global layers see
    /// the whole context, sliding-window layers at most their window, linear-attention layers
    /// a fixed state update independent of the context.
    pub fn attention_flops_per_token(&self, ctx_tokens: u64) -> f64 {
        let ctx = ctx_tokens as f64;
        let heads = f(self.heads);
        let per_ctx_token =
            |head_dim: f64, v_dim: f64| 2.0 * heads * head_dim + 2.0 * heads * v_dim;
        let (global_layers, sliding_layers) = self.softmax_layer_split();
        let (base, global) = match &self.mla {
            Some(mla) => {
                let qk =
                    f(mla.qk_nope_head_dim.unwrap_or(MLA_DEFAULT_NOPE)) + f(mla.qk_rope_head_dim);
                let v = f(mla.v_head_dim.unwrap_or(MLA_DEFAULT_V));
                (per_ctx_token(qk, v), per_ctx_token(qk, v))
            }
            None => {
                let hd = f(self.head_dim);
                let ghd = f(self.global_kv_shape().1);
                (per_ctx_token(hd, hd), per_ctx_token(ghd, ghd))
            }
        };
        let window = self.sliding_window.map_or(ctx, |w| ctx.min(f64::from(w)));
        let linear = self.linear_attn.as_ref().map_or(0.0, |l| {
            // Read, decay/update and query the value_heads x key_dim x value_dim state.
            4.0 * f(l.value_heads) * f(l.key_head_dim) * f(l.value_head_dim)
        });
        f(global_layers) * global * ctx
            + f(sliding_layers) * base * window
            + f(self.linear_attn_layers()) * linear
    }
}
