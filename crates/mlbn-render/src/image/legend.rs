//! The footer shared by the topology picture: an optional note line above a legend that
//! wraps into as many rows as the width needs (and drops rows that would not fit).

use super::scene::{Rect, Scene};
use super::style::{Palette, Rgb};
use super::text::TextStyle;

#[derive(Debug, Clone)]
pub enum LegendItem {
    Line {
        color: Rgb,
        dashed: bool,
        text: String,
    },
    Limiting {
        color: Rgb,
        halo: Rgb,
        text: String,
    },
    Swatch {
        color: Rgb,
        text: String,
    },
}

impl LegendItem {
    fn text(&self) -> &str {
        match self {
            LegendItem::Line { text, .. }
            | LegendItem::Limiting { text, .. }
            | LegendItem::Swatch { text, .. } => text,
        }
    }
}

const SWATCH_W: f32 = 24.0;

/// Lays out and draws the footer from the bottom of the canvas up; returns the y above it.
pub fn draw_footer(
    scene: &mut Scene,
    pal: &Palette,
    items: &[LegendItem],
    note: Option<&str>,
    margin: f32,
) -> f32 {
    let (w, h) = (scene.design_w(), scene.design_h());
    let font = TextStyle::regular(if w < 600.0 { 10.5 } else { 12.0 });
    let avail = w - 2.0 * margin;
    let item_w = |it: &LegendItem| SWATCH_W + 6.0 + font.width(it.text());
    let gap = 18.0;
    // Greedy rows.
    let mut rows: Vec<Vec<&LegendItem>> = vec![Vec::new()];
    let mut used = 0.0;
    for it in items {
        let iw = item_w(it);
        if iw > avail {
            continue;
        }
        let row = rows.last_mut().expect("rows starts non-empty");
        if !row.is_empty() && used + gap + iw > avail {
            rows.push(vec![it]);
            used = iw;
        } else {
            used += if row.is_empty() { iw } else { gap + iw };
            row.push(it);
        }
    }
    let row_h = font.px + 8.0;
    let mut y = h - margin;
    // Never let the footer take more than a third of the canvas.
    let max_rows = (((h / 3.0) / row_h).floor() as usize).max(1);
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| !r.is_empty())
        .take(max_rows)
        .collect();
    for row in rows.iter().rev() {
        y -= row_h;
        let total: f32 =
            row.iter().map(|it| item_w(it)).sum::<f32>() + gap * (row.len() - 1) as f32;
        let mut x = margin + (avail - total) / 2.0;
        for it in row {
            let cy = y + row_h / 2.0;
            let sw = (x, cy);
            match it {
                LegendItem::Line { color, dashed, .. } => {
                    if *dashed {
                        scene.dashed(sw, (x + SWATCH_W, cy), *color, 3.0, (6.0, 4.0));
                    } else {
                        scene.line(sw, (x + SWATCH_W, cy), *color, 3.0);
                    }
                }
                LegendItem::Limiting { color, halo, .. } => {
                    scene.line(sw, (x + SWATCH_W, cy), *halo, 10.0);
                    scene.line(sw, (x + SWATCH_W, cy), *color, 5.0);
                }
                LegendItem::Swatch { color, .. } => {
                    let r = Rect::new(x + 4.0, cy - 7.0, SWATCH_W - 8.0, 14.0);
                    scene.rect(r, pal.card, 3.0, Some((*color, 2.5)));
                }
            }
            scene.text(
                (x + SWATCH_W + 6.0, cy - font.px / 2.0),
                it.text(),
                font,
                pal.muted,
            );
            x += item_w(it) + gap;
        }
    }
    if let Some(note) = note {
        let nf = TextStyle::regular(if w < 600.0 { 11.5 } else { 13.0 });
        if y - nf.px - 6.0 > h / 2.0
            && let Some(t) = nf.elide(note, avail)
        {
            y -= nf.px + 8.0;
            let tw = nf.width(&t);
            scene.text((margin + (avail - tw) / 2.0, y), &t, nf, pal.hot);
        }
    }
    y
}
