//! Byte offsets ⇄ protocol positions.
//!
//! The ide speaks byte offsets; the protocol speaks `(line, character)` where `character`
//! counts UTF-16 code units by default, or bytes when the client and server agree on UTF-8.
//! Lines end at `\n`, `\r\n` or a lone `\r` (the protocol's definition). Positions past the
//! end of a line clamp to the line end, positions past the last line clamp to the end of the
//! text, and offsets inside a character or a `\r\n` pair snap back to the start of it: a
//! client's bad position never panics and never produces an offset that is not a char boundary.

use tower_lsp_server::ls_types::{Position, Range};

/// How `Position.character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Line starts of one text, for conversions in both directions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is always 0.
    line_starts: Vec<usize>,
    /// Byte offset where each line's content ends (before its line break).
    line_ends: Vec<usize>,
    len: usize,
    /// True when every byte is ASCII: then every encoding counts bytes.
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut line_ends = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    line_ends.push(i);
                    line_starts.push(i + 1);
                }
                b'\r' => {
                    line_ends.push(i);
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    line_starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        line_ends.push(bytes.len());
        LineIndex {
            line_starts,
            line_ends,
            len: bytes.len(),
            ascii: text.is_ascii(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The position of byte `offset` (clamped to the text, snapped back to a char boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(self.len);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        // An offset between `\r` and `\n` (or on the break itself) is the end of the line.
        let offset = offset.min(self.line_ends[line]);
        let character = match enc {
            _ if self.ascii => offset - start,
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 => text[start..offset].chars().map(char::len_utf16).sum(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of `pos`: past the end of a line is the line end, past the last line
    /// is the end of the text, inside a character is the start of that character.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return self.len;
        }
        let start = self.line_starts[line];
        let end = self.line_ends[line];
        let want = pos.character as usize;
        if self.ascii {
            return start + want.min(end - start);
        }
        let content = &text[start..end];
        match enc {
            Encoding::Utf8 => {
                let mut off = want.min(content.len());
                while !content.is_char_boundary(off) {
                    off -= 1;
                }
                start + off
            }
            Encoding::Utf16 => {
                let mut units = 0;
                for (i, c) in content.char_indices() {
                    let next = units + c.len_utf16();
                    if next > want {
                        return start + i;
                    }
                    units = next;
                }
                end
            }
        }
    }

    pub fn range(&self, text: &str, start: usize, end: usize, enc: Encoding) -> Range {
        let s = self.position(text, start, enc);
        let e = self.position(text, end.max(start), enc);
        Range::new(s, e)
    }

    /// Byte offsets of `range`, ordered (a reversed range from a client is swapped).
    pub fn offsets(&self, text: &str, range: Range, enc: Encoding) -> (usize, usize) {
        let a = self.offset(text, range.start, enc);
        let b = self.offset(text, range.end, enc);
        (a.min(b), a.max(b))
    }

    /// The position just past the last character.
    pub fn end(&self, text: &str, enc: Encoding) -> Position {
        self.position(text, self.len, enc)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    /// Every char boundary maps to a position and back to itself, in both encodings.
    fn round_trips(text: &str) {
        let idx = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for (off, _) in text
                .char_indices()
                .chain(std::iter::once((text.len(), ' ')))
            {
                let p = idx.position(text, off, enc);
                let back = idx.offset(text, p, enc);
                // A `\n` after `\r` shares the position of the line end.
                let is_lf_after_cr = off > 0
                    && text.as_bytes().get(off) == Some(&b'\n')
                    && text.as_bytes()[off - 1] == b'\r';
                if !is_lf_after_cr {
                    assert_eq!(back, off, "{enc:?} offset {off} in {text:?} via {p:?}");
                }
            }
        }
    }

    #[test]
    fn ascii_lines() {
        let t = "2x rtx4090\nllama3-70b q4\nauto";
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_count(), 3);
        assert_eq!(idx.position(t, 0, Encoding::Utf16), pos(0, 0));
        assert_eq!(idx.position(t, 11, Encoding::Utf16), pos(1, 0));
        assert_eq!(idx.position(t, 13, Encoding::Utf16), pos(1, 2));
        assert_eq!(idx.offset(t, pos(2, 4), Encoding::Utf16), t.len());
        round_trips(t);
    }

    #[test]
    fn accented_letter_counts_one_utf16_unit_and_two_bytes() {
        // `é` is U+00E9: 2 bytes, 1 UTF-16 unit.
        let t = "# café\nrtx4090x";
        let idx = LineIndex::new(t);
        let x = t.rfind('x').unwrap();
        assert_eq!(idx.position(t, x, Encoding::Utf16), pos(1, 7));
        let e_end = t.find('\n').unwrap();
        assert_eq!(idx.position(t, e_end, Encoding::Utf16), pos(0, 6));
        assert_eq!(idx.position(t, e_end, Encoding::Utf8), pos(0, 7));
        assert_eq!(idx.offset(t, pos(0, 6), Encoding::Utf16), e_end);
        assert_eq!(idx.offset(t, pos(0, 7), Encoding::Utf8), e_end);
        round_trips(t);
    }

    #[test]
    fn cjk_counts_one_utf16_unit_and_three_bytes() {
        let t = "# 显卡 test\n2x 显卡 bad";
        let idx = LineIndex::new(t);
        let bad = t.rfind("bad").unwrap();
        // "2x " (3) + two CJK chars (2 units, 6 bytes) + " " (1)
        assert_eq!(idx.position(t, bad, Encoding::Utf16), pos(1, 6));
        assert_eq!(idx.position(t, bad, Encoding::Utf8), pos(1, 10));
        assert_eq!(idx.offset(t, pos(1, 6), Encoding::Utf16), bad);
        assert_eq!(idx.offset(t, pos(1, 10), Encoding::Utf8), bad);
        round_trips(t);
    }

    #[test]
    fn emoji_is_a_surrogate_pair() {
        // 🚀 is U+1F680: 4 bytes, 2 UTF-16 units.
        let t = "model 🚀 llama3-70b qx";
        let idx = LineIndex::new(t);
        let qx = t.find("qx").unwrap();
        assert_eq!(idx.position(t, qx, Encoding::Utf16), pos(0, 20));
        assert_eq!(idx.position(t, qx, Encoding::Utf8), pos(0, 22));
        assert_eq!(idx.offset(t, pos(0, 20), Encoding::Utf16), qx);
        // A position between the two halves of the pair snaps to the emoji's start.
        let rocket = t.find('🚀').unwrap();
        assert_eq!(idx.offset(t, pos(0, 7), Encoding::Utf16), rocket);
        // A UTF-8 position inside the emoji's bytes snaps back too.
        assert_eq!(idx.offset(t, pos(0, 8), Encoding::Utf8), rocket);
        // An offset inside the emoji's bytes maps to the emoji's position.
        assert_eq!(idx.position(t, rocket + 2, Encoding::Utf16), pos(0, 6));
        round_trips(t);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let t = "a é\r\nb 🚀\rc\n";
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_count(), 4);
        let b = t.find('b').unwrap();
        let c = t.find('c').unwrap();
        assert_eq!(idx.position(t, b, Encoding::Utf16), pos(1, 0));
        assert_eq!(idx.position(t, c, Encoding::Utf16), pos(2, 0));
        // The `\n` of `\r\n` is the end of line 0, not a column past it.
        let lf = t.find('\n').unwrap();
        assert_eq!(idx.position(t, lf, Encoding::Utf16), pos(0, 3));
        // Past the end of line 0 clamps before the `\r\n`.
        assert_eq!(idx.offset(t, pos(0, 99), Encoding::Utf16), lf - 1);
        assert_eq!(idx.position(t, t.len(), Encoding::Utf16), pos(3, 0));
        round_trips(t);
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let t = "2x rtx4090\nauto";
        let idx = LineIndex::new(t);
        assert_eq!(idx.offset(t, pos(0, 1000), Encoding::Utf16), 10);
        assert_eq!(idx.offset(t, pos(7, 3), Encoding::Utf16), t.len());
        assert_eq!(
            idx.offset(t, pos(u32::MAX, u32::MAX), Encoding::Utf8),
            t.len()
        );
        assert_eq!(idx.position(t, 10_000, Encoding::Utf16), pos(1, 4));
        let r = idx.offsets(t, Range::new(pos(1, 4), pos(0, 0)), Encoding::Utf16);
        assert_eq!(r, (0, t.len()));
    }

    #[test]
    fn empty_text() {
        let t = "";
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_count(), 1);
        assert_eq!(idx.position(t, 5, Encoding::Utf16), pos(0, 0));
        assert_eq!(idx.offset(t, pos(3, 3), Encoding::Utf16), 0);
        assert_eq!(idx.end(t, Encoding::Utf16), pos(0, 0));
    }

    #[test]
    fn mixed_text_round_trips() {
        round_trips("é\n显卡\r\n🚀x\r\r\n\n 👍🏽 ok");
    }
}
