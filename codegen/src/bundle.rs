//! Joining a multi-file spec into one document.
//!
//! Upstream SailPoint splits its newest specs over many files joined by
//! relative `$ref`s (`./paths/x.yaml`, `../../shared/responses/400.yaml`).
//! The typed `openapiv3` model only understands local `#/...` references, so
//! before parsing we produce one document in which
//!
//! * a schema from another file is *hoisted* into `#/components/schemas`
//!   (named after its `title`, else its file name), because schemas become
//!   named Rust types and should keep a name;
//! * so is a schema that a `$ref` reaches deep inside another object, in this
//!   document or another (`#/components/schemas/A/properties/bias`,
//!   `#/components/parameters/id/schema`): named from its pointer
//!   ([`crate::refs::pointer_name`]: `ABias`), and the place it came from
//!   shares that type ([`Bundle::hoisted_at`]);
//! * anything else (path items, parameters, responses, ...) is inlined, also
//!   when a local `$ref` points anywhere but `#/components/<section>/<key>`.
//!
//! A `$ref` is read only where a reference may stand ([`crate::refs::Ctx`]):
//! not as a property name, an example or a vendor extension. A pointer that
//! passes through a `$ref` follows it. Draft-3 `required: true` inside a
//! property is rewritten into the object's `required` list, with a warning.
//!
//! Every inlined or hoisted subtree is recorded as an [`Origin`] so errors
//! found later in the bundled document still name the right file and pointer.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::error::{escape_token, push_token, Error, Location, Warning};
use crate::load::read_document;
use crate::refs::{is_component, is_entry, kind_problem, percent_decode, pointer_name, pointer_of, pointer_tokens, Ctx, Node};
use crate::sandbox::Sandbox;
use crate::segment::Vocabulary;

/// A single self-contained document, plus the map back to the source files.
#[derive(Debug)]
pub struct Bundle {
    pub document: Value,
    root_file: PathBuf,
    origins: Vec<Origin>,
    /// Pointer of a schema that a deep `$ref` hoisted a copy of -> the
    /// name of that copy in `#/components/schemas`.
    hoisted_copies: HashMap<String, String>,
}

/// "The subtree at `bundle_pointer` came from `file` at `file_pointer`."
#[derive(Debug)]
struct Origin {
    bundle_pointer: String,
    file: PathBuf,
    file_pointer: String,
}

impl Bundle {
    /// Map a pointer into the bundled document back to its source file.
    pub fn locate(&self, bundle_pointer: &str) -> Location {
        let best = self
            .origins
            .iter()
            .filter(|o| is_pointer_prefix(&o.bundle_pointer, bundle_pointer))
            .max_by_key(|o| o.bundle_pointer.len());
        match best {
            Some(o) => Location::new(
                o.file.clone(),
                format!("{}{}", o.file_pointer, &bundle_pointer[o.bundle_pointer.len()..]),
            ),
            None => Location::new(self.root_file.clone(), bundle_pointer),
        }
    }

    pub fn root_file(&self) -> &Path {
        &self.root_file
    }

    /// Record that the subtree now at `to` came from `from` (a rewrite after
    /// bundling moved or copied it, as the OpenAPI 3.1 normalization does
    /// with `$defs`), so [`Bundle::locate`] keeps naming its source. `to`
    /// must not lie inside `from`.
    pub fn relocate(&mut self, from: &str, to: &str) {
        let base = self.locate(from);
        // What was at `to` before is gone; what was inside `from` moves along.
        self.origins.retain(|o| !is_pointer_prefix(to, &o.bundle_pointer));
        let inside: Vec<Origin> = self
            .origins
            .iter()
            .filter(|o| o.bundle_pointer.len() > from.len() && is_pointer_prefix(from, &o.bundle_pointer))
            .map(|o| Origin {
                bundle_pointer: format!("{to}{}", &o.bundle_pointer[from.len()..]),
                file: o.file.clone(),
                file_pointer: o.file_pointer.clone(),
            })
            .collect();
        self.origins.push(Origin { bundle_pointer: to.to_owned(), file: base.file, file_pointer: base.pointer });
        self.origins.extend(inside);
        // Schemas shared with a deep-hoisted component go along too.
        self.hoisted_copies.retain(|pointer, _| !is_pointer_prefix(to, pointer));
        let moved: Vec<(String, String)> = self
            .hoisted_copies
            .iter()
            .filter(|(pointer, _)| is_pointer_prefix(from, pointer))
            .map(|(pointer, name)| (format!("{to}{}", &pointer[from.len()..]), name.clone()))
            .collect();
        self.hoisted_copies.extend(moved);
    }

    /// The component schema hoisted from the schema at `bundle_pointer`,
    /// when a `$ref` reached that schema deep inside another object
    /// (`#/components/schemas/A/properties/bias`). The schema where it is
    /// written is the same type as the component.
    pub fn hoisted_at(&self, bundle_pointer: &str) -> Option<&str> {
        self.hoisted_copies.get(bundle_pointer).map(String::as_str)
    }
}

fn is_pointer_prefix(prefix: &str, pointer: &str) -> bool {
    pointer.starts_with(prefix)
        && (pointer.len() == prefix.len() || pointer.as_bytes()[prefix.len()] == b'/')
}

/// How to read constraints written beside a schema `$ref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefSiblings {
    /// Keep them (wrap the reference in `allOf`): what authors mean by
    /// `{$ref: X, nullable: true}`, and what the generator does.
    #[default]
    Honour,
    /// Drop them, as OpenAPI 3.0 says: for comparing documents by the letter.
    Ignore,
}

/// How to bundle.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub siblings: RefSiblings,
    /// The directory external `$ref`s may read from (see [`Sandbox`]).
    /// `None`: the directory of the root spec file.
    pub ref_root: Option<PathBuf>,
}

/// Load `root` and every file it references into one document, honouring
/// constraints beside schema `$ref`s and reading only inside `root`'s directory.
pub fn bundle(root: &Path, warnings: &mut Vec<Warning>) -> Result<Bundle, Error> {
    bundle_with(root, &Options::default(), warnings)
}

/// [`bundle`] with explicit [`Options`].
pub fn bundle_with(root: &Path, options: &Options, warnings: &mut Vec<Warning>) -> Result<Bundle, Error> {
    let root_file = normalize(root);
    let document = read_document(&root_file)?;
    let sandbox = Sandbox::new(&root_file, options.ref_root.as_deref())?;
    let siblings = options.siblings;
    let mut bundler = Bundler {
        root_file: root_file.clone(),
        files: HashMap::from([(root_file.clone(), document.clone())]),
        hoisted: HashMap::new(),
        new_schemas: IndexMap::new(),
        used_names: HashSet::new(),
        inlining: Vec::new(),
        copies: Vec::new(),
        origins: Vec::new(),
        vocabulary: Vocabulary::default(),
        counted: HashSet::new(),
        named_by_stem: Vec::new(),
        warned: HashSet::new(),
        siblings,
        sandbox,
        warnings,
    };
    let document = bundler.bundle_root(document)?;
    let hoisted_copies = bundler.hoisted_copies();
    let bundle = Bundle { document, root_file, origins: bundler.origins, hoisted_copies };
    check_local_refs(&bundle, &bundle.document, &mut String::new(), Ctx::Node(Node::Root))?;
    Ok(bundle)
}

/// The node a `$ref` fragment really points at, `$ref`s on the way followed.
struct Found {
    file: PathBuf,
    /// A JSON pointer into `file`.
    pointer: String,
    /// What lives there, if the file is an OpenAPI document.
    ctx: Option<Ctx>,
}

/// Keys beside a `$ref` that only document it.
fn is_prose(key: &str) -> bool {
    matches!(key, "$ref" | "description" | "summary" | "title" | "example" | "examples")
}

/// The reference of `{$ref: X}` with at most prose beside it.
fn pure_ref(value: &Value) -> Option<&Map<String, Value>> {
    let map = value.as_object()?;
    (map.get("$ref")?.is_string() && map.keys().all(|k| is_prose(k))).then_some(map)
}

struct Bundler<'w> {
    root_file: PathBuf,
    /// Every file read so far, as read (the root file too).
    files: HashMap<PathBuf, Value>,
    /// (file, pointer) of a hoisted schema -> its name in components.
    hoisted: HashMap<(PathBuf, String), String>,
    new_schemas: IndexMap<String, Value>,
    used_names: HashSet<String>,
    /// References being inlined or followed, to reject cycles.
    inlining: Vec<(PathBuf, String)>,
    /// Schemas hoisted for a deep `$ref`: (file, pointer, component name).
    copies: Vec<(PathBuf, String, String)>,
    origins: Vec<Origin>,
    /// Words of the files in `counted`, to split run-together file names;
    /// see [`Bundler::vocabulary`].
    vocabulary: Vocabulary,
    counted: HashSet<PathBuf>,
    /// Hoisted schemas named after their file: renamed at the end, when the
    /// vocabulary has seen every file.
    named_by_stem: Vec<(String, PathBuf)>,
    /// Warnings given, by place and text: a subtree walked twice (a schema
    /// and its hoisted copy) warns once.
    warned: HashSet<String>,
    siblings: RefSiblings,
    sandbox: Sandbox,
    warnings: &'w mut Vec<Warning>,
}

/// Object kinds whose references the resolver follows: a local reference
/// to one of them must name a component of the right section.
fn resolved_kind(node: Node) -> bool {
    matches!(node, Node::Schema | Node::Parameter | Node::RequestBody | Node::Response | Node::Header | Node::PathItem)
}

impl Bundler<'_> {
    fn bundle_root(&mut self, mut document: Value) -> Result<Value, Error> {
        let root_file = self.root_file.clone();
        // Component schemas that are themselves references to other files,
        // or into another object, keep their component name: register them
        // before anything can hoist them.
        let mut component_refs = Vec::new();
        if let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) {
            self.used_names.extend(schemas.keys().cloned());
            for (name, schema) in schemas {
                let Some(reference) = schema.get("$ref").and_then(Value::as_str) else { continue };
                let pointer = format!("/components/schemas/{}", escape_token(name));
                let (file, fragment) = self.split_ref(&root_file, reference, &pointer)?;
                let tokens = pointer_tokens(&fragment);
                let local = reference.starts_with('#');
                if local && is_component(&tokens, Node::Schema) {
                    continue;
                }
                let here = Location::new(root_file.clone(), format!("{pointer}/$ref"));
                let found = self.find(&file, &fragment, &here)?;
                let target = self.node(&found);
                self.check_kind(reference, Node::Schema, &found, &target, &here)?;
                if local && pure_ref(&target).is_some() {
                    // A reference to a reference: an alias, as written.
                    continue;
                }
                let key = (found.file.clone(), found.pointer.clone());
                if self.hoisted.contains_key(&key) {
                    // Two components name one target: the later is an alias.
                    continue;
                }
                self.hoisted.insert(key, name.clone());
                if !is_entry(&tokens) {
                    self.copies.push((found.file.clone(), found.pointer.clone(), name.clone()));
                }
                component_refs.push((name.clone(), found, target));
            }
        }
        for (name, found, target) in component_refs {
            let pointer = format!("/components/schemas/{}", escape_token(&name));
            let walked = self.walk(&target, &found.file, &found.pointer, &pointer, Ctx::Node(Node::Schema))?;
            self.origins.push(Origin { bundle_pointer: pointer.clone(), file: found.file, file_pointer: found.pointer });
            if let Some(slot) = document.pointer_mut(&pointer) {
                *slot = walked;
            }
        }
        let walked = self.walk(&document, &root_file.clone(), "", "", Ctx::Node(Node::Root))?;
        let mut document = walked;
        self.rename_stem_names(&mut document);
        if !self.new_schemas.is_empty() {
            let root = document.as_object_mut().ok_or_else(|| {
                Error::in_file(&self.root_file, "the document root must be an object")
            })?;
            let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
            let components = components.as_object_mut().ok_or_else(|| {
                Error::at(Location::new(self.root_file.clone(), "/components"), "must be an object")
            })?;
            let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
            if let Some(schemas) = schemas.as_object_mut() {
                for (name, schema) in std::mem::take(&mut self.new_schemas) {
                    schemas.insert(name, schema);
                }
            }
        }
        Ok(document)
    }

    fn warn_once(&mut self, location: Location, message: String) {
        if self.warned.insert(format!("{location}\u{0}{message}")) {
            self.warnings.push(Warning { location, message });
        }
    }

    fn walk(&mut self, value: &Value, file: &Path, file_ptr: &str, bundle_ptr: &str, ctx: Ctx) -> Result<Value, Error> {
        if ctx == Ctx::Opaque {
            return Ok(value.clone());
        }
        match value {
            Value::Object(map) => {
                // In a map of names (`properties`, `components/schemas`, ...)
                // `$ref` is a name, not a reference.
                if ctx.may_refer() {
                    if let Some(reference) = map.get("$ref") {
                        return self.walk_ref(map, reference, file, file_ptr, bundle_ptr, ctx);
                    }
                }
                let schema = ctx == Ctx::Node(Node::Schema);
                let fixed = if schema { self.boolean_required(map, file, file_ptr) } else { None };
                let map = fixed.as_ref().unwrap_or(map);
                let repaired = if schema { self.malformed_keywords(map, file, file_ptr) } else { None };
                let map = repaired.as_ref().unwrap_or(map);
                let mut out = Map::with_capacity(map.len());
                // One buffer per pointer for all the children: this walk
                // visits every node of the document.
                let (mut child_file, mut child_bundle) = (String::from(file_ptr), String::from(bundle_ptr));
                for (key, child) in map {
                    child_file.truncate(file_ptr.len());
                    child_bundle.truncate(bundle_ptr.len());
                    push_token(&mut child_file, key);
                    push_token(&mut child_bundle, key);
                    let walked = self.walk(child, file, &child_file, &child_bundle, ctx.child(key))?;
                    out.insert(key.clone(), walked);
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let (mut child_file, mut child_bundle) = (String::from(file_ptr), String::from(bundle_ptr));
                for (i, item) in items.iter().enumerate() {
                    let index = i.to_string();
                    child_file.truncate(file_ptr.len());
                    child_bundle.truncate(bundle_ptr.len());
                    push_token(&mut child_file, &index);
                    push_token(&mut child_bundle, &index);
                    out.push(self.walk(item, file, &child_file, &child_bundle, ctx.item())?);
                }
                Ok(Value::Array(out))
            }
            other => Ok(other.clone()),
        }
    }

    /// JSON Schema draft 3 wrote `required: true` inside a property (seen
    /// upstream, e.g. SailPoint NERM). Read it as the property listed in the
    /// object's `required`; `required: false` says nothing and goes. Either
    /// way a warning. Returns the rewritten schema, if anything changed.
    fn boolean_required(&mut self, map: &Map<String, Value>, file: &Path, file_ptr: &str) -> Option<Map<String, Value>> {
        let own = map.get("required").and_then(Value::as_bool);
        let props = map.get("properties").and_then(Value::as_object);
        let flagged: Vec<(String, bool)> = props
            .into_iter()
            .flatten()
            .filter_map(|(name, prop)| Some((name.clone(), prop.get("required")?.as_bool()?)))
            .collect();
        if own.is_none() && flagged.is_empty() {
            return None;
        }
        let mut out = map.clone();
        if let Some(value) = own {
            // A property is rewritten by its object before it is walked; met
            // here, it was reached alone (a `$ref` deep into a property) or
            // is no property at all.
            out.remove("required");
            let mut tokens = file_ptr.rsplit('/');
            let name = tokens.next().filter(|_| tokens.next() == Some("properties"));
            let name = name.map(|n| n.replace("~1", "/").replace("~0", "~"));
            self.required_flaw(file, file_ptr, name.as_deref(), value);
        }
        let mut required: Vec<Value> = match out.remove("required") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        for (name, value) in flagged {
            if let Some(Value::Object(prop)) = out.get_mut("properties").and_then(|p| p.get_mut(&name)) {
                prop.remove("required");
            }
            if value && !required.iter().any(|r| r.as_str() == Some(name.as_str())) {
                required.push(Value::String(name.clone()));
            }
            let prop_ptr = format!("{file_ptr}/properties/{}", escape_token(&name));
            self.required_flaw(file, &prop_ptr, Some(&name), value);
        }
        if !required.is_empty() {
            out.insert("required".into(), Value::Array(required));
        }
        Some(out)
    }

    /// Keywords of a schema whose value cannot mean anything, dropped with a
    /// warning each: a `pattern` that is not a string (`pattern: 0`), a
    /// `type` that is neither a type name nor a list of them (an object
    /// holding another schema). Returns the repaired schema, if any.
    fn malformed_keywords(&mut self, map: &Map<String, Value>, file: &Path, file_ptr: &str) -> Option<Map<String, Value>> {
        let bad_pattern = map.get("pattern").filter(|p| !p.is_string());
        let bad_type = map.get("type").filter(|t| match t {
            Value::String(_) => false,
            Value::Array(items) => !items.iter().all(Value::is_string),
            _ => true,
        });
        if bad_pattern.is_none() && bad_type.is_none() {
            return None;
        }
        let mut out = map.clone();
        if let Some(pattern) = bad_pattern {
            let message = format!("`pattern` is {}, not a regular expression string; ignored", describe_json(pattern));
            self.warn_once(Location::new(file, format!("{file_ptr}/pattern")), message);
            out.remove("pattern");
        }
        if let Some(ty) = bad_type {
            let message = format!("`type` is {}, not a type name or a list of them; ignored (the schema allows any type)", describe_json(ty));
            self.warn_once(Location::new(file, format!("{file_ptr}/type")), message);
            out.remove("type");
        }
        Some(out)
    }

    /// The warning for a boolean `required` in the schema at `schema_ptr`,
    /// the property `property` if it is one: the same words wherever the
    /// schema is walked from, so a place warns once.
    fn required_flaw(&mut self, file: &Path, schema_ptr: &str, property: Option<&str>, value: bool) {
        let message = match (property, value) {
            (Some(name), true) => format!(
                "`required: true` inside a property (JSON Schema draft 3); read as `{name}` listed in the object's `required`"
            ),
            (Some(_), false) => "`required: false` inside a property (JSON Schema draft 3) says nothing; dropped".to_owned(),
            (None, _) => format!("`required: {value}` on a schema that is not a property (JSON Schema draft 3) means nothing; ignored"),
        };
        self.warn_once(Location::new(file, format!("{schema_ptr}/required")), message);
    }

    fn walk_ref(
        &mut self,
        map: &Map<String, Value>,
        reference: &Value,
        file: &Path,
        file_ptr: &str,
        bundle_ptr: &str,
        ctx: Ctx,
    ) -> Result<Value, Error> {
        let ref_ptr = format!("{file_ptr}/$ref");
        let here = Location::new(file, ref_ptr.clone());
        let Some(reference) = reference.as_str() else {
            return Err(Error::at(here, "`$ref` must be a string"));
        };
        if ctx.node() == Node::Callback {
            // `openapiv3` reads no reference to a callback inside an
            // operation, and a client never serves callbacks anyway.
            let message = format!("callback `$ref` {reference} is ignored (callbacks are requests the API sends, not operations a client calls)");
            self.warn_once(here, message);
            return Ok(Value::Object(Map::new()));
        }
        // Prose beside a `$ref` is harmless. In a schema, constraints beside it
        // (`nullable: true` above all, common upstream) are what the author
        // meant: keep them by wrapping the reference in `allOf`. Elsewhere
        // OpenAPI 3.0 ignores siblings, and so do we, with a warning.
        let siblings: Vec<&str> = map.keys().map(String::as_str).filter(|k| !is_prose(k)).collect();
        let expected = ctx.node();
        if !siblings.is_empty() && expected == Node::Schema && self.siblings == RefSiblings::Honour {
            let mut inner = Map::new();
            inner.insert("$ref".into(), Value::String(reference.to_owned()));
            let mut wrapper: Map<String, Value> = map.iter().filter(|(k, _)| k.as_str() != "$ref").map(|(k, v)| (k.clone(), v.clone())).collect();
            wrapper.insert("allOf".into(), Value::Array(vec![Value::Object(inner)]));
            return self.walk(&Value::Object(wrapper), file, file_ptr, bundle_ptr, ctx);
        }
        if !siblings.is_empty() {
            let message = format!("keys beside `$ref` are ignored: {}", siblings.join(", "));
            self.warn_once(Location::new(file, file_ptr), message);
        }
        let (target_file, fragment) = self.split_ref(file, reference, &ref_ptr)?;
        let tokens = pointer_tokens(&fragment);
        let local = |pointer: &str| {
            let mut out = Map::new();
            // `%7B` and `{` alike: the resolver reads the pointer as decoded.
            out.insert("$ref".into(), Value::String(format!("#{pointer}")));
            for key in ["description", "summary"] {
                if let Some(v) = map.get(key) {
                    out.insert(key.into(), v.clone());
                }
            }
            Value::Object(out)
        };
        // A local reference in the root document stays as it is when it names
        // a component of the kind expected here, or where the resolver reads
        // no reference (links, callbacks, ...). In OpenAPI 3.1 a `$defs`
        // entry is hoisted after bundling ([`crate::openapi31`]), with the
        // references to it.
        let defs_entry = matches!(tokens.iter().rev().nth(1), Some(t) if t == "$defs")
            && crate::openapi31::is_openapi_31(&self.files[&self.root_file]);
        if reference.starts_with('#')
            && file == self.root_file
            && (!resolved_kind(expected) || is_component(&tokens, expected) || defs_entry)
        {
            return Ok(local(&fragment));
        }
        let found = self.find(&target_file, &fragment, &here)?;
        let target = self.node(&found);
        if resolved_kind(expected) {
            if let Some(read) = self.misdirected(map, &found, &target, (file, file_ptr, bundle_ptr), ctx)? {
                return Ok(read);
            }
            self.check_kind(reference, expected, &found, &target, &here)?;
            // Another file's reference to a component of the root document
            // (`../openapi.yaml#/components/schemas/A`) is that component.
            if found.file == self.root_file && is_component(&pointer_tokens(&found.pointer), expected) {
                return Ok(local(&found.pointer));
            }
        }
        let key = (found.file.clone(), found.pointer.clone());
        if expected == Node::Schema {
            let deep = !is_entry(&tokens);
            if let (true, Some(inner)) = (deep, pure_ref(&target)) {
                // A reference to a reference: follow it, so that a target
                // that is a component keeps the component's name.
                if self.inlining.contains(&key) {
                    return Err(Error::at(here, format!("circular `$ref` to {reference}")));
                }
                self.inlining.push(key);
                let followed = self.walk_ref(inner, &inner["$ref"], &found.file, &found.pointer, bundle_ptr, ctx);
                self.inlining.pop();
                return followed;
            }
            let name = self.hoist(found, &target, deep.then(|| pointer_name(&tokens)))?;
            let mut out = Map::new();
            out.insert("$ref".into(), Value::String(format!("#/components/schemas/{}", escape_token(&name))));
            return Ok(Value::Object(out));
        }
        if self.inlining.contains(&key) {
            return Err(Error::at(here, format!("circular `$ref` to {reference}")));
        }
        self.inlining.push(key);
        let walked = self.walk(&target, &found.file, &found.pointer, bundle_ptr, ctx);
        self.inlining.pop();
        self.origins.push(Origin { bundle_pointer: bundle_ptr.to_owned(), file: found.file, file_pointer: found.pointer });
        walked
    }

    /// A reference to the wrong kind of object where one reading is plain,
    /// taken with a warning (`None`: not such a reference):
    ///
    /// * a schema `$ref` to a parameter, header, media type, request body or
    ///   response is the schema inside it (of its JSON content, else its
    ///   first content with a schema), or any JSON when it has none;
    /// * a response `$ref` to a schema is an `application/json` response
    ///   with that schema.
    fn misdirected(
        &mut self,
        map: &Map<String, Value>,
        found: &Found,
        target: &Value,
        (file, file_ptr, bundle_ptr): (&Path, &str, &str),
        ctx: Ctx,
    ) -> Result<Option<Value>, Error> {
        let (reference, expected) = (map.get("$ref").and_then(Value::as_str).unwrap_or_default(), ctx.node());
        let Some(Ctx::Node(node)) = found.ctx else { return Ok(None) };
        if node == expected || !target.is_object() {
            return Ok(None);
        }
        let here = Location::new(file, format!("{file_ptr}/$ref"));
        let what = node.describe();
        match (expected, node) {
            (Node::Schema, Node::Parameter | Node::Header | Node::MediaType | Node::RequestBody | Node::Response) => {
                // Through any references the target itself is, to the object.
                let mut at = Found { file: found.file.clone(), pointer: found.pointer.clone(), ctx: found.ctx };
                let mut value = target.clone();
                for _ in 0..32 {
                    let Some(inner) = pure_ref(&value) else { break };
                    let inner = inner["$ref"].as_str().unwrap_or_default().to_owned();
                    let (next_file, fragment) = self.split_ref(&at.file, &inner, &format!("{}/$ref", at.pointer))?;
                    at = self.find(&next_file, &fragment, &here)?;
                    value = self.node(&at);
                }
                let own_schema = matches!(node, Node::Parameter | Node::Header | Node::MediaType) && value.get("schema").is_some();
                let media = value.get("content").and_then(Value::as_object).and_then(|content| {
                    let rank = |media: &str| {
                        let media = media.to_ascii_lowercase();
                        if media == "application/json" { 0 } else if media.contains("json") { 1 } else { 2 }
                    };
                    content.iter().filter(|(_, m)| m.get("schema").is_some()).min_by_key(|(media, _)| rank(media)).map(|(media, _)| media.clone())
                });
                let (suffix, reading) = match (own_schema, media) {
                    (true, _) => ("/schema".to_owned(), "read as its schema".to_owned()),
                    (false, Some(media)) => {
                        (format!("/content/{}/schema", escape_token(&media)), format!("read as the schema of its `{media}` content"))
                    }
                    (false, None) => {
                        let message = format!("`$ref` {reference} points at {what}, not a schema, and it has no schema; read as any JSON");
                        self.warn_once(here, message);
                        return Ok(Some(Value::Object(Map::new())));
                    }
                };
                self.warn_once(here, format!("`$ref` {reference} points at {what}, not a schema; {reading}"));
                // As if the reference pointed at that schema, from the object's own file.
                let pointer = format!("{}{suffix}", at.pointer);
                let local = Value::String(format!("#{pointer}"));
                let mut redirected = Map::new();
                redirected.insert("$ref".into(), local.clone());
                self.walk_ref(&redirected, &local, &at.file, &at.pointer, bundle_ptr, ctx).map(Some)
            }
            (Node::Response, Node::Schema) => {
                let description = [map.get("description"), target.get("description")]
                    .into_iter()
                    .flatten()
                    .find_map(Value::as_str)
                    .unwrap_or_default();
                let message = format!("`$ref` {reference} points at a schema, not a response; read as an `application/json` response with that schema");
                self.warn_once(here, message);
                let response = serde_json::json!({
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": reference}}},
                });
                self.walk(&response, file, file_ptr, bundle_ptr, ctx).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// A reference expecting `expected` must find one: a schema reference
    /// to a parameter (or to a description string) is an error saying what
    /// it found.
    fn check_kind(&self, reference: &str, expected: Node, found: &Found, target: &Value, here: &Location) -> Result<(), Error> {
        match kind_problem(expected, found.ctx, target) {
            Some(what) => Err(Error::at(
                here.clone(),
                format!("`$ref` {reference} points at {what} ({}#{}), not {}", found.file.display(), found.pointer, expected.describe()),
            )),
            None => Ok(()),
        }
    }

    /// Put the schema at `found` into `#/components/schemas` (once) and return
    /// its name: `deep_name` for a schema deep inside another object, else
    /// its title, key or file name.
    fn hoist(&mut self, found: Found, target: &Value, deep_name: Option<String>) -> Result<String, Error> {
        let key = (found.file.clone(), found.pointer.clone());
        if let Some(name) = self.hoisted.get(&key) {
            return Ok(name.clone());
        }
        let deep = deep_name.is_some();
        let base = match deep_name {
            Some(name) => name,
            None => hoisted_name(target, &found.file, &found.pointer, self.vocabulary()),
        };
        let name = self.unique_name(&base);
        if !deep && target.get("title").is_none() && found.pointer.is_empty() {
            self.named_by_stem.push((name.clone(), found.file.clone()));
        }
        self.hoisted.insert(key, name.clone());
        if deep {
            self.copies.push((found.file.clone(), found.pointer.clone(), name.clone()));
        }
        self.new_schemas.insert(name.clone(), Value::Null);
        let bundle_ptr = format!("/components/schemas/{}", escape_token(&name));
        let walked = self.walk(target, &found.file, &found.pointer, &bundle_ptr, Ctx::Node(Node::Schema))?;
        self.origins.push(Origin { bundle_pointer: bundle_ptr, file: found.file, file_pointer: found.pointer });
        self.new_schemas.insert(name.clone(), walked);
        Ok(name)
    }

    /// Where in the bundled document each deep-hoisted schema also sits
    /// (where it is written, and in every inlined or hoisted copy of that).
    fn hoisted_copies(&self) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for (file, pointer, name) in &self.copies {
            let own = format!("/components/schemas/{}", escape_token(name));
            if *file == self.root_file {
                out.insert(pointer.clone(), name.clone());
            }
            for o in &self.origins {
                if o.file == *file && is_pointer_prefix(&o.file_pointer, pointer) && o.bundle_pointer != own {
                    out.insert(format!("{}{}", o.bundle_pointer, &pointer[o.file_pointer.len()..]), name.clone());
                }
            }
        }
        out
    }

    /// Re-split file-stem names with the full vocabulary and rewrite the
    /// references to them.
    fn rename_stem_names(&mut self, document: &mut Value) {
        let mut renames = HashMap::new();
        if !self.named_by_stem.is_empty() {
            self.vocabulary();
        }
        for (old, file) in std::mem::take(&mut self.named_by_stem) {
            let better = hoisted_name(&Value::Null, &file, "", &self.vocabulary);
            if better != old && !self.used_names.contains(&better) {
                self.used_names.insert(better.clone());
                renames.insert(format!("#/components/schemas/{}", escape_token(&old)), better.clone());
                let schemas = std::mem::take(&mut self.new_schemas);
                self.new_schemas = schemas.into_iter().map(|(k, v)| if k == old { (better.clone(), v) } else { (k, v) }).collect();
                for origin in &mut self.origins {
                    let prefix = format!("/components/schemas/{}", escape_token(&old));
                    if origin.bundle_pointer == prefix {
                        origin.bundle_pointer = format!("/components/schemas/{}", escape_token(&better));
                    }
                }
            }
        }
        if !renames.is_empty() {
            rewrite_refs(document, &renames);
            for schema in self.new_schemas.values_mut() {
                rewrite_refs(schema, &renames);
            }
        }
    }

    /// The words of every file read so far. Counted when first needed, not
    /// as files are read: most documents never name a schema after its file,
    /// and counting a multi-megabyte document costs more than the rest of
    /// its bundling.
    fn vocabulary(&mut self) -> &Vocabulary {
        for (path, document) in &self.files {
            if self.counted.insert(path.clone()) {
                self.vocabulary.add_document(document);
            }
        }
        &self.vocabulary
    }

    fn unique_name(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 2;
        while self.used_names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.used_names.insert(name.clone());
        name
    }

    /// Split `other.yaml#/a/b` relative to the referring file.
    fn split_ref(&self, file: &Path, reference: &str, ref_ptr: &str) -> Result<(PathBuf, String), Error> {
        let here = Location::new(file, ref_ptr);
        let (path_part, fragment) = match reference.split_once('#') {
            Some((p, f)) => (p, percent_decode(f)),
            None => (reference, String::new()),
        };
        if path_part.contains("://") || path_part.starts_with("file:") {
            return Err(Error::at(here, format!("remote `$ref` is not supported: {reference}")));
        }
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err(Error::at(here, format!("`$ref` fragment must be a JSON pointer: {reference}")));
        }
        let target = if path_part.is_empty() {
            file.to_path_buf()
        } else {
            normalize(&file.parent().unwrap_or(Path::new("")).join(path_part))
        };
        Ok((target, fragment))
    }

    /// Read `file` (once), if the sandbox admits it.
    fn load(&mut self, file: &Path, here: &Location) -> Result<(), Error> {
        if !self.files.contains_key(file) {
            self.sandbox.admit(file, here)?;
            let document = read_document(file)?;
            self.files.insert(file.to_path_buf(), document);
        }
        Ok(())
    }

    /// The node at `fragment` of `file`, read. A pointer that passes through
    /// a `$ref` (`#/components/parameters/id/schema` where `id` is itself a
    /// reference) goes on where that reference points.
    fn find(&mut self, file: &Path, fragment: &str, here: &Location) -> Result<Found, Error> {
        self.find_within(file, fragment, here, 0)
    }

    fn find_within(&mut self, start: &Path, fragment: &str, here: &Location, depth: usize) -> Result<Found, Error> {
        self.load(start, here)?;
        let is_openapi = |doc: &Value| doc.get("openapi").is_some() || doc.get("swagger").is_some();
        let mut file = start.to_path_buf();
        let mut ctx = (file == self.root_file || is_openapi(&self.files[&file])).then_some(Ctx::Node(Node::Root));
        let mut at: Vec<String> = Vec::new();
        for token in pointer_tokens(fragment) {
            loop {
                let node = self.files[&file].pointer(&pointer_of(&at)).unwrap_or(&Value::Null);
                let step = match node {
                    Value::Object(map) if map.contains_key(&token) => Some(ctx.map(|c| c.child(&token))),
                    Value::Array(items) if token.parse::<usize>().is_ok_and(|i| i < items.len() && (token == "0" || !token.starts_with('0'))) => {
                        Some(ctx.map(Ctx::item))
                    }
                    _ => None,
                };
                if let Some(next) = step {
                    ctx = next;
                    at.push(token);
                    break;
                }
                // Not here: through a reference, the pointer goes on where it points.
                let through = node.get("$ref").and_then(Value::as_str).map(str::to_owned);
                let Some(reference) = through else {
                    let message = format!(
                        "dangling `$ref`: {}#{fragment} does not exist ({}#{} has no `{token}`)",
                        start.display(),
                        file.display(),
                        pointer_of(&at),
                    );
                    return Err(Error::at(here.clone(), message));
                };
                if depth >= 32 {
                    return Err(Error::at(here.clone(), format!("`$ref` {}#{fragment} passes through too many references", start.display())));
                }
                let ref_ptr = format!("{}/$ref", pointer_of(&at));
                let (next_file, next_fragment) = self.split_ref(&file, &reference, &ref_ptr)?;
                let next = self.find_within(&next_file, &next_fragment, &Location::new(file.clone(), ref_ptr), depth + 1)?;
                file = next.file;
                at = pointer_tokens(&next.pointer);
            }
        }
        Ok(Found { file, pointer: pointer_of(&at), ctx })
    }

    /// The node `found` names, as read.
    fn node(&self, found: &Found) -> Value {
        self.files[&found.file].pointer(&found.pointer).cloned().unwrap_or(Value::Null)
    }
}

/// A JSON value in a few words, for messages: `0`, `true`, "an object".
fn describe_json(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "a list with items that are not strings".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// Name for a schema hoisted from another file: its title if it has one,
/// else the last pointer token, else the file stem split into the spec's
/// own words (`roleminingroletype` -> `RoleMiningRoleType`).
fn hoisted_name(schema: &Value, file: &Path, fragment: &str, vocabulary: &Vocabulary) -> String {
    use heck::ToUpperCamelCase;
    let stem = || {
        let stem = file.file_stem()?.to_string_lossy().into_owned();
        Some(vocabulary.split(&stem).map(|words| words.join(" ")).unwrap_or(stem))
    };
    let raw = schema
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| fragment.rsplit('/').next().filter(|s| !s.is_empty()).map(str::to_owned))
        .or_else(stem)
        .unwrap_or_else(|| "Schema".to_owned());
    let name = raw.to_upper_camel_case();
    if name.is_empty() { "Schema".to_owned() } else { name }
}

fn rewrite_refs(value: &mut Value, renames: &HashMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(name) = renames.get(reference.as_str()) {
                    *reference = format!("#/components/schemas/{}", escape_token(name));
                }
            }
            map.values_mut().for_each(|v| rewrite_refs(v, renames));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}

/// Every local `#/...` reference must point at something. `ctx` says where
/// a `$ref` is a reference at all.
fn check_local_refs(bundle: &Bundle, value: &Value, pointer: &mut String, ctx: Ctx) -> Result<(), Error> {
    match value {
        _ if ctx == Ctx::Opaque => Ok(()),
        Value::Object(map) => {
            if let (true, Some(Value::String(reference))) = (ctx.may_refer(), map.get("$ref")) {
                let target = reference.strip_prefix('#').map(|p| bundle.document.pointer(&percent_decode(p)));
                if !matches!(target, Some(Some(_))) {
                    return Err(Error::at(
                        bundle.locate(&format!("{pointer}/$ref")),
                        format!("dangling `$ref`: {reference} does not exist"),
                    ));
                }
            }
            // One buffer for the whole walk: the pointer grows and shrinks.
            let len = pointer.len();
            for (key, child) in map {
                push_token(pointer, key);
                check_local_refs(bundle, child, pointer, ctx.child(key))?;
                pointer.truncate(len);
            }
            Ok(())
        }
        Value::Array(items) => {
            let len = pointer.len();
            for (i, item) in items.iter().enumerate() {
                push_token(pointer, &i.to_string());
                check_local_refs(bundle, item, pointer, ctx.item())?;
                pointer.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Lexical normalisation: `a/./b/../c` -> `a/c`. Paths stay as the user wrote
/// them (no canonicalisation), so messages show familiar relative paths.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
