//! The three verdicts, judged by what a change does to the *generated crate*.
//!
//! `spec-diff` answers one question: if we apply upstream's document to
//! `spec/` and regenerate, what happens to code written against today's
//! crate, and to what that crate sends and accepts? Both documents go
//! through the generator's own pipeline (see `side.rs`), so the answer
//! follows from how the generator maps the spec, never from a second set of
//! rules about OpenAPI:
//!
//! * **breaking**: code that compiled against the current crate may not
//!   compile (a method, argument, setter, type, field or variant disappears
//!   or changes type; a required argument or a field without `Option`
//!   appears; a union gains a variant, so exhaustive matches break), or a
//!   value the current crate accepts is now rejected (a response field it
//!   reads as `Option` becomes one it requires);
//! * **wire**: the Rust API stays the same but what goes on the wire
//!   changes: the base path or an operation's path or method, a
//!   parameter's name on the wire (a case-only rename), location, style or
//!   `explode`, a constant header, content types and `Accept`, whether
//!   `None` is sent as `null` or left out, how error statuses and union tags
//!   decode, the page size a stream asks for;
//! * **additive**: the crate only grows, or only its documentation changes
//!   in a way a reader cares about: new operations, optional parameters and
//!   fields, enum values (string enums are `#[non_exhaustive]` with an
//!   `Unknown` variant), error body variants, `#[deprecated]`, server
//!   defaults, and the validation keywords the server enforces but the crate
//!   does not (`maxLength`, `pattern`, `minimum`, a `format` that keeps the
//!   Rust type, ...).
//!
//! Prose (descriptions, summaries), examples and `x-` extensions never
//! reach the IR, so their changes are not reported. A `title` is prose
//! except on an inline schema, where it names the Rust type.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Additive,
    Wire,
    Breaking,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Additive => "additive",
            Severity::Wire => "wire",
            Severity::Breaking => "breaking",
        }
    }

    /// `breaking`, `wire` or `any` (= additive and worse), as `--fail-on` takes it.
    pub fn parse_threshold(text: &str) -> Result<Severity, String> {
        match text {
            "breaking" => Ok(Severity::Breaking),
            "wire" => Ok(Severity::Wire),
            "any" | "additive" => Ok(Severity::Additive),
            other => Err(format!("--fail-on takes breaking, wire or any, not `{other}`")),
        }
    }
}

/// The release a set of differences calls for under semver. Before 1.0 a
/// breaking change bumps the minor version (0.1.3 -> 0.2.0) and anything
/// else the patch version; from 1.0 on, breaking bumps the major version,
/// additive the minor, and wire-only changes (same API, different requests)
/// the patch version. A pre-release or build suffix is dropped.
pub fn next_version(current: &str, worst: &[Severity]) -> Result<Option<String>, String> {
    if worst.is_empty() {
        return Ok(None);
    }
    let core = current.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<u64> = core.split('.').map(str::parse).collect::<Result<_, _>>().map_err(|_| not_semver(current))?;
    let [major, minor, patch] = parts[..] else { return Err(not_semver(current)) };
    let up = |n: u64| n.checked_add(1).ok_or_else(|| not_semver(current));
    let breaking = worst.contains(&Severity::Breaking);
    let additive = worst.contains(&Severity::Additive);
    Ok(Some(match (major, breaking, additive) {
        (0, true, _) => format!("0.{}.0", up(minor)?),
        (0, false, _) => format!("0.{minor}.{}", up(patch)?),
        (_, true, _) => format!("{}.0.0", up(major)?),
        (_, false, true) => format!("{major}.{}.0", up(minor)?),
        (_, false, false) => format!("{major}.{minor}.{}", up(patch)?),
    }))
}

fn not_semver(version: &str) -> String {
    format!("version `{version}` is not MAJOR.MINOR.PATCH")
}
