//! Which files a spec may make the generator read.
//!
//! A spec is untrusted input: `$ref: /etc/passwd` or `../../.ssh/id_ed25519`
//! must not turn the generator into a file reader whose output (an error
//! message, a generated crate) leaks what it read. External references
//! therefore resolve only to regular `.yaml`/`.yml`/`.json` files inside one
//! directory, the *ref root*: by default the directory of the root spec file,
//! wider only when the user says so (`--ref-root`).
//!
//! Paths are canonicalised (symlinks followed) before the check, so a link
//! inside the root that points outside it is refused too. A target outside
//! the root is refused before anything about it (even whether it exists) is
//! looked at.

use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Location};

/// The extensions a referenced file may have.
const SPEC_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Referenced files larger than this are refused: no real spec comes close
/// (SailPoint's complete dereferenced v2025 document is 12 MB).
pub const MAX_REFERENCED_FILE_BYTES: u64 = 256 << 20;

/// The directory external references may read from.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// Canonical, absolute.
    root: PathBuf,
}

impl Sandbox {
    /// The sandbox for `spec` (the root spec file): `ref_root` if given (it
    /// must contain `spec`), else the directory `spec` lives in.
    pub fn new(spec: &Path, ref_root: Option<&Path>) -> Result<Sandbox, Error> {
        let spec_dir = match spec.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let Some(ref_root) = ref_root else {
            let root = spec_dir
                .canonicalize()
                .map_err(|e| Error::in_file(spec, format!("cannot read the spec's directory: {e}")))?;
            return Ok(Sandbox { root });
        };
        let root = ref_root.canonicalize().map_err(|e| {
            Error::in_file(spec, format!("--ref-root {}: {e}", ref_root.display()))
        })?;
        if !root.is_dir() {
            return Err(Error::in_file(spec, format!("--ref-root {} is not a directory", ref_root.display())));
        }
        let canonical_spec = spec.canonicalize().map_err(|e| Error::in_file(spec, format!("cannot read spec file: {e}")))?;
        if !canonical_spec.starts_with(&root) {
            return Err(Error::in_file(
                spec,
                format!("--ref-root {} must contain the spec file", ref_root.display()),
            ));
        }
        Ok(Sandbox { root })
    }

    /// The canonical directory references may read from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// May the file at `target` (as the reference resolves it, relative to
    /// the working directory) be read? `here` is the `$ref` that asks.
    /// Errors name `here` and `target`, never anything read from `target`.
    pub fn admit(&self, target: &Path, here: &Location) -> Result<(), Error> {
        let refuse = |why: String| Err(Error::at(here.clone(), why));
        let canonical = match target.canonicalize() {
            Ok(canonical) => canonical,
            Err(e) => {
                // A missing file: say "outside" if it would be, so the
                // generator never reports whether files outside exist.
                if !resolve_path(target).is_some_and(|p| p.starts_with(&self.root)) {
                    return refuse(self.outside(target));
                }
                return match e.kind() {
                    ErrorKind::NotFound => refuse(format!("dangling `$ref`: file {} does not exist", target.display())),
                    _ => refuse(format!("cannot read `$ref` target {}: {e}", target.display())),
                };
            }
        };
        if !canonical.starts_with(&self.root) {
            return refuse(self.outside(target));
        }
        let metadata = std::fs::metadata(&canonical)
            .map_err(|e| Error::at(here.clone(), format!("cannot read `$ref` target {}: {e}", target.display())))?;
        if metadata.is_dir() {
            return refuse(format!("`$ref` points at a directory, not a file: {}", target.display()));
        }
        if !metadata.is_file() {
            return refuse(format!("`$ref` target {} is not a regular file", target.display()));
        }
        let allowed = |path: &Path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| SPEC_EXTENSIONS.iter().any(|allowed| e.eq_ignore_ascii_case(allowed)))
        };
        if !allowed(target) || !allowed(&canonical) {
            return refuse(format!(
                "`$ref` target {} is not a spec file: only .yaml, .yml and .json files are read",
                target.display()
            ));
        }
        if metadata.len() > MAX_REFERENCED_FILE_BYTES {
            return refuse(format!(
                "`$ref` target {} is larger than {} MiB",
                target.display(),
                MAX_REFERENCED_FILE_BYTES >> 20
            ));
        }
        Ok(())
    }

    fn outside(&self, target: &Path) -> String {
        format!(
            "`$ref` to {} leaves the directory external references may read ({}); \
             pass --ref-root DIR to allow a wider directory",
            target.display(),
            self.root.display()
        )
    }
}

/// `path` made absolute, with the symlinks of its longest existing ancestor
/// resolved and the rest applied lexically (`..` included): where a path
/// that may not exist yet would be. `None` if even that cannot be told.
pub fn resolve_path(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let mut resolved = loop {
        if let Ok(canonical) = existing.canonicalize() {
            break canonical;
        }
        rest.push(existing.components().next_back()?);
        existing = existing.parent()?;
    };
    for component in rest.iter().rev() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other.as_os_str()),
        }
    }
    Some(resolved)
}
