//! Spec prose -> doc attributes that rustdoc renders and never compiles,
//! and whose HTML stays text.
//!
//! rustdoc runs every code block of a doc comment as a doctest unless its
//! info string says otherwise (`text`, `json`, ...), and an indented code
//! block always. Spec text is untrusted, so [`render_markdown`] rewrites it:
//!
//! - every fenced code block, whatever its fence (three or more backticks or
//!   tildes, indented up to three spaces, inside list items or block quotes)
//!   and info string (`rust`, `should_panic`, `rust,no_run`, none...), opens
//!   with the same fence and the info string `text`; its closing fence is
//!   left as the spec wrote it, and a block the spec left open is closed at
//!   the end of the text;
//! - every indented code block becomes a fenced `text` block (with a fence
//!   longer than any backtick run starting one of its lines);
//! - everything else is kept line for line, list indentation included.
//!
//! To find the code blocks, a small CommonMark block parser follows block
//! quotes, list items, paragraphs (lazy continuation, what can interrupt
//! them), headings and thematic breaks. Text it does not model (HTML blocks,
//! which only an allowed tag can open since every other one is escaped;
//! tables, footnotes, link reference definitions) mixed with anything that
//! could be code falls back to a rendering that cannot contain a code block
//! at all: no line indented, every fence escaped. Text with nothing that
//! could be code (no fence, no run of four spaces in a line's indentation)
//! is kept as it is. Control and bidirectional characters are escaped first
//! ([`crate::text::escape_controls`]).
//!
//! Raw HTML is made inert last ([`escape_html`]): rustdoc passes it through
//! to the published pages, so a description could hold `<script>`, an
//! `<img onerror=...>` or an `<iframe>`, and XML examples in prose (`<Form>`)
//! would vanish as unknown tags. The rule, outside code blocks and code
//! spans (whose text is shown literally and stays as written):
//!
//! - these tags stay HTML, written in lower case and without attributes:
//!   `b`, `strong`, `i`, `em`, `code`, `sub`, `sup`, `p`, `br`, `hr`, `ul`,
//!   `ol`, `li`, `h1` to `h6`, `table`, `thead`, `tbody`, `tr`, `th`, `td`
//!   (`<br/>` and `<hr/>` too), and `a` with an `href` that is an
//!   `http://`, `https://` or `mailto:` URL or a `#fragment`, and at most a
//!   `title` besides;
//! - autolinks stay links when they are `http:`, `https:` or `mailto:` URLs
//!   or email addresses;
//! - a Markdown link, image or reference definition whose destination
//!   (entities and backslash escapes decoded, ASCII whitespace and controls
//!   dropped) has a scheme other than `http`, `https` or `mailto`
//!   (`javascript:`, `data:`; a Rust path like `crate::x` has none) shows as
//!   written, its `]` escaped, and a code span or tag that might hide such a
//!   link is not trusted to be one;
//! - every other `<` that could open markup (a tag, comment, processing
//!   instruction, declaration, CDATA section, other autolink) becomes
//!   `&lt;`, so it shows as written; a `<` that cannot (`a < b`) and
//!   entities stay as they are.
//!
//! Where we cannot be sure rustdoc reads a code span as we do (see
//! [`escape_html`]), its `<` is escaped as well: a wrong guess shows `&lt;`
//! in code, never live HTML.

use proc_macro2::TokenStream;
use quote::quote;

use crate::text;

mod html;

use html::{escape_html, opens_html_block};

/// Inner doc attributes (`#![doc = ...]`) for a module: the parts as
/// paragraphs, each rendered as [`docs`] does.
pub fn inner_docs(parts: &[String]) -> TokenStream {
    attributes(&render_parts(parts.iter().map(String::as_str)), true)
}

/// Doc attributes for an optional text, then extra paragraphs. Each part is
/// rendered on its own, so a block one leaves open cannot swallow the next.
pub fn docs(text: Option<&str>, extra: &[String]) -> TokenStream {
    attributes(&render_parts(text.into_iter().chain(extra.iter().map(String::as_str))), false)
}

/// The parts rendered one by one, a blank line between them.
pub fn render_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        let rendered = render_lines(part);
        if rendered.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(rendered);
    }
    lines
}

/// One doc line holding inline spec text (an enum value, a discriminator):
/// `before`, the text as a code span, `after`.
pub fn code_line(before: &str, value: &str, after: &str) -> TokenStream {
    let line = format!(" {before}{}{after}", text::code_span(value));
    quote!(#[doc = #line])
}

fn attributes(lines: &[String], inner: bool) -> TokenStream {
    if !inner && !lines.is_empty() {
        return block_marker(lines);
    }
    let mut out = TokenStream::new();
    for line in lines {
        let line = format!(" {line}");
        out.extend(if inner { quote!(#![doc = #line]) } else { quote!(#[doc = #line]) });
    }
    out
}

/// Spec Markdown made inert: the same text with every code block a `text`
/// block, every control character and raw HTML tag escaped (see the module
/// docs).
pub fn render_markdown(text: &str) -> String {
    render_lines(text).join("\n")
}

fn render_lines(text: &str) -> Vec<String> {
    let escaped = text::escape_controls(text);
    let mut lines: Vec<String> = escaped.split('\n').map(|l| expand_tabs(l).trim_end().to_owned()).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(lines.len());
    lines.drain(..start);
    // rustdoc removes the indentation common to all lines of a doc comment;
    // do it here so the text parsed is the text rustdoc reads.
    let common = lines.iter().filter(|l| !l.is_empty()).map(|l| indentation(l)).min().unwrap_or(0);
    for line in &mut lines {
        if !line.is_empty() {
            line.drain(..common);
        }
    }
    let scans: Vec<Scan> = lines.iter().map(|l| scan(l)).collect();
    // The two fallbacks hold no code block at all.
    let (lines, code) = if !scans.iter().any(|s| s.code_like) {
        (collapse_blank_lines(lines), Vec::new())
    } else if scans.iter().any(|s| s.unmodelled) {
        (collapse_blank_lines(inert(&lines)), Vec::new())
    } else {
        Parser::default().run(&lines)
    };
    escape_html(lines, &code)
}

/// Tabs to spaces, with tab stops every four columns as CommonMark counts.
fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let width = 4 - column % 4;
            out.extend(std::iter::repeat_n(' ', width));
            column += width;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

fn indentation(s: &str) -> usize {
    s.bytes().take_while(|&b| b == b' ').count()
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ')
}

/// Drop repeated blank lines (Markdown renders one the same). Only for text
/// without code blocks: the parser collapses its own outside them.
fn collapse_blank_lines(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        if line.is_empty() && out.last().is_some_and(String::is_empty) {
            continue;
        }
        out.push(line);
    }
    out
}

/// What a liberal look at one line finds: its container markers (`>`, list
/// markers, footnote labels) and indentation, in any combination.
struct Scan {
    /// A fence at the start of the content, or four or more spaces before
    /// it or between markers: this line could take part in a code block.
    code_like: bool,
    /// A construct the parser does not model: an HTML block (an allowed
    /// tag opening the line: every other `<` there is escaped), a footnote
    /// or link reference definition, a table delimiter row.
    unmodelled: bool,
}

fn scan(line: &str) -> Scan {
    let b = line.as_bytes();
    let mut i = 0;
    let mut widest = 0;
    let mut footnote = false;
    loop {
        let start = i;
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        widest = widest.max(i - start);
        if i >= b.len() {
            break;
        }
        if b[i] == b'>' {
            i += 1;
        } else if let Some(m) = list_marker(&b[i..]) {
            i += m.width;
        } else if let Some(w) = footnote_label(&b[i..]) {
            i += w;
            footnote = true;
        } else {
            break;
        }
    }
    let content = &line[i..];
    let code_like = !is_blank(line) && (widest >= 4 || starts_with_fence_run(content));
    let unmodelled = footnote
        || opens_html_block(content)
        || (content.starts_with('[') && content.contains("]:"))
        || (line.contains('|') && line.contains('-') && line.bytes().all(|c| matches!(c, b' ' | b'|' | b'-' | b':')));
    Scan { code_like, unmodelled }
}

fn starts_with_fence_run(s: &str) -> bool {
    s.starts_with("```") || s.starts_with("~~~")
}

/// `[^label]:` at the start of `b`: its length.
pub(super) fn footnote_label(b: &[u8]) -> Option<usize> {
    if !b.starts_with(b"[^") {
        return None;
    }
    let close = b.iter().position(|&c| c == b']')?;
    (b.get(close + 1) == Some(&b':')).then_some(close + 2)
}

/// The fallback: the same text with no line indented, one space after each
/// container marker and every fence escaped, so that no reading of it
/// (whatever a Markdown parser makes of its containers) finds a code block.
fn inert(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|line| {
            let b = line.as_bytes();
            let mut out = String::new();
            let mut i = 0;
            loop {
                while b.get(i) == Some(&b' ') {
                    i += 1;
                }
                if i >= b.len() {
                    break;
                }
                let width = if b[i] == b'>' {
                    1
                } else if let Some(m) = list_marker(&b[i..]) {
                    m.width
                } else if let Some(w) = footnote_label(&b[i..]) {
                    w
                } else {
                    break;
                };
                out.push_str(&line[i..i + width]);
                out.push(' ');
                i += width;
            }
            let content = &line[i..];
            if starts_with_fence_run(content) {
                out.push('\\');
            }
            out.push_str(content);
            out.trim_end().to_owned()
        })
        .collect()
}

/// A list marker (`-`, `+`, `*`, `1.`, `1)`) followed by a space or the end
/// of the line.
struct ListMarker {
    width: usize,
    /// The start number of an ordered list item.
    number: Option<u64>,
}

fn list_marker(b: &[u8]) -> Option<ListMarker> {
    let followed = |w: usize| b.get(w).is_none_or(|&c| c == b' ');
    match b.first()? {
        b'-' | b'+' | b'*' => followed(1).then_some(ListMarker { width: 1, number: None }),
        b'0'..=b'9' => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 9 || !matches!(b.get(digits), Some(b'.' | b')')) || !followed(digits + 1) {
                return None;
            }
            let number = std::str::from_utf8(&b[..digits]).ok()?.parse().ok()?;
            Some(ListMarker { width: digits + 1, number: Some(number) })
        }
        _ => None,
    }
}

/// An opening or closing code fence at the start of `s` (indentation
/// already removed).
struct Fence<'a> {
    ch: u8,
    len: usize,
    info: &'a str,
}

fn fence(s: &str) -> Option<Fence<'_>> {
    let ch = *s.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = s.bytes().take_while(|&c| c == ch).count();
    if len < 3 {
        return None;
    }
    let info = s[len..].trim();
    // A backtick fence's info string cannot hold a backtick (it would be
    // inline code instead).
    if ch == b'`' && info.contains('`') {
        return None;
    }
    Some(Fence { ch, len, info })
}

/// `***`, `- - -`, `___`: three or more of one character, spaces between.
fn thematic_break(s: &str) -> bool {
    let t = s.trim_start();
    if indentation(s) > 3 {
        return false;
    }
    let Some(ch) = t.bytes().next().filter(|c| matches!(c, b'*' | b'-' | b'_')) else { return false };
    t.bytes().all(|c| c == ch || c == b' ') && t.bytes().filter(|&c| c == ch).count() >= 3
}

fn atx_heading(s: &str) -> bool {
    let t = s.trim_start();
    let hashes = t.bytes().take_while(|&c| c == b'#').count();
    indentation(s) <= 3 && (1..=6).contains(&hashes) && t.as_bytes().get(hashes).is_none_or(|&c| c == b' ')
}

fn setext_underline(s: &str) -> bool {
    let t = s.trim();
    indentation(s) <= 3 && !t.is_empty() && (t.bytes().all(|c| c == b'=') || t.bytes().all(|c| c == b'-'))
}

#[derive(Debug, Clone, Copy)]
enum Container {
    Quote,
    Item {
        /// Columns of indentation a line needs to continue the item.
        width: usize,
        /// The marker line had nothing after the marker.
        blank_start: bool,
        has_content: bool,
    },
}

#[derive(Debug, Default)]
enum Leaf {
    #[default]
    None,
    Paragraph,
    Fenced {
        ch: u8,
        len: usize,
    },
    /// An indented code block, held until it ends: it is written as a
    /// fenced block whose fence depends on its lines.
    Indented {
        /// The first line's container prefix when that line opened
        /// containers (`-     code`): the opening fence goes after it.
        first_prefix: Option<String>,
        /// Its lines, without the four columns of indentation.
        lines: Vec<String>,
        /// Blank lines seen since its last line: inside it if another line
        /// follows, after it otherwise.
        blanks: Vec<String>,
    },
}

#[derive(Default)]
struct Parser {
    containers: Vec<Container>,
    leaf: Leaf,
    out: Vec<String>,
    /// For each line of `out`: whether it belongs to a code block (fences
    /// included), where HTML is left alone.
    code: Vec<bool>,
}

impl Parser {
    fn run(mut self, lines: &[String]) -> (Vec<String>, Vec<bool>) {
        for line in lines {
            self.line(line);
        }
        self.close_leaf();
        (self.out, self.code)
    }

    fn push(&mut self, line: String, code: bool) {
        self.out.push(line);
        self.code.push(code);
    }

    /// The prefix that continues the open containers on a line we write.
    fn prefix(&self) -> String {
        let mut prefix = String::new();
        for c in &self.containers {
            match c {
                Container::Quote => prefix.push_str("> "),
                Container::Item { width, .. } => prefix.extend(std::iter::repeat_n(' ', *width)),
            }
        }
        prefix
    }

    /// A line of a code block.
    fn push_prefixed(&mut self, prefix: &str, rest: &str) {
        let line = format!("{prefix}{rest}");
        self.push(line.trim_end().to_owned(), true);
    }

    /// End the current leaf block: an open fenced block gets its closing
    /// fence, an indented block is written out.
    fn close_leaf(&mut self) {
        match std::mem::take(&mut self.leaf) {
            Leaf::Fenced { ch, len } => {
                let prefix = self.prefix();
                let fence = String::from(ch as char).repeat(len);
                self.push_prefixed(&prefix, &fence);
            }
            Leaf::Indented { first_prefix, lines, blanks } => {
                let prefix = self.prefix();
                let longest = lines.iter().map(|l| l.trim_start().bytes().take_while(|&c| c == b'`').count()).max();
                let fence = "`".repeat(longest.unwrap_or(0).max(2) + 1);
                self.push_prefixed(first_prefix.as_deref().unwrap_or(&prefix), &format!("{fence}text"));
                for line in &lines {
                    self.push_prefixed(&prefix, line);
                }
                self.push_prefixed(&prefix, &fence);
                for blank in blanks {
                    self.push(blank, false);
                }
            }
            Leaf::None | Leaf::Paragraph => {}
        }
    }

    fn line(&mut self, line: &str) {
        let b = line.as_bytes();
        let mut pos = 0;
        // 1. Which open containers does the line continue?
        let mut matched = 0;
        for c in &self.containers {
            let rest = &line[pos..];
            let ind = indentation(rest);
            match *c {
                Container::Quote => {
                    if ind > 3 || b.get(pos + ind) != Some(&b'>') {
                        break;
                    }
                    pos += ind + 1;
                    if b.get(pos) == Some(&b' ') {
                        pos += 1;
                    }
                }
                Container::Item { width, blank_start, has_content } => {
                    if is_blank(rest) {
                        if blank_start && !has_content {
                            break;
                        }
                        pos += ind.min(width);
                    } else if ind >= width {
                        pos += width;
                    } else {
                        break;
                    }
                }
            }
            matched += 1;
        }
        let all = matched == self.containers.len();
        let rest = &line[pos..];
        // 2. The open leaf block continues.
        if all {
            match &mut self.leaf {
                Leaf::Fenced { ch, len } => {
                    let closes = indentation(rest) <= 3
                        && fence(rest.trim_start()).is_some_and(|f| f.ch == *ch && f.len >= *len && f.info.is_empty());
                    if closes {
                        self.leaf = Leaf::None;
                    }
                    self.push(line.to_owned(), true);
                    return;
                }
                Leaf::Indented { lines, blanks, .. } => {
                    if is_blank(rest) {
                        blanks.push(line.to_owned());
                        return;
                    }
                    if indentation(rest) >= 4 {
                        lines.extend(blanks.drain(..).map(|_| String::new()));
                        lines.push(rest[4..].to_owned());
                        return;
                    }
                }
                Leaf::None | Leaf::Paragraph => {}
            }
            if matches!(self.leaf, Leaf::Indented { .. }) {
                self.close_leaf();
            }
        } else if matches!(self.leaf, Leaf::Paragraph) && !is_blank(rest) && !self.interrupts_paragraph(rest) {
            // A lazy continuation line of the open paragraph.
            self.push(line.to_owned(), false);
            return;
        } else {
            // The unmatched containers end, and the leaf inside them.
            if matches!(self.leaf, Leaf::Indented { .. }) {
                self.close_leaf();
            }
            self.leaf = Leaf::None;
            self.containers.truncate(matched);
        }
        // 3. New containers.
        let mut paragraph = matches!(self.leaf, Leaf::Paragraph);
        let mut opened = false;
        loop {
            let rest = &line[pos..];
            let ind = indentation(rest);
            if ind > 3 || is_blank(rest) {
                break;
            }
            let at = pos + ind;
            if b[at] == b'>' {
                self.containers.push(Container::Quote);
                pos = at + 1;
                if b.get(pos) == Some(&b' ') {
                    pos += 1;
                }
            } else if thematic_break(rest) {
                break;
            } else if let Some(m) = list_marker(&b[at..]) {
                let after = at + m.width;
                let blank = is_blank(&line[after..]);
                if paragraph && (blank || m.number.is_some_and(|n| n != 1)) {
                    break;
                }
                let spaces = indentation(&line[after..]);
                let (width, next) = if blank {
                    (ind + m.width + 1, line.len())
                } else if spaces >= 5 {
                    (ind + m.width + 1, after + 1)
                } else {
                    (ind + m.width + spaces, after + spaces)
                };
                self.containers.push(Container::Item { width, blank_start: blank, has_content: false });
                pos = next;
            } else {
                break;
            }
            self.leaf = Leaf::None;
            paragraph = false;
            opened = true;
        }
        // An item has content once a line puts anything in it: text, or a
        // container opened inside it.
        let rest = &line[pos..];
        let filled = if !is_blank(rest) {
            self.containers.len()
        } else if opened {
            self.containers.len() - 1
        } else {
            0
        };
        for c in &mut self.containers[..filled] {
            if let Container::Item { has_content, .. } = c {
                *has_content = true;
            }
        }
        // 4. The leaf block this line starts or continues.
        if is_blank(rest) {
            self.leaf = Leaf::None;
            if !(line.is_empty() && self.containers.is_empty() && self.out.last().is_some_and(String::is_empty)) {
                self.push(line.to_owned(), false);
            }
            return;
        }
        let ind = indentation(rest);
        if ind >= 4 {
            if paragraph {
                self.push(line.to_owned(), false);
            } else {
                let first_prefix = opened.then(|| line[..pos].to_owned());
                self.leaf = Leaf::Indented { first_prefix, lines: vec![rest[4..].to_owned()], blanks: Vec::new() };
            }
            return;
        }
        if let Some(f) = fence(&rest[ind..]) {
            let opener = format!("{}{}text", &line[..pos + ind], String::from(f.ch as char).repeat(f.len));
            self.leaf = Leaf::Fenced { ch: f.ch, len: f.len };
            self.push(opener, true);
            return;
        }
        self.leaf = if atx_heading(rest) || thematic_break(rest) || (paragraph && setext_underline(rest)) {
            Leaf::None
        } else {
            Leaf::Paragraph
        };
        self.push(line.to_owned(), false);
    }

    /// Whether `rest` (after the containers that matched, not all) starts a
    /// block, so it cannot be a lazy continuation of the open paragraph.
    fn interrupts_paragraph(&self, rest: &str) -> bool {
        let ind = indentation(rest);
        if ind > 3 {
            return false;
        }
        let t = &rest[ind..];
        if t.starts_with('>') || fence(t).is_some() || atx_heading(rest) || thematic_break(rest) {
            return true;
        }
        // Unlike a paragraph continued in its own container, a lazy line
        // is not in the paragraph's container: any list item starts there.
        list_marker(t.as_bytes()).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::render_markdown as render;

    /// What a doc comment made of `text` would hold (one line each).
    pub(super) fn lines(text: &str) -> Vec<String> {
        render(text).split('\n').map(str::to_owned).collect()
    }

    #[test]
    fn fence_info_strings_become_text() {
        for info in ["", "rust", "should_panic", "rust,no_run", "ignore", "compile_fail", "no_run", "edition2021", "json"] {
            let text = format!("Intro.\n\n```{info}\nfn main() {{ panic!(\"spec code ran\") }}\n```\n\nAfter.");
            assert_eq!(
                lines(&text),
                ["Intro.", "", "```text", "fn main() { panic!(\"spec code ran\") }", "```", "", "After."],
                "info {info:?}"
            );
        }
    }

    #[test]
    fn long_and_tilde_fences_keep_their_fence() {
        assert_eq!(lines("````rust\ncode\n````"), ["````text", "code", "````"]);
        assert_eq!(lines("~~~should_panic\ncode\n~~~"), ["~~~text", "code", "~~~"]);
        assert_eq!(lines("~~~~\ncode\n~~~~~~\nafter"), ["~~~~text", "code", "~~~~~~", "after"]);
    }

    #[test]
    fn a_shorter_fence_inside_a_longer_one_is_content() {
        let text = "````markdown\n```rust\nfn main() {}\n```\n````\nafter";
        assert_eq!(lines(text), ["````text", "```rust", "fn main() {}", "```", "````", "after"]);
        let text = "~~~\n```\nx\n```\n~~~";
        assert_eq!(lines(text), ["~~~text", "```", "x", "```", "~~~"]);
    }

    #[test]
    fn closing_fences_close() {
        // The old renderer turned this closing fence into an opening one.
        assert_eq!(lines("```json\n{}\n```\nprose"), ["```text", "{}", "```", "prose"]);
        assert_eq!(lines("```\na\n```\n\n```\nb\n```"), ["```text", "a", "```", "", "```text", "b", "```"]);
    }

    #[test]
    fn unclosed_fences_are_closed() {
        assert_eq!(lines("See:\n```rust\nfn main() {}"), ["See:", "```text", "fn main() {}", "```"]);
        assert_eq!(lines("````\nx"), ["````text", "x", "````"]);
        assert_eq!(lines("- item\n  ```\n  x"), ["- item", "  ```text", "  x", "  ```"]);
    }

    #[test]
    fn indented_fences() {
        assert_eq!(lines("Text\n\n   ```rust\n   code\n   ```"), ["Text", "", "   ```text", "   code", "   ```"]);
        assert_eq!(lines("Text\n\n  ~~~ rust\n  code\n  ~~~"), ["Text", "", "  ~~~text", "  code", "  ~~~"]);
    }

    #[test]
    fn backticks_with_backticks_after_are_inline_code() {
        assert_eq!(lines("``` a ``` b"), ["``` a ``` b"]);
    }

    #[test]
    fn fences_in_list_items_and_quotes() {
        let text = "- item:\n  ```json\n  {\"a\": 1}\n  ```\n- next";
        assert_eq!(lines(text), ["- item:", "  ```text", "  {\"a\": 1}", "  ```", "- next"]);
        assert_eq!(lines("- ```rust\n  fn main() {}\n  ```"), ["- ```text", "  fn main() {}", "  ```"]);
        assert_eq!(lines("> ```rust\n> fn main() {}\n> ```"), ["> ```text", "> fn main() {}", "> ```"]);
        assert_eq!(lines("1. step\n\n   ```should_panic\n   x\n   ```"), ["1. step", "", "   ```text", "   x", "   ```"]);
    }

    #[test]
    fn a_fence_ended_by_its_container_is_not_closed_twice() {
        // The quote ends at the line without `>`, and its code block with
        // it: the next fence opens a new block (CommonMark), which must not
        // run. Treating it as the closing fence would leave it a Rust block.
        let text = "> ```text\n> x\n```\nfn main() { panic!(\"spec code ran\") }\n```";
        assert_eq!(lines(text), ["> ```text", "> x", "```text", "fn main() { panic!(\"spec code ran\") }", "```"]);
        let text = "- ```\n  x\n```\nfn main() {}\n```";
        assert_eq!(lines(text), ["- ```text", "  x", "```text", "fn main() {}", "```"]);
    }

    #[test]
    fn indented_code_becomes_a_text_fence() {
        let text = "Example:\n\n    fn main() {\n        panic!();\n    }\n\nAfter.";
        assert_eq!(lines(text), ["Example:", "", "```text", "fn main() {", "    panic!();", "}", "```", "", "After."]);
        // At the start of the text (after rustdoc's common indentation is gone).
        assert_eq!(lines("Intro\n\n    a\n\n\n    b"), ["Intro", "", "```text", "a", "", "", "b", "```"]);
        // A backtick run inside gets a longer fence.
        assert_eq!(lines("x\n\n    ```\n    y"), ["x", "", "````text", "```", "y", "````"]);
    }

    #[test]
    fn indented_code_inside_a_list_item() {
        let text = "- item\n\n      code\n\n  more";
        assert_eq!(lines(text), ["- item", "", "  ```text", "  code", "  ```", "", "  more"]);
        assert_eq!(lines("-     code\n      more"), ["- ```text", "  code", "  more", "  ```"]);
        assert_eq!(lines(">     code"), ["> ```text", "> code", "> ```"]);
    }

    #[test]
    fn indentation_that_is_not_code_stays() {
        // Continuation lines of a paragraph, however indented.
        assert_eq!(lines("A paragraph\n      continued"), ["A paragraph", "      continued"]);
        // List items with indented continuation and nested lists.
        let text = "- one\n  continued\n\n  second paragraph\n    - nested\n\n      nested paragraph\n- two";
        assert_eq!(
            lines(text),
            ["- one", "  continued", "", "  second paragraph", "    - nested", "", "      nested paragraph", "- two"]
        );
        let text = "1. first\n   more\n2. second";
        assert_eq!(lines(text), ["1. first", "   more", "2. second"]);
        // A lazy line in a quote, as in SailPoint's specs.
        let text = "> If any of them exists, they are added in **updated**\n    list of the response.";
        assert_eq!(lines(text), ["> If any of them exists, they are added in **updated**", "    list of the response."]);
    }

    #[test]
    fn common_indentation_is_removed_like_rustdoc_does() {
        // rustdoc strips the indentation all lines share; the fence below is
        // then one rustdoc sees, so it must be rewritten.
        let text = "   intro\n    ```rust\n    fn main() {}\n    ```";
        assert_eq!(lines(text), ["intro", " ```text", " fn main() {}", " ```"]);
    }

    #[test]
    fn unmodelled_markdown_with_code_falls_back_to_no_code_at_all() {
        let text = "<p>\n```text\n</p>\n\n```\nfn main() { panic!() }\n```";
        assert_eq!(lines(text), ["<p>", "\\```text", "</p>", "", "\\```", "fn main() { panic!() }", "\\```"]);
        // Any other tag is escaped, so it opens no HTML block.
        let text = "<div>\n```text\n</div>\n\n```\nfn main() { panic!() }\n```";
        assert_eq!(
            lines(text),
            ["&lt;div>", "```text", "</div>", "", "```", "fn main() { panic!() }", "```text", "```"]
        );
        let text = "[^1]: note\n\n    fn main() {}\n> -     x";
        assert_eq!(lines(text), ["[^1]: note", "", "fn main() {}", "> - x"]);
        // HTML without anything code-like is kept.
        assert_eq!(lines("<b>bold</b>\n  text"), ["<b>bold</b>", "  text"]);
    }

    #[test]
    fn blank_lines_collapse_outside_code_only() {
        assert_eq!(lines("\n\na\n\n\n\nb\n\n"), ["a", "", "b"]);
        assert_eq!(lines("```\na\n\n\nb\n```"), ["```text", "a", "", "", "b", "```"]);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(lines("a\rb"), ["a", "b"]);
        assert_eq!(lines("a\r\nb"), ["a", "b"]);
        assert_eq!(lines("x\u{202E}y \u{2066}z\u{0}\u{85}"), ["x\\u{202E}y \\u{2066}z\\u{0000}\\u{0085}"]);
        // A CR cannot hide a fence from the renderer.
        assert_eq!(lines("text\r```rust\rfn main() {}\r```"), ["text", "```text", "fn main() {}", "```"]);
    }

    #[test]
    fn tabs_count_as_indentation() {
        assert_eq!(lines("x\n\n\tfn main() {}"), ["x", "", "```text", "fn main() {}", "```"]);
    }
}

// Outer doc comments skip `syn` and `prettyplease`: a block of doc lines is
// emitted as one `#[doc]` holding a marker, and `emit::format` puts the lines
// back as `///` comments where prettyplease printed the marker, at its
// indentation. Byte for byte what prettyplease prints for one `#[doc]` per
// line (each line starts with a space, so none reads as `////`), but parsing
// and printing ~25,000 doc attributes was a tenth of generating a whole API.

/// What a marker line holds after `///`. Spec text cannot produce it: a
/// NUL reaches the output only here (doc text has its control characters
/// escaped, string literals are printed escaped), so `emit::format` also
/// knows a marker left anywhere else.
pub(crate) const MARKER: &str = "\u{0}doc-block:";

thread_local! {
    /// The blocks of the emit running on this thread, by marker number.
    static BLOCKS: std::cell::RefCell<std::collections::HashMap<u64, Vec<String>>> = std::cell::RefCell::default();
    static NEXT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn block_marker(lines: &[String]) -> TokenStream {
    let n = NEXT.with(|next| {
        let n = next.get();
        next.set(n + 1);
        n
    });
    BLOCKS.with(|blocks| blocks.borrow_mut().insert(n, lines.iter().map(|l| format!(" {l}")).collect()));
    let marker = format!("{MARKER}{n}");
    quote!(#[doc = #marker])
}

/// The doc lines behind a marker (`n` as printed), each with its leading
/// space, or `None` for a marker this thread did not make.
pub(crate) fn with_block<R>(n: &str, f: impl FnOnce(&[String]) -> R) -> Option<R> {
    let n: u64 = n.parse().ok()?;
    BLOCKS.with(|blocks| blocks.borrow().get(&n).map(|lines| f(lines)))
}

/// Forget this thread's blocks (at the start and end of emitting an API,
/// so a long-running process does not keep them).
pub(crate) fn clear_blocks() {
    BLOCKS.with(|blocks| blocks.borrow_mut().clear());
}
