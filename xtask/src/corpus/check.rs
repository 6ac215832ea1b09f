//! `cargo check` of a sample of the generated crates, one at a time, all
//! sharing one target directory (dependencies build once) and our
//! Cargo.lock (the versions the workspace tests).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::fetch::Spec;
use super::generate::{self, Failure};

#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub crate_dir: String,
    pub ms: u64,
    #[serde(flatten)]
    pub status: Status,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Builds; `warnings` diagnostics (0: clean).
    Passed {
        warnings: usize,
        warning_causes: Vec<String>,
    },
    Failed {
        errors: usize,
        cause: String,
        first_errors: Vec<String>,
    },
    TimedOut,
    /// The crate could not be made again (should not happen: generation
    /// is deterministic).
    NotGenerated {
        reason: String,
    },
}

/// A tiny spec whose crate pulls in every dependency a generated crate has.
const WARM_UP: &str = "openapi: 3.0.3\ninfo: {title: Warm up, version: '1'}\npaths:\n  /a:\n    get:\n      \
    responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}\n";

/// Check a tiny generated crate first, so the dependencies are built (or
/// found built) before any sampled crate is timed.
pub fn warm_up(cache: &Path) -> Result<Checked, String> {
    let dir = cache.join("warm-up");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let spec_path = dir.join("warm-up.yaml");
    std::fs::write(&spec_path, WARM_UP).map_err(|e| format!("writing {}: {e}", spec_path.display()))?;
    let spec =
        Spec { rel: "warm-up.yaml".into(), path: spec_path, kind: super::fetch::Kind::V30, declared: "3.0.3".into() };
    check(cache, &spec, 9999, Duration::from_secs(3600))
}

/// Regenerate spec `index`, write it under `<cache>/crates/<name>` and check it.
pub fn check(cache: &Path, spec: &Spec, index: usize, timeout: Duration) -> Result<Checked, String> {
    let krate = match generate::build(spec, index) {
        Ok(krate) => krate,
        Err(Failure::Rejected(_, reason) | Failure::Panicked(reason)) => {
            return Ok(Checked { crate_dir: String::new(), ms: 0, status: Status::NotGenerated { reason } })
        }
    };
    let dir = cache.join("crates").join(&krate.name);
    let _ = std::fs::remove_dir_all(&dir);
    for file in &krate.files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    drop(krate);
    let lock = xtask::workspace_root().join("Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock")).map_err(|e| format!("copying {}: {e}", lock.display()))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["check", "--message-format=short"])
        .env("CARGO_TARGET_DIR", cache.join("target"))
        .env("RUSTFLAGS", "")
        // Each crate is checked once: incremental data would only pile up
        // (gigabytes per sweep).
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // Its own process group, so a timeout ends rustc too.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let start = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("running cargo check: {e}"))?;
    let mut pipe = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = pipe.read_to_end(&mut text);
        String::from_utf8_lossy(&text).into_owned()
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("waiting for cargo check: {e}"))? {
            break status;
        }
        if start.elapsed() >= timeout {
            timed_out = true;
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            break child.wait().map_err(|e| format!("waiting for cargo check: {e}"))?;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stderr = reader.join().unwrap_or_default();
    let ms = start.elapsed().as_millis() as u64;
    let crate_dir = dir.display().to_string();
    let _ = std::fs::write(dir.join("check.log"), &stderr);
    if timed_out {
        return Ok(Checked { crate_dir, ms, status: Status::TimedOut });
    }
    let warning_causes: Vec<String> = diagnostics(&stderr, "warning").collect();
    if status.success() {
        return Ok(Checked {
            crate_dir,
            ms,
            status: Status::Passed { warnings: warning_causes.len(), warning_causes },
        });
    }
    let errors: Vec<String> = diagnostics(&stderr, "error").collect();
    // An error cargo itself reports (resolution, a bad manifest) has no
    // file position: take the first `error:` line then.
    let fallback = || {
        stderr
            .lines()
            .find(|l| l.starts_with("error") && !l.contains("could not compile"))
            .map(normalize_rustc)
            .unwrap_or_else(|| format!("cargo check failed ({status}) without an error line"))
    };
    let cause = errors.first().cloned().unwrap_or_else(fallback);
    let first_errors = stderr.lines().filter(|l| l.contains(": error")).take(5).map(str::to_owned).collect();
    Ok(Checked { crate_dir, ms, status: Status::Failed { errors: errors.len(), cause, first_errors } })
}

/// `src/x.rs:1:2: warning: unused import: `y`` -> `warning: unused import: `…``
/// for every short-form diagnostic of `level` (file-positioned lines only,
/// so cargo's summaries are not counted).
fn diagnostics<'a>(stderr: &'a str, level: &'a str) -> impl Iterator<Item = String> + 'a {
    stderr.lines().filter_map(move |line| {
        let at = line.find(&format!(": {level}"))?;
        let position = &line[..at];
        let mut parts = position.rsplitn(3, ':');
        let (col, row) = (parts.next()?, parts.next()?);
        if !(col.bytes().all(|b| b.is_ascii_digit()) && row.bytes().all(|b| b.is_ascii_digit()))
            || parts.next().is_none()
        {
            return None;
        }
        Some(normalize_rustc(&line[at + 2..]))
    })
}

/// Names from outside the crate that say what a diagnostic is about.
const KNOWN: &[&str] = &[
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "bytes",
    "reqwest",
    "chrono",
    "tokio",
    "futures_util",
    "Eq",
    "PartialEq",
    "Hash",
    "Ord",
    "PartialOrd",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Display",
    "Serialize",
    "Deserialize",
    "Send",
    "Sync",
    "Sized",
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "HashMap",
    "BTreeMap",
    "Value",
    "Bytes",
    "From",
    "Into",
    "AsRef",
    "Self",
    "self",
    "str",
    "bool",
    "char",
    "f32",
    "f64",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "isize",
    "dyn",
    "impl",
    "mut",
    "const",
];

/// A rustc diagnostic's first line, the crate's own names in backticks
/// replaced by `_` and the rest kept (`the trait bound `_: Eq` is not
/// satisfied`), so equal causes group and still say what failed.
fn normalize_rustc(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    let mut out = String::new();
    let mut inside = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '`' {
            inside = !inside;
            out.push(c);
        } else if inside && (c.is_ascii_alphabetic() || c == '_') {
            let mut word = String::from(c);
            while let Some(d) = chars.next_if(|d| d.is_ascii_alphanumeric() || *d == '_') {
                word.push(d);
            }
            // A segment after an outside crate's path keeps its name.
            let after_known_path = out.ends_with("::") && {
                let path = out.trim_end_matches("::");
                let root = path.rsplit(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == ':')).next();
                root.and_then(|r| r.trim_start_matches("::").split("::").next()).is_some_and(|r| KNOWN.contains(&r))
            };
            if KNOWN.contains(&word.as_str()) || after_known_path {
                out.push_str(&word);
            } else {
                out.push('_');
            }
        } else {
            out.push(c);
        }
    }
    out.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn diagnostics_are_file_positioned_lines() {
        let stderr = "warning: unused manifest key: x\nsrc/api/models.rs:3:5: warning: unused import: `Foo`\n\
            src/lib.rs:1:1: error[E0412]: cannot find type `Bar` in this scope\n\
            warning: `c` (lib) generated 1 warning\nerror: could not compile `c` (lib) due to 1 previous error\n";
        assert_eq!(super::diagnostics(stderr, "warning").collect::<Vec<_>>(), ["warning: unused import: `_`"]);
        assert_eq!(
            super::diagnostics(stderr, "error").collect::<Vec<_>>(),
            ["error[E0412]: cannot find type `_` in this scope"]
        );
        assert_eq!(
            super::normalize_rustc("error[E0277]: the trait bound `bytes::Bytes: serde::Serialize` is not satisfied"),
            "error[E0277]: the trait bound `bytes::Bytes: serde::Serialize` is not satisfied"
        );
        assert_eq!(
            super::normalize_rustc("error[E0277]: the trait bound `Gradient: Eq` is not satisfied: the trait `Eq` is not implemented for `super::models::Gradient`"),
            "error[E0277]: the trait bound `_: Eq` is not satisfied: the trait `Eq` is not implemented for `_::_::_`"
        );
    }
}
