//! The `xtask` binary: exit codes and messages for good and bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run `generate --spec` on `files[0]` (others are helpers it refers to) and
/// return stderr after checking the failure is clean: exit code 2, one
/// `error:` line, no panic.
fn generate_fails(name: &str, files: &[(&str, &str)]) -> String {
    let dir = scratch(name);
    for (file, text) in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let spec = dir.join(files[0].0);
    let out = dir.join("out");
    let output = xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1, "{stderr}");
    assert!(!out.exists(), "nothing is written on error");
    stderr
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

#[test]
fn missing_file() {
    let output = xtask(&["generate", "--spec", "/definitely/not/here.yaml", "--out", "/tmp/never"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("/definitely/not/here.yaml") && stderr.contains("cannot read spec file"), "{stderr}");
}

#[test]
fn invalid_yaml_names_file_and_line() {
    let stderr = generate_fails("yaml", &[("api.yaml", "openapi: 3.0.3\npaths: {a: [}\n")]);
    assert!(stderr.contains("api.yaml:2:"), "{stderr}");
    assert!(stderr.contains("invalid YAML"), "{stderr}");
}

#[test]
fn dangling_local_ref_names_file_and_pointer() {
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Missing'}}\n"
    );
    let stderr = generate_fails("local-ref", &[("api.yaml", &spec)]);
    assert!(
        stderr.contains("api.yaml#/paths/~1a/get/responses/200/content/application~1json/schema/$ref"),
        "{stderr}"
    );
    assert!(stderr.contains("#/components/schemas/Missing does not exist"), "{stderr}");
}

#[test]
fn dangling_file_ref_names_the_referring_file_and_pointer() {
    let spec = format!("{HEAD}paths:\n  /a:\n    $ref: ./paths/a.yaml\n");
    let path_item = "get:\n  responses:\n    '200': {$ref: ../shared/nope.yaml}\n";
    let stderr = generate_fails("file-ref", &[("api.yaml", &spec), ("paths/a.yaml", path_item)]);
    assert!(stderr.contains("paths/a.yaml#/get/responses/200/$ref"), "{stderr}");
    assert!(stderr.contains("nope.yaml does not exist"), "{stderr}");
}

#[test]
fn unsupported_construct_names_file_and_pointer() {
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'https://example.com/schemas/a.yaml'}}\n"
    );
    let stderr = generate_fails("remote-ref", &[("api.yaml", &spec)]);
    assert!(stderr.contains("api.yaml#/paths/~1a/get/responses/200/content/application~1json/schema/$ref"), "{stderr}");
    assert!(stderr.contains("remote `$ref` is not supported"), "{stderr}");
}

#[test]
fn invalid_document_shape_names_the_pointer() {
    let spec = format!("{HEAD}paths:\n  /a:\n    get:\n      parameters: 7\n      responses: {{}}\n");
    let stderr = generate_fails("shape", &[("api.yaml", &spec)]);
    assert!(stderr.contains("api.yaml#/paths/~1a/get/parameters"), "{stderr}");
}

#[test]
fn swagger_2_is_refused() {
    let stderr = generate_fails("swagger", &[("api.json", r#"{"swagger": "2.0", "info": {}, "paths": {}}"#)]);
    assert!(stderr.contains("api.json#/swagger") && stderr.contains("Swagger 2.0"), "{stderr}");
}

#[test]
fn flaws_are_warnings_not_errors() {
    let dir = scratch("flaws");
    let spec = format!(
        "{HEAD}paths:\n  /items/{{id}}:\n    get:\n      operationId: getItem\n      parameters:\n        - {{name: X-Flag, in: header, required: true, schema: {{type: string, default: true}}}}\n      responses:\n        '200': {{description: ok}}\n"
    );
    std::fs::write(dir.join("api.yaml"), spec).unwrap();
    let out = dir.join("out");
    let output = xtask(&["generate", "--spec", dir.join("api.yaml").to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("path parameter `id` is used in the path but not declared"), "{stderr}");
    assert!(stderr.contains("default true is not a string"), "{stderr}");
    let builders = std::fs::read_to_string(out.join("src/api/builders.rs")).unwrap();
    assert!(builders.contains(r#"request.header("X-Flag", Some("true"));"#), "the constant header is sent for the caller");
    assert!(builders.contains("pub fn get_item(&self, id: impl Into<String>)"), "the undeclared parameter becomes an argument");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_passes_on_the_committed_tree() {
    let output = xtask(&["generate", "--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn unknown_arguments_are_usage_errors() {
    let output = xtask(&["generate", "--frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown argument `--frobnicate`"));
}

/// The package name `generate --spec` gives a crate (no `--name`).
fn default_name(dir: &Path, spec: &Path, out: &str) -> String {
    let out = dir.join(out);
    let output = xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    let line = manifest.lines().find(|l| l.starts_with("name = ")).expect("a package name");
    line.trim_start_matches("name = ").trim_matches('"').to_owned()
}

/// A whole-API crate is named from the title, the spec file's own words
/// and, unless the title already says it, the API version: crates made from
/// two versions of one API, or from two documents with one title, can share
/// a target directory.
#[test]
fn default_names_carry_the_api_version_and_the_file() {
    let dir = scratch("names");
    let pets =
        |version: &str| format!("openapi: 3.0.3\ninfo: {{title: Pet Store API, version: '{version}'}}\npaths: {{}}\n");
    std::fs::write(dir.join("openapi.yaml"), pets("1.0.0")).unwrap();
    std::fs::write(dir.join("pet-store.v2.yaml"), pets("2.0.0-rc.1")).unwrap();
    std::fs::write(dir.join("inventory.yaml"), pets("2.0.0-rc.1")).unwrap();
    std::fs::write(dir.join("store.yaml"), "openapi: 3.0.3\ninfo: {title: Store API v2, version: '2'}\npaths: {}\n")
        .unwrap();
    assert_eq!(default_name(&dir, &dir.join("openapi.yaml"), "one"), "pet-store-api-v1-0-0");
    // File words the title or the version has already say nothing new.
    assert_eq!(default_name(&dir, &dir.join("pet-store.v2.yaml"), "two"), "pet-store-api-v2-0-0-rc-1");
    // One title and version in another file: another name.
    assert_eq!(default_name(&dir, &dir.join("inventory.yaml"), "three"), "pet-store-api-inventory-v2-0-0-rc-1");
    assert_eq!(default_name(&dir, &dir.join("store.yaml"), "named"), "store-api-v2", "the title names its version");

    if let Some(shared) = xtask::shared_dir("default_names_carry_the_api_version_and_the_file") {
        let reference = shared.join("reference");
        let beta = default_name(&dir, &reference.join("sailpoint-beta.full.json"), "beta");
        let v2025 = default_name(&dir, &reference.join("role-mining.v2025.yaml"), "v2025");
        // The role-mining part of the beta API: its title and version.
        let part = default_name(&dir, &reference.join("role-mining.beta.yaml"), "part");
        let ours = default_name(&dir, &xtask::workspace_root().join("spec/role-mining.beta.yaml"), "ours");
        assert_eq!(beta, "identity-security-cloud-beta-api-sailpoint-full-v3-1-0-beta");
        assert_eq!(part, "identity-security-cloud-beta-api-role-mining-v3-1-0-beta");
        assert_eq!(v2025, "identity-security-cloud-v2025-api-role-mining", "`V2025` is in the title already");
        assert_eq!(ours, "sailpoint-iai-role-mining-api-beta-v3-1-0-beta");
        let mut names = vec![&beta, &v2025, &part, &ours];
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 4, "one name each: {names:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
