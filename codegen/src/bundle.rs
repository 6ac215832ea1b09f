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
//! * anything else (path items, parameters, responses, ...) is inlined.
//!
//! Every inlined or hoisted subtree is recorded as an [`Origin`] so errors
//! found later in the bundled document still name the right file and pointer.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::error::{escape_token, Error, Location, Warning};
use crate::load::read_document;
use crate::sandbox::Sandbox;
use crate::segment::Vocabulary;

/// A single self-contained document, plus the map back to the source files.
#[derive(Debug)]
pub struct Bundle {
    pub document: Value,
    root_file: PathBuf,
    origins: Vec<Origin>,
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
        files: HashMap::new(),
        hoisted: HashMap::new(),
        new_schemas: IndexMap::new(),
        used_names: HashSet::new(),
        inlining: Vec::new(),
        origins: Vec::new(),
        vocabulary: Vocabulary::default(),
        named_by_stem: Vec::new(),
        siblings,
        sandbox,
        warnings,
    };
    bundler.vocabulary.add_document(&document);
    let document = bundler.bundle_root(document)?;
    let bundle = Bundle { document, root_file, origins: bundler.origins };
    check_local_refs(&bundle, &bundle.document, String::new())?;
    Ok(bundle)
}

/// What kind of node we are walking: decides whether a `$ref` found here
/// points at a schema (hoist) or at something else (inline).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Other,
    Schema,
    /// A map whose values are schemas (`properties`, `components/schemas`).
    SchemaMap,
    /// An array whose items are schemas (`allOf`, `oneOf`, `anyOf`).
    SchemaList,
    /// Example payloads: user data, never references.
    Opaque,
}

struct Bundler<'w> {
    root_file: PathBuf,
    files: HashMap<PathBuf, Value>,
    /// (file, fragment) of an external schema -> its name in components.
    hoisted: HashMap<(PathBuf, String), String>,
    new_schemas: IndexMap<String, Value>,
    used_names: HashSet<String>,
    /// Non-schema references being inlined, to reject cycles.
    inlining: Vec<(PathBuf, String)>,
    origins: Vec<Origin>,
    /// Words of every file read so far, to split run-together file names.
    vocabulary: Vocabulary,
    /// Hoisted schemas named after their file: renamed at the end, when the
    /// vocabulary has seen every file.
    named_by_stem: Vec<(String, PathBuf)>,
    siblings: RefSiblings,
    sandbox: Sandbox,
    warnings: &'w mut Vec<Warning>,
}

impl Bundler<'_> {
    fn bundle_root(&mut self, mut document: Value) -> Result<Value, Error> {
        let root_file = self.root_file.clone();
        // Component schemas that are themselves references to other files keep
        // their component name: register them before anything can hoist them.
        let mut component_refs = Vec::new();
        if let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) {
            for (name, schema) in schemas {
                self.used_names.insert(name.clone());
                if let Some(reference) = external_ref(schema) {
                    let pointer = format!("/components/schemas/{}", escape_token(name));
                    let (file, fragment) = self.split_ref(&root_file, reference, &pointer)?;
                    self.hoisted.insert((file.clone(), fragment.clone()), name.clone());
                    component_refs.push((name.clone(), file, fragment));
                }
            }
        }
        for (name, file, fragment) in component_refs {
            let pointer = format!("/components/schemas/{}", escape_token(&name));
            let target = self.target(&file, &fragment, &Location::new(root_file.clone(), pointer.clone()))?;
            let walked = self.walk(&target, &file, &fragment, &pointer, Ctx::Schema)?;
            self.origins.push(Origin { bundle_pointer: pointer, file, file_pointer: fragment });
            if let Some(slot) = document.pointer_mut(&format!("/components/schemas/{}", escape_token(&name))) {
                *slot = walked;
            }
        }
        let walked = self.walk(&document, &root_file.clone(), "", "", Ctx::Other)?;
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

    fn walk(&mut self, value: &Value, file: &Path, file_ptr: &str, bundle_ptr: &str, ctx: Ctx) -> Result<Value, Error> {
        if ctx == Ctx::Opaque {
            return Ok(value.clone());
        }
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref") {
                    return self.walk_ref(map, reference, file, file_ptr, bundle_ptr, ctx);
                }
                let mut out = Map::with_capacity(map.len());
                for (key, child) in map {
                    let child_ctx = match (ctx, key.as_str()) {
                        (Ctx::SchemaMap, _) => Ctx::Schema,
                        (_, "example" | "examples" | "default" | "enum" | "const") => Ctx::Opaque,
                        // Vendor extensions are not OpenAPI structure: never resolved.
                        (_, k) if k.starts_with("x-") => Ctx::Opaque,
                        (Ctx::Schema, "properties") => Ctx::SchemaMap,
                        (Ctx::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => Ctx::SchemaList,
                        (Ctx::Schema, "$defs") => Ctx::SchemaMap,
                        (_, "schema" | "items" | "additionalProperties" | "not") => Ctx::Schema,
                        (Ctx::Other, "schemas") if bundle_ptr == "/components" => Ctx::SchemaMap,
                        _ => Ctx::Other,
                    };
                    let token = escape_token(key);
                    let walked = self.walk(
                        child,
                        file,
                        &format!("{file_ptr}/{token}"),
                        &format!("{bundle_ptr}/{token}"),
                        child_ctx,
                    )?;
                    out.insert(key.clone(), walked);
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => {
                let item_ctx = if ctx == Ctx::SchemaList { Ctx::Schema } else { Ctx::Other };
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.walk(
                        item,
                        file,
                        &format!("{file_ptr}/{i}"),
                        &format!("{bundle_ptr}/{i}"),
                        item_ctx,
                    )?);
                }
                Ok(Value::Array(out))
            }
            other => Ok(other.clone()),
        }
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
        let here = Location::new(file, format!("{file_ptr}/$ref"));
        let Some(reference) = reference.as_str() else {
            return Err(Error::at(here, "`$ref` must be a string"));
        };
        // Prose beside a `$ref` is harmless. In a schema, constraints beside it
        // (`nullable: true` above all, common upstream) are what the author
        // meant: keep them by wrapping the reference in `allOf`. Elsewhere
        // OpenAPI 3.0 ignores siblings, and so do we, with a warning.
        let prose = |k: &str| matches!(k, "$ref" | "description" | "summary" | "title" | "example" | "examples");
        let siblings: Vec<&str> = map.keys().map(String::as_str).filter(|k| !prose(k)).collect();
        if !siblings.is_empty() && ctx == Ctx::Schema && self.siblings == RefSiblings::Honour {
            let mut inner = Map::new();
            inner.insert("$ref".into(), Value::String(reference.to_owned()));
            let mut wrapper: Map<String, Value> = map.iter().filter(|(k, _)| k.as_str() != "$ref").map(|(k, v)| (k.clone(), v.clone())).collect();
            wrapper.insert("allOf".into(), Value::Array(vec![Value::Object(inner)]));
            return self.walk(&Value::Object(wrapper), file, file_ptr, bundle_ptr, ctx);
        }
        if !siblings.is_empty() {
            self.warnings.push(Warning {
                location: Location::new(file, file_ptr),
                message: format!("keys beside `$ref` are ignored: {}", siblings.join(", ")),
            });
        }
        // A local reference in the root document stays as it is.
        if reference.starts_with('#') && file == self.root_file {
            let mut out = Map::new();
            out.insert("$ref".into(), Value::String(reference.to_owned()));
            for key in ["description", "summary"] {
                if let Some(v) = map.get(key) {
                    out.insert(key.into(), v.clone());
                }
            }
            return Ok(Value::Object(out));
        }
        let (target_file, fragment) = self.split_ref(file, reference, &format!("{file_ptr}/$ref"))?;
        if matches!(ctx, Ctx::Schema) {
            let name = self.hoist(&target_file, &fragment, &here)?;
            let mut out = Map::new();
            out.insert("$ref".into(), Value::String(format!("#/components/schemas/{}", escape_token(&name))));
            return Ok(Value::Object(out));
        }
        let key = (target_file.clone(), fragment.clone());
        if self.inlining.contains(&key) {
            return Err(Error::at(here, format!("circular `$ref` to {reference}")));
        }
        let target = self.target(&target_file, &fragment, &here)?;
        self.inlining.push(key);
        let walked = self.walk(&target, &target_file, &fragment, bundle_ptr, ctx);
        self.inlining.pop();
        self.origins.push(Origin {
            bundle_pointer: bundle_ptr.to_owned(),
            file: target_file,
            file_pointer: fragment,
        });
        walked
    }

    fn hoist(&mut self, file: &Path, fragment: &str, here: &Location) -> Result<String, Error> {
        let key = (file.to_path_buf(), fragment.to_owned());
        if let Some(name) = self.hoisted.get(&key) {
            return Ok(name.clone());
        }
        let target = self.target(file, fragment, here)?;
        let name = self.unique_name(&hoisted_name(&target, file, fragment, &self.vocabulary));
        if target.get("title").is_none() && fragment.is_empty() {
            self.named_by_stem.push((name.clone(), file.to_path_buf()));
        }
        self.hoisted.insert(key, name.clone());
        self.new_schemas.insert(name.clone(), Value::Null);
        let bundle_ptr = format!("/components/schemas/{}", escape_token(&name));
        let walked = self.walk(&target, file, fragment, &bundle_ptr, Ctx::Schema)?;
        self.origins.push(Origin { bundle_pointer: bundle_ptr, file: file.to_path_buf(), file_pointer: fragment.to_owned() });
        self.new_schemas.insert(name.clone(), walked);
        Ok(name)
    }

    /// Re-split file-stem names with the full vocabulary and rewrite the
    /// references to them.
    fn rename_stem_names(&mut self, document: &mut Value) {
        let mut renames = HashMap::new();
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
            Some((p, f)) => (p, f.to_owned()),
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

    /// Load (cached) the file and return the node the fragment points at.
    fn target(&mut self, file: &Path, fragment: &str, here: &Location) -> Result<Value, Error> {
        if !self.files.contains_key(file) {
            self.sandbox.admit(file, here)?;
            let document = read_document(file)?;
            self.vocabulary.add_document(&document);
            self.files.insert(file.to_path_buf(), document);
        }
        let document = &self.files[file];
        let node = if fragment.is_empty() { Some(document) } else { document.pointer(fragment) };
        node.cloned().ok_or_else(|| {
            Error::at(here.clone(), format!("dangling `$ref`: {}#{fragment} does not exist", file.display()))
        })
    }
}

fn external_ref(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str).filter(|r| !r.starts_with('#'))
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

/// Every local `#/...` reference must point at something.
fn check_local_refs(bundle: &Bundle, value: &Value, pointer: String) -> Result<(), Error> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let target = reference.strip_prefix('#').map(|p| bundle.document.pointer(p));
                if !matches!(target, Some(Some(_))) {
                    return Err(Error::at(
                        bundle.locate(&format!("{pointer}/$ref")),
                        format!("dangling `$ref`: {reference} does not exist"),
                    ));
                }
            }
            for (key, child) in map {
                if matches!(key.as_str(), "example" | "examples" | "default" | "enum") || key.starts_with("x-") {
                    continue;
                }
                check_local_refs(bundle, child, format!("{pointer}/{}", escape_token(key)))?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_local_refs(bundle, item, format!("{pointer}/{i}"))?;
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
