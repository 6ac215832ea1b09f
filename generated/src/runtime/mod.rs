//! The hand-written runtime every generated operation calls: the HTTP client
//! and its configuration (credentials, retries, timeouts), request building
//! (percent-encoding, query strings, headers), response decoding, downloads,
//! pagination, job polling and the error types.
//!
//! Nothing here knows about role mining: the generator copies this module
//! verbatim into every crate it writes.

mod auth;
mod client;
mod download;
mod error;
#[cfg(feature = "mock")]
pub mod mock;
mod multipart;
// Public for the expansions of `json_object!` in generated models.
#[doc(hidden)]
pub mod object;
mod paginate;
mod pending;
mod params;
mod poll;
mod rate_limit;
mod request;
mod response;
mod retry;
mod secret;
mod wire_enum;

pub use auth::{AuthError, ClientCredentials, StaticToken, TokenFuture, TokenProvider};
pub use client::{Client, ClientBuilder, ConfigError, ENV_ACCESS_TOKEN, ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET};
pub use download::Download;
pub use error::{
    ApiError, AuthFailure, DecodeError, Error, IoError, JobError, RequestError, TimeoutError, TransportError, TransportKind, TransportPhase,
};
pub use multipart::Multipart;
#[doc(hidden)]
pub use object::FieldKey;
#[allow(unused_imports)] // used by generated models, if any
pub(crate) use object::json_object;
pub use paginate::{paginate, ItemStream, Page};
#[doc(hidden)]
pub use pending::collect_all;
pub use pending::Pending;
#[allow(unused_imports)] // used by generated builders, if any
pub(crate) use pending::sendable;
pub use params::ParamValue;
pub use poll::{poll_until, PollPolicy};
pub use rate_limit::{fan_out, RateLimit};
pub use request::Request;
pub use response::Response;
pub use retry::RetryPolicy;
pub use secret::SecretString;
#[doc(hidden)]
pub use wire_enum::deserialize_wire_enum;
#[allow(unused_imports)] // used by generated models, if any
pub(crate) use wire_enum::wire_enum;
