//! Operations -> `mock.rs` (behind the cargo feature `mock`): a typed mock
//! server per API module. The machinery (matching, reports, answers) is the
//! hand-written `runtime::mock`; this emits only what is typed per
//! operation: a marker type with the operation's routes and requirements,
//! its declared error statuses and body types, setters taking the
//! operation's own parameter and body types, and `respond` taking what
//! `send()` returns.

use std::collections::HashSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::api::edition_variant;
use super::docs::inner_docs;
use super::rust_type::{ident, rust_type, Scope, TypeIndex};
use crate::edition::Edition;
use crate::ir::{Api, BodyKind, Operation, Param, ParamLocation, ResponseKind, TypeRef};
use crate::text::code_span;

/// Methods of the runtime's `Expectation` and those generated on every
/// expectation: parameter setters must not take these names (E0592).
const EXPECTATION_METHODS: &[&str] = &[
    "header",
    "respond_error",
    "with_header",
    "total_count",
    "delay",
    "drop_connection",
    "times",
    "expect",
    "mount",
    "match_path",
    "match_path_json",
    "match_query",
    "match_query_json",
    "match_query_list",
    "match_header",
    "match_header_json",
    "match_cookie",
    "match_cookie_json",
    "match_json_body",
    "match_form_body",
    "match_raw_body",
    "reply_json",
    "reply_raw",
    "reply_empty",
    "reply_error_in",
    // Generated per operation.
    "body",
    "respond",
    "respond_default_error",
    "respond_error_1xx",
    "respond_error_2xx",
    "respond_error_3xx",
    "respond_error_4xx",
    "respond_error_5xx",
    // Trait methods an inherent method would hide.
    "clone",
    "fmt",
];

/// Methods of a module's `MockServer` and of the runtime server it
/// dereferences to: operations must not take these names.
const SERVER_METHODS: &[&str] = &[
    "start",
    "start_for",
    "client",
    "client_for",
    "uri",
    "client_builder",
    "runtime_client",
    "wiremock",
    "expectation",
    "verify",
    "verify_report",
    "edition",
    "deref",
    "clone",
    "fmt",
];

/// A name not in `taken`: `name`, else `name` + `suffix` (+ `_2`, ...).
fn free_name(name: &str, suffix: &str, taken: &HashSet<String>) -> String {
    let bare = name.trim_start_matches("r#");
    if !taken.contains(bare) {
        return name.to_owned();
    }
    let mut candidate = format!("{bare}{suffix}");
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{bare}{suffix}_{n}");
        n += 1;
    }
    candidate
}

/// A short Rust spelling of a type, for messages.
fn type_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::U64 => "u64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map".into(),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_label(inner)),
        TypeRef::Tuple(items) => format!("({})", items.iter().map(type_label).collect::<Vec<_>>().join(", ")),
        TypeRef::Map(inner) => format!("HashMap<String, {}>", type_label(inner)),
        TypeRef::Option(inner) => format!("Option<{}>", type_label(inner)),
        TypeRef::Unit => "()".into(),
    }
}

/// A borrowed argument of type `ty`: `&[T]` for a list, `&str` for text.
fn borrowed(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Vec(inner) => {
            let inner = rust_type(inner, Scope::Builders);
            quote!(&[#inner])
        }
        TypeRef::String => quote!(&str),
        other => {
            let t = rust_type(other, Scope::Builders);
            quote!(&#t)
        }
    }
}

/// Names in one module's `mock.rs`: marker types and server methods.
struct Names {
    markers: Vec<String>,
    methods: Vec<String>,
}

fn names(api: &Api) -> Names {
    let ops: HashSet<String> = api.operations.iter().map(|op| op.method_name.trim_start_matches("r#").to_owned()).collect();
    let mut taken: HashSet<String> = SERVER_METHODS.iter().map(|s| (*s).to_owned()).collect();
    taken.extend(ops.iter().cloned());
    let methods = api
        .operations
        .iter()
        .map(|op| {
            if SERVER_METHODS.contains(&op.method_name.trim_start_matches("r#")) {
                let name = free_name(&op.method_name, "_operation", &taken);
                taken.insert(name.clone());
                name
            } else {
                op.method_name.clone()
            }
        })
        .collect();
    let builders: HashSet<&str> = api.operations.iter().map(|op| op.builder_name.as_str()).collect();
    let markers = api
        .operations
        .iter()
        .map(|op| {
            if op.builder_name == "MockServer" {
                let mut name = "MockServerOperation".to_owned();
                while builders.contains(name.as_str()) {
                    name.push('_');
                }
                name
            } else {
                op.builder_name.clone()
            }
        })
        .collect();
    Names { markers, methods }
}

/// The `mock.rs` of an API module named `module` (crate `crate_name`),
/// also serving `editions`.
pub fn mock_module(api: &Api, module: &str, editions: &[Edition], crate_name: &str, index: &TypeIndex<'_>) -> TokenStream {
    let names = names(api);
    let home = Edition::home(module, api);
    let all: Vec<&Edition> = std::iter::once(&home).chain(editions).collect();
    let mut items = Vec::new();
    let mut methods = Vec::new();
    let mut markers = Vec::new();
    for ((op, marker), method) in api.operations.iter().zip(&names.markers).zip(&names.methods) {
        let marker = ident(marker);
        items.push(operation_items(api, op, &marker, &all, index));
        methods.push(server_method(op, &marker, &ident(method)));
        markers.push(marker);
    }
    let count = Literal::usize_unsuffixed(markers.len());
    let module_doc = module_docs(api, module, editions, crate_name, &names, index);
    let (fields, start) = if editions.is_empty() {
        let start = quote! {
            /// Start a server on 127.0.0.1 answering this module's operations.
            pub async fn start() -> Self {
                MockServer { server: crate::runtime::mock::MockServer::start(&OPERATIONS, ::std::option::Option::None).await }
            }

            /// A client of this module pointed at the server (bearer token
            /// [`TOKEN`](crate::runtime::mock::TOKEN), retries and rate limiting off).
            pub fn client(&self) -> super::Client {
                super::Client::from_runtime(self.server.runtime_client())
            }
        };
        (quote!(), start)
    } else {
        let home_variant = format_ident!("{}", edition_variant(module));
        let start = quote! {
            /// Start a server on 127.0.0.1 answering this module's
            /// operations at the routes of every edition; [`Self::client`]
            /// is a client of this module's own edition.
            pub async fn start() -> Self {
                MockServer {
                    server: crate::runtime::mock::MockServer::start(&OPERATIONS, ::std::option::Option::None).await,
                    edition: super::Edition::#home_variant,
                }
            }

            /// Start a server on 127.0.0.1 answering the operations at the
            /// routes of `edition` only (its base path and per-resource
            /// paths); [`Self::client`] is a client of that edition.
            pub async fn start_for(edition: super::Edition) -> Self {
                MockServer {
                    server: crate::runtime::mock::MockServer::start(&OPERATIONS, ::std::option::Option::Some(edition.module())).await,
                    edition,
                }
            }

            /// A client of the server's edition pointed at it (bearer token
            /// [`TOKEN`](crate::runtime::mock::TOKEN), retries and rate limiting off).
            pub fn client(&self) -> super::Client {
                self.client_for(self.edition)
            }

            /// A client of `edition` pointed at the server: its requests
            /// take that edition's routes, which the server answers if it
            /// was started with [`Self::start`] or for that edition.
            pub fn client_for(&self, edition: super::Edition) -> super::Client {
                super::Client::with_edition(self.server.runtime_client(), edition)
            }

            /// The edition [`Self::client`] speaks.
            pub fn edition(&self) -> super::Edition {
                self.edition
            }
        };
        (quote!(edition: super::Edition,), start)
    };
    quote! {
        #module_doc
        #![allow(deprecated)]

        /// The operations of this module, for reports on unmatched requests.
        const OPERATIONS: [&crate::runtime::mock::OperationSpec; #count] = [
            #(<#markers as crate::runtime::mock::Operation>::SPEC,)*
        ];

        /// A mock server for this module's operations: one method per
        /// operation returns an expectation to narrow, answer and mount.
        /// It dereferences to [`crate::runtime::mock::MockServer`]
        /// (`uri`, `verify`, `verify_report`, `wiremock`, ...).
        #[derive(Debug)]
        pub struct MockServer {
            server: crate::runtime::mock::MockServer,
            #fields
        }

        impl MockServer {
            #start

            #(#methods)*
        }

        impl ::std::ops::Deref for MockServer {
            type Target = crate::runtime::mock::MockServer;

            fn deref(&self) -> &Self::Target {
                &self.server
            }
        }

        #(#items)*
    }
}

fn module_docs(api: &Api, module: &str, editions: &[Edition], crate_name: &str, names: &Names, index: &TypeIndex<'_>) -> TokenStream {
    let krate = crate_name.replace('-', "_");
    let mut parts = vec![
        "Typed mocks of this module's operations, for tests (cargo feature `mock`).".to_owned(),
        "[`MockServer::start`] starts a server on 127.0.0.1 and [`MockServer::client`] is a client of this module \
         pointed at it. Each operation is a method of the server returning an \
         [`Expectation`](crate::runtime::mock::Expectation): narrow it with setters named and typed like the \
         operation's parameters and `body`, answer with `respond` (typed like what `send()` returns), \
         `respond_error::<STATUS>` (only a declared status, with its declared body type), `with_header`, \
         `total_count`, `delay` or `drop_connection`, require a number of calls with `times` or `expect`, \
         then `.mount().await`. Requests no expectation matches, and requests that break the spec, are answered \
         with HTTP 418 and fail [`verify`](crate::runtime::mock::MockServer::verify) and the server's drop with a \
         report naming the closest operation and what differed (see [`crate::runtime::mock`])."
            .to_owned(),
    ];
    if !editions.is_empty() {
        parts.push(
            "The server answers the routes of every edition unless started with [`MockServer::start_for`]; \
             [`MockServer::client_for`] is a client of another edition. Each edition's module has a `mock` \
             of its own whose server and client are that edition's."
                .to_owned(),
        );
    }
    let doc = inner_docs(&parts);
    let example = example(api, module, &krate, names, index);
    let lines = example.iter().map(|l| quote!(#![doc = #l]));
    quote! {
        #doc
        #(#lines)*
    }
}

/// A doctest: one operation without required arguments answered and called.
fn example(api: &Api, module: &str, krate: &str, names: &Names, index: &TypeIndex<'_>) -> Vec<String> {
    let usable = api.operations.iter().zip(&names.methods).find_map(|(op, method)| {
        let no_arguments = op.params.iter().all(|p| !p.required || p.constant.is_some()) && op.body.as_ref().is_none_or(|b| !b.required);
        let respond = match op.returns.kind {
            ResponseKind::Empty => Some(".respond()".to_owned()),
            ResponseKind::Json if success_or_empty(op).is_some() => Some(".respond(None)".to_owned()),
            ResponseKind::Json if matches!(op.returns.ty, TypeRef::Vec(_)) => Some(".respond(&[])".to_owned()),
            ResponseKind::Json if op.returns.ty != TypeRef::String && index.has_default(&op.returns.ty) => Some(".respond(&Default::default())".to_owned()),
            _ => None,
        };
        respond.filter(|_| no_arguments).map(|r| (op, method, r))
    });
    let mut lines = vec![
        String::new(),
        " ```no_run".to_owned(),
        " # async fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        format!(" use {krate}::{module}::mock::MockServer;"),
        String::new(),
        " let server = MockServer::start().await;".to_owned(),
    ];
    if let Some((op, method, respond)) = &usable {
        let call = &op.method_name;
        lines.extend([
            format!(" server.{method}(){respond}.times(1).mount().await;"),
            format!(" let answer = server.client().{call}().send().await?;"),
            " # let _ = answer;".to_owned(),
        ]);
    } else {
        lines.push(" let client = server.client();".to_owned());
        lines.push(" # let _ = client;".to_owned());
    }
    lines.extend([" server.verify().await;".to_owned(), " # Ok(())".to_owned(), " # }".to_owned(), " ```".to_owned()]);
    // The typed errors: a status the operation does not declare is refused
    // at compile time.
    let declared = usable.as_ref().map(|(op, ..)| op.errors.iter().filter_map(|e| e.status).collect::<Vec<_>>()).unwrap_or_default();
    if let (Some((_, method, _)), false) = (usable, declared.is_empty()) {
        let undeclared = [418, 299, 599].into_iter().find(|s| !declared.contains(s)).unwrap_or(418);
        lines.extend([
            String::new(),
            format!(" `{}` declares {}; any other status does not compile:", method.trim_start_matches("r#"), statuses(&declared)),
            String::new(),
            " ```compile_fail".to_owned(),
            format!(" # async fn example(server: &{krate}::{module}::mock::MockServer) {{"),
            format!(" server.{method}().respond_error::<{undeclared}>(&Default::default()).mount().await;"),
            " # }".to_owned(),
            " ```".to_owned(),
        ]);
    }
    lines
}

/// `400, 404 and 500`.
fn statuses(list: &[u16]) -> String {
    let text: Vec<String> = list.iter().map(u16::to_string).collect();
    match text.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// For a JSON success made optional by a body-less alternative: the status
/// of the body-less one.
fn success_or_empty(op: &Operation) -> Option<u16> {
    if op.returns.kind != ResponseKind::Json || !matches!(op.returns.ty, TypeRef::Option(_)) {
        return None;
    }
    op.success.iter().find(|r| r.kind == ResponseKind::Empty).map(|r| r.status.unwrap_or(204))
}

fn server_method(op: &Operation, marker: &proc_macro2::Ident, method: &proc_macro2::Ident) -> TokenStream {
    let call = &op.method_name;
    let doc = format!(
        " Expect calls of [`Client::{call}`](super::Client::{call}) ({}): narrow with the setters, answer, then `.mount().await`.",
        code_span(&format!("{} {}", op.http_method, op.path))
    );
    quote! {
        #[doc = #doc]
        pub fn #method(&self) -> crate::runtime::mock::Expectation<'_, #marker> {
            self.server.expectation()
        }
    }
}

/// The marker type of one operation, its spec, declared errors and typed
/// setters.
fn operation_items(api: &Api, op: &Operation, marker: &proc_macro2::Ident, editions: &[&Edition], index: &TypeIndex<'_>) -> TokenStream {
    let call = &op.method_name;
    let marker_doc = format!(
        " The operation [`Client::{call}`](super::Client::{call}) ({}): expectations for it are `Expectation<'_, {marker}>`.",
        code_span(&format!("{} {}", op.http_method, op.path))
    );
    let name = op.method_name.trim_start_matches("r#");
    let method = op.http_method.to_ascii_uppercase();
    let routes = editions.iter().map(|e| {
        let (module, template, id) = (&e.module, format!("{}{}", e.base_path, e.path(&op.path)), e.operation_id(&op.operation_id));
        quote!((#module, #template, #id))
    });
    let success_status = Literal::u16_unsuffixed(success_status(op));
    let constant_headers = op.params.iter().filter(|p| p.location == ParamLocation::Header).filter_map(|p| {
        let (name, value) = (&p.name, p.constant.as_ref()?);
        Some(quote!((#name, #value)))
    });
    let required_headers = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header && p.required && p.constant.is_none())
        .map(|p| &p.name);
    let required_query = op.params.iter().filter(|p| p.location == ParamLocation::Query && p.required).map(|p| &p.name);
    let body = match &op.body {
        None => quote!(none),
        Some(body) => {
            let ct = &body.content_type;
            let required = body.required;
            match body.kind {
                BodyKind::Json => {
                    let (label, t) = (type_label(&body.ty), rust_type(&body.ty, Scope::Builders));
                    quote!(json(#ct, #required, #label, #t))
                }
                BodyKind::Text => quote!(text(#ct, #required, "String")),
                BodyKind::Form => {
                    let label = type_label(&body.ty);
                    quote!(unchecked(#ct, #required, #label))
                }
                BodyKind::Multipart => quote!(unchecked(#ct, #required, "Multipart")),
                BodyKind::Bytes => quote!(unchecked(#ct, #required, "Bytes")),
            }
        }
    };
    let (errors, without_body) = declared_errors(api, op);
    let method = proc_macro2::Ident::new(&method, proc_macro2::Span::call_site());
    let setters = setters(api, op, index);
    // The `Operation` and `DeclaredError` impls come from the runtime's
    // `mock::operation!`.
    quote! {
        #[doc = #marker_doc]
        #[derive(Debug)]
        pub enum #marker {}

        crate::runtime::mock::operation!(
            #marker = #name, #method, #success_status,
            routes = [#(#routes),*],
            constant_headers = [#(#constant_headers),*],
            required_headers = [#(#required_headers),*],
            required_query = [#(#required_query),*],
            body = #body,
            errors = [#(#errors),*],
            without_body = [#(#without_body),*]
        );

        impl crate::runtime::mock::Expectation<'_, #marker> {
            #setters
        }
    }
}

/// The status `respond` answers with: the first success status with a body
/// (or the first at all for an empty success), 200 for a range.
fn success_status(op: &Operation) -> u16 {
    let first = match op.returns.kind {
        ResponseKind::Empty => op.success.first(),
        _ => op.success.iter().find(|r| r.kind != ResponseKind::Empty),
    };
    first.and_then(|r| r.status).unwrap_or(200)
}

/// The exact error statuses: `status => body type` for those with a JSON
/// body, and the statuses without one.
fn declared_errors(api: &Api, op: &Operation) -> (Vec<TokenStream>, Vec<Literal>) {
    let (mut with_body, mut without_body) = (Vec::new(), Vec::new());
    for e in &op.errors {
        let Some(status) = e.status else { continue };
        let status = Literal::u16_unsuffixed(status);
        match e.body {
            Some(b) => {
                let ty = rust_type(&api.error_bodies[b].ty, Scope::Builders);
                with_body.push(quote!(#status => #ty));
            }
            None => without_body.push(status),
        }
    }
    (with_body, without_body)
}

/// The expectation's setters: parameters, body, `respond`, and errors
/// declared by ranges or `default`.
fn setters(api: &Api, op: &Operation, index: &TypeIndex<'_>) -> TokenStream {
    let mut taken: HashSet<String> = EXPECTATION_METHODS.iter().map(|s| (*s).to_owned()).collect();
    taken.extend(op.params.iter().map(|p| p.rust_name.trim_start_matches("r#").to_owned()));
    let mut out = Vec::new();
    for p in op.params.iter().filter(|p| p.constant.is_none()) {
        let name = if EXPECTATION_METHODS.contains(&p.rust_name.trim_start_matches("r#")) {
            let name = free_name(&p.rust_name, "_param", &taken);
            taken.insert(name.clone());
            name
        } else {
            p.rust_name.clone()
        };
        out.push(param_setter(p, &ident(&name), index));
    }
    if let Some(body) = &op.body {
        let doc = format!(" Match requests whose body equals this one ({}).", code_span(&body.content_type));
        let setter = match body.kind {
            BodyKind::Json => {
                let ty = borrowed(&body.ty);
                Some(quote!(pub fn body(self, body: #ty) -> Self { self.match_json_body(body) }))
            }
            BodyKind::Form => {
                let ty = borrowed(&body.ty);
                Some(quote!(pub fn body(self, body: #ty) -> Self { self.match_form_body(body) }))
            }
            BodyKind::Bytes => Some(quote!(pub fn body(self, body: impl ::std::convert::Into<::bytes::Bytes>) -> Self { self.match_raw_body(body) })),
            BodyKind::Text => Some(quote! {
                pub fn body(self, body: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.match_raw_body(::std::convert::Into::<::std::string::String>::into(body))
                }
            }),
            // Multipart boundaries are random: match such bodies with the
            // raw wiremock server if need be.
            BodyKind::Multipart => None,
        };
        if let Some(setter) = setter {
            out.push(quote!(#[doc = #doc] #setter));
        }
    }
    out.push(respond(op));
    out.push(undeclared_errors(api, op));
    quote!(#(#out)*)
}

fn param_setter(p: &Param, name: &proc_macro2::Ident, index: &TypeIndex<'_>) -> TokenStream {
    let wire = &p.name;
    let ty = rust_type(&p.ty, Scope::Builders);
    let (input, value) = match &p.ty {
        TypeRef::String => (quote!(impl ::std::convert::Into<::std::string::String>), quote!(&::std::convert::Into::<::std::string::String>::into(value))),
        _ => (ty, quote!(&value)),
    };
    let scalar = index.is_scalar(&p.ty);
    let list = matches!(&p.ty, TypeRef::Vec(inner) if index.is_scalar(inner));
    let (call, place) = match p.location {
        ParamLocation::Path if scalar => (quote!(self.match_path(#wire, #value)), "path parameter"),
        ParamLocation::Path => (quote!(self.match_path_json(#wire, #value)), "path parameter"),
        ParamLocation::Query if list => {
            let (explode, delimiter) = (p.explode, p.style.delimiter());
            (quote!(self.match_query_list(#wire, #value, #explode, #delimiter)), "query parameter")
        }
        ParamLocation::Query if scalar => (quote!(self.match_query(#wire, #value)), "query parameter"),
        ParamLocation::Query => (quote!(self.match_query_json(#wire, #value)), "query parameter"),
        ParamLocation::Header if scalar => (quote!(self.match_header(#wire, #value)), "header"),
        ParamLocation::Header => (quote!(self.match_header_json(#wire, #value)), "header"),
        ParamLocation::Cookie if scalar => (quote!(self.match_cookie(#wire, #value)), "cookie"),
        ParamLocation::Cookie => (quote!(self.match_cookie_json(#wire, #value)), "cookie"),
    };
    let how = match p.location {
        ParamLocation::Path => ", compared after percent-decoding",
        ParamLocation::Query | ParamLocation::Cookie => ", compared after percent-decoding, as the client sends it",
        ParamLocation::Header => ", as the client sends it",
    };
    let doc = format!(" Match requests whose {place} {} is this value{how}.", code_span(wire));
    quote! {
        #[doc = #doc]
        pub fn #name(self, value: #input) -> Self {
            #call
        }
    }
}

/// `respond`, typed like what `send()` returns.
fn respond(op: &Operation) -> TokenStream {
    let status = success_status(op);
    let status_lit = Literal::u16_unsuffixed(status);
    let ct = op.returns.content_type.clone();
    match op.returns.kind {
        ResponseKind::Empty => {
            let doc = format!(" Answer with status {status} and no body.");
            quote! {
                #[doc = #doc]
                pub fn respond(self) -> Self {
                    self.reply_empty(#status_lit)
                }
            }
        }
        ResponseKind::Json => {
            let ct = ct.unwrap_or_else(|| "application/json".to_owned());
            if let (Some(empty), TypeRef::Option(inner)) = (success_or_empty(op), &op.returns.ty) {
                let ty = borrowed(inner);
                let empty_lit = Literal::u16_unsuffixed(empty);
                let doc = format!(" Answer with status {status} and this body ({}), or with status {empty} and no body for `None`.", code_span(&ct));
                return quote! {
                    #[doc = #doc]
                    pub fn respond(self, body: ::std::option::Option<#ty>) -> Self {
                        match body {
                            ::std::option::Option::Some(body) => self.reply_json(#status_lit, #ct, body),
                            ::std::option::Option::None => self.reply_empty(#empty_lit),
                        }
                    }
                };
            }
            let ty = borrowed(&op.returns.ty);
            let doc = format!(" Answer with status {status} and this body ({}).", code_span(&ct));
            quote! {
                #[doc = #doc]
                pub fn respond(self, body: #ty) -> Self {
                    self.reply_json(#status_lit, #ct, body)
                }
            }
        }
        ResponseKind::Bytes => {
            let ct = ct.unwrap_or_else(|| "application/octet-stream".to_owned());
            let doc = format!(" Answer with status {status} and these bytes ({}).", code_span(&ct));
            quote! {
                #[doc = #doc]
                pub fn respond(self, body: impl ::std::convert::Into<::bytes::Bytes>) -> Self {
                    self.reply_raw(#status_lit, #ct, body)
                }
            }
        }
        ResponseKind::Text => {
            let ct = ct.unwrap_or_else(|| "text/plain".to_owned());
            let doc = format!(" Answer with status {status} and this text ({}).", code_span(&ct));
            quote! {
                #[doc = #doc]
                pub fn respond(self, body: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.reply_raw(#status_lit, #ct, ::std::convert::Into::<::std::string::String>::into(body))
                }
            }
        }
    }
}

/// `respond_error_4xx(status, &body)` per declared range and
/// `respond_default_error(status, &body)` for `default`: the status is
/// checked when called.
fn undeclared_errors(api: &Api, op: &Operation) -> TokenStream {
    let exact: Vec<u16> = op.errors.iter().filter_map(|e| e.status).collect();
    let ranges: Vec<u16> = op.errors.iter().filter(|e| e.status.is_none()).filter_map(|e| e.range).collect();
    let pair = |low: u16, high: u16| {
        let (low, high) = (Literal::u16_unsuffixed(low), Literal::u16_unsuffixed(high));
        quote!((#low, #high))
    };
    let exact_pairs: Vec<TokenStream> = exact.iter().map(|s| pair(*s, *s)).collect();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for e in op.errors.iter().filter(|e| e.status.is_none()) {
        let Some(range) = e.range.filter(|r| (1..=5).contains(r) && seen.insert(*r)) else { continue };
        let name = format_ident!("respond_error_{}xx", range);
        let allowed = pair(range * 100, range * 100 + 99);
        let doc = format!(" Answer with an error status the spec declares as `{range}XX` (not one it lists on its own: this panics for those).");
        out.push(error_method(api, &name, &doc, &allowed, &exact_pairs, e.body));
    }
    if let Some(default) = &op.default_error {
        let name = format_ident!("respond_default_error");
        let mut excluded = exact_pairs.clone();
        excluded.extend(ranges.iter().map(|r| pair(r * 100, r * 100 + 99)));
        let doc = " Answer with an error status the spec covers by its `default` response (400 to 599, not one it declares otherwise: this panics for those).";
        out.push(error_method(api, &name, doc, &pair(400, 599), &excluded, default.body));
    }
    quote!(#(#out)*)
}

fn error_method(
    api: &Api,
    name: &proc_macro2::Ident,
    doc: &str,
    allowed: &TokenStream,
    excluded: &[TokenStream],
    body: Option<usize>,
) -> TokenStream {
    match body {
        Some(b) => {
            let ty = rust_type(&api.error_bodies[b].ty, Scope::Builders);
            quote! {
            #[doc = #doc]
            pub fn #name(self, status: u16, body: &#ty) -> Self {
                self.reply_error_in(status, &[#allowed], &[#(#excluded),*], ::std::option::Option::Some(body))
            }
            }
        }
        None => quote! {
            #[doc = #doc]
            pub fn #name(self, status: u16) -> Self {
                self.reply_error_in(status, &[#allowed], &[#(#excluded),*], ::std::option::Option::None::<&()>)
            }
        },
    }
}

/// The `mock.rs` of an edition served by `home_module`'s code: a server
/// answering only this edition's routes and handing out its client.
pub fn edition_mock_module(home_module: &str, edition: &Edition) -> TokenStream {
    let home = format_ident!("{}", home_module);
    let variant = format_ident!("{}", edition_variant(&edition.module));
    let module = &edition.module;
    let doc = inner_docs(&[
        format!("Typed mocks of the `{module}` edition, for tests (cargo feature `mock`)."),
        format!(
            "The expectations are those of [`crate::{home_module}::mock`]; this [`MockServer`] answers them at \
             the `{module}` routes only, and its [`client`](MockServer::client) is a [`super::Client`]."
        ),
    ]);
    let start_doc = format!(" Start a server on 127.0.0.1 answering the `{module}` routes.");
    let server_doc = format!(
        " A mock server answering the operations at the `{module}` routes. It dereferences to \
         [`crate::{home_module}::mock::MockServer`], whose methods set up the expectations."
    );
    quote! {
        #doc

        #[doc = #server_doc]
        #[derive(Debug)]
        pub struct MockServer(crate::#home::mock::MockServer);

        impl MockServer {
            #[doc = #start_doc]
            pub async fn start() -> Self {
                MockServer(crate::#home::mock::MockServer::start_for(super::Edition::#variant).await)
            }

            /// A client of this edition pointed at the server (bearer token
            /// [`TOKEN`](crate::runtime::mock::TOKEN), retries and rate limiting off).
            pub fn client(&self) -> super::Client {
                super::Client::from_runtime(self.0.runtime_client())
            }
        }

        impl ::std::ops::Deref for MockServer {
            type Target = crate::#home::mock::MockServer;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every method of the runtime's `Expectation` is reserved, or a
    /// parameter named like it would be a second definition (E0592).
    #[test]
    fn runtime_expectation_methods_are_reserved() {
        let runtime = include_str!("../../../generated/src/runtime/mock.rs");
        let start = runtime.find("impl<Op: Operation> Expectation<'_, Op> {").expect("the Expectation impl");
        let block = &runtime[start..];
        let mut found = 0;
        for line in block.lines() {
            let line = line.trim_start();
            let Some(rest) = ["pub fn ", "pub(crate) fn ", "pub async fn "].iter().find_map(|p| line.strip_prefix(p)) else {
                continue;
            };
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            assert!(EXPECTATION_METHODS.contains(&name.as_str()), "`{name}` is not in EXPECTATION_METHODS");
            found += 1;
        }
        assert!(found > 20, "the Expectation impl was not read ({found} methods)");
        let server = &runtime[runtime.find("impl MockServer {").expect("the MockServer impl")..];
        let server = &server[..server.find("\n}\n").unwrap()];
        for line in server.lines() {
            let line = line.trim_start();
            if let Some(rest) = ["pub fn ", "pub(crate) fn ", "pub async fn ", "pub(crate) async fn "].iter().find_map(|p| line.strip_prefix(p)) {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                assert!(SERVER_METHODS.contains(&name.as_str()), "`{name}` is not in SERVER_METHODS");
            }
        }
    }

    #[test]
    fn reserved_names_get_a_suffix() {
        let taken: HashSet<String> = ["body".to_owned(), "body_param".to_owned()].into();
        assert_eq!(free_name("body", "_param", &taken), "body_param_2");
        assert_eq!(free_name("limit", "_param", &taken), "limit");
    }
}
