//! A resolved scenario and its estimate as a [`TopologyView`] for mlbn-render's topology PNG:
//! one node per device (memory bar, role, bottleneck), the links written or inferred, and the
//! flow of the strategy that was modelled.
//!
//! Shared by every front end that draws pictures (`mlbn analyze --png`, the Discord bot), so
//! they stay thin: they pick a title and theme and write the bytes.

use super::{
    AutoChartView, CandidateView, DeviceKind, End, Flow, Layout, LinkView, MemoryBarView,
    MemoryChartView, NodeView, Theme, TopologyView,
};
use mlbn_catalog::{Catalog, DeviceKind as CatKind, LinkKind};
use mlbn_engine::estimate::StrategyKind;
use mlbn_engine::{Bound, Estimate};
use mlbn_ide::ResolvedScenario;

fn kind(k: CatKind) -> DeviceKind {
    match k {
        CatKind::Gpu => DeviceKind::Gpu,
        CatKind::AppleSoc => DeviceKind::AppleSoc,
        CatKind::Apu => DeviceKind::Apu,
        CatKind::Cpu => DeviceKind::Cpu,
        CatKind::Accelerator => DeviceKind::Accelerator,
    }
}

fn switched(k: LinkKind) -> bool {
    matches!(
        k,
        LinkKind::Nvswitch | LinkKind::Ethernet | LinkKind::Infiniband
    )
}

/// The topology of scenario `r` as the estimate `e` runs it.
pub fn topology_view(
    cat: &Catalog,
    r: &ResolvedScenario,
    e: &Estimate,
    title: &str,
    headline: &str,
    theme: Theme,
) -> TopologyView {
    // Nodes in the order of the estimate's memory table (one per physical device).
    let mut nodes = Vec::new();
    let mut group_nodes: Vec<Vec<usize>> = vec![Vec::new(); r.devices.len()];
    for m in &e.memory {
        let Some(g) = r.devices.get(m.device.group) else {
            continue;
        };
        let role = e
            .strategy
            .stages
            .iter()
            .find(|s| s.device == m.device)
            .map(|s| {
                if s.last_layer >= s.first_layer {
                    format!("L{}-{}", s.first_layer, s.last_layer)
                } else {
                    "idle".to_string()
                }
            })
            .unwrap_or_default();
        group_nodes[m.device.group].push(nodes.len());
        nodes.push(NodeView {
            name: g.device.name.clone(),
            kind: kind(g.device.kind),
            mem_used_gb: (m.total_gb - m.overflow_gb).max(0.0),
            mem_total_gb: m.usable_gb,
            overflow_gb: m.overflow_gb,
            role,
            is_bottleneck: false,
        });
    }
    let total_nodes = nodes.len();
    // Stages' layer ranges say what a pipeline device holds; for the other strategies every
    // device holds all layers, so the role says how the work is shared instead.
    let phase = e.phase_split.as_ref();
    let layered = matches!(
        e.strategy.kind,
        StrategyKind::Pipeline | StrategyKind::Hybrid | StrategyKind::Single
    );
    for (i, n) in nodes.iter_mut().enumerate() {
        if layered && !n.role.is_empty() {
            continue;
        }
        let dref = e.memory.get(i).map(|m| m.device);
        n.role = match (e.strategy.kind, phase) {
            (StrategyKind::PhaseSplit, Some(p)) => {
                if dref.is_some_and(|d| p.prefill_devices.contains(&d)) {
                    "prefill".into()
                } else if dref.is_some_and(|d| p.decode_devices.contains(&d)) {
                    "decode".into()
                } else {
                    String::new()
                }
            }
            (StrategyKind::Tensor | StrategyKind::Sequence, _) => {
                format!("TP shard {}/{}", i + 1, total_nodes)
            }
            (StrategyKind::Context, _) => format!("context shard {}/{}", i + 1, total_nodes),
            (StrategyKind::Data, _) => format!("replica {}", i + 1),
            (StrategyKind::Expert, _) => format!("experts {}/{}", i + 1, total_nodes),
            _ => std::mem::take(&mut n.role),
        };
    }
    // The slowest pipeline stage (or the overflowing device) is the bottleneck.
    if let Some((i, _)) = e
        .memory
        .iter()
        .enumerate()
        .filter(|(_, m)| m.overflow_gb > 0.0)
        .max_by(|a, b| a.1.overflow_gb.total_cmp(&b.1.overflow_gb))
    {
        nodes[i].is_bottleneck = true;
    } else if matches!(
        e.strategy.kind,
        StrategyKind::Pipeline | StrategyKind::Hybrid
    ) && e.strategy.stages.len() > 1
        && let Some(s) = e
            .strategy
            .stages
            .iter()
            .max_by(|a, b| a.decode_ms.total_cmp(&b.decode_ms))
        && let Some(i) = e.memory.iter().position(|m| m.device == s.device)
    {
        nodes[i].is_bottleneck = true;
    }

    // Links: inside each group, then between groups.
    let mut links = Vec::new();
    let network_bound = e.decode_bound == Bound::Network || e.prefill_bound == Bound::Network;
    for (gi, g) in r.devices.iter().enumerate() {
        let ids = &group_nodes[gi];
        if ids.len() < 2 {
            continue;
        }
        let (link, inferred) = match &g.link {
            Some(l) => (l.clone(), false),
            None => match cat.infer_group_link(&g.device, g.count) {
                Some(il) => (il.link, true),
                None => continue,
            },
        };
        for (x, &a) in ids.iter().enumerate() {
            for &b in &ids[x + 1..] {
                let mut lv = LinkView::new(a, b, &link.name, link.bw_gbps, link.latency_us);
                lv.inferred = inferred;
                lv.via_switch = switched(link.kind) || ids.len() > 4;
                links.push(lv);
            }
        }
    }
    // Groups joined by `over <link>` or an inferred link, first device to first device.
    for gi in 1..r.devices.len() {
        let (Some(&a), Some(&b)) = (group_nodes[gi - 1].first(), group_nodes[gi].first()) else {
            continue;
        };
        let (link, inferred) = match &r.over {
            Some(l) => (l.clone(), false),
            None => {
                let il = cat.infer_link(&r.devices[gi - 1].device, &r.devices[gi].device, None);
                (il.link, true)
            }
        };
        let mut lv = LinkView::new(a, b, &link.name, link.bw_gbps, link.latency_us);
        lv.inferred = inferred;
        links.push(lv);
    }
    // The slowest link limits a network-bound system.
    if network_bound
        && let Some(l) = links
            .iter_mut()
            .min_by(|a, b| a.bw_gbps.total_cmp(&b.bw_gbps))
    {
        l.limiting = true;
    }

    let flow = match e.strategy.kind {
        StrategyKind::Pipeline | StrategyKind::Hybrid => Flow::Pipeline {
            order: e
                .strategy
                .stages
                .iter()
                .filter_map(|s| e.memory.iter().position(|m| m.device == s.device))
                .collect(),
        },
        StrategyKind::Tensor | StrategyKind::Sequence | StrategyKind::Context => Flow::Tensor,
        StrategyKind::Data => Flow::Data,
        StrategyKind::Expert => Flow::Expert,
        StrategyKind::PhaseSplit => match phase {
            Some(p) => {
                let idx = |ds: &[mlbn_engine::estimate::DeviceRef]| {
                    ds.iter()
                        .filter_map(|d| e.memory.iter().position(|m| m.device == *d))
                        .collect::<Vec<_>>()
                };
                let prefill = idx(&p.prefill_devices);
                let decode = idx(&p.decode_devices);
                let kv_stream_link = links.iter().position(|l| {
                    let ends = [l.a, l.b];
                    prefill.iter().any(|&i| ends.contains(&End::Node(i)))
                        && decode.iter().any(|&i| ends.contains(&End::Node(i)))
                });
                Flow::PhaseSplit {
                    prefill,
                    decode,
                    kv_stream_link,
                }
            }
            None => Flow::None,
        },
        _ => Flow::None,
    };
    TopologyView {
        title: title.to_string(),
        headline: headline.to_string(),
        nodes,
        hubs: Vec::new(),
        links,
        flow,
        layout: match r.layout.as_deref() {
            Some("grid") => Some(Layout::Grid),
            Some("ring") => Some(Layout::Ring),
            Some("star") => Some(Layout::Star),
            _ => None,
        },
        theme,
    }
}

/// AUTO's candidates (ranked ones first, then the disqualified) as a bar chart view.
pub fn auto_chart_view(e: &Estimate, title: &str, theme: Theme) -> Option<AutoChartView> {
    let a = e.auto.as_ref()?;
    Some(AutoChartView {
        title: title.to_string(),
        candidates: a
            .candidates
            .iter()
            .map(|c| CandidateView {
                label: c.label.clone(),
                decode_tok_s: c.system_decode_tok_s,
                prefill_tok_s: c.prefill_tok_s,
                is_winner: c.rank == Some(1),
                disqualified: c.disqualified.clone(),
            })
            .collect(),
        theme,
    })
}

/// Memory per device, split by use, as a chart view.
pub fn memory_chart_view(
    r: &ResolvedScenario,
    e: &Estimate,
    title: &str,
    theme: Theme,
) -> MemoryChartView {
    MemoryChartView {
        title: title.to_string(),
        devices: e
            .memory
            .iter()
            .map(|m| {
                let name = crate::device_label(r, m.device, &m.device_id);
                MemoryBarView {
                    name,
                    total_gb: m.usable_gb,
                    weights_gb: m.weights_gb,
                    kv_cache_gb: m.kv_gb,
                    activations_gb: m.activations_gb,
                    overhead_gb: m.overhead_gb,
                    overflow_gb: m.overflow_gb,
                }
            })
            .collect(),
        theme,
    }
}
