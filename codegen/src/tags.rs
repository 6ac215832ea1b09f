//! Per-tag cargo features for whole-API crates: which feature each
//! operation and each model compiles under.
//!
//! A user of a crate with hundreds of operations usually calls a handful; with
//! one feature per spec tag they compile only those tags' operations and the
//! models those operations reach. Everything is decided here, from the IR, and
//! the emitters only print the `#[cfg]`s this plan gives them.

use std::collections::{BTreeMap, BTreeSet};


use crate::ir::{Api, Operation, TypeKind, TypeRef};

/// crates.io refuses a crate with more than 300 features; past this many tags
/// the crate keeps one compile-everything shape instead.
pub const MAX_TAG_FEATURES: usize = 250;

/// Feature names the crate uses for itself.
const RESERVED: [&str; 4] = ["default", "full", "mock", "std"];

/// One feature per tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeature {
    /// Feature and module name: snake_case, a valid identifier.
    pub name: String,
    /// The tag as the spec writes it (`None`: operations without a tag).
    pub spec_tag: Option<String>,
    /// Operations whose module this is (their first tag is this one).
    pub operations: usize,
}

#[derive(Debug, Clone)]
pub struct TagPlan {
    /// Sorted by name.
    pub features: Vec<TagFeature>,
    /// Per operation: indices into `features`, the first being its module's.
    pub op_features: Vec<Vec<usize>>,
    /// Per type (by name): the features it compiles under, `None` for always
    /// (an error body, or reached from every tag).
    type_features: BTreeMap<String, Option<BTreeSet<usize>>>,
}

impl TagPlan {
    /// The plan for `api`, or `None` when per-tag features would not help (a
    /// single tag) or cannot be published (too many tags).
    pub fn new(api: &Api) -> Option<TagPlan> {
        let names = feature_names(api);
        let distinct: BTreeSet<&String> = names.values().collect();
        if distinct.len() < 2 || distinct.len() > MAX_TAG_FEATURES {
            return None;
        }
        let mut by_name: BTreeMap<String, TagFeature> = BTreeMap::new();
        for (tag, name) in &names {
            by_name.entry(name.clone()).or_insert(TagFeature { name: name.clone(), spec_tag: tag.clone(), operations: 0 });
        }
        let features: Vec<TagFeature> = by_name.into_values().collect();
        let index_of = |name: &str| features.iter().position(|f| f.name == name).expect("every name has a feature");
        let op_features: Vec<Vec<usize>> = api
            .operations
            .iter()
            .map(|op| {
                let mut list: Vec<usize> = Vec::new();
                for tag in op_tags(op) {
                    let i = index_of(&names[&tag]);
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
                list
            })
            .collect();
        let mut features = features;
        for list in &op_features {
            features[list[0]].operations += 1;
        }
        let type_features = type_features(api, &op_features, features.len());
        Some(TagPlan { features, op_features, type_features })
    }

    /// `#[cfg(...)]` for a set of features (empty: none).
    pub fn cfg_of(&self, set: &[usize]) -> Option<Vec<&str>> {
        if set.is_empty() {
            return None;
        }
        let mut names: Vec<&str> = set.iter().map(|&i| self.features[i].name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        Some(names)
    }

    /// The features a model compiles under; `None` for always.
    pub fn type_cfg(&self, type_name: &str) -> Option<Vec<&str>> {
        match self.type_features.get(type_name) {
            Some(Some(set)) => {
                let list: Vec<usize> = set.iter().copied().collect();
                // A type no operation reaches is kept with the `full` set.
                if list.is_empty() {
                    Some(vec!["full"])
                } else {
                    self.cfg_of(&list)
                }
            }
            _ => None,
        }
    }

    /// The operations (indices) whose module is feature `f`, in spec order.
    pub fn operations_of(&self, f: usize) -> Vec<usize> {
        (0..self.op_features.len()).filter(|&op| self.op_features[op][0] == f).collect()
    }

}

/// The spec's tags of an operation; `None` for an untagged one.
fn op_tags(op: &Operation) -> Vec<Option<String>> {
    if op.tags.is_empty() {
        vec![None]
    } else {
        op.tags.iter().cloned().map(Some).collect()
    }
}

/// Tag -> feature name, a valid identifier and feature. Tags that differ
/// only in case or punctuation (`Access Profiles`, `access-profiles`) share
/// one feature: the spec's author meant one group.
fn feature_names(api: &Api) -> BTreeMap<Option<String>, String> {
    let mut names = BTreeMap::new();
    for op in &api.operations {
        for tag in op_tags(op) {
            let name = match &tag {
                None => "untagged".to_owned(),
                Some(t) => feature_name(t),
            };
            names.insert(tag, name);
        }
    }
    names
}

/// `"Access Profiles"` -> `access_profiles`: a function-style name (never
/// empty, never a keyword, never starting with a digit), and never one of
/// the crate's own features or `untagged`.
fn feature_name(tag: &str) -> String {
    let mut name = crate::names::fn_name(tag);
    if RESERVED.contains(&name.as_str()) || name == "untagged" {
        name.push_str("_tag");
    }
    name
}

/// For each type: the union of the features of the operations that reach it,
/// or `None` when it must always compile.
fn type_features(api: &Api, op_features: &[Vec<usize>], feature_count: usize) -> BTreeMap<String, Option<BTreeSet<usize>>> {
    let defs: BTreeMap<&str, &TypeKind> = api.types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    let mut result: BTreeMap<String, Option<BTreeSet<usize>>> =
        api.types.iter().map(|t| (t.name.clone(), Some(BTreeSet::new()))).collect();
    // Error bodies are variants of the module's `ErrorBody` enum, which every
    // operation shares.
    let mut always = BTreeSet::new();
    for e in &api.error_bodies {
        reach(&e.ty, &defs, &mut always);
    }
    for name in always {
        result.insert(name, None);
    }
    for (op, features) in api.operations.iter().zip(op_features) {
        let mut reached = BTreeSet::new();
        for ty in operation_types(op) {
            reach(ty, &defs, &mut reached);
        }
        for name in reached {
            if let Some(Some(set)) = result.get_mut(&name) {
                set.extend(features.iter().copied());
            }
        }
    }
    for value in result.values_mut() {
        if matches!(value, Some(set) if set.len() == feature_count) {
            *value = None;
        }
    }
    result
}

/// Every type an operation names directly.
fn operation_types(op: &Operation) -> Vec<&TypeRef> {
    let mut out: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    out.extend(op.body.iter().map(|b| &b.ty));
    out.extend(op.success.iter().map(|r| &r.ty));
    out.push(&op.returns.ty);
    out.extend(op.pagination.iter().map(|p| &p.item));
    out
}

/// Add the named types `ty` reaches (transitively) to `out`.
fn reach(ty: &TypeRef, defs: &BTreeMap<&str, &TypeKind>, out: &mut BTreeSet<String>) {
    let mut stack = vec![ty.clone()];
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Named(name) => {
                if out.contains(&name) {
                    continue;
                }
                if let Some(kind) = defs.get(name.as_str()) {
                    match kind {
                        TypeKind::Struct(s) => {
                            stack.extend(s.fields.iter().map(|f| f.ty.clone()));
                            stack.extend(s.additional.clone());
                        }
                        TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| v.ty.clone())),
                        TypeKind::Alias(inner) => stack.push(inner.clone()),
                        TypeKind::StringEnum(_) => {}
                    }
                }
                out.insert(name);
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => stack.push(*inner),
            TypeRef::Tuple(items) => stack.extend(items),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::feature_name;

    #[test]
    fn tags_become_identifiers() {
        assert_eq!(feature_name("Access Profiles"), "access_profiles");
        assert_eq!(feature_name("access-profiles"), "access_profiles");
        assert_eq!(feature_name("IAI Role Mining"), "iai_role_mining");
        assert_eq!(feature_name("2FA"), "op_2fa");
        assert_eq!(feature_name("default"), "default_tag");
        assert_eq!(feature_name("full"), "full_tag");
        assert_eq!(feature_name("untagged"), "untagged_tag");
        assert_eq!(feature_name("type"), "type_");
        assert_eq!(feature_name("\u{4e2d}"), "operation");
        assert_eq!(feature_name("a\"]\nx = 1"), "a_x_1");
    }
}
