//! Comparing operations: the client method, its arguments and builder
//! setters, the request it sends and the responses it decodes.

use std::collections::BTreeMap;

use sailpoint_codegen::ir::{Api, Constraint, Operation, Param, ParamLocation, TypeRef};

use super::engine::{Differ, Subject};
use super::rust::{body_input, response_output, type_text, BodyInput};
use super::types::{constraints, effective};
use super::verdict::Severity::{Additive, Breaking, Wire};

/// Match operations by Rust method, then by HTTP method and path; compare
/// each pair; report the rest as removed or added.
pub fn compare_all(d: &mut Differ<'_>) {
    let (ours, up) = (d.ours, d.up);
    let mut unmatched_up: Vec<&Operation> = up.api.operations.iter().collect();
    let mut unmatched_ours = Vec::new();
    for a in &ours.api.operations {
        match unmatched_up.iter().position(|b| b.method_name == a.method_name) {
            Some(i) => compare(d, a, unmatched_up.remove(i)),
            None => unmatched_ours.push(a),
        }
    }
    for a in unmatched_ours {
        let subject = subject(a);
        let item = d.items.method(&a.method_name);
        match unmatched_up.iter().position(|b| b.http_method == a.http_method && shape(&b.path) == shape(&a.path)) {
            Some(i) => {
                let b = unmatched_up.remove(i);
                let change = format!("method {} -> {} (operationId {} -> {})", a.method_name, b.method_name, a.operation_id, b.operation_id);
                d.report(&subject, item, change, (Breaking, "method_renamed", "the operationId names the method"));
                compare(d, a, b);
            }
            None => {
                let change = format!("operation removed ({} no longer exists)", a.method_name);
                d.report(&subject, item, change, (Breaking, "operation_removed", "the method no longer exists"));
            }
        }
    }
    for b in unmatched_up {
        let item = d.items.method(&b.method_name);
        d.report(&subject(b), item, "operation added".into(), (Additive, "operation_added", "a new method"));
    }
}

fn subject(op: &Operation) -> Subject {
    Subject::Operation { path: op.path.clone(), method: op.http_method.clone(), id: op.operation_id.clone() }
}

/// A path template with its variables' names left out: `/a/{}/b`.
fn shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_var = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_var = true;
                out.push_str("{}");
            }
            '}' => in_var = false,
            c if !in_var => out.push(c),
            _ => {}
        }
    }
    out
}

/// How the generated method takes a parameter (`emit/operations.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A positional argument of the client method.
    Argument,
    /// A builder setter.
    Setter,
    /// A required header with a fixed value, sent by the crate itself.
    Constant,
}

fn role(p: &Param) -> Role {
    match (p.required, &p.constant) {
        (true, None) => Role::Argument,
        (_, Some(_)) => Role::Constant,
        (false, None) => Role::Setter,
    }
}

fn location(p: &Param) -> &'static str {
    match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn compare(d: &mut Differ<'_>, a: &Operation, b: &Operation) {
    let subject = subject(a);
    let method = d.items.method(&a.method_name);
    if a.http_method != b.http_method || shape(&a.path) != shape(&b.path) {
        let change = format!("request {} {} -> {} {}", a.http_method, a.path, b.http_method, b.path);
        d.report(&subject, method.clone(), change, (Wire, "request_line_changed", "same method, another URL or HTTP method"));
    }
    if a.operation_id != b.operation_id && a.method_name == b.method_name {
        let change = format!("operationId {} -> {}", a.operation_id, b.operation_id);
        d.report(&subject, method.clone(), change, (Additive, "operation_id_changed", "documentation: the method keeps its name"));
    }
    if a.deprecated != b.deprecated {
        let change = if b.deprecated { "now #[deprecated]" } else { "no longer #[deprecated]" };
        d.report(&subject, method.clone(), change.into(), (Additive, "deprecated_changed", "a compiler note, nothing else changes"));
    }
    params(d, &subject, a, b);
    body(d, &subject, a, b);
    returns(d, &subject, a, b);
    errors(d, &subject, a, b);
    pagination(d, &subject, a, b);
}

fn params(d: &mut Differ<'_>, subject: &Subject, a: &Operation, b: &Operation) {
    // By Rust name (a case-only rename keeps it), then path parameters by
    // position (they are positional arguments whose names callers never write).
    let mut unmatched_up: Vec<&Param> = b.params.iter().collect();
    let mut unmatched_ours = Vec::new();
    let mut matched = Vec::new();
    for p in &a.params {
        match unmatched_up.iter().position(|q| q.rust_name == p.rust_name) {
            Some(i) => matched.push((p, unmatched_up.remove(i))),
            None => unmatched_ours.push(p),
        }
    }
    unmatched_ours.retain(|p| {
        if p.location != ParamLocation::Path {
            return true;
        }
        match unmatched_up.iter().position(|q| q.location == ParamLocation::Path) {
            Some(i) => {
                matched.push((p, unmatched_up.remove(i)));
                false
            }
            None => true,
        }
    });
    for (p, q) in matched {
        param(d, subject, a, p, q);
    }
    for p in unmatched_ours {
        let (item, change) = param_item(d, a, p, "removed");
        match role(p) {
            Role::Constant => d.report(subject, item, change, (Wire, "constant_removed", "a header the crate sent itself is no longer sent")),
            _ => d.report(subject, item, change, (Breaking, "parameter_removed", "the argument or setter no longer exists")),
        }
    }
    for q in unmatched_up {
        let (item, change) = param_item(d, b, q, "added");
        match role(q) {
            Role::Argument => d.report(subject, item, change, (Breaking, "argument_added", "a new required argument")),
            Role::Setter => d.report(subject, item, change, (Additive, "setter_added", "a new optional setter")),
            Role::Constant => d.report(subject, item, change, (Wire, "constant_added", "the crate sends a new fixed header")),
        }
    }
    arguments(d, subject, a, b);
}

/// The item a parameter is (argument, setter or constant header) and a
/// description of it.
fn param_item(d: &Differ<'_>, op: &Operation, p: &Param, what: &str) -> (String, String) {
    let rust = p.rust_name.trim_start_matches("r#");
    match role(p) {
        Role::Argument => (d.items.method(&op.method_name), format!("argument `{rust}: {}` ({} `{}`) {what}", type_text(&p.ty), location(p), p.name)),
        Role::Setter => (d.items.builder(&op.builder_name, rust), format!("setter `{rust}({})` ({} `{}`) {what}", type_text(&p.ty), location(p), p.name)),
        Role::Constant => {
            let value = p.constant.clone().unwrap_or_default();
            (d.items.method(&op.method_name), format!("constant header `{}: {value}` {what}", p.name))
        }
    }
}

/// Arguments are positional: their order and types are the signature.
fn arguments(d: &mut Differ<'_>, subject: &Subject, a: &Operation, b: &Operation) {
    let args = |op: &Operation| op.params.iter().filter(|p| role(p) == Role::Argument).cloned().collect::<Vec<_>>();
    let (x, y) = (args(a), args(b));
    if x.len() != y.len() {
        return; // already reported as an argument added or removed
    }
    for (i, (p, q)) in x.iter().zip(&y).enumerate() {
        let same_param = p.rust_name == q.rust_name || (p.location == ParamLocation::Path && q.location == ParamLocation::Path);
        if !same_param {
            let names = |v: &[Param]| v.iter().map(|p| p.rust_name.clone()).collect::<Vec<_>>().join(", ");
            let change = format!("arguments ({}) -> ({})", names(&x), names(&y));
            let item = d.items.method(&a.method_name);
            let reason = format!("argument {} is another parameter", i + 1);
            d.report(subject, item, change, (Breaking, "arguments_reordered", &reason));
            return;
        }
    }
}

fn param(d: &mut Differ<'_>, subject: &Subject, a: &Operation, p: &Param, q: &Param) {
    let rust = p.rust_name.trim_start_matches("r#");
    let item = match role(p) {
        Role::Setter => d.items.builder(&a.builder_name, rust),
        _ => d.items.method(&a.method_name),
    };
    let what = format!("{} `{}`", location(p), p.name);
    match (role(p), role(q)) {
        (x, y) if x == y => {}
        (Role::Constant, Role::Setter) => {
            let change = format!("{what}: constant -> optional setter");
            d.report(subject, item.clone(), change, (Wire, "parameter_role_changed", "no longer sent unless set"));
        }
        (x, y) => {
            let word = |r: Role| match r {
                Role::Argument => "required argument",
                Role::Setter => "optional setter",
                Role::Constant => "constant sent by the crate",
            };
            let change = format!("{what}: {} -> {}", word(x), word(y));
            d.report(subject, item.clone(), change, (Breaking, "parameter_role_changed", "the method or builder signature changes"));
        }
    }
    if role(p) != Role::Constant && role(q) != Role::Constant && !d.same(&p.ty, &q.ty) {
        let change = format!("{what}: {}", d.change(&p.ty, &q.ty));
        d.report(subject, item.clone(), change, (Breaking, "parameter_type_changed", "the argument or setter takes another type"));
    }
    if role(p) == Role::Constant && role(q) == Role::Constant && p.constant != q.constant {
        let change = format!("header `{}` sent as {:?} -> {:?}", p.name, p.constant.clone().unwrap_or_default(), q.constant.clone().unwrap_or_default());
        d.report(subject, item.clone(), change, (Wire, "constant_changed", "the crate sends another fixed value"));
    }
    if p.name != q.name && p.location != ParamLocation::Path {
        let change = format!("{what}: sent as `{}`", q.name);
        d.report(subject, item.clone(), change, (Wire, "wire_name_changed", "same Rust name, another name on the wire"));
    }
    if p.location != q.location {
        let change = format!("{what}: sent in the {} instead", location(q));
        d.report(subject, item.clone(), change, (Wire, "location_changed", "same Rust API, sent elsewhere"));
    }
    let is_list = |ty: &TypeRef| matches!(d.ours.see_through(ty), TypeRef::Vec(_));
    if is_list(&p.ty) && (p.explode != q.explode || p.style.delimiter() != q.style.delimiter() && !q.explode) {
        let form = |p: &Param| if p.explode { format!("{}=a&{}=b (explode)", p.name, p.name) } else { format!("{}=a{}b ({})", p.name, p.style.delimiter(), p.style.as_str()) };
        let change = format!("{what}: {} -> {}", form(p), form(q));
        d.report(subject, item.clone(), change, (Wire, "serialization_changed", "lists are written differently in the query"));
    }
    if p.deprecated != q.deprecated {
        let change = format!("{what}: {}", if q.deprecated { "now #[deprecated]" } else { "no longer #[deprecated]" });
        d.report(subject, item.clone(), change, (Additive, "deprecated_changed", "a compiler note, nothing else changes"));
    }
    if p.default != q.default && role(q) != Role::Constant {
        let change = format!("{what}: server default {} -> {}", p.default.clone().unwrap_or("none".into()), q.default.clone().unwrap_or("none".into()));
        d.report(subject, item.clone(), change, (Additive, "default_changed", "documentation: what the server assumes"));
    }
    let (ca, cb) = (effective(d, true, &p.ty, &p.constraints), effective(d, false, &q.ty, &q.constraints));
    constraints(d, subject, &item, &prefixed(&what, ca), &prefixed(&what, cb));
}

fn body(d: &mut Differ<'_>, subject: &Subject, a: &Operation, b: &Operation) {
    let method = d.items.method(&a.method_name);
    let setter = d.items.builder(&a.builder_name, "body");
    match (&a.body, &b.body) {
        (None, None) => {}
        (None, Some(y)) => {
            let change = format!("request body ({}) added", y.content_type);
            if y.required {
                d.report(subject, method, change, (Breaking, "argument_added", "a new required `body` argument"));
            } else {
                d.report(subject, setter, change, (Additive, "setter_added", "a new optional `body` setter"));
            }
        }
        (Some(x), None) => {
            let item = if x.required { method } else { setter };
            d.report(subject, item, "request body removed".into(), (Breaking, "parameter_removed", "the `body` argument or setter no longer exists"));
        }
        (Some(x), Some(y)) => {
            let item = if x.required { method } else { setter };
            if x.required != y.required {
                let change = if y.required { "request body: optional setter -> required argument" } else { "request body: required argument -> optional setter" };
                d.report(subject, item.clone(), change.into(), (Breaking, "parameter_role_changed", "the method or builder signature changes"));
            }
            if let Err(change) = same_io(d, body_input(x.kind, &x.ty), body_input(y.kind, &y.ty)) {
                d.report(subject, item.clone(), format!("request body: {change}"), (Breaking, "body_type_changed", "the body takes another type"));
            }
            if x.content_type != y.content_type || x.kind != y.kind {
                let change = format!("request body sent as {} -> {}", x.content_type, y.content_type);
                d.report(subject, item.clone(), change, (Wire, "content_type_changed", "same Rust type, another encoding or Content-Type"));
            }
            let (ca, cb) = (effective(d, true, &x.ty, &x.constraints), effective(d, false, &y.ty, &y.constraints));
            constraints(d, subject, &item, &prefixed("request body", ca), &prefixed("request body", cb));
        }
    }
}

/// Whether a body argument or a return type stays the same; if not,
/// `ours -> upstream`.
fn same_io(d: &mut Differ<'_>, ours: BodyInput<'_>, up: BodyInput<'_>) -> Result<(), String> {
    match (&ours, &up) {
        (BodyInput::Model(s), BodyInput::Model(t)) => d.same(s, t).then_some(()).ok_or_else(|| d.change(s, t)),
        (BodyInput::Fixed(s), BodyInput::Fixed(t)) if s == t => Ok(()),
        _ => Err(format!("{} -> {}", io_text(d, &ours, true), io_text(d, &up, false))),
    }
}

fn io_text(d: &Differ<'_>, io: &BodyInput<'_>, ours: bool) -> String {
    match io {
        BodyInput::Fixed(text) => (*text).to_owned(),
        BodyInput::Model(ty) if ours => type_text(ty),
        BodyInput::Model(ty) => d.up_text(ty),
    }
}

fn returns(d: &mut Differ<'_>, subject: &Subject, a: &Operation, b: &Operation) {
    let item = d.items.builder(&a.builder_name, "send");
    let (x, y) = (&a.returns, &b.returns);
    if let Err(change) = same_io(d, response_output(x.kind, &x.ty), response_output(y.kind, &y.ty)) {
        d.report(subject, item.clone(), format!("returns {change}"), (Breaking, "response_type_changed", "`send()` returns another type"));
    }
    if x.content_type != y.content_type {
        let shown = |c: &Option<String>| c.clone().unwrap_or_else(|| "none".into());
        let change = format!("accepts {} -> {}", shown(&x.content_type), shown(&y.content_type));
        d.report(subject, item.clone(), change, (Wire, "content_type_changed", "another Accept header and response decoding"));
    }
    let (ca, cb) = (effective(d, true, &x.ty, &x.constraints), effective(d, false, &y.ty, &y.constraints));
    constraints(d, subject, &item, &prefixed("response", ca), &prefixed("response", cb));
}

/// Keywords labelled with where they are (`query \`limit\`: maximum`).
fn prefixed(what: &str, list: Vec<Constraint>) -> Vec<Constraint> {
    list.into_iter()
        .map(|mut c| {
            c.keyword = format!("{what}: {}", c.keyword);
            c
        })
        .collect()
}

/// Error statuses and the `ErrorBody` variant each decodes into.
fn errors(d: &mut Differ<'_>, subject: &Subject, a: &Operation, b: &Operation) {
    let table = |api: &Api, op: &Operation| -> BTreeMap<String, Option<TypeRef>> {
        let mut out = BTreeMap::new();
        for e in &op.errors {
            let key = match (e.status, e.range) {
                (Some(s), _) => s.to_string(),
                (None, Some(r)) => format!("{r}XX"),
                (None, None) => "default".to_owned(),
            };
            out.insert(key, e.body.and_then(|i| api.error_bodies.get(i)).map(|v| v.ty.clone()));
        }
        if let Some(e) = &op.default_error {
            out.insert("default".to_owned(), e.body.and_then(|i| api.error_bodies.get(i)).map(|v| v.ty.clone()));
        }
        out
    };
    let (x, y) = (table(&d.ours.api, a), table(&d.up.api, b));
    let item = d.items.top("Error");
    let shown = |d: &Differ<'_>, ty: &Option<TypeRef>, ours: bool| match ty {
        Some(t) if ours => type_text(t),
        Some(t) => d.up_text(t),
        None => "untyped".to_owned(),
    };
    let mut statuses: Vec<&String> = x.keys().chain(y.keys()).collect();
    statuses.sort();
    statuses.dedup();
    for status in statuses {
        let (s, t) = (x.get(status), y.get(status));
        let change = match (s, t) {
            (Some(s), Some(t)) => {
                let same = match (s, t) {
                    (Some(s), Some(t)) => d.same(s, t),
                    (None, None) => true,
                    _ => false,
                };
                if same {
                    continue;
                }
                format!("a {status} response decodes as {} -> {}", shown(d, s, true), shown(d, t, false))
            }
            (Some(s), None) => format!("status {status} ({}) no longer declared", shown(d, s, true)),
            (None, Some(t)) => format!("status {status} ({}) declared", shown(d, t, false)),
            (None, None) => continue,
        };
        d.report(subject, item.clone(), change, (Wire, "error_response_changed", "an error status decodes into another `ErrorBody` variant"));
    }
}

fn pagination(d: &mut Differ<'_>, subject: &Subject, a: &Operation, b: &Operation) {
    let item = d.items.builder(&a.builder_name, "stream");
    match (&a.pagination, &b.pagination) {
        (None, None) => {}
        (None, Some(_)) => d.report(subject, item, "stream() added".into(), (Additive, "stream_added", "the builder can now page through the collection")),
        (Some(_), None) => d.report(subject, item, "stream() removed".into(), (Breaking, "stream_removed", "the builder no longer pages")),
        (Some(x), Some(y)) => {
            if x.page_size != y.page_size {
                let change = format!("page size {} -> {}", x.page_size, y.page_size);
                d.report(subject, item, change, (Wire, "page_size_changed", "streams ask for pages of another size"));
            }
        }
    }
}
