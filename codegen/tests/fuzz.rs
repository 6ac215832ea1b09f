//! Fuzzing the generator with proptest: mutated real specs and odd documents
//! go through the whole pipeline (bundle, parse, resolve, emit, format). Any
//! outcome but a panic is fine: an error must be an `Err`, never a crash.
//!
//! `cargo test` runs 64 cases. For a long run:
//! `FUZZ_CASES=20000 cargo test --release -p sailpoint-codegen --test fuzz -- --nocapture`.
//! Every case a run has found is kept below as a regression test.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sailpoint_codegen::krate::{generate_crate, ApiConfig, CrateConfig};
use serde_json::{json, Value};

/// The documents mutations start from: our specs and the construct corpus.
fn seeds() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files: Vec<PathBuf> = vec![root.join("spec/role-mining.beta.yaml"), root.join("spec/role-mining.v2025.yaml")];
    if let Ok(entries) = std::fs::read_dir(root.join("xtask/tests/corpus")) {
        let mut corpus: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        corpus.sort();
        files.extend(corpus);
    }
    files.iter().map(|f| serde_yaml::from_str(&std::fs::read_to_string(f).unwrap()).unwrap()).collect()
}

/// Values mutations write: the shapes that break generators.
fn payloads() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1_u64 << 53),
        json!(3.5),
        json!(""),
        json!("名前 mit Größe"),
        json!("{id}"),
        json!("1st-value"),
        json!({}),
        json!([]),
        json!([null]),
        json!({"$ref": "#/components/schemas/Nope"}),
        json!({"$ref": "./missing.yaml"}),
        json!({"$ref": "#"}),
        json!({"$ref": 7}),
        json!({"type": "date-time"}),
        json!({"type": ["string", "null"]}),
        json!({"type": "object", "properties": {"self": {"type": "string"}, "Self": {"type": "integer"}, "type": {}}}),
        json!({"type": "array"}),
        json!({"type": "array", "items": {"type": "array", "items": {}}}),
        json!({"oneOf": []}),
        json!({"anyOf": [{"nullable": true}]}),
        json!({"allOf": [{}, {"type": "string"}, {"type": "object"}]}),
        json!({"enum": [null, "", "a", "A", 1]}),
        json!({"type": "string", "enum": ["Unknown", "unknown", "UNKNOWN"]}),
        json!({"type": "string", "default": true}),
        json!({"type": "integer", "format": "int64", "maximum": 1e300}),
        json!({"not": {}}),
        json!({"discriminator": {"propertyName": "kind"}, "oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/RoleMiningRoleType"}]}),
        json!({"additionalProperties": false}),
        json!({"in": "path", "name": "x", "schema": {"type": "object"}}),
        json!({"content": {"multipart/mixed": {}}}),
        json!({"description": "```rust\nfn main() {}\n```\n    indented"}),
    ]
}

/// Every JSON pointer in `value`.
fn pointers(value: &Value, base: String, out: &mut Vec<String>) {
    out.push(base.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{base}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{base}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// One edit: (which node, what to do, which payload / key).
type Mutation = (usize, u8, usize);

fn mutate(mut doc: Value, mutations: &[Mutation], payloads: &[Value]) -> Value {
    for &(node, op, pick) in mutations {
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        let pointer = all[node % all.len()].clone();
        let payload = payloads[pick % payloads.len()].clone();
        let copy = doc.pointer(&all[pick % all.len()]).cloned().unwrap_or(Value::Null);
        let Some(target) = doc.pointer_mut(&pointer) else { continue };
        match (op % 5, target) {
            // Replace the node.
            (0, target) => *target = payload,
            // Delete one member.
            (1, Value::Object(map)) if !map.is_empty() => {
                let key = map.keys().nth(pick % map.len()).cloned().unwrap_or_default();
                map.remove(&key);
            }
            (1, Value::Array(items)) if !items.is_empty() => {
                items.remove(pick % items.len());
            }
            // Add a member.
            (2, Value::Object(map)) => {
                let keys = ["type", "$ref", "nullable", "required", "properties", "items", "enum", "format", "x-odd", "default"];
                map.insert(keys[pick % keys.len()].to_owned(), payload);
            }
            (2, Value::Array(items)) => items.push(payload),
            // Paste another part of the document here (deep, self-similar trees).
            (3, target) => *target = copy,
            // Rename a key (breaks references and required lists).
            (4, Value::Object(map)) if !map.is_empty() => {
                let key = map.keys().nth(pick % map.len()).cloned().unwrap_or_default();
                if let Some(v) = map.remove(&key) {
                    map.insert(format!("{key}_2"), v);
                }
            }
            _ => {}
        }
    }
    doc
}

/// Run the whole pipeline on `doc`, on a thread with a deadline: a panic or
/// a hang (an endless loop) fails the case instead of stalling the run.
fn run_generator(doc: &Value, dir: &Path) {
    let (doc, dir) = (doc.clone(), dir.to_path_buf());
    let (done, wait) = std::sync::mpsc::channel();
    // The main thread's stack size: deep documents recurse deeply.
    let worker = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            generate_once(&doc, &dir);
            let _ = done.send(());
        })
        .unwrap();
    match wait.recv_timeout(std::time::Duration::from_secs(30)) {
        Ok(()) => {}
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("the generator hung for 30 s"),
    }
}

fn generate_once(doc: &Value, dir: &Path) {
    let path = dir.join("spec.json");
    std::fs::write(&path, serde_json::to_vec(doc).unwrap()).unwrap();
    let mut warnings = Vec::new();
    let Ok(api) = sailpoint_codegen::load_api(&path, &mut warnings) else { return };
    let config = CrateConfig {
        name: "fuzzed".into(),
        version: "0.0.0".into(),
        description: "fuzz".into(),
        license: "MIT".into(),
        repository: None,
        keywords: vec![],
        apis: vec![ApiConfig { module: "api".into(), spec_label: "spec.json".into(), api }],
        hand_written_modules: vec![],
        benches: vec![],
        include_runtime: false,
        features: false,
        dev_dependencies: None,
        command: "fuzz".into(),
    };
    let _ = generate_crate(&config);
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-fuzz-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn mutated_specs_never_panic() {
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    let seeds = seeds();
    let payloads = payloads();
    let dir = scratch("mutated");
    let started = std::time::Instant::now();
    let strategy = (0..seeds.len(), prop::collection::vec((any::<usize>(), any::<u8>(), any::<usize>()), 1..8));
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let done = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&strategy, |(seed, mutations)| {
        let doc = mutate(seeds[seed].clone(), &mutations, &payloads);
        run_generator(&doc, &dir);
        // Progress for long runs (`--nocapture`).
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if n % 1000 == 0 {
            println!("{n} cases, {:.0} s", started.elapsed().as_secs_f64());
        }
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    println!("{cases} mutated specs in {:.1} s", started.elapsed().as_secs_f64());
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn arbitrary_json_never_panics() {
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-z$#/{}~]{0,8}".prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("(openapi|info|paths|components|schemas|type|\\$ref|/a|get|responses|200|[a-z]{1,4})", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    let dir = scratch("arbitrary");
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let result = runner.run(&value, |mut doc| {
        // Mostly valid headers, so the documents get past the first checks.
        if let Value::Object(map) = &mut doc {
            map.entry("openapi").or_insert(json!("3.0.3"));
            map.entry("info").or_insert(json!({"title": "t", "version": "1"}));
        }
        run_generator(&doc, &dir);
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = result {
        panic!("{e}");
    }
}

// Regression cases found by the fuzzer and the corpus.

/// A required property that refers to its own type: the `Default` check
/// recursed forever (stack overflow).
#[test]
fn required_self_reference() {
    let doc = json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"Node": {"type": "object", "required": ["parent"], "properties": {"parent": {"$ref": "#/components/schemas/Node"}}}}}
    });
    run_generator(&doc, &scratch("self-reference"));
}

/// A string enum holding an object: the inline type was defined as an alias
/// of itself, and asking whether it is a scalar looped forever.
#[test]
fn string_enum_with_an_object_value() {
    let doc = json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/r": {"get": {
            "parameters": [{"name": "view", "in": "query", "schema": {"type": "string", "enum": ["a", {"b": 1}]}}],
            "responses": {"204": {"description": "none"}}
        }}}
    });
    run_generator(&doc, &scratch("enum-object"));
}

/// Two component schemas that only refer to each other.
#[test]
fn alias_cycle() {
    let doc = json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/r": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
        "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}
    });
    run_generator(&doc, &scratch("alias-cycle"));
}
