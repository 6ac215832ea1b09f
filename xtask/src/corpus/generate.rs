//! Generation in process: load, generate, parse every emitted `.rs` file
//! with `syn`. A panic is caught and recorded; a spec that runs past the
//! time limit is recorded as timed out and its thread abandoned (a thread
//! cannot be stopped; a fresh worker takes its place), so one pathological
//! document cannot stall the sweep.

use std::cell::{Cell, RefCell};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use sailpoint_codegen::krate::{generate_crate, CrateConfig, GeneratedFile};
use serde::Serialize;

use super::fetch::Spec;

/// Worker threads get a large stack: a stack overflow aborts the whole
/// process, and deeply nested real-world schemas recurse deeply.
const STACK: usize = 256 << 20;

/// What generating one spec gave.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Generated {
        ms: u64,
        parse_ms: u64,
        crate_name: String,
        title: String,
        version: String,
        operations: usize,
        types: usize,
        warnings: usize,
        files: usize,
        bytes: usize,
        /// Emitted `.rs` files `syn::parse_file` refuses.
        unparsable: Vec<ParseFailure>,
    },
    Rejected {
        ms: u64,
        /// The first line of the error, normalized (names and numbers out).
        cause: String,
        message: String,
    },
    Panicked {
        ms: u64,
        cause: String,
        message: String,
    },
    TimedOut {
        secs: u64,
    },
    /// Not an OpenAPI 3.x document, or left out by `--only`.
    Skipped {
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct ParseFailure {
    pub file: String,
    pub error: String,
}

impl Outcome {
    pub fn ms(&self) -> u64 {
        match self {
            Outcome::Generated { ms, .. } | Outcome::Rejected { ms, .. } | Outcome::Panicked { ms, .. } => *ms,
            Outcome::TimedOut { secs } => secs * 1000,
            Outcome::Skipped { .. } => 0,
        }
    }
}

/// The crate for `spec`, or the error message.
pub struct Crate {
    pub name: String,
    pub files: Vec<GeneratedFile>,
    pub title: String,
    pub version: String,
    pub operations: usize,
    pub types: usize,
    pub warnings: usize,
}

pub enum Failure {
    /// The error's message, and the whole error (file and pointer too).
    Rejected(String, String),
    Panicked(String),
}

/// The package name of the crate for spec number `index`: the rule of
/// `cargo xtask generate` without the file's words (the number tells the
/// crates apart), cut to leave room for a unique `-NNNN`.
pub fn corpus_crate_name(index: usize, title: &str, version: &str) -> String {
    let suffix = format!("-{index:04}");
    let mut name = crate::crate_name(title, version, None);
    name.truncate(64 - suffix.len());
    while name.ends_with('-') {
        name.pop();
    }
    name + &suffix
}

/// Generate the crate for `spec` (number `index` in the directory) in this
/// thread, a panic caught.
pub fn build(spec: &Spec, index: usize) -> Result<Crate, Failure> {
    CATCHING.with(|c| c.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| -> Result<Crate, (String, String)> {
        let mut warnings = Vec::new();
        let api = sailpoint_codegen::load_api_with(&spec.path, &Default::default(), &mut warnings)
            .map_err(|e| (e.message.clone(), e.to_string()))?;
        let (title, version) = (api.title.clone(), api.version.clone());
        let (operations, types) = (api.operations.len(), api.types.len());
        let name = corpus_crate_name(index, &title, &version);
        let file_name = spec.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let command = format!("cargo xtask generate --spec {file_name} --out <dir>");
        let config = CrateConfig::standalone(name.clone(), api, &file_name, command);
        let mut files = generate_crate(&config).map_err(|e| (e.clone(), e))?;
        if let Some(manifest) = files.iter_mut().find(|f| f.path == Path::new("Cargo.toml")) {
            manifest.contents.push_str("\n[workspace]\n");
        }
        Ok(Crate { name, files, title, version, operations, types, warnings: warnings.len() })
    }));
    CATCHING.with(|c| c.set(false));
    match result {
        Ok(Ok(krate)) => Ok(krate),
        Ok(Err((message, full))) => Err(Failure::Rejected(message, full)),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            let place = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
            Err(Failure::Panicked(format!("{message} (at {place})")))
        }
    }
}

/// One spec, measured: generate, then parse every `.rs` file.
fn attempt(spec: &Spec, index: usize) -> Outcome {
    let start = Instant::now();
    let built = build(spec, index);
    let ms = start.elapsed().as_millis() as u64;
    match built {
        Err(Failure::Rejected(message, full)) => Outcome::Rejected { ms, cause: normalize(&message), message: full },
        Err(Failure::Panicked(message)) => Outcome::Panicked { ms, cause: normalize(&message), message },
        Ok(krate) => {
            let parse_start = Instant::now();
            let mut unparsable = Vec::new();
            for file in krate.files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs")) {
                if let Err(e) = syn::parse_file(&file.contents) {
                    unparsable.push(ParseFailure { file: file.path.display().to_string(), error: e.to_string() });
                }
            }
            Outcome::Generated {
                ms,
                parse_ms: parse_start.elapsed().as_millis() as u64,
                crate_name: krate.name,
                title: krate.title,
                version: krate.version,
                operations: krate.operations,
                types: krate.types,
                warnings: krate.warnings,
                files: krate.files.len(),
                bytes: krate.files.iter().map(|f| f.contents.len()).sum(),
                unparsable,
            }
        }
    }
}

#[derive(Default)]
struct Slot {
    on: Option<(usize, Instant)>,
    retired: bool,
}

thread_local! {
    /// Whether this thread is inside [`build`]'s `catch_unwind`.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// Where the last panic caught on this thread happened, set by our hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A panic inside [`build`] is recorded (its location kept for the report)
/// instead of printed; any other goes to the usual hook.
pub fn record_panics() {
    let usual = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if CATCHING.with(Cell::get) {
            let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(place));
        } else {
            usual(info);
        }
    }));
}

/// The first line of an error, with what varies from spec to spec (quoted
/// names, JSON pointers) replaced, so equal causes group.
pub fn normalize(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' | '\''
                if chars.clone().any(|d| d == c) && (c != '\'' || !out.ends_with(char::is_alphanumeric)) =>
            {
                let quoted: String = chars.by_ref().take_while(|&d| d != c).collect();
                // Keywords and literals say what went wrong; names do not.
                let telling = quoted.starts_with('$')
                    || ["true", "false", "null"].contains(&quoted.as_str())
                    || (!quoted.is_empty() && quoted.bytes().all(|b| b.is_ascii_digit()));
                out.push(c);
                out.push_str(if telling { &quoted } else { "…" });
                out.push(c);
            }
            '#' if chars.peek() == Some(&'/') => {
                // A file path before the pointer goes too.
                while out.ends_with(|d: char| !d.is_whitespace() && !matches!(d, '(' | '`' | '"' | '\'')) {
                    out.pop();
                }
                let mut pointer = String::from("#");
                while let Some(d) = chars.next_if(|d| !d.is_whitespace()) {
                    pointer.push(d);
                }
                let trailing = pointer.len() - pointer.trim_end_matches([':', ',', ')', ';']).len();
                let tail = pointer.split_off(pointer.len() - trailing);
                out.push_str(&pointer_shape(&pointer));
                out.push_str(&tail);
            }
            _ => out.push(c),
        }
    }
    out.chars().take(200).collect()
}

/// The kind of place a JSON pointer names, without the names:
/// `#/components/schemas/*` (a component), `#/components/schemas/*/…`
/// (inside one), `#/paths/…`; `[percent-encoded]` when it holds a `%`.
fn pointer_shape(pointer: &str) -> String {
    let tokens: Vec<&str> = pointer.trim_start_matches("#/").split('/').collect();
    let mut shape = match tokens.as_slice() {
        ["components", kind, "..."] => format!("#/components/{kind}/..."),
        ["components", kind, _] => format!("#/components/{kind}/*"),
        ["components", kind, _, ..] => format!("#/components/{kind}/*/…"),
        [first, ..] if !first.is_empty() => format!("#/{first}/…"),
        _ => "#/…".to_owned(),
    };
    if pointer.contains('%') {
        shape.push_str(" [percent-encoded]");
    }
    shape
}

/// Generate every spec in `todo` (indices into `specs`) on `jobs` threads;
/// returns each one's outcome. Progress goes to stderr.
pub fn run_all(specs: &Arc<Vec<Spec>>, todo: &[usize], jobs: usize, timeout: Duration) -> Vec<(usize, Outcome)> {
    let queue = Arc::new(todo.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    // What each worker is on: (spec index, since), and whether it was given
    // up on (it then stops when, if ever, its spec returns).
    let running: Arc<Mutex<Vec<Slot>>> = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    let spawn = |running: &Arc<Mutex<Vec<Slot>>>| {
        let slot = {
            let mut running = running.lock().unwrap_or_else(|e| e.into_inner());
            running.push(Slot::default());
            running.len() - 1
        };
        let (specs, queue, next, running, tx) =
            (specs.clone(), queue.clone(), next.clone(), running.clone(), tx.clone());
        std::thread::Builder::new()
            .name(format!("corpus-{slot}"))
            .stack_size(STACK)
            .spawn(move || loop {
                let at = next.fetch_add(1, Ordering::SeqCst);
                let Some(&index) = queue.get(at) else { break };
                running.lock().unwrap_or_else(|e| e.into_inner())[slot].on = Some((index, Instant::now()));
                let outcome = attempt(&specs[index], index);
                let retired = {
                    let mut running = running.lock().unwrap_or_else(|e| e.into_inner());
                    running[slot].on = None;
                    running[slot].retired
                };
                if retired || tx.send((index, outcome)).is_err() {
                    break;
                }
            })
            .expect("spawning a generation thread");
    };
    for _ in 0..jobs.max(1) {
        spawn(&running);
    }
    let total = todo.len();
    let mut done: Vec<Option<Outcome>> = vec![None; specs.len()];
    let mut finished = 0;
    let (mut rejected, mut panicked, mut timed_out) = (0, 0, 0);
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut slow_warned: Vec<usize> = Vec::new();
    while finished < total {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok((index, outcome)) => {
                if done[index].is_some() {
                    continue; // it had timed out; its late result is dropped
                }
                match outcome {
                    Outcome::Rejected { .. } => rejected += 1,
                    Outcome::Panicked { .. } => panicked += 1,
                    _ => {}
                }
                done[index] = Some(outcome);
                finished += 1;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        let overdue: Vec<(usize, usize, Duration)> = running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .enumerate()
            .filter_map(|(n, slot)| slot.on.map(|(index, since)| (n, index, since.elapsed())))
            .collect();
        for (n, index, elapsed) in overdue {
            if elapsed >= timeout && done[index].is_none() {
                eprintln!("  timed out after {}s: {} (its thread is abandoned)", elapsed.as_secs(), specs[index].rel);
                done[index] = Some(Outcome::TimedOut { secs: elapsed.as_secs() });
                finished += 1;
                timed_out += 1;
                // The stuck worker is retired; a new one takes over the queue.
                let mut all = running.lock().unwrap_or_else(|e| e.into_inner());
                all[n] = Slot { on: None, retired: true };
                drop(all);
                spawn(&running);
            } else if elapsed >= Duration::from_secs(60) && !slow_warned.contains(&index) {
                slow_warned.push(index);
                eprintln!("  still generating after 60s: {}", specs[index].rel);
            }
        }
        if last_report.elapsed() >= Duration::from_secs(30) || finished == total {
            last_report = Instant::now();
            eprintln!(
                "[generate {finished}/{total}] {}s: {rejected} rejected, {panicked} panicked, {timed_out} timed out",
                started.elapsed().as_secs()
            );
        }
    }
    done.into_iter().enumerate().filter_map(|(i, o)| o.map(|o| (i, o))).collect()
}

#[cfg(test)]
mod tests {
    use super::{corpus_crate_name, normalize};

    #[test]
    fn causes_group() {
        assert_eq!(
            normalize("schema `Foo` at #/components/schemas/Foo/properties/a: unknown type \"x\" (3 times)\nmore"),
            "schema `…` at #/components/schemas/*/…: unknown type \"…\" (3 times)"
        );
        assert_eq!(
            normalize("dangling `$ref`: #/paths/~1a~1%7Bid%7D/get does not exist"),
            "dangling `$ref`: #/paths/… [percent-encoded] does not exist"
        );
        assert_eq!(
            normalize("unsupported `$ref` target #/components/parameters/p/schema: only #/components/schemas/... can"),
            "unsupported `$ref` target #/components/parameters/*/…: only #/components/schemas/... can"
        );
        assert_eq!(normalize("invalid type: boolean `false`, expected"), "invalid type: boolean `false`, expected");
        assert_eq!(
            normalize(
                "`$ref` #/components/responses/R points at a response (/c/api/x.json#/components/responses/R), not"
            ),
            "`$ref` #/components/responses/* points at a response (#/components/responses/*), not"
        );
        assert_eq!(normalize("it's a v2 thing"), "it's a v2 thing");
    }

    #[test]
    fn corpus_names_are_unique_and_valid() {
        let long = "A very long title that goes on and on and on and on and on and on";
        for (index, title, version) in [(7, "Pet Store", "1.0.0"), (2638, long, "2020-01-01-preview"), (3, "type", "")]
        {
            let name = corpus_crate_name(index, title, version);
            assert!(sailpoint_codegen::krate::validate_crate_name(&name).is_ok(), "{name}");
            assert!(name.ends_with(&format!("-{index:04}")), "{name}");
        }
        assert_eq!(corpus_crate_name(7, "Pet Store", "1.0.0"), "pet-store-v1-0-0-0007");
    }
}
