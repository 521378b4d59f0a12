//! A small RFC 4180 CSV reader for the measured-run files (bundled references, `mlbn eval`):
//! quoted fields may hold commas, newlines and doubled quotes; CRLF and a leading BOM are
//! accepted. One pass over the text, so memory is bounded by the input's size.

/// A parsed table: the header row and the data rows (each padded or cut to the header's width).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Column index of `name` (exact header match after trimming).
    pub(crate) fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h.trim() == name)
    }

    /// Parse `text`; blank lines are skipped. An empty text gives an empty table.
    pub(crate) fn parse(text: &str) -> Table {
        let mut records = parse_records(text).into_iter();
        let Some(header) = records.next() else {
            return Table::default();
        };
        let width = header.len();
        let rows = records
            .map(|mut r| {
                r.resize(width, String::new());
                r
            })
            .collect();
        Table { header, rows }
    }
}

/// Split `text` into records of fields.
pub(crate) fn parse_records(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    // True once the current record has any content (so blank lines are skipped).
    let mut started = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                quoted = true;
                started = true;
            }
            ',' => {
                row.push(std::mem::take(&mut field));
                started = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if started {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                started = false;
            }
            c => {
                field.push(c);
                started = true;
            }
        }
    }
    if started {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_commas_newlines_and_doubled_quotes() {
        let t = "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n\n2,\"two\nlines\",\n3";
        let r = parse_records(t);
        assert_eq!(
            r,
            vec![
                vec!["a", "b", "c"],
                vec!["1", "x, y", "say \"hi\""],
                vec!["2", "two\nlines", ""],
                vec!["3"],
            ]
        );
        let table = Table::parse(t);
        assert_eq!(table.col("b"), Some(1));
        assert_eq!(table.rows[2], vec!["3", "", ""]);
    }

    #[test]
    fn bom_empty_and_unterminated_quote() {
        assert_eq!(parse_records("\u{feff}x,y\n"), vec![vec!["x", "y"]]);
        assert!(parse_records("").is_empty());
        assert_eq!(Table::parse(""), Table::default());
        // An unterminated quote swallows the rest but never panics.
        assert_eq!(parse_records("a,\"b\nc"), vec![vec!["a", "b\nc"]]);
    }
}
