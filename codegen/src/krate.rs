//! Whole crates: `Cargo.toml`, `lib.rs`, the runtime and one module per API.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::edition::Edition;
use crate::emit;
use crate::tags::TagPlan;
use crate::ir::Api;
use crate::text::{markdown_inline, single_line};

/// The runtime's sources, embedded so standalone crates get a copy. The
/// workspace crate `generated/` holds the originals.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../generated/src/runtime/mod.rs")),
    ("auth.rs", include_str!("../../generated/src/runtime/auth.rs")),
    ("client.rs", include_str!("../../generated/src/runtime/client.rs")),
    ("download.rs", include_str!("../../generated/src/runtime/download.rs")),
    ("error.rs", include_str!("../../generated/src/runtime/error.rs")),
    ("mock.rs", include_str!("../../generated/src/runtime/mock.rs")),
    ("multipart.rs", include_str!("../../generated/src/runtime/multipart.rs")),
    ("object.rs", include_str!("../../generated/src/runtime/object.rs")),
    ("paginate.rs", include_str!("../../generated/src/runtime/paginate.rs")),
    ("params.rs", include_str!("../../generated/src/runtime/params.rs")),
    ("pending.rs", include_str!("../../generated/src/runtime/pending.rs")),
    ("poll.rs", include_str!("../../generated/src/runtime/poll.rs")),
    ("rate_limit.rs", include_str!("../../generated/src/runtime/rate_limit.rs")),
    ("request.rs", include_str!("../../generated/src/runtime/request.rs")),
    ("response.rs", include_str!("../../generated/src/runtime/response.rs")),
    ("retry.rs", include_str!("../../generated/src/runtime/retry.rs")),
    ("secret.rs", include_str!("../../generated/src/runtime/secret.rs")),
    ("wire_enum.rs", include_str!("../../generated/src/runtime/wire_enum.rs")),
];

/// Dependencies of every generated crate (the runtime's and the models').
const DEPENDENCIES: &str = r#"bytes = "1"
chrono = { version = "0.4.38", default-features = false, features = ["std", "clock", "serde"] }
fastrand = "2"
futures-util = { version = "0.3", default-features = false, features = ["std"] }
governor = { version = "0.10", default-features = false, features = ["std"] }
httpdate = "1"
percent-encoding = "2"
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls", "http2", "charset", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_path_to_error = "0.1"
serde_urlencoded = "0.7"
tokio = { version = "1", features = ["sync", "time", "fs", "io-util"] }
tracing = { version = "0.1", default-features = false, features = ["std", "attributes"] }
# The `mock` feature's typed mock servers.
wiremock = { version = "0.6", optional = true }
"#;

/// Dev-dependencies of every generated crate: the runtime's own unit tests.
const DEV_DEPENDENCIES: &str = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread", "sync", "time", "fs", "io-util", "net"] }
"#;

/// What to generate.
pub struct CrateConfig {
    pub name: String,
    pub version: String,
    pub description: String,
    pub license: String,
    pub repository: Option<String>,
    pub keywords: Vec<String>,
    pub apis: Vec<ApiConfig>,
    /// Hand-written modules beside the generated ones that `lib.rs` declares.
    pub hand_written_modules: Vec<String>,
    /// Criterion benchmarks (`benches/<name>.rs`, `harness = false`).
    pub benches: Vec<String>,
    /// Copy the runtime into the crate (standalone crates). The workspace
    /// crate keeps the hand-written originals instead.
    pub include_runtime: bool,
    /// Put each API (and edition) behind a cargo feature of the same name.
    pub features: bool,
    /// The features on by default; `None`: every API and edition.
    pub default_features: Option<Vec<String>>,
    /// Raw TOML appended as `[dev-dependencies]`.
    pub dev_dependencies: Option<String>,
    /// Features besides one per API module, in order: name and what each
    /// turns on (`emulator = ["dep:axum", "beta"]`).
    pub extra_features: Vec<(String, Vec<String>)>,
    /// Raw TOML appended to `[dependencies]`: the optional dependencies
    /// that `extra_features` turn on.
    pub dependencies: Option<String>,
    /// Binaries of the crate (`[[bin]]`, at Cargo's default path).
    pub bins: Vec<BinTarget>,
    /// The command that regenerates the crate, named in every header.
    pub command: String,
    /// A cargo feature per spec tag (with `full`, the default, for all):
    /// for a crate of one whole API without per-module features. Ignored
    /// where the spec has a single tag or more than
    /// [`crate::tags::MAX_TAG_FEATURES`].
    pub tag_features: bool,
}

impl CrateConfig {
    /// The per-tag feature plan, for a crate that has one.
    pub fn tag_plan(&self) -> Option<TagPlan> {
        match self.apis.as_slice() {
            [api] if self.tag_features && !self.features && api.editions.is_empty() => TagPlan::new(&api.api),
            _ => None,
        }
    }

    /// A crate of one spec as module `api`, the runtime copied in, no
    /// features: what `cargo xtask generate --spec X --out DIR` writes.
    /// `spec_label` names the spec in headers, `command` regenerates it.
    pub fn standalone(name: impl Into<String>, api: Api, spec_label: &str, command: impl Into<String>) -> CrateConfig {
        let description = format!(
            "Client for {} (version {}), generated from its OpenAPI description",
            single_line(&api.title),
            single_line(&api.version)
        );
        CrateConfig {
            name: name.into(),
            version: "0.1.0".into(),
            description,
            license: "MIT".into(),
            repository: None,
            keywords: Vec::new(),
            apis: vec![ApiConfig { module: "api".into(), spec_label: spec_label.into(), api, editions: Vec::new() }],
            hand_written_modules: Vec::new(),
            benches: Vec::new(),
            include_runtime: true,
            features: false,
            default_features: None,
            dev_dependencies: None,
            extra_features: Vec::new(),
            dependencies: None,
            bins: Vec::new(),
            command: command.into(),
            tag_features: true,
        }
    }
}

/// A `[[bin]]` target: `src/bin/<name>.rs`, built only with its features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinTarget {
    pub name: String,
    pub required_features: Vec<String>,
}

pub struct ApiConfig {
    /// Rust module name, e.g. `beta`.
    pub module: String,
    /// How the spec is named in headers (a relative path, for byte-identical
    /// output across machines).
    pub spec_label: String,
    pub api: Api,
    /// Other places the same operations are served at: a module (and
    /// feature) each, sharing this module's code.
    pub editions: Vec<Edition>,
}

impl ApiConfig {
    /// This module's name and its editions' names.
    pub fn modules(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.module.as_str()).chain(self.editions.iter().map(|e| e.module.as_str()))
    }
}

/// One generated file, path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Check that `name` can name a Cargo package and its library: ASCII
/// letters, digits, `-` and `_`, starting with a letter, at most 64
/// characters, and not a Rust keyword or a standard library crate.
pub fn validate_crate_name(name: &str) -> Result<(), String> {
    let problem = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > 64 {
        Some("it is longer than 64 characters")
    } else if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Some("only ASCII letters, digits, `-` and `_` are allowed")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it must start with a letter")
    } else if syn::parse_str::<syn::Ident>(&name.replace('-', "_")).is_err() {
        Some("it is a Rust keyword")
    } else if ["std", "core", "alloc", "proc_macro", "proc-macro", "test"].contains(&name) {
        Some("it is the name of a standard library crate")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(format!("invalid crate name {}: {problem}", serde_json::to_string(name).unwrap_or_default())),
        None => Ok(()),
    }
}

/// Module and feature names become identifiers.
fn validate_ident(what: &str, name: &str) -> Result<(), String> {
    match syn::parse_str::<syn::Ident>(name) {
        Ok(_) if !name.starts_with("r#") => Ok(()),
        _ => Err(format!("invalid {what} {}: not a Rust identifier", serde_json::to_string(name).unwrap_or_default())),
    }
}

pub fn generate_crate(config: &CrateConfig) -> Result<Vec<GeneratedFile>, String> {
    validate_crate_name(&config.name)?;
    let mut seen = vec!["runtime"];
    let modules = config.apis.iter().flat_map(ApiConfig::modules).chain(config.hand_written_modules.iter().map(String::as_str));
    for module in modules {
        validate_ident("module name", module)?;
        if seen.contains(&module) {
            return Err(format!("module name `{module}` is used twice"));
        }
        seen.push(module);
    }
    for feature in config.default_features.iter().flatten() {
        if !config.apis.iter().flat_map(ApiConfig::modules).any(|m| m == feature) {
            return Err(format!("default feature `{}` is not an API module", single_line(feature)));
        }
    }
    validate_extras(config)?;
    if config.extra_features.iter().any(|(name, _)| name == "mock") {
        return Err("the feature `mock` is the generator's own (the typed mock servers)".into());
    }
    let plan = config.tag_plan();
    let mut files = Vec::new();
    let specs: Vec<&str> = config.apis.iter().map(|a| a.spec_label.as_str()).collect();
    let marker = generated_marker(&config.command, &format!("from {}", specs.join(", ")));
    files.push(GeneratedFile { path: "Cargo.toml".into(), contents: cargo_toml(config, plan.as_ref(), &marker) });
    files.push(GeneratedFile { path: "README.md".into(), contents: readme(config, plan.as_ref(), &marker) });
    files.push(GeneratedFile {
        path: "src/lib.rs".into(),
        contents: emit::format(lib_rs(config), &format!("// {marker}"), "lib.rs")?,
    });
    for api in &config.apis {
        let header = format!("// {}", generated_marker(&config.command, &format!("from {}", api.spec_label)));
        // The mocks are a third of the work and need nothing from the rest:
        // they format on a second thread (wall time, not CPU).
        let (out, mock) = std::thread::scope(|scope| {
            let mock = scope.spawn(|| emit::emit_mock(&api.api, &api.module, &api.editions, &config.name, &header));
            let out = emit::emit_api(&api.api, &api.module, &api.editions, &header, plan.as_ref());
            let mock = mock.join().unwrap_or_else(|_| Err("internal error: emitting the mocks panicked".to_owned()));
            (out, mock)
        });
        let (out, mock) = (out?, mock?);
        let dir = PathBuf::from("src").join(&api.module);
        files.push(GeneratedFile { path: dir.join("mod.rs"), contents: out.module });
        files.push(GeneratedFile { path: dir.join("models.rs"), contents: out.models });
        if plan.is_some() {
            files.push(GeneratedFile { path: dir.join("builders/mod.rs"), contents: out.builders });
            for (name, contents) in out.tag_builders {
                files.push(GeneratedFile { path: dir.join("builders").join(format!("{name}.rs")), contents });
            }
        } else {
            files.push(GeneratedFile { path: dir.join("builders.rs"), contents: out.builders });
        }
        files.push(GeneratedFile { path: dir.join("mock.rs"), contents: mock });
        for edition in &api.editions {
            let contents = emit::emit_edition(&api.api, &api.module, edition, &header)?;
            let dir = PathBuf::from("src").join(&edition.module);
            files.push(GeneratedFile { path: dir.join("mod.rs"), contents });
            let mock = emit::emit_edition_mock(&api.module, edition, &header)?;
            files.push(GeneratedFile { path: dir.join("mock.rs"), contents: mock });
        }
    }
    if config.include_runtime {
        for (name, source) in RUNTIME_FILES {
            let marker = generated_marker(&config.command, ": a copy of the sailpoint-role-mining runtime");
            let contents = format!("// {marker}\n\n{source}");
            files.push(GeneratedFile { path: PathBuf::from("src/runtime").join(name), contents });
        }
    }
    Ok(files)
}

/// Extra features may not shadow an API module or `default`; binaries
/// need features that exist.
fn validate_extras(config: &CrateConfig) -> Result<(), String> {
    let is_module = |name: &str| config.apis.iter().flat_map(ApiConfig::modules).any(|m| m == name);
    for (name, _) in &config.extra_features {
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid || name == "default" || is_module(name) {
            return Err(format!("invalid feature name {}", toml_string(name)));
        }
    }
    for bin in &config.bins {
        validate_crate_name(&bin.name).map_err(|e| format!("binary: {e}"))?;
        for feature in &bin.required_features {
            if !is_module(feature) && !config.extra_features.iter().any(|(f, _)| f == feature) {
                return Err(format!("binary `{}` requires unknown feature {}", bin.name, toml_string(feature)));
            }
        }
    }
    Ok(())
}

/// The `@generated` line heading every file (`what`: where it comes from),
/// kept on one line in every comment it heads, whatever a file name holds.
fn generated_marker(command: &str, what: &str) -> String {
    let separator = if what.starts_with(':') { "" } else { " " };
    single_line(&format!("@generated by `{command}`{separator}{what}. Do not edit by hand."))
}

/// A TOML basic string on one line, control characters escaped.
fn toml_string(s: &str) -> String {
    serde_json::to_string(&single_line(s)).unwrap_or_else(|_| "\"\"".into())
}

fn cargo_toml(config: &CrateConfig, plan: Option<&TagPlan>, marker: &str) -> String {
    let mut out = format!("# {marker}\n\n[package]\n");
    out += &format!("name = {}\n", toml_string(&config.name));
    out += &format!("version = {}\n", toml_string(&config.version));
    // 1.85: the oldest compiler the optional `mock` feature's wiremock 0.6 accepts.
    out += "edition = \"2021\"\nrust-version = \"1.85\"\n";
    out += &format!("description = {}\n", toml_string(&config.description));
    out += &format!("license = {}\n", toml_string(&config.license));
    if let Some(repo) = &config.repository {
        out += &format!("repository = {}\n", toml_string(repo));
    }
    out += "readme = \"README.md\"\n";
    if !config.keywords.is_empty() {
        let keywords: Vec<String> = config.keywords.iter().map(|k| toml_string(k)).collect();
        out += &format!("keywords = [{}]\n", keywords.join(", "));
    }
    out += "categories = [\"api-bindings\", \"web-programming::http-client\"]\n";
    out += "\n[features]\n";
    if config.features {
        let all: Vec<&str> = config.apis.iter().flat_map(ApiConfig::modules).collect();
        let defaults: Vec<String> = match &config.default_features {
            Some(list) => list.iter().map(|m| toml_string(m)).collect(),
            None => all.iter().map(|m| toml_string(m)).collect(),
        };
        out += &format!("default = [{}]\n", defaults.join(", "));
        for module in all {
            out += &format!("{module} = []\n");
        }
    }
    if let Some(plan) = plan {
        // Feature names come from tags through `names::fn_name`: identifiers.
        let all: Vec<String> = plan.features.iter().map(|f| toml_string(&f.name)).collect();
        out += "default = [\"full\"]\n";
        out += &format!("full = [{}]\n", all.join(", "));
        for feature in &plan.features {
            out += &format!("{} = []\n", feature.name);
        }
    }
    for (name, enables) in &config.extra_features {
        let enables: Vec<String> = enables.iter().map(|f| toml_string(f)).collect();
        out += &format!("{name} = [{}]\n", enables.join(", "));
    }
    // Typed mock servers for tests: a `mock` module in each API module.
    out += "mock = [\"dep:wiremock\"]\n";
    out += "\n[dependencies]\n";
    out += DEPENDENCIES;
    if let Some(dependencies) = &config.dependencies {
        out += dependencies.trim_end();
        out += "\n";
    }
    out += "\n[dev-dependencies]\n";
    out += DEV_DEPENDENCIES;
    if let Some(dev) = &config.dev_dependencies {
        out += dev.trim_end();
        out += "\n";
    }
    for bin in &config.bins {
        out += &format!("\n[[bin]]\nname = {}\n", toml_string(&bin.name));
        if !bin.required_features.is_empty() {
            let features: Vec<String> = bin.required_features.iter().map(|f| toml_string(f)).collect();
            out += &format!("required-features = [{}]\n", features.join(", "));
        }
    }
    for bench in &config.benches {
        out += &format!("\n[[bench]]\nname = {}\nharness = false\n", toml_string(bench));
        if config.features {
            // Benchmarks exercise the APIs: built only when they all are.
            let modules: Vec<String> = config.apis.iter().map(|a| toml_string(&a.module)).collect();
            out += &format!("required-features = [{}]\n", modules.join(", "));
        }
    }
    out
}

/// Spec text in the README is literal: one line, Markdown escaped.
fn readme(config: &CrateConfig, plan: Option<&TagPlan>, marker: &str) -> String {
    let marker = marker.replace("-->", "--&gt;");
    let mut out = format!("<!-- {marker} -->\n\n# {}\n\n{}\n\n", config.name, markdown_inline(&config.description));
    out += "| module | API | version | operations |\n|---|---|---|---|\n";
    for api in &config.apis {
        let (title, version) = (markdown_inline(&api.api.title), markdown_inline(&api.api.version));
        out += &format!("| `{}` | {title} | {version} | {} |\n", api.module, api.api.operations.len());
        for e in &api.editions {
            let place = if e.base_path.is_empty() { "the host root".to_owned() } else { format!("`{}`", markdown_inline(&e.base_path)) };
            let suffix = if e.operation_id_suffix.is_empty() {
                String::new()
            } else {
                format!(", operation ids ending in `{}`", markdown_inline(&e.operation_id_suffix))
            };
            let paths = e.path_version.as_ref().map(|v| format!(", `/{}` after each path's first segment", markdown_inline(v))).unwrap_or_default();
            out += &format!(
                "| `{}` | the `{}` operations and types at {place}{paths}{suffix} | | {} |\n",
                e.module,
                api.module,
                api.api.operations.len()
            );
        }
    }
    if config.features {
        let defaults = match &config.default_features {
            Some(list) => list.iter().map(|m| format!("`{}`", markdown_inline(m))).collect::<Vec<_>>().join(", "),
            None => "all of them".to_owned(),
        };
        out += &format!("\nEach module is a cargo feature; on by default: {defaults}.\n");
    }
    if let Some(plan) = plan {
        out += "\nEach tag of the spec is a cargo feature (`full`, on by default, turns on all); with\n";
        out += "`default-features = false` and the tags you need, only their operations and the\n";
        out += "types those reach are compiled. The typed mocks (`mock`) need `full`.\n\n";
        out += "| feature | tag | operations |\n|---|---|---|\n";
        for f in &plan.features {
            let tag = f.spec_tag.as_deref().map(markdown_inline).unwrap_or_else(|| "(none)".to_owned());
            out += &format!("| `{}` | {tag} | {} |\n", f.name, f.operations);
        }
    }
    if !config.extra_features.is_empty() {
        let names: Vec<String> = config.extra_features.iter().map(|(f, _)| format!("`{}`", markdown_inline(f))).collect();
        out += &format!("Other features (off by default): {}.\n", names.join(", "));
    }
    out += "\nEvery operation is a method on the module's `Client` returning a request builder:\n";
    out += "set optional parameters, then `.send().await`. Errors carry the status, the\n";
    out += "operation id and the error body typed as the spec declares it.\n";
    out
}

fn lib_rs(config: &CrateConfig) -> TokenStream {
    let crate_ident = format_ident!("{}", config.name.replace('-', "_"));
    let first = config.apis.first();
    let mut lines: Vec<String> = emit::render_parts([config.description.as_str()]).iter().map(|l| format!(" {l}")).collect();
    lines.extend([
        String::new(),
        " Each API version is a module with a `Client`; every operation is a method".to_owned(),
        " on it returning a request builder. The [`runtime`] module holds the".to_owned(),
        " connection, request encoding, decoding and the error types.".to_owned(),
    ]);
    // The example calls a module the default features turn on.
    let example = match config.default_features.as_ref().and_then(|d| d.first()) {
        Some(module) => config.apis.iter().find(|a| a.modules().any(|m| m == module)).map(|a| (a, module.as_str())),
        None => first.map(|a| (a, a.module.as_str())),
    };
    if let Some((api, module)) = example {
        let example_op = api
            .api
            .operations
            .iter()
            .find(|op| op.params.iter().all(|p| !p.required || p.constant.is_some()) && op.body.is_none() && op.http_method == "GET");
        if let Some(op) = example_op {
            lines.extend([
                String::new(),
                " ```no_run".to_owned(),
                " # async fn run() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
                format!(" let client = {crate_ident}::Client::new(\"https://acme.api.identitynow.com\", \"<token>\")?;"),
                format!(" let result = client.{module}().{}().send().await?;", op.method_name),
                " # let _ = result;".to_owned(),
                " # Ok(())".to_owned(),
                " # }".to_owned(),
                " ```".to_owned(),
            ]);
        }
    }
    let docs = lines.iter().map(|l| quote!(#![doc = #l]));
    let cfg = |features: Vec<&str>| match (config.features, features.as_slice()) {
        (false, _) => quote!(),
        (true, [one]) => quote!(#[cfg(feature = #one)]),
        (true, many) => quote!(#[cfg(any(#(feature = #many),*))]),
    };
    let modules = config.apis.iter().flat_map(|api| {
        // A module serving several editions compiles when any of them is on.
        let home = format_ident!("{}", api.module);
        let home_cfg = cfg(api.modules().collect());
        let editions = api.editions.iter().map(|e| {
            let module = format_ident!("{}", e.module);
            let cfg = cfg(vec![e.module.as_str()]);
            quote! { #cfg pub mod #module; }
        });
        std::iter::once(quote! { #home_cfg pub mod #home; }).chain(editions).collect::<Vec<_>>()
    });
    let accessors = config.apis.iter().flat_map(|api| {
        api.modules()
            .map(|m| {
                let module = format_ident!("{}", m);
                let cfg = cfg(vec![m]);
                let doc = format!(" The {m} operations ({}), sharing this connection.", markdown_inline(&api.api.title));
                quote! {
                    #cfg
                    #[doc = #doc]
                    pub fn #module(&self) -> #module::Client {
                        #module::Client::from_runtime(self.clone())
                    }
                }
            })
            .collect::<Vec<_>>()
    });
    let hand_written = config.hand_written_modules.iter().map(|m| {
        let module = format_ident!("{}", m);
        quote!(pub mod #module;)
    });
    quote! {
        #(#docs)*
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        pub mod runtime;
        #(#hand_written)*
        #(#modules)*

        pub use runtime::{Client, ClientBuilder, ConfigError, SecretString};

        /// The `reqwest` this crate is built on, so that its types
        /// (`reqwest::Client` for `ClientBuilder::http_client`, `StatusCode`,
        /// `HeaderMap`, ...) never need a matching version in your own
        /// `Cargo.toml`.
        pub use reqwest;

        impl runtime::Client {
            #(#accessors)*
        }
    }
}
