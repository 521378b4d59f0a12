//! Number formatting with units, shared by the reports, hints and the bot.

/// A number with at most three significant decimals, trailing zeros dropped: `24`, `0.15`,
/// `4.89`, `1008`.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let s = if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `42.5 GB`, `0.9 GB`, `1.2 TB`.
pub fn gb(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} TB", v / 1000.0)
    } else if v >= 100.0 {
        format!("{v:.0} GB")
    } else {
        format!("{v:.1} GB")
    }
}

/// `18.2 tok/s`, `1,430 tok/s`.
pub fn tok_s(v: f64) -> String {
    if v >= 1000.0 {
        format!("{} tok/s", thousands(v.round() as u64))
    } else if v >= 100.0 {
        format!("{v:.0} tok/s")
    } else {
        format!("{v:.1} tok/s")
    }
}

/// `1.4k`, `18.2`: short rates for inlay hints.
pub fn short_rate(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 1000.0 {
        format!("{:.1}k", v / 1000.0)
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// `850 ms`, `1.52 s`, `3.2 min`.
pub fn ms(v: f64) -> String {
    if v < 1.0 {
        format!("{v:.2} ms")
    } else if v < 1000.0 {
        format!("{v:.1} ms")
    } else {
        secs(v / 1000.0)
    }
}

/// `1.52 s`, `3.2 min`, `2.1 h`.
pub fn secs(v: f64) -> String {
    if v < 60.0 {
        format!("{v:.2} s")
    } else if v < 3600.0 {
        format!("{:.1} min", v / 60.0)
    } else {
        format!("{:.1} h", v / 3600.0)
    }
}

/// `8k` for multiples of 1024 from 1024 up, else the plain count (`2048` stays `2k`).
pub fn tokens(v: u64) -> String {
    if v >= 1024 && v % 1024 == 0 {
        format!("{}k", v / 1024)
    } else {
        v.to_string()
    }
}

/// `88%`.
pub fn pct(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// `12,345`.
pub fn thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
