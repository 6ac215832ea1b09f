//! A spec is untrusted input: its `$ref`s may read only spec files inside
//! the reference root, and no error ever shows what a referenced file holds.
//! Every case runs the real `xtask generate` on real files in a temporary
//! directory laid out as `case/secret.yaml` (outside) beside `case/spec/`.

use std::path::PathBuf;
use std::process::{Command, Output};

const SECRET: &str = "AKIA-TOP-SECRET-4711";

struct Case {
    dir: PathBuf,
}

impl Case {
    /// `case/spec/api.yaml` whose one response schema is `$ref: <reference>`,
    /// and a secret outside `case/spec/`.
    fn new(name: &str, reference: &str) -> Case {
        let dir = std::env::temp_dir().join(format!("xtask-sandbox-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("spec")).unwrap();
        std::fs::write(dir.join("secret.yaml"), format!("type: string\ndescription: {SECRET}\n")).unwrap();
        std::fs::write(dir.join("secret.env"), format!("TOKEN={SECRET}\n")).unwrap();
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '{reference}'\n"
        );
        std::fs::write(dir.join("spec/api.yaml"), spec).unwrap();
        Case { dir }
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn generate(&self, extra: &[&str]) -> Output {
        let spec = self.dir.join("spec/api.yaml");
        let out = self.dir.join("out");
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .args(extra)
            .output()
            .unwrap()
    }

    /// Generation fails cleanly: exit 2, the referring file and pointer
    /// named, `needle` in the message, no secret, nothing written.
    fn refused(&self, extra: &[&str], needle: &str) -> String {
        let output = self.generate(extra);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("api.yaml#/paths/~1a/get/responses/200/content/application~1json/schema/$ref"), "{stderr}");
        assert!(stderr.contains(needle), "expected `{needle}` in: {stderr}");
        assert!(!stderr.contains(SECRET) && !stderr.contains("TOKEN="), "the message leaks the file: {stderr}");
        assert!(!self.dir.join("out").exists(), "nothing is written on error");
        stderr
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const OUTSIDE: &str = "leaves the directory external references may read";

#[test]
fn a_relative_ref_out_of_the_spec_directory_is_refused() {
    let case = Case::new("relative", "../secret.yaml");
    let stderr = case.refused(&[], OUTSIDE);
    assert!(stderr.contains("secret.yaml") && stderr.contains("--ref-root"), "{stderr}");
}

#[test]
fn an_absolute_ref_is_refused() {
    let case = Case::new("absolute", "/etc/passwd");
    case.refused(&[], OUTSIDE);
    let absolute = case.dir.join("secret.yaml");
    let case2 = Case::new("absolute-yaml", absolute.to_str().unwrap());
    case2.refused(&[], OUTSIDE);
}

#[test]
fn a_missing_file_outside_is_refused_without_saying_whether_it_exists() {
    let case = Case::new("missing-outside", "../../../no/such/file.yaml");
    let stderr = case.refused(&[], OUTSIDE);
    assert!(!stderr.contains("does not exist"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_pointing_out_is_refused() {
    let case = Case::new("symlink", "./innocent.yaml");
    std::os::unix::fs::symlink(case.dir.join("secret.yaml"), case.dir.join("spec/innocent.yaml")).unwrap();
    case.refused(&[], OUTSIDE);
    // A linked directory is followed too.
    let case = Case::new("symlink-dir", "./shared/secret.yaml");
    std::os::unix::fs::symlink(&case.dir, case.dir.join("spec/shared")).unwrap();
    case.refused(&[], OUTSIDE);
}

#[test]
fn only_spec_files_are_read() {
    let case = Case::new("extension", "./.env");
    case.write("spec/.env", &format!("TOKEN={SECRET}\n"));
    case.refused(&[], "only .yaml, .yml and .json files are read");
    let case = Case::new("extension-txt", "./notes.txt#/x");
    case.write("spec/notes.txt", &format!("x: {SECRET}\n"));
    case.refused(&[], "only .yaml, .yml and .json files are read");
}

#[test]
fn a_directory_is_named_as_such() {
    let case = Case::new("directory", "./schemas");
    std::fs::create_dir_all(case.dir.join("spec/schemas")).unwrap();
    case.refused(&[], "points at a directory");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_not_read() {
    // Reading a FIFO would block forever.
    let case = Case::new("fifo", "./pipe.yaml");
    let made = Command::new("mkfifo").arg(case.dir.join("spec/pipe.yaml")).status().unwrap();
    assert!(made.success());
    case.refused(&[], "is not a regular file");
}

#[test]
fn remote_and_file_urls_are_refused() {
    Case::new("http", "http://127.0.0.1:9/a.yaml").refused(&[], "remote `$ref` is not supported");
    Case::new("file-url", "file:///etc/passwd").refused(&[], "remote `$ref` is not supported");
}

#[test]
fn a_malformed_file_inside_is_reported_without_its_content() {
    let case = Case::new("malformed", "./schema.yaml");
    case.write("spec/schema.yaml", &format!("\"{SECRET} is not a schema\"\n"));
    let output = case.generate(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("schema.yaml") && stderr.contains("invalid type"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
}

#[test]
fn ref_root_widens_the_sandbox_on_purpose() {
    let case = Case::new("widened", "../secret.yaml");
    let root = case.dir.to_str().unwrap().to_owned();
    let output = case.generate(&["--ref-root", &root]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let models = std::fs::read_to_string(case.dir.join("out/src/api/mod.rs")).unwrap()
        + &std::fs::read_to_string(case.dir.join("out/src/api/builders.rs")).unwrap();
    assert!(models.contains("get_a"), "generated: {models}");
    // Widening does not lift the other rules.
    let case = Case::new("widened-env", "../secret.env");
    let root = case.dir.to_str().unwrap().to_owned();
    case.refused(&["--ref-root", &root], "only .yaml, .yml and .json files are read");
}

#[test]
fn ref_root_must_contain_the_spec() {
    let case = Case::new("root-elsewhere", "./a.yaml");
    std::fs::create_dir_all(case.dir.join("elsewhere")).unwrap();
    let elsewhere = case.dir.join("elsewhere");
    let output = case.generate(&["--ref-root", elsewhere.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("must contain the spec file"), "{stderr}");
}

#[test]
fn references_inside_the_root_still_work() {
    let case = Case::new("inside", "./schemas/thing.yaml");
    case.write("spec/schemas/thing.yaml", "title: Thing\ntype: object\nproperties:\n  state: {$ref: './state.yaml'}\n");
    case.write("spec/schemas/state.yaml", "type: string\nenum: [A, B]\n");
    let output = case.generate(&[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let models = std::fs::read_to_string(case.dir.join("out/src/api/models.rs")).unwrap();
    assert!(models.contains("pub struct Thing"), "{models}");
}
