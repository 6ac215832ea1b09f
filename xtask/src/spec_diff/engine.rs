//! Walking two IRs side by side.
//!
//! Operations are matched by their Rust method (then by method and path, so
//! a renamed `operationId` reads as a renamed method). Types are matched by
//! what they are, not where they are: two type positions that correspond
//! (the same field, parameter or response of matched operations) pair the
//! types found there, unless the spec gives them different names (then the
//! position's type changed). A type no position reaches is matched by the
//! name the spec gives it (component key or `title`). So a component and the
//! same schema inlined with its title are one type, and the multi-file,
//! bundled and dereferenced forms of a document compare alike.

use std::collections::{BTreeSet, HashMap};

use sailpoint_codegen::ir::{TypeKind, TypeRef};

use super::rust::{type_text, Items};
use super::side::Side;
use super::verdict::Severity;
use super::{operations, types};

/// What a difference is about; the report groups by it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// The API as a whole (its base path, its error body enum).
    Api,
    /// An operation: path, HTTP method, operationId (ours, or upstream's
    /// for an added one).
    Operation { path: String, method: String, id: String },
    /// A generated type, by its Rust path.
    Type(String),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Api => write!(f, "API"),
            Subject::Operation { path, method, id } => write!(f, "{method} {path} ({id})"),
            Subject::Type(item) => write!(f, "{item}"),
        }
    }
}

/// One difference and its verdict.
#[derive(Debug, Clone)]
pub struct Difference {
    pub subject: Subject,
    /// The Rust item it affects (`beta::models::RoleMiningSessionDto::identity_count`).
    pub item: String,
    /// What changed, ours -> upstream (`Option<i32> -> i32`).
    pub change: String,
    /// Why the verdict is what it is.
    pub reason: String,
    /// Machine name of the kind of change (`field_type_changed`).
    pub kind: &'static str,
    pub severity: Severity,
}

pub struct Differ<'a> {
    pub ours: &'a Side,
    pub up: &'a Side,
    pub items: Items,
    out: Vec<Difference>,
    seen: HashMap<(Subject, String, String), usize>,
    /// Matched types, ours -> upstream.
    pairs: BTreeSet<(String, String)>,
    queue: Vec<(String, String)>,
}

impl<'a> Differ<'a> {
    pub fn new(ours: &'a Side, up: &'a Side, items: Items) -> Self {
        Differ { ours, up, items, out: Vec::new(), seen: HashMap::new(), pairs: BTreeSet::new(), queue: Vec::new() }
    }

    /// Record a difference; the same one met again (through another
    /// operation, or another copy of an inlined schema) keeps the worse verdict.
    pub fn report(&mut self, subject: &Subject, item: String, change: String, found: (Severity, &'static str, &str)) {
        let (severity, kind, reason) = found;
        let key = (subject.clone(), item.clone(), change.clone());
        if let Some(&i) = self.seen.get(&key) {
            if severity > self.out[i].severity {
                self.out[i].severity = severity;
                self.out[i].kind = kind;
                self.out[i].reason = reason.to_owned();
            }
            return;
        }
        self.seen.insert(key, self.out.len());
        self.out.push(Difference { subject: subject.clone(), item, change, reason: reason.to_owned(), kind, severity });
    }

    /// Do two type positions hold the same Rust type? Named types met on
    /// the way are paired (and compared later); aliases are seen through,
    /// as the compiler does.
    pub fn same(&mut self, ours: &TypeRef, up: &TypeRef) -> bool {
        self.same_within(ours, up, 0)
    }

    fn same_within(&mut self, ours: &TypeRef, up: &TypeRef, depth: usize) -> bool {
        if depth > 64 {
            return true;
        }
        if let (TypeRef::Named(x), TypeRef::Named(y)) = (ours, up) {
            if self.compatible(x, y) {
                self.pair(x, y);
                return true;
            }
        }
        let (a, b) = (self.ours.see_through(ours), self.up.see_through(up));
        if !std::ptr::eq(a, ours) || !std::ptr::eq(b, up) {
            return self.same_within(a, b, depth + 1);
        }
        match (a, b) {
            (TypeRef::Option(x), TypeRef::Option(y)) | (TypeRef::Vec(x), TypeRef::Vec(y)) | (TypeRef::Map(x), TypeRef::Map(y)) => {
                self.same_within(x, y, depth + 1)
            }
            (TypeRef::Tuple(xs), TypeRef::Tuple(ys)) => {
                xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| self.same_within(x, y, depth + 1))
            }
            (TypeRef::Named(_), _) | (_, TypeRef::Named(_)) => false,
            (a, b) => a == b,
        }
    }

    /// Two named types at the same position are the same type unless the
    /// spec names them differently. A name derived from the position is no
    /// evidence: an unnamed type matches a named one only if its own
    /// document has no type by that name (a dereferenced document without
    /// titles); otherwise the position now holds another type.
    fn compatible(&self, ours: &str, up: &str) -> bool {
        match (self.ours.identity(ours), self.up.identity(up)) {
            (Some(a), Some(b)) => a == b,
            (Some(a), None) => self.up.named(&a).next().is_none(),
            (None, Some(b)) => self.ours.named(&b).next().is_none(),
            (None, None) => true,
        }
    }

    pub fn pair(&mut self, ours: &str, up: &str) {
        if self.pairs.insert((ours.to_owned(), up.to_owned())) {
            self.queue.push((ours.to_owned(), up.to_owned()));
        }
    }

    /// Compare every paired type not compared yet (comparing can pair more).
    fn drain(&mut self) {
        while let Some((x, y)) = self.queue.pop() {
            types::compare(self, &x, &y);
        }
    }

    /// An upstream type as our crate would call it: the name of the type of
    /// ours the spec gives the same name, else its own.
    pub fn up_text(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(name) => {
                let ours = self.up.identity(name).and_then(|s| self.ours.named(&s).next().map(|t| t.name.clone()));
                ours.unwrap_or_else(|| name.clone())
            }
            TypeRef::Vec(inner) => format!("Vec<{}>", self.up_text(inner)),
            TypeRef::Tuple(items) => super::rust::tuple_text(items, |t| self.up_text(t)),
            TypeRef::Map(inner) => format!("HashMap<String, {}>", self.up_text(inner)),
            TypeRef::Option(inner) => format!("Option<{}>", self.up_text(inner)),
            other => type_text(other),
        }
    }

    /// `ours -> upstream` for two types.
    pub fn change(&self, ours: &TypeRef, up: &TypeRef) -> String {
        format!("{} -> {}", type_text(ours), self.up_text(up))
    }

    fn paired_ours(&self) -> BTreeSet<&str> {
        self.pairs.iter().map(|(x, _)| x.as_str()).collect()
    }

    fn paired_up(&self) -> BTreeSet<&str> {
        self.pairs.iter().map(|(_, y)| y.as_str()).collect()
    }
}

/// Every difference between two loaded specs, ours -> upstream, grouped by
/// subject (the API, operations by path and method, then types by name).
pub fn diff(ours: &Side, up: &Side, items: Items) -> Vec<Difference> {
    let mut d = Differ::new(ours, up, items);
    if ours.api.base_path != up.api.base_path {
        let change = format!("base path {:?} -> {:?}", ours.api.base_path, up.api.base_path);
        let item = d.items.top("BASE_PATH");
        d.report(&Subject::Api, item, change, (Severity::Wire, "base_path_changed", "every request URL changes"));
    }
    operations::compare_all(&mut d);
    types::compare_error_bodies(&mut d);
    d.drain();
    // Types no position reached: matched by the name the spec gives them.
    let unmatched: Vec<(String, String)> = {
        let paired = d.paired_ours();
        ours.api
            .types
            .iter()
            .filter(|t| ours.in_scope.contains(&t.name) && !paired.contains(t.name.as_str()))
            .filter_map(|t| ours.identity(&t.name).map(|s| (t.name.clone(), s)))
            .collect()
    };
    for (name, spec_name) in unmatched {
        let targets: Vec<String> = up.named(&spec_name).filter(|t| up.in_scope.contains(&t.name)).map(|t| t.name.clone()).collect();
        for target in targets {
            d.pair(&name, &target);
        }
    }
    d.drain();
    let paired: BTreeSet<String> = d.paired_ours().into_iter().map(str::to_owned).collect();
    for t in ours.api.types.iter().filter(|t| ours.in_scope.contains(&t.name) && !paired.contains(&t.name)) {
        // A dereferenced document has no place for a type alias that only
        // its uses inline; those uses were compared through the alias.
        if matches!(t.kind, TypeKind::Alias(_)) && !up.has_components {
            continue;
        }
        let subject = Subject::Type(d.items.model(&t.name));
        let item = d.items.model(&t.name);
        let reason = "the type no longer exists";
        d.report(&subject, item, "type removed".into(), (Severity::Breaking, "type_removed", reason));
    }
    let paired: BTreeSet<String> = d.paired_up().into_iter().map(str::to_owned).collect();
    for t in up.api.types.iter().filter(|t| up.in_scope.contains(&t.name) && !paired.contains(&t.name)) {
        if matches!(t.kind, TypeKind::Alias(_)) && !ours.has_components {
            continue;
        }
        let name = d.up_text(&TypeRef::Named(t.name.clone()));
        let subject = Subject::Type(d.items.model(&name));
        let reason = "a new type";
        d.report(&subject, d.items.model(&name), "type added".into(), (Severity::Additive, "type_added", reason));
    }
    let mut out = d.out;
    out.sort_by(|a, b| a.subject.cmp(&b.subject));
    out
}
