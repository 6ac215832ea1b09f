//! Spec text is inert: control and bidirectional characters are escaped in
//! the IR with a warning naming each place, wire values are kept exact, and
//! everything the emitter writes (docs, literals, headers, Cargo.toml,
//! README) is free of them even when the IR is built by hand.

use sailpoint_codegen::ir::{Api, EnumVariant, StringEnum, TypeDef, TypeKind};
use sailpoint_codegen::krate::{generate_crate, validate_crate_name, CrateConfig, GeneratedFile};
use sailpoint_codegen::{load_api, Warning};

fn load(name: &str, spec: &serde_json::Value) -> (Api, Vec<Warning>) {
    let dir = std::env::temp_dir().join(format!("codegen-inert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string(spec).unwrap()).unwrap();
    let mut warnings = Vec::new();
    let api = load_api(&path, &mut warnings).unwrap_or_else(|e| panic!("{e}"));
    (api, warnings)
}

fn generate(api: Api, name: &str, spec_label: &str) -> Result<Vec<GeneratedFile>, String> {
    // Raw text, not pre-cleaned: krate must make it safe itself.
    let description = format!("Client for {}", api.title);
    let mut config = CrateConfig { include_runtime: false, description, ..CrateConfig::standalone(name, api, "", "test") };
    config.apis[0].spec_label = spec_label.into();
    generate_crate(&config)
}

fn assert_clean(files: &[GeneratedFile]) {
    for file in files {
        let bad: Vec<char> = file.contents.chars().filter(|&c| sailpoint_codegen::text::is_unsafe_char(c) || c == '\r').collect();
        assert!(bad.is_empty(), "{}: {bad:?}\n{}", file.path.display(), file.contents);
    }
}

#[test]
fn control_characters_are_escaped_with_a_warning_per_place() {
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "T\u{202E}itle", "version": "1", "description": "line\rnext\r\nthird"},
        "paths": {"/a": {"get": {
            "operationId": "getA",
            "summary": "sum\u{2066}mary",
            "parameters": [{"name": "q", "in": "query", "description": "nul\u{0}", "schema": {"type": "string"}}],
            "responses": {"204": {"description": "ok"}}
        }}},
        "components": {"schemas": {"Mode": {"type": "string", "description": "c1\u{85}", "enum": ["a\u{202E}b", "plain"]}}}
    });
    let (api, warnings) = load("controls", &spec);
    let places: Vec<String> = warnings.iter().map(|w| format!("{}: {}", w.location.pointer, w.message)).collect();
    let expect = [
        ("/info/title", "U+202E"),
        ("/info/description", "bare CR"),
        ("/paths/~1a/get/summary", "U+2066"),
        ("/paths/~1a/get/parameters", "U+0000"),
        ("/components/schemas/Mode", "U+0085"),
        ("/components/schemas/Mode/enum/0", "U+202E"),
    ];
    for (pointer, what) in expect {
        assert!(places.iter().any(|p| p.starts_with(&format!("{pointer}: ")) && p.contains(what)), "{pointer} {what}: {places:#?}");
    }
    assert_eq!(places.len(), expect.len(), "{places:#?}");
    // CRLF alone is a line end, not worth a warning; prose is escaped.
    assert_eq!(api.title, "T\\u{202E}itle");
    assert_eq!(api.description.as_deref(), Some("line\nnext\nthird"));
    assert_eq!(api.operations[0].summary.as_deref(), Some("sum\\u{2066}mary"));
    // A wire value stays exact.
    let TypeKind::StringEnum(mode) = &api.types[0].kind else { panic!() };
    assert_eq!(mode.variants[0].value, "a\u{202E}b");

    let files = generate(api, "controls", "controls.json").unwrap();
    assert_clean(&files);
    let models = &files.iter().find(|f| f.path.ends_with("models.rs")).unwrap().contents;
    assert!(models.contains("/// `a\\u{202E}b`"), "{models}");
    assert!(models.contains("\"a\\u{202e}b\""), "the literal escapes it: {models}");
}

#[test]
fn the_emitter_is_safe_on_a_hand_built_ir() {
    // The IR is public: text that skipped resolve is escaped on the way out.
    let spec = serde_json::json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}});
    let (mut api, _) = load("hand", &spec);
    api.title = "Evil\rTitle\u{202E} | ```rust\n<script>".into();
    api.version = "1\n2".into();
    api.description = Some("```rust\nfn main() { panic!() }\n```\r\u{2067}".into());
    api.types.push(TypeDef {
        name: "Mode".into(),
        origin: "#/components/schemas/Mode\n```rust".into(),
        spec_name: Some("Mode".into()),
        constraints: Vec::new(),
        doc: Some("    fn main() {}\u{0}".into()),
        deprecated: false,
        kind: TypeKind::StringEnum(StringEnum {
            variants: vec![EnumVariant { rust_name: "A".into(), value: "```\r\u{202D}".into() }],
            unknown_variant: "Unknown".into(),
        }),
    });
    let files = generate(api, "hand", "spec\n// injected.yaml").unwrap();
    assert_clean(&files);
    for file in &files {
        assert!(!file.contents.lines().any(|l| l.starts_with("// injected")), "{}", file.path.display());
        let doc_fences: Vec<&str> = file
            .contents
            .lines()
            .map(str::trim_start)
            .filter(|l| l.starts_with("/// ```") || l.starts_with("//! ```"))
            // Backticks after the run make it inline code, not a fence.
            .filter(|l| !l[4..].trim_start_matches('`').contains('`'))
            .collect();
        let opening: Vec<&&str> = doc_fences.iter().step_by(2).collect();
        assert!(opening.iter().all(|l| l.ends_with("```text") || l.ends_with("```no_run")), "{}: {doc_fences:?}", file.path.display());
    }
    let readme = &files.iter().find(|f| f.path.ends_with("README.md")).unwrap().contents;
    let row = readme.lines().find(|l| l.starts_with("| `api` |")).unwrap();
    // Rendered: `Evil Title\u{202E} | ```rust <script>`, all literal.
    assert_eq!(row, "| `api` | Evil Title\\\\u{202E} \\| \\`\\`\\`rust \\<script> | 1 2 | 0 |");
}

#[test]
fn crate_names_are_validated() {
    for good in ["a", "my-api", "my_api2", "identity-security-cloud-beta-api"] {
        assert_eq!(validate_crate_name(good), Ok(()), "{good}");
    }
    for bad in ["", "1st", "-x", "bad name", "naïve", "fn", "self", "std", "x\ny", &"a".repeat(65)] {
        let err = validate_crate_name(bad).unwrap_err();
        assert!(err.starts_with("invalid crate name "), "{bad}: {err}");
    }
    let spec = serde_json::json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}});
    let (api, _) = load("names", &spec);
    assert!(generate(api, "bad name", "t.json").unwrap_err().contains("invalid crate name \"bad name\""));
}
