//! `cargo xtask spec-diff`: what changed between our spec and upstream's, and
//! what it means for the generated crate.
//!
//! The pipeline, one module per step:
//!
//! 1. [`normalize`] bundles each document (single- or multi-file) and reads
//!    the facts a client depends on into a canonical [`model`]: operations by
//!    method and path, parameters, bodies and responses, schemas. Prose,
//!    examples and `x-` extensions never enter the model.
//! 2. [`compare`] (with `schema.rs`) walks both models side by side,
//!    resolving `$ref`s, and records each difference ([`kind`]) under its
//!    operation or its named schema.
//! 3. [`classify`] decides breaking or additive for the generated crate
//!    (the rules are documented there).
//! 4. [`report`] prints the differences and the version bump they imply.

pub mod classify;
pub mod compare;
mod deref;
pub mod kind;
pub mod model;
pub mod normalize;
mod report;
mod schema;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sailpoint_codegen::Warning;

pub use classify::{classify, Severity};
pub use deref::dereference;
pub use kind::{Kind, Subject};
pub use model::Api;
pub use normalize::load;

use crate::config::crate_summary;

/// Command line options of `spec-diff`.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub upstream: PathBuf,
    /// Default: our spec for the upstream's API version.
    pub ours: Option<PathBuf>,
    /// Compare only operations with this tag (for upstream's whole-API documents).
    pub tag: Option<String>,
    pub json: bool,
    /// Where upstream's external `$ref`s may read (default: its directory).
    pub ref_root: Option<PathBuf>,
}

/// One classified difference.
#[derive(Debug, Clone)]
pub struct Difference {
    pub subject: Subject,
    pub location: String,
    /// What changed, ours -> upstream (`default 250 -> 100`).
    pub change: String,
    /// Machine name of the kind of change (`default_changed`).
    pub kind: &'static str,
    pub severity: Severity,
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

/// What the command prints, and whether the documents were equal.
pub struct Outcome {
    pub output: String,
    pub equal: bool,
    pub warnings: Vec<Warning>,
}

/// Run `spec-diff` for the workspace at `root`.
pub fn run(root: &Path, options: &Options) -> Result<Outcome, String> {
    let mut warnings = Vec::new();
    let summary = crate_summary(root)?;
    let mut upstream = load(&options.upstream, options.ref_root.as_deref(), &mut warnings)?;
    let (ours_path, ours_label) = match &options.ours {
        Some(path) => (path.clone(), path.display().to_string()),
        None => {
            let spec = default_ours(&upstream, &options.upstream, &summary.apis)?;
            (root.join("spec").join(&spec), format!("spec/{spec}"))
        }
    };
    let mut ours = load(&ours_path, None, &mut warnings)?;
    if let Some(tag) = &options.tag {
        for (api, label) in [(&mut ours, &ours_label), (&mut upstream, &options.upstream.display().to_string())] {
            api.operations.retain(|_, op| op.tags.iter().any(|t| t == tag));
            if api.operations.is_empty() {
                return Err(format!("{label}: no operation has the tag `{tag}`"));
            }
        }
    }
    let differences = differences(&ours, &upstream, options.tag.is_none());
    let severity = differences.iter().map(|d| d.severity).max();
    let next_version = match severity {
        Some(s) => Some(next_version(&summary.version, s).map_err(|e| format!("spec/crate.toml: {e}"))?),
        None => None,
    };
    let report = Report {
        ours: ours_label,
        upstream: options.upstream.display().to_string(),
        differences,
        version: summary.version,
        next_version,
    };
    let output = if options.json { report.json() } else { report.text() };
    Ok(Outcome { output, equal: report.differences.is_empty(), warnings })
}

/// Load two files and list their classified differences (ours -> upstream).
pub fn compare_files(ours: &Path, upstream: &Path) -> Result<Vec<Difference>, String> {
    let mut warnings = Vec::new();
    let ours = load(ours, None, &mut warnings)?;
    let upstream = load(upstream, None, &mut warnings)?;
    Ok(differences(&ours, &upstream, true))
}

/// Classified differences, grouped by subject (operations, then schemas),
/// each reported once: the same change met through several operations is
/// merged, keeping the worse classification.
pub fn differences(ours: &Api, upstream: &Api, components: bool) -> Vec<Difference> {
    let mut out: Vec<Difference> = Vec::new();
    let mut index: HashMap<(Subject, String, String), usize> = HashMap::new();
    for change in compare::diff(ours, upstream, components) {
        let severity = classify(&change.kind);
        let text = change.kind.to_string();
        let key = (change.subject.clone(), change.location.clone(), text.clone());
        match index.get(&key) {
            Some(&i) => out[i].severity = out[i].severity.max(severity),
            None => {
                index.insert(key, out.len());
                out.push(Difference {
                    subject: change.subject,
                    location: change.location,
                    change: text,
                    kind: change.kind.tag(),
                    severity,
                });
            }
        }
    }
    // Stable: within a subject, differences stay in the order they were found.
    out.sort_by(|a, b| a.subject.cmp(&b.subject));
    out
}

/// Which of our specs describes the same API version as `upstream`: the
/// `[[api]]` of spec/crate.toml whose module name is the last segment of
/// one of upstream's server URLs (`.../beta`) or its `info.version`
/// (`v2025`, `3.1.0-beta`).
pub fn default_ours(upstream: &Api, upstream_path: &Path, apis: &[(String, String)]) -> Result<String, String> {
    let segments: Vec<String> = upstream.server_urls.iter().filter_map(|u| last_path_segment(u)).collect();
    let version = upstream.info_version.clone().unwrap_or_default();
    let matches: Vec<&(String, String)> = apis
        .iter()
        .filter(|(module, _)| {
            segments.iter().any(|s| s.eq_ignore_ascii_case(module))
                || version.eq_ignore_ascii_case(module)
                || version.to_ascii_lowercase().ends_with(&format!("-{}", module.to_ascii_lowercase()))
        })
        .collect();
    if let [(_, spec)] = matches.as_slice() {
        return Ok(spec.clone());
    }
    let choices: Vec<String> = apis.iter().map(|(_, spec)| format!("spec/{spec}")).collect();
    let servers = if upstream.server_urls.is_empty() { "none".to_owned() } else { upstream.server_urls.join(", ") };
    Err(format!(
        "{}: cannot tell which API version this is (servers: {servers}; info.version: {}); pass --ours with one of {}",
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

/// The next version under semver: before 1.0 a breaking change bumps the
/// minor version (0.1.3 -> 0.2.0) and an additive one the patch version
/// (0.1.3 -> 0.1.4); from 1.0 on, major and minor. A pre-release or build
/// suffix is dropped.
pub fn next_version(current: &str, severity: Severity) -> Result<String, String> {
    let core = current.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<u64> = core.split('.').map(str::parse).collect::<Result<_, _>>().map_err(|_| not_semver(current))?;
    let [major, minor, patch] = parts[..] else { return Err(not_semver(current)) };
    let up = |n: u64| n.checked_add(1).ok_or_else(|| not_semver(current));
    Ok(match (major, severity) {
        (0, Severity::Breaking) => format!("0.{}.0", up(minor)?),
        (0, Severity::Additive) => format!("0.{minor}.{}", up(patch)?),
        (_, Severity::Breaking) => format!("{}.0.0", up(major)?),
        (_, Severity::Additive) => format!("{major}.{}.0", up(minor)?),
    })
}

fn not_semver(version: &str) -> String {
    format!("version `{version}` is not MAJOR.MINOR.PATCH")
}
