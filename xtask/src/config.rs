//! `spec/crate.toml`: the identity of the published crate and its APIs.

use std::path::Path;

use sailpoint_codegen::edition::Edition;
use sailpoint_codegen::krate::{ApiConfig, BinTarget, CrateConfig};
use sailpoint_codegen::Warning;
use serde::Deserialize;

/// The command that regenerates the workspace crate; named in every header.
pub const GENERATE_COMMAND: &str = "cargo xtask generate";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CrateFile {
    #[serde(default)]
    hand_written_modules: Vec<String>,
    #[serde(default)]
    benches: Vec<String>,
    package: Package,
    features: Option<Features>,
    api: Vec<ApiEntry>,
    #[serde(rename = "dev-dependencies")]
    dev_dependencies: Option<toml::Table>,
    /// Optional dependencies the extra `[features]` turn on.
    dependencies: Option<toml::Table>,
    #[serde(default, rename = "bin")]
    bins: Vec<BinEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BinEntry {
    name: String,
    #[serde(default, rename = "required-features")]
    required_features: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Package {
    name: String,
    version: String,
    description: String,
    license: String,
    repository: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
}

#[derive(Deserialize)]
struct Features {
    default: Vec<String>,
    /// Features besides the API modules (`emulator = ["dep:axum", ...]`).
    #[serde(flatten)]
    extra: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiEntry {
    module: String,
    spec: String,
    /// The same operations served elsewhere (see `sailpoint_codegen::edition`).
    #[serde(default)]
    edition: Vec<EditionEntry>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct EditionEntry {
    module: String,
    base_path: String,
    path_version: Option<String>,
    #[serde(default)]
    operation_id_suffix: String,
}

impl EditionEntry {
    fn edition(&self) -> Edition {
        Edition {
            module: self.module.clone(),
            base_path: self.base_path.clone(),
            path_version: self.path_version.clone(),
            operation_id_suffix: self.operation_id_suffix.clone(),
        }
    }
}

fn read_crate_file(root: &Path) -> Result<CrateFile, String> {
    let path = root.join("spec/crate.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The published version and each API's spec, without loading the specs.
pub struct CrateSummary {
    /// `[package] version`.
    pub version: String,
    /// Every module of the crate: each `[[api]]` and each of its editions.
    pub apis: Vec<Target>,
}

/// One module of the crate and where its API comes from.
#[derive(Debug, Clone)]
pub struct Target {
    /// `beta`, `v2024`, `v1`, ...
    pub module: String,
    /// The spec file under `spec/` that describes it (for an edition, the
    /// spec of the module whose code serves it).
    pub spec: String,
    /// For an edition: how it differs from what the spec describes.
    pub edition: Option<Edition>,
}

pub fn crate_summary(root: &Path) -> Result<CrateSummary, String> {
    let file = read_crate_file(root)?;
    let mut apis = Vec::new();
    for a in file.api {
        for e in &a.edition {
            apis.push(Target { module: e.module.clone(), spec: a.spec.clone(), edition: Some(e.edition()) });
        }
        apis.insert(apis.len() - a.edition.len(), Target { module: a.module, spec: a.spec, edition: None });
    }
    Ok(CrateSummary { version: file.package.version, apis })
}

/// Read `spec/crate.toml` and every spec it lists.
pub fn workspace_crate(root: &Path, warnings: &mut Vec<Warning>) -> Result<CrateConfig, String> {
    let file = read_crate_file(root)?;
    let mut apis = Vec::new();
    for entry in file.api {
        let spec = root.join("spec").join(&entry.spec);
        // Errors name the spec relative to the workspace, as a maintainer types it.
        let relative = Path::new("spec").join(&entry.spec);
        let api = sailpoint_codegen::load_api(&spec, warnings).map_err(|mut e| {
            if let Ok(stripped) = e.location.file.strip_prefix(root) {
                e.location.file = stripped.to_path_buf();
            }
            e.to_string()
        })?;
        for w in warnings.iter_mut() {
            if let Ok(stripped) = w.location.file.strip_prefix(root) {
                w.location.file = stripped.to_path_buf();
            }
        }
        let editions = entry.edition.iter().map(EditionEntry::edition).collect();
        apis.push(ApiConfig { module: entry.module, spec_label: relative.display().to_string(), api, editions });
    }
    // One `name = value` line each, so values stay inline tables.
    let lines = |table: toml::Table| table.iter().map(|(name, value)| format!("{name} = {value}\n")).collect();
    let dev_dependencies = file.dev_dependencies.map(lines);
    let dependencies = file.dependencies.map(lines);
    let (default_features, extra_features) = match file.features {
        Some(f) => (Some(f.default), f.extra.into_iter().collect()),
        None => (None, Vec::new()),
    };
    let bins = file.bins.into_iter().map(|b| BinTarget { name: b.name, required_features: b.required_features }).collect();
    Ok(CrateConfig {
        name: file.package.name,
        version: file.package.version,
        description: file.package.description,
        license: file.package.license,
        repository: file.package.repository,
        keywords: file.package.keywords,
        apis,
        hand_written_modules: file.hand_written_modules,
        benches: file.benches,
        include_runtime: false,
        features: true,
        default_features,
        dev_dependencies,
        extra_features,
        dependencies,
        bins,
        command: GENERATE_COMMAND.to_owned(),
        tag_features: false,
    })
}
