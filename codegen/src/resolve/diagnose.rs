//! Pin-pointing shape errors. `openapiv3` uses untagged enums and flattened
//! maps, where serde stops tracking the path: an error deep inside a path item
//! surfaces as "somewhere under /paths". Here we walk down the document,
//! checking each child with the type OpenAPI expects there, until no child
//! fails: the deepest failing node is the one to report.

use openapiv3::{Components, MediaType, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Responses, Schema};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::escape_token;

#[derive(Clone, Copy)]
enum Kind {
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    MediaType,
    Schema,
    Components,
}

fn check_as<T: DeserializeOwned>(value: &Value) -> Result<(), (String, String)> {
    serde_path_to_error::deserialize::<_, T>(value).map(|_| ()).map_err(|e| {
        let suffix: String = e.path().iter().filter_map(|s| match s {
            serde_path_to_error::Segment::Seq { index } => Some(format!("/{index}")),
            serde_path_to_error::Segment::Map { key } => Some(format!("/{}", escape_token(key))),
            _ => None,
        }).collect();
        (suffix, e.inner().to_string())
    })
}

fn check(kind: Kind, value: &Value) -> Result<(), (String, String)> {
    match kind {
        Kind::Paths => check_as::<indexmap::IndexMap<String, ReferenceOr<PathItem>>>(value),
        Kind::PathItem => check_as::<ReferenceOr<PathItem>>(value),
        Kind::Operation => check_as::<Operation>(value),
        Kind::Parameter => check_as::<ReferenceOr<Parameter>>(value),
        Kind::RequestBody => check_as::<ReferenceOr<RequestBody>>(value),
        Kind::Responses => check_as::<Responses>(value),
        Kind::Response => check_as::<ReferenceOr<Response>>(value),
        Kind::MediaType => check_as::<MediaType>(value),
        Kind::Schema => check_as::<ReferenceOr<Schema>>(value),
        Kind::Components => check_as::<Components>(value),
    }
}

/// Children worth checking, with the kind each should be.
fn children(kind: Kind, value: &Value) -> Vec<(String, Kind)> {
    let Some(map) = value.as_object() else {
        return match (kind, value.as_array()) {
            (Kind::Operation, _) => Vec::new(),
            (_, Some(items)) if matches!(kind, Kind::Schema) => {
                (0..items.len()).map(|i| (i.to_string(), Kind::Schema)).collect()
            }
            _ => Vec::new(),
        };
    };
    let keys = |k: Kind| map.keys().map(move |key| (escape_token(key), k)).collect::<Vec<_>>();
    let mut out = Vec::new();
    let mut field = |name: &str, k: Kind| {
        if map.contains_key(name) {
            out.push((name.to_owned(), k));
        }
    };
    match kind {
        Kind::Paths => return keys(Kind::PathItem),
        Kind::PathItem => {
            for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
                field(method, Kind::Operation);
            }
            if let Some(params) = map.get("parameters").and_then(Value::as_array) {
                out.extend((0..params.len()).map(|i| (format!("parameters/{i}"), Kind::Parameter)));
            }
        }
        Kind::Operation => {
            field("requestBody", Kind::RequestBody);
            field("responses", Kind::Responses);
            if let Some(params) = map.get("parameters").and_then(Value::as_array) {
                out.extend((0..params.len()).map(|i| (format!("parameters/{i}"), Kind::Parameter)));
            }
        }
        Kind::Responses => return keys(Kind::Response),
        Kind::Response | Kind::RequestBody => {
            if let Some(content) = map.get("content").and_then(Value::as_object) {
                out.extend(content.keys().map(|ct| (format!("content/{}", escape_token(ct)), Kind::MediaType)));
            }
        }
        Kind::Parameter | Kind::MediaType => field("schema", Kind::Schema),
        Kind::Schema => {
            for name in ["items", "additionalProperties", "not"] {
                field(name, Kind::Schema);
            }
            if let Some(props) = map.get("properties").and_then(Value::as_object) {
                out.extend(props.keys().map(|p| (format!("properties/{}", escape_token(p)), Kind::Schema)));
            }
            for name in ["allOf", "oneOf", "anyOf"] {
                if let Some(items) = map.get(name).and_then(Value::as_array) {
                    out.extend((0..items.len()).map(|i| (format!("{name}/{i}"), Kind::Schema)));
                }
            }
        }
        Kind::Components => {
            for (name, k) in [
                ("schemas", Kind::Schema),
                ("parameters", Kind::Parameter),
                ("responses", Kind::Response),
                ("requestBodies", Kind::RequestBody),
            ] {
                if let Some(items) = map.get(name).and_then(Value::as_object) {
                    out.extend(items.keys().map(|key| (format!("{name}/{}", escape_token(key)), k)));
                }
            }
        }
    }
    out
}

/// Starting from the document root, the deepest pointer whose value does not
/// have the expected shape, with serde's message for it.
pub fn deepest_error(document: &Value) -> Option<(String, String)> {
    let mut found = None;
    for (key, kind) in [("paths", Kind::Paths), ("components", Kind::Components)] {
        if let Some(value) = document.get(key) {
            if let Some(hit) = descend(kind, value, format!("/{key}")) {
                found = Some(hit);
                break;
            }
        }
    }
    found
}

fn descend(kind: Kind, value: &Value, pointer: String) -> Option<(String, String)> {
    let (suffix, message) = check(kind, value).err()?;
    for (token, child_kind) in children(kind, value) {
        let child_pointer = format!("{pointer}/{token}");
        if let Some(child) = value.pointer(&format!("/{token}")) {
            if let Some(hit) = descend(child_kind, child, child_pointer) {
                return Some(hit);
            }
        }
    }
    Some((format!("{pointer}{suffix}"), message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_deepest_bad_node() {
        let doc = serde_json::json!({"paths": {"/a": {"get": {"parameters": 7, "responses": {}}}}});
        let (pointer, message) = deepest_error(&doc).unwrap();
        assert_eq!(pointer, "/paths/~1a/get/parameters", "{message}");
    }
}
