//! `mlbn catalog devices|models|quants|runtimes|links [QUERY] [--json]`.

use clap::ValueEnum;
use mlbn_catalog::{Catalog, normalize};
use mlbn_ide::units::num;
use serde::Serialize;

#[derive(Clone, Copy, ValueEnum)]
pub enum Table {
    Devices,
    Models,
    Quants,
    Runtimes,
    Links,
}

/// True when the query names the record: a forgiving substring of its id, name or aliases.
fn matches(query: &str, names: &[&str]) -> bool {
    let q = normalize(query);
    q.is_empty() || names.iter().any(|n| normalize(n).contains(&q))
}

fn filter<'a, T>(
    items: &'a [T],
    query: Option<&str>,
    names: impl Fn(&T) -> Vec<&str>,
) -> Vec<&'a T> {
    items
        .iter()
        .filter(|t| query.is_none_or(|q| matches(q, &names(t))))
        .collect()
}

fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    // Figures right-aligned, names left.
    let numeric: Vec<bool> = (0..header.len())
        .map(|i| !rows.is_empty() && rows.iter().all(|r| r[i].parse::<f64>().is_ok()))
        .collect();
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(w[i] - c.chars().count());
            if !numeric[i] {
                s.push_str(&format!("{c}{pad}  "));
            } else {
                s.push_str(&format!("{pad}{c}  "));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    for r in &rows {
        line(r);
    }
    out
}

fn emit<T: Serialize>(
    json: bool,
    items: &[&T],
    text: impl FnOnce() -> String,
) -> Result<(), String> {
    let s = if json {
        serde_json::to_string_pretty(items).map_err(|e| e.to_string())? + "\n"
    } else if items.is_empty() {
        "no entries match\n".to_string()
    } else {
        text()
    };
    crate::print(&s).map_err(|crate::Fatal(m)| m)
}

pub fn run(t: Table, query: Option<&str>, json: bool) -> Result<std::process::ExitCode, String> {
    let cat = Catalog::builtin();
    let n = match t {
        Table::Devices => {
            // The catalog's own search ranks by name tokens (`4090`, `m3 ultra 512`).
            let items = cat.search_devices(query.unwrap_or(""));
            emit(json, &items, || {
                table(
                    &[
                        "id", "name", "mem GB", "bw GB/s", "fp16 TF", "TDP W", "year",
                    ],
                    items
                        .iter()
                        .map(|d| {
                            vec![
                                d.id.clone(),
                                d.name.clone(),
                                num(d.mem_gb),
                                num(d.bw_gbps),
                                num(d.fp16_tflops),
                                num(d.tdp_w),
                                d.year.to_string(),
                            ]
                        })
                        .collect(),
                )
            })?;
            items.len()
        }
        Table::Models => {
            let items = filter(&cat.models, query, |m| {
                let mut v = vec![m.id.as_str(), m.name.as_str(), m.hf_id.as_str()];
                v.extend(m.aliases.iter().map(String::as_str));
                v
            });
            emit(json, &items, || {
                table(
                    &[
                        "id", "name", "params B", "active B", "layers", "context", "hf id",
                    ],
                    items
                        .iter()
                        .map(|m| {
                            vec![
                                m.id.clone(),
                                m.name.clone(),
                                num(m.params_b),
                                num(m.active_params_b),
                                m.layers.to_string(),
                                m.max_ctx.to_string(),
                                m.hf_id.clone(),
                            ]
                        })
                        .collect(),
                )
            })?;
            items.len()
        }
        Table::Quants => {
            let items = filter(&cat.quants, query, |q| {
                let mut v = vec![q.id.as_str(), q.name.as_str()];
                v.extend(q.aliases.iter().map(String::as_str));
                v
            });
            emit(json, &items, || {
                table(
                    &["id", "name", "bits/weight", "format", "weight-only"],
                    items
                        .iter()
                        .map(|q| {
                            vec![
                                q.id.clone(),
                                q.name.clone(),
                                num(q.bits_per_weight),
                                q.format.clone(),
                                if q.weight_only { "yes" } else { "no" }.to_string(),
                            ]
                        })
                        .collect(),
                )
            })?;
            items.len()
        }
        Table::Runtimes => {
            let items = cat.search_runtimes(query.unwrap_or(""));
            emit(json, &items, || {
                table(
                    &["id", "name", "backend", "runs on"],
                    items
                        .iter()
                        .map(|r| {
                            vec![
                                r.id.clone(),
                                r.name.clone(),
                                r.backend.clone(),
                                r.runs_on.join(", "),
                            ]
                        })
                        .collect(),
                )
            })?;
            items.len()
        }
        Table::Links => {
            let items = cat.search_links(query.unwrap_or(""));
            emit(json, &items, || {
                table(
                    &["id", "name", "GB/s", "latency µs"],
                    items
                        .iter()
                        .map(|l| {
                            vec![
                                l.id.clone(),
                                l.name.clone(),
                                num(l.bw_gbps),
                                num(l.latency_us),
                            ]
                        })
                        .collect(),
                )
            })?;
            items.len()
        }
    };
    // A search that finds nothing is still a successful search, but scripts may want to know.
    Ok(if n == 0 && query.is_some() {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}
