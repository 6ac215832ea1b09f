//! Rendering a [`Report`]: grouped text for people, JSON for machines.
//!
//! Names and values come from the specs (untrusted text); the text report
//! writes control and bidi characters as visible escapes so a spec cannot
//! rewrite what a reviewer's terminal shows.

use std::fmt::Write as _;

use sailpoint_codegen::text::single_line;
use serde_json::{json, Value};

use super::engine::Subject;
use super::{Report, Severity};

/// The API first, then operations (by path, then method), then types (by
/// name); one heading per subject, one line per difference naming the Rust
/// item, the change and why it gets its verdict.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "spec-diff: {} (ours) vs {} (upstream)", single_line(&report.ours), single_line(&report.upstream));
    if report.differences.is_empty() {
        let _ = writeln!(out, "no differences");
    }
    let mut section = None;
    let mut subject = None;
    for d in &report.differences {
        let this_section = group(&d.subject).1;
        if section != Some(this_section) {
            let _ = writeln!(out, "\n{this_section}:");
            section = Some(this_section);
        }
        if subject != Some(&d.subject) {
            let _ = writeln!(out, "  {}", single_line(&d.subject.to_string()));
            subject = Some(&d.subject);
        }
        let _ = writeln!(
            out,
            "    {:<8}  {}: {} ({})",
            d.severity.as_str(),
            single_line(&d.item),
            single_line(&d.change),
            single_line(&d.reason)
        );
    }
    if !report.differences.is_empty() {
        let total = report.differences.len();
        let noun = if total == 1 { "difference" } else { "differences" };
        let _ = writeln!(
            out,
            "\n{total} {noun}: {} breaking, {} wire, {} additive",
            report.count(Severity::Breaking),
            report.count(Severity::Wire),
            report.count(Severity::Additive)
        );
    }
    let _ = writeln!(out, "{}", report.bump_line());
    out
}

/// `("operation", "operations")` and so on: the JSON group and the text section.
fn group(subject: &Subject) -> (&'static str, &'static str) {
    match subject {
        Subject::Api => ("api", "api"),
        Subject::Operation { .. } => ("operation", "operations"),
        Subject::Type(_) => ("type", "types"),
    }
}

pub fn json(report: &Report) -> String {
    let differences: Vec<Value> = report
        .differences
        .iter()
        .map(|d| {
            json!({
                "group": group(&d.subject).0,
                "subject": d.subject.to_string(),
                "item": d.item,
                "kind": d.kind,
                "change": d.change,
                "reason": d.reason,
                "severity": d.severity.as_str(),
            })
        })
        .collect();
    let value = json!({
        "ours": report.ours,
        "upstream": report.upstream,
        "equal": report.differences.is_empty(),
        "breaking": report.count(Severity::Breaking),
        "wire": report.count(Severity::Wire),
        "additive": report.count(Severity::Additive),
        "differences": differences,
        "version": {
            "current": report.version,
            "next": report.next_version,
            "bump": report.severity().map(Severity::as_str),
        },
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
