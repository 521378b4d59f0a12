//! Illustrative views for examples, docs images, tests and benches. The device specs are
//! catalog-style figures; the rates and memory figures are made up to look like an estimate
//! and are NOT engine output — never show them as predictions.

use super::view::{
    AutoChartView, CandidateView, ContextChartView, DeviceKind, End, Flow, HubView, LinkView,
    MemoryBarView, MemoryChartView, NodeView, Theme, TopologyView,
};

fn node(name: &str, kind: DeviceKind, used: f64, total: f64, role: &str) -> NodeView {
    NodeView {
        name: name.to_string(),
        kind,
        mem_used_gb: used,
        mem_total_gb: total,
        overflow_gb: 0.0,
        role: role.to_string(),
        is_bottleneck: false,
    }
}

/// `2x rtx4090 nvlink; llama3-70b q4; auto` → tensor over one link.
pub fn two_gpus_tensor(theme: Theme) -> TopologyView {
    let mut link = LinkView::new(0, 1, "PCIe 4.0 x8", 16.0, 10.0);
    link.limiting = true;
    TopologyView {
        title: "2x RTX 4090 · Llama 3 70B Q4_K_M".into(),
        headline: "auto → tensor tp=2 · 19.1 tok/s decode · 310 tok/s prefill · TTFT 1.7 s · 820 W"
            .into(),
        nodes: vec![
            node("RTX 4090", DeviceKind::Gpu, 21.3, 24.0, "TP shard 1/2"),
            node("RTX 4090", DeviceKind::Gpu, 21.3, 24.0, "TP shard 2/2"),
        ],
        hubs: vec![],
        links: vec![link],
        flow: Flow::Tensor,
        layout: None,
        theme,
    }
}

/// Four mixed GPUs in one PC, links inferred: a pipeline over a mesh.
pub fn four_gpus_pipeline(theme: Theme) -> TopologyView {
    let mut nodes = vec![
        node("RTX 4090", DeviceKind::Gpu, 22.1, 24.0, "L1-22"),
        node("RTX 4090", DeviceKind::Gpu, 22.0, 24.0, "L23-44"),
        node("RTX 3090", DeviceKind::Gpu, 23.2, 24.0, "L45-64"),
        node("RTX 3090", DeviceKind::Gpu, 23.9, 24.0, "L65-80"),
    ];
    nodes[3].overflow_gb = 3.4;
    nodes[3].is_bottleneck = true;
    let mut links = Vec::new();
    for a in 0..4 {
        for b in a + 1..4 {
            let mut l = LinkView::new(a, b, "PCIe 4.0 x8", 16.0, 10.0);
            l.inferred = true;
            links.push(l);
        }
    }
    links[0] = LinkView::new(0, 1, "NVLink bridge", 112.5, 3.0);
    TopologyView {
        title: "2x RTX 4090 + 2x RTX 3090 · Llama 3.1 70B Q5_K_M".into(),
        headline: "pipeline pp=4 · 11.4 tok/s decode · TTFT 2.9 s · 3.4 GB offloaded on stage 4"
            .into(),
        nodes,
        hubs: vec![],
        links,
        flow: Flow::Pipeline {
            order: vec![0, 1, 2, 3],
        },
        layout: None,
        theme,
    }
}

/// `8x h100-sxm; llama3-70b fp16; auto` → tensor through NVSwitch (links given pairwise).
pub fn eight_h100_nvswitch(theme: Theme) -> TopologyView {
    let nodes = (0..8)
        .map(|i| {
            node(
                "H100 SXM",
                DeviceKind::Gpu,
                27.6,
                80.0,
                &format!("TP shard {}/8", i + 1),
            )
        })
        .collect();
    let mut links = Vec::new();
    for a in 0..8 {
        for b in a + 1..8 {
            let mut l = LinkView::new(a, b, "NVLink 4", 900.0, 2.0);
            l.via_switch = true;
            l.inferred = true;
            links.push(l);
        }
    }
    TopologyView {
        title: "8x H100 SXM · Llama 3 70B FP16".into(),
        headline: "auto → tensor tp=8 · 96 tok/s decode · 9.8k tok/s prefill · TTFT 0.2 s · 5.6 kW"
            .into(),
        nodes,
        hubs: vec![],
        links,
        flow: Flow::Tensor,
        layout: None,
        theme,
    }
}

/// EXO-style phase split: DGX Spark prefills, Mac Studio decodes, KV streamed over 10 GbE.
pub fn phase_split(theme: Theme) -> TopologyView {
    let mut link = LinkView::new(0, 1, "10 GbE", 1.25, 50.0);
    link.limiting = true;
    let mut spark = node("DGX Spark", DeviceKind::Apu, 17.9, 128.0, "prefill");
    spark.is_bottleneck = false;
    let mac = node(
        "Mac Studio M3 Ultra",
        DeviceKind::AppleSoc,
        18.4,
        512.0,
        "decode",
    );
    TopologyView {
        title: "DGX Spark + Mac Studio M3 Ultra · Llama 3.1 8B FP16 · prompt 8k".into(),
        headline: "phase split · 39 tok/s decode · TTFT 1.1 s · 2.6x faster than the Mac alone"
            .into(),
        nodes: vec![spark, mac],
        hubs: vec![],
        links: vec![link],
        flow: Flow::PhaseSplit {
            prefill: vec![0],
            decode: vec![1],
            kv_stream_link: Some(0),
        },
        layout: None,
        theme,
    }
}

/// `n` identical devices: NVLink islands of 8 behind NVSwitch, islands joined by a 400G
/// fabric (for n ≤ 8 a single island). Used for the 1…64 device layouts.
pub fn cluster(n: usize, theme: Theme) -> TopologyView {
    let nodes: Vec<NodeView> = (0..n)
        .map(|i| {
            let mut v = node("H100 SXM", DeviceKind::Gpu, 61.2, 80.0, "");
            // DeepSeek R1 has 61 layers: pipeline stages across islands of 8, tensor inside.
            let stages = n.div_ceil(8);
            let per = 61usize.div_ceil(stages);
            let s = i / 8;
            v.role = if n == 1 {
                "all layers".into()
            } else if n <= 8 {
                format!("TP shard {}/{n}", i + 1)
            } else {
                format!(
                    "L{}-{} · TP {}/8",
                    s * per + 1,
                    ((s + 1) * per).min(61),
                    i % 8 + 1
                )
            };
            v
        })
        .collect();
    let mut hubs = Vec::new();
    let mut links = Vec::new();
    let islands = n.div_ceil(8);
    if n == 2 {
        links.push(LinkView::new(0, 1, "NVLink 4", 900.0, 2.0));
    } else if n == 3 {
        for (a, b) in [(0, 1), (1, 2), (0, 2)] {
            links.push(LinkView::new(a, b, "NVLink 4", 900.0, 2.0));
        }
    } else if n > 3 {
        for isl in 0..islands {
            let hub = hubs.len();
            hubs.push(HubView {
                name: "NVSwitch".into(),
            });
            for k in isl * 8..((isl + 1) * 8).min(n) {
                let mut l = LinkView::new(k, 0, "NVLink 4", 900.0, 2.0);
                l.b = End::Hub(hub);
                links.push(l);
            }
        }
        if islands > 1 {
            let fabric = hubs.len();
            hubs.push(HubView {
                name: "InfiniBand NDR".into(),
            });
            for k in 0..n {
                let mut l = LinkView::new(k, 0, "InfiniBand NDR", 50.0, 5.0);
                l.b = End::Hub(fabric);
                l.limiting = true;
                links.push(l);
            }
        }
    }
    TopologyView {
        title: format!("{n}x H100 SXM · DeepSeek R1 FP8"),
        headline: "pipeline across nodes, tensor inside · illustrative".into(),
        nodes,
        hubs,
        links,
        flow: match n {
            1 => Flow::None,
            2..=8 => Flow::Tensor,
            _ => Flow::Pipeline {
                order: (0..n).step_by(8).collect(),
            },
        },
        layout: None,
        theme,
    }
}

pub fn auto_chart(theme: Theme) -> AutoChartView {
    let c = |label: &str, decode: f64, prefill: f64, win: bool, dq: Option<&str>| CandidateView {
        label: label.into(),
        decode_tok_s: decode,
        prefill_tok_s: prefill,
        is_winner: win,
        disqualified: dq.map(str::to_string),
    };
    AutoChartView {
        title: "2x RTX 4090 · Llama 3 70B Q4_K_M · AUTO".into(),
        candidates: vec![
            c("tensor tp=2", 19.1, 310.0, true, None),
            c("pipeline pp=2", 16.4, 265.0, false, None),
            c(
                "data dp=2",
                0.0,
                0.0,
                false,
                Some("each replica needs 40 GB; a 4090 has 24 GB"),
            ),
            c(
                "single RTX 4090",
                3.1,
                120.0,
                false,
                Some("overflows 18 GB to host memory"),
            ),
            c(
                "expert",
                0.0,
                0.0,
                false,
                Some("Llama 3 70B is not a mixture of experts"),
            ),
        ],
        theme,
    }
}

pub fn memory_chart(theme: Theme) -> MemoryChartView {
    let d = |name: &str, total, w, kv, act, ovh, over| MemoryBarView {
        name: String::from(name),
        total_gb: total,
        weights_gb: w,
        kv_cache_gb: kv,
        activations_gb: act,
        overhead_gb: ovh,
        overflow_gb: over,
    };
    MemoryChartView {
        title: "2x RTX 4090 + 2x RTX 3090 · Llama 3.1 70B Q5_K_M".into(),
        devices: vec![
            d("RTX 4090 (L1-22)", 24.0, 17.9, 2.6, 0.9, 0.7, 0.0),
            d("RTX 4090 (L23-44)", 24.0, 17.9, 2.6, 0.8, 0.7, 0.0),
            d("RTX 3090 (L45-64)", 24.0, 16.3, 2.4, 0.8, 0.7, 0.0),
            d("RTX 3090 (L65-80)", 24.0, 18.6, 3.0, 1.6, 0.8, 3.4),
        ],
        theme,
    }
}

pub fn context_chart(theme: Theme) -> ContextChartView {
    // A decode rate that falls as the KV cache grows: rate = 1 / (a + b·ctx).
    let points = (10..=17).map(|p| {
        let ctx = f64::from(1u32 << p);
        (ctx, 1.0 / (0.05 + ctx * 2.2e-7))
    });
    ContextChartView {
        title: "2x RTX 4090 · Llama 3 70B Q4_K_M · tensor tp=2".into(),
        points: points.collect(),
        marker_ctx: Some(8192.0),
        theme,
    }
}
