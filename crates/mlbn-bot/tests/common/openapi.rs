//! A small JSON Schema validator for the subset Discord's OpenAPI spec uses on the payloads
//! the bot sends: `$ref`, `type` (one or a list), `const`, `enum`, `properties`, `required`,
//! `items`, `minItems`/`maxItems`, `minLength`/`maxLength` (characters), `minimum`/`maximum`,
//! `oneOf`/`anyOf`/`allOf`, `additionalProperties: false`, and the snowflake `pattern`.

use serde_json::Value;
use std::path::PathBuf;

/// Discord's official OpenAPI spec (discord/discord-api-spec, MIT licence beside it), vendored
/// in `tests/data` so the validation runs on every machine; `MLBN_DISCORD_OPENAPI` names
/// another copy (e.g. a newer spec) to check against instead.
pub fn load_spec() -> Value {
    let path = std::env::var_os("MLBN_DISCORD_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/discord-openapi.json")
        });
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("Discord's OpenAPI spec at {}: {e}", path.display()));
    serde_json::from_str(&text).expect("openapi.json parses")
}

pub fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("schema {name} in the spec"))
}

/// The request body schema of `method path` for a content type.
pub fn request_schema<'a>(spec: &'a Value, path: &str, method: &str, content: &str) -> &'a Value {
    let p = spec
        .get("paths")
        .and_then(|p| p.get(path))
        .unwrap_or_else(|| panic!("path {path} in the spec"));
    p.pointer(&format!(
        "/{method}/requestBody/content/{}/schema",
        content.replace('/', "~1")
    ))
    .unwrap_or_else(|| panic!("{method} {path} {content} body schema"))
}

/// The body of `POST /interactions/{id}/{token}/callback`.
pub fn callback_schema(spec: &Value) -> &Value {
    request_schema(
        spec,
        "/interactions/{interaction_id}/{interaction_token}/callback",
        "post",
        "application/json",
    )
}

/// The JSON body of `PATCH /webhooks/{id}/{token}/messages/@original` (the follow-up edit).
pub fn webhook_edit_schema(spec: &Value) -> &Value {
    request_schema(
        spec,
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
        "patch",
        "application/json",
    )
}

fn resolve<'a>(spec: &'a Value, s: &'a Value) -> &'a Value {
    let mut s = s;
    for _ in 0..32 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                s = spec
                    .pointer(r.trim_start_matches('#'))
                    .unwrap_or_else(|| panic!("unresolved $ref {r}"));
            }
            None => return s,
        }
    }
    panic!("$ref chain too long")
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        _ => true,
    }
}

/// Every violation of `schema` by `v`, as `path: what`.
pub fn validate(spec: &Value, schema: &Value, v: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    check(spec, schema, v, "$", &mut errs);
    errs
}

fn check(spec: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let s = resolve(spec, schema);
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| type_ok(t, v)),
            _ => true,
        };
        if !ok {
            errs.push(format!("{at}: expected type {t}, got {v}"));
            return;
        }
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        errs.push(format!("{at}: expected {c}, got {v}"));
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errs.push(format!("{at}: {v} not in {e:?}"));
    }
    if let Some(text) = v.as_str() {
        let n = text.chars().count() as u64;
        if let Some(m) = s.get("maxLength").and_then(Value::as_u64)
            && n > m
        {
            errs.push(format!("{at}: {n} characters > maxLength {m}"));
        }
        if let Some(m) = s.get("minLength").and_then(Value::as_u64)
            && n < m
        {
            errs.push(format!("{at}: {n} characters < minLength {m}"));
        }
        if s.get("pattern").and_then(Value::as_str) == Some("^(0|[1-9][0-9]*)$") {
            let ok = text == "0"
                || (!text.is_empty()
                    && !text.starts_with('0')
                    && text.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                errs.push(format!("{at}: `{text}` is not a snowflake"));
            }
        }
    }
    if let Some(x) = v.as_f64() {
        if let Some(m) = s.get("minimum").and_then(Value::as_f64)
            && x < m
        {
            errs.push(format!("{at}: {x} < minimum {m}"));
        }
        if let Some(m) = s.get("maximum").and_then(Value::as_f64)
            && x > m
        {
            errs.push(format!("{at}: {x} > maximum {m}"));
        }
    }
    if let Some(items) = v.as_array() {
        if let Some(m) = s.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > m
        {
            errs.push(format!("{at}: {} items > maxItems {m}", items.len()));
        }
        if let Some(m) = s.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < m
        {
            errs.push(format!("{at}: {} items < minItems {m}", items.len()));
        }
        if let Some(is) = s.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(spec, is, item, &format!("{at}[{i}]"), errs);
            }
        }
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        if let Some(req) = s.get("required").and_then(Value::as_array) {
            for r in req.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    errs.push(format!("{at}: missing required `{r}`"));
                }
            }
        }
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(spec, ps, val, &format!("{at}.{k}"), errs),
                None => {
                    if s.get("additionalProperties") == Some(&Value::Bool(false)) {
                        errs.push(format!("{at}: unexpected property `{k}`"));
                    }
                }
            }
        }
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for sub in all {
            check(spec, sub, v, at, errs);
        }
    }
    let matching = |subs: &Vec<Value>| {
        subs.iter()
            .filter(|sub| validate(spec, sub, v).is_empty())
            .count()
    };
    if let Some(any) = s.get("anyOf").and_then(Value::as_array)
        && matching(any) == 0
    {
        let why: Vec<String> = any
            .iter()
            .flat_map(|sub| validate(spec, sub, v))
            .take(6)
            .collect();
        errs.push(format!("{at}: matches none of anyOf: {why:?}"));
    }
    if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
        let n = matching(one);
        if n != 1 {
            let why: Vec<String> = one
                .iter()
                .flat_map(|sub| validate(spec, sub, v))
                .take(6)
                .collect();
            errs.push(format!("{at}: matches {n} of oneOf (want 1): {why:?}"));
        }
    }
}
