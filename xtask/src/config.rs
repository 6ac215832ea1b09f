//! `spec/crate.toml`: the identity of the published crate and its APIs.

use std::path::Path;

use sailpoint_codegen::krate::{ApiConfig, CrateConfig};
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
    api: Vec<ApiEntry>,
    #[serde(rename = "dev-dependencies")]
    dev_dependencies: Option<toml::Table>,
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
#[serde(deny_unknown_fields)]
struct ApiEntry {
    module: String,
    spec: String,
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
    /// `(module, spec file name)` of every `[[api]]`, e.g. `("beta", "role-mining.beta.yaml")`.
    pub apis: Vec<(String, String)>,
}

pub fn crate_summary(root: &Path) -> Result<CrateSummary, String> {
    let file = read_crate_file(root)?;
    let apis = file.api.into_iter().map(|a| (a.module, a.spec)).collect();
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
        apis.push(ApiConfig { module: entry.module, spec_label: relative.display().to_string(), api });
    }
    // One `name = value` line each, so values stay inline tables.
    let dev_dependencies =
        file.dev_dependencies.map(|table| table.iter().map(|(name, value)| format!("{name} = {value}\n")).collect());
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
        dev_dependencies,
        command: GENERATE_COMMAND.to_owned(),
    })
}
