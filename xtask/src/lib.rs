//! Project automation behind `cargo xtask`. The library part is shared by the
//! command line (`main.rs`) and by the tests that keep `generated/` honest.

pub mod bench;
pub mod config;
pub mod output;
pub mod spec_diff;
pub mod sync;

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding `spec/` and `generated/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// `../shared` beside the workspace: upstream reference specs some tests
/// read in place. Missing under `CI=true` is a failure (CI always has it);
/// elsewhere the caller skips, and we print why.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = workspace_root().join("../shared");
    if dir.join("reference").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: {} is missing; CI must provide ../shared beside the checkout", dir.display());
    }
    eprintln!("skipping {test}: {} is not present (clone the project next to shared/ to run it)", dir.display());
    None
}

/// `$XDG_CACHE_HOME/<name>`, else `~/.cache/<name>`: where long runs
/// (`corpus`, `bench`) keep downloads and builds, outside the repository.
pub fn user_cache_dir(name: &str) -> Result<PathBuf, String> {
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(home) => PathBuf::from(home).join(".cache"),
            None => return Err("neither XDG_CACHE_HOME nor HOME is set: pass --cache DIR".into()),
        },
    };
    Ok(base.join(name))
}

// The README's Rust examples are compiled as doctests of this crate, so the
// usage shown to newcomers cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
