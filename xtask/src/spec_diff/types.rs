//! Comparing two matched types: struct fields, enum values, union variants,
//! alias targets, and the validation keywords the docs carry.

use sailpoint_codegen::ir::{Constraint, Field, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Union};

use super::engine::{Differ, Subject};
use super::rust::{field_type, type_text};
use super::verdict::Severity::{Additive, Breaking, Wire};

/// Compare the definitions of ours `x` and upstream's `y` (already matched).
pub fn compare(d: &mut Differ<'_>, x: &str, y: &str) {
    let (Some(a), Some(b)) = (d.ours.ty(x), d.up.ty(y)) else { return };
    let subject = Subject::Type(d.items.model(&a.name));
    let item = d.items.model(&a.name);
    if a.deprecated != b.deprecated {
        let change = if b.deprecated { "now #[deprecated]" } else { "no longer #[deprecated]" };
        d.report(&subject, item.clone(), change.into(), (Additive, "deprecated_changed", "a compiler note, nothing else changes"));
    }
    constraints(d, &subject, &item, &a.constraints, &b.constraints);
    match (&a.kind, &b.kind) {
        (TypeKind::Struct(s), TypeKind::Struct(t)) => structs(d, &subject, a, s, t),
        (TypeKind::StringEnum(s), TypeKind::StringEnum(t)) => enums(d, &subject, a, s, t),
        (TypeKind::Union(s), TypeKind::Union(t)) => unions(d, &subject, a, s, t),
        (TypeKind::Alias(s), TypeKind::Alias(t)) => {
            if !d.same(s, t) {
                let change = format!("type {} = {}", a.name, d.change(s, t));
                d.report(&subject, item, change, (Breaking, "alias_changed", "the type it stands for changes"));
            }
        }
        (s, t) => {
            let change = format!("{} -> {}", kind_word(s), kind_word(t));
            d.report(&subject, item, change, (Breaking, "type_kind_changed", "a different kind of Rust type"));
        }
    }
}

fn kind_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::StringEnum(_) => "string enum",
        TypeKind::Union(_) => "union enum",
        TypeKind::Alias(_) => "type alias",
    }
}

fn structs(d: &mut Differ<'_>, subject: &Subject, def: &TypeDef, ours: &Struct, up: &Struct) {
    // By wire name, then (for a case-only rename) by Rust name.
    let mut unmatched_up: Vec<&Field> = up.fields.iter().collect();
    let mut unmatched_ours = Vec::new();
    let mut matched: Vec<(&Field, &Field)> = Vec::new();
    for f in &ours.fields {
        match unmatched_up.iter().position(|g| g.json_name == f.json_name) {
            Some(i) => matched.push((f, unmatched_up.remove(i))),
            None => unmatched_ours.push(f),
        }
    }
    unmatched_ours.retain(|f| match unmatched_up.iter().position(|g| g.rust_name == f.rust_name) {
        Some(i) => {
            matched.push((f, unmatched_up.remove(i)));
            false
        }
        None => true,
    });
    for (f, g) in matched {
        field(d, subject, def, f, g);
    }
    for f in unmatched_ours {
        let item = d.items.member(&def.name, &f.rust_name);
        d.report(subject, item, format!("field `{}` removed", f.json_name), (Breaking, "field_removed", "the field no longer exists"));
    }
    for g in unmatched_up {
        let item = d.items.member(&def.name, &g.rust_name);
        let ty = d.up_text(&field_type(g));
        let change = format!("field `{}: {ty}` added", g.json_name);
        if g.is_optional() {
            d.report(subject, item, change, (Additive, "field_added", "a new optional field (`..Default::default()` fills it)"));
        } else {
            let reason = "a new required field: struct literals must set it, and responses without it stop decoding";
            d.report(subject, item, change, (Breaking, "required_field_added", reason));
        }
    }
    let item = d.items.member(&def.name, "additional_properties");
    match (&ours.additional, &up.additional) {
        (None, None) => {}
        (Some(a), Some(b)) => {
            if !d.same(a, b) {
                let change = format!("HashMap<String, {}> -> HashMap<String, {}>", type_text(a), d.up_text(b));
                d.report(subject, item, change, (Breaking, "field_type_changed", "the field's type changes"));
            }
        }
        (None, Some(b)) => {
            let change = format!("`additional_properties: HashMap<String, {}>` added", d.up_text(b));
            d.report(subject, item, change, (Additive, "field_added", "a new field that defaults to empty"));
        }
        (Some(_), None) => {
            let reason = "the field no longer exists";
            d.report(subject, item, "`additional_properties` removed".into(), (Breaking, "field_removed", reason));
        }
    }
}

fn field(d: &mut Differ<'_>, subject: &Subject, def: &TypeDef, f: &Field, g: &Field) {
    let item = d.items.member(&def.name, &f.rust_name);
    if f.rust_name != g.rust_name {
        let change = format!("field `{}` -> `{}`", f.rust_name, g.rust_name);
        d.report(subject, item.clone(), change, (Breaking, "field_renamed", "the Rust field is renamed"));
    }
    let (a, b) = (field_type(f), field_type(g));
    let same_type = d.same(&a, &b) && f.boxed == g.boxed;
    if !same_type {
        let boxed = |boxed: bool, text: String| if boxed { format!("Box<{text}>") } else { text };
        let change = format!("{} -> {}", boxed(f.boxed, type_text(&a)), boxed(g.boxed, d.up_text(&b)));
        let reason = why_type_changed(f, g);
        d.report(subject, item.clone(), change, (Breaking, "field_type_changed", &reason));
    }
    if f.json_name != g.json_name {
        let change = format!("sent and read as `{}` instead of `{}`", g.json_name, f.json_name);
        if g.is_optional() {
            d.report(subject, item.clone(), change, (Wire, "wire_name_changed", "same Rust field, another JSON name"));
        } else {
            let reason = "a response carrying the old name no longer decodes";
            d.report(subject, item.clone(), change, (Breaking, "wire_name_changed", reason));
        }
    }
    if same_type && f.required != g.required && f.is_optional() && g.is_optional() {
        let change = if g.required { "`None` is now sent as `null`" } else { "`None` is now left out instead of sent as `null`" };
        let reason = "required and nullable vs optional: same `Option`, another request body";
        d.report(subject, item.clone(), change.into(), (Wire, "null_handling_changed", reason));
    }
    if f.deprecated != g.deprecated {
        let change = if g.deprecated { "now #[deprecated]" } else { "no longer #[deprecated]" };
        d.report(subject, item.clone(), change.into(), (Additive, "deprecated_changed", "a compiler note, nothing else changes"));
    }
    if f.default != g.default {
        let change = format!("server default {} -> {}", shown(&f.default), shown(&g.default));
        d.report(subject, item.clone(), change, (Additive, "default_changed", "documentation: what the server assumes"));
    }
    if (f.read_only, f.write_only) != (g.read_only, g.write_only) {
        let word = |f: &Field| match (f.read_only, f.write_only) {
            (true, _) => "read-only",
            (_, true) => "write-only",
            _ => "read-write",
        };
        let change = format!("{} -> {}", word(f), word(g));
        d.report(subject, item.clone(), change, (Additive, "access_changed", "documentation: the crate sends what it is given"));
    }
    let (ca, cb) = (effective(d, true, &f.ty, &f.constraints), effective(d, false, &g.ty, &g.constraints));
    constraints(d, subject, &item, &ca, &cb);
}

/// The reason a field's Rust type changed, in the spec's terms.
fn why_type_changed(f: &Field, g: &Field) -> String {
    match (f.is_optional(), g.is_optional()) {
        (true, false) => "the field is no longer `Option`: now required and not nullable".into(),
        (false, true) if g.nullable && !f.nullable => "the field becomes `Option`: now nullable".into(),
        (false, true) => "the field becomes `Option`: no longer required".into(),
        _ if f.boxed != g.boxed => "boxing changes with recursion".into(),
        _ => "the field's type changes".into(),
    }
}

fn shown(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "none".into())
}

/// A position's validation keywords: its own, and those of the type aliases
/// it names, inside arrays as `items.…` (a dereferenced document writes
/// them all in place, so both forms must read alike).
pub fn effective(d: &Differ<'_>, ours: bool, ty: &TypeRef, own: &[Constraint]) -> Vec<Constraint> {
    let side = if ours { d.ours } else { d.up };
    let mut out = own.to_vec();
    collect(side, ty, "", &mut out, 0);
    out.sort();
    out.dedup_by(|a, b| a.keyword == b.keyword);
    out
}

fn collect(side: &super::side::Side, ty: &TypeRef, prefix: &str, out: &mut Vec<Constraint>, depth: usize) {
    if depth > 32 {
        return;
    }
    match ty {
        TypeRef::Named(name) => {
            if let Some(TypeDef { kind: TypeKind::Alias(target), constraints, .. }) = side.ty(name) {
                out.extend(constraints.iter().map(|c| Constraint { keyword: format!("{prefix}{}", c.keyword), value: c.value.clone() }));
                collect(side, target, prefix, out, depth + 1);
            }
        }
        TypeRef::Vec(inner) => collect(side, inner, &format!("{prefix}items."), out, depth + 1),
        // Like a list, each item at its own position.
        TypeRef::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(side, item, &format!("{prefix}prefixItems.{i}."), out, depth + 1);
            }
        }
        TypeRef::Option(inner) => collect(side, inner, prefix, out, depth + 1),
        _ => {}
    }
}

/// Report each validation keyword that differs (additive: the server
/// enforces them, the crate documents them).
pub fn constraints(d: &mut Differ<'_>, subject: &Subject, item: &str, ours: &[Constraint], up: &[Constraint]) {
    let value = |list: &[Constraint], keyword: &str| list.iter().find(|c| c.keyword == keyword).map(|c| c.value.clone());
    let mut keywords: Vec<&str> = ours.iter().chain(up).map(|c| c.keyword.as_str()).collect();
    keywords.sort_unstable();
    keywords.dedup();
    for keyword in keywords {
        let (a, b) = (value(ours, keyword), value(up, keyword));
        if a != b {
            let change = format!("{keyword} {} -> {}", shown(&a), shown(&b));
            let reason = "the server's validation, not enforced by the crate";
            d.report(subject, item.to_owned(), change, (Additive, "constraint_changed", reason));
        }
    }
}

fn enums(d: &mut Differ<'_>, subject: &Subject, def: &TypeDef, ours: &StringEnum, up: &StringEnum) {
    let mut unmatched_up: Vec<_> = up.variants.iter().collect();
    let mut unmatched_ours = Vec::new();
    for v in &ours.variants {
        match unmatched_up.iter().position(|w| w.value == v.value) {
            Some(i) => {
                let w = unmatched_up.remove(i);
                if w.rust_name != v.rust_name {
                    let item = d.items.member(&def.name, &v.rust_name);
                    let change = format!("variant for {:?}: {} -> {}", v.value, v.rust_name, w.rust_name);
                    d.report(subject, item, change, (Breaking, "variant_renamed", "the Rust variant is renamed"));
                }
            }
            None => unmatched_ours.push(v),
        }
    }
    for v in unmatched_ours {
        let item = d.items.member(&def.name, &v.rust_name);
        match unmatched_up.iter().position(|w| w.rust_name == v.rust_name) {
            Some(i) => {
                let w = unmatched_up.remove(i);
                let change = format!("value {:?} -> {:?}", v.value, w.value);
                let reason = "same variant, another value on the wire (the old one now decodes as the unknown variant)";
                d.report(subject, item, change, (Wire, "enum_value_changed", reason));
            }
            None => {
                let change = format!("value {:?} removed", v.value);
                d.report(subject, item, change, (Breaking, "enum_value_removed", "the variant no longer exists"));
            }
        }
    }
    for w in unmatched_up {
        let item = d.items.member(&def.name, &w.rust_name);
        let change = format!("value {:?} added", w.value);
        let reason = "the enum is #[non_exhaustive]; the value decoded as the unknown variant before";
        d.report(subject, item, change, (Additive, "enum_value_added", reason));
    }
    if ours.unknown_variant != up.unknown_variant {
        let item = d.items.member(&def.name, &ours.unknown_variant);
        let change = format!("catch-all variant {} -> {}", ours.unknown_variant, up.unknown_variant);
        d.report(subject, item, change, (Breaking, "variant_renamed", "the Rust variant is renamed"));
    }
}

fn unions(d: &mut Differ<'_>, subject: &Subject, def: &TypeDef, ours: &Union, up: &Union) {
    let item = d.items.model(&def.name);
    if ours.tag != up.tag {
        let change = format!("discriminator {} -> {}", shown(&ours.tag), shown(&up.tag));
        d.report(subject, item.clone(), change, (Wire, "discriminator_changed", "another property selects the variant"));
    }
    let order = |u: &Union| u.variants.iter().map(|v| v.rust_name.clone()).collect::<Vec<_>>();
    for v in &ours.variants {
        let item = d.items.member(&def.name, &v.rust_name);
        match up.variants.iter().find(|w| w.rust_name == v.rust_name) {
            Some(w) => {
                if !d.same(&v.ty, &w.ty) {
                    let change = format!("variant {}({})", v.rust_name, d.change(&v.ty, &w.ty));
                    d.report(subject, item.clone(), change, (Breaking, "variant_type_changed", "the variant holds another type"));
                }
                if v.tag_values != w.tag_values {
                    let change = format!("selected by {:?} -> {:?}", v.tag_values, w.tag_values);
                    d.report(subject, item, change, (Wire, "discriminator_changed", "other tag values pick the variant"));
                }
            }
            None => d.report(subject, item, format!("variant {} removed", v.rust_name), (Breaking, "variant_removed", "the variant no longer exists")),
        }
    }
    for w in up.variants.iter().filter(|w| !ours.variants.iter().any(|v| v.rust_name == w.rust_name)) {
        let item = d.items.member(&def.name, &w.rust_name);
        let change = format!("variant {}({}) added", w.rust_name, d.up_text(&w.ty));
        d.report(subject, item, change, (Breaking, "variant_added", "the enum is exhaustive: `match`es on it stop compiling"));
    }
    let (a, b) = (order(ours), order(up));
    let common = |x: &[String], y: &[String]| x.iter().filter(|n| y.contains(n)).cloned().collect::<Vec<_>>();
    if ours.tag.is_none() && common(&a, &b) != common(&b, &a) {
        let change = format!("decoding order {} -> {}", a.join(", "), b.join(", "));
        d.report(subject, item, change, (Wire, "variant_order_changed", "untagged: the first variant that fits wins"));
    }
}

/// The `ErrorBody` enum: one variant per error body type.
pub fn compare_error_bodies(d: &mut Differ<'_>) {
    let used = |side: &super::side::Side| -> Vec<usize> {
        let mut used: Vec<usize> = side
            .api
            .operations
            .iter()
            .flat_map(|op| op.errors.iter().chain(&op.default_error))
            .filter_map(|e| e.body)
            .collect();
        used.sort_unstable();
        used.dedup();
        used
    };
    let (ours_used, up_used) = (used(d.ours), used(d.up));
    let ours: Vec<_> = ours_used.iter().filter_map(|&i| d.ours.api.error_bodies.get(i)).cloned().collect();
    let up: Vec<_> = up_used.iter().filter_map(|&i| d.up.api.error_bodies.get(i)).cloned().collect();
    let subject = Subject::Api;
    for v in &ours {
        let item = d.items.top(&format!("ErrorBody::{}", v.rust_name));
        match up.iter().find(|w| w.rust_name == v.rust_name) {
            Some(w) => {
                if !d.same(&v.ty, &w.ty) {
                    let change = format!("variant {}({})", v.rust_name, d.change(&v.ty, &w.ty));
                    d.report(&subject, item, change, (Breaking, "variant_type_changed", "the variant holds another type"));
                }
            }
            None => d.report(&subject, item, format!("variant {} removed", v.rust_name), (Breaking, "variant_removed", "the variant no longer exists")),
        }
    }
    for w in up.iter().filter(|w| !ours.iter().any(|v| v.rust_name == w.rust_name)) {
        let item = d.items.top(&format!("ErrorBody::{}", w.rust_name));
        let change = format!("variant {}({}) added", w.rust_name, d.up_text(&w.ty));
        d.report(&subject, item, change, (Additive, "variant_added", "`ErrorBody` is #[non_exhaustive]"));
    }
}
