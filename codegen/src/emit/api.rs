//! The API module's `mod.rs`: its client, error type and error bodies.

use proc_macro2::TokenStream;
use quote::quote;

use heck::ToUpperCamelCase;
use quote::format_ident;

use super::docs::inner_docs;
use super::rust_type::{ident, rust_type, Scope};
use crate::edition::Edition;
use crate::ir::Api;
use crate::text::{code_span, markdown_inline};

/// `editions`: the other places this module's operations are served at.
/// `tagged`: operations compile per tag feature, so the typed mocks (which
/// list every operation) need all of them (`full`).
pub fn api_module(api: &Api, module: &str, editions: &[Edition], tagged: bool) -> TokenStream {
    let base_path = &api.base_path;
    let mock_cfg = if tagged { quote!(#[cfg(all(feature = "mock", feature = "full"))]) } else { quote!(#[cfg(feature = "mock")]) };
    let mut parts = vec![markdown_inline(&api.title), format!("Version {} of the API.", code_span(&api.version))];
    if let Some(d) = &api.description {
        parts.push(d.clone());
    }
    parts.push(format!(
        "Start with [`Client`]: every operation is a method on it that returns a request builder. \
         Types are in [`models`]. {} operations, {} types.",
        api.operations.len(),
        api.types.len()
    ));
    let module_doc = inner_docs(&parts);
    let variants = api.error_bodies.iter().map(|v| {
        let name = ident(&v.rust_name);
        let ty = rust_type(&v.ty, Scope::Api);
        let doc = format!(" A [`{}`](models::{}) body.", v.rust_name, v.rust_name);
        quote! { #[doc = #doc] #name(#ty), }
    });
    let other = ident(&other_variant(api));
    let base_doc = format!(" Path prefix of every operation of this API ({}).", code_span(base_path));
    let client_doc = format!(" Client for the {} operations.", markdown_inline(&api.title));
    let accessor = format!("[`Client::{module}`](crate::Client::{module})");
    let sharing = if editions.is_empty() {
        format!(" Build one with [`Client::new`], or share a connection with {accessor}.")
    } else {
        format!(" Build one with [`Client::new`] (the `{module}` edition) or [`Client::with_edition`].")
    };
    let home = Edition::home(module, api);
    let (client_fields, client_init, edition_items) = if editions.is_empty() {
        (quote!(), quote!(), quote!())
    } else {
        let home_variant = format_ident!("{}", edition_variant(module));
        (
            quote!(edition: Edition,),
            quote!(edition: Edition::#home_variant,),
            edition_enum(api, &home, editions),
        )
    };
    let edition_methods = if editions.is_empty() {
        quote!()
    } else {
        quote! {
            /// Use an existing connection for the given edition of the API.
            pub fn with_edition(runtime: crate::runtime::Client, edition: Edition) -> Self {
                Client { runtime, edition }
            }

            /// Where this client sends requests.
            pub fn edition(&self) -> Edition {
                self.edition
            }
        }
    };
    quote! {
        #module_doc

        /// Request builders returned by the [`Client`] methods.
        pub mod builders;
        /// Types of request and response bodies.
        pub mod models;
        #mock_cfg
        pub mod mock;

        #[doc = #base_doc]
        pub const BASE_PATH: &str = #base_path;

        /// Error returned by this API's operations; its API variant carries an [`ErrorBody`].
        pub type Error = crate::runtime::Error<ErrorBody>;

        /// The typed body of an error response, by the type the spec declares
        /// for its status.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum ErrorBody {
            #(#variants)*
            /// A JSON body for a status with no declared type.
            #other(::serde_json::Value),
        }

        #[doc = #client_doc]
        ///
        #[doc = #sharing]
        /// Cloning is cheap: clones share the connection pool and credentials.
        #[derive(Debug, Clone)]
        pub struct Client {
            runtime: crate::runtime::Client,
            #client_fields
        }

        impl Client {
            /// A client for `base_url` (e.g. `https://acme.api.identitynow.com`;
            /// [`BASE_PATH`] is added for you) sending `token` as a bearer token.
            pub fn new(
                base_url: impl AsRef<str>,
                token: impl Into<crate::runtime::SecretString>,
            ) -> ::std::result::Result<Self, crate::runtime::ConfigError> {
                crate::runtime::Client::new(base_url, token).map(Self::from_runtime)
            }

            /// A client configured from the environment: `SAIL_BASE_URL`, and
            /// `SAIL_CLIENT_ID` + `SAIL_CLIENT_SECRET` or `SAIL_ACCESS_TOKEN`
            /// (see [`crate::runtime::Client::from_env`]).
            pub fn from_env() -> ::std::result::Result<Self, crate::runtime::ConfigError> {
                crate::runtime::Client::from_env().map(Self::from_runtime)
            }

            /// Use an existing connection (see [`crate::runtime::ClientBuilder`]).
            pub fn from_runtime(runtime: crate::runtime::Client) -> Self {
                Client { runtime, #client_init }
            }

            #edition_methods

            /// The underlying connection.
            pub fn runtime(&self) -> &crate::runtime::Client {
                &self.runtime
            }
        }

        impl From<crate::runtime::Client> for Client {
            fn from(runtime: crate::runtime::Client) -> Self {
                Client::from_runtime(runtime)
            }
        }

        #edition_items
    }
}

/// `v2024` -> `V2024`: the [`Edition`] variant of a module.
pub(super) fn edition_variant(module: &str) -> String {
    module.to_upper_camel_case()
}

fn edition_doc(e: &Edition) -> String {
    let place = if e.base_path.is_empty() { "the host root".to_owned() } else { code_span(&e.base_path) };
    let mut doc = format!(" `{}`: at {place}", e.module);
    if let Some(version) = &e.path_version {
        doc += &format!(", with {} after each path's first segment", code_span(&format!("/{version}")));
    }
    if !e.operation_id_suffix.is_empty() {
        doc += &format!(", operation ids ending in {}", code_span(&e.operation_id_suffix));
    }
    doc + "."
}

/// The `Edition` enum: where a client of a module served at several places
/// sends its requests.
fn edition_enum(api: &Api, home: &Edition, editions: &[Edition]) -> TokenStream {
    let all: Vec<&Edition> = std::iter::once(home).chain(editions).collect();
    let variants = all.iter().map(|e| {
        let variant = format_ident!("{}", edition_variant(&e.module));
        let doc = edition_doc(e);
        quote! { #[doc = #doc] #variant, }
    });
    let base_paths = all.iter().map(|e| {
        let variant = format_ident!("{}", edition_variant(&e.module));
        let base = &e.base_path;
        quote!(Edition::#variant => #base,)
    });
    let modules = all.iter().map(|e| {
        let variant = format_ident!("{}", edition_variant(&e.module));
        let module = &e.module;
        quote!(Edition::#variant => #module,)
    });
    let renamed = editions.iter().filter(|e| !e.operation_id_suffix.is_empty()).flat_map(|e| {
        let variant = format_ident!("{}", edition_variant(&e.module));
        api.operations.iter().map(move |op| {
            let (id, theirs) = (&op.operation_id, e.operation_id(&op.operation_id));
            quote!((Edition::#variant, #id) => ::std::option::Option::Some(#theirs),)
        })
    });
    let same = api.operations.iter().map(|op| {
        let id = &op.operation_id;
        quote!((_, #id) => ::std::option::Option::Some(#id),)
    });
    quote! {
        /// The places this module's operations are served at: each edition
        /// is a module of the crate (and a cargo feature) sharing these
        /// types and builders, with its own base path and routes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Edition {
            #(#variants)*
        }

        impl Edition {
            /// Path prefix of every operation in this edition.
            pub const fn base_path(self) -> &'static str {
                match self {
                    #(#base_paths)*
                }
            }

            /// The crate module (and cargo feature) of this edition.
            pub const fn module(self) -> &'static str {
                match self {
                    #(#modules)*
                }
            }

            /// The operation id this edition uses for an operation named
            /// `operation_id` in this module's docs; `None` for an unknown one.
            pub fn operation_id(self, operation_id: &str) -> ::std::option::Option<&'static str> {
                match (self, operation_id) {
                    #(#renamed)*
                    #(#same)*
                    _ => ::std::option::Option::None,
                }
            }
        }
    }
}

/// `mod.rs` of an edition served by another module's code: re-exports, its
/// base path, and a `Client` that sends there.
pub fn edition_module(api: &Api, home_module: &str, edition: &Edition) -> TokenStream {
    let home = format_ident!("{}", home_module);
    let variant = format_ident!("{}", edition_variant(&edition.module));
    let module = &edition.module;
    let module_doc = inner_docs(&[
        format!("The `{module}` edition of {}", markdown_inline(&api.title)),
        format!(
            "The operations and types of [`crate::{home_module}`], served{}. Method names are the same in every edition; \
             the operation ids this edition uses are in each method's docs and in errors.",
            edition_doc(edition).trim_start_matches(&format!(" `{module}`:")).trim_end_matches('.')
        ),
    ]);
    let base_path = &edition.base_path;
    let base_doc = if base_path.is_empty() {
        " Path prefix of every operation of this edition: none, paths start at the host root.".to_owned()
    } else {
        format!(" Path prefix of every operation of this edition ({}).", code_span(base_path))
    };
    let client_doc = format!(
        " Client for the `{module}` edition: the methods are those of [`crate::{home_module}::Client`], which it dereferences to."
    );
    let accessor = format!(" Build one with [`Client::new`], or share a connection with [`Client::{module}`](crate::Client::{module}).");
    quote! {
        #module_doc

        pub use crate::#home::{builders, models, Edition, Error, ErrorBody};

        #[cfg(feature = "mock")]
        pub mod mock;

        #[doc = #base_doc]
        pub const BASE_PATH: &str = #base_path;

        #[doc = #client_doc]
        ///
        #[doc = #accessor]
        #[derive(Debug, Clone)]
        pub struct Client(crate::#home::Client);

        impl Client {
            /// A client for `base_url` (e.g. `https://acme.api.identitynow.com`;
            /// [`BASE_PATH`] is added for you) sending `token` as a bearer token.
            pub fn new(
                base_url: impl AsRef<str>,
                token: impl Into<crate::runtime::SecretString>,
            ) -> ::std::result::Result<Self, crate::runtime::ConfigError> {
                crate::runtime::Client::new(base_url, token).map(Self::from_runtime)
            }

            /// A client configured from the environment (see
            /// [`crate::runtime::Client::from_env`]).
            pub fn from_env() -> ::std::result::Result<Self, crate::runtime::ConfigError> {
                crate::runtime::Client::from_env().map(Self::from_runtime)
            }

            /// Use an existing connection (see [`crate::runtime::ClientBuilder`]).
            pub fn from_runtime(runtime: crate::runtime::Client) -> Self {
                Client(crate::#home::Client::with_edition(runtime, Edition::#variant))
            }
        }

        impl ::std::ops::Deref for Client {
            type Target = crate::#home::Client;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl From<crate::runtime::Client> for Client {
            fn from(runtime: crate::runtime::Client) -> Self {
                Client::from_runtime(runtime)
            }
        }

        impl From<Client> for crate::#home::Client {
            fn from(client: Client) -> Self {
                client.0
            }
        }
    }
}

/// The `ErrorBody` variant for a JSON body of a status with no declared
/// type: `Other`, unless an error body type has that name (then `OtherBody`,
/// `OtherBody2`, ...).
pub(super) fn other_variant(api: &Api) -> String {
    let taken = |name: &str| api.error_bodies.iter().any(|v| v.rust_name == name);
    let mut name = "Other".to_owned();
    let mut n = 1;
    while taken(&name) {
        name = if n == 1 { "OtherBody".to_owned() } else { format!("OtherBody{n}") };
        n += 1;
    }
    name
}
