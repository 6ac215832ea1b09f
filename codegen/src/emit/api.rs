//! The API module's `mod.rs`: its client, error type and error bodies.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::inner_docs;
use super::rust_type::{ident, rust_type, Scope};
use crate::ir::Api;
use crate::text::{code_span, markdown_inline};

pub fn api_module(api: &Api, module: &str) -> TokenStream {
    let base_path = &api.base_path;
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
    let sharing = format!(" Build one with [`Client::new`], or share a connection with {accessor}.");
    quote! {
        #module_doc

        /// Request builders returned by the [`Client`] methods.
        pub mod builders;
        /// Types of request and response bodies.
        pub mod models;

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
                Client { runtime }
            }

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
