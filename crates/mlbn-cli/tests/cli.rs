//! End-to-end tests of the built `mlbn` binary: exit codes and output on the examples and on
//! bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn mlbn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlbn"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run mlbn")
}

fn mlbn_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlbn"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mlbn");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example(name: &str) -> String {
    root().join("examples").join(name).display().to_string()
}

fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "mlbn"))
        .collect();
    v.sort();
    v
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mlbn-cli-test-{}", std::process::id()));
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn analyze_the_readme_example() {
    let o = mlbn(&["analyze", &example("rtx4090-llama3-8b.mlbn")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "RTX 4090",
        "Llama 3 8B",
        "Q4_K_M",
        "decode",
        "prefill",
        "TTFT",
        "tok/s",
        "Memory",
        "(default)",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    assert!(
        !out.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn every_example_analyses_without_errors() {
    let all = examples();
    assert!(all.len() >= 12, "{} examples", all.len());
    for p in all {
        let o = mlbn(&["analyze", p.to_str().unwrap()]);
        assert!(o.status.success(), "{}:\n{}", p.display(), stderr(&o));
    }
}

#[test]
fn check_passes_on_every_example() {
    let all: Vec<String> = examples().iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["check"];
    args.extend(all.iter().map(String::as_str));
    let o = mlbn(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), all.len());
}

#[test]
fn inline_text_and_stdin() {
    let o = mlbn(&["analyze", "2x rtx4090 nvlink; llama3-70b q4; auto"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Llama 3 70B"));
    let o = mlbn_stdin(&["analyze", "-"], b"rtx3090; qwen2.5-7b q4_k_m\n");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("RTX 3090"));
}

#[test]
fn json_has_the_documented_fields() {
    let o = mlbn(&["analyze", "--json", &example("rtx4090-llama3-8b.mlbn")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    for key in [
        "decode_tok_s",
        "prefill_tok_s",
        "ttft_ms",
        "fits",
        "memory",
        "strategy",
        "devices",
        "power_w",
        "findings",
        "defaulted",
        "scenarios",
        "diagnostics",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert!(v["decode_tok_s"].as_f64().unwrap() > 0.0);
    assert!(v["prefill_tok_s"].as_f64().unwrap() > v["decode_tok_s"].as_f64().unwrap());
    assert_eq!(v["devices"][0]["id"], "rtx-4090");
    assert!(
        v["defaulted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["field"] == "runtime")
    );
}

#[test]
fn errors_print_snippets_and_exit_1() {
    let p = tmp("typo.mlbn", b"2x rtx4900 nvlink\nllama3-70b q4\n");
    let o = mlbn(&["check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("typo.mlbn:1:4: error[unknown_device]"),
        "{err}"
    );
    assert!(err.contains("1 | 2x rtx4900 nvlink"), "{err}");
    assert!(err.contains("  |    ^^^^^^^"), "{err}");
    assert!(err.contains("help: did you mean"), "{err}");
    let o = mlbn(&["analyze", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[unknown_device]"));
    let o = mlbn(&["analyze", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["diagnostics"][0]["code"], "unknown_device");
    assert_eq!(v["diagnostics"][0]["line"], 1);
}

#[test]
fn colour_only_when_forced_and_never_with_no_color_on_auto() {
    let p = tmp("colour.mlbn", b"rtx4900\n");
    let o = mlbn(&["--color", "always", "check", p.to_str().unwrap()]);
    assert!(stderr(&o).contains("\x1b["));
    let o = Command::new(env!("CARGO_BIN_EXE_mlbn"))
        .args(["check", p.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stderr(&o).contains("\x1b["));
}

#[test]
fn bad_files_are_clear_errors_not_panics() {
    let o = mlbn(&["analyze", "does-not-exist.mlbn"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such file"), "{}", stderr(&o));

    let p = tmp("latin1.mlbn", b"rtx4090 caf\xe9\n");
    let o = mlbn(&["analyze", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not valid UTF-8"), "{}", stderr(&o));

    let big = vec![b'#'; (1 << 20) + 10];
    let p = tmp("big.mlbn", &big);
    let o = mlbn(&["check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("1 MiB"), "{}", stderr(&o));

    let o = mlbn_stdin(&["analyze", "-"], &[0xff, 0xfe, 0x00]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not valid UTF-8"));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn a_missing_config_json_is_a_diagnostic() {
    let p = tmp(
        "cfg.mlbn",
        b"rtx4090\nmodel \"./nope/config.json\" q4_k_m\n",
    );
    let o = mlbn(&["check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("file_unreadable"), "{}", stderr(&o));
    assert!(stderr(&o).contains("no such file"), "{}", stderr(&o));
}

#[test]
fn fmt_check_lists_files_that_would_change_and_fmt_rewrites_them() {
    let p = tmp(
        "messy.mlbn",
        b"2x   rtx4090   nvlink ;llama3-70b   q4;auto\n",
    );
    let before = std::fs::read(&p).unwrap();
    let o = mlbn(&["fmt", "--check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("messy.mlbn"));
    assert_eq!(
        std::fs::read(&p).unwrap(),
        before,
        "--check changes nothing"
    );
    let o = mlbn(&["fmt", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = mlbn(&["fmt", "--check", p.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "formatting is idempotent: {}",
        stdout(&o)
    );
}

#[test]
fn examples_are_formatted() {
    let all: Vec<String> = examples().iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["fmt", "--check"];
    args.extend(all.iter().map(String::as_str));
    let o = mlbn(&args);
    assert!(o.status.success(), "would reformat:\n{}", stdout(&o));
}

#[test]
fn catalog_lists_and_searches() {
    let o = mlbn(&["catalog", "devices", "4090"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("rtx-4090"));
    let o = mlbn(&["catalog", "models", "llama3 70b", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "llama-3-70b")
    );
    let o = mlbn(&["catalog", "quants"]);
    assert!(stdout(&o).contains("q4_k_m"));
    let o = mlbn(&["catalog", "links", "zzzz-nothing"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(mlbn(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(mlbn(&["check"]).status.code(), Some(2));
}

#[test]
fn eval_scores_a_measurements_csv_and_writes_predictions() {
    // Two rows in the benchmark CSV format (shared/benchmarks/README.md).
    let csv = "id,hardware,device_count,interconnect,model_hf_id,params_b,active_params_b,quant,bits_per_weight,runtime,batch_size,prompt_tokens,gen_tokens,decode_tok_s,prefill_tok_s,source_url,notes\n\
t-1,RTX 4090,1,,meta-llama/Meta-Llama-3-8B-Instruct,8.03,8.03,Q4_K_M,4.89,\"llama.cpp (CUDA)\",1,512,128,127.7,6900,https://example.invalid/a,\n\
t-2,Imaginary GPU 9000,1,,meta-llama/Meta-Llama-3-8B-Instruct,8.03,8.03,Q4_K_M,4.89,\"llama.cpp (CUDA)\",1,512,128,50,1000,https://example.invalid/b,\n";
    let p = tmp("bench.csv", csv.as_bytes());
    let out = p.with_file_name("pred.csv");
    let o = mlbn(&[
        "eval",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--by",
        "runtime",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("all rows"), "{}", stdout(&o));
    let pred = std::fs::read_to_string(&out).unwrap();
    let mut lines = pred.lines();
    assert_eq!(
        lines.next(),
        Some("id,pred_decode_tok_s,pred_prefill_tok_s")
    );
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[0], "t-1");
    assert!(first[1].parse::<f64>().unwrap() > 0.0);

    let bad = tmp("bad.csv", b"just,some,columns\n1,2,3\n");
    let o = mlbn(&["eval", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing columns"), "{}", stderr(&o));
}

#[test]
fn eval_scores_several_files_and_directories_as_one_set() {
    let header = "id,hardware,device_count,model_hf_id,quant,runtime,decode_tok_s\n";
    let row = |id: &str| {
        format!(
            "{id},RTX 4090,1,meta-llama/Meta-Llama-3-8B-Instruct,Q4_K_M,llama.cpp (CUDA),127.7\n"
        )
    };
    let dir = tmp("set/a.csv", format!("{header}{}", row("s-1")).as_bytes())
        .parent()
        .unwrap()
        .to_path_buf();
    std::fs::write(
        dir.join("b.csv"),
        format!("{header}{}{}", row("s-2"), row("s-3")),
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not a csv").unwrap();
    let extra = tmp("extra.csv", format!("{header}{}", row("s-4")).as_bytes());
    let out = dir.with_file_name("set-pred.csv");
    let o = mlbn(&[
        "eval",
        dir.to_str().unwrap(),
        extra.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["s-1", "s-2", "s-3", "s-4"]);
    let all_rows = stdout(&o)
        .lines()
        .find(|l| l.starts_with("all rows"))
        .map(|l| l.split_whitespace().nth(2).unwrap().to_string());
    assert_eq!(all_rows.as_deref(), Some("4"), "{}", stdout(&o));

    // The same id in two files is an error naming both.
    let dup = tmp("dup.csv", format!("{header}{}", row("s-2")).as_bytes());
    let o = mlbn(&["eval", dir.to_str().unwrap(), dup.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("`s-2`") && err.contains("b.csv") && err.contains("dup.csv"),
        "{err}"
    );

    // A directory without CSV files says so.
    let empty = dir.with_file_name("empty-set");
    std::fs::create_dir_all(&empty).unwrap();
    let o = mlbn(&["eval", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no .csv files"), "{}", stderr(&o));
}

#[test]
fn analyze_says_when_there_is_nothing_to_analyze() {
    for input in ["", "   ", "# only a comment"] {
        let o = mlbn(&["analyze", input]);
        assert_eq!(o.status.code(), Some(2), "{input:?}");
        assert!(stdout(&o).is_empty(), "{input:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("nothing to analyze"),
            "{input:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn fmt_and_check_read_stdin_from_a_dash() {
    let o = mlbn_stdin(&["fmt", "-"], b"rtx4090;llama3-8b   q4 ;vllm");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "rtx4090; llama3-8b q4; vllm\n");
    let o = mlbn_stdin(&["fmt", "--check", "-"], b"rtx4090;llama3-8b   q4");
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("<stdin>"), "{}", stdout(&o));
    // `check -` reads stdin too.
    let o = mlbn_stdin(&["check", "-"], b"rtx4090; frobnicator-9000");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("<stdin>:1:10"), "{}", stderr(&o));
}

/// Field names documented in a `## Section` table of docs/json.md (first column, in backticks).
fn documented_fields(section: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/json.md")).unwrap();
    let mut out = Vec::new();
    let mut inside = false;
    for line in doc.lines() {
        if line.starts_with("## ") {
            inside = line == format!("## {section}");
            continue;
        }
        if inside && line.starts_with("| `") {
            let cell = line.split('|').nth(1).unwrap();
            for name in cell.split('`').skip(1).step_by(2) {
                out.push(name.to_string());
            }
        }
    }
    assert!(!out.is_empty(), "no fields documented under {section}");
    out
}

#[test]
fn json_output_and_docs_agree() {
    let o = mlbn(&["analyze", "--json", &example("2x-rtx4090-llama3-70b.mlbn")]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for f in documented_fields("Top level") {
        assert!(
            v.get(&f).is_some(),
            "top-level `{f}` documented but missing"
        );
    }
    let s = &v["scenarios"][0];
    for f in documented_fields("Scenario") {
        assert!(s.get(&f).is_some(), "scenario `{f}` documented but missing");
    }
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    let documented = documented_fields("Scenario");
    for k in keys {
        assert!(
            documented.contains(k),
            "scenario field `{k}` is not documented"
        );
    }
    let d = &v["diagnostics"][0];
    for f in documented_fields("Diagnostic") {
        assert!(
            d.get(&f).is_some(),
            "diagnostic `{f}` documented but missing"
        );
    }
}

#[test]
fn json_carries_power_auto_and_reference() {
    let o = mlbn(&["analyze", "--json", &example("2x-rtx4090-llama3-70b.mlbn")]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = &v["scenarios"][0];
    let power_w = s["power_w"].as_f64().expect("power_w is filled");
    assert!(power_w > 100.0, "{power_w}");
    assert_eq!(s["power"]["decode_w"].as_f64(), Some(power_w));
    assert!(s["power"]["usd_per_day"].as_f64().unwrap() > 0.0);
    assert_eq!(s["power"]["devices"].as_array().unwrap().len(), 2);
    assert!(s["auto"]["winner"].is_string());
    assert!(s["auto"]["candidates"].as_array().unwrap().len() > 1);
    assert!(s["phase_split"].is_null());
    assert_eq!(v["power_w"], s["power_w"]);

    let o = mlbn(&["analyze", "--json", "rtx3070; llama3-8b q4_k_m"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["reference"]["measured_decode_tok_s"].as_f64().unwrap() > 0.0,
        "{}",
        v["reference"]
    );
}

#[test]
fn analyze_writes_png_pictures() {
    let dir = std::env::temp_dir().join(format!("mlbn-png-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let topo = dir.join("topology.png");
    let auto = dir.join("auto.png");
    let mem = dir.join("memory.png");
    let o = mlbn(&[
        "analyze",
        &example("2x-rtx4090-llama3-70b.mlbn"),
        "--png",
        topo.to_str().unwrap(),
        "--theme",
        "light",
        "--chart-auto",
        auto.to_str().unwrap(),
        "--chart-memory",
        mem.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Power & cost"));
    // Width and height from the PNG header (IHDR), as documented in the --help text.
    let size = |p: &std::path::Path| {
        let b = std::fs::read(p).unwrap();
        assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{}", p.display());
        let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        (be(16), be(20))
    };
    assert_eq!(size(&topo), (1200, 760));
    assert_eq!(size(&auto), (1000, 380));
    assert_eq!(size(&mem), (1000, 340));

    // No `auto`: the AUTO chart cannot be drawn, and the command says so.
    let o = mlbn(&[
        "analyze",
        "rtx4090; llama3-8b q4; pipeline",
        "--chart-auto",
        dir.join("none.png").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("auto"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plan_gives_plans_for_a_goal_and_advice_without_one() {
    // A goal: a ranked list with prices and the search's work.
    let o = mlbn(&[
        "plan",
        "llama3-70b; target decode=20tok/s ctx=32k; budget $5000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("ctx 32k"), "{out}");
    assert!(out.contains("1. ") && out.contains("buy "), "{out}");
    assert!(out.contains("full estimates"), "{out}");
    // No goal, and the model does not fit on a runtime that cannot offload: advice, not an
    // error (that is the question advice answers).
    let o = mlbn(&["plan", "2x rtx3090; llama3-70b q4_k_m; runtime vllm"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Upgrade advice") && out.contains("does not fit"),
        "{out}"
    );
    assert!(out.contains("now fits"), "{out}");
    // JSON advice: cheapest first.
    let o = mlbn(&["plan", "--json", "rtx4090; llama3-70b q4_k_m"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let advice = v["scenarios"][0]["advice"].as_array().expect("advice");
    assert!(!advice.is_empty());
    let costs: Vec<f64> = advice
        .iter()
        .map_while(|a| a["cost_usd"].as_f64())
        .collect();
    assert!(costs.windows(2).all(|w| w[0] <= w[1]), "{costs:?}");
    // A name that does not resolve still stops it.
    let o = mlbn(&["plan", "rtx4900; llama3-70b"]);
    assert_eq!(o.status.code(), Some(1));
}
