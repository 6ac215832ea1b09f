//! `cargo xtask spec-diff`: our specs are faithful to upstream's, every kind
//! of change is reported and classified, and bad input fails cleanly.
//!
//! Most tests mutate a copy of `spec/role-mining.beta.yaml` (as JSON in a
//! temp dir) and diff the original against it: ours -> "upstream".

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};
use xtask::spec_diff::{self, Difference, Severity};
use xtask::{shared_dir, workspace_root};

use Severity::{Additive, Breaking};

const BETA: &str = "spec/role-mining.beta.yaml";

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

/// A temp dir removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("xtask-spec-diff-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, file: &str, text: &str) -> PathBuf {
        let path = self.0.join(file);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn write_json(&self, file: &str, doc: &Value) -> PathBuf {
        self.write(file, &serde_json::to_string_pretty(doc).unwrap())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(path: &Path) -> Value {
    sailpoint_codegen::load::read_document(path).unwrap()
}

fn our_beta() -> Value {
    read(&workspace_root().join(BETA))
}

/// The node at a JSON pointer (`~1` for `/` in path names).
fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer} in the spec"))
}

fn object<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut serde_json::Map<String, Value> {
    at(doc, pointer).as_object_mut().unwrap_or_else(|| panic!("{pointer} is not an object"))
}

/// Differences between our beta spec and a copy changed by `mutate`.
fn diff_after(name: &str, mutate: impl FnOnce(&mut Value)) -> Vec<Difference> {
    let mut doc = our_beta();
    mutate(&mut doc);
    let scratch = Scratch::new(name);
    let upstream = scratch.write_json("upstream.json", &doc);
    spec_diff::compare_files(&workspace_root().join(BETA), &upstream).unwrap()
}

/// Exactly one difference, with this subject, location, change text and class.
#[track_caller]
fn assert_single(diffs: &[Difference], subject: &str, location: &str, change: &str, severity: Severity) {
    assert_eq!(diffs.len(), 1, "expected one difference, got {diffs:#?}");
    assert_diff(&diffs[0], subject, location, change, severity);
}

#[track_caller]
fn assert_diff(d: &Difference, subject: &str, location: &str, change: &str, severity: Severity) {
    assert_eq!(d.subject.to_string(), subject, "{d:#?}");
    assert_eq!(d.location, location, "{d:#?}");
    assert_eq!(d.change, change, "{d:#?}");
    assert_eq!(d.severity, severity, "{d:#?}");
}

const SESSIONS: &str = "/paths/~1role-mining-sessions";
const SESSION: &str = "/paths/~1role-mining-sessions~1{sessionId}";
const SCHEMAS: &str = "/components/schemas";

// --- our specs against SailPoint's ---------------------------------------

fn assert_matches_reference(test: &str, version: &str) {
    let Some(shared) = shared_dir(test) else { return };
    let reference = shared.join(format!("reference/role-mining.{version}.yaml"));
    let ours = workspace_root().join(format!("spec/role-mining.{version}.yaml"));
    let diffs = spec_diff::compare_files(&ours, &reference).unwrap();
    assert!(diffs.is_empty(), "spec/role-mining.{version}.yaml differs from upstream: {diffs:#?}");
    // The command picks our spec for the upstream's version by itself.
    let output = xtask(&["spec-diff", "--upstream", reference.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains(&format!("spec/role-mining.{version}.yaml (ours)")), "{stdout}");
    assert!(stdout.contains("no differences") && stdout.contains("version bump: none"), "{stdout}");
}

#[test]
fn beta_spec_matches_upstream() {
    assert_matches_reference("beta_spec_matches_upstream", "beta");
}

#[test]
fn v2025_spec_matches_upstream() {
    assert_matches_reference("v2025_spec_matches_upstream", "v2025");
}

#[test]
fn beta_spec_matches_the_whole_beta_api_narrowed_by_tag() {
    let Some(shared) = shared_dir("beta_spec_matches_the_whole_beta_api_narrowed_by_tag") else { return };
    let full = shared.join("reference/sailpoint-beta.full.json");
    let output = xtask(&["spec-diff", "--upstream", full.to_str().unwrap(), "--tag", "IAI Role Mining"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("no differences"), "{stdout}");
}

#[test]
fn beta_and_v2025_really_differ() {
    let Some(shared) = shared_dir("beta_and_v2025_really_differ") else { return };
    let reference = shared.join("reference/role-mining.beta.yaml");
    let ours = workspace_root().join("spec/role-mining.v2025.yaml");
    let diffs = spec_diff::compare_files(&ours, &reference).unwrap();
    // v2025's constant experimental header going away changes no signature.
    let header = diffs.iter().filter(|d| d.location == "parameter header X-SailPoint-Experimental").collect::<Vec<_>>();
    assert_eq!(header.len(), 25, "{header:#?}");
    assert!(header.iter().all(|d| d.severity == Additive && d.kind == "parameter_removed"));
    let replaced =
        diffs.iter().find(|d| d.kind == "schema_replaced" && d.subject.to_string() == "GET /role-mining-sessions");
    assert_diff(
        replaced.expect("the list response differs"),
        "GET /role-mining-sessions",
        "response 200 (application/json): []",
        "schema RoleMiningSessionDto -> RoleMiningSessionResponse",
        Breaking,
    );
}

#[test]
fn multi_file_upstream_loads() {
    let Some(shared) = shared_dir("multi_file_upstream_loads") else { return };
    let apis = shared.join("reference/upstream-v1/apis");
    let root = apis.join("iai-role-mining/openapi.yaml");
    let ours = workspace_root().join(BETA);
    let (root_arg, apis_arg, ours_arg) = (root.to_str().unwrap(), apis.to_str().unwrap(), ours.to_str().unwrap());

    // It refers to `../shared/`, outside its own directory: refused until the
    // reference root is widened on purpose.
    let output = xtask(&["spec-diff", "--upstream", root_arg, "--ours", ours_arg]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("leaves the directory external references may read") && stderr.contains("--ref-root"), "{stderr}");

    let output = xtask(&["spec-diff", "--upstream", root_arg, "--ours", ours_arg, "--ref-root", apis_arg]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // A different layout (`/role-mining-sessions/v1/...`): every operation moved.
    assert!(
        stdout.contains("GET /role-mining-sessions/v1\n    additive  operation added (getRoleMiningSessionsV1)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("GET /role-mining-sessions\n    breaking  operation removed (getRoleMiningSessions)"),
        "{stdout}"
    );
    assert!(stdout.contains("version bump: "), "{stdout}");

    // Its servers carry no version and info.version is `v1`: no default.
    let output = xtask(&["spec-diff", "--upstream", root_arg, "--ref-root", apis_arg]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains("cannot tell which API version"), "{stderr}");
    assert!(stderr.contains("--ours"), "{stderr}");
}

// --- forms that describe the same API -------------------------------------

#[test]
fn prose_examples_and_extensions_are_ignored() {
    fn rewrite(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for key in ["description", "summary", "title"] {
                    // A property *named* `description` is an object: left alone.
                    if let Some(Value::String(text)) = map.get_mut(key) {
                        *text = format!("Entirely different words than: {text}");
                    }
                }
                if matches!(map.get("description"), Some(Value::String(_))) {
                    map.insert("x-vendor-note".into(), json!({"anything": [1, 2]}));
                    map.insert("example".into(), json!("an example"));
                }
                map.values_mut().for_each(rewrite);
            }
            Value::Array(items) => items.iter_mut().for_each(rewrite),
            _ => {}
        }
    }
    let diffs = diff_after("prose", |doc| {
        rewrite(doc);
        let info = object(doc, "/info");
        info.insert("termsOfService".into(), json!("https://example.com/tos"));
        info.insert("contact".into(), json!({"name": "Someone"}));
        info.insert("title".into(), json!("Another title"));
    });
    assert!(diffs.is_empty(), "{diffs:#?}");
}

#[test]
fn dereferenced_document_equals_its_ref_form() {
    for spec in [BETA, "spec/role-mining.v2025.yaml"] {
        let path = workspace_root().join(spec);
        let dereferenced = spec_diff::dereference(&read(&path));
        let text = serde_json::to_string(&dereferenced).unwrap();
        assert!(!text.contains("\"$ref\"") && dereferenced.get("components").is_none(), "{spec} is fully inlined");
        let scratch = Scratch::new("deref");
        let deref_path = scratch.write("deref.json", &text);
        let diffs = spec_diff::compare_files(&path, &deref_path).unwrap();
        assert!(diffs.is_empty(), "{spec}: {diffs:#?}");
        let diffs = spec_diff::compare_files(&deref_path, &path).unwrap();
        assert!(diffs.is_empty(), "{spec} (reversed): {diffs:#?}");
    }
}

#[test]
fn a_change_in_a_dereferenced_upstream_is_reported_under_our_schema_name() {
    let mut upstream = our_beta();
    at(&mut upstream, &format!("{SCHEMAS}/RoleMiningSessionState/enum"))
        .as_array_mut()
        .unwrap()
        .push(json!("ARCHIVED"));
    let scratch = Scratch::new("deref-change");
    let path = scratch.write_json("upstream.json", &spec_diff::dereference(&upstream));
    let diffs = spec_diff::compare_files(&workspace_root().join(BETA), &path).unwrap();
    assert_single(&diffs, "RoleMiningSessionState", "", "enum value \"ARCHIVED\" added", Additive);
}

#[test]
fn recursive_schemas_terminate_and_compare() {
    let spec = |extra: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /tree:\n    get:\n      operationId: getTree\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Node'}}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        name: {{type: string}}\n{extra}        children:\n          type: array\n          items: {{$ref: '#/components/schemas/Node'}}\n"
        )
    };
    let scratch = Scratch::new("recursive");
    let old = scratch.write("old.yaml", &spec(""));
    let new = scratch.write("new.yaml", &spec("        size: {type: integer}\n"));
    assert!(spec_diff::compare_files(&old, &old).unwrap().is_empty());
    let diffs = spec_diff::compare_files(&old, &new).unwrap();
    assert_single(&diffs, "Node", "size", "property added (optional)", Additive);
    // Dereferencing keeps the recursive reference, and the result still compares equal.
    let dereferenced = spec_diff::dereference(&read(&old));
    assert!(dereferenced.get("components").is_some(), "a recursive schema keeps its component");
    let deref = scratch.write_json("deref.json", &dereferenced);
    assert!(spec_diff::compare_files(&old, &deref).unwrap().is_empty());
}

#[test]
fn a_shared_inline_response_is_reported_at_each_place() {
    let spec = |ty: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200': {{description: ok}}\n        '400': {{$ref: '#/components/responses/Problem'}}\n        '500': {{$ref: '#/components/responses/Problem'}}\ncomponents:\n  responses:\n    Problem:\n      description: failed\n      content:\n        application/json:\n          schema:\n            type: object\n            properties:\n              code: {{type: {ty}}}\n"
        )
    };
    let scratch = Scratch::new("shared-response");
    let old = scratch.write("old.yaml", &spec("string"));
    let new = scratch.write("new.yaml", &spec("integer"));
    let diffs = spec_diff::compare_files(&old, &new).unwrap();
    assert_eq!(diffs.len(), 2, "{diffs:#?}");
    assert_diff(&diffs[0], "GET /a", "response 400 (application/json): code", "type string -> integer", Breaking);
    assert_diff(&diffs[1], "GET /a", "response 500 (application/json): code", "type string -> integer", Breaking);
}

// --- operations -----------------------------------------------------------

#[test]
fn operation_added() {
    let diffs = diff_after("op-added", |doc| {
        object(doc, "/paths").insert(
            "/role-mining-sessions/{sessionId}/archive".into(),
            json!({"post": {
                "operationId": "archiveRoleMiningSession",
                "parameters": [{"in": "path", "name": "sessionId", "required": true, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "archived"}}
            }}),
        );
    });
    assert_single(
        &diffs,
        "POST /role-mining-sessions/{sessionId}/archive",
        "",
        "operation added (archiveRoleMiningSession)",
        Additive,
    );
}

#[test]
fn operation_removed() {
    let diffs = diff_after("op-removed", |doc| {
        object(doc, "/paths").remove("/role-mining-sessions/{sessionId}/status");
    });
    assert_single(
        &diffs,
        "GET /role-mining-sessions/{sessionId}/status",
        "",
        "operation removed (getRoleMiningSessionStatus)",
        Breaking,
    );
}

#[test]
fn operation_id_changed() {
    let diffs = diff_after("op-id", |doc| {
        *at(doc, &format!("{SESSION}/get/operationId")) = json!("fetchRoleMiningSession");
    });
    assert_single(
        &diffs,
        "GET /role-mining-sessions/{sessionId}",
        "",
        "operationId getRoleMiningSession -> fetchRoleMiningSession",
        Breaking,
    );
}

// --- parameters -----------------------------------------------------------

fn add_parameter(doc: &mut Value, pointer: &str, parameter: Value) {
    at(doc, &format!("{pointer}/parameters")).as_array_mut().unwrap().push(parameter);
}

#[test]
fn parameter_added_required() {
    let diffs = diff_after("param-required", |doc| {
        let p = json!({"in": "query", "name": "owner", "required": true, "schema": {"type": "string"}});
        add_parameter(doc, &format!("{SESSIONS}/get"), p);
    });
    assert_single(&diffs, "GET /role-mining-sessions", "parameter query owner", "parameter added (required)", Breaking);
}

#[test]
fn parameter_added_optional() {
    let diffs = diff_after("param-optional", |doc| {
        let p = json!({"in": "query", "name": "owner", "schema": {"type": "string"}});
        add_parameter(doc, &format!("{SESSIONS}/get"), p);
    });
    assert_single(&diffs, "GET /role-mining-sessions", "parameter query owner", "parameter added (optional)", Additive);
}

#[test]
fn required_header_with_default_added_is_a_constant() {
    // What v2025 did to every operation: the crate sends it by itself.
    let diffs = diff_after("param-constant", |doc| {
        let p = json!({"in": "header", "name": "X-SailPoint-Experimental", "required": true,
                       "schema": {"type": "string", "default": "true"}});
        add_parameter(doc, &format!("{SESSIONS}/get"), p);
    });
    assert_single(
        &diffs,
        "GET /role-mining-sessions",
        "parameter header X-SailPoint-Experimental",
        "parameter added (required header with a default, sent as a constant)",
        Additive,
    );
}

fn filters(doc: &mut Value) -> &mut serde_json::Map<String, Value> {
    object(doc, &format!("{SESSIONS}/get/parameters/0"))
}

#[test]
fn parameter_type_changed() {
    let diffs = diff_after("param-type", |doc| {
        filters(doc).insert("schema".into(), json!({"type": "integer"}));
    });
    assert_single(&diffs, "GET /role-mining-sessions", "parameter query filters", "type string -> integer", Breaking);
}

#[test]
fn parameter_format_changed() {
    // `comma-separated` -> none: still a String in Rust.
    let diffs = diff_after("param-format", |doc| {
        object(doc, &format!("{SESSIONS}/get/parameters/1/schema")).remove("format");
    });
    assert_single(
        &diffs,
        "GET /role-mining-sessions",
        "parameter query sorters",
        "format comma-separated -> none",
        Additive,
    );

    // int32 -> int64 changes the argument type, in every operation that pages.
    let diffs = diff_after("param-format-int", |doc| {
        *at(doc, "/components/parameters/limit/schema/format") = json!("int64");
    });
    assert_eq!(diffs.len(), 10, "{diffs:#?}");
    for d in &diffs {
        assert_eq!(
            (d.location.as_str(), d.change.as_str(), d.severity),
            ("parameter query limit", "format int32 -> int64", Breaking)
        );
    }
}

#[test]
fn parameter_required_changed() {
    let diffs = diff_after("param-req", |doc| {
        filters(doc).insert("required".into(), json!(true));
    });
    assert_single(&diffs, "GET /role-mining-sessions", "parameter query filters", "required false -> true", Breaking);
}

#[test]
fn parameter_default_changed() {
    let diffs = diff_after("param-default", |doc| {
        *at(doc, "/components/parameters/limit/schema/default") = json!(100);
    });
    assert!(!diffs.is_empty());
    for d in &diffs {
        assert_eq!(
            (d.location.as_str(), d.change.as_str(), d.severity),
            ("parameter query limit", "default 250 -> 100", Additive)
        );
    }
}

#[test]
fn parameter_location_changed() {
    let diffs = diff_after("param-location", |doc| {
        filters(doc).insert("in".into(), json!("header"));
    });
    assert_single(&diffs, "GET /role-mining-sessions", "parameter filters", "location query -> header", Breaking);
}

#[test]
fn path_parameter_renamed_with_its_path() {
    let diffs = diff_after("param-rename", |doc| {
        let paths = object(doc, "/paths");
        let mut item = paths.remove("/role-mining-sessions/{sessionId}/status").unwrap();
        *item.pointer_mut("/get/parameters/0/name").unwrap() = json!("id");
        paths.insert("/role-mining-sessions/{id}/status".into(), item);
    });
    assert_single(
        &diffs,
        "GET /role-mining-sessions/{id}/status",
        "parameter path id",
        "renamed from `sessionId` (path was /role-mining-sessions/{sessionId}/status)",
        Additive,
    );
}

// --- request and response bodies ------------------------------------------

#[test]
fn request_body_content_type_added() {
    let diffs = diff_after("body-ct-added", |doc| {
        let content = object(doc, &format!("{SESSIONS}/post/requestBody/content"));
        let json_media = content["application/json"].clone();
        content.insert("application/xml".into(), json_media);
    });
    assert_single(&diffs, "POST /role-mining-sessions", "request body", "content type application/xml added", Additive);
}

#[test]
fn request_body_content_type_removed() {
    let diffs = diff_after("body-ct-removed", |doc| {
        object(doc, &format!("{SESSIONS}/post/requestBody/content")).remove("application/json");
    });
    assert_single(
        &diffs,
        "POST /role-mining-sessions",
        "request body",
        "content type application/json removed",
        Breaking,
    );
}

#[test]
fn request_body_schema_changed() {
    // Inline schema: reported under the operation.
    let diffs = diff_after("body-schema", |doc| {
        object(doc, &format!("{SESSION}/patch/requestBody/content/application~1json-patch+json/schema"))
            .insert("maxItems".into(), json!(10));
    });
    assert_single(
        &diffs,
        "PATCH /role-mining-sessions/{sessionId}",
        "request body (application/json-patch+json)",
        "maxItems none -> 10",
        Additive,
    );
    let diffs = diff_after("body-schema-items", |doc| {
        *at(doc, &format!("{SESSION}/patch/requestBody/content/application~1json-patch+json/schema/items")) =
            json!({"type": "object"});
    });
    assert_single(
        &diffs,
        "PATCH /role-mining-sessions/{sessionId}",
        "request body (application/json-patch+json): []",
        "schema JsonPatchOperation -> inline schema",
        Breaking,
    );
    let diffs = diff_after("body-required", |doc| {
        *at(doc, &format!("{SESSION}/patch/requestBody/required")) = json!(false);
    });
    assert_single(
        &diffs,
        "PATCH /role-mining-sessions/{sessionId}",
        "request body",
        "required true -> false",
        Breaking,
    );
}

#[test]
fn response_status_added() {
    let diffs = diff_after("status-added", |doc| {
        object(doc, &format!("{SESSIONS}/get/responses"))
            .insert("404".into(), json!({"$ref": "#/components/responses/404"}));
    });
    assert_single(&diffs, "GET /role-mining-sessions", "response 404", "response 404 added", Additive);
    // A new success status can change what `send()` returns.
    let diffs = diff_after("status-added-2xx", |doc| {
        object(doc, &format!("{SESSIONS}/get/responses")).insert("204".into(), json!({"description": "nothing"}));
    });
    assert_single(&diffs, "GET /role-mining-sessions", "response 204", "response 204 added", Breaking);
}

#[test]
fn response_status_removed() {
    let diffs = diff_after("status-removed", |doc| {
        object(doc, &format!("{SESSIONS}/get/responses")).remove("429");
    });
    assert_single(&diffs, "GET /role-mining-sessions", "response 429", "response 429 removed", Breaking);
}

#[test]
fn response_content_type_changed() {
    let diffs = diff_after("response-ct", |doc| {
        let content = object(doc, &format!("{SESSION}/get/responses/200/content"));
        let media = content.remove("application/json").unwrap();
        content.insert("application/xml".into(), media);
    });
    assert_single(
        &diffs,
        "GET /role-mining-sessions/{sessionId}",
        "response 200",
        "content type application/json -> application/xml",
        Breaking,
    );
}

// --- schemas --------------------------------------------------------------

fn properties<'a>(doc: &'a mut Value, schema: &str) -> &'a mut serde_json::Map<String, Value> {
    object(doc, &format!("{SCHEMAS}/{schema}/properties"))
}

#[test]
fn schema_property_added_optional() {
    let diffs = diff_after("prop-optional", |doc| {
        properties(doc, "RoleMiningSessionScope").insert("archived".into(), json!({"type": "boolean"}));
    });
    // Used by several operations and schemas, reported once, under its name.
    assert_single(&diffs, "RoleMiningSessionScope", "archived", "property added (optional)", Additive);
}

#[test]
fn schema_property_added_required() {
    let diffs = diff_after("prop-required", |doc| {
        properties(doc, "RoleMiningSessionScope").insert("archived".into(), json!({"type": "boolean"}));
        object(doc, &format!("{SCHEMAS}/RoleMiningSessionScope")).insert("required".into(), json!(["archived"]));
    });
    assert_single(&diffs, "RoleMiningSessionScope", "archived", "property added (required)", Breaking);
}

#[test]
fn schema_property_removed() {
    let diffs = diff_after("prop-removed", |doc| {
        properties(doc, "RoleMiningSessionResponse").remove("dataFilePath");
    });
    assert_single(&diffs, "RoleMiningSessionResponse", "dataFilePath", "property removed", Breaking);
}

#[test]
fn schema_type_changed() {
    let diffs = diff_after("type", |doc| {
        properties(doc, "RoleMiningSessionResponse").insert("identityCount".into(), json!({"type": "string"}));
    });
    assert_single(&diffs, "RoleMiningSessionResponse", "identityCount", "type integer -> string", Breaking);
}

#[test]
fn schema_format_changed() {
    let diffs = diff_after("format-int", |doc| {
        *at(doc, &format!("{SCHEMAS}/RoleMiningPotentialRole/properties/density/format")) = json!("int64");
    });
    assert_single(&diffs, "RoleMiningPotentialRole", "density", "format int32 -> int64", Breaking);
    let diffs = diff_after("format-uuid", |doc| {
        object(doc, &format!("{SCHEMAS}/RoleMiningSessionResponse/properties/id"))
            .insert("format".into(), json!("uuid"));
    });
    assert_single(&diffs, "RoleMiningSessionResponse", "id", "format none -> uuid", Additive);
}

#[test]
fn schema_nullable_changed() {
    // On a response: nullable -> non-nullable.
    let diffs = diff_after("nullable-off", |doc| {
        *at(doc, &format!("{SCHEMAS}/RoleMiningSessionResponse/properties/name/nullable")) = json!(false);
    });
    assert_single(&diffs, "RoleMiningSessionResponse", "name", "nullable true -> false", Breaking);
    // Optional property made nullable: `Option<T>` either way.
    let diffs = diff_after("nullable-on-optional", |doc| {
        object(doc, &format!("{SCHEMAS}/RoleMiningSessionResponse/properties/id"))
            .insert("nullable".into(), json!(true));
    });
    assert_single(&diffs, "RoleMiningSessionResponse", "id", "nullable false -> true", Additive);
    // Required property made nullable: `T` becomes `Option<T>`.
    let diffs = diff_after("nullable-on-required", |doc| {
        object(doc, &format!("{SCHEMAS}/JsonPatchOperation/properties/path")).insert("nullable".into(), json!(true));
    });
    assert_single(&diffs, "JsonPatchOperation", "path", "nullable false -> true", Breaking);
}

#[test]
fn schema_required_list_changed() {
    let diffs = diff_after("required-dropped", |doc| {
        *at(doc, &format!("{SCHEMAS}/JsonPatchOperation/required")) = json!(["op"]);
    });
    assert_single(&diffs, "JsonPatchOperation", "path", "no longer required", Breaking);
    let diffs = diff_after("required-added", |doc| {
        object(doc, &format!("{SCHEMAS}/RoleMiningSessionDto")).insert("required".into(), json!(["name"]));
    });
    assert_single(&diffs, "RoleMiningSessionDto", "name", "now required", Breaking);
}

#[test]
fn schema_enum_value_added() {
    let diffs = diff_after("enum-added", |doc| {
        at(doc, &format!("{SCHEMAS}/RoleMiningSessionState/enum")).as_array_mut().unwrap().push(json!("ARCHIVED"));
    });
    assert_single(&diffs, "RoleMiningSessionState", "", "enum value \"ARCHIVED\" added", Additive);
}

#[test]
fn schema_enum_value_removed() {
    let diffs = diff_after("enum-removed", |doc| {
        at(doc, &format!("{SCHEMAS}/RoleMiningSessionState/enum")).as_array_mut().unwrap().retain(|v| v != "UPDATED");
    });
    assert_single(&diffs, "RoleMiningSessionState", "", "enum value \"UPDATED\" removed", Breaking);
}

#[test]
fn schema_removed_and_added_by_name() {
    let diffs = diff_after("schema-set", |doc| {
        let schemas = object(doc, SCHEMAS);
        schemas.insert("Unused".into(), json!({"type": "object"}));
    });
    assert_single(&diffs, "Unused", "", "schema added", Additive);
}

// --- the command ----------------------------------------------------------

fn run_on_mutated(name: &str, extra: &[&str], mutate: impl FnOnce(&mut Value)) -> Output {
    let mut doc = our_beta();
    mutate(&mut doc);
    let scratch = Scratch::new(name);
    let upstream = scratch.write_json("upstream.json", &doc);
    let ours = workspace_root().join(BETA);
    let mut args = vec!["spec-diff", "--upstream", upstream.to_str().unwrap(), "--ours", ours.to_str().unwrap()];
    args.extend(extra);
    xtask(&args)
}

fn current_version() -> String {
    xtask::config::crate_summary(&workspace_root()).unwrap().version
}

#[test]
fn report_ends_with_the_version_bump() {
    let version = current_version();
    let output = run_on_mutated("report-additive", &[], |doc| {
        at(doc, &format!("{SCHEMAS}/RoleMiningSessionState/enum")).as_array_mut().unwrap().push(json!("ARCHIVED"));
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let next = spec_diff::next_version(&version, Additive).unwrap();
    assert!(
        stdout.contains("schemas:\n  RoleMiningSessionState\n    additive  enum value \"ARCHIVED\" added\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with(&format!("version bump: {version} -> {next} (additive)\n")), "{stdout}");

    let output = run_on_mutated("report-breaking", &[], |doc| {
        object(doc, "/paths").remove("/role-mining-sessions/{sessionId}/status");
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let next = spec_diff::next_version(&version, Breaking).unwrap();
    assert!(
        stdout.contains("operations:\n  GET /role-mining-sessions/{sessionId}/status\n    breaking  operation removed"),
        "{stdout}"
    );
    assert!(stdout.ends_with(&format!("version bump: {version} -> {next} (breaking)\n")), "{stdout}");
}

#[test]
fn json_output_for_machines() {
    let output = run_on_mutated("json", &["--json"], |doc| {
        *at(doc, "/components/parameters/limit/schema/default") = json!(100);
        properties(doc, "RoleMiningSessionResponse").remove("dataFilePath");
    });
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(report["equal"], json!(false));
    assert_eq!(report["breaking"], json!(1));
    let differences = report["differences"].as_array().unwrap();
    let removed = differences.iter().find(|d| d["kind"] == "property_removed").unwrap();
    assert_eq!(removed["group"], "schema");
    assert_eq!(removed["subject"], "RoleMiningSessionResponse");
    assert_eq!(removed["location"], "dataFilePath");
    assert_eq!(removed["severity"], "breaking");
    let default = differences.iter().find(|d| d["kind"] == "default_changed").unwrap();
    assert_eq!(
        (&default["group"], &default["change"], &default["severity"]),
        (&json!("operation"), &json!("default 250 -> 100"), &json!("additive"))
    );
    assert_eq!(report["version"]["current"], json!(current_version()));
    assert_eq!(report["version"]["bump"], "breaking");
}

#[test]
fn next_version_follows_pre_1_0_semver() {
    assert_eq!(spec_diff::next_version("0.1.0", Breaking).unwrap(), "0.2.0");
    assert_eq!(spec_diff::next_version("0.1.3", Additive).unwrap(), "0.1.4");
    assert_eq!(spec_diff::next_version("1.2.3", Breaking).unwrap(), "2.0.0");
    assert_eq!(spec_diff::next_version("1.2.3", Additive).unwrap(), "1.3.0");
    assert_eq!(spec_diff::next_version("0.4.0-alpha.1", Breaking).unwrap(), "0.5.0");
    assert!(spec_diff::next_version("one", Breaking).is_err());
    assert!(spec_diff::next_version("0.18446744073709551615.0", Breaking).is_err());
}

// --- errors -----------------------------------------------------------------

/// Exit code 2 and exactly one `error:` line, no panic; returns stderr.
#[track_caller]
fn fails_cleanly(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1, "{stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&output.stdout));
    stderr
}

#[test]
fn missing_file_is_an_error() {
    let stderr = fails_cleanly(&xtask(&["spec-diff", "--upstream", "/definitely/not/here.yaml", "--ours", BETA]));
    assert!(stderr.contains("/definitely/not/here.yaml") && stderr.contains("cannot read spec file"), "{stderr}");
}

#[test]
fn invalid_yaml_names_the_file_and_line() {
    let scratch = Scratch::new("bad-yaml");
    let bad = scratch.write("bad.yaml", "openapi: 3.0.3\npaths: {a: [}\n");
    let ours = workspace_root().join(BETA);
    let stderr =
        fails_cleanly(&xtask(&["spec-diff", "--upstream", bad.to_str().unwrap(), "--ours", ours.to_str().unwrap()]));
    assert!(stderr.contains("bad.yaml:2:") && stderr.contains("invalid YAML"), "{stderr}");
    // The same for --ours.
    let stderr =
        fails_cleanly(&xtask(&["spec-diff", "--upstream", ours.to_str().unwrap(), "--ours", bad.to_str().unwrap()]));
    assert!(stderr.contains("bad.yaml:2:"), "{stderr}");
}

#[test]
fn malformed_documents_name_the_pointer() {
    let scratch = Scratch::new("malformed");
    let ours = workspace_root().join(BETA);
    let head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";
    let cases = [
        ("not-openapi.yaml", "just: a mapping\n".to_owned(), "no `openapi` field"),
        ("swagger.yaml", "swagger: '2.0'\ninfo: {}\npaths: {}\n".to_owned(), "#/swagger"),
        ("list.yaml", "- 1\n- 2\n".to_owned(), "must be a mapping"),
        (
            "params.yaml",
            format!("{head}paths:\n  /a:\n    get:\n      parameters: 7\n      responses: {{}}\n"),
            "#/paths/~1a/get/parameters",
        ),
        (
            "nameless.yaml",
            format!("{head}paths:\n  /a:\n    get:\n      parameters: [{{in: query}}]\n"),
            "#/paths/~1a/get/parameters/0",
        ),
        (
            "schema.yaml",
            format!("{head}components:\n  schemas:\n    A: {{properties: []}}\n"),
            "#/components/schemas/A/properties",
        ),
        (
            "dangling.yaml",
            format!("{head}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n"),
            "does not exist",
        ),
    ];
    for (file, text, expected) in cases {
        let path = scratch.write(file, &text);
        let stderr = fails_cleanly(&xtask(&[
            "spec-diff",
            "--upstream",
            path.to_str().unwrap(),
            "--ours",
            ours.to_str().unwrap(),
        ]));
        assert!(stderr.contains(file) && stderr.contains(expected), "{file}: {stderr}");
    }
}

#[test]
fn odd_but_valid_shapes_do_not_panic() {
    let scratch = Scratch::new("odd");
    let docs = [
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n",
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents: {schemas: {}}\n",
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    x-note: 1\n    get:\n      responses:\n        x-ext: 1\n        default: {description: d}\ncomponents:\n  schemas:\n    A: {type: [string, 'null'], required: true, enum: [a, 1, null], default: {b: [1]}}\n    B: {allOf: [{$ref: '#/components/schemas/A'}, true, false], additionalProperties: {$ref: '#/components/schemas/B'}}\n    C: {$ref: '#/components/schemas/D'}\n    D: {$ref: '#/components/schemas/C'}\n",
    ];
    for (i, text) in docs.iter().enumerate() {
        let path = scratch.write(&format!("odd{i}.yaml"), text);
        let against_self = spec_diff::compare_files(&path, &path).unwrap();
        assert!(against_self.is_empty(), "{text}: {against_self:#?}");
        spec_diff::compare_files(&path, &workspace_root().join(BETA)).unwrap();
    }
}

#[test]
fn usage_errors() {
    let stderr = fails_cleanly(&xtask(&["spec-diff"]));
    assert!(stderr.contains("needs --upstream"), "{stderr}");
    let stderr = fails_cleanly(&xtask(&["spec-diff", "--upstream", BETA, "--frobnicate"]));
    assert!(stderr.contains("unknown argument `--frobnicate`"), "{stderr}");
    let help = xtask(&["help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("cargo xtask spec-diff --upstream PATH"));
}

#[test]
fn unknown_tag_is_an_error() {
    let ours = workspace_root().join(BETA);
    let path = ours.to_str().unwrap();
    let stderr = fails_cleanly(&xtask(&["spec-diff", "--upstream", path, "--ours", path, "--tag", "No Such Tag"]));
    assert!(stderr.contains("no operation has the tag `No Such Tag`"), "{stderr}");
}
