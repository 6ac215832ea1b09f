//! Walking two canonical [`Api`]s side by side and recording what differs:
//! operations, parameters, bodies and responses here, schemas in `schema.rs`.
//!
//! `old` is our spec, `new` is upstream: every change reads "ours -> upstream",
//! i.e. what applying upstream to `spec/` would do to the generated crate.
//!
//! Schemas are compared through the operations that use them, resolving
//! `$ref`s on both sides, so a dereferenced document and a `$ref`-based one
//! compare equal. A difference inside a named component schema is reported
//! once, under that schema (the nearest named schema that encloses it);
//! differences in inline schemas are reported under the operation.

use std::collections::{BTreeMap, BTreeSet, HashSet};

pub use super::kind::{Change, Kind, Subject};
use super::model::{Api, OpKey, Operation, Parameter, RequestBody, Response, Schema};
use super::schema::{resolve, Target};

/// Compare `old` (ours) with `new` (upstream). With `components` false only
/// what the operations use is compared (the documents were narrowed to
/// some operations); otherwise declared component schemas no operation
/// reaches are compared by name too.
pub fn diff(old: &Api, new: &Api, components: bool) -> Vec<Change> {
    let mut differ = Differ {
        old,
        new,
        changes: Vec::new(),
        seen: HashSet::new(),
        compared: BTreeSet::new(),
        renamed: Vec::new(),
        trial: false,
    };
    differ.operations();
    if components {
        differ.components();
    }
    differ.changes
}

/// Where the schema walk is: the subject, a prefix naming the place in an
/// operation, the path inside the schema, and whether the slot is an optional
/// property (a field that is `Option<T>` whatever the schema says).
#[derive(Clone)]
pub(super) struct At {
    pub subject: Subject,
    pub prefix: String,
    pub path: String,
    pub optional_property: bool,
}

impl At {
    pub fn location(&self) -> String {
        match (self.prefix.is_empty(), self.path.is_empty()) {
            (_, true) => self.prefix.clone(),
            (true, false) => self.path.clone(),
            (false, false) => format!("{}: {}", self.prefix, self.path),
        }
    }

    pub fn child(&self, step: &str, optional_property: bool) -> At {
        let path = match (self.path.is_empty(), step.starts_with('[')) {
            (true, _) | (false, true) => format!("{}{step}", self.path),
            (false, false) => format!("{}.{step}", self.path),
        };
        At { path, optional_property, ..self.clone() }
    }
}

pub(super) struct Differ<'a> {
    pub old: &'a Api,
    pub new: &'a Api,
    pub changes: Vec<Change>,
    /// Node pairs (by address) already compared, or being compared, with
    /// the slot kind, subject and location they were compared at.
    pub seen: HashSet<(usize, usize, bool, Subject, String)>,
    /// Named schemas already compared through the operations.
    pub compared: BTreeSet<String>,
    pub renamed: Vec<(String, String)>,
    /// Only asking "are these equal?": names do not matter.
    pub trial: bool,
}

impl Differ<'_> {
    pub fn push(&mut self, at: &At, kind: Kind) {
        self.changes.push(Change { subject: at.subject.clone(), location: at.location(), kind });
    }

    fn operations(&mut self) {
        let (old, new) = (&self.old.operations, &self.new.operations);
        let old_only: Vec<&OpKey> = old.keys().filter(|k| !new.contains_key(*k)).collect();
        let new_only: Vec<&OpKey> = new.keys().filter(|k| !old.contains_key(*k)).collect();
        // A path that differs only in parameter names (`/a/{id}` vs
        // `/a/{sessionId}`), one on each side: the same operation, renamed.
        let shape = |key: &OpKey| (key.method, template_shape(&key.path));
        let unique = |list: &[&'_ OpKey], key: &OpKey| {
            let same: Vec<&OpKey> = list.iter().copied().filter(|k| shape(k) == shape(key)).collect();
            (same.len() == 1).then(|| same[0].clone())
        };
        let renamed: Vec<(OpKey, OpKey)> = old_only
            .iter()
            .filter_map(|o| unique(&new_only, o).filter(|n| unique(&old_only, n).is_some()).map(|n| ((*o).clone(), n)))
            .collect();
        let is_renamed = |key: &OpKey| renamed.iter().any(|(o, n)| o == key || n == key);
        for (key, old_op) in old {
            match new.get(key) {
                Some(new_op) => self.operation(key, key, old_op, new_op),
                None if is_renamed(key) => {}
                None => self.push(&op_at(key), Kind::OperationRemoved { operation_id: old_op.operation_id.clone() }),
            }
        }
        for (o, n) in &renamed {
            self.operation(o, n, &old[o], &new[n]);
        }
        for key in new_only.into_iter().filter(|k| !is_renamed(k)) {
            self.push(&op_at(key), Kind::OperationAdded { operation_id: new[key].operation_id.clone() });
        }
    }

    fn operation(&mut self, old_key: &OpKey, new_key: &OpKey, old: &Operation, new: &Operation) {
        let at = op_at(new_key);
        if old.operation_id != new.operation_id {
            self.push(&at, Kind::OperationIdChanged { old: old.operation_id.clone(), new: new.operation_id.clone() });
        }
        if old.deprecated != new.deprecated {
            self.push(&at, keyword("deprecated", Some(old.deprecated), Some(new.deprecated)));
        }
        // Path parameters renamed with the template: compare under the new name.
        let renames: Vec<(String, String)> = template_names(&old_key.path)
            .into_iter()
            .zip(template_names(&new_key.path))
            .filter(|(o, n)| o != n)
            .collect();
        let mut old_params = old.parameters.clone();
        for (from, to) in &renames {
            let param_at = At { prefix: format!("parameter path {to}"), ..at.clone() };
            self.push(&param_at, Kind::PathParameterRenamed { old: from.clone(), old_path: old_key.path.clone() });
            for p in old_params.iter_mut().filter(|p| p.location == "path" && &p.name == from) {
                p.name = to.clone();
            }
        }
        self.parameters(&at, &old_params, &new.parameters);
        self.request_body(&at, old.request_body.as_ref(), new.request_body.as_ref());
        self.responses(&at, &old.responses, &new.responses);
    }

    fn parameters(&mut self, at: &At, old: &[Parameter], new: &[Parameter]) {
        fn find<'p>(list: &'p [Parameter], key: &(String, String)) -> Option<&'p Parameter> {
            list.iter().find(|p| &p.key() == key)
        }
        let removed: Vec<&Parameter> = old.iter().filter(|p| find(new, &p.key()).is_none()).collect();
        let added: Vec<&Parameter> = new.iter().filter(|p| find(old, &p.key()).is_none()).collect();
        // The only parameter of its name removed and the only one added: it moved.
        let unique = |list: &[&'_ Parameter], name: &str| {
            let same: Vec<&Parameter> = list.iter().copied().filter(|p| p.name.eq_ignore_ascii_case(name)).collect();
            (same.len() == 1).then(|| same[0].clone())
        };
        let moved: Vec<(Parameter, Parameter)> = removed
            .iter()
            .filter_map(|o| {
                unique(&added, &o.name).filter(|n| unique(&removed, &n.name).is_some()).map(|n| ((*o).clone(), n))
            })
            .collect();
        let has_moved = |p: &Parameter| moved.iter().any(|(o, n)| o.key() == p.key() || n.key() == p.key());
        for o in old {
            let place = At { prefix: format!("parameter {} {}", o.location, o.name), ..at.clone() };
            match find(new, &o.key()) {
                Some(n) => self.parameter(&place, o, n),
                None if has_moved(o) => {}
                None => {
                    let constant = self.is_constant(self.old, o);
                    self.push(&place, Kind::ParameterRemoved { constant });
                }
            }
        }
        for (o, n) in &moved {
            let place = At { prefix: format!("parameter {}", n.name), ..at.clone() };
            self.push(&place, Kind::ParameterLocationChanged { old: o.location.clone(), new: n.location.clone() });
            self.parameter(&place, o, n);
        }
        for n in added.into_iter().filter(|p| !has_moved(p)) {
            let place = At { prefix: format!("parameter {} {}", n.location, n.name), ..at.clone() };
            let constant = self.is_constant(self.new, n);
            self.push(&place, Kind::ParameterAdded { required: n.required, constant });
        }
    }

    /// A required header with a default: the crate sends it itself.
    fn is_constant(&self, api: &Api, p: &Parameter) -> bool {
        if p.location != "header" || !p.required {
            return false;
        }
        match p.schema.as_ref().map(|s| resolve(api, s).1) {
            Some(Target::Node(node)) => node.default.is_some(),
            _ => false,
        }
    }

    fn parameter(&mut self, at: &At, old: &Parameter, new: &Parameter) {
        if old.required != new.required {
            self.push(at, Kind::ParameterRequiredChanged { old: old.required, new: new.required });
        } else {
            let (was, is) = (self.is_constant(self.old, old), self.is_constant(self.new, new));
            if was != is {
                self.push(at, Kind::ParameterConstantChanged { now_constant: is });
            }
        }
        if old.deprecated != new.deprecated {
            self.push(at, keyword("deprecated", Some(old.deprecated), Some(new.deprecated)));
        }
        let optional = !old.required && !new.required;
        self.maybe_schema(at, "schema", old.schema.as_ref(), new.schema.as_ref(), optional);
    }

    fn request_body(&mut self, at: &At, old: Option<&RequestBody>, new: Option<&RequestBody>) {
        let at = At { prefix: "request body".into(), ..at.clone() };
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) => self.push(&at, Kind::RequestBodyAdded { required: n.required }),
            (Some(_), None) => self.push(&at, Kind::RequestBodyRemoved),
            (Some(o), Some(n)) => {
                if o.required != n.required {
                    self.push(&at, Kind::RequestBodyRequiredChanged { old: o.required, new: n.required });
                }
                self.content(&at, &o.content, &n.content);
            }
        }
    }

    fn responses(&mut self, at: &At, old: &BTreeMap<String, Response>, new: &BTreeMap<String, Response>) {
        for (status, o) in old {
            let place = At { prefix: format!("response {status}"), ..at.clone() };
            match new.get(status) {
                None => self.push(&place, Kind::ResponseRemoved { status: status.clone() }),
                Some(n) => {
                    self.content(&place, &o.content, &n.content);
                    self.headers(&place, o, n);
                }
            }
        }
        for status in new.keys().filter(|s| !old.contains_key(*s)) {
            let place = At { prefix: format!("response {status}"), ..at.clone() };
            self.push(&place, Kind::ResponseAdded { status: status.clone() });
        }
    }

    fn headers(&mut self, at: &At, old: &Response, new: &Response) {
        for (key, o) in &old.headers {
            let place = At { prefix: format!("{} header {}", at.prefix, o.name), ..at.clone() };
            match new.headers.get(key) {
                None => self.push(&place, Kind::HeaderRemoved),
                Some(n) => {
                    if o.required != n.required {
                        self.push(&place, keyword("required", Some(o.required), Some(n.required)));
                    }
                    self.maybe_schema(
                        &place,
                        "schema",
                        o.schema.as_ref(),
                        n.schema.as_ref(),
                        !o.required && !n.required,
                    );
                }
            }
        }
        for (key, n) in &new.headers {
            if !old.headers.contains_key(key) {
                let place = At { prefix: format!("{} header {}", at.prefix, n.name), ..at.clone() };
                self.push(&place, Kind::HeaderAdded);
            }
        }
    }

    fn content(&mut self, at: &At, old: &BTreeMap<String, Option<Schema>>, new: &BTreeMap<String, Option<Schema>>) {
        let removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
        let added: Vec<&String> = new.keys().filter(|k| !old.contains_key(*k)).collect();
        if let ([o], [n]) = (removed.as_slice(), added.as_slice()) {
            // One media type swapped for another: one change, then the schemas.
            self.push(at, Kind::ContentTypeChanged { old: (*o).clone(), new: (*n).clone() });
            let place = At { prefix: format!("{} ({n})", at.prefix), ..at.clone() };
            self.maybe_schema(&place, "schema", old[*o].as_ref(), new[*n].as_ref(), false);
            return;
        }
        for media_type in removed {
            self.push(at, Kind::ContentTypeRemoved { media_type: media_type.clone() });
        }
        for media_type in added {
            self.push(at, Kind::ContentTypeAdded { media_type: media_type.clone() });
        }
        for (media_type, o) in old {
            if let Some(n) = new.get(media_type) {
                let place = At { prefix: format!("{} ({media_type})", at.prefix), ..at.clone() };
                self.maybe_schema(&place, "schema", o.as_ref(), n.as_ref(), false);
            }
        }
    }

    fn maybe_schema(
        &mut self,
        at: &At,
        keyword: &'static str,
        old: Option<&Schema>,
        new: Option<&Schema>,
        optional: bool,
    ) {
        match (old, new) {
            (Some(o), Some(n)) => {
                let at = At { optional_property: optional, ..at.clone() };
                self.schema(&at, o, n);
            }
            (None, None) => {}
            (o, n) => self.push(at, Kind::SubschemaChanged { keyword, old: o.is_some(), new: n.is_some() }),
        }
    }

    /// Declared component schemas not yet compared through an operation:
    /// compared by name (slot unknown, so nullable changes count as breaking).
    fn components(&mut self) {
        let (Some(old_names), Some(new_names)) = (&self.old.declared, &self.new.declared) else { return };
        let names: BTreeSet<&String> = old_names.iter().chain(new_names).collect();
        for name in names {
            let at = At {
                subject: Subject::Schema(name.clone()),
                prefix: String::new(),
                path: String::new(),
                optional_property: false,
            };
            let renamed_from = self.renamed.iter().any(|(o, _)| o == name);
            let renamed_to = self.renamed.iter().any(|(_, n)| n == name);
            match (old_names.contains(name), new_names.contains(name)) {
                (true, true) if !self.compared.contains(name) => {
                    let schema = Schema::Named(name.clone());
                    self.schema(&at, &schema, &schema);
                }
                (true, false) if !renamed_from => self.push(&at, Kind::SchemaRemoved),
                (false, true) if !renamed_to => self.push(&at, Kind::SchemaAdded),
                _ => {}
            }
        }
    }
}

fn op_at(key: &OpKey) -> At {
    At {
        subject: Subject::Operation(key.clone()),
        prefix: String::new(),
        path: String::new(),
        optional_property: false,
    }
}

fn keyword(name: &str, old: Option<bool>, new: Option<bool>) -> Kind {
    Kind::KeywordChanged { keyword: name.to_owned(), old: old.map(|b| b.to_string()), new: new.map(|b| b.to_string()) }
}

/// `/a/{id}/b` -> `/a/{}/b`.
fn template_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            c => out.push(c),
        }
    }
    out
}

/// Parameter names in a path template, in order.
fn template_names(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned())).collect()
}
