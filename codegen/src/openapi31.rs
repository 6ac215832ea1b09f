//! OpenAPI 3.1 documents, read as the OpenAPI 3.0 the rest of the pipeline
//! knows.
//!
//! `openapiv3` models OpenAPI 3.0, whose schemas are a dialect of JSON Schema
//! draft 4; OpenAPI 3.1 schemas are JSON Schema 2020-12. After bundling, and
//! before `resolve::parse`, [`normalize`] rewrites a 3.1 document (and only
//! a 3.1 document) in place into the 3.0 shape with the same meaning for a
//! client:
//!
//! * `type: [X, "null"]` is `type: X` + `nullable: true`; a list of several
//!   types is a `oneOf` with one alternative per type, each taking the
//!   keywords that apply to it (`minLength` to the string, `properties` to
//!   the object, ...);
//! * `const: v` is `enum: [v]`; `examples: [a, ...]` is `example: a`;
//! * numeric `exclusiveMinimum: n` is `minimum: n` + `exclusiveMinimum:
//!   true` (and likewise for the maximum);
//! * `contentEncoding: base64` is `format: byte`, a non-text
//!   `contentMediaType` (without an encoding) is `format: binary`;
//! * `$defs` anywhere are hoisted into `components/schemas` (named after
//!   their key, else `{Owner}{Key}`, else numbered) and every `$ref` into
//!   them rewritten;
//! * boolean schemas: `true` is `{}`, `false` is `{not: {}}`; a property
//!   that is `false` can never be present and is dropped, an alternative
//!   that is `false` can never match and is dropped; `additionalProperties:
//!   true|false` stays as it is;
//! * `prefixItems` (a tuple) passes through `openapiv3` as the extension
//!   [`PREFIX_ITEMS`], read by `resolve/types.rs` as a
//!   [`crate::ir::TypeRef::Tuple`];
//! * `$ref` with sibling keywords is `allOf: [{$ref}]` + the siblings (what
//!   the bundler does for 3.0 schemas too);
//! * `paths` may be absent, an operation's `responses` too;
//!   `components/pathItems` referenced from `paths` or callbacks are
//!   inlined; `webhooks` (requests the API sends, not operations a client
//!   calls) are dropped with one warning;
//! * `jsonSchemaDialect`, `$schema`, `$id`, `$anchor`, `$comment`,
//!   `info.summary` (the crate description when there is no
//!   `info.description`), `license.identifier` and `mutualTLS` security
//!   schemes (the generated client does not authenticate by scheme) are
//!   dropped silently; validation-only keywords without a 3.0 form
//!   (`unevaluatedProperties`, `propertyNames`, `contains`, ...) too.
//!
//! Where the 3.0 shape only approximates the 3.1 meaning, one warning names
//! the node (`file#pointer`, through [`Bundle::locate`]; moved subtrees are
//! recorded with [`Bundle::relocate`]).

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::bundle::Bundle;
use crate::error::{escape_token, Warning};
use crate::names::type_name;

/// The extension under which a `prefixItems` tuple passes through
/// `openapiv3` (which keeps only `x-` keys of a schema): an array of schemas.
pub const PREFIX_ITEMS: &str = "x-sailpoint-codegen-prefix-items";

/// Rust implements `Debug`, `Clone`, `PartialEq`, `Default`, ... for tuples
/// of up to 12 items.
const MAX_TUPLE: usize = 12;

/// `(major, minor)` of an `openapi` version string: `3.1.0` -> `(3, 1)`.
pub fn version(v: &str) -> Option<(u64, u64)> {
    let mut parts = v.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Does the document say it is OpenAPI 3.1.x?
pub fn is_openapi_31(document: &Value) -> bool {
    document.get("openapi").and_then(Value::as_str).and_then(version) == Some((3, 1))
}

/// Rewrite an OpenAPI 3.1 document into the 3.0 shape (see the module
/// documentation); any other document is left alone.
pub fn normalize(bundle: &mut Bundle, warnings: &mut Vec<Warning>) {
    if !is_openapi_31(&bundle.document) {
        return;
    }
    let mut document = std::mem::take(&mut bundle.document);
    if let Some(root) = document.as_object_mut() {
        let mut n = Normalizer { bundle, warnings, defs: Vec::new(), tuples: Vec::new() };
        n.root(root);
    }
    bundle.document = document;
}

/// Keywords of one JSON type, given to that type's alternative when a type
/// list is split into `oneOf`.
const STRING_KEYWORDS: [&str; 6] = ["minLength", "maxLength", "pattern", "contentMediaType", "contentEncoding", "contentSchema"];
const NUMBER_KEYWORDS: [&str; 5] = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const OBJECT_KEYWORDS: [&str; 10] = [
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "propertyNames",
    "unevaluatedProperties",
    "dependentRequired",
    "dependentSchemas",
];
const ARRAY_KEYWORDS: [&str; 9] =
    ["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems"];

/// JSON Schema keywords with no bearing on a client's types: dropped.
const IGNORED: [&str; 14] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$comment",
    "$vocabulary",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "dependentRequired",
    "contentSchema",
];

/// Keywords beside a `$ref` that do not constrain (kept on the reference).
const PROSE: [&str; 5] = ["description", "summary", "title", "example", "examples"];

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What the object being walked is (outside schemas).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    Other,
    /// A map from user-chosen names to objects (`headers`, `content`, a
    /// components section): its keys are not keywords.
    Named,
    /// `paths` or a callback: keys are paths, values path items.
    Paths,
    PathItem,
    /// `callbacks`: names to callbacks.
    Callbacks,
}

struct Normalizer<'b> {
    bundle: &'b mut Bundle,
    warnings: &'b mut Vec<Warning>,
    /// Every `$defs` entry found: (pointer of the entry, its key).
    defs: Vec<(String, String)>,
    /// Pointers of schemas whose `prefixItems` become a tuple.
    tuples: Vec<String>,
}

impl Normalizer<'_> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let location = self.bundle.locate(pointer);
        self.warnings.push(Warning { location, message: message.into() });
    }

    fn root(&mut self, root: &mut Map<String, Value>) {
        if let Some(webhooks) = root.get("webhooks") {
            let count = webhooks.as_object().map_or(0, Map::len);
            if count > 0 {
                let plural = if count == 1 { "webhook is" } else { "webhooks are" };
                self.warn(
                    "/webhooks",
                    format!("{count} {plural} ignored: webhooks are requests the API sends, not operations a client calls"),
                );
            }
            root.remove("webhooks");
        }
        root.remove("jsonSchemaDialect");
        if !root.contains_key("paths") {
            root.insert("paths".into(), Value::Object(Map::new()));
        }
        if let Some(Value::Object(info)) = root.get_mut("info") {
            if let Some(summary) = info.remove("summary") {
                info.entry("description").or_insert(summary);
            }
            if let Some(Value::Object(license)) = info.get_mut("license") {
                license.remove("identifier");
            }
        }
        if let Some(Value::Object(schemes)) = root.get_mut("components").and_then(|c| c.get_mut("securitySchemes")) {
            schemes.retain(|_, s| s.get("type").and_then(Value::as_str) != Some("mutualTLS"));
        }
        // Path items referenced from `components/pathItems`: inlined, as
        // `openapiv3` (3.0) has no such section.
        let path_items = match root.get_mut("components").and_then(Value::as_object_mut) {
            Some(components) => components.remove("pathItems"),
            None => None,
        };
        if let Some(Value::Object(path_items)) = &path_items {
            for key in ["paths", "components"] {
                if let Some(value) = root.get_mut(key) {
                    self.inline_path_items(value, &format!("/{key}"), path_items, &mut Vec::new());
                }
            }
        }
        if let Some(paths) = root.get_mut("paths") {
            self.walk(paths, "/paths", Node::Paths);
        }
        if let Some(Value::Object(components)) = root.get_mut("components") {
            for (section, value) in components.iter_mut() {
                let ptr = format!("/components/{}", escape_token(section));
                match (section.as_str(), value) {
                    ("schemas", Value::Object(schemas)) => {
                        for (key, schema) in schemas.iter_mut() {
                            self.schema(schema, &format!("{ptr}/{}", escape_token(key)));
                        }
                    }
                    ("examples" | "securitySchemes", _) => {}
                    ("callbacks", value) => self.walk(value, &ptr, Node::Callbacks),
                    (_, value) => self.walk(value, &ptr, Node::Named),
                }
            }
        }
        // A JSON Schema habit: `$defs` at the document root.
        if let Some(Value::Object(defs)) = root.get_mut("$defs") {
            for (key, schema) in defs.iter_mut() {
                let ptr = format!("/$defs/{}", escape_token(key));
                self.defs.push((ptr.clone(), key.clone()));
                self.schema(schema, &ptr);
            }
        }
        let mut document = Value::Object(std::mem::take(root));
        let moved = self.hoist_defs(&mut document);
        for pointer in std::mem::take(&mut self.tuples) {
            let pointer = translate(&pointer, &moved);
            if let Some(Value::Object(schema)) = document.pointer_mut(&pointer) {
                if let Some(items) = schema.remove("prefixItems") {
                    schema.insert(PREFIX_ITEMS.into(), items);
                }
            }
        }
        if let Value::Object(map) = document {
            *root = map;
        }
    }

    /// Replace `$ref: '#/components/pathItems/X'` (in paths and callbacks)
    /// by a copy of the path item. `inlining` holds the names being inlined,
    /// to stop at a cycle.
    fn inline_path_items(&mut self, value: &mut Value, ptr: &str, items: &Map<String, Value>, inlining: &mut Vec<String>) {
        const PREFIX: &str = "#/components/pathItems/";
        match value {
            Value::Object(map) => {
                if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(PREFIX)) {
                    let name = name.replace("~1", "/").replace("~0", "~");
                    if inlining.contains(&name) {
                        self.warn(&format!("{ptr}/$ref"), format!("path item `$ref` cycle through `{name}`; the reference is left as written"));
                        return;
                    }
                    let Some(Value::Object(target)) = items.get(&name) else { return };
                    let mut inlined = target.clone();
                    for (key, sibling) in map.iter() {
                        if key != "$ref" {
                            inlined.entry(key.clone()).or_insert_with(|| sibling.clone());
                        }
                    }
                    *map = inlined;
                    self.bundle.relocate(&format!("/components/pathItems/{}", escape_token(&name)), ptr);
                    inlining.push(name);
                    self.inline_path_items(value, ptr, items, inlining);
                    inlining.pop();
                    return;
                }
                for (key, child) in map.iter_mut() {
                    if is_opaque(key) {
                        continue;
                    }
                    self.inline_path_items(child, &format!("{ptr}/{}", escape_token(key)), items, inlining);
                }
            }
            Value::Array(list) => {
                for (i, child) in list.iter_mut().enumerate() {
                    self.inline_path_items(child, &format!("{ptr}/{i}"), items, inlining);
                }
            }
            _ => {}
        }
    }

    /// Walk everything that is not a schema, normalizing the schemas in it.
    fn walk(&mut self, value: &mut Value, ptr: &str, node: Node) {
        match value {
            Value::Array(list) => {
                for (i, item) in list.iter_mut().enumerate() {
                    self.walk(item, &format!("{ptr}/{i}"), Node::Other);
                }
            }
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key.starts_with("x-") {
                        continue;
                    }
                    let p = format!("{ptr}/{}", escape_token(key));
                    let next = match node {
                        Node::Named => Node::Other,
                        Node::Paths => Node::PathItem,
                        Node::Callbacks => Node::Paths,
                        Node::PathItem if METHODS.contains(&key.as_str()) => {
                            // 3.1 lets an operation leave out `responses`.
                            if let Value::Object(operation) = child {
                                operation.entry("responses").or_insert_with(|| Value::Object(Map::new()));
                            }
                            Node::Other
                        }
                        Node::Other | Node::PathItem => match key.as_str() {
                            "example" | "examples" | "default" | "enum" | "const" => continue,
                            "schema" => {
                                self.schema(child, &p);
                                continue;
                            }
                            "callbacks" => Node::Callbacks,
                            "headers" | "encoding" | "links" | "content" | "responses" | "variables" => Node::Named,
                            _ => Node::Other,
                        },
                    };
                    self.walk(child, &p, next);
                }
            }
            _ => {}
        }
    }

    /// Normalize one schema (and those inside it).
    fn schema(&mut self, value: &mut Value, ptr: &str) {
        match value {
            Value::Bool(true) => *value = Value::Object(Map::new()),
            Value::Bool(false) => *value = never(),
            _ => {}
        }
        let Value::Object(map) = value else { return };
        for key in IGNORED {
            map.remove(key);
        }
        if map.contains_key("$ref") {
            if map.keys().all(|k| k == "$ref" || PROSE.contains(&k.as_str())) {
                return;
            }
            // 3.1 applies keywords beside a `$ref`: `allOf` says the same in 3.0.
            let reference = map.remove("$ref").unwrap_or(Value::Null);
            let mut inner = Map::new();
            inner.insert("$ref".into(), reference);
            let mut all_of = match map.remove("allOf") {
                Some(Value::Array(list)) => list,
                _ => Vec::new(),
            };
            all_of.insert(0, Value::Object(inner));
            map.insert("allOf".into(), Value::Array(all_of));
        }
        for keyword in ["$dynamicRef", "$recursiveRef"] {
            if map.remove(keyword).is_some() {
                self.warn(ptr, format!("`{keyword}` is not supported; the reference is ignored"));
            }
        }
        if let Some(examples) = map.remove("examples") {
            if let Some(first) = examples.as_array().and_then(|e| e.first()) {
                map.entry("example").or_insert_with(|| first.clone());
            }
        }
        if let Some(constant) = map.remove("const") {
            map.insert("enum".into(), Value::Array(vec![constant]));
            self.bundle.relocate(&format!("{ptr}/const"), &format!("{ptr}/enum"));
        }
        self.type_list(map, ptr);
        for (exclusive, bound, stricter) in [("exclusiveMinimum", "minimum", true), ("exclusiveMaximum", "maximum", false)] {
            let Some(Value::Number(n)) = map.get(exclusive).cloned() else { continue };
            let current = map.get(bound).and_then(Value::as_f64);
            let limit = n.as_f64().unwrap_or_default();
            let tighter = current.is_none_or(|c| if stricter { limit >= c } else { limit <= c });
            if tighter {
                map.insert(bound.into(), Value::Number(n));
                map.insert(exclusive.into(), Value::Bool(true));
            } else {
                map.remove(exclusive);
            }
        }
        content_format(map);
        self.pattern_properties(map, ptr);
        let conditional: Vec<&str> =
            ["if", "then", "else", "dependentSchemas"].into_iter().filter(|k| map.contains_key(*k)).collect();
        if !conditional.is_empty() {
            let list = conditional.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            self.warn(ptr, format!("{list} (conditional subschemas) are not supported and ignored"));
            for key in conditional {
                map.remove(key);
            }
        }
        self.prefix_items(map, ptr);
        self.children(map, ptr);
    }

    /// `type: [..]`: `null` is `nullable`; one other type is that type;
    /// several are a `oneOf`.
    fn type_list(&mut self, map: &mut Map<String, Value>, ptr: &str) {
        let Some(Value::Array(list)) = map.get("type") else { return };
        let mut types: Vec<String> = Vec::new();
        let mut null = false;
        for t in list.iter().filter_map(Value::as_str) {
            if t == "null" {
                null = true;
            } else if !types.iter().any(|x| x == t) {
                types.push(t.to_owned());
            }
        }
        if null {
            map.insert("nullable".into(), Value::Bool(true));
        }
        match types.len() {
            0 if null => {
                map.insert("type".into(), Value::String("null".into()));
            }
            0 => {
                map.remove("type");
            }
            1 => {
                map.insert("type".into(), Value::String(types.remove(0)));
            }
            _ => {
                map.remove("type");
                if ["oneOf", "anyOf", "allOf", "not"].iter().any(|k| map.contains_key(*k)) {
                    self.warn(
                        &format!("{ptr}/type"),
                        format!("a list of types beside a composition keyword is ignored (the `type: [{}]` is read as any type)", types.join(", ")),
                    );
                    return;
                }
                let alternatives = self.split_types(map, &types, ptr);
                match alternatives.len() {
                    0 => {
                        self.warn(&format!("{ptr}/type"), "no `enum` value has one of the listed types; read as any JSON");
                    }
                    1 => {
                        if let Some(Value::Object(only)) = alternatives.into_iter().next() {
                            map.extend(only);
                        }
                    }
                    _ => {
                        map.insert("oneOf".into(), Value::Array(alternatives));
                    }
                }
            }
        }
    }

    /// One alternative per type, each with the keywords that apply to it.
    fn split_types(&mut self, map: &mut Map<String, Value>, types: &[String], ptr: &str) -> Vec<Value> {
        let format = map.remove("format");
        let values = map.remove("enum");
        let mut alternatives = Vec::new();
        let mut moves = Vec::new();
        for t in types {
            let mut alternative = Map::new();
            alternative.insert("type".into(), Value::String(t.clone()));
            let index = alternatives.len();
            if let Some(Value::Array(values)) = &values {
                let fitting: Vec<Value> = values.iter().filter(|v| has_type(v, t)).cloned().collect();
                if fitting.is_empty() {
                    continue;
                }
                alternative.insert("enum".into(), Value::Array(fitting));
            }
            let keywords: &[&str] = match t.as_str() {
                "string" => &STRING_KEYWORDS,
                "integer" | "number" => &NUMBER_KEYWORDS,
                "object" => &OBJECT_KEYWORDS,
                "array" => &ARRAY_KEYWORDS,
                _ => &[],
            };
            for keyword in keywords {
                if let Some(v) = map.get(*keyword) {
                    alternative.insert((*keyword).to_owned(), v.clone());
                    moves.push((format!("{ptr}/{keyword}"), format!("{ptr}/oneOf/{index}/{keyword}")));
                }
            }
            if let Some(Value::String(f)) = &format {
                let numeric = matches!(f.as_str(), "int32" | "int64" | "float" | "double");
                if numeric == matches!(t.as_str(), "integer" | "number") && matches!(t.as_str(), "string" | "integer" | "number") {
                    alternative.insert("format".into(), Value::String(f.clone()));
                }
            }
            alternatives.push(Value::Object(alternative));
        }
        for keyword in STRING_KEYWORDS.iter().chain(&NUMBER_KEYWORDS).chain(&OBJECT_KEYWORDS).chain(&ARRAY_KEYWORDS) {
            map.remove(*keyword);
        }
        for (from, to) in moves {
            self.bundle.relocate(&from, &to);
        }
        alternatives
    }

    /// `patternProperties`: a map whose keys match patterns. The Rust type
    /// cannot check keys: the values become `additionalProperties`.
    fn pattern_properties(&mut self, map: &mut Map<String, Value>, ptr: &str) {
        let Some(patterns) = map.remove("patternProperties") else { return };
        let Value::Object(patterns) = patterns else { return };
        let Some(first) = patterns.values().next().cloned() else { return };
        let value = if patterns.values().all(|v| *v == first) { first } else { Value::Object(Map::new()) };
        match map.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {
                map.insert("additionalProperties".into(), value);
            }
            Some(existing) if *existing == value || *existing == Value::Bool(true) => {}
            Some(_) => {
                map.insert("additionalProperties".into(), Value::Object(Map::new()));
            }
        }
        self.warn(
            &format!("{ptr}/patternProperties"),
            "`patternProperties` is read as `additionalProperties`: the key patterns are not checked",
        );
    }

    /// `prefixItems`: a tuple when no other items may follow (or with a
    /// warning when they may), a plain list when every item has the same
    /// schema, else a list of any JSON.
    fn prefix_items(&mut self, map: &mut Map<String, Value>, ptr: &str) {
        let Some(Value::Array(entries)) = map.get("prefixItems").cloned() else {
            map.remove("prefixItems");
            return;
        };
        let count = entries.len();
        if count == 0 {
            map.remove("prefixItems");
            return;
        }
        if !map.contains_key("type") {
            map.insert("type".into(), Value::String("array".into()));
        }
        let closed_by_length = map.get("maxItems").and_then(Value::as_u64).is_some_and(|m| m as usize <= count);
        let here = format!("{ptr}/prefixItems");
        match map.get("items") {
            Some(Value::Object(rest)) if !rest.is_empty() => {
                let rest = Value::Object(rest.clone());
                if entries.iter().all(|e| *e == rest) {
                    map.remove("prefixItems");
                } else {
                    map.remove("prefixItems");
                    map.insert("items".into(), Value::Object(Map::new()));
                    self.warn(&here, "`prefixItems` followed by `items` of another schema: typed as a list of any JSON");
                }
                return;
            }
            Some(Value::Bool(false)) => {}
            _ if closed_by_length => {}
            _ if count <= MAX_TUPLE => {
                self.warn(
                    &here,
                    format!("`prefixItems` without `items: false` allows further items; typed as a tuple of the {count} listed, so a longer array fails to decode"),
                );
            }
            _ => {}
        }
        if count > MAX_TUPLE {
            map.remove("prefixItems");
            map.insert("items".into(), Value::Object(Map::new()));
            self.warn(&here, format!("`prefixItems` lists {count} items, more than a Rust tuple holds ({MAX_TUPLE}); typed as a list of any JSON"));
            return;
        }
        if map.get("minItems").and_then(Value::as_u64).is_some_and(|m| (m as usize) < count) {
            self.warn(&here, format!("a tuple of {count} items with a smaller `minItems`: a shorter array fails to decode"));
        }
        map.remove("items");
        self.tuples.push(ptr.to_owned());
    }

    fn children(&mut self, map: &mut Map<String, Value>, ptr: &str) {
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            // A property whose schema is `false` can never be present.
            let forbidden: Vec<String> =
                properties.iter().filter(|(_, s)| **s == Value::Bool(false)).map(|(k, _)| k.clone()).collect();
            properties.retain(|k, _| !forbidden.contains(k));
            for (key, schema) in properties.iter_mut() {
                self.schema(schema, &format!("{ptr}/properties/{}", escape_token(key)));
            }
            if let Some(Value::Array(required)) = map.get_mut("required") {
                required.retain(|r| !r.as_str().is_some_and(|r| forbidden.iter().any(|f| f == r)));
            }
        }
        if let Some(additional) = map.get_mut("additionalProperties") {
            if !additional.is_boolean() {
                self.schema(additional, &format!("{ptr}/additionalProperties"));
            }
        }
        for key in ["items", "not"] {
            if let Some(child) = map.get_mut(key) {
                self.schema(child, &format!("{ptr}/{key}"));
            }
        }
        if let Some(Value::Array(entries)) = map.get_mut("prefixItems") {
            for (i, entry) in entries.iter_mut().enumerate() {
                self.schema(entry, &format!("{ptr}/prefixItems/{i}"));
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            let Some(Value::Array(members)) = map.get_mut(key) else { continue };
            if key != "allOf" && members.iter().any(|m| *m == Value::Bool(false)) && !members.iter().all(|m| *m == Value::Bool(false)) {
                // An alternative that is `false` never matches.
                let kept: Vec<usize> = (0..members.len()).filter(|&i| members[i] != Value::Bool(false)).collect();
                for (new, old) in kept.into_iter().enumerate().filter(|(new, old)| new != old) {
                    self.bundle.relocate(&format!("{ptr}/{key}/{old}"), &format!("{ptr}/{key}/{new}"));
                }
                members.retain(|m| *m != Value::Bool(false));
            }
            for (i, member) in members.iter_mut().enumerate() {
                self.schema(member, &format!("{ptr}/{key}/{i}"));
            }
        }
        if let Some(Value::Object(defs)) = map.get_mut("$defs") {
            for (key, schema) in defs.iter_mut() {
                let p = format!("{ptr}/$defs/{}", escape_token(key));
                self.defs.push((p.clone(), key.clone()));
                self.schema(schema, &p);
            }
        }
    }

    /// Move every `$defs` entry into `components/schemas` and point the
    /// references at it. Returns the moves, (old pointer, new pointer).
    fn hoist_defs(&mut self, document: &mut Value) -> Vec<(String, String)> {
        let defs = std::mem::take(&mut self.defs);
        if defs.is_empty() {
            return Vec::new();
        }
        let mut taken: HashSet<String> = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|s| s.keys().map(|k| type_name(k)).collect())
            .unwrap_or_default();
        let mut moved = Vec::new();
        let mut names = Vec::new();
        for (pointer, key) in &defs {
            let owner = pointer.strip_prefix("/components/schemas/").and_then(|rest| rest.split('/').next()).map(unescape);
            // The key itself, else prefixed with its owner's, else numbered.
            let mut candidates = vec![key.clone()];
            if let Some(owner) = owner {
                candidates.push(format!("{}{}", type_name(&owner), type_name(key)));
            }
            let name = match candidates.into_iter().find(|c| !taken.contains(&type_name(c))) {
                Some(name) => name,
                None => (2..).map(|n| format!("{}{n}", type_name(key))).find(|c| !taken.contains(&type_name(c))).unwrap_or_default(),
            };
            taken.insert(type_name(&name));
            moved.push((pointer.clone(), format!("/components/schemas/{}", escape_token(&name))));
            names.push(name);
        }
        // Inner `$defs` first: they sit inside the outer ones.
        let mut schemas = Vec::new();
        for (pointer, key) in defs.iter().rev() {
            let parent = &pointer[..pointer.len() - escape_token(key).len() - 1];
            let Some(Value::Object(container)) = document.pointer_mut(parent) else { continue };
            let schema = container.remove(key).unwrap_or_default();
            if container.is_empty() {
                let grandparent = &parent[..parent.len() - "/$defs".len()];
                if let Some(Value::Object(owner)) = document.pointer_mut(grandparent) {
                    owner.remove("$defs");
                }
            }
            schemas.push(schema);
        }
        schemas.reverse();
        for ((from, to), _) in moved.iter().zip(&names) {
            self.bundle.relocate(from, to);
        }
        if let Some(root) = document.as_object_mut() {
            let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
            if let Some(components) = components.as_object_mut() {
                let section = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
                if let Some(section) = section.as_object_mut() {
                    for (name, schema) in names.into_iter().zip(schemas) {
                        section.insert(name, schema);
                    }
                }
            }
        }
        rewrite_refs(document, &moved);
        moved
    }
}

/// A schema no value matches.
fn never() -> Value {
    let mut map = Map::new();
    map.insert("not".into(), Value::Object(Map::new()));
    Value::Object(map)
}

fn is_opaque(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Does a JSON value have this JSON Schema type?
fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// `contentEncoding` / `contentMediaType` (JSON Schema 2020-12) as the
/// OpenAPI 3.0 `format` of a string.
fn content_format(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding").and_then(|v| v.as_str().map(str::to_ascii_lowercase));
    let media_type = map.remove("contentMediaType").and_then(|v| v.as_str().map(str::to_ascii_lowercase));
    if map.contains_key("format") || !matches!(map.get("type").and_then(Value::as_str), Some("string") | None) {
        return;
    }
    let format = match (encoding.as_deref(), media_type.as_deref()) {
        (Some("base64" | "base64url"), _) => "byte",
        (Some("binary"), _) => "binary",
        (Some(_), _) => return,
        (None, Some(media)) if !is_textual(media) => "binary",
        (None, _) => return,
    };
    map.insert("format".into(), Value::String(format.into()));
    if !map.contains_key("type") {
        map.insert("type".into(), Value::String("string".into()));
    }
}

/// A media type whose content is text (fits a JSON string as it is).
fn is_textual(media: &str) -> bool {
    media.starts_with("text/")
        || ["json", "xml", "yaml", "javascript", "x-www-form-urlencoded", "csv"].iter().any(|t| media.contains(t))
}

/// Apply the longest move whose old pointer is a prefix of `pointer`.
fn translate(pointer: &str, moved: &[(String, String)]) -> String {
    let best = moved
        .iter()
        .filter(|(from, _)| pointer.starts_with(from.as_str()) && matches!(pointer.as_bytes().get(from.len()), None | Some(b'/')))
        .max_by_key(|(from, _)| from.len());
    match best {
        Some((from, to)) => format!("{to}{}", &pointer[from.len()..]),
        None => pointer.to_owned(),
    }
}

/// Point `$ref`s (and discriminator mappings) at hoisted `$defs`.
fn rewrite_refs(value: &mut Value, moved: &[(String, String)]) {
    let rewrite = |reference: &mut String| {
        if let Some(pointer) = reference.strip_prefix('#') {
            let new = translate(pointer, moved);
            if new != pointer {
                *reference = format!("#{new}");
            }
        }
    };
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                rewrite(reference);
            }
            if let Some(Value::Object(mapping)) = map.get_mut("discriminator").and_then(|d| d.get_mut("mapping")) {
                for target in mapping.values_mut() {
                    if let Value::String(reference) = target {
                        rewrite(reference);
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if !is_opaque(key) {
                    rewrite_refs(child, moved);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, moved)),
        _ => {}
    }
}
