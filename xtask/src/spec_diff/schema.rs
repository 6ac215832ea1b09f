//! Comparing two schemas: resolving `$ref`s on both sides, deciding which
//! named schema a difference belongs to, and walking the keywords.

use std::collections::{BTreeSet, HashSet};

use super::compare::{At, Differ};
use super::kind::{Kind, Subject};
use super::model::{Additional, Api, Node, Schema};

/// A schema after following `Named` references.
pub(super) enum Target<'a> {
    Node(&'a Node),
    Recursive(&'a str),
    Missing(&'a str),
}

/// Follow references; returns the first name met and what it resolves to.
pub(super) fn resolve<'a>(api: &'a Api, mut schema: &'a Schema) -> (Option<&'a str>, Target<'a>) {
    let mut first = None;
    for _ in 0..32 {
        match schema {
            Schema::Node(node) => return (first, Target::Node(node)),
            Schema::Recursive(reference) => return (first, Target::Recursive(reference)),
            Schema::Named(name) => {
                first = first.or(Some(name.as_str()));
                match api.schemas.get(name) {
                    Some(next) => schema = next,
                    None => return (first, Target::Missing(name)),
                }
            }
        }
    }
    (first, Target::Recursive(first.unwrap_or("?")))
}

/// The Rust scalar a `type`/`format` pair becomes (mirrors
/// `codegen/src/resolve/types.rs`): a format change matters to the crate
/// only when this changes.
fn rust_scalar(types: Option<&str>, format: Option<&str>) -> &'static str {
    match (types, format) {
        (Some("string"), Some("date-time")) => "datetime",
        (Some("string"), Some("date")) => "date",
        (Some("string"), Some("binary")) => "bytes",
        (Some("string"), _) => "string",
        (Some("integer"), Some("int64" | "uint64" | "uint32")) => "i64",
        (Some("integer"), _) => "i32",
        (Some("number"), Some("float")) => "f32",
        (Some("number"), _) => "f64",
        _ => "other",
    }
}

impl Differ<'_> {
    /// Whether `schema` (of `api`) has the same structure as `api`'s
    /// component `name`: an inlined (dereferenced) copy of it.
    fn is_copy_of(api: &Api, name: &str, schema: &Schema) -> bool {
        let mut trial = Differ {
            old: api,
            new: api,
            changes: Vec::new(),
            seen: HashSet::new(),
            compared: BTreeSet::new(),
            renamed: Vec::new(),
            trial: true,
        };
        let at = At {
            subject: Subject::Schema(name.to_owned()),
            prefix: String::new(),
            path: String::new(),
            optional_property: false,
        };
        trial.schema(&at, &Schema::Named(name.to_owned()), schema);
        trial.changes.is_empty()
    }

    /// Decide under which subject the rest of a schema is compared, or stop
    /// (`None`) when the two places hold different schemas altogether.
    fn subject_for(
        &mut self,
        at: &At,
        (old, old_name): (&Schema, Option<&str>),
        (new, new_name): (&Schema, Option<&str>),
    ) -> Option<At> {
        let named = |name: &str| At {
            subject: Subject::Schema(name.to_owned()),
            prefix: String::new(),
            path: String::new(),
            ..at.clone()
        };
        // Names the documents declare themselves; hoisted names are made up.
        let own_old = old_name.filter(|n| self.old.declares(n));
        let own_new = new_name.filter(|n| self.new.declares(n));
        match (own_old, own_new) {
            (Some(o), Some(n)) if o == n => Some(named(o)),
            _ if self.trial && !matches!((own_old, own_new), (Some(_), Some(_))) => Some(at.clone()),
            (Some(o), Some(n)) if self.new.declares(o) || self.old.declares(n) => {
                self.push(at, Kind::SchemaReplaced { old: o.to_owned(), new: n.to_owned() });
                None
            }
            (Some(o), Some(n)) => {
                self.push(at, Kind::SchemaRenamed { old: o.to_owned(), new: n.to_owned() });
                self.renamed.push((o.to_owned(), n.to_owned()));
                Some(named(n))
            }
            // Upstream still has our schema but uses something else here
            // (unless it is a dereferenced copy).
            (Some(o), None) if self.new.declares(o) && !Self::is_copy_of(self.new, o, new) => {
                let what = new_name.map_or_else(|| "inline schema".to_owned(), str::to_owned);
                self.push(at, Kind::SchemaReplaced { old: o.to_owned(), new: what });
                None
            }
            (None, Some(n)) if self.old.declares(n) && !Self::is_copy_of(self.old, n, old) => {
                let what = old_name.map_or_else(|| "inline schema".to_owned(), str::to_owned);
                self.push(at, Kind::SchemaReplaced { old: what, new: n.to_owned() });
                None
            }
            // One side dereferenced (or names made up by bundling): the
            // named side gives the subject.
            (Some(o), None) => Some(named(o)),
            (None, Some(n)) => Some(named(n)),
            (None, None) => Some(match old_name.or(new_name) {
                Some(name) => named(name),
                None => at.clone(),
            }),
        }
    }

    pub(super) fn schema(&mut self, at: &At, old: &Schema, new: &Schema) {
        let (old_name, old_target) = resolve(self.old, old);
        let (new_name, new_target) = resolve(self.new, new);
        let Some(inner) = self.subject_for(at, (old, old_name), (new, new_name)) else { return };
        if let Subject::Schema(name) = &inner.subject {
            self.compared.insert(name.clone());
        }
        match (old_target, new_target) {
            (Target::Node(o), Target::Node(n)) => {
                // Each pair of nodes once per place: a named schema met again
                // adds nothing, and recursion ends (every cycle passes a
                // named schema, where the place restarts at its root). A trial
                // keeps one subject throughout, so it ignores the place.
                let place = if self.trial { String::new() } else { inner.location() };
                let key = (
                    std::ptr::from_ref(o) as usize,
                    std::ptr::from_ref(n) as usize,
                    inner.optional_property,
                    inner.subject.clone(),
                    place,
                );
                if self.seen.insert(key) {
                    self.node(&inner, o, n);
                }
            }
            (Target::Recursive(_), Target::Recursive(_)) => {}
            (o, n) => {
                let describe = |t: &Target<'_>| match t {
                    Target::Node(_) => "inline schema".to_owned(),
                    Target::Recursive(r) => format!("recursive reference {r}"),
                    Target::Missing(name) => format!("missing schema {name}"),
                };
                self.push(&inner, Kind::SchemaReplaced { old: describe(&o), new: describe(&n) });
            }
        }
    }

    fn node(&mut self, at: &At, old: &Node, new: &Node) {
        if old.types != new.types {
            // Everything below a type change is noise.
            self.push(at, Kind::TypeChanged { old: old.types.clone(), new: new.types.clone() });
            return;
        }
        if old.format != new.format {
            let t = old.types.as_deref();
            let rust_type_changes = rust_scalar(t, old.format.as_deref()) != rust_scalar(t, new.format.as_deref());
            self.push(at, Kind::FormatChanged { old: old.format.clone(), new: new.format.clone(), rust_type_changes });
        }
        if old.nullable != new.nullable {
            let kind =
                Kind::NullableChanged { old: old.nullable, new: new.nullable, optional_property: at.optional_property };
            self.push(at, kind);
        }
        self.enums(at, old.enum_values.as_deref(), new.enum_values.as_deref());
        if old.default != new.default {
            self.push(at, Kind::DefaultChanged { old: old.default.clone(), new: new.default.clone() });
        }
        self.properties(at, old, new);
        match (&old.items, &new.items) {
            (Some(o), Some(n)) => self.schema(&at.child("[]", false), o, n),
            (None, None) => {}
            (o, n) => self.push(at, Kind::SubschemaChanged { keyword: "items", old: o.is_some(), new: n.is_some() }),
        }
        self.additional(at, &old.additional, &new.additional);
        for (keyword, o, n) in [
            ("allOf", &old.all_of, &new.all_of),
            ("oneOf", &old.one_of, &new.one_of),
            ("anyOf", &old.any_of, &new.any_of),
        ] {
            if o.len() != n.len() {
                self.push(at, Kind::CompositionChanged { keyword, old: o.len(), new: n.len() });
                continue;
            }
            for (i, (o, n)) in o.iter().zip(n).enumerate() {
                self.schema(&at.child(&format!("{keyword}[{i}]"), false), o, n);
            }
        }
        match (&old.not, &new.not) {
            (Some(o), Some(n)) => self.schema(&at.child("not", false), o, n),
            (None, None) => {}
            (o, n) => self.push(at, Kind::SubschemaChanged { keyword: "not", old: o.is_some(), new: n.is_some() }),
        }
        let keywords: BTreeSet<&String> = old.other.keys().chain(new.other.keys()).collect();
        for k in keywords {
            let (o, n) = (old.other.get(k), new.other.get(k));
            if o != n {
                self.push(at, Kind::KeywordChanged { keyword: k.clone(), old: o.cloned(), new: n.cloned() });
            }
        }
    }

    fn enums(&mut self, at: &At, old: Option<&[String]>, new: Option<&[String]>) {
        match (old, new) {
            (Some(o), Some(n)) => {
                for value in o.iter().filter(|v| !n.contains(v)) {
                    self.push(at, Kind::EnumValueRemoved { value: value.clone() });
                }
                for value in n.iter().filter(|v| !o.contains(v)) {
                    self.push(at, Kind::EnumValueAdded { value: value.clone() });
                }
            }
            (None, None) => {}
            (o, n) => self.push(at, Kind::EnumConstraintChanged { old: o.is_some(), new: n.is_some() }),
        }
    }

    fn properties(&mut self, at: &At, old: &Node, new: &Node) {
        for (name, o) in &old.properties {
            let child = at.child(name, !old.required.contains(name) && !new.required.contains(name));
            match new.properties.get(name) {
                None => self.push(&child, Kind::PropertyRemoved),
                Some(n) => {
                    if old.required.contains(name) != new.required.contains(name) {
                        self.push(&child, Kind::RequiredChanged { now_required: new.required.contains(name) });
                    }
                    self.schema(&child, o, n);
                }
            }
        }
        for name in new.properties.keys().filter(|n| !old.properties.contains_key(*n)) {
            let child = at.child(name, !new.required.contains(name));
            self.push(&child, Kind::PropertyAdded { required: new.required.contains(name) });
        }
        // `required` entries without a declared property on either side.
        let undeclared = |n: &&String| !old.properties.contains_key(*n) && !new.properties.contains_key(*n);
        for name in old.required.symmetric_difference(&new.required).filter(undeclared) {
            self.push(&at.child(name, false), Kind::RequiredChanged { now_required: new.required.contains(name) });
        }
    }

    fn additional(&mut self, at: &At, old: &Additional, new: &Additional) {
        let describe = |a: &Additional| match a {
            Additional::Absent => "absent".to_owned(),
            Additional::Bool(b) => b.to_string(),
            Additional::Schema(_) => "schema".to_owned(),
        };
        match (old, new) {
            (Additional::Schema(o), Additional::Schema(n)) => self.schema(&at.child("*", false), o, n),
            (Additional::Absent, Additional::Absent) => {}
            (Additional::Bool(a), Additional::Bool(b)) if a == b => {}
            (o, n) => self.push(at, Kind::AdditionalPropertiesChanged { old: describe(o), new: describe(n) }),
        }
    }
}
