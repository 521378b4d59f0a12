//! Inputs shared by the syntax tests and `examples/timing.rs`.

/// Repeated to fill a large input, each of these is one of the nastiest shapes for the parser,
/// the formatter or the tokenizer (unclosed blocks and strings, dangling operators, empty
/// statements and scenarios).
pub const PATHOLOGICAL_UNITS: &[&str] = &[
    "{",
    "}",
    "\"",
    "device x {\n",
    "+ ",
    "a=",
    "2x ",
    ";",
    "\n",
    ",",
    "---\n",
    "device {",
];
