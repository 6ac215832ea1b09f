//! Spec text made inert for what we emit. A spec is untrusted input and the
//! generated crate is published: its text must not smuggle control
//! characters into Rust sources (rustc rejects a bare CR in a doc comment;
//! bidirectional overrides in comments and literals are deny-by-default
//! lints and hide what code does), nor break out of a one-line context
//! (`@generated` headers, `Cargo.toml`, the README table).
//!
//! - [`escape_controls`]: multi-line text with unsafe characters escaped.
//! - [`single_line`], [`markdown_inline`], [`code_span`]: one-line contexts.
//! - [`sanitize_api`]: the same for every text of a resolved API, with one
//!   warning per place, so every consumer of the IR sees clean text.
//!
//! Markdown block structure (code fences, indented code) is the doc
//! renderer's job: `emit/docs/`.

use std::fmt::Write as _;

use crate::error::escape_token;
use crate::ir::{Api, TypeKind};

/// A character that must not reach emitted text as is: C0 and C1 controls
/// other than tab and line feed, DEL, the bidirectional formatting
/// characters (embeddings, overrides, isolates, marks), the line and
/// paragraph separators and the byte order mark.
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// The visible form of an unsafe character: `\u{202E}`.
fn escaped(c: char) -> String {
    format!("\\u{{{:04X}}}", c as u32)
}

/// Line breaks normalized (CRLF and a bare CR become LF) and every other
/// unsafe character written as a visible `\u{XXXX}` escape. Tabs and line
/// feeds are kept.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            c if is_unsafe_char(c) => out.push_str(&escaped(c)),
            c => out.push(c),
        }
    }
    out
}

/// What [`escape_controls`] would change beyond CRLF line ends, named for a
/// warning (`bare CR, U+202E`); `None` when the text is clean.
pub fn describe_unsafe(text: &str) -> Option<String> {
    let mut found: Vec<String> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let name = match c {
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\r' => "bare CR".to_owned(),
            c if is_unsafe_char(c) => format!("U+{:04X}", c as u32),
            _ => continue,
        };
        if !found.contains(&name) {
            found.push(name);
        }
    }
    if found.is_empty() {
        None
    } else {
        Some(found.join(", "))
    }
}

/// One line: controls escaped as in [`escape_controls`], line breaks and
/// tabs turned into spaces, surrounding whitespace trimmed.
pub fn single_line(text: &str) -> String {
    let escaped = escape_controls(text);
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        out.push(if c == '\n' || c == '\t' { ' ' } else { c });
    }
    out.trim().to_owned()
}

/// One line of Markdown that renders as the literal text: everything that
/// could start an inline construct (code span, emphasis, link, raw HTML,
/// entity, table cell) is backslash-escaped.
pub fn markdown_inline(text: &str) -> String {
    let line = single_line(text);
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '~' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    // Callers put this text after a fixed prefix or in a table cell, where
    // block syntax has no effect; alone on a line it stays a paragraph too.
    if out.starts_with(['-', '+', '=', '#', '>']) {
        out.insert(0, '\\');
    } else if let Some(i) = out.find(|c: char| !c.is_ascii_digit()).filter(|&i| i > 0) {
        // `1. ` starts a list, `3.1.0` does not.
        if out[i..].starts_with(['.', ')']) && out[i + 1..].chars().next().is_none_or(|c| c == ' ') {
            out.insert(i, '\\');
        }
    }
    out
}

/// `text` as a Markdown inline code span on one line: the delimiter is a
/// backtick run longer than any inside, padded with a space where the
/// content starts or ends with a backtick, so the span always renders the
/// text literally (and can never start a code fence). Line breaks and tabs
/// show as `\n`, `\r`, `\t`, other unsafe characters as `\u{XXXX}`: a
/// value shown this way (an enum value, a name) is exact.
pub fn code_span(text: &str) -> String {
    let content = visible(text);
    if content.is_empty() {
        return "` `".to_owned();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = content.starts_with('`')
        || content.ends_with('`')
        || (content.starts_with(' ') && content.ends_with(' ') && !content.trim().is_empty());
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{content}{pad}{fence}")
}

/// Every line break, tab and unsafe character as a visible escape.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) => out.push_str(&escaped(c)),
            c => out.push(c),
        }
    }
    out
}

/// Escape the unsafe characters of `text` in place; the warning names them.
fn clean(text: &mut String, what: &str, pointer: &str, warn: &mut dyn FnMut(&str, String)) {
    if let Some(found) = describe_unsafe(text) {
        warn(pointer, format!("{what} contains control or bidirectional characters ({found}); written escaped"));
    }
    if text.contains(['\r']) || text.chars().any(is_unsafe_char) {
        *text = escape_controls(text);
    }
}

fn clean_opt(text: &mut Option<String>, what: &str, pointer: &str, warn: &mut dyn FnMut(&str, String)) {
    if let Some(t) = text {
        clean(t, what, pointer, warn);
    }
}

/// Warn about a value that travels on the wire (enum values, names, paths):
/// it is kept as is (string literals escape it) and escaped wherever it is
/// shown in docs.
fn check_wire(value: &str, what: &str, pointer: &str, warn: &mut dyn FnMut(&str, String)) {
    if let Some(found) = describe_unsafe(value) {
        warn(pointer, format!("{what} contains control or bidirectional characters ({found}); shown escaped in docs"));
    }
}

/// Escape the control and bidirectional characters of every prose text of
/// `api` (title, version, descriptions, summaries) and report each place,
/// by JSON pointer, through `warn`. Values that go on the wire (enum values,
/// parameter and property names, paths, media types) cannot change; they
/// are only reported, and the emitter escapes them where it shows them.
pub fn sanitize_api(api: &mut Api, warn: &mut dyn FnMut(&str, String)) {
    clean(&mut api.title, "the title", "/info/title", warn);
    clean(&mut api.version, "the version", "/info/version", warn);
    clean_opt(&mut api.description, "the description", "/info/description", warn);
    if let Some(url) = &api.server_url {
        check_wire(url, "the server URL", "/servers/0/url", warn);
    }
    for def in &mut api.types {
        let pointer = def.origin.trim_start_matches('#').to_owned();
        clean_opt(&mut def.doc, "the description", &pointer, warn);
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    let mut field_pointer = pointer.clone();
                    let _ = write!(field_pointer, "/properties/{}", escape_token(&field.json_name));
                    check_wire(&field.json_name, "the property name", &pointer, warn);
                    clean_opt(&mut field.doc, "the description", &field_pointer, warn);
                    if let Some(default) = &field.default {
                        check_wire(default, "the default", &field_pointer, warn);
                    }
                }
            }
            TypeKind::StringEnum(e) => {
                for (i, v) in e.variants.iter().enumerate() {
                    check_wire(&v.value, "the enum value", &format!("{pointer}/enum/{i}"), warn);
                }
            }
            TypeKind::Union(u) => {
                if let Some(tag) = &u.tag {
                    check_wire(tag, "the discriminator property", &format!("{pointer}/discriminator"), warn);
                }
                for v in &u.variants {
                    for value in &v.tag_values {
                        check_wire(value, "the discriminator value", &format!("{pointer}/discriminator"), warn);
                    }
                }
            }
            TypeKind::Alias(_) => {}
        }
    }
    for op in &mut api.operations {
        let pointer = format!("/paths/{}/{}", escape_token(&op.path), op.http_method.to_ascii_lowercase());
        check_wire(&op.path, "the path", &pointer, warn);
        check_wire(&op.operation_id, "the operationId", &pointer, warn);
        clean_opt(&mut op.summary, "the summary", &format!("{pointer}/summary"), warn);
        clean_opt(&mut op.doc, "the description", &format!("{pointer}/description"), warn);
        for p in &mut op.params {
            let what = format!("the description of parameter `{}`", single_line(&p.name));
            check_wire(&p.name, "the parameter name", &format!("{pointer}/parameters"), warn);
            clean_opt(&mut p.doc, &what, &format!("{pointer}/parameters"), warn);
            if let Some(default) = &p.default {
                check_wire(default, "the parameter default", &format!("{pointer}/parameters"), warn);
            }
        }
        if let Some(body) = &mut op.body {
            check_wire(&body.content_type, "the media type", &format!("{pointer}/requestBody"), warn);
            clean_opt(&mut body.doc, "the description", &format!("{pointer}/requestBody"), warn);
        }
        for r in &mut op.success {
            let status = r.status.map_or_else(|| "2XX".to_owned(), |s| s.to_string());
            clean_opt(&mut r.doc, "the description", &format!("{pointer}/responses/{status}"), warn);
        }
        clean_opt(&mut op.returns.doc, "the description", &format!("{pointer}/responses"), warn);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_line_ends_normalized() {
        assert_eq!(escape_controls("a\r\nb\rc\nd\te"), "a\nb\nc\nd\te");
        assert_eq!(escape_controls("x\u{202E}y\u{2066}z"), "x\\u{202E}y\\u{2066}z");
        assert_eq!(escape_controls("nul\0 c1\u{85} del\u{7F} bel\u{7}"), "nul\\u{0000} c1\\u{0085} del\\u{007F} bel\\u{0007}");
        assert_eq!(escape_controls("\u{200E}\u{200F}\u{061C}\u{2028}\u{FEFF}"), "\\u{200E}\\u{200F}\\u{061C}\\u{2028}\\u{FEFF}");
        assert_eq!(escape_controls("plain ünïcödé ✓"), "plain ünïcödé ✓");
    }

    #[test]
    fn unsafe_characters_are_named() {
        assert_eq!(describe_unsafe("a\r\nb"), None);
        assert_eq!(describe_unsafe("a\rb\u{202E}c\rd"), Some("bare CR, U+202E".to_owned()));
        assert_eq!(describe_unsafe("\0\u{85}"), Some("U+0000, U+0085".to_owned()));
    }

    #[test]
    fn single_line_contexts() {
        assert_eq!(single_line(" Title\nwith \"quotes\"\r\tand tab "), "Title with \"quotes\"  and tab");
        assert_eq!(single_line("a\u{202E}b"), "a\\u{202E}b");
    }

    #[test]
    fn markdown_inline_is_literal() {
        assert_eq!(markdown_inline("My API (v1.0)"), "My API (v1.0)");
        assert_eq!(markdown_inline("```rust"), "\\`\\`\\`rust");
        assert_eq!(markdown_inline("<script>x</script> | y"), "\\<script>x\\</script> \\| y");
        assert_eq!(markdown_inline("# h"), "\\# h");
        assert_eq!(markdown_inline("- item"), "\\- item");
        assert_eq!(markdown_inline("1. item"), "1\\. item");
        assert_eq!(markdown_inline("3.1.0-beta"), "3.1.0-beta");
        assert_eq!(markdown_inline("a\nb"), "a b");
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code_span("plain"), "`plain`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("```"), "```` ``` ````");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span(" x "), "`  x  `");
        assert_eq!(code_span(""), "` `");
        assert_eq!(code_span("a\nb\u{202E}\r\tc"), "`a\\nb\\u{202E}\\r\\tc`");
    }
}
