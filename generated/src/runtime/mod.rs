//! The hand-written runtime every generated operation calls: the HTTP client
//! and its configuration, request building (percent-encoding, query strings,
//! headers), response decoding and the error types.
//!
//! Nothing here knows about role mining: the generator copies this module
//! verbatim into every crate it writes.

mod client;
mod error;
mod params;
mod request;
mod response;
mod secret;
mod wire_enum;

pub use client::{Client, ClientBuilder, ConfigError};
pub use error::{ApiError, DecodeError, Error, RequestError, TransportError};
pub use params::ParamValue;
pub use request::Request;
pub use response::Response;
pub use secret::SecretString;
#[doc(hidden)]
pub use wire_enum::deserialize_wire_enum;
