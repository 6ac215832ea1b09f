//! Project automation behind `cargo xtask`. The library part is shared by the
//! command line (`main.rs`) and by the tests that keep `generated/` honest.

pub mod config;
pub mod sync;

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding `spec/` and `generated/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

// The README's Rust examples are compiled as doctests of this crate, so the
// usage shown to newcomers cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
