//! Per-tag cargo features of a whole-API crate (`tests/tags/tags.yaml`):
//! each tag compiles alone with no error and no warning, with only the
//! models its operations reach; `full` (the default) compiles everything.
//!
//! The spec has what makes the plan hard: an operation with two tags, tags
//! that differ only in case (`Pets`, `pets`: one feature), an untagged
//! operation, tags that would shadow the crate's own feature (`default`) or
//! a keyword (`type`), models shared by two tags, error bodies every
//! operation shares, and a model no operation reaches.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::workspace_root;

fn generate(out: &Path) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tags/tags.yaml");
    let _ = std::fs::remove_dir_all(out);
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

fn cargo_check(dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(["check", "--all-targets", "--message-format=short"])
        .args(args)
        .env("CARGO_TARGET_DIR", workspace_root().join("target/corpus"))
        .env("RUSTFLAGS", "")
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let what = format!("cargo check {} in {}", args.join(" "), dir.display());
    assert!(output.status.success(), "{what} failed:\n{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(warnings.is_empty(), "{what} warned:\n{}", warnings.join("\n"));
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The item declared right after `needle`'s line, with the attributes above it.
fn attributes_of(code: &str, needle: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let at = lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}`"));
    let start = lines[..at].iter().rposition(|l| l.trim().is_empty() || l.trim() == "}").map_or(0, |i| i + 1);
    lines[start..at].iter().filter(|l| l.trim_start().starts_with("#[cfg")).map(|l| l.trim()).collect::<Vec<_>>().join(" ")
}

#[test]
fn each_tag_compiles_alone_with_only_what_it_reaches() {
    let out = workspace_root().join("target/corpus-crates/tag-features");
    generate(&out);
    std::fs::copy(workspace_root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();

    let cargo_toml = read(out.join("Cargo.toml"));
    for line in [
        "default = [\"full\"]",
        "full = [\"default_tag\", \"pets\", \"store\", \"type_\", \"untagged\"]",
        "pets = []",
        "type_ = []",
    ] {
        assert!(cargo_toml.contains(line), "missing `{line}` in\n{cargo_toml}");
    }

    // A file per tag, named by its feature; `Pets` and `pets` are one.
    let mut files: Vec<String> = std::fs::read_dir(out.join("src/api/builders"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["default_tag.rs", "mod.rs", "pets.rs", "store.rs", "type_.rs", "untagged.rs"]);
    let pets = read(out.join("src/api/builders/pets.rs"));
    assert!(pets.contains("pub struct ListPets") && pets.contains("pub struct GetPet"), "{pets}");
    // `buyPet` is Store's first: its module, compiled with either feature.
    let store = read(out.join("src/api/builders/store.rs"));
    assert!(store.contains("pub struct BuyPet"), "{store}");
    assert_eq!(attributes_of(&store, "pub struct GetInventory"), "#[cfg(feature = \"store\")]");
    let module = read(out.join("src/api/builders/mod.rs"));
    assert!(module.contains("#[cfg(any(feature = \"pets\", feature = \"store\"))]\npub mod store;"), "{module}");

    // Models compile under the features that reach them.
    let models = read(out.join("src/api/models.rs"));
    assert_eq!(attributes_of(&models, "pub struct Pet {"), "#[cfg(feature = \"pets\")]");
    assert_eq!(attributes_of(&models, "pub enum PetOrToy"), "#[cfg(feature = \"pets\")]");
    assert_eq!(attributes_of(&models, "pub struct Owner"), "#[cfg(any(feature = \"pets\", feature = \"store\"))]");
    assert_eq!(attributes_of(&models, "pub struct Unused"), "#[cfg(feature = \"full\")]");
    assert_eq!(attributes_of(&models, "pub struct Problem"), "", "error bodies always compile");
    assert_eq!(attributes_of(&models, "pub struct Category"), "", "reached by an error body");

    cargo_check(&out, &[]);
    cargo_check(&out, &["--features", "mock"]);
    cargo_check(&out, &["--no-default-features"]);
    for feature in ["default_tag", "pets", "store", "type_", "untagged"] {
        cargo_check(&out, &["--no-default-features", "--features", feature]);
    }
}
