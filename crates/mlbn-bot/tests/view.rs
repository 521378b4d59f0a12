//! Snapshot tests of the pure view layer: a valid scenario, errors, compare, clamping at each
//! Discord limit, Markdown and mention escaping. Engine figures change as the model is
//! calibrated, so snapshots of results have their digits masked: they pin the layout.

mod common;

use common::views::{mask_digits, within_limits};
use mlbn_bot::handler::{Request, bottleneck};
use mlbn_bot::report::{Detail, catalog_message, help_message};
use mlbn_bot::view::{EmbedView, FieldView, MessageView, escape_markdown, limits, truncate, units};
use mlbn_catalog::Catalog;
use serde_json::Value;

/// The message JSON with the attachment bytes summarised.
fn payload(m: &MessageView) -> Value {
    let mut v = m.to_json();
    v["files"] = Value::Array(
        m.files
            .iter()
            .map(|f| serde_json::json!({"filename": f.filename, "png": f.bytes.starts_with(b"\x89PNG\r\n\x1a\n")}))
            .collect(),
    );
    v
}

fn run(config: &str) -> MessageView {
    bottleneck(Catalog::builtin(), Request::new(config))
}

#[test]
fn valid_scenario_embed() {
    let m = run("2x rtx4090 nvlink; llama3-70b q4; auto");
    within_limits(&m);
    assert!(!m.ephemeral);
    let v = payload(&m);
    assert_eq!(v["allowed_mentions"]["parse"], serde_json::json!([]));
    assert_eq!(v["attachments"][0]["id"], "0");
    assert_eq!(v["attachments"][0]["filename"], "topology.png");
    assert_eq!(v["embeds"][0]["image"]["url"], "attachment://topology.png");
    assert_eq!(v["files"][0]["png"], true);
    let title = v["embeds"][0]["title"].as_str().unwrap();
    assert!(title.contains("RTX 4090"), "{title}");
    let desc = v["embeds"][0]["description"].as_str().unwrap();
    assert!(desc.contains("decode") && desc.contains("prefill") && desc.contains("TTFT"));
    let colour = v["embeds"][0]["color"].as_u64().unwrap();
    assert!([0x4ADE80, 0xFBBF24, 0xF87171].contains(&colour));
    insta::assert_json_snapshot!("valid_scenario", mask_digits(&v));
}

#[test]
fn does_not_fit_is_red() {
    let m = run("rtx4090; llama3-70b fp16");
    assert!(!m.ephemeral, "does not fit is a result, not a config error");
    let v = m.to_json();
    assert_eq!(v["embeds"][0]["color"], 0xF87171);
    let fields = v["embeds"][0]["fields"].as_array().unwrap();
    assert!(fields[0]["name"].as_str().unwrap().contains("does not fit"));
}

#[test]
fn full_detail_shows_the_source_and_stays_within_limits() {
    let m = bottleneck(
        Catalog::builtin(),
        Request {
            detail: Detail::Full,
            ..Request::new("8x h100-sxm nvswitch; llama3-70b fp16; auto")
        },
    );
    within_limits(&m);
    let desc = m.embeds[0].description.clone();
    assert!(desc.contains("```"), "{desc}");
}

#[test]
fn error_embed_has_caret_and_did_you_mean() {
    let m = run("2x rtx4900 nvlink; llama3-70b q4");
    within_limits(&m);
    assert!(m.ephemeral);
    assert!(m.files.is_empty(), "no picture on errors");
    let v = m.to_json();
    assert_eq!(v["flags"], 64);
    assert_eq!(v["embeds"][0]["color"], 0xF87171);
    let desc = v["embeds"][0]["description"].as_str().unwrap();
    assert!(desc.starts_with("```"), "{desc}");
    assert!(desc.contains("^^^^^^^"), "{desc}");
    assert!(desc.contains("rtx4900"));
    assert!(desc.to_lowercase().contains("did you mean"), "{desc}");
    insta::assert_json_snapshot!("error_unknown_device", v);
}

#[test]
fn compare_side_by_side() {
    let m = bottleneck(
        Catalog::builtin(),
        Request {
            compare: Some("rtx4090; llama3-8b q4".into()),
            ..Request::new("rtx3090; llama3-8b q4")
        },
    );
    within_limits(&m);
    let v = payload(&m);
    let e = &v["embeds"][0];
    assert!(e["title"].as_str().unwrap().contains(" vs "));
    let d = e["description"].as_str().unwrap();
    assert!(d.contains("decode:"), "{d}");
    assert!(d.contains("by ") || d.contains("tie"), "{d}");
    assert_eq!(e["fields"][0]["name"], "Decode · A");
    assert_eq!(e["fields"][1]["name"], "Decode · B");
    // One picture holding both topologies, A above B.
    assert_eq!(m.files.len(), 1);
    let img = image::load_from_memory_with_format(&m.files[0].bytes, image::ImageFormat::Png)
        .expect("PNG decodes");
    assert_eq!(
        (img.width(), img.height()),
        (
            mlbn_bot::picture::PNG_WIDTH,
            2 * mlbn_bot::picture::PNG_HEIGHT
        )
    );
    insta::assert_json_snapshot!("compare", mask_digits(&v));
}

#[test]
fn two_scenarios_in_one_config_compare() {
    let m = run("rtx3090; llama3-8b q4\n---\nrtx4090; llama3-8b q4");
    assert!(m.embeds[0].title.contains(" vs "), "{}", m.embeds[0].title);
}

#[test]
fn clamping_at_each_limit() {
    let long = |n: usize| "x".repeat(n);
    let embed = || EmbedView {
        title: long(300),
        description: long(5000),
        colour: 0xFFFFFFF,
        fields: (0..30)
            .map(|i| FieldView::new(format!("{i}{}", long(300)), long(2000), i % 2 == 0))
            .collect(),
        footer: long(3000),
        image: None,
    };
    // One embed: each part cut to its limit; the total then brought under 6000.
    let mut one = MessageView::embed(embed());
    one.embeds[0].clamp_parts();
    let e = &one.embeds[0];
    assert_eq!(units(&e.title), limits::TITLE);
    assert!(e.title.ends_with('…'));
    assert_eq!(units(&e.description), limits::DESCRIPTION);
    assert_eq!(e.fields.len(), limits::FIELDS);
    assert_eq!(units(&e.fields[0].name), limits::FIELD_NAME);
    assert_eq!(units(&e.fields[0].value), limits::FIELD_VALUE);
    assert!(
        e.fields[24].value.contains("6 more"),
        "{}",
        e.fields[24].value
    );
    assert_eq!(units(&e.footer), limits::FOOTER);
    let mut m = MessageView::embed(embed());
    m.content = long(2500);
    m.clamp();
    within_limits(&m);
    assert_eq!(units(&m.content), limits::CONTENT);
    assert!(m.embeds[0].footer.contains("left out"));
    // Twelve small embeds: ten kept.
    let mut small = MessageView {
        embeds: (0..12)
            .map(|i| EmbedView {
                title: format!("t{i}"),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    small.clamp();
    assert_eq!(small.embeds.len(), limits::EMBEDS);
    // Twelve full embeds: at most ten, 6000 characters in all.
    let mut many = MessageView {
        embeds: (0..12).map(|_| embed()).collect(),
        ..Default::default()
    };
    many.clamp();
    within_limits(&many);
    let v = many.to_json();
    assert_eq!(v["embeds"][0]["color"], 0xFFFFFF);
    let summary: Vec<Value> = many
        .embeds
        .iter()
        .map(|e| {
            serde_json::json!({
                "title": units(&e.title), "description": units(&e.description),
                "fields": e.fields.len(), "footer": units(&e.footer), "total": e.total_units()
            })
        })
        .collect();
    insta::assert_json_snapshot!("clamped_lengths", summary);
}

#[test]
fn long_input_is_clamped_by_the_view() {
    // A valid config padded with comments up to the input cap, shown in full detail.
    let mut config = String::from("2x rtx4090 nvlink; llama3-70b q4; auto\n");
    while config.len() < 3900 {
        config.push_str("# a long comment line that a user pasted into the config box\n");
    }
    let m = bottleneck(
        Catalog::builtin(),
        Request {
            detail: Detail::Full,
            ..Request::new(config)
        },
    );
    within_limits(&m);
    assert!(!m.ephemeral, "a long valid config is analysed, not refused");
}

#[test]
fn truncate_keeps_characters_and_escapes_whole() {
    assert_eq!(truncate("abc", 3), "abc");
    assert_eq!(truncate("abcd", 3), "ab…");
    // Never split a surrogate pair or a multi-byte character.
    let t = truncate("😀😀😀", 4);
    assert!(units(&t) <= 4);
    assert_eq!(t, "😀…");
    // No dangling escape before the ellipsis.
    let t = truncate(r"ab\*cd", 4);
    assert_eq!(t, "ab…");
}

#[test]
fn markdown_and_mentions_are_escaped() {
    let s =
        escape_markdown("@everyone **bold** _it_ `code` <@123> [x](y) ~~s~~ | > q\n# head\n- item");
    assert!(!s.contains("@everyone"));
    assert!(s.contains("@\u{200B}everyone"));
    assert!(s.contains(r"\*\*bold\*\*"));
    assert!(s.contains(r"\<@\u{200B}123\>") || s.contains("\\<@\u{200B}123\\>"));
    assert!(s.contains("\n\\# head"));
    assert!(s.contains("\n\\- item"));
    insta::assert_snapshot!("escaped", s);
}

#[test]
fn everyone_in_a_config_pings_nobody() {
    let m = run("@everyone rtx4090; **llama3-8b** q4");
    let v = m.to_json();
    assert_eq!(v["allowed_mentions"], serde_json::json!({"parse": []}));
    // Outside code blocks no raw `@everyone` survives.
    for e in v["embeds"].as_array().unwrap() {
        let mut text = e["title"].as_str().unwrap_or("").to_string();
        for f in e["fields"].as_array().into_iter().flatten() {
            text.push_str(f["name"].as_str().unwrap());
            text.push_str(f["value"].as_str().unwrap());
        }
        assert!(!text.contains("@everyone"), "{text}");
    }
    insta::assert_json_snapshot!("everyone_config", mask_digits(&v));
}

#[test]
fn help_has_five_examples_that_analyse_cleanly() {
    let m = help_message();
    within_limits(&m);
    assert_eq!(m.embeds[0].fields.len(), 5);
    for f in &m.embeds[0].fields {
        let code = f
            .value
            .trim_start_matches("```\n")
            .trim_end_matches("\n```");
        let a = mlbn_ide::analyze(code, &mlbn_ide::AnalyzeOptions::builtin());
        assert!(
            !a.has_errors(),
            "{code}: {:?}",
            a.errors().collect::<Vec<_>>()
        );
    }
}

#[test]
fn catalog_search() {
    let m = catalog_message(Catalog::builtin(), "4090");
    within_limits(&m);
    let f = &m.embeds[0].fields;
    assert!(f[0].name.starts_with("Devices"));
    assert!(f[0].value.contains("4090"));
    let none = catalog_message(Catalog::builtin(), "zzzz-nothing");
    assert!(none.embeds[0].fields.is_empty());
    assert!(none.embeds[0].description.contains("Nothing matches"));
}
