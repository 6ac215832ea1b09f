//! Rendering a [`Report`]: grouped text for people, JSON for machines.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::compare::Subject;
use super::{Report, Severity};

/// Operations first (by path, then method), then schemas (by name); one
/// heading per operation or schema, one line per difference.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "spec-diff: {} (ours) vs {} (upstream)", report.ours, report.upstream);
    if report.differences.is_empty() {
        let _ = writeln!(out, "no differences");
    }
    let mut section = None;
    let mut subject = None;
    for d in &report.differences {
        let this_section = match d.subject {
            Subject::Operation(_) => "operations",
            Subject::Schema(_) => "schemas",
        };
        if section != Some(this_section) {
            let _ = writeln!(out, "\n{this_section}:");
            section = Some(this_section);
        }
        if subject != Some(&d.subject) {
            let _ = writeln!(out, "  {}", d.subject);
            subject = Some(&d.subject);
        }
        let place = if d.location.is_empty() { String::new() } else { format!("{}: ", d.location) };
        let _ = writeln!(out, "    {:<8}  {place}{}", d.severity.as_str(), d.change);
    }
    if !report.differences.is_empty() {
        let breaking = report.count(Severity::Breaking);
        let additive = report.count(Severity::Additive);
        let total = report.differences.len();
        let noun = if total == 1 { "difference" } else { "differences" };
        let _ = writeln!(out, "\n{total} {noun}: {breaking} breaking, {additive} additive");
    }
    let _ = writeln!(out, "{}", report.bump_line());
    out
}

pub fn json(report: &Report) -> String {
    let differences: Vec<Value> = report
        .differences
        .iter()
        .map(|d| {
            let (group, subject) = match &d.subject {
                Subject::Operation(key) => ("operation", key.to_string()),
                Subject::Schema(name) => ("schema", name.clone()),
            };
            json!({
                "group": group,
                "subject": subject,
                "location": d.location,
                "kind": d.kind,
                "change": d.change,
                "severity": d.severity.as_str(),
            })
        })
        .collect();
    let value = json!({
        "ours": report.ours,
        "upstream": report.upstream,
        "equal": report.differences.is_empty(),
        "breaking": report.count(Severity::Breaking),
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
