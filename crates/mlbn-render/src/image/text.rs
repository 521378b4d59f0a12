//! Text with the embedded DejaVu Sans: measuring and drawing use the same font, so the layout
//! knows every label's exact box before anything is drawn.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

use super::scene::Rect;
use super::style::Rgb;

/// Regular and bold faces, parsed once from bytes compiled into the binary.
struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces {
        // The bytes are DejaVu 2.37 shipped inside the `dejavu` crate; they parse or the
        // crate itself is broken, which the tests would show at once.
        regular: FontRef::try_from_slice(dejavu::sans::regular())
            .expect("embedded DejaVu Sans parses"),
        bold: FontRef::try_from_slice(dejavu::sans::bold())
            .expect("embedded DejaVu Sans Bold parses"),
    })
}

/// A font choice: pixel height (ascent to descent) and weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub px: f32,
    pub bold: bool,
}

impl TextStyle {
    pub const fn regular(px: f32) -> Self {
        Self { px, bold: false }
    }
    pub const fn bold(px: f32) -> Self {
        Self { px, bold: true }
    }

    fn face(self) -> &'static FontRef<'static> {
        if self.bold {
            &faces().bold
        } else {
            &faces().regular
        }
    }

    /// Advance width of `text` in pixels, kerning included.
    pub fn width(self, text: &str) -> f32 {
        let font = self.face().as_scaled(PxScale::from(self.px));
        let mut w = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                w += font.kern(p, id);
            }
            w += font.h_advance(id);
            prev = Some(id);
        }
        w
    }

    /// Line box height.
    pub fn height(self) -> f32 {
        self.px
    }

    /// `text` if it fits in `max_w`, else its longest prefix that fits followed by "…", or
    /// `None` when not even "…" fits.
    pub fn elide(self, text: &str, max_w: f32) -> Option<String> {
        if self.width(text) <= max_w {
            return Some(text.to_string());
        }
        let ell = "…";
        if self.width(ell) > max_w {
            return None;
        }
        let mut cut: Vec<char> = text.chars().collect();
        while !cut.is_empty() {
            cut.pop();
            let s: String = cut.iter().collect::<String>().trim_end().to_string() + ell;
            if self.width(&s) <= max_w {
                return Some(s);
            }
        }
        Some(ell.to_string())
    }
}

/// Blends `text` into an RGB buffer of `buf_w`×`buf_h` pixels. `x`, `y` are the top-left of
/// the line box in buffer pixels and `font.px` is already scaled to the buffer.
pub fn draw_text(
    buf: &mut [u8],
    (buf_w, buf_h): (usize, usize),
    (x, y): (f32, f32),
    font: TextStyle,
    color: Rgb,
    text: &str,
) {
    let face = font.face();
    let scaled = face.as_scaled(PxScale::from(font.px));
    let baseline = y + scaled.ascent();
    let mut caret = x;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            caret += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(PxScale::from(font.px), point(caret, baseline));
        caret += scaled.h_advance(id);
        prev = Some(id);
        let Some(outline) = face.outline_glyph(glyph) else {
            continue;
        };
        let b = outline.px_bounds();
        outline.draw(|gx, gy, cov| {
            let px = b.min.x as i64 + i64::from(gx);
            let py = b.min.y as i64 + i64::from(gy);
            if px < 0 || py < 0 || px >= buf_w as i64 || py >= buf_h as i64 {
                return;
            }
            let i = (py as usize * buf_w + px as usize) * 3;
            let a = cov.clamp(0.0, 1.0);
            for (k, ch) in [color.0, color.1, color.2].into_iter().enumerate() {
                let old = f32::from(buf[i + k]);
                buf[i + k] = (old + (f32::from(ch) - old) * a).round() as u8;
            }
        });
    }
}

/// The box a line of text occupies when its top-left is at (`x`, `y`).
pub fn text_rect(font: TextStyle, x: f32, y: f32, text: &str) -> Rect {
    Rect::new(x, y, font.width(text), font.height())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_text_measures_wider_and_bold_is_wider() {
        let f = TextStyle::regular(14.0);
        assert!(f.width("NVLink 4") > f.width("NVLink"));
        assert!(TextStyle::bold(14.0).width("H100 SXM") > f.width("H100 SXM"));
        assert_eq!(f.width(""), 0.0);
    }

    #[test]
    fn elide_fits_the_width_or_gives_up() {
        let f = TextStyle::regular(14.0);
        let long = "NVIDIA GeForce RTX 4090 Founders Edition";
        let e = f.elide(long, 100.0).unwrap();
        assert!(e.ends_with('…'));
        assert!(f.width(&e) <= 100.0);
        assert_eq!(f.elide("A100", 200.0).unwrap(), "A100");
        assert_eq!(f.elide("A100", 1.0), None);
    }

    #[test]
    fn drawn_text_stays_inside_its_box() {
        let f = TextStyle::regular(20.0);
        let (w, h) = (200usize, 40usize);
        let mut buf = vec![0u8; w * h * 3];
        let text = "Mg 80 GB/s µs";
        draw_text(&mut buf, (w, h), (10.0, 10.0), f, Rgb(255, 255, 255), text);
        let r = text_rect(f, 10.0, 10.0, text);
        let mut inked = 0;
        for py in 0..h {
            for px in 0..w {
                if buf[(py * w + px) * 3] > 0 {
                    inked += 1;
                    // One pixel of slack for anti-aliasing at the box edge.
                    assert!(
                        px as f32 >= r.x - 1.0 && px as f32 <= r.right() + 1.0,
                        "x {px}"
                    );
                    assert!(
                        py as f32 >= r.y - 1.0 && py as f32 <= r.bottom() + 1.0,
                        "y {py}"
                    );
                }
            }
        }
        assert!(inked > 100);
    }
}
