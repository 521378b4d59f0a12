//! From a real analysis to pictures: the views carry the estimate's devices, roles, links and
//! flow, and the topology PNG drawn from them shows the link's tier colour between the nodes.

use mlbn_catalog::Catalog;
use mlbn_ide::{AnalyzeOptions, analyze};
use mlbn_render::image::{
    Flow, TIER_GREEN, TOPOLOGY_SIZE_PX, Theme, auto_chart_view, memory_chart_view,
    render_topology_png, topology_view,
};

fn analysed(text: &str) -> (mlbn_ide::ResolvedScenario, mlbn_engine::Estimate) {
    let a = analyze(text, &AnalyzeOptions::builtin());
    let s = &a.scenarios[0];
    (
        s.resolved.clone().expect("resolves"),
        s.estimate.clone().expect("estimated"),
    )
}

#[test]
fn pipeline_pair_over_nvlink() {
    let (r, e) = analysed("2x rtx4090 nvlink; llama3-70b q4; pipeline");
    let v = topology_view(Catalog::builtin(), &r, &e, "t", "h", Theme::Dark);
    assert_eq!(v.nodes.len(), 2);
    assert_eq!(v.nodes[0].role, "L1-40");
    assert_eq!(v.nodes[1].role, "L41-80");
    assert_eq!(v.nodes.iter().filter(|n| n.is_bottleneck).count(), 1);
    assert!(
        v.nodes
            .iter()
            .all(|n| n.mem_used_gb > 0.0 && n.mem_total_gb >= 20.0)
    );
    assert_eq!(v.links.len(), 1);
    assert!(!v.links[0].inferred, "the link is written");
    assert!(v.links[0].bw_gbps >= 300.0);
    assert_eq!(v.flow, Flow::Pipeline { order: vec![0, 1] });

    let (w, h) = TOPOLOGY_SIZE_PX;
    let png = render_topology_png(&v, w, h).expect("renders");
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("valid PNG")
        .to_rgb8();
    assert_eq!((img.width(), img.height()), (w, h));
    // The link runs between the two nodes (middle third of the width, above the legend) in
    // the NVLink tier's green.
    let green = (w / 3..2 * w / 3)
        .flat_map(|x| (h / 5..4 * h / 5).map(move |y| (x, y)))
        .filter(|&(x, y)| {
            let p = img.get_pixel(x, y);
            (p[0], p[1], p[2]) == (TIER_GREEN.0, TIER_GREEN.1, TIER_GREEN.2)
        })
        .count();
    assert!(green > 50, "{green} green pixels between the nodes");
}

#[test]
fn tensor_roles_inferred_links_and_slow_network() {
    // No link written: the group's link is inferred (dashed).
    let (r, e) = analysed("4x rtx3090; llama3-70b q4; tensor");
    let v = topology_view(Catalog::builtin(), &r, &e, "t", "h", Theme::Light);
    assert_eq!(v.nodes.len(), 4);
    assert_eq!(v.nodes[2].role, "TP shard 3/4");
    assert_eq!(v.flow, Flow::Tensor);
    assert!(!v.links.is_empty() && v.links.iter().all(|l| l.inferred));

    // Two boxes over 1 GbE: network bound, and the slow link is the limiting one.
    let (r, e) = analysed("rtx4090 + rtx3090 over 1gbe; llama3-8b q4; pipeline");
    let v = topology_view(Catalog::builtin(), &r, &e, "t", "h", Theme::Dark);
    assert_eq!(v.links.len(), 1);
    assert!(!v.links[0].inferred);
    if e.decode_bound == mlbn_engine::Bound::Network
        || e.prefill_bound == mlbn_engine::Bound::Network
    {
        assert!(v.links[0].limiting);
    }
    assert!(v.links[0].bw_gbps < 8.0, "1 GbE is in the red tier");
}

#[test]
fn chart_views_from_the_estimate() {
    let (r, e) = analysed("2x rtx4090 nvlink; llama3-70b q4; auto");
    let a = auto_chart_view(&e, "t", Theme::Dark).expect("auto ran");
    assert_eq!(a.candidates.iter().filter(|c| c.is_winner).count(), 1);
    assert!(a.candidates.iter().any(|c| c.disqualified.is_some()));
    let m = memory_chart_view(&r, &e, "t", Theme::Dark);
    assert_eq!(m.devices.len(), 2);
    assert!(m.devices[0].name.ends_with("#1"));
    assert!(
        m.devices
            .iter()
            .all(|d| d.weights_gb > 10.0 && d.total_gb > 20.0)
    );

    let (_, e) = analysed("rtx4090; llama3-8b q4; pipeline");
    assert!(auto_chart_view(&e, "t", Theme::Dark).is_none());
}

#[test]
fn phase_split_roles_and_kv_stream() {
    let (r, e) = analysed(
        "dgx-spark + mac-m3-ultra-512 over 10gbe\nllama3.1-8b fp16 prompt=8k gen=512\nruntime exo\nphase-split",
    );
    let v = topology_view(Catalog::builtin(), &r, &e, "t", "h", Theme::Dark);
    let roles: Vec<&str> = v.nodes.iter().map(|n| n.role.as_str()).collect();
    assert_eq!(roles, ["prefill", "decode"]);
    // Phase split has no slowest pipeline stage to blame.
    assert!(v.nodes.iter().all(|n| !n.is_bottleneck));
    match &v.flow {
        Flow::PhaseSplit {
            prefill,
            decode,
            kv_stream_link,
        } => {
            assert_eq!(
                (prefill.as_slice(), decode.as_slice()),
                (&[0][..], &[1][..])
            );
            assert_eq!(*kv_stream_link, Some(0));
        }
        f => panic!("{f:?}"),
    }
}
