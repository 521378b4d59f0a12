//! Charts: valid PNGs of the asked size, deterministic, text inside and apart, and the content
//! the view asks for (winner marked, disqualified reasons shown, overflow in red).

use mlbn_render::image::{
    AutoChartView, CandidateView, ContextChartView, MemoryBarView, MemoryChartView, Op, Scene,
    Theme, auto_chart_scene, context_chart_scene, memory_chart_scene, palette,
    render_auto_chart_png, render_context_chart_png, render_memory_chart_png, samples,
};

mod common;
use common::{assert_text_clean, decode};

fn texts(scene: &Scene) -> Vec<String> {
    scene
        .text_rects()
        .into_iter()
        .map(|(_, t)| t.to_string())
        .collect()
}

fn many_candidates(n: usize) -> AutoChartView {
    AutoChartView {
        title: "many".into(),
        candidates: (0..n)
            .map(|i| CandidateView {
                label: format!("tp={} pp={} with a long label", 1 << (i % 4), i + 1),
                decode_tok_s: 10.0 + i as f64,
                prefill_tok_s: 100.0 * (i + 1) as f64,
                is_winner: i == 0,
                disqualified: (i % 3 == 2)
                    .then(|| format!("reason number {i} is quite long indeed")),
            })
            .collect(),
        theme: Theme::Dark,
    }
}

#[test]
fn auto_chart_marks_the_winner_and_greys_the_disqualified() {
    let view = samples::auto_chart(Theme::Dark);
    let scene = auto_chart_scene(&view, 1000, 380).unwrap();
    let t = texts(&scene);
    assert!(t.iter().any(|s| s == "★ tensor tp=2"), "{t:?}");
    assert!(
        t.iter()
            .any(|s| s.contains("Llama 3 70B is not a mixture of experts"))
    );
    assert!(t.iter().any(|s| s == "19.1"));
    // The winner's row is highlighted.
    let pal = palette(Theme::Dark);
    let band = pal.good.mix(pal.bg, 0.14);
    assert!(
        scene
            .ops
            .iter()
            .any(|op| matches!(op, Op::Rect { fill, .. } if *fill == band))
    );
    let img = decode(&scene.to_png().unwrap());
    assert_eq!((img.width(), img.height()), (1000, 380));
}

#[test]
fn memory_chart_shows_overflow_in_red() {
    let view = samples::memory_chart(Theme::Dark);
    let scene = memory_chart_scene(&view, 1000, 340).unwrap();
    let t = texts(&scene);
    assert!(t.iter().any(|s| s.contains("+3.4 GB over")), "{t:?}");
    let over = palette(Theme::Dark).overflow;
    let img = decode(&scene.to_png().unwrap());
    let red = img
        .pixels()
        .filter(|p| p.0 == [over.0, over.1, over.2])
        .count();
    assert!(red > 200, "overflow pixels: {red}");
    // Without overflow, no overflow bar (the legend swatch stays).
    let mut fits = view.clone();
    for d in &mut fits.devices {
        d.overflow_gb = 0.0;
    }
    let scene = memory_chart_scene(&fits, 1000, 340).unwrap();
    let bars = scene
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Rect { fill, rect, .. } if *fill == over && rect.w > 20.0))
        .count();
    assert_eq!(bars, 0);
}

#[test]
fn identical_devices_share_a_memory_row() {
    let d = MemoryBarView {
        name: "H100".into(),
        total_gb: 80.0,
        weights_gb: 40.0,
        ..Default::default()
    };
    let view = MemoryChartView {
        title: "t".into(),
        devices: vec![d; 8],
        theme: Theme::Light,
    };
    let t = texts(&memory_chart_scene(&view, 900, 300).unwrap());
    assert!(t.iter().any(|s| s == "8x H100"), "{t:?}");
}

#[test]
fn charts_are_deterministic() {
    let a = render_auto_chart_png(&samples::auto_chart(Theme::Light), 900, 400).unwrap();
    assert_eq!(
        a,
        render_auto_chart_png(&samples::auto_chart(Theme::Light), 900, 400).unwrap()
    );
    let m = render_memory_chart_png(&samples::memory_chart(Theme::Dark), 900, 400).unwrap();
    assert_eq!(
        m,
        render_memory_chart_png(&samples::memory_chart(Theme::Dark), 900, 400).unwrap()
    );
    let c = render_context_chart_png(&samples::context_chart(Theme::Dark), 900, 400).unwrap();
    assert_eq!(
        c,
        render_context_chart_png(&samples::context_chart(Theme::Dark), 900, 400).unwrap()
    );
}

#[test]
fn chart_text_stays_inside_and_apart() {
    for (w, h) in [(1000, 380), (700, 500), (200, 200), (1600, 900)] {
        for theme in [Theme::Dark, Theme::Light] {
            let mut auto = many_candidates(30);
            auto.theme = theme;
            for v in [samples::auto_chart(theme), auto, many_candidates(1)] {
                assert_text_clean(
                    &auto_chart_scene(&v, w, h).unwrap(),
                    &format!("auto {w}x{h}"),
                );
            }
            let mem = MemoryChartView {
                title: "m".into(),
                devices: (0..40)
                    .map(|i| MemoryBarView {
                        name: format!("device {i} with a long name"),
                        total_gb: 24.0 + i as f64,
                        weights_gb: 20.0,
                        kv_cache_gb: 2.0,
                        activations_gb: 1.0,
                        overhead_gb: 0.5,
                        overflow_gb: (i % 4) as f64,
                    })
                    .collect(),
                theme,
            };
            for v in [samples::memory_chart(theme), mem] {
                assert_text_clean(
                    &memory_chart_scene(&v, w, h).unwrap(),
                    &format!("mem {w}x{h}"),
                );
            }
            let ctx = samples::context_chart(theme);
            assert_text_clean(
                &context_chart_scene(&ctx, w, h).unwrap(),
                &format!("ctx {w}x{h}"),
            );
        }
    }
}

#[test]
fn context_chart_marks_the_scenario_context() {
    let scene = context_chart_scene(&samples::context_chart(Theme::Dark), 1000, 420).unwrap();
    let t = texts(&scene);
    assert!(t.iter().any(|s| s.ends_with("tok/s at 8k")), "{t:?}");
    assert!(t.iter().any(|s| s == "128k"), "{t:?}");
}

#[test]
fn empty_and_bad_chart_views_still_render() {
    decode(&render_auto_chart_png(&AutoChartView::default(), 600, 400).unwrap());
    decode(&render_memory_chart_png(&MemoryChartView::default(), 600, 400).unwrap());
    decode(&render_context_chart_png(&ContextChartView::default(), 600, 400).unwrap());
    let bad = ContextChartView {
        points: vec![
            (f64::NAN, 1.0),
            (0.0, 5.0),
            (1e300, f64::INFINITY),
            (2048.0, -1.0),
        ],
        marker_ctx: Some(f64::NAN),
        ..Default::default()
    };
    decode(&render_context_chart_png(&bad, 600, 400).unwrap());
    let nan = AutoChartView {
        candidates: vec![CandidateView {
            label: "x".into(),
            decode_tok_s: f64::NAN,
            ..Default::default()
        }],
        ..Default::default()
    };
    decode(&render_auto_chart_png(&nan, 600, 400).unwrap());
}
