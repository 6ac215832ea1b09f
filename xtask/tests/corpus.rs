//! The corpus: every spec here goes through `cargo xtask generate --spec X
//! --out DIR` and the crate it writes must `cargo check` (all targets) with
//! no errors and no warnings.
//!
//! - SailPoint's own documents from `../shared/reference/`: the role-mining
//!   beta spec, the multi-file upstream layout, and the complete beta
//!   (558 operations) and v3 APIs;
//! - `tests/corpus/*.yaml`: one small spec per OpenAPI construct or
//!   real-world flaw the generator promises to handle;
//! - `tests/tags/tags.yaml`: per-tag features, each tag checked alone.
//!
//! All crates share one target directory and our Cargo.lock, so the
//! dependencies build once.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::{shared_dir, workspace_root};

/// Generate a crate; returns the warnings printed.
fn generate(spec: &Path, out: &Path) -> String {
    generate_with(spec, out, &[])
}

fn generate_with(spec: &Path, out: &Path, extra: &[&str]) -> String {
    let _ = std::fs::remove_dir_all(out);
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "generating from {}:\n{stderr}", spec.display());
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// `cargo check --all-targets`, without features and with `mock` (the
/// generated typed mock servers), with no errors and no warnings.
fn cargo_check(dir: &Path) {
    cargo_check_with(dir, &[&[][..], &["--features", "mock"][..]]);
}

/// `cargo check` with only `feature` on: no errors, no warnings.
fn cargo_check_features(dir: &Path, feature: &str) {
    cargo_check_with(dir, &[&["--no-default-features", "--features", feature][..]]);
}

fn cargo_check_with(dir: &Path, runs: &[&[&str]]) {
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    for features in runs {
        let output = Command::new(env!("CARGO"))
            .args(["check", "--all-targets", "--message-format=short"])
            .args(*features)
            .env("CARGO_TARGET_DIR", workspace_root().join("target/corpus"))
            .env("RUSTFLAGS", "")
            .current_dir(dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let what = format!("cargo check {} in {}", features.join(" "), dir.display());
        assert!(output.status.success(), "{what} failed:\n{stderr}");
        let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
        assert!(warnings.is_empty(), "{what} warned:\n{}", warnings.join("\n"));
    }
}

fn out_dir(name: &str) -> PathBuf {
    workspace_root().join("target/corpus-crates").join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn upstream_role_mining_specs() {
    let Some(shared) = shared_dir("upstream_role_mining_specs") else { return };
    let reference = shared.join("reference");

    let beta = out_dir("reference-beta");
    let warnings = generate(&reference.join("role-mining.beta.yaml"), &beta);
    // The upstream flaw (`type: object` with `items`) is tolerated, loudly.
    assert!(warnings.contains("`items` on a schema of type object is ignored"), "{warnings}");
    cargo_check(&beta);

    let multi = out_dir("upstream-v1");
    // Its paths refer to `../shared/`: the reference root must be widened.
    let apis = reference.join("upstream-v1/apis");
    let warnings =
        generate_with(&apis.join("iai-role-mining/openapi.yaml"), &multi, &["--ref-root", apis.to_str().unwrap()]);
    assert!(warnings.contains("path parameter `sessionId` does not appear in the path"), "{warnings}");
    let models = read(&multi.join("src/api/models.rs"));
    // Schemas from other files keep their titles as type names...
    assert!(models.contains("pub struct RoleMiningSessionResponse {"), "hoisted schema lost its name");
    // ...and untitled ones are named from their file names, split into words.
    assert!(models.contains("pub enum RoleMiningSessionState {"), "file-stem name not split");
    cargo_check(&multi);
}

#[test]
fn complete_sailpoint_apis() {
    let Some(shared) = shared_dir("complete_sailpoint_apis") else { return };
    for file in ["sailpoint-beta.full.json", "sailpoint-v3.full.json"] {
        let spec = shared.join("reference").join(file);
        let document: serde_json::Value = serde_json::from_str(&read(&spec)).unwrap();
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
        let operations: usize = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| item.as_object().map_or(0, |ops| ops.keys().filter(|k| methods.contains(&k.as_str())).count()))
            .sum();
        let out = out_dir(file.trim_end_matches(".json"));
        let warnings = generate(&spec, &out);
        // A whole API has a feature per tag: builders/mod.rs and one file per
        // tag, beside Cargo.toml, README.md, lib.rs, the module (mod.rs,
        // models.rs, mock.rs) and the runtime files.
        let tag_files: Vec<PathBuf> = std::fs::read_dir(out.join("src/api/builders")).unwrap().map(|e| e.unwrap().path()).collect();
        let files = 6 + tag_files.len() + sailpoint_codegen::krate::RUNTIME_FILES.len();
        assert!(warnings.contains(&format!("wrote {files} files")), "{warnings}");
        let builders: String = tag_files.iter().map(|f| read(f)).collect();
        assert_eq!(builders.matches("crate::runtime::sendable!(").count(), operations, "{file}: one builder per operation");
        let cargo_toml = read(&out.join("Cargo.toml"));
        let tags = tag_files.len() - 1;
        assert!(tags > 20 && cargo_toml.contains("default = [\"full\"]"), "{file}: a feature per tag\n{cargo_toml}");
        cargo_check(&out);
        // One tag alone compiles clean too (and only what it needs).
        cargo_check_features(&out, "access_profiles");
    }
}

/// One spec per construct; the assertions name what each must produce.
#[test]
fn construct_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    assert!(names.len() >= 10, "the corpus went missing");
    for spec in names {
        let name = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let out = out_dir(&format!("construct-{name}"));
        let warnings = generate(&spec, &out);
        let models = read(&out.join("src/api/models.rs"));
        let builders = read(&out.join("src/api/builders.rs"));
        let flat = |s: &str| s.split_whitespace().collect::<String>().replace(",>", ">");
        let has = |code: &str, expected: &str| assert!(flat(code).contains(&flat(expected)), "{name}: missing `{expected}`");
        match name.as_str() {
            "all-of" => {
                has(&models, "pub struct Item { /// The `id` field. pub id: ::std::string::String,");
                has(&models, "pub state: ::std::option::Option<State>,");
            }
            "one-of" => {
                has(&models, "Self::Unknown(value)");
                has(&models, "Array(::std::vec::Vec<::std::vec::Vec<f64>>)");
            }
            "nullable-recursive" => {
                has(&models, "pub parent: ::std::boxed::Box<Node>,");
                has(&models, "pub name: ::std::option::Option<::std::string::String>,");
            }
            "names" => {
                has(&models, "pub struct FooBar2 {");
                has(&models, "pub struct Result {");
                has(&models, "pub struct T1stPlace {");
                has(&models, "pub type Groesse = ::std::string::String;");
                has(&builders, "pub fn get_self_type(&self, r#type: impl Into<String>)");
            }
            "parameters" => {
                has(&builders, r#"request.header("X-Api-Version", Some("2"));"#);
                has(&builders, r#"request.cookie("session", self.session.as_ref());"#);
                has(&builders, r#"request.query_list("csv", self.csv.as_ref().map(|v| v.as_slice()), false);"#);
            }
            "bodies" => {
                has(&builders, r#"request.form_body("application/x-www-form-urlencoded", &body);"#);
                has(&builders, r#"request.multipart_body("multipart/form-data", &body);"#);
                has(&builders, r#"request.raw_body("application/octet-stream", body);"#);
                // `format: binary` under application/json: bytes, sent as they are.
                has(&builders, "pub fn post_avatar(&self, body: impl Into<::bytes::Bytes>) -> PostAvatar {");
                has(&builders, r#"request.raw_body("application/json", body);"#);
            }
            "misdirected-refs" => {
                // A schema `$ref` to a response: its JSON schema; to a
                // response without content: any JSON.
                has(&builders, "=> super::models::Vehicle, send_json,");
                has(&builders, "=> ::serde_json::Value, send_json,");
                // A response `$ref` to a schema: a JSON error body.
                has(&builders, "404 => ::serde_json::from_slice(body).map(super::ErrorBody::NotFound),");
                // A schema `$ref` to a parameter (%-encoded pointer): its schema.
                has(&builders, "field: Option<super::models::VehiclesVehicleIdGetParameters1>,");
                has(&models, "pub type VehiclesVehicleIdGetParameters1 = ::std::vec::Vec<VehiclesVehicleIdGetParameters1Item>;");
                for (place, warning) in [
                    ("/get/responses/200/content/application~1json/schema/$ref:", "points at a response, not a schema; read as the schema of its `application/json` content"),
                    ("/post/responses/202/content/application~1json/schema/$ref:", "points at a response, not a schema, and it has no schema; read as any JSON"),
                    ("/get/responses/404/$ref:", "points at a schema, not a response; read as an `application/json` response"),
                    ("/get/parameters/0/schema/$ref:", "points at a parameter, not a schema; read as its schema"),
                    ("/get/callbacks/onChange/$ref:", "callback `$ref` #/components/callbacks/Changed is ignored"),
                ] {
                    let line = warnings.lines().find(|l| l.contains(place)).unwrap_or_else(|| panic!("{name}: no warning at {place}:\n{warnings}"));
                    assert!(line.contains(warning), "{name}: {line}");
                }
                assert_eq!(warnings.matches("warning:").count(), 5, "{name}: one warning each:\n{warnings}");
            }
            "malformed-keywords" => {
                has(&models, "pub timecode: ::std::string::String,");
                has(&models, "pub item_type: ::std::option::Option<::serde_json::Value>,");
                for place in ["Pick/properties/timecode/pattern: `pattern` is `0`", "Item/properties/itemType/type: `type` is an object"] {
                    assert!(warnings.contains(place), "{name}: no warning {place}:\n{warnings}");
                }
            }
            "tagged-union-eq" => {
                // `Port` holds a discriminated union (its catch-all is a
                // `serde_json::Value`): no `Eq`; its plain variants keep it.
                has(&models, "#[derive(Debug, Clone, PartialEq, Default)] pub struct Port {");
                has(&models, "#[derive(Debug, Clone, PartialEq, Eq, Default)] pub struct Port1 {");
            }
            "responses" => {
                // 200 with a body or 204 without: optional.
                has(&builders, "=> Option<super::models::Job>, send_json,");
                // `4XX` maps a whole range to its error body.
                has(&builders, "400..=499 => ::serde_json::from_slice(body).map(super::ErrorBody::Problem),");
            }
            "openapi-3-1" => {
                // Type lists, `const`, `$defs`, tuples, boolean schemas, path
                // items from components; webhooks are no operations.
                has(&models, "pub label: ::std::option::Option<::std::string::String>,");
                has(&models, "pub enum ShapeSize {");
                has(&models, "Integer(i64),");
                has(&models, "pub origin: ShapePoint,");
                has(&models, "pub type ShapePoint = (f64, f64);");
                has(&models, "pub pair: ::std::option::Option<(::std::string::String, i64)>,");
                has(&models, "pub parent: ::std::option::Option<::std::boxed::Box<Shape>>,");
                assert!(!models.contains("pub never:"), "{name}: a `false` property is no field");
                has(&builders, "pub fn get_shape(&self, id: impl Into<String>) -> GetShape {");
                has(&builders, "pub fn upload(&self, body: impl Into<::bytes::Bytes>) -> Upload {");
                has(&builders, r#"request.header("X-Api-Version", Some("2"));"#);
                has(&builders, "pub fn range(mut self, value: (i32, i32)) -> Self {");
                assert!(warnings.contains("1 webhook is ignored"), "{name}: {warnings}");
            }
            "flaws" => {
                for flaw in ["unknown type `date-time`", "default true is not a string", "is used in the path but not declared", "`items` on a schema of type object"] {
                    assert!(warnings.contains(flaw), "{name}: no warning for {flaw}:\n{warnings}");
                }
                has(&models, "pub owner: ::std::option::Option<Owner>,");
            }
            "json-pointer-refs" => {
                // A property literally named `$ref` is a field sent as `$ref`.
                has(&models, r#"optional r#ref = "$ref","#);
                has(&models, "pub r#ref: ::std::option::Option<::std::string::String>,");
                // Deep pointers: one type per target, named from its pointer,
                // shared with the place it is written.
                has(&models, "pub choice: ::std::option::Option<CompletionChoice>,");
                has(&models, "pub bias: ::std::option::Option<CompletionLogitBias>,");
                has(&models, "pub stop: ::std::option::Option<CompletionStop>,");
                has(&builders, "pub fn owner(mut self, value: super::models::CompanyId) -> Self {");
                has(&builders, "ListCompanies => Vec<super::models::CompanyResponse>, send_json,");
                // Draft-3 `required: true` inside a property.
                has(&models, "pub index: i32,");
                has(&models, "pub id: ::std::string::String,");
                for place in ["/properties/index/required:", "/properties/name/required:", "/properties/note/required:"] {
                    assert!(warnings.contains(place), "{name}: no warning at {place}:\n{warnings}");
                }
            }
            _ => {}
        }
        cargo_check(&out);
    }
}

/// The `#[cfg]` attributes of the item declared on `needle`'s line.
fn attributes_of(code: &str, needle: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let at = lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}`"));
    let start = lines[..at].iter().rposition(|l| l.trim().is_empty() || l.trim() == "}").map_or(0, |i| i + 1);
    lines[start..at].iter().filter(|l| l.trim_start().starts_with("#[cfg")).map(|l| l.trim()).collect::<Vec<_>>().join(" ")
}

/// Per-tag cargo features of a whole-API crate (`tests/tags/tags.yaml`):
/// each tag compiles alone with no error and no warning, with only the
/// models its operations reach; `full` (the default) compiles everything.
///
/// The spec has what makes the plan hard: an operation with two tags, tags
/// that differ only in case (`Pets`, `pets`: one feature), an untagged
/// operation, tags that would shadow the crate's own feature (`default`) or
/// a keyword (`type`), models shared by two tags, error bodies every
/// operation shares, and a model no operation reaches.
#[test]
fn each_tag_compiles_alone_with_only_what_it_reaches() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tags/tags.yaml");
    let out = out_dir("tag-features");
    generate(&spec, &out);

    let cargo_toml = read(&out.join("Cargo.toml"));
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
    let pets = read(&out.join("src/api/builders/pets.rs"));
    assert!(pets.contains("pub struct ListPets") && pets.contains("pub struct GetPet"), "{pets}");
    // `buyPet` is Store's first: its module, compiled with either feature.
    let store = read(&out.join("src/api/builders/store.rs"));
    assert!(store.contains("pub struct BuyPet"), "{store}");
    assert_eq!(attributes_of(&store, "pub struct GetInventory"), "#[cfg(feature = \"store\")]");
    let module = read(&out.join("src/api/builders/mod.rs"));
    assert!(module.contains("#[cfg(any(feature = \"pets\", feature = \"store\"))]\npub mod store;"), "{module}");

    // Models compile under the features that reach them.
    let models = read(&out.join("src/api/models.rs"));
    assert_eq!(attributes_of(&models, "pub struct Pet {"), "#[cfg(feature = \"pets\")]");
    assert_eq!(attributes_of(&models, "pub enum PetOrToy"), "#[cfg(feature = \"pets\")]");
    assert_eq!(attributes_of(&models, "pub struct Owner"), "#[cfg(any(feature = \"pets\", feature = \"store\"))]");
    assert_eq!(attributes_of(&models, "pub struct Unused"), "#[cfg(feature = \"full\")]");
    assert_eq!(attributes_of(&models, "pub struct Problem"), "", "error bodies always compile");
    assert_eq!(attributes_of(&models, "pub struct Category"), "", "reached by an error body");

    cargo_check(&out);
    cargo_check_with(&out, &[&["--no-default-features"][..]]);
    for feature in ["default_tag", "pets", "store", "type_", "untagged"] {
        cargo_check_features(&out, feature);
    }
}
