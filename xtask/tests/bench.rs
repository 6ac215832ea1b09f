//! `cargo xtask bench` without timing anything: its arguments, the table
//! and JSON it prints from canned figures, and the helpers that read cargo's
//! and rustc's output.

use xtask::bench::report::{format_bytes, format_seconds, Cell, Machine, Report, Row};
use xtask::bench::{compile_failure_text, manifest_features, parse_args, tag_feature, Options};

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn arguments() {
    assert_eq!(parse_args(&[]).unwrap(), Options::default());
    let options = parse_args(&args(&[
        "--runs", "5", "--check-runs", "2", "--only", "check", "--only", "per-tag", "--skip-peer", "--json", "out.json",
        "--cache", "/tmp/c", "--full", "a.json", "--full", "b.json", "--generate-spec", "g.json",
    ]))
    .unwrap();
    assert_eq!((options.runs, options.check_runs, options.skip_peer), (5, 2, true));
    assert_eq!(options.only, ["check", "per-tag"]);
    assert!(options.wants("check") && !options.wants("role-mining"));
    assert!(Options::default().wants("role-mining"));
    assert_eq!(options.full.len(), 2);
    assert_eq!(options.json.unwrap().to_str(), Some("out.json"));
    assert_eq!(options.generate_spec.unwrap().to_str(), Some("g.json"));

    for (bad, says) in [
        (&["--runs", "0"][..], "at least 1"),
        (&["--runs", "x"][..], "at least 1"),
        (&["--runs"][..], "--runs needs a value"),
        (&["--only", "everything"][..], "role-mining, check, generate, per-tag"),
        (&["--skip-peer", "--peer", "/bin/x"][..], "contradict"),
        (&["--fast"][..], "unknown argument `--fast`"),
    ] {
        let error = parse_args(&args(bad)).unwrap_err();
        assert!(error.contains(says), "{bad:?}: {error}");
    }
}

fn canned(peer: bool) -> Report {
    let side = |cell: Cell| if peer { Some(cell) } else { None };
    Report {
        machine: Machine { cores: 2, load_start: Some(3.25), load_end: Some(1.5), rustc: "rustc 1.95.0".into() },
        runs: 3,
        check_runs: 1,
        peer: peer.then(|| "openapi-generator 7.26.0 (`-g rust`)".to_owned()),
        peer_note: None,
        release_generator: true,
        rows: vec![
            Row {
                group: "role-mining".into(),
                what: "role-mining crate, debug build after touch, default features".into(),
                ours: Cell::seconds(vec![4.0, 5.0, 4.5]),
                peer: side(Cell::seconds(vec![9.0, 9.5, 8.0])),
            },
            Row {
                group: "check".into(),
                what: "`sailpoint-beta.full.json` crate, cargo check: rustc CPU time".into(),
                ours: Cell::seconds(vec![61.25]),
                peer: side(Cell::Failed { why: compile_failure_text("error: could not compile `x` (lib) due to 8 previous errors") }),
            },
            Row {
                group: "check".into(),
                what: "`sailpoint-beta.full.json` crate, cargo check: rustc peak RSS".into(),
                ours: Cell::bytes(vec![1_500_000_000, 1_400_000_000]),
                peer: side(Cell::NotApplicable { why: "–".into() }),
            },
            Row {
                group: "generate".into(),
                what: "generate `sailpoint-beta.full.json`: peak memory".into(),
                ours: Cell::bytes(vec![120_000_000]),
                peer: side(Cell::bytes(vec![480_000_000])),
            },
            Row {
                group: "per-tag".into(),
                what: "one tag of a whole-API crate, cargo check: rustc CPU time".into(),
                ours: Cell::NotApplicable { why: "n/a (no per-tag features yet)".into() },
                peer: side(Cell::NotApplicable { why: "n/a (no per-tag features)".into() }),
            },
        ],
    }
}

#[test]
fn table_with_the_peer() {
    let table = canned(true).markdown();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "| measurement | ours | openapi-generator 7.26.0 (`-g rust`) | theirs ÷ ours |");
    assert_eq!(lines[1], "|---|---:|---:|---:|");
    assert_eq!(lines[2], "| role-mining crate, debug build after touch, default features | 4.50 s | 9.00 s | 2.0× |");
    assert_eq!(
        lines[3],
        "| `sailpoint-beta.full.json` crate, cargo check: rustc CPU time | 61.2 s | fails to compile (8 errors) | – |"
    );
    assert_eq!(lines[4], "| `sailpoint-beta.full.json` crate, cargo check: rustc peak RSS | 1.45 GB | – | – |");
    assert_eq!(lines[5], "| generate `sailpoint-beta.full.json`: peak memory | 120 MB | 480 MB | 4.0× |");
    assert_eq!(
        lines[6],
        "| one tag of a whole-API crate, cargo check: rustc CPU time | n/a (no per-tag features yet) | n/a (no per-tag features) | – |"
    );
    assert!(table.contains("Machine: 2 cores, 1-minute load average 3.2 at the start and 1.5 at the end; rustc 1.95.0."));
    assert!(table.contains("Medians of 3 alternated runs (1 for whole-API `cargo check`)"));
    assert!(!table.contains("ran as a debug build"), "a release generator gets no debug note:\n{table}");
}

#[test]
fn table_without_the_peer() {
    let mut report = canned(false);
    report.peer_note = Some("openapi-generator-cli is not installed, so only our column is shown".into());
    report.release_generator = false;
    let table = report.markdown();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "| measurement | ours |");
    assert_eq!(lines[1], "|---|---:|");
    assert_eq!(lines[2], "| role-mining crate, debug build after touch, default features | 4.50 s |");
    assert!(table.contains("Peer: openapi-generator-cli is not installed"));
    assert!(table.contains("Our generator ran as a debug build"));
}

#[test]
fn json_round_trip() {
    let report = canned(true);
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains(r#""kind":"seconds","median":4.5,"samples":[4.0,5.0,4.5]"#), "{json}");
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn units() {
    assert_eq!(format_seconds(0.4249), "0.42 s");
    assert_eq!(format_seconds(12.34), "12.3 s");
    assert_eq!(format_seconds(245.4), "245 s");
    assert_eq!(format_bytes(87_400_000), "87 MB");
    assert_eq!(format_bytes(1_420_000_000), "1.42 GB");
    assert_eq!(Cell::bytes(vec![3, 1, 2]), Cell::Bytes { median: 2, samples: vec![3, 1, 2] });
}

#[test]
fn compile_failures() {
    assert_eq!(compile_failure_text("error: could not compile `p` (lib) due to 1 previous error"), "fails to compile (1 error)");
    assert_eq!(
        compile_failure_text("error[E0308]: mismatched types\nerror: could not compile `p` (lib) due to 3 previous errors; 2 warnings emitted"),
        "fails to compile (3 errors)"
    );
    assert_eq!(compile_failure_text("error: failed to select a version"), "fails to compile");
}

#[test]
fn per_tag_features() {
    let manifest = "[package]\nname = \"x\"\n\n[features]\ndefault = [\"access-profiles\"]\nmock = []\naccess-profiles = []\niai-role-mining = []\n";
    let features = manifest_features(manifest);
    let tags: Vec<String> = ["Access Profiles", "IAI Role Mining"].iter().map(|t| t.to_string()).collect();
    assert_eq!(tag_feature(&features, &tags), Some(("iai-role-mining".into(), "IAI Role Mining".into())));
    let others: Vec<String> = vec!["Access Profiles".into()];
    assert_eq!(tag_feature(&features, &others), Some(("access-profiles".into(), "Access Profiles".into())));
    // Today's crates: only `mock`, so the row says n/a.
    assert_eq!(tag_feature(&manifest_features("[features]\nmock = [\"dep:wiremock\"]\n"), &tags), None);
    assert_eq!(tag_feature(&[], &tags), None);
}

#[test]
fn document_tags_from_list_and_operations() {
    let document = serde_json::json!({
        "tags": [{"name": "Accounts"}],
        "paths": {"/a": {"get": {"tags": ["Accounts", "IAI Role Mining"]}, "parameters": []}}
    });
    assert_eq!(xtask::bench::document_tags(&document), ["Accounts", "IAI Role Mining"]);
}

#[test]
fn rustc_log() {
    let dir = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("rustc.log");
    assert_eq!(xtask::bench::measure::read_rustc_log(&log), None);
    std::fs::write(&log, "big_crate\t12.5\t900000000\nbig_crate\t0.5\t100000000\ngarbage line\n").unwrap();
    assert_eq!(xtask::bench::measure::read_rustc_log(&log), Some((13.0, 900_000_000)));
    std::fs::remove_dir_all(&dir).unwrap();
}
