//! Charts: AUTO's candidates (decode and prefill per strategy), memory per device (stacked by
//! use, against capacity), and decode rate against context length.

use super::RenderError;
use super::fmt::{fmt_gb, fmt_rate};
use super::scene::{Rect, Scene, check_size};
use super::style::{Palette, Rgb};
use super::text::TextStyle;
use super::view::{AutoChartView, CandidateView, ContextChartView, MemoryBarView, MemoryChartView};

pub fn render_auto_chart_png(
    view: &AutoChartView,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, RenderError> {
    auto_chart_scene(view, width, height)?.to_png()
}

pub fn render_memory_chart_png(
    view: &MemoryChartView,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, RenderError> {
    memory_chart_scene(view, width, height)?.to_png()
}

pub fn render_context_chart_png(
    view: &ContextChartView,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, RenderError> {
    context_chart_scene(view, width, height)?.to_png()
}

fn finite(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

/// Up to about six round tick values from 0 to at least `max`.
fn ticks(max: f64) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| max / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let n = (max / step).ceil() as usize;
    (0..=n.min(12)).map(|i| i as f64 * step).collect()
}

/// Space around a chart's content, in design pixels.
const MARGIN: f32 = 16.0;

/// A chart's canvas: checked size, theme background, title and subtitle; returns the scene,
/// its palette and the y below the header.
fn chart_canvas(
    theme: super::view::Theme,
    title: &str,
    subtitle: &str,
    width: u32,
    height: u32,
) -> Result<(Scene, Palette, f32), RenderError> {
    check_size(width, height)?;
    let pal = Palette::of(theme);
    let mut scene = Scene::with_scale(width, height, pal.bg, width as f32 / 900.0);
    let top = header(&mut scene, &pal, title, subtitle, MARGIN);
    Ok((scene, pal, top))
}

/// Text sizes and plot area of a horizontal bar chart with `n` rows from `top` down, and how
/// many rows fit (`more` rows beyond them are summed up in a last "+N more" row).
struct BarLayout {
    label_f: TextStyle,
    value_f: TextStyle,
    axis_f: TextStyle,
    axis_h: f32,
    area: Rect,
    shown: usize,
    more: usize,
}

/// `None` when there is nothing to draw or no room for it.
fn bar_layout(w: f32, h: f32, top: f32, n: usize) -> Option<BarLayout> {
    let label_f = TextStyle::regular(if w < 600.0 { 11.0 } else { 13.0 });
    let value_f = TextStyle::regular(label_f.px - 1.5);
    let axis_f = TextStyle::regular(value_f.px - 0.5);
    let axis_h = axis_f.px + 8.0;
    let area = Rect::new(MARGIN, top, w - 2.0 * MARGIN, h - top - MARGIN - axis_h);
    if n == 0 || area.h < 20.0 {
        return None;
    }
    let min_row = label_f.px + 8.0;
    let fit = ((area.h / min_row).floor() as usize).max(1);
    let (shown, more) = if n > fit {
        (fit - 1, n - (fit - 1))
    } else {
        (n, 0)
    };
    Some(BarLayout {
        label_f,
        value_f,
        axis_f,
        axis_h,
        area,
        shown,
        more,
    })
}

/// Title and subtitle at the top; returns the y below them.
fn header(scene: &mut Scene, pal: &Palette, title: &str, subtitle: &str, margin: f32) -> f32 {
    let w = scene.design_w();
    let tf = TextStyle::bold(if w < 600.0 { 15.0 } else { 18.0 });
    let sf = TextStyle::regular(if w < 600.0 { 11.0 } else { 13.0 });
    let mut y = margin;
    if let Some(t) = tf.elide(title, w - 2.0 * margin) {
        scene.text((margin, y), &t, tf, pal.text);
        y += tf.px + 5.0;
    }
    if let Some(t) = sf.elide(subtitle, w - 2.0 * margin) {
        scene.text((margin, y), &t, sf, pal.muted);
        y += sf.px;
    }
    y + margin
}

/// A horizontal legend row of colour swatches, centred; returns the y below it.
fn swatch_row(scene: &mut Scene, pal: &Palette, items: &[(Rgb, &str)], y: f32, margin: f32) -> f32 {
    let w = scene.design_w();
    let f = TextStyle::regular(if w < 600.0 { 10.5 } else { 12.0 });
    let gap = 16.0;
    let widths: Vec<f32> = items.iter().map(|(_, t)| 14.0 + 5.0 + f.width(t)).collect();
    // Drop items from the end until the row fits.
    let mut k = items.len();
    while k > 0 && widths[..k].iter().sum::<f32>() + gap * (k - 1) as f32 > w - 2.0 * margin {
        k -= 1;
    }
    let total = widths[..k].iter().sum::<f32>() + gap * k.saturating_sub(1) as f32;
    let mut x = (w - total) / 2.0;
    for (i, (c, t)) in items[..k].iter().enumerate() {
        scene.rect(
            Rect::new(x, y + (f.px - 12.0) / 2.0, 14.0, 12.0),
            *c,
            2.0,
            None,
        );
        scene.text((x + 19.0, y), t, f, pal.muted);
        x += widths[i] + gap;
    }
    y + f.px + 10.0
}

// ---------------------------------------------------------------------------------------------
// AUTO comparison

pub fn auto_chart_scene(
    view: &AutoChartView,
    width: u32,
    height: u32,
) -> Result<Scene, RenderError> {
    let (mut scene, pal, top) = chart_canvas(
        view.theme,
        &view.title,
        "AUTO: candidate strategies, decode and prefill rate",
        width,
        height,
    )?;
    let (w, h) = (scene.design_w(), scene.design_h());
    let margin = MARGIN;
    let decode_c = pal.accent;
    let prefill_c = pal.accent2;
    let top = swatch_row(
        &mut scene,
        &pal,
        &[
            (decode_c, "decode tok/s"),
            (prefill_c, "prefill tok/s"),
            (pal.faint, "disqualified"),
        ],
        top,
        margin,
    );

    let n = view.candidates.len();
    let Some(BarLayout {
        label_f,
        value_f,
        axis_f,
        axis_h,
        area,
        shown,
        more,
    }) = bar_layout(w, h, top, n)
    else {
        return Ok(scene);
    };
    let label_b = TextStyle::bold(label_f.px);
    let row_h = (area.h / (shown + usize::from(more > 0)) as f32).min(46.0);

    let label_w = view
        .candidates
        .iter()
        .map(|c| label_b.width(&format!("★ {}", c.label)))
        .fold(0.0f32, f32::max)
        .min(area.w * 0.3)
        + 12.0;
    let panel_gap = 24.0;
    let panel_w = (area.w - label_w - panel_gap) / 2.0;
    let panels = [
        Rect::new(area.x + label_w, area.y, panel_w, row_h * shown as f32),
        Rect::new(
            area.x + label_w + panel_w + panel_gap,
            area.y,
            panel_w,
            row_h * shown as f32,
        ),
    ];
    let ok = |c: &&CandidateView| c.disqualified.is_none();
    let max_dec = view
        .candidates
        .iter()
        .filter(ok)
        .map(|c| finite(c.decode_tok_s))
        .fold(0.0, f64::max);
    let max_pre = view
        .candidates
        .iter()
        .filter(ok)
        .map(|c| finite(c.prefill_tok_s))
        .fold(0.0, f64::max);
    // Leave room for the value text after the longest bar.
    let value_room = value_f.width("00000") + 8.0;
    let scales = [(ticks(max_dec), max_dec), (ticks(max_pre), max_pre)];

    // Grid lines and axis labels.
    for (p, (tk, _)) in panels.iter().zip(&scales) {
        let span = tk.last().copied().unwrap_or(1.0).max(1e-9);
        let usable = (p.w - value_room).max(10.0);
        let mut last_right = f32::MIN;
        for &t in tk {
            let x = p.x + (t / span) as f32 * usable;
            scene.line((x, p.y), (x, p.bottom()), pal.grid, 1.0);
            let s = fmt_rate(t);
            let tw = axis_f.width(&s);
            let tx = (x - tw / 2.0).max(p.x);
            if tx > last_right + 6.0 && tx + tw <= p.right() {
                scene.text((tx, p.bottom() + 5.0), &s, axis_f, pal.faint);
                last_right = tx + tw;
            }
        }
    }

    for (i, c) in view.candidates.iter().take(shown).enumerate() {
        let y = area.y + row_h * i as f32;
        let row = Rect::new(area.x, y, area.w, row_h);
        if c.is_winner {
            scene.rect(row.inflate(-1.0), pal.good.mix(pal.bg, 0.14), 6.0, None);
        }
        let (font, color) = match (c.is_winner, c.disqualified.is_some()) {
            (true, _) => (label_b, pal.text),
            (false, true) => (label_f, pal.faint),
            (false, false) => (label_f, pal.text),
        };
        let text = if c.is_winner {
            format!("★ {}", c.label)
        } else {
            c.label.clone()
        };
        if let Some(t) = font.elide(&text, label_w - 12.0) {
            scene.text((area.x + 6.0, row.cy() - font.px / 2.0), &t, font, color);
        }
        if let Some(reason) = &c.disqualified {
            let rf = value_f;
            let x = panels[0].x + 4.0;
            let avail = panels[1].right() - x;
            if let Some(t) = rf.elide(&format!("✕ {reason}"), avail) {
                let r = Rect::new(
                    x - 4.0,
                    row.cy() - rf.px / 2.0 - 3.0,
                    rf.width(&t) + 8.0,
                    rf.px + 6.0,
                );
                scene.rect(r, pal.bg, 3.0, None);
                scene.text((x, row.cy() - rf.px / 2.0), &t, rf, pal.faint);
            }
            continue;
        }
        let bar_h = (row_h * 0.5).clamp(4.0, 20.0);
        for (k, (p, (tk, _))) in panels.iter().zip(&scales).enumerate() {
            let v = finite(if k == 0 {
                c.decode_tok_s
            } else {
                c.prefill_tok_s
            });
            let span = tk.last().copied().unwrap_or(1.0).max(1e-9);
            let usable = (p.w - value_room).max(10.0);
            let bw = ((v / span) as f32 * usable).max(1.0);
            let base = if k == 0 { decode_c } else { prefill_c };
            let col = if c.is_winner {
                base
            } else {
                base.mix(pal.bg, 0.7)
            };
            scene.rect(
                Rect::new(p.x, row.cy() - bar_h / 2.0, bw, bar_h),
                col,
                3.0,
                None,
            );
            let s = fmt_rate(v);
            if let Some(s) = value_f.elide(&s, value_room - 6.0) {
                scene.text(
                    (p.x + bw + 5.0, row.cy() - value_f.px / 2.0),
                    &s,
                    value_f,
                    if c.is_winner { pal.text } else { pal.muted },
                );
            }
        }
    }
    if more > 0 {
        // Below the axis labels.
        let y = area.y + row_h * shown as f32 + axis_h;
        let t = format!("+ {more} more candidates");
        scene.text(
            (area.x + 6.0, y + (row_h - label_f.px) / 2.0),
            &t,
            label_f,
            pal.faint,
        );
    }
    Ok(scene)
}

// ---------------------------------------------------------------------------------------------
// Memory per device

/// Consecutive identical devices collapse into one row named `Nx name`.
fn collapse(devices: &[MemoryBarView]) -> Vec<MemoryBarView> {
    let mut out: Vec<(usize, MemoryBarView)> = Vec::new();
    for d in devices {
        match out.last_mut() {
            Some((k, last)) if *last == *d => *k += 1,
            _ => out.push((1, d.clone())),
        }
    }
    out.into_iter()
        .map(|(k, mut d)| {
            if k > 1 {
                d.name = format!("{k}x {}", d.name);
            }
            d
        })
        .collect()
}

pub fn memory_chart_scene(
    view: &MemoryChartView,
    width: u32,
    height: u32,
) -> Result<Scene, RenderError> {
    let (mut scene, pal, top) = chart_canvas(
        view.theme,
        &view.title,
        "Memory per device: what sits where, against capacity",
        width,
        height,
    )?;
    let (w, h) = (scene.design_w(), scene.design_h());
    let margin = MARGIN;
    let [c_w, c_kv, c_act, c_ovh] = pal.seg;
    let top = swatch_row(
        &mut scene,
        &pal,
        &[
            (c_w, "weights"),
            (c_kv, "KV cache"),
            (c_act, "activations"),
            (c_ovh, "overhead"),
            (pal.mem_free, "free"),
            (pal.overflow, "overflow"),
        ],
        top,
        margin,
    );
    let rows = collapse(&view.devices);
    let Some(BarLayout {
        label_f,
        value_f,
        axis_f,
        axis_h,
        area,
        shown,
        more,
    }) = bar_layout(w, h, top, rows.len())
    else {
        return Ok(scene);
    };
    let row_h = (area.h / (shown + usize::from(more > 0)) as f32).min(48.0);
    let label_w = rows
        .iter()
        .map(|d| label_f.width(&d.name))
        .fold(0.0f32, f32::max)
        .min(area.w * 0.28)
        + 12.0;
    let value_texts: Vec<String> = rows
        .iter()
        .map(|d| {
            let used = finite(d.weights_gb)
                + finite(d.kv_cache_gb)
                + finite(d.activations_gb)
                + finite(d.overhead_gb);
            let mut s = format!("{} / {}", fmt_gb(used), fmt_gb(finite(d.total_gb)));
            if finite(d.overflow_gb) > 0.0 {
                s.push_str(&format!(" · +{} over", fmt_gb(finite(d.overflow_gb))));
            }
            s
        })
        .collect();
    let value_w = value_texts
        .iter()
        .take(shown)
        .map(|s| value_f.width(s))
        .fold(0.0f32, f32::max)
        .min(area.w * 0.3)
        + 12.0;
    let plot = Rect::new(
        area.x + label_w,
        area.y,
        (area.w - label_w - value_w).max(20.0),
        row_h * shown as f32,
    );
    let max_gb = rows
        .iter()
        .map(|d| {
            let used = finite(d.weights_gb)
                + finite(d.kv_cache_gb)
                + finite(d.activations_gb)
                + finite(d.overhead_gb);
            finite(d.total_gb).max(used) + finite(d.overflow_gb)
        })
        .fold(0.0, f64::max);
    let tk = ticks(max_gb);
    let span = tk.last().copied().unwrap_or(1.0).max(1e-9);
    let xof = |gb: f64| plot.x + (gb / span) as f32 * plot.w;
    let mut last_right = f32::MIN;
    for &t in &tk {
        let x = xof(t);
        scene.line((x, plot.y), (x, plot.bottom()), pal.grid, 1.0);
        let s = fmt_gb(t);
        let tw = axis_f.width(&s);
        let tx = (x - tw / 2.0).max(plot.x).min(w - margin - tw);
        if tx > last_right + 6.0 {
            scene.text((tx, plot.bottom() + 5.0), &s, axis_f, pal.faint);
            last_right = tx + tw;
        }
    }
    for (i, d) in rows.iter().take(shown).enumerate() {
        let y = area.y + row_h * i as f32;
        let cy = y + row_h / 2.0;
        if let Some(t) = label_f.elide(&d.name, label_w - 12.0) {
            scene.text((area.x, cy - label_f.px / 2.0), &t, label_f, pal.text);
        }
        let bar_h = (row_h * 0.55).clamp(4.0, 22.0);
        let by = cy - bar_h / 2.0;
        let total = finite(d.total_gb);
        scene.rect(
            Rect::new(plot.x, by, xof(total) - plot.x, bar_h),
            pal.mem_free,
            0.0,
            None,
        );
        let mut acc = 0.0;
        for (v, c) in [
            (d.weights_gb, c_w),
            (d.kv_cache_gb, c_kv),
            (d.activations_gb, c_act),
            (d.overhead_gb, c_ovh),
        ] {
            let v = finite(v);
            if v > 0.0 {
                let x0 = xof(acc);
                let x1 = xof(acc + v);
                scene.rect(Rect::new(x0, by, (x1 - x0).max(1.0), bar_h), c, 0.0, None);
            }
            acc += v;
        }
        let over = finite(d.overflow_gb);
        if over > 0.0 {
            let x0 = xof(total.max(acc));
            scene.rect(
                Rect::new(x0, by, (xof(total.max(acc) + over) - x0).max(1.0), bar_h),
                pal.overflow,
                0.0,
                None,
            );
        }
        // Capacity marker.
        let cx = xof(total);
        scene.line((cx, by - 3.0), (cx, by + bar_h + 3.0), pal.text, 2.0);
        if let Some(t) = value_f.elide(&value_texts[i], value_w - 12.0) {
            let col = if over > 0.0 { pal.overflow } else { pal.muted };
            scene.text(
                (plot.right() + 10.0, cy - value_f.px / 2.0),
                &t,
                value_f,
                col,
            );
        }
    }
    if more > 0 {
        // Below the axis labels.
        let y = area.y + row_h * shown as f32 + axis_h;
        let t = format!("+ {more} more devices");
        scene.text(
            (area.x, y + (row_h - label_f.px) / 2.0),
            &t,
            label_f,
            pal.faint,
        );
    }
    Ok(scene)
}

// ---------------------------------------------------------------------------------------------
// Decode against context

fn fmt_tokens(t: f64) -> String {
    // Context sizes are usually powers of two: 8192 reads as "8k", as people write it.
    if t >= 1024.0 && t % 1024.0 == 0.0 && t < 1_048_576.0 * 1024.0 {
        let k = t / 1024.0;
        return if k >= 1024.0 && k % 1024.0 == 0.0 {
            format!("{}M", k / 1024.0)
        } else {
            format!("{k}k")
        };
    }
    if t >= 1_000_000.0 {
        format!("{}M", fmt_rate(t / 1_000_000.0))
    } else if t >= 1000.0 {
        format!("{}k", fmt_rate(t / 1000.0))
    } else {
        format!("{t:.0}")
    }
}

pub fn context_chart_scene(
    view: &ContextChartView,
    width: u32,
    height: u32,
) -> Result<Scene, RenderError> {
    let (mut scene, pal, top) = chart_canvas(
        view.theme,
        &view.title,
        "Decode tok/s against context length",
        width,
        height,
    )?;
    let (w, h) = (scene.design_w(), scene.design_h());
    let margin = MARGIN;
    let mut pts: Vec<(f64, f64)> = view
        .points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && *x >= 1.0 && y.is_finite() && *y >= 0.0)
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts.truncate(4096);
    let axis_f = TextStyle::regular(if w < 600.0 { 10.0 } else { 11.5 });
    let y_lab_w = axis_f.width("00000") + 8.0;
    let plot = Rect::new(
        margin + y_lab_w,
        top + 6.0,
        w - 2.0 * margin - y_lab_w - 10.0,
        h - top - margin - axis_f.px - 14.0,
    );
    if pts.is_empty() || plot.h < 30.0 || plot.w < 30.0 {
        return Ok(scene);
    }
    let (x0, x1) = (pts[0].0, pts[pts.len() - 1].0.max(pts[0].0 * 2.0));
    let log = x1 / x0 > 8.0;
    let fx = |x: f64| -> f32 {
        let t = if log {
            (x / x0).log2() / (x1 / x0).log2()
        } else {
            (x - x0) / (x1 - x0)
        };
        plot.x + t.clamp(0.0, 1.0) as f32 * plot.w
    };
    let ymax = pts.iter().map(|p| p.1).fold(0.0, f64::max);
    let tk = ticks(ymax);
    let span = tk.last().copied().unwrap_or(1.0).max(1e-9);
    let fy = |y: f64| plot.bottom() - (y / span).clamp(0.0, 1.0) as f32 * plot.h;
    for &t in &tk {
        let y = fy(t);
        scene.line((plot.x, y), (plot.right(), y), pal.grid, 1.0);
        let s = fmt_rate(t);
        let tw = axis_f.width(&s);
        scene.text(
            (plot.x - 8.0 - tw, y - axis_f.px / 2.0),
            &s,
            axis_f,
            pal.faint,
        );
    }
    // X ticks: powers of two on a log axis, else about six even steps.
    let xt: Vec<f64> = if log {
        let mut v = Vec::new();
        let mut t = 2f64.powf(x0.log2().ceil());
        while t <= x1 * 1.0001 && v.len() < 64 {
            v.push(t);
            t *= 2.0;
        }
        v
    } else {
        (0..=5)
            .map(|i| x0 + (x1 - x0) * f64::from(i) / 5.0)
            .collect()
    };
    let mut last_right = f32::MIN;
    for &t in &xt {
        let x = fx(t);
        let s = fmt_tokens(t);
        let tw = axis_f.width(&s);
        let tx = (x - tw / 2.0).clamp(plot.x - y_lab_w / 2.0, w - margin - tw);
        if tx > last_right + 8.0 {
            scene.line((x, plot.y), (x, plot.bottom()), pal.grid, 1.0);
            scene.text((tx, plot.bottom() + 6.0), &s, axis_f, pal.faint);
            last_right = tx + tw;
        }
    }
    let line_c = pal.accent;
    for win in pts.windows(2) {
        scene.line(
            (fx(win[0].0), fy(win[0].1)),
            (fx(win[1].0), fy(win[1].1)),
            line_c,
            2.5,
        );
    }
    if pts.len() <= 64 {
        for p in &pts {
            scene.circle((fx(p.0), fy(p.1)), 3.5, line_c);
        }
    }
    if let Some(m) = view
        .marker_ctx
        .filter(|m| m.is_finite() && *m >= x0 && *m <= x1)
    {
        // Interpolated rate at the scenario's context.
        let rate = pts
            .windows(2)
            .find(|w| w[0].0 <= m && m <= w[1].0)
            .map(|w| {
                let t = if w[1].0 > w[0].0 {
                    (m - w[0].0) / (w[1].0 - w[0].0)
                } else {
                    0.0
                };
                w[0].1 + (w[1].1 - w[0].1) * t
            })
            .unwrap_or(pts[0].1);
        let (mx, my) = (fx(m), fy(rate));
        scene.dashed((mx, plot.y), (mx, plot.bottom()), pal.hot, 1.5, (5.0, 4.0));
        scene.circle((mx, my), 6.0, pal.hot);
        let f = TextStyle::bold(axis_f.px + 1.0);
        let s = format!("{} tok/s at {}", fmt_rate(rate), fmt_tokens(m));
        let tw = f.width(&s);
        let tx = if mx + 10.0 + tw <= plot.right() {
            mx + 10.0
        } else {
            (mx - 10.0 - tw).max(plot.x)
        };
        let ty = (my - f.px - 10.0).max(plot.y + 2.0);
        scene.rect(
            Rect::new(tx - 5.0, ty - 3.0, tw + 10.0, f.px + 6.0),
            pal.panel,
            4.0,
            None,
        );
        scene.text((tx, ty), &s, f, pal.text);
    }
    Ok(scene)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(18.2), vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        let t = ticks(1234.0);
        assert!(t.last().copied().unwrap() >= 1234.0 && t.len() <= 8);
        assert_eq!(
            ticks(f64::NAN),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
    }

    #[test]
    fn identical_devices_collapse_into_one_row() {
        let d = MemoryBarView {
            name: "H100".into(),
            total_gb: 80.0,
            weights_gb: 17.5,
            ..Default::default()
        };
        let rows = collapse(&[d.clone(), d.clone(), d]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "3x H100");
    }
}
