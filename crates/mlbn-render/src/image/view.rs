//! View models: plain data describing what a picture shows, independent of the engine's
//! types. A front end (or the engine adapter) fills these in; the drawing code reads nothing
//! else. Indexes that point nowhere and non-finite numbers are tolerated, never trusted.

/// Colour scheme. `Dark` is tuned for Discord's dark chat background (#313338).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

/// Hardware class of a device; selects the node's glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DeviceKind {
    #[default]
    Gpu,
    AppleSoc,
    Cpu,
    Accelerator,
    Apu,
}

/// One device in the topology.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeView {
    /// Display name, e.g. "RTX 4090" or "Mac Studio M3 Ultra".
    pub name: String,
    pub kind: DeviceKind,
    /// Memory this device holds for the scenario (weights, KV, activations, overhead) that fits.
    pub mem_used_gb: f64,
    pub mem_total_gb: f64,
    /// What did not fit and spills (to host or a peer); drawn in red.
    pub overflow_gb: f64,
    /// What the device does: "L1-40", "TP shard 1/2", "experts 0-63", "prefill", "decode".
    pub role: String,
    /// This device limits the system's speed.
    pub is_bottleneck: bool,
}

/// A switch or fabric that several devices attach to (NVSwitch, an Ethernet switch).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HubView {
    pub name: String,
}

/// One end of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum End {
    Node(usize),
    Hub(usize),
}

/// A connection between two devices, or a device and a hub.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkView {
    pub a: End,
    pub b: End,
    /// Link type as people say it: "NVLink 4", "PCIe 4.0 x8", "10 GbE", "TB5 RDMA".
    pub name: String,
    pub bw_gbps: f64,
    pub latency_us: f64,
    /// Not written in the scenario but inferred from the devices: drawn dashed and fainter.
    pub inferred: bool,
    /// The link that limits the system: drawn thicker with a marker and a note.
    pub limiting: bool,
    /// The devices reach each other through a switch; several such links of one type
    /// between three or more devices are drawn as one hub instead of a full mesh.
    pub via_switch: bool,
}

impl LinkView {
    pub fn new(a: usize, b: usize, name: &str, bw_gbps: f64, latency_us: f64) -> Self {
        Self {
            a: End::Node(a),
            b: End::Node(b),
            name: name.to_string(),
            bw_gbps,
            latency_us,
            inferred: false,
            limiting: false,
            via_switch: false,
        }
    }
}

/// How data moves between devices; selects the arrows.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Flow {
    /// One device, or nothing to show.
    #[default]
    None,
    /// Layers split across devices; `order` lists node indexes in stage order.
    Pipeline { order: Vec<usize> },
    /// Every layer split; all-reduce traffic both ways on every link.
    Tensor,
    /// Prefill on some devices, decode on others, the KV cache streamed between them.
    PhaseSplit {
        prefill: Vec<usize>,
        decode: Vec<usize>,
        /// Index into `links` of the link carrying the KV stream.
        kv_stream_link: Option<usize>,
    },
    /// Independent replicas; no traffic between them while decoding.
    Data,
    /// Experts spread across devices; all-to-all of routed tokens.
    Expert,
}

/// Node arrangement; `None` in [`TopologyView::layout`] picks one from the topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Grid,
    Ring,
    Star,
}

/// Everything the topology picture shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopologyView {
    /// The scenario, e.g. "2x RTX 4090 · Llama 3 70B Q4".
    pub title: String,
    /// Headline numbers, e.g. "auto → tensor · 18.2 tok/s decode · TTFT 1.5 s · 780 W".
    pub headline: String,
    pub nodes: Vec<NodeView>,
    pub hubs: Vec<HubView>,
    pub links: Vec<LinkView>,
    pub flow: Flow,
    pub layout: Option<Layout>,
    pub theme: Theme,
}

/// One candidate strategy in the AUTO comparison.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CandidateView {
    /// "tensor tp=2", "pipeline pp=2", "phase split".
    pub label: String,
    pub decode_tok_s: f64,
    pub prefill_tok_s: f64,
    pub is_winner: bool,
    /// Why AUTO ruled it out; `Some` greys the row and shows the reason.
    pub disqualified: Option<String>,
}

/// AUTO's ranked candidates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AutoChartView {
    pub title: String,
    pub candidates: Vec<CandidateView>,
    pub theme: Theme,
}

/// One device's memory, split by use.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemoryBarView {
    pub name: String,
    pub total_gb: f64,
    pub weights_gb: f64,
    pub kv_cache_gb: f64,
    pub activations_gb: f64,
    pub overhead_gb: f64,
    /// What does not fit; drawn past the capacity line in red.
    pub overflow_gb: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemoryChartView {
    pub title: String,
    pub devices: Vec<MemoryBarView>,
    pub theme: Theme,
}

/// Decode rate against context length.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContextChartView {
    pub title: String,
    /// (context tokens, decode tok/s), any order.
    pub points: Vec<(f64, f64)>,
    /// The scenario's own context length, marked on the curve.
    pub marker_ctx: Option<f64>,
    pub theme: Theme,
}
