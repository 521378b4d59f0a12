//! The syntax tree. Every node carries the byte [`Span`] of the text it came from.
//!
//! Names stay as words here: whether `rtx4090 nvlink` is a device followed by a link, or
//! `llama3-70b q4` a model followed by a quant, is decided by `mlbn-ide` with the catalog.
//! The parser classifies a statement only where the text alone says what it is (a count,
//! `+` or `over` make hardware; a keyword makes a directive; a strategy word a strategy; an
//! `org/name` id or `model` keyword a model); other statements stay [`Phrase`]s.

use crate::Span;

/// A whole file: one or more scenarios separated by `---` lines. A scenario with no
/// statements (an empty file, a trailing `---`) is not listed, so an empty file has none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceFile {
    pub scenarios: Vec<Scenario>,
    /// Every `#` comment, in text order (the formatter re-attaches them).
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub span: Span,
    /// The comment text without the leading `#`.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scenario {
    pub span: Span,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub span: Span,
    pub kind: StatementKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    /// Device groups joined by `+`, optionally `over <link>`: `dgx-spark + mac-m3-ultra over 10gbe`.
    Hardware(Hardware),
    /// `model NAME|"path" [quant…] [options]`, or a bare phrase starting with an `org/name` id.
    Model(ModelStmt),
    /// `auto`, `pipeline`, `tensor`, `data`, `expert`, `sequence`, `context`, `phase-split`,
    /// `tp=N pp=M`, possibly with options (`optimize ttft` is a directive).
    Strategy(StrategyStmt),
    /// `device NAME { mem 48GB; bw 960GB/s; fp16 165TF; tdp 300W }`.
    DeviceDef(DeviceDef),
    /// `keyword args…` — `runtime exo`, `power $0.15/kWh 8h/day`, `host ddr5 96GB`, `layout ring`,
    /// `optimize ttft`, `price $1599`, `years 3`, `kv q8_0`, `target decode=30tok/s`, `budget $6000`, …
    Directive(Directive),
    /// `have 1x rtx4090 + …`: hardware the user already owns (reverse planning).
    Have(Hardware),
    /// Workload options standing alone: `prompt=2k gen=256 batch=8`.
    Options(Vec<KeyValue>),
    /// Words with no keyword that could name a device or a model (`rtx4090`, `llama3-70b q4`).
    Phrase(Phrase),
    /// Text that could not be parsed; a diagnostic says why.
    Error,
}

/// A bare word or a quoted string, as written (quotes removed, escapes resolved).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub span: Span,
    pub text: String,
    pub quoted: bool,
}

/// `2x`, `2 x`, `4×`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Count {
    pub span: Span,
    pub value: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeviceGroup {
    pub span: Span,
    pub count: Option<Count>,
    /// Device name words, possibly followed by link or modifier words: `rtx4090 nvlink`.
    pub words: Vec<Word>,
    pub options: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hardware {
    pub groups: Vec<DeviceGroup>,
    /// Span of the `over` keyword and the link words after it, joining all groups.
    pub over: Option<(Span, Vec<Word>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelStmt {
    /// Span of the `model` keyword when written.
    pub keyword: Option<Span>,
    /// Model name (or quoted path) first, then quant words: `llama3-70b q4_k_m`.
    pub words: Vec<Word>,
    pub options: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub words: Vec<Word>,
    pub options: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StrategyStmt {
    /// Strategy words: `auto`, `tensor`, `phase-split`, …
    pub words: Vec<Word>,
    /// Degrees and options: `tp=2`, `pp=2`, `dp=2`, `ep=8`, `microbatch=4`.
    pub options: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeviceDef {
    pub name: Word,
    /// Each `key value` inside the braces: `mem 48GB`.
    pub fields: Vec<DeviceField>,
    /// Span of the braces and their content.
    pub body: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeviceField {
    pub span: Span,
    pub key: Word,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    /// The keyword, its text lowercased (keywords are case-insensitive).
    pub keyword: Word,
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Word(Word),
    Quantity(Quantity),
    KeyValue(KeyValue),
}

impl Arg {
    pub fn span(&self) -> Span {
        match self {
            Arg::Word(w) => w.span,
            Arg::Quantity(q) => q.span,
            Arg::KeyValue(kv) => kv.span,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// `key=value`, or a comparison in a target: `ttft<2s`, `power<=1200W`.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyValue {
    pub span: Span,
    pub key: Word,
    pub op: CompareOp,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Quantity(Quantity),
    Word(Word),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Quantity(q) => q.span,
            Value::Word(w) => w.span,
        }
    }
}

/// Units as people write them, normalised. The numeric value is already scaled by any
/// magnitude suffix: `8k` tokens is 8192 and `1M` is 1_048_576 (token counts use binary
/// magnitudes, as context sizes do), `$6k` is 6000 dollars, `2TB/s` stays `2` with unit `TbPerS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A plain number or token count (`8`, `8k`).
    None,
    Gb,
    Gib,
    Tb,
    Mb,
    GbPerS,
    TbPerS,
    /// Gigabits per second (`10Gb/s`, `10Gbps`).
    GbitPerS,
    Tflops,
    Watt,
    Kilowatt,
    Dollar,
    DollarPerKwh,
    HoursPerDay,
    Years,
    TokPerS,
    Seconds,
    Millis,
    Percent,
    Microseconds,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub span: Span,
    pub value: f64,
    pub unit: Unit,
}

impl SourceFile {
    /// A copy with every span zeroed, for comparing what two texts *mean* (the formatter's
    /// `parse(format(x))` check, caching by content).
    pub fn without_spans(&self) -> SourceFile {
        let mut f = self.clone();
        let z = Span::default();
        fn word(w: &mut Word) {
            w.span = Span::default();
        }
        fn quantity(q: &mut Quantity) {
            q.span = Span::default();
        }
        fn value(v: &mut Value) {
            match v {
                Value::Quantity(q) => quantity(q),
                Value::Word(w) => word(w),
            }
        }
        fn kv(k: &mut KeyValue) {
            k.span = Span::default();
            word(&mut k.key);
            value(&mut k.value);
        }
        fn hardware(h: &mut Hardware) {
            for g in &mut h.groups {
                g.span = Span::default();
                if let Some(c) = &mut g.count {
                    c.span = Span::default();
                }
                g.words.iter_mut().for_each(word);
                g.options.iter_mut().for_each(kv);
            }
            if let Some((s, ws)) = &mut h.over {
                *s = Span::default();
                ws.iter_mut().for_each(word);
            }
        }
        for c in &mut f.comments {
            c.span = z;
        }
        for sc in &mut f.scenarios {
            sc.span = z;
            for st in &mut sc.statements {
                st.span = z;
                match &mut st.kind {
                    StatementKind::Hardware(h) | StatementKind::Have(h) => hardware(h),
                    StatementKind::Model(m) => {
                        m.keyword = m.keyword.map(|_| z);
                        m.words.iter_mut().for_each(word);
                        m.options.iter_mut().for_each(kv);
                    }
                    StatementKind::Strategy(s) => {
                        s.words.iter_mut().for_each(word);
                        s.options.iter_mut().for_each(kv);
                    }
                    StatementKind::Phrase(p) => {
                        p.words.iter_mut().for_each(word);
                        p.options.iter_mut().for_each(kv);
                    }
                    StatementKind::DeviceDef(d) => {
                        word(&mut d.name);
                        d.body = z;
                        for fl in &mut d.fields {
                            fl.span = z;
                            word(&mut fl.key);
                            value(&mut fl.value);
                        }
                    }
                    StatementKind::Directive(d) => {
                        word(&mut d.keyword);
                        for a in &mut d.args {
                            match a {
                                Arg::Word(w) => word(w),
                                Arg::Quantity(q) => quantity(q),
                                Arg::KeyValue(k) => kv(k),
                            }
                        }
                    }
                    StatementKind::Options(o) => o.iter_mut().for_each(kv),
                    StatementKind::Error => {}
                }
            }
        }
        f
    }
}
