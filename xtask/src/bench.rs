//! `cargo xtask bench`: how fast our generated crates compile and how fast
//! the generator runs, beside openapi-generator's `-g rust` when it is
//! installed (see [`peer`]). A measurement to rerun, not a test: it prints a
//! Markdown table (and `--json FILE`) and asserts nothing.
//!
//! Rows (`--only` takes the group name):
//!
//! - `role-mining`: the `generated/` crate, debug `cargo build` wall time
//!   after `touch src/lib.rs`: default features, all features, and the
//!   feature `beta` alone. The peer builds its crate of
//!   `spec/role-mining.v2025.yaml` (default features), of both our specs
//!   (all features, the two builds added up) and of the beta spec.
//! - `check`: a crate of each whole SailPoint document (`cargo check`: the
//!   compiler's CPU time and peak memory, through [`measure::rustc_wrapper`]).
//! - `generate`: generating the largest document (wall, CPU, peak memory).
//! - `per-tag`: `cargo check` of one tag's feature of a whole-API crate,
//!   once the generator writes per-tag features ([`tag_feature`]).
//!
//! Everything is built under the cache directory (default
//! `~/.cache/sailpoint-codegen-bench`), one target directory per kind of
//! crate (ours, the role-mining crate, the peer's), so dependencies are
//! compiled once and every measured build compiles only the crate itself
//! (`CARGO_INCREMENTAL=0`; for `cargo check` only the crate's own rustc is
//! counted anyway). Runs alternate between the two generators so a
//! busy machine slows both alike; medians are reported.

pub mod measure;
pub mod peer;
pub mod report;

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use peer::Peer;
use report::{Cell, Machine, Report, Row};

/// The row groups, in table order.
pub const GROUPS: [&str; 4] = ["role-mining", "check", "generate", "per-tag"];

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub runs: usize,
    pub check_runs: usize,
    /// Groups to run; empty: all.
    pub only: Vec<String>,
    pub skip_peer: bool,
    pub peer: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub cache: Option<PathBuf>,
    /// Whole-API documents for the `check` rows; empty: SailPoint's.
    pub full: Vec<PathBuf>,
    /// The document for the `generate` rows; `None`: the largest of SailPoint's.
    pub generate_spec: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runs: 3,
            check_runs: 1,
            only: Vec::new(),
            skip_peer: false,
            peer: None,
            json: None,
            cache: None,
            full: Vec::new(),
            generate_spec: None,
        }
    }
}

impl Options {
    pub fn wants(&self, group: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|g| g == group)
    }
}

pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| iter.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        let count = |flag: &str, v: String| match v.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!("{flag} takes a whole number of at least 1, not `{v}`")),
        };
        match arg.as_str() {
            "--runs" => options.runs = count("--runs", value("--runs")?)?,
            "--check-runs" => options.check_runs = count("--check-runs", value("--check-runs")?)?,
            "--only" => {
                let group = value("--only")?;
                if !GROUPS.contains(&group.as_str()) {
                    return Err(format!("--only takes one of {}, not `{group}`", GROUPS.join(", ")));
                }
                options.only.push(group);
            }
            "--skip-peer" => options.skip_peer = true,
            "--peer" => options.peer = Some(value("--peer")?.into()),
            "--json" => options.json = Some(value("--json")?.into()),
            "--cache" => options.cache = Some(value("--cache")?.into()),
            "--full" => options.full.push(value("--full")?.into()),
            "--generate-spec" => options.generate_spec = Some(value("--generate-spec")?.into()),
            other => return Err(format!("unknown argument `{other}` (see `cargo xtask help`)")),
        }
    }
    if options.skip_peer && options.peer.is_some() {
        return Err("--skip-peer and --peer contradict each other".into());
    }
    Ok(options)
}

/// `$XDG_CACHE_HOME/sailpoint-codegen-bench`, else `~/.cache/...`.
pub fn default_cache() -> Result<PathBuf, String> {
    crate::user_cache_dir("sailpoint-codegen-bench")
}

/// The feature of a whole-API crate that holds one tag's operations: a
/// feature whose name is a tag's, compared by letters and digits only
/// (`iai-role-mining` is `IAI Role Mining`). The role-mining tag wins if
/// it has one. Returns (feature, tag).
pub fn tag_feature(features: &[String], tags: &[String]) -> Option<(String, String)> {
    let key = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect::<String>();
    let matches: Vec<(String, String)> = features
        .iter()
        .filter(|f| !matches!(f.as_str(), "default" | "mock"))
        .filter_map(|f| tags.iter().find(|t| !key(t).is_empty() && key(t) == key(f)).map(|t| (f.clone(), t.clone())))
        .collect();
    let preferred = matches.iter().find(|(_, tag)| key(tag).contains("rolemining")).cloned();
    preferred.or_else(|| matches.into_iter().next())
}

/// The `[features]` names of a crate manifest.
pub fn manifest_features(manifest: &str) -> Vec<String> {
    let Ok(value) = manifest.parse::<toml::Table>() else { return Vec::new() };
    value.get("features").and_then(toml::Value::as_table).map(|t| t.keys().cloned().collect()).unwrap_or_default()
}

/// Every tag of an OpenAPI document: the `tags` list and the operations'.
pub fn document_tags(document: &serde_json::Value) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let mut add = |t: &serde_json::Value| {
        if let Some(t) = t.as_str() {
            if !tags.iter().any(|known| known == t) {
                tags.push(t.to_owned());
            }
        }
    };
    for tag in document.get("tags").and_then(|t| t.as_array()).into_iter().flatten() {
        add(tag.get("name").unwrap_or(&serde_json::Value::Null));
    }
    for item in document.get("paths").and_then(|p| p.as_object()).into_iter().flat_map(|p| p.values()) {
        for operation in item.as_object().into_iter().flat_map(|i| i.values()) {
            for tag in operation.get("tags").and_then(|t| t.as_array()).into_iter().flatten() {
                add(tag);
            }
        }
    }
    tags
}

/// A crate to build or check, and how.
struct Subject {
    /// For the table and progress lines.
    name: String,
    manifest: PathBuf,
    /// The crate's directory (its `src/lib.rs` is touched).
    dir: PathBuf,
    /// `-p` inside a workspace.
    package: Option<String>,
    target: PathBuf,
    features: Features,
}

#[derive(Clone)]
enum Features {
    Default,
    All,
    Only(String),
}

/// State shared by the measurements of one run.
struct Bench<'a> {
    root: &'a Path,
    cache: PathBuf,
    options: &'a Options,
    exe: PathBuf,
    cargo: PathBuf,
}

impl Bench<'_> {
    fn progress(&self, message: &str) {
        eprintln!("bench: {message}");
    }

    fn logs(&self, name: &str) -> (PathBuf, PathBuf) {
        let dir = self.cache.join("logs");
        (dir.join(format!("{name}.stdout")), dir.join(format!("{name}.stderr")))
    }

    fn cargo(&self, subcommand: &str, subject: &Subject, wrapper_log: Option<&Path>) -> Command {
        let mut command = Command::new(&self.cargo);
        command.arg(subcommand).arg("--manifest-path").arg(&subject.manifest);
        if let Some(package) = &subject.package {
            command.args(["-p", package]);
        }
        match &subject.features {
            Features::Default => {}
            Features::All => {
                command.arg("--all-features");
            }
            Features::Only(feature) => {
                command.args(["--no-default-features", "--features", feature]);
            }
        }
        command
            .env("CARGO_TARGET_DIR", &subject.target)
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .env_remove(measure::RUSTC_LOG)
            .env_remove("RUSTC_WORKSPACE_WRAPPER");
        if let Some(log) = wrapper_log {
            // The same wrapper for the warm-up and the measured runs, so
            // cargo's fingerprints agree and dependencies stay fresh.
            command.env("RUSTC_WORKSPACE_WRAPPER", &self.exe).env(measure::RUSTC_LOG, log);
        }
        command
    }

    /// Build or check once, unmeasured, to compile the dependencies. `Err`
    /// is the table's text for a crate that does not compile.
    fn warm_up(&self, subcommand: &str, subject: &Subject, wrapper_log: Option<&Path>) -> Result<(), String> {
        self.progress(&format!("{subcommand} {} once to prebuild its dependencies", subject.name));
        let (stdout, stderr) = self.logs(&format!("{}-{subcommand}-warm-up", subject.name));
        let usage = measure::run(&mut self.cargo(subcommand, subject, wrapper_log), &stdout, &stderr)?;
        if usage.success() {
            Ok(())
        } else {
            Err(compile_failure(&stderr))
        }
    }

    /// One measured `cargo build` after touching the crate root.
    fn build_once(&self, subject: &Subject, run: usize) -> Result<f64, String> {
        touch_root(subject)?;
        let (stdout, stderr) = self.logs(&format!("{}-build-{run}", subject.name));
        let usage = measure::run(&mut self.cargo("build", subject, None), &stdout, &stderr)?;
        if !usage.success() {
            return Err(compile_failure(&stderr));
        }
        Ok(usage.wall.as_secs_f64())
    }

    /// One measured `cargo check` after touching the crate root: the
    /// compiler's CPU seconds and peak RSS.
    fn check_once(&self, subject: &Subject, run: usize) -> Result<(f64, u64), String> {
        let log = self.rustc_log(subject);
        let _ = fs::remove_file(&log);
        touch_root(subject)?;
        let (stdout, stderr) = self.logs(&format!("{}-check-{run}", subject.name));
        let usage = measure::run(&mut self.cargo("check", subject, Some(&log)), &stdout, &stderr)?;
        if !usage.success() {
            return Err(compile_failure(&stderr));
        }
        measure::read_rustc_log(&log).ok_or_else(|| format!("{}: cargo check compiled nothing after the touch", subject.name))
    }

    fn rustc_log(&self, subject: &Subject) -> PathBuf {
        self.cache.join("logs").join(format!("{}.rustc", subject.name))
    }

    /// Our crate for a whole document, written by this very binary.
    fn generate_ours(&self, spec: &Path, out: &Path) -> Result<measure::Usage, String> {
        let (stdout, stderr) = self.logs(&format!("generate-ours-{}", stem(spec)));
        let mut command = Command::new(&self.exe);
        command.arg("generate").arg("--spec").arg(spec).arg("--out").arg(out);
        let usage = measure::run(&mut command, &stdout, &stderr)?;
        if !usage.success() {
            return Err(format!("fails to generate (see {})", stderr.display()));
        }
        Ok(usage)
    }

    /// The peer's crate for `spec`, generated again only when the spec or
    /// the peer changed (a stamp file says what it was made from).
    fn peer_crate(&self, peer: &Peer, spec: &Path, name: &str) -> Result<PathBuf, String> {
        let dir = self.cache.join("peer").join(name);
        let stamp = format!("{}\n{}\n{:016x}\n", peer.version, spec.display(), file_hash(spec)?);
        let stamp_file = dir.join(".bench-stamp");
        if fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp.as_str()) && dir.join("Cargo.toml").is_file() {
            return Ok(dir);
        }
        self.progress(&format!("generating {name} with {}", peer.label()));
        let _ = fs::remove_dir_all(&dir);
        let (stdout, stderr) = self.logs(&format!("generate-peer-{name}"));
        let usage = measure::run(&mut peer.generate(spec, &dir, name), &stdout, &stderr)?;
        if !usage.success() {
            return Err(format!("fails to generate (see {})", stderr.display()));
        }
        standalone_workspace(&dir.join("Cargo.toml"))?;
        fs::write(&stamp_file, stamp).map_err(|e| format!("cannot write {}: {e}", stamp_file.display()))?;
        Ok(dir)
    }
}

/// A crate in the cache is its own workspace, whatever lies above it.
fn standalone_workspace(manifest: &Path) -> Result<(), String> {
    let text = fs::read_to_string(manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    if text.parse::<toml::Table>().is_ok_and(|t| t.contains_key("workspace")) {
        return Ok(());
    }
    fs::write(manifest, format!("{text}\n[workspace]\n")).map_err(|e| format!("cannot write {}: {e}", manifest.display()))
}

fn touch_root(subject: &Subject) -> Result<(), String> {
    measure::touch(&subject.dir.join("src/lib.rs"))
}

fn file_hash(path: &Path) -> Result<u64, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    Ok(hasher.finish())
}

/// `sailpoint-beta.full.json` -> `sailpoint-beta-full`.
fn stem(spec: &Path) -> String {
    let name = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = name.strip_suffix(".json").or_else(|| name.strip_suffix(".yaml")).or_else(|| name.strip_suffix(".yml")).unwrap_or(&name);
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// "fails to compile (3 errors)", from cargo's last words.
pub fn compile_failure(stderr: &Path) -> String {
    let text = fs::read_to_string(stderr).unwrap_or_default();
    compile_failure_text(&text)
}

pub fn compile_failure_text(stderr: &str) -> String {
    let count = stderr.lines().find_map(|line| {
        let rest = line.split(" due to ").nth(1)?;
        let n = rest.split_whitespace().find_map(|w| w.parse::<usize>().ok());
        Some(n.unwrap_or(1))
    });
    match count {
        Some(1) => "fails to compile (1 error)".to_owned(),
        Some(n) => format!("fails to compile ({n} errors)"),
        None => "fails to compile".to_owned(),
    }
}

/// Run the bench from the workspace at `root`.
pub fn run(root: &Path, options: &Options) -> Result<Report, String> {
    let cache = match &options.cache {
        Some(dir) => dir.clone(),
        None => default_cache()?,
    };
    let root_abs = root.canonicalize().map_err(|e| format!("{}: {e}", root.display()))?;
    fs::create_dir_all(cache.join("logs")).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    let cache = cache.canonicalize().map_err(|e| format!("{}: {e}", cache.display()))?;
    if cache.starts_with(&root_abs) {
        return Err(format!("the cache {} must be outside the repository", cache.display()));
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
    let bench = Bench { root, cache: cache.clone(), options, exe, cargo };
    let load_start = measure::load_average();

    let (peer, peer_note) = if options.skip_peer {
        (None, Some("not run (--skip-peer)".to_owned()))
    } else {
        match Peer::find(options.peer.as_deref(), &cache) {
            Ok(peer) if peer.version == peer::PINNED => (Some(peer), None),
            Ok(peer) => {
                let note = format!("{} is not the pinned {}; figures are for the version shown", peer.version, peer::PINNED);
                (Some(peer), Some(note))
            }
            Err(why) => (None, Some(why)),
        }
    };
    if let Some(note) = &peer_note {
        bench.progress(&format!("peer: {note}"));
    }

    let reference = root.join("../shared/reference");
    let reference = reference.canonicalize().unwrap_or(reference);
    let full: Vec<PathBuf> = if options.full.is_empty() {
        let v2025 = reference.join("sailpoint-v2025.full.json");
        let second = if v2025.is_file() { v2025 } else { reference.join("sailpoint-v3.full.json") };
        [reference.join("sailpoint-beta.full.json"), second].into_iter().filter(|p| p.is_file()).collect()
    } else {
        options.full.clone()
    };
    let generate_spec = options.generate_spec.clone().or_else(|| {
        let v2025 = reference.join("sailpoint-v2025.full.json");
        if v2025.is_file() {
            Some(v2025)
        } else {
            full.iter().max_by_key(|p| fs::metadata(p).map_or(0, |m| m.len())).cloned()
        }
    });

    let mut rows = Vec::new();
    if options.wants("role-mining") {
        rows.extend(role_mining(&bench, peer.as_ref())?);
    }
    let mut ours_full: Vec<(PathBuf, PathBuf)> = Vec::new();
    if options.wants("check") {
        if full.is_empty() {
            rows.push(missing("check", "whole-API crates, cargo check", &reference));
        }
        for spec in &full {
            let (found, dir) = check_full(&bench, peer.as_ref(), spec)?;
            rows.extend(found);
            if let Some(dir) = dir {
                ours_full.push((spec.clone(), dir));
            }
        }
    }
    if options.wants("generate") {
        match &generate_spec {
            Some(spec) => rows.extend(generate_rows(&bench, peer.as_ref(), spec)?),
            None => rows.push(missing("generate", "generate a whole-API document", &reference)),
        }
    }
    if options.wants("per-tag") {
        match full.first() {
            Some(spec) => rows.push(per_tag(&bench, peer.is_some(), spec, &ours_full)?),
            None => rows.push(missing("per-tag", "one tag of a whole-API crate, cargo check", &reference)),
        }
    }

    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "rustc ?".to_owned());
    let report = Report {
        machine: Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            load_start,
            load_end: measure::load_average(),
            rustc,
        },
        runs: options.runs,
        check_runs: options.check_runs,
        peer: peer.as_ref().map(Peer::label),
        peer_note,
        release_generator: !cfg!(debug_assertions),
        rows,
    };
    if let Some(path) = &options.json {
        let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        fs::write(path, json + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(report)
}

fn missing(group: &str, what: &str, reference: &Path) -> Row {
    let why = format!("not measured ({} is missing)", reference.display());
    Row { group: group.into(), what: what.into(), ours: Cell::NotApplicable { why: why.clone() }, peer: None }
}

/// The `role-mining` rows: `generated/` against the peer's crates of our specs.
fn role_mining(bench: &Bench, peer: Option<&Peer>) -> Result<Vec<Row>, String> {
    let target = bench.cache.join("target/role-mining");
    let ours = |name: &str, features: Features| Subject {
        name: name.into(),
        manifest: bench.root.join("Cargo.toml"),
        dir: bench.root.join("generated"),
        package: Some("sailpoint-role-mining".into()),
        target: target.clone(),
        features,
    };
    let ours = [
        ours("ours-role-mining-default", Features::Default),
        ours("ours-role-mining-all", Features::All),
        ours("ours-role-mining-beta", Features::Only("beta".into())),
    ];
    // Theirs: the v2025 crate for default features, beta + v2025 for all,
    // the beta crate for our feature `beta`.
    let mut theirs: Vec<Result<Vec<Subject>, String>> = Vec::new();
    if let Some(peer) = peer {
        let crate_of = |spec: &str, features: Features, suffix: &str| -> Result<Subject, String> {
            let name = format!("peer-role-mining-{}", spec.trim_start_matches("role-mining.").trim_end_matches(".yaml"));
            let dir = bench.peer_crate(peer, &bench.root.join("spec").join(spec), &name)?;
            Ok(Subject {
                name: format!("{name}-{suffix}"),
                manifest: dir.join("Cargo.toml"),
                dir,
                package: None,
                target: bench.cache.join("target/peer"),
                features,
            })
        };
        theirs.push(crate_of("role-mining.v2025.yaml", Features::Default, "default").map(|s| vec![s]));
        let all = ["role-mining.beta.yaml", "role-mining.v2025.yaml"].map(|spec| crate_of(spec, Features::All, "all"));
        theirs.push(all.into_iter().collect());
        theirs.push(crate_of("role-mining.beta.yaml", Features::Default, "default").map(|s| vec![s]));
    }

    // Warm up everything, then alternate measured runs.
    let mut ours_state: Vec<Result<Vec<f64>, String>> =
        ours.iter().map(|s| bench.warm_up("build", s, None).map(|()| Vec::new())).collect();
    let mut theirs_state: Vec<Result<Vec<f64>, String>> = theirs
        .iter()
        .map(|subjects| {
            let subjects = subjects.as_ref().map_err(Clone::clone)?;
            subjects.iter().try_for_each(|s| bench.warm_up("build", s, None)).map(|()| Vec::new())
        })
        .collect();
    for run in 0..bench.options.runs {
        bench.progress(&format!("role-mining builds, run {} of {}", run + 1, bench.options.runs));
        for i in 0..ours.len() {
            if let Ok(samples) = &mut ours_state[i] {
                match bench.build_once(&ours[i], run) {
                    Ok(s) => samples.push(s),
                    Err(why) => ours_state[i] = Err(why),
                }
            }
            if let (Some(Ok(subjects)), Some(Ok(samples))) = (theirs.get(i), theirs_state.get_mut(i)) {
                let total: Result<f64, String> = subjects.iter().map(|s| bench.build_once(s, run)).sum();
                match total {
                    Ok(s) => samples.push(s),
                    Err(why) => theirs_state[i] = Err(why),
                }
            }
        }
    }
    let cell = |state: Result<Vec<f64>, String>| match state {
        Ok(samples) => Cell::seconds(samples),
        Err(why) => Cell::Failed { why },
    };
    let whats = [
        "role-mining crate, debug build after touch, default features (theirs: the v2025 crate)",
        "role-mining crate, debug build after touch, all features (theirs: beta + v2025 crates)",
        "role-mining crate, debug build after touch, feature `beta` only (theirs: the beta crate)",
    ];
    let mut theirs_state = theirs_state.into_iter();
    Ok(ours_state
        .into_iter()
        .zip(whats)
        .map(|(ours, what)| Row {
            group: "role-mining".into(),
            what: what.into(),
            ours: cell(ours),
            peer: peer.map(|_| cell(theirs_state.next().unwrap_or_else(|| Err("not run".into())))),
        })
        .collect())
}

/// The `check` rows of one whole document; also returns our crate's
/// directory, for the per-tag row.
fn check_full(bench: &Bench, peer: Option<&Peer>, spec: &Path) -> Result<(Vec<Row>, Option<PathBuf>), String> {
    let name = stem(spec);
    let ours_dir = bench.cache.join("ours").join(&name);
    bench.progress(&format!("generating our crate of {}", spec.display()));
    let ours = bench.generate_ours(spec, &ours_dir).map(|_| Subject {
        name: format!("ours-{name}"),
        manifest: ours_dir.join("Cargo.toml"),
        dir: ours_dir.clone(),
        package: None,
        target: bench.cache.join("target/ours"),
        features: Features::Default,
    });
    let theirs = peer.map(|peer| {
        bench.peer_crate(peer, spec, &format!("peer-{name}")).map(|dir| Subject {
            name: format!("peer-{name}"),
            manifest: dir.join("Cargo.toml"),
            dir,
            package: None,
            target: bench.cache.join("target/peer"),
            features: Features::Default,
        })
    });
    // No warm-up: the wrapper logs only the crate's own rustc, so
    // dependencies compiled by the first run do not count.
    let start = |subject: &Result<Subject, String>| subject.as_ref().map(|_| Vec::new()).map_err(Clone::clone);
    let mut ours_samples = start(&ours);
    let mut theirs_samples = theirs.as_ref().map(start);
    for run in 0..bench.options.check_runs {
        bench.progress(&format!("cargo check of {name}, run {} of {}", run + 1, bench.options.check_runs));
        if let (Ok(subject), Ok(samples)) = (&ours, &mut ours_samples) {
            match bench.check_once(subject, run) {
                Ok(sample) => samples.push(sample),
                Err(why) => ours_samples = Err(why),
            }
        }
        if let (Some(Ok(subject)), Some(Ok(samples))) = (&theirs, &mut theirs_samples) {
            match bench.check_once(subject, run) {
                Ok(sample) => samples.push(sample),
                Err(why) => theirs_samples = Some(Err(why)),
            }
        }
    }
    let cells = |samples: Result<Vec<(f64, u64)>, String>| match samples {
        Ok(samples) => (
            Cell::seconds(samples.iter().map(|s| s.0).collect()),
            Cell::bytes(samples.iter().map(|s| s.1).collect()),
        ),
        // A crate that does not compile has no figures: say so once.
        Err(why) => (Cell::Failed { why }, Cell::NotApplicable { why: "–".into() }),
    };
    let file = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let (ours_cpu, ours_rss) = cells(ours_samples);
    let (theirs_cpu, theirs_rss) = match theirs_samples.map(cells) {
        Some((cpu, rss)) => (Some(cpu), Some(rss)),
        None => (None, None),
    };
    let rows = vec![
        Row { group: "check".into(), what: format!("`{file}` crate, cargo check: rustc CPU time"), ours: ours_cpu, peer: theirs_cpu },
        Row { group: "check".into(), what: format!("`{file}` crate, cargo check: rustc peak RSS"), ours: ours_rss, peer: theirs_rss },
    ];
    Ok((rows, ours.is_ok().then_some(ours_dir)))
}

/// The `generate` rows: our generator (this binary, as a child) and the
/// peer's CLI on one whole document. Not alternated: our sub-second run
/// was seen taking up to 1.8 times as long right after the JVM exited, so
/// each side gets an unmeasured first run and then its runs in a row.
fn generate_rows(bench: &Bench, peer: Option<&Peer>, spec: &Path) -> Result<Vec<Row>, String> {
    let ours_out = bench.cache.join("generate/ours");
    let theirs_out = bench.cache.join("generate/peer");
    let runs = bench.options.runs;
    let mut ours: Result<Vec<measure::Usage>, String> = Ok(Vec::new());
    for run in 0..=runs {
        bench.progress(&format!("generating {} (ours), run {run} of {runs}", spec.display()));
        let _ = fs::remove_dir_all(&ours_out);
        match bench.generate_ours(spec, &ours_out) {
            Ok(usage) if run > 0 => ours.iter_mut().for_each(|samples| samples.push(usage)),
            Ok(_) => {}
            Err(why) => {
                ours = Err(why);
                break;
            }
        }
    }
    let theirs = peer.map(|peer| {
        let mut samples = Vec::new();
        for run in 0..=runs {
            bench.progress(&format!("generating {} (theirs), run {run} of {runs}", spec.display()));
            let _ = fs::remove_dir_all(&theirs_out);
            let (stdout, stderr) = bench.logs("generate-peer-timed");
            let usage = measure::run(&mut peer.generate(spec, &theirs_out, "peer-generate"), &stdout, &stderr)?;
            if !usage.success() {
                return Err(format!("fails to generate (see {})", stderr.display()));
            }
            if run > 0 {
                samples.push(usage);
            }
        }
        Ok(samples)
    });
    let file = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let cell = |samples: &Result<Vec<measure::Usage>, String>, metric: usize| match samples {
        Ok(samples) => match metric {
            0 => Cell::seconds(samples.iter().map(|u| u.wall.as_secs_f64()).collect()),
            1 => Cell::seconds(samples.iter().map(|u| u.cpu().as_secs_f64()).collect()),
            _ => Cell::bytes(samples.iter().map(|u| u.max_rss).collect()),
        },
        Err(why) => Cell::Failed { why: why.clone() },
    };
    let whats = ["wall time", "CPU time", "peak memory"];
    Ok((0..3)
        .map(|metric| Row {
            group: "generate".into(),
            what: format!("generate `{file}`: {}", whats[metric]),
            ours: cell(&ours, metric),
            peer: theirs.as_ref().map(|t| cell(t, metric)),
        })
        .collect())
}

/// The `per-tag` row: `n/a` until our whole-API crate has a feature per tag.
fn per_tag(bench: &Bench, with_peer: bool, spec: &Path, generated: &[(PathBuf, PathBuf)]) -> Result<Row, String> {
    let what = "one tag of a whole-API crate, cargo check: rustc CPU time";
    let peer = with_peer.then(|| Cell::NotApplicable { why: "n/a (no per-tag features)".into() });
    let name = stem(spec);
    let dir = match generated.iter().find(|(s, _)| s == spec) {
        Some((_, dir)) => dir.clone(),
        None => {
            let dir = bench.cache.join("ours").join(&name);
            if let Err(why) = bench.generate_ours(spec, &dir) {
                return Ok(Row { group: "per-tag".into(), what: what.into(), ours: Cell::Failed { why }, peer });
            }
            dir
        }
    };
    let manifest = dir.join("Cargo.toml");
    let features = manifest_features(&fs::read_to_string(&manifest).unwrap_or_default());
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let document: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let Some((feature, tag)) = tag_feature(&features, &document_tags(&document)) else {
        let ours = Cell::NotApplicable { why: "n/a (no per-tag features yet)".into() };
        return Ok(Row { group: "per-tag".into(), what: what.into(), ours, peer });
    };
    let subject = Subject {
        name: format!("ours-{name}-tag"),
        manifest,
        dir,
        package: None,
        target: bench.cache.join("target/ours"),
        features: Features::Only(feature.clone()),
    };
    let mut samples: Result<Vec<f64>, String> = Ok(Vec::new());
    for run in 0..bench.options.check_runs {
        if let Ok(list) = &mut samples {
            match bench.check_once(&subject, run) {
                Ok((cpu, _)) => list.push(cpu),
                Err(why) => samples = Err(why),
            }
        }
    }
    let ours = match samples {
        Ok(samples) => Cell::seconds(samples),
        Err(why) => Cell::Failed { why },
    };
    let what = format!("one tag of a whole-API crate (`{tag}`, feature `{feature}`), cargo check: rustc CPU time");
    Ok(Row { group: "per-tag".into(), what, ours, peer })
}
