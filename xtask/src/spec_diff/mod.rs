//! `cargo xtask spec-diff`: what changed between our spec and upstream's,
//! judged by what it does to the generated crate.
//!
//! The pipeline, one module per step:
//!
//! 1. [`side`] loads each document through the generator's own pipeline
//!    (bundle, parse, resolve) into the IR the emitter reads; nothing here
//!    re-decides what a spec means, so whatever the generator learns,
//!    `spec-diff` sees.
//! 2. [`engine`] walks both IRs side by side, matching operations by their
//!    Rust method and types by what they are; [`operations`] and [`types`]
//!    compare each matched pair.
//! 3. [`verdict`] names the three verdicts (breaking, wire, additive) and
//!    the release they call for; `report.rs` prints them.

mod deref;
pub mod engine;
mod operations;
mod report;
pub mod rust;
pub mod side;
mod types;
pub mod verdict;

use std::path::{Path, PathBuf};

use sailpoint_codegen::Warning;

pub use deref::dereference;
pub use engine::{Difference, Subject};
pub use side::Side;
pub use verdict::{next_version, Severity};

use crate::config::{crate_summary, Target};

/// Command line options of `spec-diff`.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub upstream: PathBuf,
    /// A spec file, or a module of spec/crate.toml (`v1`, `v2024`: an
    /// edition is its spec as the edition serves it). Default: our module
    /// for the upstream's API version.
    pub ours: Option<PathBuf>,
    /// Compare only operations with this tag (for upstream's whole-API documents).
    pub tag: Option<String>,
    pub json: bool,
    /// Where upstream's external `$ref`s may read (default: its directory).
    pub ref_root: Option<PathBuf>,
    /// Fail (exit 1) only for differences this bad or worse; `None`: any.
    pub fail_on: Option<Severity>,
}

/// Everything `spec-diff` prints.
#[derive(Debug, Clone)]
pub struct Report {
    pub ours: String,
    pub upstream: String,
    pub differences: Vec<Difference>,
    /// `[package] version` of spec/crate.toml.
    pub version: String,
    pub next_version: Option<String>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.differences.iter().filter(|d| d.severity == severity).count()
    }

    /// The worst difference, if any.
    pub fn severity(&self) -> Option<Severity> {
        self.differences.iter().map(|d| d.severity).max()
    }

    /// `version bump: 0.1.0 -> 0.2.0 (breaking)`.
    pub fn bump_line(&self) -> String {
        match (&self.next_version, self.severity()) {
            (Some(next), Some(severity)) => {
                format!("version bump: {} -> {next} ({})", self.version, severity.as_str())
            }
            _ => format!("version bump: none ({} stays)", self.version),
        }
    }

    pub fn text(&self) -> String {
        report::text(self)
    }

    pub fn json(&self) -> String {
        report::json(self)
    }
}

/// What the command prints, and whether it should fail.
pub struct Outcome {
    pub output: String,
    pub equal: bool,
    /// A difference at or above `--fail-on` (any difference without it).
    pub failed: bool,
    pub warnings: Vec<Warning>,
}

/// Run `spec-diff` for the workspace at `root`.
pub fn run(root: &Path, options: &Options) -> Result<Outcome, String> {
    let mut warnings = Vec::new();
    let summary = crate_summary(root)?;
    let upstream_label = options.upstream.display().to_string();
    let mut upstream = Side::load(&options.upstream, options.ref_root.as_deref(), &mut warnings)?;
    let module_name = options.ours.as_ref().and_then(|p| p.to_str()).filter(|p| summary.apis.iter().any(|t| t.module == *p));
    let (ours_path, ours_label, target) = match (&options.ours, module_name) {
        (_, Some(module)) => {
            let target = summary.apis.iter().find(|t| t.module == module).cloned();
            let target = target.ok_or_else(|| format!("no module `{module}` in spec/crate.toml"))?;
            (root.join("spec").join(&target.spec), label(&target), Some(target))
        }
        (Some(path), None) => (path.clone(), path.display().to_string(), target_of(path, &summary.apis)),
        (None, None) => {
            let target = default_ours(&upstream, &options.upstream, &summary.apis)?;
            (root.join("spec").join(&target.spec), label(&target), Some(target))
        }
    };
    let mut ours = Side::load(&ours_path, None, &mut warnings)?;
    let module = target.as_ref().map_or_else(|| "api".to_owned(), |t| t.module.clone());
    if let Some(edition) = target.and_then(|t| t.edition) {
        ours = Side::new(edition.apply(&ours.api));
        let mut api = upstream.api;
        edition.adopt_names(&mut api);
        upstream = Side::new(api);
    }
    if let Some(tag) = &options.tag {
        ours.retain_tag(tag, &ours_label)?;
        upstream.retain_tag(tag, &upstream_label)?;
    }
    let differences = engine::diff(&ours, &upstream, rust::Items { module });
    let severities: Vec<Severity> = differences.iter().map(|d| d.severity).collect();
    let next_version = next_version(&summary.version, &severities).map_err(|e| format!("spec/crate.toml: {e}"))?;
    let report = Report { ours: ours_label, upstream: upstream_label, differences, version: summary.version, next_version };
    let output = if options.json { report.json() } else { report.text() };
    let threshold = options.fail_on.unwrap_or(Severity::Additive);
    let failed = report.differences.iter().any(|d| d.severity >= threshold);
    Ok(Outcome { output, equal: report.differences.is_empty(), failed, warnings })
}

/// `spec/role-mining.v2025.yaml`, or for an edition
/// `spec/role-mining.v2025.yaml as v1`.
fn label(target: &Target) -> String {
    match &target.edition {
        Some(e) => format!("spec/{} as {}", target.spec, e.module),
        None => format!("spec/{}", target.spec),
    }
}

/// Load two files and list their differences (ours -> upstream), naming
/// items inside `module` (`beta`).
pub fn compare_files(ours: &Path, upstream: &Path, module: &str) -> Result<Vec<Difference>, String> {
    compare_files_with(ours, upstream, module, None, None)
}

/// [`compare_files`] with a tag filter and a `$ref` root for upstream.
pub fn compare_files_with(
    ours: &Path,
    upstream: &Path,
    module: &str,
    tag: Option<&str>,
    ref_root: Option<&Path>,
) -> Result<Vec<Difference>, String> {
    let mut warnings = Vec::new();
    let mut ours_side = Side::load(ours, None, &mut warnings)?;
    let mut up_side = Side::load(upstream, ref_root, &mut warnings)?;
    if let Some(tag) = tag {
        ours_side.retain_tag(tag, &ours.display().to_string())?;
        up_side.retain_tag(tag, &upstream.display().to_string())?;
    }
    Ok(engine::diff(&ours_side, &up_side, rust::Items { module: module.to_owned() }))
}

/// The module of spec/crate.toml whose spec is this file (`beta`); `None`
/// for any other file (its items are named as in a standalone crate).
fn target_of(spec: &Path, apis: &[Target]) -> Option<Target> {
    let file = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    apis.iter().find(|t| t.spec == file && t.edition.is_none()).cloned()
}

/// Which of our modules describes the same API version as `upstream`: the
/// module of spec/crate.toml (an `[[api]]` or one of its editions) named
/// by the last segment of upstream's server URL (`.../beta`) or by its
/// `info.version` (`v2025`, `v1`, `3.1.0-beta`).
pub fn default_ours(upstream: &Side, upstream_path: &Path, apis: &[Target]) -> Result<Target, String> {
    let server = upstream.api.server_url.clone().unwrap_or_default();
    let segment = last_path_segment(&server);
    let version = upstream.api.version.clone();
    let matches: Vec<&Target> = apis
        .iter()
        .filter(|t| {
            let module = t.module.as_str();
            segment.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(module))
                || version.eq_ignore_ascii_case(module)
                || version.to_ascii_lowercase().ends_with(&format!("-{}", module.to_ascii_lowercase()))
        })
        .collect();
    if let [target] = matches.as_slice() {
        return Ok((*target).clone());
    }
    let choices: Vec<&str> = apis.iter().map(|t| t.module.as_str()).collect();
    let server = if server.is_empty() { "none".to_owned() } else { server };
    Err(format!(
        "{}: cannot tell which API version this is (server: {server}; info.version: {}); pass --ours with one of {} or a spec file",
        upstream_path.display(),
        if version.is_empty() { "none" } else { &version },
        choices.join(", "),
    ))
}

/// `https://{tenant}.api.identitynow.com/beta/` -> `beta`.
fn last_path_segment(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (_, path) = rest.split_once('/')?;
    path.trim_end_matches('/').rsplit('/').next().filter(|s| !s.is_empty()).map(str::to_owned)
}
