//! The topology picture: devices as cards, links coloured by bandwidth tier, arrows for data
//! flow, the limiting link and the bottleneck device emphasised, a title and a legend.
//!
//! Pipeline: normalise the view (drop bad indexes, turn switch meshes into hubs, collapse
//! large clusters into `8x H100` boxes) → place boxes (row, grid, ring or star) shrinking the
//! card size until nothing overlaps → draw links, then cards, then link labels placed where
//! they collide with nothing.

use std::collections::BTreeMap;

use super::RenderError;
use super::fmt::{fmt_bw, fmt_gb, fmt_lat};
use super::legend::{LegendItem, draw_footer};
use super::scene::{Rect, Scene, check_size};
use super::style::{Palette, Tier};
use super::text::TextStyle;
use super::view::{DeviceKind, End, Flow, Layout, LinkView, NodeView, TopologyView};

/// Most devices and links drawn.
const MAX_NODES: usize = 1024;
const MAX_LINKS: usize = 16384;

/// Above this many boxes, identical devices are collapsed into groups.
const MAX_BOXES: usize = 16;
/// Groups are sized so that no more than this many boxes remain.
const GROUP_TARGET: usize = 12;

/// Renders the topology picture as PNG bytes.
pub fn render_topology_png(
    view: &TopologyView,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, RenderError> {
    topology_scene(view, width, height)?.to_png()
}

/// Builds the topology scene (shapes and text in logical pixels) without rasterizing it.
pub fn topology_scene(view: &TopologyView, width: u32, height: u32) -> Result<Scene, RenderError> {
    check_size(width, height)?;
    let pal = Palette::of(view.theme);
    let mut scene = Scene::new(width, height, pal.bg);
    let g = Graph::build(view);

    // Header: title and headline numbers.
    let w = scene.design_w();
    let margin = 16.0;
    let title_font = TextStyle::bold(if w < 600.0 { 16.0 } else { 20.0 });
    let head_font = TextStyle::regular(if w < 600.0 { 12.0 } else { 14.0 });
    let mut y = margin;
    if let Some(t) = title_font.elide(&view.title, w - 2.0 * margin) {
        scene.text((margin, y), &t, title_font, pal.text);
        y += title_font.height() + 6.0;
    }
    if let Some(t) = head_font.elide(&view.headline, w - 2.0 * margin) {
        scene.text((margin, y), &t, head_font, pal.muted);
        y += head_font.height();
    }
    let top = y + margin;

    // Footer: limiting-link note and legend, laid out bottom-up.
    let mut legend = vec![
        LegendItem::Line {
            color: Tier::Nvlink.color(),
            dashed: false,
            text: "≥ 300 GB/s".into(),
        },
        LegendItem::Line {
            color: Tier::Pcie5.color(),
            dashed: false,
            text: "32–300 GB/s".into(),
        },
        LegendItem::Line {
            color: Tier::Pcie4.color(),
            dashed: false,
            text: "8–32 GB/s".into(),
        },
        LegendItem::Line {
            color: Tier::Slow.color(),
            dashed: false,
            text: "< 8 GB/s".into(),
        },
    ];
    if g.edges.iter().any(|e| e.spec.inferred)
        || g.boxes
            .iter()
            .any(|b| b.internal.as_ref().is_some_and(|i| i.inferred))
    {
        legend.push(LegendItem::Line {
            color: pal.muted,
            dashed: false,
            text: "explicit".into(),
        });
        legend.push(LegendItem::Line {
            color: pal.muted.mix(pal.bg, 0.55),
            dashed: true,
            text: "inferred".into(),
        });
    }
    if g.edges.iter().any(|e| e.limiting) {
        legend.push(LegendItem::Limiting {
            color: pal.muted,
            halo: pal.hot,
            text: "limiting link".into(),
        });
    }
    if g.boxes.iter().any(|b| b.bottleneck) {
        legend.push(LegendItem::Swatch {
            color: pal.hot,
            text: "bottleneck device".into(),
        });
    }
    let note = g.limiting_note(view);
    let bottom = draw_footer(&mut scene, &pal, &legend, note.as_deref(), margin);

    let area = Rect::new(
        margin,
        top,
        w - 2.0 * margin,
        (bottom - margin * 0.5 - top).max(0.0),
    );
    if area.h < 40.0 || area.w < 80.0 || g.boxes.is_empty() {
        if g.boxes.is_empty() {
            let f = TextStyle::regular(14.0);
            let msg = "no devices";
            let mw = f.width(msg);
            if area.h >= f.height() {
                scene.text(
                    (w / 2.0 - mw / 2.0, area.cy() - f.height() / 2.0),
                    msg,
                    f,
                    pal.faint,
                );
            }
        }
        return Ok(scene);
    }

    let placed = place(&g, view, area);
    draw_diagram(&mut scene, &pal, &g, view, &placed, area);
    Ok(scene)
}

// ---------------------------------------------------------------------------------------------
// Normalised graph

/// Devices that may share a group box: same name, kind and switches.
type BucketKey = (String, DeviceKind, Vec<usize>);

/// What a hub spoke or a group's inside is made of.
#[derive(Debug, Clone)]
struct LinkSpec {
    name: String,
    bw_gbps: f64,
    latency_us: f64,
    inferred: bool,
}

impl LinkSpec {
    fn of(l: &LinkView) -> Self {
        Self {
            name: l.name.clone(),
            bw_gbps: l.bw_gbps,
            latency_us: l.latency_us,
            inferred: l.inferred,
        }
    }
    fn label(&self) -> String {
        let mut parts = Vec::new();
        if !self.name.trim().is_empty() {
            parts.push(self.name.trim().to_string());
        }
        parts.push(fmt_bw(self.bw_gbps));
        if self.latency_us.is_finite() && self.latency_us > 0.0 {
            parts.push(fmt_lat(self.latency_us));
        }
        parts.join(" · ")
    }
    /// Keeps the slower of two specs: a collective pays the slowest link.
    fn worst(self, o: &LinkSpec) -> LinkSpec {
        let slower = if finite(o.bw_gbps) < finite(self.bw_gbps) {
            o.clone()
        } else {
            self.clone()
        };
        LinkSpec {
            latency_us: finite(self.latency_us).max(finite(o.latency_us)),
            inferred: self.inferred && o.inferred,
            ..slower
        }
    }
}

fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// A drawn box: one device or a group of identical ones.
#[derive(Debug, Clone)]
struct BoxItem {
    members: Vec<usize>,
    name: String,
    kind: DeviceKind,
    role: String,
    /// Per device (the largest in a group).
    mem_used_gb: f64,
    mem_total_gb: f64,
    overflow_gb: f64,
    bottleneck: bool,
    /// For a group: how its members are joined (through a hub, when `hub` is set).
    internal: Option<LinkSpec>,
    internal_hub: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    Box(usize),
    Hub(usize),
}

#[derive(Debug, Clone)]
struct Edge {
    a: Item,
    b: Item,
    spec: LinkSpec,
    limiting: bool,
    /// Indexes into the view's links that this edge stands for.
    sources: Vec<usize>,
}

#[derive(Debug)]
struct Graph {
    boxes: Vec<BoxItem>,
    hubs: Vec<String>,
    edges: Vec<Edge>,
    /// Box of each view node.
    box_of: Vec<usize>,
}

impl Graph {
    fn build(view: &TopologyView) -> Graph {
        // Bounded work whatever the view holds: devices and links past these caps are not
        // drawn (no real cluster description comes near them).
        let n = view.nodes.len().min(MAX_NODES);
        let mut hubs: Vec<String> = view
            .hubs
            .iter()
            .take(MAX_NODES)
            .map(|h| h.name.clone())
            .collect();
        let valid = |e: End, hubs: usize| match e {
            End::Node(i) => i < n,
            End::Hub(i) => i < hubs,
        };
        // 1. Valid links at node level, meshes over a switch turned into hubs.
        let mut links: Vec<(End, End, LinkSpec, bool, Vec<usize>)> = Vec::new();
        let mut mesh: BTreeMap<(bool, String), Vec<usize>> = BTreeMap::new();
        for (i, l) in view.links.iter().enumerate().take(MAX_LINKS) {
            if !valid(l.a, hubs.len()) || !valid(l.b, hubs.len()) || l.a == l.b {
                continue;
            }
            if let (End::Node(_), End::Node(_)) = (l.a, l.b) {
                mesh.entry((l.via_switch, l.name.clone()))
                    .or_default()
                    .push(i);
            } else {
                links.push((l.a, l.b, LinkSpec::of(l), l.limiting, vec![i]));
            }
        }
        for ((via_switch, name), idxs) in mesh {
            let mut members: Vec<usize> = Vec::new();
            for &i in &idxs {
                for e in [view.links[i].a, view.links[i].b] {
                    if let End::Node(k) = e
                        && !members.contains(&k)
                    {
                        members.push(k);
                    }
                }
            }
            let m = members.len();
            let pairs: std::collections::BTreeSet<(usize, usize)> = idxs
                .iter()
                .filter_map(|&i| match (view.links[i].a, view.links[i].b) {
                    (End::Node(a), End::Node(b)) => Some((a.min(b), a.max(b))),
                    _ => None,
                })
                .collect();
            let clique = pairs.len() >= m * (m - 1) / 2;
            let to_hub = (via_switch && m >= 3) || (clique && m >= 5);
            if !to_hub {
                for i in idxs {
                    let l = &view.links[i];
                    links.push((l.a, l.b, LinkSpec::of(l), l.limiting, vec![i]));
                }
                continue;
            }
            let hub = hubs.len();
            hubs.push(if name.to_ascii_lowercase().contains("nvlink") {
                "NVSwitch".to_string()
            } else {
                // Through a switch it is one; otherwise the hub stands for a full mesh.
                let what = if via_switch { "switch" } else { "mesh" };
                format!("{} {what}", name.trim()).trim().to_string()
            });
            members.sort_unstable();
            for k in members {
                let mine: Vec<usize> = idxs
                    .iter()
                    .copied()
                    .filter(|&i| view.links[i].a == End::Node(k) || view.links[i].b == End::Node(k))
                    .collect();
                let spec = mine
                    .iter()
                    .map(|&i| LinkSpec::of(&view.links[i]))
                    .reduce(|a, b| a.worst(&b))
                    .unwrap_or_else(|| LinkSpec::of(&view.links[idxs[0]]));
                let limiting = mine.iter().any(|&i| view.links[i].limiting);
                links.push((End::Node(k), End::Hub(hub), spec, limiting, mine));
            }
        }

        // 2. Boxes: one per device, or groups when there are too many.
        let mut hubs_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (a, b, ..) in &links {
            if let (End::Node(x), End::Hub(h)) | (End::Hub(h), End::Node(x)) = (*a, *b) {
                hubs_of[x].push(h);
            }
        }
        for v in &mut hubs_of {
            v.sort_unstable();
            v.dedup();
        }
        let mut box_of = vec![0usize; n];
        let mut boxes = Vec::new();
        // Several switch islands with more than 8 devices read best as one box per island.
        let islands = n > 8 && hubs.len() >= 2;
        if n <= MAX_BOXES && !islands {
            for (k, node) in view.nodes.iter().enumerate().take(n) {
                box_of[k] = boxes.len();
                boxes.push(single_box(k, node));
            }
        } else {
            // Buckets of identical devices with the same switches, in order of appearance.
            let mut buckets: Vec<(BucketKey, Vec<usize>)> = Vec::new();
            for (k, node) in view.nodes.iter().enumerate().take(n) {
                let key = (node.name.clone(), node.kind, hubs_of[k].clone());
                match buckets.iter_mut().find(|(bk, _)| *bk == key) {
                    Some((_, v)) => v.push(k),
                    None => buckets.push((key, vec![k])),
                }
            }
            // Whole buckets when they are few and small (one box per island), else chunks of a
            // power of two.
            let biggest = buckets.iter().map(|(_, v)| v.len()).max().unwrap_or(1);
            let mut size = if buckets.len() <= GROUP_TARGET && biggest <= MAX_BOXES {
                biggest
            } else {
                2
            };
            while buckets
                .iter()
                .map(|(_, v)| v.len().div_ceil(size))
                .sum::<usize>()
                > GROUP_TARGET
                && size < n
            {
                size *= 2;
            }
            for (_, members) in buckets {
                for chunk in members.chunks(size) {
                    let b = boxes.len();
                    for &k in chunk {
                        box_of[k] = b;
                    }
                    boxes.push(group_box(chunk, view));
                }
            }
        }

        // 3. Edges between boxes and hubs; links inside a box become its `internal` spec; a hub
        // whose members all sit in one box moves inside that box.
        let mut hub_boxes: Vec<Vec<usize>> = vec![Vec::new(); hubs.len()];
        for (a, b, ..) in &links {
            if let (End::Node(k), End::Hub(h)) | (End::Hub(h), End::Node(k)) = (*a, *b) {
                hub_boxes[h].push(box_of[k]);
            }
        }
        let inner_hub: Vec<Option<usize>> = hub_boxes
            .iter()
            .map(|bs| {
                let first = *bs.first()?;
                (bs.iter().all(|&b| b == first) && boxes[first].members.len() > 1).then_some(first)
            })
            .collect();
        let item = |e: End| match e {
            End::Node(k) => Item::Box(box_of[k]),
            End::Hub(h) => Item::Hub(h),
        };
        let mut merged: BTreeMap<(Item, Item), Edge> = BTreeMap::new();
        for (a, b, spec, limiting, sources) in links {
            let (ia, ib) = (item(a), item(b));
            let inside = match (ia, ib) {
                (Item::Box(x), Item::Box(y)) if x == y => Some(x),
                (Item::Box(x), Item::Hub(h)) | (Item::Hub(h), Item::Box(x))
                    if inner_hub[h] == Some(x) =>
                {
                    Some(x)
                }
                _ => None,
            };
            if let Some(x) = inside {
                let bx = &mut boxes[x];
                bx.internal = Some(match bx.internal.take() {
                    Some(old) => old.worst(&spec),
                    None => spec,
                });
                if let (End::Hub(h), _) | (_, End::Hub(h)) = (a, b) {
                    bx.internal_hub = Some(hubs[h].clone());
                }
                continue;
            }
            let key = (ia.min(ib), ia.max(ib));
            match merged.get_mut(&key) {
                Some(e) => {
                    e.spec = e.spec.clone().worst(&spec);
                    e.limiting |= limiting;
                    e.sources.extend(sources);
                }
                None => {
                    merged.insert(
                        key,
                        Edge {
                            a: ia,
                            b: ib,
                            spec,
                            limiting,
                            sources,
                        },
                    );
                }
            }
        }
        // Hubs that moved inside a box are no longer drawn; renumber the rest.
        let mut keep = Vec::new();
        let mut new_index = vec![usize::MAX; hubs.len()];
        for (h, name) in hubs.iter().enumerate() {
            if inner_hub[h].is_none() && !hub_boxes[h].is_empty() {
                new_index[h] = keep.len();
                keep.push(name.clone());
            }
        }
        let remap = |i: Item| match i {
            Item::Hub(h) => Item::Hub(new_index[h]),
            b => b,
        };
        let edges: Vec<Edge> = merged
            .into_values()
            .filter_map(|mut e| {
                e.a = remap(e.a);
                e.b = remap(e.b);
                let bad = |i: Item| matches!(i, Item::Hub(h) if h == usize::MAX);
                (!bad(e.a) && !bad(e.b)).then_some(e)
            })
            .collect();
        Graph {
            boxes,
            hubs: keep,
            edges,
            box_of,
        }
    }

    fn item_name(&self, i: Item) -> &str {
        match i {
            Item::Box(b) => &self.boxes[b].name,
            Item::Hub(h) => &self.hubs[h],
        }
    }

    fn limiting_note(&self, view: &TopologyView) -> Option<String> {
        let e = self.edges.iter().find(|e| e.limiting);
        if let Some(e) = e {
            let hub = match (e.a, e.b) {
                (Item::Hub(h), _) | (_, Item::Hub(h)) => Some(h),
                _ => None,
            };
            if let Some(h) = hub {
                let k = self
                    .edges
                    .iter()
                    .filter(|x| x.limiting && (x.a == Item::Hub(h) || x.b == Item::Hub(h)))
                    .count();
                let links = if k > 1 {
                    format!(" ({k} links)")
                } else {
                    String::new()
                };
                let into = if e.spec.name.trim() == self.hubs[h].trim() {
                    String::new()
                } else {
                    format!(" into {}", self.hubs[h])
                };
                return Some(format!("⚠ Limiting link: {}{links}{into}", e.spec.label()));
            }
            return Some(format!(
                "⚠ Limiting link: {} ↔ {} · {}",
                self.item_name(e.a),
                self.item_name(e.b),
                e.spec.label()
            ));
        }
        // A limiting link that ended up inside a group box.
        let l = view.links.iter().find(|l| l.limiting)?;
        Some(format!("⚠ Limiting link: {}", LinkSpec::of(l).label()))
    }
}

fn single_box(k: usize, node: &NodeView) -> BoxItem {
    BoxItem {
        members: vec![k],
        name: node.name.clone(),
        kind: node.kind,
        role: node.role.clone(),
        mem_used_gb: finite(node.mem_used_gb),
        mem_total_gb: finite(node.mem_total_gb),
        overflow_gb: finite(node.overflow_gb),
        bottleneck: node.is_bottleneck,
        internal: None,
        internal_hub: None,
    }
}

/// One role line for a group: the " · " parts all members share, then the first and last of
/// the parts that differ ("L1-8 · TP 1/8 … TP 8/8").
fn group_role(nodes: &[&NodeView]) -> String {
    let split = |r: &str| r.split(" · ").map(str::to_string).collect::<Vec<_>>();
    let first = split(&nodes[0].role);
    let last = split(&nodes[nodes.len() - 1].role);
    let mut out = Vec::new();
    for (i, part) in first.iter().enumerate() {
        if nodes.iter().all(|n| split(&n.role).get(i) == Some(part)) {
            out.push(part.clone());
        } else {
            let end = last.get(i).cloned().unwrap_or_default();
            out.push(if end.is_empty() || end == *part {
                part.clone()
            } else {
                format!("{part} … {end}")
            });
        }
    }
    out.join(" · ")
}

fn group_box(chunk: &[usize], view: &TopologyView) -> BoxItem {
    let nodes: Vec<&NodeView> = chunk.iter().map(|&k| &view.nodes[k]).collect();
    let first = nodes[0];
    let role = group_role(&nodes);
    let max = |f: fn(&NodeView) -> f64| nodes.iter().map(|n| finite(f(n))).fold(0.0, f64::max);
    BoxItem {
        members: chunk.to_vec(),
        name: if chunk.len() > 1 {
            format!("{}x {}", chunk.len(), first.name)
        } else {
            first.name.clone()
        },
        kind: first.kind,
        role,
        mem_used_gb: max(|n| n.mem_used_gb),
        mem_total_gb: max(|n| n.mem_total_gb),
        overflow_gb: max(|n| n.overflow_gb),
        bottleneck: nodes.iter().any(|n| n.is_bottleneck),
        internal: None,
        internal_hub: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Placement

/// Card sizes and fonts, largest first.
#[derive(Debug, Clone, Copy)]
struct CardStyle {
    w: f32,
    name: TextStyle,
    role: TextStyle,
    small: TextStyle,
    pad: f32,
}

const CARD_STYLES: [CardStyle; 5] = [
    CardStyle {
        w: 270.0,
        name: TextStyle::bold(18.0),
        role: TextStyle::regular(14.5),
        small: TextStyle::regular(13.0),
        pad: 13.0,
    },
    CardStyle {
        w: 236.0,
        name: TextStyle::bold(16.0),
        role: TextStyle::regular(13.0),
        small: TextStyle::regular(12.0),
        pad: 11.0,
    },
    CardStyle {
        w: 196.0,
        name: TextStyle::bold(14.0),
        role: TextStyle::regular(12.0),
        small: TextStyle::regular(11.0),
        pad: 9.0,
    },
    CardStyle {
        w: 158.0,
        name: TextStyle::bold(12.5),
        role: TextStyle::regular(11.0),
        small: TextStyle::regular(10.0),
        pad: 7.0,
    },
    CardStyle {
        w: 124.0,
        name: TextStyle::bold(11.0),
        role: TextStyle::regular(10.0),
        small: TextStyle::regular(9.0),
        pad: 5.0,
    },
];

impl CardStyle {
    fn height(&self, grouped: bool) -> f32 {
        let rows = self.name.px + 4.0 + self.role.px + 7.0 + 6.0 + 4.0 + self.small.px;
        let extra = if grouped { 4.0 + self.small.px } else { 0.0 };
        rows + extra + 2.0 * self.pad
    }
    fn hub_size(&self, name: &str, sub: &str) -> (f32, f32) {
        let w = self.name.width(name).max(self.small.width(sub)) + 2.0 * self.pad + 8.0;
        let h = self.name.px
            + if sub.is_empty() {
                0.0
            } else {
                3.0 + self.small.px
            }
            + 2.0 * self.pad;
        (w, h)
    }
}

#[derive(Debug)]
struct Placed {
    style: CardStyle,
    boxes: Vec<Rect>,
    hubs: Vec<Rect>,
    /// Hub label: when all spokes of a hub are alike, the hub shows the link once.
    hub_sub: Vec<String>,
    /// Phase-split frames: rectangle and caption.
    frames: Vec<(Rect, &'static str)>,
}

fn hub_subtitle(g: &Graph, h: usize) -> String {
    let spokes: Vec<&Edge> = g
        .edges
        .iter()
        .filter(|e| e.a == Item::Hub(h) || e.b == Item::Hub(h))
        .collect();
    match spokes.first() {
        Some(f) if spokes.iter().all(|e| e.spec.label() == f.spec.label()) => {
            // "InfiniBand NDR" hub with "InfiniBand NDR" links: say the name once.
            let mut spec = f.spec.clone();
            if spec.name.trim() == g.hubs[h].trim() {
                spec.name.clear();
            }
            spec.label()
        }
        _ => String::new(),
    }
}

fn choose_layout(g: &Graph, view: &TopologyView) -> Layout {
    if let Some(l) = view.layout {
        return l;
    }
    let n = g.boxes.len();
    if g.hubs.len() == 1 {
        let all_on_hub = (0..n).all(|b| {
            g.edges.iter().any(|e| {
                (e.a == Item::Box(b) && e.b == Item::Hub(0))
                    || (e.b == Item::Box(b) && e.a == Item::Hub(0))
            })
        });
        if all_on_hub {
            return Layout::Star;
        }
    }
    match n {
        0..=2 => Layout::Grid,
        3 => Layout::Ring,
        4 => Layout::Grid,
        5..=8 if g.hubs.is_empty() => Layout::Ring,
        _ => Layout::Grid,
    }
}

/// Boxes in the order they should appear: pipeline stage order when there is one.
fn box_order(g: &Graph, view: &TopologyView) -> Vec<usize> {
    let mut order = Vec::new();
    if let Flow::Pipeline { order: stages } = &view.flow {
        for &k in stages {
            if let Some(&b) = g.box_of.get(k)
                && !order.contains(&b)
            {
                order.push(b);
            }
        }
    }
    for b in 0..g.boxes.len() {
        if !order.contains(&b) {
            order.push(b);
        }
    }
    order
}

fn place(g: &Graph, view: &TopologyView, area: Rect) -> Placed {
    let layout = choose_layout(g, view);
    let hub_sub: Vec<String> = (0..g.hubs.len()).map(|h| hub_subtitle(g, h)).collect();
    let grouped = g.boxes.iter().any(|b| b.members.len() > 1);
    // Try each card size with the chosen layout, then fall back to the grid, which always
    // separates its cells; the smallest grid is the last resort.
    for try_layout in [layout, Layout::Grid] {
        for style in CARD_STYLES {
            if let Some(p) = try_place(g, view, area, style, try_layout, &hub_sub, grouped) {
                return p;
            }
        }
    }
    grid_fallback(g, view, area, &hub_sub, grouped)
}

fn any_overlap(rects: &[Rect], gap: f32) -> bool {
    for i in 0..rects.len() {
        for j in i + 1..rects.len() {
            if rects[i]
                .inflate(gap / 2.0)
                .overlaps(&rects[j].inflate(gap / 2.0))
            {
                return true;
            }
        }
    }
    false
}

#[allow(clippy::too_many_arguments)]
fn try_place(
    g: &Graph,
    view: &TopologyView,
    area: Rect,
    style: CardStyle,
    layout: Layout,
    hub_sub: &[String],
    grouped: bool,
) -> Option<Placed> {
    let n = g.boxes.len();
    let (cw, ch) = (style.w, style.height(grouped));
    if cw > area.w || ch > area.h {
        return None;
    }
    let hub_sizes: Vec<(f32, f32)> = g
        .hubs
        .iter()
        .zip(hub_sub)
        .map(|(name, sub)| style.hub_size(name, sub))
        .collect();
    let order = box_order(g, view);
    let mut centers = vec![(0.0f32, 0.0f32); n];
    let mut hub_centers = vec![(area.cx(), area.cy()); g.hubs.len()];
    let mut frames = Vec::new();
    let (ax, ay, aw, ah) = (
        area.x + cw / 2.0,
        area.y + ch / 2.0,
        area.w - cw,
        area.h - ch,
    );

    let phase = match &view.flow {
        Flow::PhaseSplit {
            prefill, decode, ..
        } => Some((prefill, decode)),
        _ => None,
    };
    if let Some((prefill, decode)) = phase {
        // Prefill group left, decode group right, anything else in the middle.
        let side = |ks: &Vec<usize>| {
            let mut v: Vec<usize> = ks
                .iter()
                .filter_map(|&k| g.box_of.get(k).copied())
                .collect();
            v.dedup();
            v
        };
        let (pre, dec) = (side(prefill), side(decode));
        let rest: Vec<usize> = (0..n)
            .filter(|b| !pre.contains(b) && !dec.contains(b))
            .collect();
        let frame_pad = 12.0;
        let cap = 18.0;
        let columns = [(&pre, 0.0f32), (&rest, 0.5), (&dec, 1.0)];
        let inner = Rect::new(
            area.x + frame_pad,
            area.y + frame_pad + cap,
            area.w - 2.0 * frame_pad,
            area.h - 2.0 * frame_pad - cap,
        );
        if inner.w < cw || inner.h < ch {
            return None;
        }
        for (col, fx) in columns {
            let k = col.len();
            if k == 0 {
                continue;
            }
            let x = inner.x + cw / 2.0 + (inner.w - cw) * fx;
            let step = if k > 1 {
                (inner.h - ch) / (k - 1) as f32
            } else {
                0.0
            };
            for (i, &b) in col.iter().enumerate() {
                let y = if k > 1 {
                    inner.y + ch / 2.0 + step * i as f32
                } else {
                    inner.cy()
                };
                centers[b] = (x, y);
            }
        }
        for (col, caption) in [(&pre, "PREFILL"), (&dec, "DECODE")] {
            if col.is_empty() {
                continue;
            }
            let mut r = Rect::centered(centers[col[0]].0, centers[col[0]].1, cw, ch);
            for &b in col.iter() {
                let c = Rect::centered(centers[b].0, centers[b].1, cw, ch);
                let (x0, y0) = (r.x.min(c.x), r.y.min(c.y));
                r = Rect::new(
                    x0,
                    y0,
                    r.right().max(c.right()) - x0,
                    r.bottom().max(c.bottom()) - y0,
                );
            }
            let fr = Rect::new(
                r.x - frame_pad + 4.0,
                r.y - frame_pad - cap,
                r.w + 2.0 * frame_pad - 8.0,
                r.h + 2.0 * frame_pad + cap,
            );
            frames.push((fr, caption));
        }
    } else {
        match layout {
            Layout::Grid => {
                // Hubs join the grid as extra cells after the boxes.
                let items = n + g.hubs.len();
                let cols = if items <= 3 {
                    items
                } else {
                    (items as f32).sqrt().ceil() as usize
                };
                let rows = items.div_ceil(cols);
                let cell_w = area.w / cols as f32;
                let cell_h = area.h / rows as f32;
                if cell_w < cw + 16.0 || cell_h < ch + 16.0 {
                    return None;
                }
                // One row: spread the cards wider than the cells so links between them are
                // long enough to carry their labels and markers.
                let span = (area.w - cw).min((items.max(1) - 1) as f32 * (cw + 420.0));
                let pos = |i: usize| {
                    if rows == 1 && items > 1 {
                        let x = area.cx() - span / 2.0 + span * i as f32 / (items - 1) as f32;
                        return (x, area.cy());
                    }
                    let (r, c) = (i / cols, i % cols);
                    // Snake rows so a pipeline chain stays adjacent.
                    let c = if r % 2 == 1 { cols - 1 - c } else { c };
                    let in_row = if r == rows - 1 {
                        items - r * cols
                    } else {
                        cols
                    };
                    let offset = if r % 2 == 0 {
                        (cols - in_row) as f32 * cell_w / 2.0
                    } else {
                        -((cols - in_row) as f32) * cell_w / 2.0
                    };
                    (
                        area.x + cell_w * (c as f32 + 0.5) + offset,
                        area.y + cell_h * (r as f32 + 0.5),
                    )
                };
                // Hubs take the cells nearest the middle, so their spokes fan out evenly;
                // boxes fill the other cells in (snaked) order.
                let mid = (area.cx(), area.cy());
                let mut by_centre: Vec<usize> = (0..items).collect();
                by_centre.sort_by(|&i, &j| {
                    let d = |k: usize| {
                        let p = pos(k);
                        (p.0 - mid.0).hypot(p.1 - mid.1)
                    };
                    d(i).total_cmp(&d(j)).then(i.cmp(&j))
                });
                let hub_cells: Vec<usize> = by_centre[..g.hubs.len()].to_vec();
                for (h, c) in hub_centers.iter_mut().enumerate() {
                    *c = pos(hub_cells[h]);
                }
                let box_cells = (0..items).filter(|i| !hub_cells.contains(i));
                for (&b, cell) in order.iter().zip(box_cells) {
                    centers[b] = pos(cell);
                }
            }
            Layout::Ring | Layout::Star => {
                let (rx, ry) = (aw / 2.0, ah / 2.0);
                let star = layout == Layout::Star && !g.hubs.is_empty();
                let k = n;
                for (i, &b) in order.iter().enumerate() {
                    let ang = if k == 1 {
                        -std::f32::consts::FRAC_PI_2
                    } else if k == 2 {
                        // Left to right, in stage order.
                        std::f32::consts::PI * (1.0 - i as f32)
                    } else {
                        -std::f32::consts::FRAC_PI_2
                            + std::f32::consts::TAU * i as f32 / k as f32
                            // Even counts around a hub start top-left, so the first
                            // device reads first.
                            - if k % 2 == 0 && star {
                                std::f32::consts::PI / k as f32
                            } else {
                                0.0
                            }
                    };
                    centers[b] = (ax + rx + rx * ang.cos(), ay + ry + ry * ang.sin());
                    if k == 1 && !star {
                        centers[b] = (area.cx(), area.cy());
                    }
                }
                if !g.hubs.is_empty() {
                    let hh = hub_sizes.iter().map(|s| s.1 + 8.0).sum::<f32>();
                    let mut y = area.cy() - hh / 2.0;
                    for (h, c) in hub_centers.iter_mut().enumerate() {
                        *c = (area.cx(), y + hub_sizes[h].1 / 2.0);
                        y += hub_sizes[h].1 + 8.0;
                    }
                }
            }
        }
    }
    let boxes: Vec<Rect> = centers
        .iter()
        .map(|&(x, y)| Rect::centered(x, y, cw, ch))
        .collect();
    let hubs: Vec<Rect> = hub_centers
        .iter()
        .zip(&hub_sizes)
        .map(|(&(x, y), &(w, h))| Rect::centered(x, y, w, h))
        .collect();
    let all: Vec<Rect> = boxes.iter().chain(&hubs).copied().collect();
    // Cards must not touch, must leave room for labels between them, and stay in the area.
    let gap = if n <= 4 { 24.0 } else { 12.0 };
    if any_overlap(&all, gap) || all.iter().any(|r| !area.contains_rect(r)) {
        return None;
    }
    if frames.iter().any(|(r, _)| !area.contains_rect(r))
        || any_overlap(&frames.iter().map(|f| f.0).collect::<Vec<_>>(), 4.0)
    {
        return None;
    }
    Some(Placed {
        style,
        boxes,
        hubs,
        hub_sub: hub_sub.to_vec(),
        frames,
    })
}

/// Last resort for tiny canvases: a grid whose cells shrink with the area, cards filling them.
fn grid_fallback(
    g: &Graph,
    view: &TopologyView,
    area: Rect,
    hub_sub: &[String],
    _grouped: bool,
) -> Placed {
    let style = CARD_STYLES[CARD_STYLES.len() - 1];
    let n = g.boxes.len();
    let items = n + g.hubs.len();
    let cols = (items as f32).sqrt().ceil().max(1.0) as usize;
    let rows = items.div_ceil(cols).max(1);
    let (cell_w, cell_h) = (area.w / cols as f32, area.h / rows as f32);
    let cell = |i: usize| {
        let (r, c) = (i / cols, i % cols);
        Rect::new(
            area.x + cell_w * c as f32 + 3.0,
            area.y + cell_h * r as f32 + 3.0,
            (cell_w - 6.0).max(1.0),
            (cell_h - 6.0).max(1.0),
        )
    };
    let mut boxes = vec![Rect::new(0.0, 0.0, 0.0, 0.0); n];
    for (i, &b) in box_order(g, view).iter().enumerate() {
        boxes[b] = cell(i);
    }
    let hubs = (0..g.hubs.len()).map(|h| cell(n + h)).collect();
    Placed {
        style,
        boxes,
        hubs,
        hub_sub: hub_sub.to_vec(),
        frames: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing

fn item_rect(p: &Placed, i: Item) -> Rect {
    match i {
        Item::Box(b) => p.boxes[b],
        Item::Hub(h) => p.hubs[h],
    }
}

/// Which ends of an edge get arrowheads: (at a, at b).
fn arrows(g: &Graph, view: &TopologyView, e: &Edge) -> (bool, bool) {
    match &view.flow {
        Flow::None | Flow::Data => (false, false),
        Flow::Tensor | Flow::Expert => (true, true),
        Flow::PhaseSplit {
            prefill,
            decode,
            kv_stream_link,
        } => {
            let on_kv = kv_stream_link.is_some_and(|k| e.sources.contains(&k));
            if !on_kv {
                return (false, false);
            }
            let in_set = |i: Item, set: &Vec<usize>| match i {
                Item::Box(b) => g.boxes[b].members.iter().any(|m| set.contains(m)),
                Item::Hub(_) => false,
            };
            // KV flows from the prefill side to the decode side.
            if in_set(e.a, prefill) || in_set(e.b, decode) {
                (false, true)
            } else if in_set(e.b, prefill) || in_set(e.a, decode) {
                (true, false)
            } else {
                (false, true)
            }
        }
        Flow::Pipeline { order } => {
            let stage = |i: Item| -> Option<usize> {
                match i {
                    Item::Box(b) => order.iter().position(|k| g.box_of.get(*k) == Some(&b)),
                    Item::Hub(_) => None,
                }
            };
            let last = order.len().saturating_sub(1);
            match (stage(e.a), stage(e.b)) {
                (Some(sa), Some(sb)) if sa + 1 == sb => (false, true),
                (Some(sa), Some(sb)) if sb + 1 == sa => (true, false),
                (Some(_), Some(_)) => (false, false),
                // Through a hub: into the hub from every stage but the last, out of it to
                // every stage but the first.
                (Some(s), None) => (s > 0, s < last),
                (None, Some(s)) => (s < last, s > 0),
                (None, None) => (false, false),
            }
        }
    }
}

fn draw_diagram(
    scene: &mut Scene,
    pal: &Palette,
    g: &Graph,
    view: &TopologyView,
    p: &Placed,
    area: Rect,
) {
    let st = p.style;
    let many = g.boxes.len() > 8;
    let base_w = if many { 2.0 } else { 3.0 };

    // Phase-split frames and captions, behind everything.
    let mut obstacles: Vec<Rect> = Vec::new();
    for (r, caption) in &p.frames {
        scene.rect(*r, pal.panel, 12.0, Some((pal.grid, 1.5)));
        let f = TextStyle::bold(11.0);
        let tr = scene.text((r.x + 12.0, r.y + 6.0), caption, f, pal.muted);
        obstacles.push(tr.inflate(3.0));
    }

    // Links: halo for the limiting one, then the line, then arrowheads.
    let kv_link = match &view.flow {
        Flow::PhaseSplit { kv_stream_link, .. } => *kv_stream_link,
        _ => None,
    };
    let mut segments = Vec::new();
    for e in &g.edges {
        let (ra, rb) = (item_rect(p, e.a), item_rect(p, e.b));
        let a = ra.exit_point(rb.cx(), rb.cy());
        let b = rb.exit_point(ra.cx(), ra.cy());
        let tier = Tier::of(e.spec.bw_gbps).color();
        let color = if e.spec.inferred {
            tier.mix(pal.bg, 0.55)
        } else {
            tier
        };
        let width = if e.limiting { base_w + 2.5 } else { base_w };
        let (head_a, head_b) = arrows(g, view, e);
        let head = 8.0 + width * 1.5;
        let shorten = |from: (f32, f32), to: (f32, f32), by: f32| {
            let (dx, dy) = (to.0 - from.0, to.1 - from.1);
            let len = (dx * dx + dy * dy).sqrt().max(1e-3);
            (to.0 - dx / len * by, to.1 - dy / len * by)
        };
        let la = if head_a { shorten(b, a, head * 0.8) } else { a };
        let lb = if head_b { shorten(a, b, head * 0.8) } else { b };
        if e.limiting {
            scene.line(la, lb, pal.hot.mix(pal.bg, 0.45), width + 7.0);
        }
        if e.spec.inferred {
            scene.dashed(la, lb, color, width, (9.0, 7.0));
        } else {
            scene.line(la, lb, color, width);
        }
        if head_a {
            scene.arrow_head(b, shorten(b, a, 1.0), head, color);
        }
        if head_b {
            scene.arrow_head(a, shorten(a, b, 1.0), head, color);
        }
        segments.push((a, b));
    }

    // Hubs.
    for (h, r) in p.hubs.iter().enumerate() {
        let sub = &p.hub_sub[h];
        let ring = g
            .edges
            .iter()
            .find(|e| e.a == Item::Hub(h) || e.b == Item::Hub(h))
            .map(|e| Tier::of(e.spec.bw_gbps).color())
            .unwrap_or(pal.card_border);
        let limiting = !sub.is_empty()
            && g.edges
                .iter()
                .any(|e| e.limiting && (e.a == Item::Hub(h) || e.b == Item::Hub(h)));
        if limiting {
            let halo = r.inflate(4.0);
            scene.rect(halo, pal.hot.mix(pal.bg, 0.45), halo.h / 2.0, None);
        }
        scene.rect(*r, pal.panel, r.h / 2.0, Some((ring, 2.0)));
        if limiting {
            // Marker: the hub's links are the limiting ones; the note says which.
            let d = st.small.px + 6.0;
            let badge = Rect::new(r.right() + 8.0, r.cy() - d / 2.0, d, d);
            if area.contains_rect(&badge)
                && !p
                    .boxes
                    .iter()
                    .chain(obstacles.iter())
                    .any(|o| o.overlaps(&badge))
            {
                scene.circle((badge.cx(), badge.cy()), d / 2.0, pal.hot);
                let f = TextStyle::bold(st.small.px);
                scene.text(
                    (badge.cx() - f.width("!") / 2.0, badge.cy() - f.px / 2.0),
                    "!",
                    f,
                    pal.bg,
                );
                obstacles.push(badge.inflate(2.0));
            }
        }
        let inner = r.inflate(-st.pad);
        let name_font = st.name.elide(&g.hubs[h], inner.w).map(|t| (t, st.name));
        let total_h = st.name.px
            + if sub.is_empty() {
                0.0
            } else {
                3.0 + st.small.px
            };
        let mut y = r.cy() - total_h / 2.0;
        if let Some((t, f)) = name_font {
            if y + f.px <= r.bottom() {
                let tw = f.width(&t);
                scene.text((r.cx() - tw / 2.0, y), &t, f, pal.text);
            }
            y += f.px + 3.0;
        }
        if !sub.is_empty()
            && y + st.small.px <= r.bottom()
            && let Some(t) = st.small.elide(sub, inner.w)
        {
            let tw = st.small.width(&t);
            scene.text((r.cx() - tw / 2.0, y), &t, st.small, pal.muted);
        }
        obstacles.push(r.inflate(2.0));
    }

    // Device cards.
    let stages = box_order(g, view);
    let pipeline_stage = |b: usize| -> Option<usize> {
        match &view.flow {
            Flow::Pipeline { order } if order.len() > 1 && g.boxes.len() > 1 => order
                .iter()
                .any(|k| g.box_of.get(*k) == Some(&b))
                .then(|| stages.iter().position(|x| *x == b).map(|s| s + 1))?,
            _ => None,
        }
    };
    for (b, r) in p.boxes.iter().enumerate() {
        draw_card(scene, pal, st, &g.boxes[b], *r, pipeline_stage(b));
        obstacles.push(r.inflate(2.0));
    }

    // Link labels where they collide with nothing; long form first, short form second. Links
    // into a hub whose spokes are alike are described once, on the hub.
    // A label already spelled out once is repeated in its short form only.
    let label_font = if many {
        TextStyle::regular(10.5)
    } else {
        TextStyle::regular(12.0)
    };
    let mut spelled: Vec<String> = Vec::new();
    for (i, e) in g.edges.iter().enumerate() {
        let spoke_of_uniform_hub = [e.a, e.b]
            .iter()
            .any(|it| matches!(it, Item::Hub(h) if !p.hub_sub[*h].is_empty()));
        let kv = kv_link.is_some_and(|k| e.sources.contains(&k));
        if spoke_of_uniform_hub && !kv {
            continue;
        }
        let full = if kv {
            format!("KV stream · {}", e.spec.label())
        } else {
            e.spec.label()
        };
        let short = fmt_bw(e.spec.bw_gbps);
        let (a, b) = segments[i];
        let mut done = false;
        let forms: Vec<&str> = if spelled.contains(&full) {
            vec![short.as_str()]
        } else {
            vec![full.as_str(), short.as_str()]
        };
        'place: for text in forms {
            let tw = label_font.width(text);
            let (pw, ph) = (tw + 12.0, label_font.px + 6.0);
            for t in [0.5f32, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78] {
                let (cx, cy) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
                let pill = Rect::centered(cx, cy, pw, ph);
                if !area.contains_rect(&pill) || obstacles.iter().any(|o| o.overlaps(&pill)) {
                    continue;
                }
                let tier = Tier::of(e.spec.bw_gbps).color();
                let border = if e.spec.inferred {
                    tier.mix(pal.bg, 0.55)
                } else {
                    tier
                };
                scene.rect(pill, pal.card, ph / 2.0, Some((border, 1.0)));
                scene.text((pill.x + 6.0, pill.y + 3.0), text, label_font, pal.text);
                obstacles.push(pill.inflate(2.0));
                if text == full {
                    spelled.push(full.clone());
                }
                if e.limiting {
                    // Marker: a warning badge next to the label, if it fits.
                    let badge = Rect::new(pill.right() + 4.0, pill.cy() - ph / 2.0, ph, ph);
                    if area.contains_rect(&badge) && !obstacles.iter().any(|o| o.overlaps(&badge)) {
                        scene.circle((badge.cx(), badge.cy()), ph / 2.0, pal.hot);
                        let f = TextStyle::bold(label_font.px);
                        let ew = f.width("!");
                        scene.text(
                            (badge.cx() - ew / 2.0, badge.cy() - f.px / 2.0),
                            "!",
                            f,
                            pal.bg,
                        );
                        obstacles.push(badge.inflate(2.0));
                    }
                }
                done = true;
                break 'place;
            }
        }
        if !done && e.limiting {
            // No room for a label: still mark the limiting link at its middle.
            let c = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            scene.circle(c, 7.0, pal.hot);
        }
    }
}

/// Kind glyph: a small shape per device class, drawn in a square of side `s`.
fn draw_glyph(scene: &mut Scene, pal: &Palette, kind: DeviceKind, x: f32, y: f32, s: f32) {
    let c = pal.muted;
    match kind {
        DeviceKind::Gpu => {
            // A card with two fans.
            scene.rect(Rect::new(x, y + s * 0.2, s, s * 0.6), c, 2.0, None);
            scene.circle((x + s * 0.3, y + s * 0.5), s * 0.17, pal.card);
            scene.circle((x + s * 0.7, y + s * 0.5), s * 0.17, pal.card);
        }
        DeviceKind::AppleSoc => {
            // A rounded chip with a die in the middle.
            scene.rect(Rect::new(x, y, s, s), c, s * 0.3, None);
            scene.rect(
                Rect::new(x + s * 0.3, y + s * 0.3, s * 0.4, s * 0.4),
                pal.card,
                s * 0.1,
                None,
            );
        }
        DeviceKind::Cpu => {
            // A square package with pins.
            for k in 0..3 {
                let o = s * (0.25 + 0.25 * k as f32);
                scene.line((x + o, y), (x + o, y + s), c, 1.2);
                scene.line((x, y + o), (x + s, y + o), c, 1.2);
            }
            scene.rect(
                Rect::new(x + s * 0.15, y + s * 0.15, s * 0.7, s * 0.7),
                c,
                1.0,
                None,
            );
        }
        DeviceKind::Accelerator => {
            let (cx, cy, r) = (x + s / 2.0, y + s / 2.0, s / 2.0);
            let pts = (0..6)
                .map(|k| {
                    let a = std::f32::consts::TAU * k as f32 / 6.0;
                    (cx + r * a.cos(), cy + r * a.sin())
                })
                .collect();
            scene.polygon(pts, c);
        }
        DeviceKind::Apu => {
            scene.rect(Rect::new(x, y, s, s), c, 2.0, None);
            scene.circle((x + s / 2.0, y + s / 2.0), s * 0.25, pal.card);
        }
    }
}

fn draw_card(
    scene: &mut Scene,
    pal: &Palette,
    st: CardStyle,
    b: &BoxItem,
    r: Rect,
    stage: Option<usize>,
) {
    let border = if b.bottleneck {
        (pal.hot, 3.0)
    } else {
        (pal.card_border, 1.5)
    };
    let radius = (st.pad).min(10.0);
    scene.rect(r, pal.card, radius, Some(border));
    let inner = r.inflate(-st.pad);
    if inner.w < 8.0 || inner.h < 8.0 {
        return;
    }
    let mut y = inner.y;
    let fits = |y: f32, h: f32| y + h <= inner.bottom() + 0.01;

    // Row 1: glyph, name, and tags (pipeline stage, bottleneck) on the right.
    if fits(y, st.name.px) {
        let gs = st.name.px * 0.9;
        let mut x = inner.x;
        let mut right = inner.right();
        if b.bottleneck {
            let f = TextStyle::bold(st.small.px);
            let tag = "BOTTLENECK";
            let tw = f.width(tag);
            if tw + 8.0 < inner.w * 0.45 {
                let tr = Rect::new(
                    right - tw - 8.0,
                    y + (st.name.px - f.px - 4.0) / 2.0,
                    tw + 8.0,
                    f.px + 4.0,
                );
                scene.rect(tr, pal.hot, 3.0, None);
                scene.text((tr.x + 4.0, tr.y + 2.0), tag, f, pal.bg);
                right = tr.x - 6.0;
            }
        }
        if let Some(s) = stage {
            let f = TextStyle::bold(st.small.px);
            let t = s.to_string();
            let d = f.px + 6.0;
            if right - d > x + gs + 30.0 {
                let c = (right - d / 2.0, y + st.name.px / 2.0);
                scene.circle(c, d / 2.0, pal.accent.mix(pal.card, 0.35));
                let tw = f.width(&t);
                scene.text((c.0 - tw / 2.0, c.1 - f.px / 2.0), &t, f, pal.text);
                right -= d + 6.0;
            }
        }
        if inner.w > gs * 3.0 {
            draw_glyph(scene, pal, b.kind, x, y + (st.name.px - gs) / 2.0, gs);
            x += gs + 6.0;
        }
        if let Some(t) = st.name.elide(&b.name, right - x) {
            scene.text((x, y), &t, st.name, pal.text);
        }
        y += st.name.px + 4.0;
    }
    // Row 2: role.
    if fits(y, st.role.px) {
        if !b.role.is_empty()
            && let Some(t) = st.role.elide(&b.role, inner.w)
        {
            scene.text((inner.x, y), &t, st.role, pal.accent);
        }
        y += st.role.px + 7.0;
    }
    // Row 3: memory bar, used (violet) and overflow (red) against capacity.
    let bar_h = 6.0;
    if fits(y, bar_h) {
        let bar = Rect::new(inner.x, y, inner.w, bar_h);
        scene.rect(bar, pal.mem_free, 3.0, None);
        let scale = b.mem_total_gb.max(b.mem_used_gb + b.overflow_gb).max(1e-9);
        let used_w = (b.mem_used_gb / scale).clamp(0.0, 1.0) as f32 * bar.w;
        let over_w = (b.overflow_gb / scale).clamp(0.0, 1.0) as f32 * bar.w;
        if used_w > 0.5 {
            scene.rect(
                Rect::new(bar.x, bar.y, used_w, bar_h),
                pal.mem_used,
                3.0,
                None,
            );
        }
        if over_w > 0.5 {
            scene.rect(
                Rect::new(bar.right() - over_w, bar.y, over_w, bar_h),
                pal.overflow,
                3.0,
                None,
            );
        }
        y += bar_h + 4.0;
    }
    // Row 4: memory figures.
    if fits(y, st.small.px) {
        let per = if b.members.len() > 1 { " each" } else { "" };
        let mem = format!(
            "{} / {}{per}",
            fmt_gb(b.mem_used_gb),
            fmt_gb(b.mem_total_gb)
        );
        let over = (b.overflow_gb > 0.0).then(|| format!("+{} over", fmt_gb(b.overflow_gb)));
        let ow = over
            .as_ref()
            .map(|o| st.small.width(o) + 8.0)
            .unwrap_or(0.0);
        if let Some(t) = st.small.elide(&mem, inner.w - ow) {
            scene.text((inner.x, y), &t, st.small, pal.muted);
        }
        if let Some(o) = over
            && ow <= inner.w
        {
            scene.text((inner.right() - ow + 8.0, y), &o, st.small, pal.overflow);
        }
        y += st.small.px + 4.0;
    }
    // Row 5 (groups): how the members are joined.
    if let Some(spec) = &b.internal
        && fits(y, st.small.px)
    {
        let tier = Tier::of(spec.bw_gbps).color();
        let sw = st.small.px * 1.2;
        let ly = y + st.small.px / 2.0;
        if spec.inferred {
            scene.dashed(
                (inner.x, ly),
                (inner.x + sw, ly),
                tier.mix(pal.bg, 0.55),
                2.5,
                (4.0, 3.0),
            );
        } else {
            scene.line((inner.x, ly), (inner.x + sw, ly), tier, 2.5);
        }
        // Through a switch: the switch names the fabric, the numbers say the rest.
        let t = match &b.internal_hub {
            Some(h) => LinkSpec {
                name: h.clone(),
                ..spec.clone()
            }
            .label(),
            None => spec.label(),
        };
        if let Some(t) = st.small.elide(&t, inner.w - sw - 6.0) {
            scene.text((inner.x + sw + 6.0, y), &t, st.small, pal.muted);
        }
    }
}
