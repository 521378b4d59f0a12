//! Topology PNG: valid PNG of the asked size, deterministic, labels inside the canvas and never
//! overlapping for 1 to 64 devices, and the pixels show what the view says (tier colours on
//! links, dashes for inferred links, the bottleneck highlight, the theme background).

use mlbn_render::image::{
    DeviceKind, End, Flow, HubView, Layout, LinkView, NodeView, Op, RenderError, Rgb, Scene,
    TIER_BLUE, TIER_GREEN, TIER_RED, TIER_YELLOW, Theme, TopologyView, palette,
    render_topology_png, samples, topology_scene,
};

mod common;
use common::{assert_text_clean, decode};

fn px(img: &image::RgbImage, x: f32, y: f32) -> Rgb {
    let p = img.get_pixel(x.round() as u32, y.round() as u32);
    Rgb(p[0], p[1], p[2])
}

/// The 3x3 pixels around a point (a line's centre may fall between two pixel rows).
fn around(img: &image::RgbImage, x: f32, y: f32) -> Vec<Rgb> {
    let mut v = Vec::new();
    for dy in -1..=1 {
        for dx in -1..=1 {
            v.push(px(img, x + dx as f32, y + dy as f32));
        }
    }
    v
}

fn gpu(name: &str) -> NodeView {
    NodeView {
        name: name.into(),
        kind: DeviceKind::Gpu,
        mem_used_gb: 20.0,
        mem_total_gb: 24.0,
        overflow_gb: 0.0,
        role: "L1-40".into(),
        is_bottleneck: false,
    }
}

fn pair(bw_gbps: f64, inferred: bool, theme: Theme) -> TopologyView {
    let mut link = LinkView::new(0, 1, "link", bw_gbps, 5.0);
    link.inferred = inferred;
    TopologyView {
        title: "pair".into(),
        headline: "test".into(),
        nodes: vec![gpu("A"), gpu("B")],
        links: vec![link],
        theme,
        ..Default::default()
    }
}

/// Longer than a legend swatch: a drawn link, not the legend's sample of it.
fn long(from: &(f32, f32), to: &(f32, f32)) -> bool {
    (to.0 - from.0).hypot(to.1 - from.1) > 40.0
}

/// The first drawn link of `color`, in final pixels.
fn line_of(scene: &Scene, color: Rgb) -> ((f32, f32), (f32, f32)) {
    scene
        .ops
        .iter()
        .find_map(|op| match op {
            Op::Line {
                from, to, color: c, ..
            } if *c == color && long(from, to) => Some((scene.to_px(*from), scene.to_px(*to))),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no line of colour {color:?}"))
}

fn lerp(a: (f32, f32), b: (f32, f32), t: f32) -> (f32, f32) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

#[test]
fn png_has_signature_and_requested_size() {
    for (w, h) in [(1200, 760), (800, 500), (320, 320), (1920, 1080)] {
        let png = render_topology_png(&samples::two_gpus_tensor(Theme::Dark), w, h).unwrap();
        let img = decode(&png);
        assert_eq!((img.width(), img.height()), (w, h));
    }
}

#[test]
fn same_input_gives_same_bytes() {
    for view in [
        samples::eight_h100_nvswitch(Theme::Dark),
        samples::cluster(64, Theme::Light),
    ] {
        let a = render_topology_png(&view, 1000, 640).unwrap();
        let b = render_topology_png(&view, 1000, 640).unwrap();
        assert_eq!(a, b);
    }
    // And a different input gives different bytes.
    let a = render_topology_png(&pair(900.0, false, Theme::Dark), 800, 500).unwrap();
    let b = render_topology_png(&pair(16.0, false, Theme::Dark), 800, 500).unwrap();
    assert_ne!(a, b);
}

#[test]
fn link_between_two_nodes_has_its_tier_colour() {
    for (bw, tier) in [
        (900.0, TIER_GREEN),
        (64.0, TIER_BLUE),
        (16.0, TIER_YELLOW),
        (1.25, TIER_RED),
    ] {
        let view = pair(bw, false, Theme::Dark);
        let scene = topology_scene(&view, 1000, 640).unwrap();
        let (a, b) = line_of(&scene, tier);
        // Both ends sit on the cards, left and right of each other.
        assert!(b.0 - a.0 > 100.0, "link spans the gap between the cards");
        let img = decode(&scene.to_png().unwrap());
        // Near the ends, away from the label pill in the middle.
        for t in [0.04, 0.08, 0.92, 0.96] {
            let (x, y) = lerp(a, b, t);
            assert!(around(&img, x, y).contains(&tier), "{bw} GB/s at t={t}");
        }
    }
}

#[test]
fn inferred_links_are_dashed_and_fainter() {
    let pal = palette(Theme::Dark);
    let solid = topology_scene(&pair(900.0, false, Theme::Dark), 1000, 640).unwrap();
    let dashed = topology_scene(&pair(900.0, true, Theme::Dark), 1000, 640).unwrap();
    let faint = TIER_GREEN.mix(pal.bg, 0.55);
    let (a, b) = line_of(&dashed, faint);
    let img = decode(&dashed.to_png().unwrap());
    let (mut ink, mut gap) = (0, 0);
    for k in 0..=400 {
        let (x, y) = lerp(a, b, k as f32 / 400.0);
        let near = around(&img, x, y);
        if near.contains(&faint) {
            ink += 1;
        } else if near.iter().all(|c| *c == pal.bg) {
            gap += 1;
        }
    }
    assert!(ink > 40 && gap > 20, "dashes {ink} and gaps {gap}");
    // The solid version has no gaps: every point is the line colour or under the label pill.
    let (a, b) = line_of(&solid, TIER_GREEN);
    let img = decode(&solid.to_png().unwrap());
    let mut seen = 0;
    for k in 0..=400 {
        let (x, y) = lerp(a, b, k as f32 / 400.0);
        let near = around(&img, x, y);
        assert!(
            !near.iter().all(|c| *c == pal.bg),
            "gap in a solid link at {x},{y}"
        );
        seen += usize::from(near.contains(&TIER_GREEN));
    }
    assert!(seen > 100);
}

#[test]
fn background_follows_the_theme() {
    for theme in [Theme::Dark, Theme::Light] {
        let img = decode(&render_topology_png(&pair(64.0, false, theme), 800, 500).unwrap());
        let bg = palette(theme).bg;
        assert_eq!(px(&img, 2.0, 250.0), bg);
        assert_eq!(px(&img, 797.0, 250.0), bg);
    }
    assert_ne!(palette(Theme::Dark).bg, palette(Theme::Light).bg);
}

#[test]
fn bottleneck_and_limiting_link_are_highlighted() {
    let count =
        |img: &image::RgbImage, c: Rgb| img.pixels().filter(|p| p.0 == [c.0, c.1, c.2]).count();
    let hot = palette(Theme::Dark).hot;
    let plain = decode(&render_topology_png(&pair(16.0, false, Theme::Dark), 1000, 640).unwrap());
    let mut view = pair(16.0, false, Theme::Dark);
    view.nodes[1].is_bottleneck = true;
    view.links[0].limiting = true;
    let scene = topology_scene(&view, 1000, 640).unwrap();
    let texts: Vec<&str> = scene.text_rects().into_iter().map(|(_, t)| t).collect();
    assert!(texts.contains(&"BOTTLENECK"));
    assert!(
        texts.iter().any(|t| t.starts_with("⚠ Limiting link")),
        "{texts:?}"
    );
    let hi = decode(&scene.to_png().unwrap());
    assert_eq!(count(&plain, hot), 0);
    assert!(count(&hi, hot) > 500, "hot pixels: {}", count(&hi, hot));
    // The limiting link is drawn thicker than a plain one.
    let width = |s: &Scene| {
        s.ops.iter().find_map(|op| match op {
            Op::Line {
                color,
                width,
                from,
                to,
                ..
            } if *color == TIER_YELLOW && long(from, to) => Some(*width),
            _ => None,
        })
    };
    let plain_scene = topology_scene(&pair(16.0, false, Theme::Dark), 1000, 640).unwrap();
    assert!(width(&scene).unwrap() > width(&plain_scene).unwrap());
}

#[test]
fn overflow_shows_in_red_on_the_memory_bar() {
    let mut view = pair(16.0, false, Theme::Dark);
    view.nodes[0].overflow_gb = 6.0;
    let scene = topology_scene(&view, 1000, 640).unwrap();
    let over = palette(Theme::Dark).overflow;
    assert!(
        scene
            .ops
            .iter()
            .any(|op| matches!(op, Op::Rect { fill, .. } if *fill == over))
    );
    assert!(scene.text_rects().iter().any(|(_, t)| t.contains("over")));
}

#[test]
fn eight_gpus_on_nvswitch_become_a_hub_not_28_lines() {
    let view = samples::eight_h100_nvswitch(Theme::Dark);
    assert_eq!(view.links.len(), 28);
    let scene = topology_scene(&view, 1200, 760).unwrap();
    let faint_green = TIER_GREEN.mix(palette(Theme::Dark).bg, 0.55);
    let spokes = scene
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Line { color, from, to, .. } if *color == faint_green && long(from, to)))
        .count();
    assert_eq!(spokes, 8);
    let texts: Vec<&str> = scene.text_rects().into_iter().map(|(_, t)| t).collect();
    assert!(texts.contains(&"NVSwitch"));
    assert!(texts.iter().any(|t| t.contains("900 GB/s")));
}

#[test]
fn four_devices_draw_a_full_mesh() {
    let view = samples::four_gpus_pipeline(Theme::Dark);
    let scene = topology_scene(&view, 1200, 760).unwrap();
    let link_colours = [TIER_BLUE, TIER_YELLOW.mix(palette(Theme::Dark).bg, 0.55)];
    let lines: std::collections::HashSet<String> = scene
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Line {
                from, to, color, ..
            } if link_colours.contains(color) && long(from, to) => Some(format!("{from:?}{to:?}")),
            _ => None,
        })
        .collect();
    assert_eq!(lines.len(), 6, "a 4-device mesh has 6 links");
    // Pipeline arrows: stage order 1..4 badges.
    let texts: Vec<&str> = scene.text_rects().into_iter().map(|(_, t)| t).collect();
    for s in ["1", "2", "3", "4"] {
        assert!(texts.contains(&s), "stage {s} badge");
    }
}

#[test]
fn sixty_four_devices_collapse_into_groups() {
    let scene = topology_scene(&samples::cluster(64, Theme::Dark), 1200, 760).unwrap();
    let texts: Vec<&str> = scene.text_rects().into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        texts.iter().filter(|t| **t == "8x H100 SXM").count(),
        8,
        "{texts:?}"
    );
    assert!(texts.contains(&"InfiniBand NDR"));
}

fn mesh(n: usize, bw: f64, name: &str) -> TopologyView {
    let mut links = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let mut l = LinkView::new(a, b, name, bw, 3.0);
            l.inferred = (a + b) % 2 == 0;
            links.push(l);
        }
    }
    TopologyView {
        title: format!(
            "{n} devices with a rather long scenario title that has to be elided somewhere"
        ),
        headline:
            "auto → tensor · 18.2 tok/s decode · TTFT 1.5 s · 780 W · and more words to elide"
                .into(),
        nodes: (0..n)
            .map(|i| {
                let mut g = gpu(if i % 3 == 0 {
                    "NVIDIA GeForce RTX 4090 Founders Edition"
                } else {
                    "RTX 3090"
                });
                g.is_bottleneck = i == n / 2;
                g.overflow_gb = if i == 0 { 3.0 } else { 0.0 };
                g.role = format!("L{}-{} plus a long role note", i * 4 + 1, i * 4 + 4);
                g
            })
            .collect(),
        links,
        flow: Flow::Pipeline {
            order: (0..n).collect(),
        },
        ..Default::default()
    }
}

#[test]
fn labels_stay_inside_and_apart_for_every_device_count() {
    let sizes = [(1200, 760), (1000, 640), (800, 500), (600, 400), (240, 200)];
    for n in [1usize, 2, 3, 4, 8, 16, 64] {
        for theme in [Theme::Dark, Theme::Light] {
            for (w, h) in sizes {
                let views = [samples::cluster(n, theme), {
                    let mut v = mesh(n.min(20), 16.0, "PCIe 4.0 x8");
                    v.theme = theme;
                    v
                }];
                for (k, view) in views.iter().enumerate() {
                    for layout in [
                        None,
                        Some(Layout::Grid),
                        Some(Layout::Ring),
                        Some(Layout::Star),
                    ] {
                        let mut v = view.clone();
                        v.layout = layout;
                        let scene = topology_scene(&v, w, h).unwrap();
                        assert_text_clean(&scene, &format!("n={n} view={k} {w}x{h} {layout:?}"));
                    }
                }
            }
        }
    }
}

#[test]
fn phase_split_draws_both_groups_and_the_kv_stream() {
    let scene = topology_scene(&samples::phase_split(Theme::Dark), 1200, 760).unwrap();
    let texts: Vec<&str> = scene.text_rects().into_iter().map(|(_, t)| t).collect();
    assert!(texts.contains(&"PREFILL") && texts.contains(&"DECODE"));
    assert!(texts.iter().any(|t| t.starts_with("KV stream")));
    // One arrowhead, pointing right (from the prefill side to the decode side).
    let heads: Vec<&Vec<(f32, f32)>> = scene
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Polygon { points, fill } if *fill == TIER_RED && points.len() == 3 => Some(points),
            _ => None,
        })
        .collect();
    assert_eq!(heads.len(), 1);
    let tip = heads[0][0];
    assert!(heads[0][1..].iter().all(|p| p.0 < tip.0));
}

#[test]
fn bad_input_is_drawn_not_panicked_on() {
    let mut view = pair(f64::NAN, false, Theme::Dark);
    view.nodes[0].mem_total_gb = f64::INFINITY;
    view.nodes[1].mem_used_gb = -5.0;
    view.links.push(LinkView::new(0, 7, "dangling", 10.0, 1.0));
    view.links.push(LinkView::new(1, 1, "self", 10.0, 1.0));
    let mut to_missing_hub = LinkView::new(0, 1, "x", 10.0, 1.0);
    to_missing_hub.b = End::Hub(3);
    view.links.push(to_missing_hub);
    view.flow = Flow::PhaseSplit {
        prefill: vec![9],
        decode: vec![1, 1],
        kv_stream_link: Some(99),
    };
    let scene = topology_scene(&view, 800, 500).unwrap();
    assert_text_clean(&scene, "bad input");
    decode(&scene.to_png().unwrap());

    let empty = TopologyView::default();
    decode(&render_topology_png(&empty, 640, 400).unwrap());
    let hub_only = TopologyView {
        hubs: vec![HubView {
            name: "lonely".into(),
        }],
        ..Default::default()
    };
    decode(&render_topology_png(&hub_only, 640, 400).unwrap());
}

#[test]
fn sizes_outside_the_range_are_errors() {
    let view = samples::two_gpus_tensor(Theme::Dark);
    for (w, h) in [(0, 0), (100, 800), (800, 199), (5000, 800)] {
        assert_eq!(
            render_topology_png(&view, w, h),
            Err(RenderError::BadSize {
                width: w,
                height: h
            })
        );
    }
}

#[test]
fn huge_views_are_capped_not_choked_on() {
    let nodes: Vec<NodeView> = (0..5000).map(|i| gpu(&format!("dev{}", i % 300))).collect();
    let links: Vec<LinkView> = (0..40_000)
        .map(|i| LinkView::new(i % 5000, (i * 7 + 1) % 5000, "eth", 1.0, 50.0))
        .collect();
    let view = TopologyView {
        nodes,
        links,
        flow: Flow::Pipeline {
            order: (0..5000).collect(),
        },
        ..Default::default()
    };
    let scene = topology_scene(&view, 1200, 760).unwrap();
    assert_text_clean(&scene, "huge");
    decode(&scene.to_png().unwrap());
}

#[test]
fn a_previous_render_never_shows_through() {
    // The rasterizer reuses a per-thread scratch buffer; a render after a busy one must equal
    // the same render on a fresh thread.
    let quiet = TopologyView::default();
    let fresh = std::thread::spawn(move || render_topology_png(&quiet, 800, 500).unwrap())
        .join()
        .unwrap();
    render_topology_png(&samples::cluster(64, Theme::Light), 1200, 760).unwrap();
    render_topology_png(&samples::eight_h100_nvswitch(Theme::Dark), 800, 500).unwrap();
    assert_eq!(
        render_topology_png(&TopologyView::default(), 800, 500).unwrap(),
        fresh
    );
}
