//! Spec text is inert in what we emit. A hostile spec (code blocks of every
//! kind in its descriptions, raw HTML and XML examples in its prose, control
//! and bidirectional characters in its text and enum values, a title that
//! tries to break out of its line, a spec file name holding a newline) goes
//! through `cargo xtask generate --spec X --out DIR`; the crate it writes
//! must `cargo check` without a warning, `cargo test --doc` must pass
//! running no doctest made from spec text (the only doctest is the crate's
//! own example in `lib.rs`), and `cargo doc` must build without a warning
//! pages where the spec's HTML is text.
//!
//! One crate for the whole file, built in its own target directory with our
//! Cargo.lock (dependencies compile once, a minute or two).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;
use xtask::workspace_root;

const PANIC: &str = r#"fn main() { panic!("spec code ran") }"#;

/// Raw HTML that must not reach the pages as HTML, beside formatting that
/// may (`<strong>`, a link).
const HTML: &str = "Run <script>alert(1)</script> or <img src=x onerror=alert(1)>, \
    <!-- hidden --> <iframe src=//example.com></iframe> <a href=\"javascript:alert(1)\">x</a>; \
    <strong>bold</strong> and <a href=\"https://example.com\">a link</a>.";

/// Markdown links and images with a script URL, which must show as text,
/// beside a link that may stay one.
const LINKS: &str = "Click [here](  JaVaScRiPt:alert(1) ) or see ![a picture](javascript&#58;alert(2)); \
    [this link](https://example.com/ok) stays.";

/// Descriptions holding a code block of every kind, each with code that
/// panics if it ever runs as a doctest.
fn fenced(info: &str) -> String {
    format!("Before the block.\n\n```{info}\n{PANIC}\n```\n\nAfter the block.")
}

fn hostile_spec() -> serde_json::Value {
    let kinds = [
        fenced(""),
        fenced("rust"),
        fenced("should_panic"),
        fenced("rust,no_run"),
        fenced("ignore"),
        fenced("edition2021"),
        "Compile fail:\n\n```compile_fail\nlet x: u32 = \"spec code ran\";\n```".to_owned(),
        format!("Four backticks:\n\n````rust\n```\n{PANIC}\n```\n````\n\nAfter."),
        format!("Tildes:\n\n~~~rust\n{PANIC}\n~~~"),
        format!("Unclosed:\n\n```rust\n{PANIC}"),
        format!("Indented fence:\n\n   ```rust\n   {PANIC}\n   ```"),
        format!("Indented code after a blank line:\n\n    {PANIC}\n\nAfter."),
        format!("A list:\n\n- item\n  continued\n\n  ```rust\n  {PANIC}\n  ```\n- `x`:\n\n      {PANIC}"),
        format!("> ```rust\n> {PANIC}\n> ```"),
        format!("> ```text\n> quoted\n```\n{PANIC}\n```"),
        format!("<div>\n```text\n</div>\n\n```\n{PANIC}\n```"),
        format!("\t{PANIC}"),
        format!("Bare CR:\r```rust\r{PANIC}\r```\rafter"),
        "Bidi: \u{202E}desrever\u{202C} and \u{2066}isolate\u{2069}, NUL \u{0} and C1 \u{85}.".to_owned(),
        HTML.to_owned(),
        "<script>alert(1)</script>\n\nAn XML example: <Form name='x'><Field type=\"b\"/></Form>, in code `<Form>`."
            .to_owned(),
        LINKS.to_owned(),
    ];
    let mut properties = serde_json::Map::new();
    for (i, description) in kinds.iter().enumerate() {
        properties.insert(format!("field{i}"), json!({"type": "string", "description": description}));
    }
    properties.insert("status".into(), json!({"$ref": "#/components/schemas/Status"}));
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Hostile \"API\"\n```rust\n<script>alert(1)</script> | cell",
            "version": "1.0\r\n```",
            "description": kinds[1],
        },
        "servers": [{"url": "https://example.com/api"}],
        "paths": {
            "/items": {
                "get": {
                    "operationId": "listItems",
                    "summary": "List\ritems",
                    "description": kinds[2],
                    "parameters": [{
                        "name": "filter",
                        "in": "query",
                        "description": kinds[3],
                        "schema": {"type": "string"}
                    }, {
                        "name": "sort\u{202E}",
                        "in": "query",
                        "schema": {"type": "string"}
                    }],
                    "responses": {"200": {"description": kinds[4], "content": {"application/json": {
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
                    }}}}
                }
            },
            "/items/{id}": {
                "put": {
                    "operationId": "putItem",
                    "summary": kinds[7],
                    "parameters": [{"name": "id", "in": "path", "required": true, "description": kinds[11], "schema": {"type": "string"}}],
                    "requestBody": {"required": true, "description": kinds[12], "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Item"}
                    }}},
                    "responses": {"204": {"description": "done"}}
                }
            }
        },
        "components": {"schemas": {
            "Item": {"type": "object", "description": kinds[5], "properties": properties},
            "Status": {
                "type": "string",
                "description": kinds[6],
                "enum": ["ok", "evil\u{202E}txt", "```", "```rust", "tab\tvalue", "cr\rvalue", "nul\u{0}value", "`"]
            }
        }}
    })
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    cargo_with(dir, args, "")
}

fn cargo_with(dir: &Path, args: &[&str], rustdocflags: &str) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        // Shares the corpus test's target directory: dependencies build once.
        .env("CARGO_TARGET_DIR", target_dir())
        .env("RUSTFLAGS", "")
        .env("RUSTDOCFLAGS", rustdocflags)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn target_dir() -> PathBuf {
    workspace_root().join("target/corpus")
}

fn xtask(spec: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn spec_text_is_inert_in_the_generated_crate() {
    // Its own directory: the other test runs beside it in `names`.
    let root = workspace_root().join("target/hostile-crates/inert");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    // A file name that tries to end the `@generated` comment.
    let spec = root.join("hostile \"spec\"\npub fn injected() {}\n.json");
    std::fs::write(&spec, serde_json::to_string_pretty(&hostile_spec()).unwrap()).unwrap();
    let out = root.join("crate");

    let generated = xtask(&spec, &out, &[]);
    let stderr = String::from_utf8_lossy(&generated.stderr);
    assert!(generated.status.success(), "generate failed:\n{stderr}");
    for expected in ["U+202E", "bare CR", "U+0000", "U+0085", "U+2066", "/components/schemas/Status/enum/1"] {
        assert!(stderr.contains(expected), "no warning naming {expected}:\n{stderr}");
    }

    // Text from the spec stays on its line: no line of any file is the
    // file name's second line, Cargo.toml and README keep their shape.
    for path in files(&out) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.lines().any(|l| l.starts_with("pub fn injected")), "{} has a line from the file name", path.display());
        assert!(!text.contains('\r'), "{} has a CR", path.display());
        assert!(!text.contains('\u{202E}'), "{} has a raw U+202E", path.display());
        assert!(!text.contains('\u{0}'), "{} has a NUL", path.display());
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(!readme.lines().any(|l| l.starts_with("```") || l.starts_with("<script")), "{readme}");
    for line in readme.lines().skip(1) {
        let raw_html = line.match_indices('<').any(|(i, _)| !line[..i].ends_with('\\'));
        assert!(!raw_html, "raw HTML in the README: {line}");
    }
    let row = readme.lines().find(|l| l.starts_with("| `api` |")).expect(&readme);
    assert_eq!(row.matches(" | ").count(), 3, "the title must stay in its cell: {row}");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    // The file name's words join the title's, as plain lowercase ASCII.
    assert!(manifest.contains("name = \"hostile-api-rust-script-alert-1-script-pub-fn-injected-v1-0\""), "{manifest}");

    std::fs::copy(workspace_root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let check = cargo(&out, &["check", "--message-format=short"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "cargo check failed:\n{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(warnings.is_empty(), "cargo check warned:\n{}", warnings.join("\n"));

    let test = cargo(&out, &["test", "--doc"]);
    let stdout = String::from_utf8_lossy(&test.stdout);
    let stderr = String::from_utf8_lossy(&test.stderr);
    assert!(test.status.success(), "cargo test --doc failed:\n{stdout}\n{stderr}");
    assert!(!stdout.contains("spec code ran") && !stderr.contains("spec code ran"), "{stdout}");
    // The crate's own example (lib.rs, compiled only) is the one doctest.
    let doctests: Vec<&str> = stdout.lines().filter(|l| l.starts_with("test ") && l.contains(" - ")).collect();
    assert!(doctests.iter().all(|l| l.starts_with("test src/lib.rs")), "doctests from spec text:\n{}", doctests.join("\n"));
    assert!(stdout.contains("test result: ok. 1 passed"), "{stdout}");

    // The pages: rustdoc has nothing to warn about (no unknown tag from an
    // XML example, no unclosed one), and the spec's HTML shows as text.
    let pages = target_dir().join("doc/hostile_api_rust_script_alert_1_script_pub_fn_injected_v1_0");
    let _ = std::fs::remove_dir_all(&pages);
    let doc = cargo_with(&out, &["doc", "--no-deps", "--message-format=short"], "-D warnings");
    let stderr = String::from_utf8_lossy(&doc.stderr);
    assert!(doc.status.success(), "cargo doc failed:\n{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(warnings.is_empty(), "cargo doc warned:\n{}", warnings.join("\n"));
    let html: String = files(&pages)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    // The text is there, as text.
    for shown in ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;Form name=", "&lt;!", "<code>&lt;Form&gt;</code>"] {
        assert!(html.contains(shown), "the pages do not show {shown}");
    }
    for tag in ["<script>alert", "<img", "<iframe", "href=\"javascript:", "src=\"javascript:", "<!-- hidden"] {
        assert!(!html.to_ascii_lowercase().contains(tag), "the pages hold {tag}");
    }
    assert!(!html.contains("<Form") && !html.contains("<Field"), "the pages hold the XML as tags");
    // `onerror=` only inside the escaped `<img ...>` text (in the page body
    // and in its `<meta name="description">`).
    let escaped = ["&lt;img src=x onerror=", "&#60;img src=x onerror="].map(|s| html.matches(s).count());
    assert_eq!(html.matches("onerror=").count(), escaped.iter().sum::<usize>(), "a live onerror attribute");
    assert!(html.contains("<strong>bold</strong>") && html.contains("<a href=\"https://example.com\">a link</a>"));
    // The Markdown links with a script URL show as written.
    assert!(html.contains("[here](  JaVaScRiPt:alert(1) )"), "the pages do not show the script link as text");
    assert!(html.contains("![a picture](javascript:alert(2))"), "the pages do not show the script image as text");
    assert!(html.contains("<a href=\"https://example.com/ok\">this link</a>"));
}

#[test]
fn an_invalid_crate_name_is_refused() {
    let root = workspace_root().join("target/hostile-crates/names");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let spec = root.join("spec.json");
    std::fs::write(&spec, serde_json::to_string(&hostile_spec()).unwrap()).unwrap();
    for name in ["bad name", "fn", "1st", "x\"\ny", "naïve", ""] {
        let out = root.join("crate");
        let output = xtask(&spec, &out, &["--name", name]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "--name {name:?}:\n{stderr}");
        assert!(stderr.contains("invalid crate name"), "--name {name:?}:\n{stderr}");
        assert!(!out.join("Cargo.toml").exists(), "--name {name:?} wrote a crate");
    }
}
