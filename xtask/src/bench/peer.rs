//! The peer: openapi-generator's `-g rust`, through the PyPI wrapper
//! `openapi-generator-cli` (which bundles the generator's jar and runs it
//! with the machine's `java`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The generator version the figures are meant for.
pub const PINNED: &str = "7.26.0";

/// How to install it where the bench looks by default.
pub fn install_hint(cache: &Path) -> String {
    let venv = cache.join("peer-venv");
    format!(
        "python3 -m venv {0} && {0}/bin/pip install openapi-generator-cli=={PINNED} (needs java), or pass --peer PATH",
        venv.display()
    )
}

pub struct Peer {
    pub exe: PathBuf,
    pub version: String,
}

impl Peer {
    /// `--peer`, else `$OPENAPI_GENERATOR_CLI`, else `openapi-generator-cli`
    /// on the PATH, else the venv in the cache. `Err` says why there is none.
    pub fn find(explicit: Option<&Path>, cache: &Path) -> Result<Peer, String> {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(path) = explicit {
            candidates.push(path.to_owned());
        } else {
            if let Some(path) = std::env::var_os("OPENAPI_GENERATOR_CLI").filter(|v| !v.is_empty()) {
                candidates.push(path.into());
            }
            if let Some(paths) = std::env::var_os("PATH") {
                candidates.extend(std::env::split_paths(&paths).map(|dir| dir.join("openapi-generator-cli")));
            }
            candidates.push(cache.join("peer-venv/bin/openapi-generator-cli"));
        }
        let Some(exe) = candidates.into_iter().find(|c| c.is_file()) else {
            return Err(format!("openapi-generator-cli is not installed, so only our column is shown; {}", install_hint(cache)));
        };
        let output = Command::new(&exe)
            .arg("version")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let version = stdout.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or_default().to_owned();
        if !output.status.success() || version.is_empty() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let why = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("no version printed");
            return Err(format!("{} version failed: {why}", exe.display()));
        }
        Ok(Peer { exe, version })
    }

    /// The column header.
    pub fn label(&self) -> String {
        format!("openapi-generator {} (`-g rust`)", self.version)
    }

    /// The command that writes a crate named `package` for `spec` into `out`.
    pub fn generate(&self, spec: &Path, out: &Path, package: &str) -> Command {
        let mut command = Command::new(&self.exe);
        command
            .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
            .arg(spec)
            .arg("-o")
            .arg(out)
            .arg(format!("--additional-properties=packageName={package}"));
        command
    }
}
