//! Operations -> `builders.rs`: one method on the API client per operation
//! and the request builder it returns.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::docs;
use super::rust_type::{ident, rust_type, Scope, TypeIndex};
use crate::edition::Edition;
use crate::ir::{Api, BodyKind, Operation, Pagination, Param, ParamLocation, ResponseKind, TypeRef};
use crate::tags::TagPlan;
use crate::text::code_span;

/// `editions`: the other places this module's operations are served at
/// (empty for an API served at one place).
pub fn builders(api: &Api, editions: &[Edition], index: &TypeIndex<'_>) -> Result<TokenStream, String> {
    let all: Vec<usize> = (0..api.operations.len()).collect();
    builders_of(api, &all, editions, index, None)
}

/// With per-tag features: `builders/mod.rs`, and one file per tag holding
/// the operations whose first tag it is (`(feature, tokens)`).
pub fn tag_builders(
    api: &Api,
    editions: &[Edition],
    index: &TypeIndex<'_>,
    plan: &TagPlan,
) -> Result<(TokenStream, Vec<(String, TokenStream)>), String> {
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for (f, feature) in plan.features.iter().enumerate() {
        let ops = plan.operations_of(f);
        if ops.is_empty() {
            continue;
        }
        files.push((feature.name.clone(), builders_of(api, &ops, editions, index, Some(plan))?));
        // The module compiles under any feature one of its operations has.
        let mut features: Vec<usize> = ops.iter().flat_map(|&op| plan.op_features[op].iter().copied()).collect();
        features.sort_unstable();
        features.dedup();
        let cfg = cfg_attr(&plan.cfg_of(&features).unwrap_or_default());
        let name = ident(&feature.name);
        let doc = match &feature.spec_tag {
            Some(tag) => format!(" Operations tagged {} (feature {}).", code_span(tag), code_span(&feature.name)),
            None => format!(" Operations without a tag (feature {}).", code_span(&feature.name)),
        };
        modules.push(quote! {
            #[doc = #doc]
            #cfg
            pub mod #name;
            #cfg
            pub use #name::*;
        });
    }
    let edition = if editions.is_empty() { quote!() } else { quote!(Edition,) };
    let module = quote! {
        //! Request builders returned by the [`Client`] methods, one module per
        //! tag of the spec; each compiles only with its cargo feature.

        // The tag modules name these as `super::...`, as a flat `builders`
        // module would; with no tag feature on, nothing uses them.
        #[allow(unused_imports)]
        use super::{models, Client, Error, ErrorBody, #edition BASE_PATH};

        #(#modules)*
    };
    Ok((module, files))
}

/// `#[cfg(any(feature = "a", ...))]`.
pub(crate) fn cfg_attr(features: &[&str]) -> TokenStream {
    match features {
        [] => quote!(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// The builders file of some operations (by index).
fn builders_of(
    api: &Api,
    ops: &[usize],
    editions: &[Edition],
    index: &TypeIndex<'_>,
    plan: Option<&TagPlan>,
) -> Result<TokenStream, String> {
    // Operations that map statuses to error bodies the same way share one
    // decoder; it compiles with any of the operations using it.
    let mut decoders: BTreeMap<String, (usize, TokenStream, Vec<usize>)> = BTreeMap::new();
    let mut decoder_of = Vec::new();
    for &op in ops {
        let body = error_decoder_body(api, &api.operations[op]);
        let key = body.to_string();
        let next = decoders.len();
        let entry = decoders.entry(key).or_insert((next, body, Vec::new()));
        if let Some(plan) = plan {
            entry.2.extend(plan.op_features[op].iter().copied());
        }
        decoder_of.push(entry.0);
    }
    // Items compile with their module; one used by fewer of the module's
    // features than the module has needs a cfg of its own.
    let set_of = |features: &[usize]| -> Vec<usize> {
        let mut set = features.to_vec();
        set.sort_unstable();
        set.dedup();
        set
    };
    let module_set = set_of(&ops.iter().flat_map(|&op| plan.map(|p| p.op_features[op].clone()).unwrap_or_default()).collect::<Vec<_>>());
    let own_cfg = |features: &[usize]| -> Option<Vec<&str>> {
        let plan = plan?;
        let set = set_of(features);
        (set != module_set).then(|| plan.cfg_of(&set)).flatten()
    };
    let mut decoder_fns: Vec<(usize, TokenStream, Vec<usize>)> = decoders.into_values().collect();
    decoder_fns.sort_by_key(|(n, ..)| *n);
    let decoder_fns = decoder_fns.into_iter().map(|(n, body, features)| {
        let name = format_ident!("decode_error_{}", n);
        let cfg = own_cfg(&features).map(|f| cfg_attr(&f)).unwrap_or_default();
        quote! {
            #cfg
            fn #name(status: u16, body: &[u8]) -> Result<super::ErrorBody, ::serde_json::Error> {
                #body
            }
        }
    });
    let op_cfg = |op: usize| plan.and_then(|p| own_cfg(&p.op_features[op]));
    let methods = ops.iter().map(|&op| {
        let cfg = op_cfg(op).map(|f| cfg_attr(&f)).unwrap_or_default();
        let method = client_method(&api.operations[op], editions);
        quote!(#cfg #method)
    });
    let builders = ops.iter().zip(&decoder_of).map(|(&op, n)| {
        let cfg = op_cfg(op).map(|f| cfg_attr(&f)).unwrap_or_default();
        builder(&api.operations[op], *n, editions, index, &cfg)
    });
    Ok(quote! {
        #![allow(clippy::too_many_arguments)]
        #![allow(deprecated)]

        impl super::Client {
            #(#methods)*
        }

        #(#builders)*

        #(#decoder_fns)*
    })
}

/// `match status { 400 | 403 => ..., 400..=499 => ..., _ => Other }` for one
/// operation: exact codes first, so a range never hides one.
fn error_decoder_body(api: &Api, op: &Operation) -> TokenStream {
    let mut exact: BTreeMap<usize, Vec<TokenStream>> = BTreeMap::new();
    let mut ranges: BTreeMap<usize, Vec<TokenStream>> = BTreeMap::new();
    for e in &op.errors {
        let Some(b) = e.body else { continue };
        match (e.status, e.range) {
            (Some(s), _) => {
                let s = Literal::u16_unsuffixed(s);
                exact.entry(b).or_default().push(quote!(#s));
            }
            (None, Some(range)) => {
                let (low, high) = (Literal::u16_unsuffixed(range * 100), Literal::u16_unsuffixed(range * 100 + 99));
                ranges.entry(b).or_default().push(quote!(#low..=#high));
            }
            (None, None) => {}
        }
    }
    let arms = exact.iter().chain(ranges.iter()).map(|(b, patterns)| {
        let variant = ident(&api.error_bodies[*b].rust_name);
        quote! { #(#patterns)|* => ::serde_json::from_slice(body).map(super::ErrorBody::#variant), }
    });
    let fallback = match op.default_error.as_ref().and_then(|d| d.body) {
        Some(b) => {
            let variant = ident(&api.error_bodies[b].rust_name);
            quote!(::serde_json::from_slice(body).map(super::ErrorBody::#variant))
        }
        None => {
            let other = ident(&super::api::other_variant(api));
            quote!(::serde_json::from_slice(body).map(super::ErrorBody::#other))
        }
    };
    quote! {
        match status {
            #(#arms)*
            _ => #fallback,
        }
    }
}

/// Required, caller-supplied values: positional arguments of the method.
fn is_argument(p: &Param) -> bool {
    p.required && p.constant.is_none()
}

/// How a parameter's value is taken by the method or setter.
fn param_input(ty: &TypeRef) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(.into())),
        other => (rust_type(other, Scope::Builders), quote!()),
    }
}

fn body_input(ty: &TypeRef, kind: BodyKind) -> (TokenStream, TokenStream, TokenStream) {
    match (kind, ty) {
        (BodyKind::Multipart, _) => (quote!(crate::runtime::Multipart), quote!(), quote!(crate::runtime::Multipart)),
        (BodyKind::Bytes, _) => (quote!(impl Into<::bytes::Bytes>), quote!(.into()), quote!(::bytes::Bytes)),
        (BodyKind::Text, _) => (quote!(impl Into<String>), quote!(.into()), quote!(String)),
        (_, ty) => {
            let t = rust_type(ty, Scope::Builders);
            (t.clone(), quote!(), t)
        }
    }
}

fn operation_doc(op: &Operation, editions: &[Edition], arguments: &[String]) -> TokenStream {
    let mut extra = Vec::new();
    if let (Some(_), Some(d)) = (&op.summary, &op.doc) {
        extra.push(d.clone());
    }
    extra.push(format!("{} (operation {}).", code_span(&format!("{} {}", op.http_method, op.path)), code_span(&op.operation_id)));
    for e in editions.iter().filter(|e| e.changes_routes()) {
        let route = code_span(&format!("{} {}", op.http_method, e.path(&op.path)));
        extra.push(format!("In `{}`: {route} (operation {}).", e.module, code_span(&e.operation_id(&op.operation_id))));
    }
    if !arguments.is_empty() {
        extra.push("Arguments:".to_owned());
        extra.push(arguments.join("\n"));
    }
    extra.push(format!(
        "Returns a [`{0}`] request builder: set optional parameters, then `.send().await` (or `.await` it directly).",
        op.builder_name
    ));
    let head = op.summary.as_deref().or(op.doc.as_deref());
    docs(head, &extra)
}

fn client_method(op: &Operation, editions: &[Edition]) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &op.params {
        let name = ident(&p.rust_name);
        if is_argument(p) {
            let (ty, conv) = param_input(&p.ty);
            args.push(quote!(#name: #ty));
            inits.push(if conv.is_empty() { quote!(#name) } else { quote!(#name: #name #conv) });
        } else if p.constant.is_none() {
            inits.push(quote!(#name: None));
        }
    }
    if let Some(body) = &op.body {
        if body.required {
            let (ty, conv, _) = body_input(&body.ty, body.kind);
            args.push(quote!(body: #ty));
            inits.push(if conv.is_empty() { quote!(body) } else { quote!(body: body #conv) });
        } else {
            inits.push(quote!(body: None));
        }
    }
    let arg_docs: Vec<String> = op
        .params
        .iter()
        .filter(|p| is_argument(p))
        .map(|p| format!("- `{}`: {}", p.rust_name.trim_start_matches("r#"), p.doc.as_deref().unwrap_or("").trim()))
        .chain(op.body.iter().filter(|b| b.required).map(|b| {
            format!("- `body` ({}): {}", code_span(&b.content_type), b.doc.as_deref().unwrap_or("the request body.").trim())
        }))
        .collect();
    let doc = operation_doc(op, editions, &arg_docs);
    let deprecated = if op.deprecated { quote!(#[deprecated]) } else { quote!() };
    quote! {
        #doc
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder { client: self.clone(), #(#inits,)* }
        }
    }
}

fn return_type(op: &Operation) -> TokenStream {
    match op.returns.kind {
        ResponseKind::Empty => quote!(()),
        ResponseKind::Bytes => quote!(crate::runtime::Download<super::ErrorBody>),
        ResponseKind::Text => quote!(String),
        ResponseKind::Json => rust_type(&op.returns.ty, Scope::Builders),
    }
}

/// The builder's items, each under `cfg` (empty, or the operation's own
/// `#[cfg(...)]`).
fn builder(op: &Operation, decoder: usize, editions: &[Edition], index: &TypeIndex<'_>, cfg: &TokenStream) -> TokenStream {
    let name = ident(&op.builder_name);
    let method = &op.method_name;
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut steps = Vec::new();
    for p in &op.params {
        let field = ident(&p.rust_name);
        let wire = &p.name;
        let ty = rust_type(&p.ty, Scope::Builders);
        if let Some(value) = &p.constant {
            // Fixed by the spec (e.g. `X-SailPoint-Experimental: true`): always sent.
            steps.push(quote!(request.header(#wire, Some(#value));));
            continue;
        }
        let optional = !is_argument(p);
        if optional {
            fields.push(quote!(#field: Option<#ty>));
            let (input, conv) = param_input(&p.ty);
            let mut notes = Vec::new();
            if let Some(d) = &p.default {
                notes.push(format!("Server default: {}.", code_span(d)));
            }
            let text = p.doc.clone().unwrap_or_else(|| format!("The {} {} parameter.", code_span(&p.name), location_name(p.location)));
            let doc = docs(Some(&text), &notes);
            let deprecated = if p.deprecated { quote!(#[deprecated]) } else { quote!() };
            setters.push(quote! {
                #doc
                #deprecated
                pub fn #field(mut self, value: #input) -> Self {
                    self.#field = Some(value #conv);
                    self
                }
            });
        } else {
            fields.push(quote!(#field: #ty));
        }
        let value = if optional { quote!(self.#field.as_ref()) } else { quote!(Some(&self.#field)) };
        steps.push(param_step(p, value, index));
    }
    if let Some(body) = &op.body {
        let (input, conv, stored) = body_input(&body.ty, body.kind);
        let ct = &body.content_type;
        let call = match body.kind {
            BodyKind::Json => quote!(json_body),
            BodyKind::Form => quote!(form_body),
            BodyKind::Multipart => quote!(multipart_body),
            _ => quote!(raw_body),
        };
        let arg = match body.kind {
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => quote!(&body),
            _ => quote!(body),
        };
        if body.required {
            fields.push(quote!(body: #stored));
            steps.push(quote!({ let body = self.body; request.#call(#ct, #arg); }));
        } else {
            fields.push(quote!(body: Option<#stored>));
            let text = body.doc.clone().unwrap_or_else(|| "The request body.".to_owned());
            let doc = docs(Some(&text), &[format!("Sent as {}.", code_span(ct))]);
            setters.push(quote! {
                #doc
                pub fn body(mut self, value: #input) -> Self {
                    self.body = Some(value #conv);
                    self
                }
            });
            steps.push(quote!(if let Some(body) = self.body { request.#call(#ct, #arg); }));
        }
    }
    // Non-JSON successes still have JSON errors: accept both, or a strict
    // server could answer 406 instead of the typed error.
    let json_errors = op.errors.iter().chain(&op.default_error).any(|e| e.body.is_some());
    match (op.returns.kind, &op.returns.content_type) {
        (ResponseKind::Json, _) | (ResponseKind::Empty, _) => {}
        (_, Some(ct)) if json_errors => {
            let accept = format!("{ct}, application/json");
            steps.push(quote!(request.accept(#accept);));
        }
        (_, Some(ct)) => steps.push(quote!(request.accept(#ct);)),
        (_, None) => steps.push(quote!(request.accept("*/*");)),
    }
    let returns = return_type(op);
    // Every kind of body has one generic sender in the runtime, so an
    // operation compiles to a plain function, not an async state machine.
    let sender = match op.returns.kind {
        ResponseKind::Json => quote!(send_json),
        ResponseKind::Bytes => quote!(send_download),
        ResponseKind::Text => quote!(send_text),
        ResponseKind::Empty => quote!(send_empty),
    };
    let http_method = ident(&op.http_method);
    let decoder = format_ident!("decode_error_{}", decoder);
    let doc = format!(" Request builder for [`Client::{method}`](super::Client::{method}).");
    let request = code_span(&format!("{} {}", op.http_method, op.path));
    let send_doc = match op.returns.kind {
        ResponseKind::Bytes => format!(" Send {request} and stream the body (see [`crate::runtime::Download`])."),
        _ => format!(" Send {request} and decode the response."),
    };
    let mut_request = if steps.is_empty() { quote!() } else { quote!(mut) };
    let route = route(op, editions);
    let paging = op.pagination.as_ref().map(pagination_methods);
    // `send`, `send_raw` and `IntoFuture` come from the runtime's
    // `sendable!` (`runtime/pending.rs`).
    quote! {
        #cfg
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent with `.send().await`"]
        pub struct #name {
            client: super::Client,
            #(#fields,)*
        }

        #cfg
        impl #name {
            #(#setters)*

            /// The request this builder describes, and the client to send it with.
            fn into_request(self) -> (super::Client, crate::runtime::Request<super::ErrorBody>) {
                #route
                let #mut_request request = crate::runtime::Request::new(
                    ::reqwest::Method::#http_method,
                    operation_id,
                    base_path,
                    path,
                    #decoder,
                );
                #(#steps)*
                (self.client, request)
            }

            #paging
        }

        #cfg
        crate::runtime::sendable!(#name => #returns, #sender, #send_doc);
    }
}

/// Where the request goes: `operation_id`, `base_path` and `path` bindings.
/// An API served at several places picks them by the client's edition.
fn route(op: &Operation, editions: &[Edition]) -> TokenStream {
    let (op_id, path) = (&op.operation_id, &op.path);
    if editions.is_empty() {
        return quote! { let (operation_id, base_path, path) = (#op_id, super::BASE_PATH, #path); };
    }
    let arms = editions.iter().filter(|e| e.changes_routes()).map(|e| {
        let variant = format_ident!("{}", super::api::edition_variant(&e.module));
        let (id, path) = (e.operation_id(op_id), e.path(path));
        quote!(super::Edition::#variant => (#id, #path),)
    });
    quote! {
        let edition = self.client.edition();
        let base_path = edition.base_path();
        let (operation_id, path) = match edition {
            #(#arms)*
            _ => (#op_id, #path),
        };
    }
}

/// `stream`, `collect_all` and `send_page` for `offset`/`limit` collections.
/// The paging itself is the runtime's; this only says how to ask for a page.
fn pagination_methods(p: &Pagination) -> TokenStream {
    let item = rust_type(&p.item, Scope::Builders);
    let offset = ident(&p.offset_field);
    let limit = ident(&p.limit_field);
    let page_size = Literal::i64_unsuffixed(p.page_size);
    let (widen, narrow) = match p.index_type {
        TypeRef::I64 => (quote!(|v| v), quote!(|v: i64| v)),
        _ => (quote!(i64::from), quote!(|v: i64| i32::try_from(v).unwrap_or(i32::MAX))),
    };
    let stream_doc = format!(
        " Every item of the collection, fetched lazily one page at a time, from the offset set on this \
         builder (default 0) in pages of the limit set on it (default {}). At most one page is held \
         in memory.",
        p.page_size
    );
    quote! {
        #[doc = #stream_doc]
        pub fn stream(self) -> crate::runtime::ItemStream<#item, super::Error> {
            let start = self.#offset.map_or(0, #widen);
            let page_size = self.#limit.map_or(#page_size, #widen);
            let narrow = #narrow;
            crate::runtime::paginate(start, page_size, move |offset, limit| {
                let mut page = self.clone();
                page.#offset = Some(narrow(offset));
                page.#limit = Some(narrow(limit));
                page.send()
            })
        }

        /// Every item of the collection in one vector (see [`Self::stream`]).
        pub fn collect_all(self) -> crate::runtime::Pending<Vec<#item>, super::ErrorBody> {
            crate::runtime::collect_all(self.stream())
        }

        /// Send, returning the items with `X-Total-Count` (which the server
        /// sends when the request has `count=true`).
        pub fn send_page(self) -> crate::runtime::Pending<crate::runtime::Page<#item>, super::ErrorBody> {
            let (client, request) = self.into_request();
            client.runtime().send_page(request)
        }
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The request-building call for one parameter. `value` is an
/// `Option<&T>` expression.
fn param_step(p: &Param, value: TokenStream, index: &TypeIndex<'_>) -> TokenStream {
    let wire = &p.name;
    let field = ident(&p.rust_name);
    // Lists of scalars have their own encoding; anything structured travels as JSON text.
    let list_item = match &p.ty {
        TypeRef::Vec(inner) if index.is_scalar(inner) => Some(inner),
        _ => None,
    };
    let scalar = index.is_scalar(&p.ty);
    let json_value = quote!(#value.map(|v| ::serde_json::to_value(v).unwrap_or_default()).as_ref());
    match p.location {
        ParamLocation::Path => {
            if scalar {
                quote!(request.path_param(#wire, &self.#field);)
            } else {
                quote!(request.path_param(#wire, &::serde_json::to_value(&self.#field).unwrap_or_default());)
            }
        }
        ParamLocation::Query => {
            let explode = p.explode;
            let delimiter = p.style.delimiter();
            if list_item.is_some() && (explode || delimiter == ",") {
                quote!(request.query_list(#wire, #value.map(|v| v.as_slice()), #explode);)
            } else if list_item.is_some() {
                quote!(request.query_delimited(#wire, #value.map(|v| v.as_slice()), #delimiter);)
            } else if scalar {
                quote!(request.query(#wire, #value);)
            } else {
                quote!(request.query(#wire, #json_value);)
            }
        }
        ParamLocation::Header | ParamLocation::Cookie => {
            let call = if p.location == ParamLocation::Header { quote!(header) } else { quote!(cookie) };
            if scalar {
                quote!(request.#call(#wire, #value);)
            } else {
                quote!(request.#call(#wire, #json_value);)
            }
        }
    }
}
