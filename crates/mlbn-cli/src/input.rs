//! Reading scenario text: files, stdin or the argument itself, with the parser's size limit
//! and a UTF-8 check, so bad input is a clear message and never a panic.

use mlbn_syntax::MAX_INPUT_BYTES;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Text to analyse and where it came from.
pub struct Source {
    /// Shown in diagnostics: the path as given, `<stdin>` or `<inline>`.
    pub name: String,
    pub text: String,
    /// The file's path, for resolving paths the text refers to.
    pub path: Option<PathBuf>,
}

impl Source {
    /// Directory referenced files are read relative to (the current directory for text
    /// given inline or on stdin).
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

fn limit_message(what: &str, limit: usize) -> String {
    format!(
        "{what} is larger than the {} MiB input limit",
        limit / (1024 * 1024)
    )
}

fn decode(what: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{what} is not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Read at most the limit plus one byte, so a huge file is refused without reading it all.
fn read_limited(reader: impl Read, what: &str, limit: usize) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() > limit {
        return Err(limit_message(what, limit));
    }
    Ok(buf)
}

/// Contents of a file as text, or the reason it cannot be read ("no such file", "not valid
/// UTF-8 …", "larger than the 1 MiB limit").
pub fn read_path(path: &Path) -> Result<String, String> {
    read_path_limited(path, MAX_INPUT_BYTES)
}

/// [`read_path`] with another size limit (measurement CSVs may be larger than scenarios).
pub fn read_path_limited(path: &Path, limit: usize) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => e.to_string(),
    })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err("is a directory".into());
    }
    let bytes = read_limited(file, "it", limit)?;
    decode("it", bytes)
}

/// A file as a [`Source`], with the path in the error message.
pub fn read_file(path: &Path) -> Result<Source, String> {
    let name = path.display().to_string();
    let text = read_path(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    Ok(Source {
        name,
        text,
        path: Some(path.to_path_buf()),
    })
}

/// `analyze`'s argument: `-` is stdin, an existing path is a file, anything else is the
/// scenario text itself (a name ending in `.mlbn` that does not exist is a missing file).
pub fn read_input(arg: &str) -> Result<Source, String> {
    if arg == "-" {
        let bytes = read_limited(std::io::stdin().lock(), "stdin", MAX_INPUT_BYTES)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(Source {
            name: "<stdin>".into(),
            text: decode("stdin", bytes)?,
            path: None,
        });
    }
    let path = Path::new(arg);
    if !arg.contains('\n') && path.exists() {
        return read_file(path);
    }
    if arg.ends_with(".mlbn") && !arg.contains(char::is_whitespace) {
        return Err(format!("cannot read {arg}: no such file"));
    }
    if arg.len() > MAX_INPUT_BYTES {
        return Err(limit_message("the scenario text", MAX_INPUT_BYTES));
    }
    Ok(Source {
        name: "<inline>".into(),
        text: arg.to_string(),
        path: None,
    })
}
