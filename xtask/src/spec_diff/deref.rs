//! Turning a `$ref`-based document into a dereferenced one, as upstream's
//! published `*.full.json` artifacts are. Used by the tests to prove both
//! forms compare equal, and handy for checking a dereferencing tool.

use serde_json::{Map, Value};

/// Inline every local `$ref` of `document`. A reference met again inside
/// its own expansion (a recursive schema) is left as it is, and
/// `components` is dropped once nothing refers to it any more. An inlined
/// component schema without a `title` gets its component name as one, as in
/// upstream's published artifacts, where schema names survive only as titles.
pub fn dereference(document: &Value) -> Value {
    let mut out = walk(document, document, &mut Vec::new());
    if !has_ref(&out) {
        if let Some(root) = out.as_object_mut() {
            root.remove("components");
        }
    }
    out
}

fn walk(document: &Value, value: &Value, expanding: &mut Vec<String>) -> Value {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let target = reference.strip_prefix('#').filter(|p| !expanding.iter().any(|e| e == p));
                if let Some((pointer, target)) = target.and_then(|p| Some((p, document.pointer(p)?))) {
                    expanding.push(pointer.to_owned());
                    let mut inlined = walk(document, target, expanding);
                    expanding.pop();
                    if let (Some(name), Value::Object(schema)) = (pointer.strip_prefix("/components/schemas/"), &mut inlined) {
                        if !schema.contains_key("title") && !name.contains('/') {
                            let name = name.replace("~1", "/").replace("~0", "~");
                            schema.insert("title".to_owned(), Value::String(name));
                        }
                    }
                    return inlined;
                }
                return value.clone();
            }
            let mut out = Map::with_capacity(map.len());
            for (key, child) in map {
                // Example payloads and extensions are data, not structure.
                let opaque = matches!(key.as_str(), "example" | "examples") || key.starts_with("x-");
                out.insert(key.clone(), if opaque { child.clone() } else { walk(document, child, expanding) });
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|item| walk(document, item, expanding)).collect()),
        other => other.clone(),
    }
}

fn has_ref(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("$ref") || map.values().any(has_ref),
        Value::Array(items) => items.iter().any(has_ref),
        _ => false,
    }
}
