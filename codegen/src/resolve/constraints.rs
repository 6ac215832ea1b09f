//! Validation keywords of a schema that do not change its Rust type: the
//! server enforces them, the generated code does not, and `spec-diff`
//! reports a change to them as information for the reader.

use openapiv3::Schema;
use serde_json::Value;

use crate::ir::Constraint;

/// Keywords kept, in the order they are reported.
const KEYWORDS: [&str; 14] = [
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Formats that choose the Rust type; a change to one shows as a type change.
const TYPE_FORMATS: [&str; 7] = ["int32", "int64", "float", "double", "date", "date-time", "binary"];

/// The schema's own validation keywords (not those of its members or
/// properties), and those of an inline `items` schema as `items.maxLength`.
/// An `enum` that does not become a Rust enum (numbers, or a mix) is one too.
pub fn of(schema: &Schema) -> Vec<Constraint> {
    match serde_json::to_value(schema) {
        Ok(value) => of_value(&value, ""),
        Err(_) => Vec::new(),
    }
}

fn of_value(value: &Value, prefix: &str) -> Vec<Constraint> {
    let Value::Object(map) = value else { return Vec::new() };
    let mut out = Vec::new();
    for keyword in KEYWORDS {
        let Some(value) = map.get(keyword) else { continue };
        let unset = value.is_null() || value == &Value::Bool(false);
        let type_format = keyword == "format" && value.as_str().is_some_and(|f| TYPE_FORMATS.contains(&f));
        if !unset && !type_format {
            out.push(Constraint { keyword: format!("{prefix}{keyword}"), value: value.to_string() });
        }
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        if !values.is_empty() && !values.iter().all(|v| v.is_string() || v.is_null()) {
            out.push(Constraint { keyword: format!("{prefix}enum"), value: Value::Array(values.clone()).to_string() });
        }
    }
    // Nested arrays stop at a depth no real schema reaches.
    if let Some(items) = map.get("items").filter(|i| i.get("$ref").is_none() && prefix.len() < 60) {
        out.extend(of_value(items, &format!("{prefix}items.")));
    }
    out
}
