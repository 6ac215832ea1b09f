//! An OpenAPI 3.0 and 3.1 to Rust client generator.
//!
//! The pipeline, one module per step:
//!
//! 1. [`load`] reads YAML or JSON; [`bundle`] joins multi-file specs into one
//!    document, remembering where each part came from, reading only the files
//!    the [`sandbox`] admits; [`openapi31`] rewrites an OpenAPI 3.1 document
//!    into the 3.0 shape.
//! 2. [`resolve`] parses it with `openapiv3` and resolves it into the small
//!    [`ir`] model: named types and operations.
//! 3. [`emit`] turns the IR into Rust tokens with `quote` and formats them with
//!    `prettyplease`; [`krate`] assembles whole crates.
//!
//! Where does a spec construct become Rust? Schemas: `resolve/types.rs` (which
//! type) and `emit/models.rs` (its code). Operations: `resolve/operations.rs`
//! and `emit/operations.rs`.

pub mod bundle;
pub mod edition;
pub mod emit;
pub mod error;
pub mod ir;
pub mod krate;
pub mod load;
pub mod names;
pub mod openapi31;
pub mod refs;
pub mod resolve;
pub mod sandbox;
pub mod segment;
pub mod tags;
pub mod text;

use std::path::Path;

pub use error::{Error, Location, Warning};

/// Load, bundle, parse and resolve one spec file. External `$ref`s may read
/// only inside the spec's own directory ([`sandbox`]).
pub fn load_api(spec: &Path, warnings: &mut Vec<Warning>) -> Result<ir::Api, Error> {
    load_api_with(spec, &bundle::Options::default(), warnings)
}

/// [`load_api`] with explicit bundling options (a wider `ref_root`).
pub fn load_api_with(spec: &Path, options: &bundle::Options, warnings: &mut Vec<Warning>) -> Result<ir::Api, Error> {
    let mut bundle = bundle::bundle_with(spec, options, warnings)?;
    openapi31::normalize(&mut bundle, warnings);
    let parsed = resolve::parse(&bundle)?;
    resolve::resolve(&bundle, &parsed, warnings)
}
