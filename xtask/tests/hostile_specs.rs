//! Hostile specs compile: a fixed handful of specs whose names and text are
//! hostile strings (keywords, punctuation, unicode, control characters,
//! fences, the emitter's own names; see `codegen/tests/hostile/mod.rs`) go
//! through `cargo xtask generate --spec X --out DIR`, and the crates must
//! `cargo check --all-targets` with no errors and no warnings.
//!
//! `codegen/tests/fuzz.rs` runs many more such specs through the generator
//! and parses the output; this test pays for the compiler on a few. All
//! crates are members of one scratch workspace checked by one cargo
//! invocation, in their own target directory: the dependencies build once.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::workspace_root;

#[path = "../../codegen/tests/hostile/mod.rs"]
mod hostile;

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// `xtask generate`, then make the crate a member of the scratch workspace:
/// its own `[workspace]` table goes, and it gets a unique package name (the
/// one derived from the hostile title is checked first, standalone).
fn generate(spec: &Path, out: &Path, member: &str) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(out);
    let (ok, stderr) = run(Command::new(env!("CARGO_BIN_EXE_xtask")).args([
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    if !ok || stderr.contains("panicked") {
        return Err(format!("generating from {}:\n{stderr}", spec.display()));
    }
    // The manifest as written is one cargo accepts (name, version, text).
    let (ok, stderr) = run(Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--offline", "--format-version", "1"])
        .current_dir(out));
    if !ok {
        return Err(format!("cargo rejects the Cargo.toml generated from {}:\n{stderr}", spec.display()));
    }
    let manifest_path = out.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let mut renamed = false;
    let lines: Vec<String> = manifest
        .lines()
        .filter(|l| l.trim() != "[workspace]")
        .map(|l| {
            if !renamed && l.starts_with("name = ") {
                renamed = true;
                format!("name = \"{member}\"")
            } else {
                l.to_owned()
            }
        })
        .collect();
    assert!(renamed, "no package name in {}", manifest_path.display());
    std::fs::write(&manifest_path, lines.join("\n") + "\n").unwrap();
    Ok(())
}

#[test]
fn hostile_specs_compile_without_warnings() {
    let started = std::time::Instant::now();
    let root = workspace_root().join("target/hostile-specs");
    let crates: PathBuf = root.join("crates");
    let _ = std::fs::remove_dir_all(&crates);
    std::fs::create_dir_all(&crates).unwrap();
    let mut members = Vec::new();
    let mut failures = Vec::new();
    for (i, doc) in hostile::budget(hostile::budget_size()).iter().enumerate() {
        let spec = crates.join(format!("hostile-{i}.json"));
        std::fs::write(&spec, serde_json::to_vec_pretty(doc).unwrap()).unwrap();
        let member = format!("hostile-{i}");
        match generate(&spec, &crates.join(&member), &member) {
            Ok(()) => members.push(format!("{member:?}")),
            Err(e) => failures.push(e),
        }
    }
    std::fs::write(
        crates.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")),
    )
    .unwrap();
    std::fs::copy(workspace_root().join("Cargo.lock"), crates.join("Cargo.lock")).unwrap();
    let (ok, stderr) = run(Command::new(env!("CARGO"))
        .args(["check", "--workspace", "--all-targets", "--keep-going", "--message-format=short"])
        // The corpus test's target directory: dependencies build once.
        .env("CARGO_TARGET_DIR", workspace_root().join("target/corpus"))
        .env("RUSTFLAGS", "")
        .current_dir(&crates));
    if !ok {
        failures.push(format!("cargo check failed in {}:\n{stderr}", crates.display()));
    } else {
        let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
        if !warnings.is_empty() {
            failures.push(format!("cargo check warned in {}:\n{}", crates.display(), warnings.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!("{} hostile crates checked in {:.0} s", members.len(), started.elapsed().as_secs_f64());
}

/// The crate name comes from the title, the description from the title and
/// version: hostile ones must still give a manifest cargo accepts. Found by
/// the budget: a title `core` was refused as a crate name, and a NUL in the
/// title reached `description`, which cargo cannot hand to rustc (both fixed
/// by the crate-name validation and one-line text of the manifest).
#[test]
fn hostile_titles_give_manifests_cargo_accepts() {
    let dir = workspace_root().join("target/hostile-specs/titles");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let long = "a".repeat(300);
    let titles =
        ["core", "std", "test", "self", "Self", "crate", "proc_macro", "", "1", "-", "名前", "a\0b", "\r\n", "a\u{202E}b", &long];
    for (i, title) in titles.iter().enumerate() {
        let spec = dir.join(format!("title-{i}.json"));
        let doc = serde_json::json!({"openapi": "3.0.3", "info": {"title": title, "version": title}, "paths": {}});
        std::fs::write(&spec, serde_json::to_vec(&doc).unwrap()).unwrap();
        let out = dir.join(format!("title-{i}"));
        let member = format!("title-{i}");
        // `generate` runs `cargo metadata` on the crate as written.
        if let Err(e) = generate(&spec, &out, &member) {
            panic!("title {title:?}: {e}");
        }
    }
}
