//! Keeping `generated/` in sync with `spec/`: compute what the generator
//! would write, compare it with the disk (`--check`), or write it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sailpoint_codegen::krate::{generate_crate, GeneratedFile};
use sailpoint_codegen::Warning;

use crate::config::{workspace_crate, GENERATE_COMMAND};
use crate::output::Plan;

/// What the generator produces for the workspace crate.
pub struct Expected {
    pub files: Vec<GeneratedFile>,
    /// Directories owned wholly by the generator: any other file there is stale.
    pub owned_dirs: Vec<PathBuf>,
    pub warnings: Vec<Warning>,
}

pub fn expected(root: &Path) -> Result<Expected, String> {
    let mut warnings = Vec::new();
    let config = workspace_crate(root, &mut warnings)?;
    let owned_dirs = config.apis.iter().map(|a| PathBuf::from("src").join(&a.module)).collect();
    let files = generate_crate(&config)?;
    Ok(Expected { files, owned_dirs, warnings })
}

/// How the crate directory differs from what the generator produces.
#[derive(Debug, Default)]
pub struct Drift {
    /// Files whose contents differ, with a unified diff (disk -> expected).
    pub stale: Vec<(PathBuf, String)>,
    pub missing: Vec<PathBuf>,
    pub unexpected: Vec<PathBuf>,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.unexpected.is_empty()
    }

    /// A report naming every file; `label` is how the crate dir is shown.
    pub fn report(&self, label: &str) -> String {
        let mut out = String::new();
        for (path, diff) in &self.stale {
            let _ = writeln!(out, "{label}/{} is out of date:\n{diff}", path.display());
        }
        for path in &self.missing {
            let _ = writeln!(out, "{label}/{} is missing", path.display());
        }
        for path in &self.unexpected {
            let _ = writeln!(out, "{label}/{} is not produced by the generator (stale or hand-made)", path.display());
        }
        let _ = writeln!(out, "Run `{GENERATE_COMMAND}` to bring {label}/ back in sync with spec/.");
        out
    }
}

/// Compare `dir` with the expected files.
pub fn check(dir: &Path, expected: &Expected) -> Drift {
    let mut drift = Drift::default();
    for file in &expected.files {
        match std::fs::read_to_string(dir.join(&file.path)) {
            Ok(actual) if actual == file.contents => {}
            Ok(actual) => drift.stale.push((file.path.clone(), unified_diff(&file.path, &actual, &file.contents))),
            Err(_) => drift.missing.push(file.path.clone()),
        }
    }
    drift.unexpected = unexpected_files(dir, expected);
    drift
}

/// What [`write`] did.
#[derive(Debug, Default)]
pub struct Written {
    /// Files written or deleted.
    pub changed: Vec<PathBuf>,
    /// Files in generated directories that the generator no longer produces
    /// but did not write either: left alone.
    pub kept: Vec<PathBuf>,
}

/// Write the expected files and delete stale generated ones, all or nothing
/// (see [`crate::output`]). A file the generator did not write is never
/// overwritten (the run fails, naming it) nor deleted (it is kept).
pub fn write(dir: &Path, expected: &Expected) -> Result<Written, String> {
    let unexpected = unexpected_files(dir, expected);
    let plan = Plan::new(dir, &expected.files, &unexpected)?;
    let changed = plan.commit()?;
    let kept = unexpected.into_iter().filter(|p| !changed.contains(p)).collect();
    Ok(Written { changed, kept })
}

fn unexpected_files(dir: &Path, expected: &Expected) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for owned in &expected.owned_dirs {
        collect_files(dir, owned, &mut found);
    }
    found.retain(|p| !expected.files.iter().any(|f| &f.path == p));
    found.sort();
    found
}

fn collect_files(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(relative)) else { return };
    for entry in entries.flatten() {
        let path = relative.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            collect_files(root, &path, out);
        } else {
            out.push(path);
        }
    }
}

/// A unified diff, cut after 200 lines so one broken file cannot flood CI logs.
fn unified_diff(path: &Path, actual: &str, expected: &str) -> String {
    let diff = similar::TextDiff::from_lines(actual, expected);
    let name = path.display().to_string();
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (on disk)"), &format!("{name} (generated from spec)"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= 200 {
        return text;
    }
    format!("{}\n... {} more diff lines", lines[..200].join("\n"), lines.len() - 200)
}
