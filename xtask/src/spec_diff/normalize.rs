//! Reading a spec into the canonical form `spec-diff` compares.
//!
//! The document is bundled first (`sailpoint_codegen::bundle`), so
//! multi-file specs arrive as one document with local `#/...` references.
//! Then only the facts a client depends on are read into small typed
//! structs; everything else (descriptions, summaries, examples, titles,
//! `x-` extensions, tags as prose, `info`, servers, security) never makes it
//! into the model, so it cannot produce a difference.
//!
//! References to `#/components/schemas/NAME` stay as [`Schema::Named`] so the
//! comparison can attribute a difference to the named schema; every other
//! reference (parameters, responses, request bodies, headers, path items,
//! pointers into other schemas) is inlined. A pointer reference reached again
//! while it is being inlined becomes [`Schema::Recursive`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sailpoint_codegen::bundle::{self, bundle_with, Bundle, RefSiblings};
use sailpoint_codegen::error::escape_token;
use sailpoint_codegen::{Error, Warning};
use serde_json::{Map, Value};

use super::model::{
    Additional, Api, Header, Node, OpKey, Operation, Parameter, RequestBody, Response, Schema, METHODS,
};

/// Keywords that are documentation only.
const PROSE: [&str; 6] = ["description", "title", "summary", "example", "examples", "externalDocs"];

/// Keywords read into [`Node`] fields.
const STRUCTURAL: [&str; 14] = [
    "$ref",
    "type",
    "format",
    "nullable",
    "enum",
    "default",
    "required",
    "properties",
    "items",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
];

/// Bundle and read one spec file. Errors name the file and JSON pointer.
pub fn load(path: &Path, ref_root: Option<&Path>, warnings: &mut Vec<Warning>) -> Result<Api, String> {
    // Facts by the letter of OpenAPI 3.0: keys beside a `$ref` do not count.
    let options = bundle::Options { siblings: RefSiblings::Ignore, ref_root: ref_root.map(Path::to_path_buf) };
    let bundled = bundle_with(path, &options, warnings).map_err(|e| describe(&e))?;
    // Which component schemas the root file declares itself (bundling adds
    // hoisted ones under names it makes up).
    let root = sailpoint_codegen::load::read_document(path).map_err(|e| describe(&e))?;
    let declared = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect::<BTreeSet<_>>());
    let mut api = Reader { bundle: &bundled, inlining: Vec::new() }.api()?;
    api.declared = declared;
    Ok(api)
}

/// `file#pointer: message`, without a dangling `#` when there is no pointer.
pub fn describe(error: &Error) -> String {
    match error.line_col {
        Some(_) => error.to_string(),
        None if error.location.pointer.is_empty() => {
            format!("{}: {}", error.location.file.display(), error.message)
        }
        None => error.to_string(),
    }
}

/// Canonical JSON text: object keys sorted at every level.
pub fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&map[k]))).collect::<Map<_, _>>())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

struct Reader<'b> {
    bundle: &'b Bundle,
    /// Non-component references being inlined, for the cycle guard.
    inlining: Vec<String>,
}

impl<'b> Reader<'b> {
    fn error(&self, pointer: &str, message: impl std::fmt::Display) -> String {
        describe(&Error::at(self.bundle.locate(pointer), message.to_string()))
    }

    fn api(&mut self) -> Result<Api, String> {
        let bundle: &'b Bundle = self.bundle;
        let doc = &bundle.document;
        let root =
            doc.as_object().ok_or_else(|| self.error("", "the document must be a mapping (an OpenAPI object)"))?;
        match root.get("openapi") {
            Some(Value::String(v)) if v.starts_with("3.") => {}
            Some(Value::String(v)) => {
                return Err(self.error("/openapi", format!("OpenAPI {v} is not supported (only 3.x)")))
            }
            Some(_) => return Err(self.error("/openapi", "must be a version string such as 3.0.3")),
            None if root.contains_key("swagger") => {
                return Err(
                    self.error("/swagger", "Swagger 2.0 is not supported; convert the document to OpenAPI 3 first")
                )
            }
            None => return Err(self.error("", "not an OpenAPI 3 document: there is no `openapi` field")),
        }
        let mut api = Api {
            info_version: doc.pointer("/info/version").and_then(Value::as_str).map(str::to_owned),
            server_urls: root
                .get("servers")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(|s| s.get("url")?.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
            ..Api::default()
        };
        if let Some(schemas) = doc.pointer("/components/schemas") {
            let schemas = self.object(schemas, "/components/schemas")?;
            for (name, schema) in schemas {
                let pointer = format!("/components/schemas/{}", escape_token(name));
                let schema = self.schema(schema, &pointer)?;
                api.schemas.insert(name.clone(), schema);
            }
        }
        if let Some(paths) = root.get("paths") {
            for (path, item) in self.object(paths, "/paths")? {
                self.path_item(&mut api, path, item, &format!("/paths/{}", escape_token(path)))?;
            }
        }
        Ok(api)
    }

    fn object<'v>(&self, value: &'v Value, pointer: &str) -> Result<&'v Map<String, Value>, String> {
        value.as_object().ok_or_else(|| self.error(pointer, "must be a mapping"))
    }

    fn array<'v>(&self, value: &'v Value, pointer: &str) -> Result<&'v Vec<Value>, String> {
        value.as_array().ok_or_else(|| self.error(pointer, "must be a list"))
    }

    /// Follow `$ref`s (all local after bundling) to the object they name.
    fn deref(&self, mut value: &'b Value, pointer: &str) -> Result<(&'b Value, String), String> {
        let mut pointer = pointer.to_owned();
        for _ in 0..32 {
            let Some(reference) = value.get("$ref") else { return Ok((value, pointer)) };
            let ref_ptr = format!("{pointer}/$ref");
            let reference = reference.as_str().ok_or_else(|| self.error(&ref_ptr, "`$ref` must be a string"))?;
            let target = reference
                .strip_prefix('#')
                .ok_or_else(|| self.error(&ref_ptr, format!("`$ref` {reference} is not local after bundling")))?;
            value = self
                .lookup(target)
                .ok_or_else(|| self.error(&ref_ptr, format!("dangling `$ref`: {reference} does not exist")))?;
            pointer = target.to_owned();
        }
        Err(self.error(&pointer, "`$ref` chain is too long (circular?)"))
    }

    /// A node of the bundled document (which outlives the reader).
    fn lookup(&self, pointer: &str) -> Option<&'b Value> {
        let bundle: &'b Bundle = self.bundle;
        bundle.document.pointer(pointer)
    }

    fn path_item(&mut self, api: &mut Api, path: &str, item: &'b Value, pointer: &str) -> Result<(), String> {
        let (item, pointer) = self.deref(item, pointer)?;
        let item = self.object(item, &pointer)?;
        let shared = match item.get("parameters") {
            Some(p) => self.parameters(p, &format!("{pointer}/parameters"))?,
            None => Vec::new(),
        };
        for (method, name) in METHODS.iter().enumerate() {
            let Some(op) = item.get(*name) else { continue };
            let op_ptr = format!("{pointer}/{name}");
            let mut operation = self.operation(op, &op_ptr)?;
            for p in &shared {
                if !operation.parameters.iter().any(|own| own.key() == p.key()) {
                    operation.parameters.push(p.clone());
                }
            }
            api.operations.insert(OpKey { path: path.to_owned(), method }, operation);
        }
        Ok(())
    }

    fn operation(&mut self, op: &'b Value, pointer: &str) -> Result<Operation, String> {
        let op = self.object(op, pointer)?;
        let mut operation = Operation {
            operation_id: op.get("operationId").and_then(Value::as_str).map(str::to_owned),
            deprecated: op.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
            tags: op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default(),
            ..Operation::default()
        };
        if let Some(p) = op.get("parameters") {
            operation.parameters = self.parameters(p, &format!("{pointer}/parameters"))?;
        }
        if let Some(body) = op.get("requestBody") {
            let (body, body_ptr) = self.deref(body, &format!("{pointer}/requestBody"))?;
            let body_map = self.object(body, &body_ptr)?;
            let content = match body_map.get("content") {
                Some(c) => self.content(c, &format!("{body_ptr}/content"))?,
                None => BTreeMap::new(),
            };
            let required = body_map.get("required").and_then(Value::as_bool).unwrap_or(false);
            operation.request_body = Some(RequestBody { required, content });
        }
        if let Some(responses) = op.get("responses") {
            let responses_ptr = format!("{pointer}/responses");
            for (status, response) in self.object(responses, &responses_ptr)? {
                if status.starts_with("x-") {
                    continue;
                }
                let ptr = format!("{responses_ptr}/{}", escape_token(status));
                let response = self.response(response, &ptr)?;
                operation.responses.insert(status.clone(), response);
            }
        }
        Ok(operation)
    }

    fn parameters(&mut self, list: &'b Value, pointer: &str) -> Result<Vec<Parameter>, String> {
        let mut out: Vec<Parameter> = Vec::new();
        for (i, p) in self.array(list, pointer)?.iter().enumerate() {
            let (p, ptr) = self.deref(p, &format!("{pointer}/{i}"))?;
            let map = self.object(p, &ptr)?;
            let text = |key: &str| -> Result<String, String> {
                map.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| self.error(&ptr, format!("a parameter needs a string `{key}`")))
            };
            let (name, location) = (text("name")?, text("in")?);
            let schema = self.parameter_schema(map, &ptr)?;
            let parameter = Parameter {
                required: location == "path" || map.get("required").and_then(Value::as_bool).unwrap_or(false),
                deprecated: map.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
                name,
                location,
                schema,
            };
            // A later duplicate wins, as it would in most tools.
            out.retain(|existing| existing.key() != parameter.key());
            out.push(parameter);
        }
        Ok(out)
    }

    /// `schema`, or the schema of the single media type under `content`.
    fn parameter_schema(&mut self, map: &'b Map<String, Value>, pointer: &str) -> Result<Option<Schema>, String> {
        if let Some(schema) = map.get("schema") {
            return self.schema(schema, &format!("{pointer}/schema")).map(Some);
        }
        if let Some(content) = map.get("content") {
            let content = self.content(content, &format!("{pointer}/content"))?;
            return Ok(content.into_values().next().flatten());
        }
        Ok(None)
    }

    fn content(&mut self, content: &'b Value, pointer: &str) -> Result<BTreeMap<String, Option<Schema>>, String> {
        let mut out = BTreeMap::new();
        for (media_type, media) in self.object(content, pointer)? {
            let ptr = format!("{pointer}/{}", escape_token(media_type));
            let media = self.object(media, &ptr)?;
            let schema = match media.get("schema") {
                Some(s) => Some(self.schema(s, &format!("{ptr}/schema"))?),
                None => None,
            };
            out.insert(media_type.to_ascii_lowercase(), schema);
        }
        Ok(out)
    }

    fn response(&mut self, response: &'b Value, pointer: &str) -> Result<Response, String> {
        let (response, ptr) = self.deref(response, pointer)?;
        let map = self.object(response, &ptr)?;
        let mut out = Response::default();
        if let Some(content) = map.get("content") {
            out.content = self.content(content, &format!("{ptr}/content"))?;
        }
        if let Some(headers) = map.get("headers") {
            let headers_ptr = format!("{ptr}/headers");
            for (name, header) in self.object(headers, &headers_ptr)? {
                let (header, h_ptr) = self.deref(header, &format!("{headers_ptr}/{}", escape_token(name)))?;
                let h = self.object(header, &h_ptr)?;
                let schema = self.parameter_schema(h, &h_ptr)?;
                let required = h.get("required").and_then(Value::as_bool).unwrap_or(false);
                out.headers.insert(name.to_ascii_lowercase(), Header { name: name.clone(), required, schema });
            }
        }
        Ok(out)
    }

    fn schema(&mut self, value: &Value, pointer: &str) -> Result<Schema, String> {
        let map = match value {
            Value::Object(map) => map,
            // JSON Schema boolean schemas: `true` accepts anything.
            Value::Bool(true) => return Ok(Schema::Node(Box::default())),
            Value::Bool(false) => {
                let mut node = Node::default();
                node.other.insert("not".into(), "{}".into());
                return Ok(Schema::Node(Box::new(node)));
            }
            _ => return Err(self.error(pointer, "a schema must be a mapping")),
        };
        if let Some(reference) = map.get("$ref") {
            return self.schema_ref(reference, pointer);
        }
        let mut node = Node::default();
        match map.get("type") {
            Some(Value::String(t)) => node.types = Some(t.clone()),
            Some(Value::Array(list)) => {
                let mut types: Vec<&str> = list.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
                types.sort_unstable();
                node.nullable = list.iter().any(|t| t == "null");
                node.types = Some(types.join("|"));
            }
            Some(other) => {
                node.other.insert("type".into(), canonical(other));
            }
            None => {}
        }
        match map.get("format") {
            Some(Value::String(f)) => node.format = Some(f.clone()),
            Some(other) => {
                node.other.insert("format".into(), canonical(other));
            }
            None => {}
        }
        match map.get("nullable") {
            Some(Value::Bool(b)) => node.nullable |= b,
            Some(other) => {
                node.other.insert("nullable".into(), canonical(other));
            }
            None => {}
        }
        if let Some(values) = map.get("enum") {
            let values = self.array(values, &format!("{pointer}/enum"))?;
            node.enum_values = Some(values.iter().map(canonical).collect());
        }
        node.default = map.get("default").map(canonical);
        match map.get("required") {
            Some(Value::Array(names)) if names.iter().all(Value::is_string) => {
                node.required = names.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            }
            // `required: true` on a property (a Swagger habit) is kept as a plain keyword.
            Some(other) => {
                node.other.insert("required".into(), canonical(other));
            }
            None => {}
        }
        if let Some(properties) = map.get("properties") {
            let props_ptr = format!("{pointer}/properties");
            for (name, schema) in self.object(properties, &props_ptr)? {
                let schema = self.schema(schema, &format!("{props_ptr}/{}", escape_token(name)))?;
                node.properties.insert(name.clone(), schema);
            }
        }
        if let Some(items) = map.get("items") {
            node.items = Some(self.schema(items, &format!("{pointer}/items"))?);
        }
        node.additional = match map.get("additionalProperties") {
            None => Additional::Absent,
            Some(Value::Bool(b)) => Additional::Bool(*b),
            Some(schema) => Additional::Schema(self.schema(schema, &format!("{pointer}/additionalProperties"))?),
        };
        for (keyword, slot) in [("allOf", &mut node.all_of), ("oneOf", &mut node.one_of), ("anyOf", &mut node.any_of)] {
            if let Some(list) = map.get(keyword) {
                let list_ptr = format!("{pointer}/{keyword}");
                for (i, member) in self.array(list, &list_ptr)?.iter().enumerate() {
                    slot.push(self.schema(member, &format!("{list_ptr}/{i}"))?);
                }
            }
        }
        if let Some(not) = map.get("not") {
            node.not = Some(self.schema(not, &format!("{pointer}/not"))?);
        }
        for (key, value) in map {
            if STRUCTURAL.contains(&key.as_str()) || PROSE.contains(&key.as_str()) || key.starts_with("x-") {
                continue;
            }
            node.other.entry(key.clone()).or_insert_with(|| canonical(value));
        }
        Ok(Schema::Node(Box::new(node)))
    }

    fn schema_ref(&mut self, reference: &Value, pointer: &str) -> Result<Schema, String> {
        let ref_ptr = format!("{pointer}/$ref");
        let reference = reference.as_str().ok_or_else(|| self.error(&ref_ptr, "`$ref` must be a string"))?;
        let target = reference
            .strip_prefix('#')
            .ok_or_else(|| self.error(&ref_ptr, format!("`$ref` {reference} is not local after bundling")))?;
        if let Some(name) = target.strip_prefix("/components/schemas/").filter(|n| !n.contains('/')) {
            let name = name.replace("~1", "/").replace("~0", "~");
            if self.lookup(target).is_none() {
                return Err(self.error(&ref_ptr, format!("dangling `$ref`: {reference} does not exist")));
            }
            return Ok(Schema::Named(name));
        }
        if self.inlining.iter().any(|r| r == target) {
            return Ok(Schema::Recursive(reference.to_owned()));
        }
        let value = self
            .lookup(target)
            .ok_or_else(|| self.error(&ref_ptr, format!("dangling `$ref`: {reference} does not exist")))?;
        self.inlining.push(target.to_owned());
        let schema = self.schema(value, target);
        self.inlining.pop();
        schema
    }
}
