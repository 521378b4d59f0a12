//! Number formatting for labels: short, unit-bearing, and safe for non-finite input.

/// Trims a fixed-precision number: "1.50" → "1.5", "2.00" → "2".
fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// "900 GB/s", "64 GB/s", "1.25 GB/s", "0.12 GB/s".
pub fn fmt_bw(gbps: f64) -> String {
    if !gbps.is_finite() || gbps < 0.0 {
        return "? GB/s".to_string();
    }
    let v = if gbps >= 10.0 {
        format!("{gbps:.0}")
    } else {
        trim(format!("{gbps:.2}"))
    };
    format!("{v} GB/s")
}

/// "0.7 µs", "2 µs", "150 µs", "1.2 ms".
pub fn fmt_lat(us: f64) -> String {
    if !us.is_finite() || us < 0.0 {
        return "? µs".to_string();
    }
    if us >= 1000.0 {
        format!("{} ms", trim(format!("{:.1}", us / 1000.0)))
    } else if us >= 10.0 {
        format!("{us:.0} µs")
    } else {
        format!("{} µs", trim(format!("{us:.1}")))
    }
}

/// "80 GB", "23.5 GB", "512 GB", "1.5 TB".
pub fn fmt_gb(gb: f64) -> String {
    if !gb.is_finite() || gb < 0.0 {
        return "? GB".to_string();
    }
    if gb >= 1000.0 {
        format!("{} TB", trim(format!("{:.1}", gb / 1000.0)))
    } else if gb >= 100.0 {
        format!("{gb:.0} GB")
    } else {
        format!("{} GB", trim(format!("{gb:.1}")))
    }
}

/// "18.2", "1,234" style rates without thousands separators: "18.2", "1234".
pub fn fmt_rate(v: f64) -> String {
    if !v.is_finite() || v < 0.0 {
        return "?".to_string();
    }
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        trim(format!("{v:.1}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_carry_units_and_survive_bad_numbers() {
        assert_eq!(fmt_bw(900.0), "900 GB/s");
        assert_eq!(fmt_bw(1.25), "1.25 GB/s");
        assert_eq!(fmt_bw(f64::NAN), "? GB/s");
        assert_eq!(fmt_lat(2.0), "2 µs");
        assert_eq!(fmt_lat(0.75), "0.8 µs");
        assert_eq!(fmt_lat(1500.0), "1.5 ms");
        assert_eq!(fmt_gb(80.0), "80 GB");
        assert_eq!(fmt_gb(23.45), "23.4 GB");
        assert_eq!(fmt_gb(1536.0), "1.5 TB");
        assert_eq!(fmt_rate(18.24), "18.2");
        assert_eq!(fmt_rate(1234.4), "1234");
        assert_eq!(fmt_rate(f64::INFINITY), "?");
    }
}
