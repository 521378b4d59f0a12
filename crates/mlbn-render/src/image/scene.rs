//! A scene is the list of shapes and text lines a picture is made of, in logical pixels.
//! Builders (topology, charts) produce scenes; one rasterizer turns any scene into PNG bytes.
//! Keeping the scene as data lets tests check geometry (every text box inside the canvas, no
//! two overlapping) without decoding pixels.

use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use plotters::prelude::{BitMapBackend, DrawingBackend};
use plotters_backend::BackendColor;

use super::RenderError;
use super::style::Rgb;
use super::text::{TextStyle, draw_text, text_rect};

/// Supersampling factor: shapes are rasterized at this multiple and averaged down, which
/// anti-aliases plotters' hard-edged polygons and circles.
const SS: usize = 2;

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}
/// Largest scratch buffer kept between renders (a 2400×1600 supersampled canvas is 11.5 MB).
const SCRATCH_KEEP_BYTES: usize = 32 << 20;

/// Axis-aligned rectangle in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self { x, y, w, h }
    }
    pub fn centered(cx: f32, cy: f32, w: f32, h: f32) -> Self {
        Self::new(cx - w / 2.0, cy - h / 2.0, w, h)
    }
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
    pub fn cx(&self) -> f32 {
        self.x + self.w / 2.0
    }
    pub fn cy(&self) -> f32 {
        self.y + self.h / 2.0
    }
    pub fn inflate(&self, d: f32) -> Rect {
        Rect::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }
    /// True when the interiors intersect (touching edges do not count).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
    pub fn contains_rect(&self, o: &Rect) -> bool {
        o.x >= self.x && o.y >= self.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }
    /// Where the segment from the centre towards `(tx, ty)` leaves the rectangle.
    pub fn exit_point(&self, tx: f32, ty: f32) -> (f32, f32) {
        let (cx, cy) = (self.cx(), self.cy());
        let (dx, dy) = (tx - cx, ty - cy);
        if dx == 0.0 && dy == 0.0 {
            return (cx, cy);
        }
        let sx = if dx != 0.0 {
            (self.w / 2.0) / dx.abs()
        } else {
            f32::INFINITY
        };
        let sy = if dy != 0.0 {
            (self.h / 2.0) / dy.abs()
        } else {
            f32::INFINITY
        };
        let s = sx.min(sy);
        (cx + dx * s, cy + dy * s)
    }
}

/// One drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Rect {
        rect: Rect,
        fill: Rgb,
        radius: f32,
        /// Border colour and width, drawn inside the rectangle.
        border: Option<(Rgb, f32)>,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        color: Rgb,
        width: f32,
        /// Dash and gap lengths; `None` is solid.
        dash: Option<(f32, f32)>,
    },
    Polygon {
        points: Vec<(f32, f32)>,
        fill: Rgb,
    },
    Circle {
        center: (f32, f32),
        radius: f32,
        fill: Rgb,
    },
    Text {
        /// Top-left of the line box.
        at: (f32, f32),
        text: String,
        font: TextStyle,
        color: Rgb,
    },
}

/// A picture before rasterization.
#[derive(Debug, Clone)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub background: Rgb,
    /// Final pixels per design unit: ops are laid out on a design canvas of
    /// `width / scale` × `height / scale`, so a larger picture is the same drawing, sharper.
    pub scale: f32,
    pub ops: Vec<Op>,
}

/// Design units per final pixel for a canvas: about 960×600 design units whatever the size,
/// within limits so that tiny canvases keep legible text and huge ones do not balloon.
pub fn ui_scale(width: u32, height: u32) -> f32 {
    (width as f32 / 960.0)
        .min(height as f32 / 600.0)
        .clamp(0.75, 3.0)
}

/// Smallest and largest canvases accepted: below, nothing legible fits; above, the buffer
/// would be large enough to matter for a chat bot.
pub const MIN_SIDE: u32 = 200;
pub const MAX_SIDE: u32 = 4096;

pub fn check_size(width: u32, height: u32) -> Result<(), RenderError> {
    for side in [width, height] {
        if !(MIN_SIDE..=MAX_SIDE).contains(&side) {
            return Err(RenderError::BadSize { width, height });
        }
    }
    Ok(())
}

impl Scene {
    /// A scene whose design canvas is scaled by [`ui_scale`].
    pub fn new(width: u32, height: u32, background: Rgb) -> Self {
        Self {
            width,
            height,
            background,
            scale: ui_scale(width, height),
            ops: Vec::new(),
        }
    }

    /// A scene with an explicit design scale (final pixels per design unit, clamped).
    pub fn with_scale(width: u32, height: u32, background: Rgb, scale: f32) -> Self {
        let scale = if scale.is_finite() {
            scale.clamp(0.75, 3.0)
        } else {
            1.0
        };
        Self {
            width,
            height,
            background,
            scale,
            ops: Vec::new(),
        }
    }

    /// Design-canvas width and height.
    pub fn design_w(&self) -> f32 {
        self.width as f32 / self.scale
    }
    pub fn design_h(&self) -> f32 {
        self.height as f32 / self.scale
    }

    /// The design canvas.
    pub fn canvas(&self) -> Rect {
        Rect::new(0.0, 0.0, self.design_w(), self.design_h())
    }

    pub fn rect(&mut self, rect: Rect, fill: Rgb, radius: f32, border: Option<(Rgb, f32)>) {
        self.ops.push(Op::Rect {
            rect,
            fill,
            radius,
            border,
        });
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), color: Rgb, width: f32) {
        self.ops.push(Op::Line {
            from,
            to,
            color,
            width,
            dash: None,
        });
    }

    pub fn dashed(
        &mut self,
        from: (f32, f32),
        to: (f32, f32),
        color: Rgb,
        width: f32,
        dash: (f32, f32),
    ) {
        self.ops.push(Op::Line {
            from,
            to,
            color,
            width,
            dash: Some(dash),
        });
    }

    pub fn circle(&mut self, center: (f32, f32), radius: f32, fill: Rgb) {
        self.ops.push(Op::Circle {
            center,
            radius,
            fill,
        });
    }

    pub fn polygon(&mut self, points: Vec<(f32, f32)>, fill: Rgb) {
        self.ops.push(Op::Polygon { points, fill });
    }

    /// Draws a line of text with its top-left at `at` and returns its box.
    pub fn text(&mut self, at: (f32, f32), text: &str, font: TextStyle, color: Rgb) -> Rect {
        let r = text_rect(font, at.0, at.1, text);
        if !text.is_empty() {
            self.ops.push(Op::Text {
                at,
                text: text.to_string(),
                font,
                color,
            });
        }
        r
    }

    /// An arrowhead with its tip at `tip`, pointing along `from → tip`.
    pub fn arrow_head(&mut self, from: (f32, f32), tip: (f32, f32), size: f32, fill: Rgb) {
        let (dx, dy) = (tip.0 - from.0, tip.1 - from.1);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1e-3 {
            return;
        }
        let (ux, uy) = (dx / len, dy / len);
        let base = (tip.0 - ux * size, tip.1 - uy * size);
        let half = size * 0.55;
        self.polygon(
            vec![
                tip,
                (base.0 - uy * half, base.1 + ux * half),
                (base.0 + uy * half, base.1 - ux * half),
            ],
            fill,
        );
    }

    /// Boxes of all text lines in final pixels, in drawing order.
    pub fn text_rects(&self) -> Vec<(Rect, &str)> {
        let k = self.scale;
        self.ops
            .iter()
            .filter_map(|op| match op {
                Op::Text { at, text, font, .. } => {
                    let r = text_rect(*font, at.0, at.1, text);
                    Some((Rect::new(r.x * k, r.y * k, r.w * k, r.h * k), text.as_str()))
                }
                _ => None,
            })
            .collect()
    }

    /// Maps a design-unit point to final pixels.
    pub fn to_px(&self, p: (f32, f32)) -> (f32, f32) {
        (p.0 * self.scale, p.1 * self.scale)
    }

    /// Rasterizes and encodes the scene as PNG bytes. Deterministic: no clock, no randomness,
    /// no system state.
    pub fn to_png(&self) -> Result<Vec<u8>, RenderError> {
        check_size(self.width, self.height)?;
        let rgb = self.rasterize()?;
        let mut out = Vec::with_capacity(rgb.len() / 8);
        PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
            .write_image(
                &rgb,
                self.width,
                self.height,
                image::ExtendedColorType::Rgb8,
            )
            .map_err(|e| RenderError::Encode(e.to_string()))?;
        Ok(out)
    }

    /// RGB8 pixels of the final (downsampled) picture.
    pub fn rasterize(&self) -> Result<Vec<u8>, RenderError> {
        check_size(self.width, self.height)?;
        let (bw, bh) = (self.width as usize * SS, self.height as usize * SS);
        // A reused per-thread scratch buffer: most of a render's cost was the kernel zeroing
        // fresh pages for it. Every byte is overwritten below, so reuse cannot leak a
        // previous picture into this one.
        let mut big = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        big.resize(bw * bh * 3, 0);
        let bg = [self.background.0, self.background.1, self.background.2];
        for px in big[..bw * 3].chunks_exact_mut(3) {
            px.copy_from_slice(&bg);
        }
        let (first, rest) = big.split_at_mut(bw * 3);
        for row in rest.chunks_exact_mut(bw * 3) {
            row.copy_from_slice(first);
        }
        let s = SS as f32 * self.scale;
        let sp = |p: (f32, f32)| ((p.0 * s).round() as i32, (p.1 * s).round() as i32);
        let k = |r: &Rect| Rect::new(r.x * s, r.y * s, r.w * s, r.h * s);
        for op in &self.ops {
            match op {
                // Text is drawn after downsampling (below): ab_glyph's coverage is already
                // anti-aliased, and builders never let a shape cover text.
                Op::Text { .. } => {}
                // Rectangles are most of the filled area: spans written directly are much
                // faster than plotters' general polygon fill.
                Op::Rect {
                    rect,
                    fill,
                    radius,
                    border,
                } => match border {
                    Some((bcol, bwid)) if *bwid > 0.0 => {
                        fill_round_rect(&mut big, (bw, bh), &k(rect), radius * s, *bcol);
                        let inner = rect.inflate(-bwid);
                        if inner.w > 0.0 && inner.h > 0.0 {
                            let r = (radius - bwid).max(0.0) * s;
                            fill_round_rect(&mut big, (bw, bh), &k(&inner), r, *fill);
                        }
                    }
                    _ => fill_round_rect(&mut big, (bw, bh), &k(rect), radius * s, *fill),
                },
                other => {
                    let mut be = BitMapBackend::with_buffer(&mut big, (bw as u32, bh as u32));
                    draw_shape(&mut be, other, s, &sp)
                        .map_err(|e| RenderError::Draw(format!("{e:?}")))?;
                }
            }
        }
        let mut out = downsample(&big, bw, bh);
        if big.len() <= SCRATCH_KEEP_BYTES {
            SCRATCH.with(|s| *s.borrow_mut() = big);
        }
        let (w, h) = (self.width as usize, self.height as usize);
        let t = self.scale;
        for op in &self.ops {
            if let Op::Text {
                at,
                text,
                font,
                color,
            } = op
            {
                let f = TextStyle {
                    px: font.px * t,
                    bold: font.bold,
                };
                draw_text(&mut out, (w, h), (at.0 * t, at.1 * t), f, *color, text);
            }
        }
        Ok(out)
    }
}

fn bc(c: Rgb) -> BackendColor {
    BackendColor {
        alpha: 1.0,
        rgb: (c.0, c.1, c.2),
    }
}

type DrawResult = Result<
    (),
    plotters_backend::DrawingErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>,
>;

fn draw_shape(
    be: &mut BitMapBackend<'_>,
    op: &Op,
    s: f32,
    sp: &dyn Fn((f32, f32)) -> (i32, i32),
) -> DrawResult {
    match op {
        Op::Line {
            from,
            to,
            color,
            width,
            dash,
        } => {
            let (dx, dy) = (to.0 - from.0, to.1 - from.1);
            let len = (dx * dx + dy * dy).sqrt();
            if len < 1e-3 {
                return Ok(());
            }
            match dash {
                None => thick_segment(be, *from, *to, *width, *color, sp),
                Some((on, off)) => {
                    let (on, off) = (on.max(1.0), off.max(1.0));
                    let mut t = 0.0;
                    while t < len {
                        let e = (t + on).min(len);
                        let a = (from.0 + dx * t / len, from.1 + dy * t / len);
                        let b = (from.0 + dx * e / len, from.1 + dy * e / len);
                        thick_segment(be, a, b, *width, *color, sp)?;
                        t = e + off;
                    }
                    Ok(())
                }
            }
        }
        Op::Polygon { points, fill } => be.fill_polygon(points.iter().map(|p| sp(*p)), &bc(*fill)),
        Op::Circle {
            center,
            radius,
            fill,
        } => {
            let r = (radius * s).round().max(1.0) as u32;
            be.draw_circle(sp(*center), r, &bc(*fill), true)
        }
        Op::Text { .. } | Op::Rect { .. } => Ok(()),
    }
}

fn thick_segment(
    be: &mut BitMapBackend<'_>,
    a: (f32, f32),
    b: (f32, f32),
    width: f32,
    color: Rgb,
    sp: &dyn Fn((f32, f32)) -> (i32, i32),
) -> DrawResult {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-3);
    let h = width.max(0.5) / 2.0;
    let (nx, ny) = (-dy / len * h, dx / len * h);
    let quad = [
        (a.0 + nx, a.1 + ny),
        (b.0 + nx, b.1 + ny),
        (b.0 - nx, b.1 - ny),
        (a.0 - nx, a.1 - ny),
    ];
    be.fill_polygon(quad.iter().map(|p| sp(*p)), &bc(color))
}

/// Fills a rectangle with rounded corners (buffer pixels), row by row.
fn fill_round_rect(buf: &mut [u8], (bw, bh): (usize, usize), r: &Rect, radius: f32, c: Rgb) {
    let rad = radius.min(r.w / 2.0).min(r.h / 2.0).max(0.0);
    let y0 = r.y.round().clamp(0.0, bh as f32) as usize;
    let y1 = r.bottom().round().clamp(0.0, bh as f32) as usize;
    // One row of the colour, copied into each span.
    let width = (r.w.ceil().max(0.0) as usize + 2).min(bw);
    let span: Vec<u8> = [c.0, c.1, c.2].repeat(width);
    for y in y0..y1 {
        let yc = y as f32 + 0.5;
        let dy = if yc < r.y + rad {
            r.y + rad - yc
        } else if yc > r.bottom() - rad {
            yc - (r.bottom() - rad)
        } else {
            0.0
        };
        let inset = if dy > 0.0 {
            rad - (rad * rad - dy * dy).max(0.0).sqrt()
        } else {
            0.0
        };
        let x0 = (r.x + inset).round().clamp(0.0, bw as f32) as usize;
        let x1 = (r.right() - inset).round().clamp(0.0, bw as f32) as usize;
        if x1 > x0 {
            let n = (x1 - x0) * 3;
            buf[(y * bw + x0) * 3..(y * bw + x1) * 3].copy_from_slice(&span[..n]);
        }
    }
}

/// Averages each 2×2 block of the supersampled buffer into one output pixel.
fn downsample(big: &[u8], bw: usize, bh: usize) -> Vec<u8> {
    const _: () = assert!(SS == 2, "downsample is written for 2x supersampling");
    let (w, h) = (bw / 2, bh / 2);
    let mut out = vec![0u8; w * h * 3];
    let avg = |a: u8, b: u8, c: u8, d: u8| {
        ((u16::from(a) + u16::from(b) + u16::from(c) + u16::from(d) + 2) / 4) as u8
    };
    for (y, out_row) in out.chunks_exact_mut(w * 3).enumerate() {
        let r0 = &big[2 * y * bw * 3..(2 * y + 1) * bw * 3];
        let r1 = &big[(2 * y + 1) * bw * 3..(2 * y + 2) * bw * 3];
        for ((o, a), b) in out_row
            .chunks_exact_mut(3)
            .zip(r0.chunks_exact(6))
            .zip(r1.chunks_exact(6))
        {
            o[0] = avg(a[0], a[3], b[0], b[3]);
            o[1] = avg(a[1], a[4], b[1], b[4]);
            o[2] = avg(a[2], a[5], b[2], b[5]);
        }
    }
    out
}
