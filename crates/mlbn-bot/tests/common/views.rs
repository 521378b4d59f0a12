//! Checks on views shared by the snapshot tests.

use mlbn_bot::view::{MessageView, limits, units};
use serde_json::Value;

/// Digits replaced by `9` so engine recalibration does not churn the snapshots.
pub fn mask_digits(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(
            s.chars()
                .map(|c| if c.is_ascii_digit() { '9' } else { c })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(mask_digits).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    // Colour is checked separately.
                    if k == "color" {
                        (k.clone(), v.clone())
                    } else {
                        (k.clone(), mask_digits(v))
                    }
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every part of every embed within Discord's limits, names and values non-empty.
pub fn within_limits(m: &MessageView) {
    assert!(m.embeds.len() <= limits::EMBEDS);
    let mut total = 0;
    for e in &m.embeds {
        assert!(units(&e.title) <= limits::TITLE, "title");
        assert!(units(&e.description) <= limits::DESCRIPTION, "description");
        assert!(e.fields.len() <= limits::FIELDS, "fields");
        for f in &e.fields {
            assert!(units(&f.name) <= limits::FIELD_NAME && !f.name.is_empty());
            assert!(units(&f.value) <= limits::FIELD_VALUE && !f.value.is_empty());
        }
        assert!(units(&e.footer) <= limits::FOOTER);
        total += e.total_units();
    }
    assert!(total <= limits::TOTAL, "total {total}");
}
