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
fn footnote_label(b: &[u8]) -> Option<usize> {
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

/// Tags prose may use as HTML, in lower case and without attributes (but
/// `a`, see [`link_attributes`]); `br` and `hr` may end in `/>`.
const ALLOWED_TAGS: &[&str] = &[
    "a", "b", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
];

/// The allowed tags that open an HTML block wherever they start a line
/// (CommonMark's block-level names); the others only alone on their line.
const BLOCK_TAGS: &[&str] =
    &["h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "table", "tbody", "td", "th", "thead", "tr", "ul"];

/// Raw HTML in the rendered prose made inert (see the module docs): every
/// `<` that could open markup becomes `&lt;`, unless it opens an allowed tag
/// or an http(s)/mailto autolink, or is in a code span. Lines of code blocks
/// (`code[i]`) are left alone. A closing tag that closes no allowed tag
/// kept before it (`</a>` after an escaped `<a href="javascript:...">`) is
/// escaped too: rustdoc would warn about it.
///
/// rustdoc must read the code spans we skip as code spans, so we read them
/// conservatively: each line on its own, cut at every `|` (a table cell
/// ends there), and once a backtick run finds no closing run there, or a
/// link destination or label might hide one, we stop trusting code spans
/// until the paragraph ends: their `<` is escaped too (it then shows as
/// `&lt;`, never as HTML). From a line that may open an HTML block (where
/// nothing is Markdown, see [`starts_html_block`]) up to the next blank
/// line, the text is raw HTML: there every `<` but an allowed tag's is
/// escaped.
fn escape_html(lines: Vec<String>, code: &[bool]) -> Vec<String> {
    let mut raw = false;
    let mut spans = true;
    let mut open = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if code.get(i).copied().unwrap_or(false) {
            out.push(line.clone());
        } else if line.is_empty() {
            // An empty line ends every paragraph and HTML block.
            (raw, spans) = (false, true);
            out.push(line.clone());
        } else {
            raw |= starts_html_block(line);
            let next = lines.get(i + 1).map(String::as_str);
            out.push(escape_html_line(line, next, raw, &mut spans, &mut open));
        }
    }
    out
}

/// One line of prose (`raw`: in an HTML block; `next`: the line after it)
/// with its markup escaped and its unsafe links made text (see
/// [`unsafe_destination`]); `spans` says whether code spans are still
/// trusted (see [`escape_html`]), `open` holds the allowed tags kept and not
/// closed yet.
fn escape_html_line(
    line: &str,
    next: Option<&str>,
    raw: bool,
    spans: &mut bool,
    open: &mut Vec<&'static str>,
) -> String {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &line[i..];
        // How much of `rest` to copy as it is.
        let take = match b[i] {
            // Markup hiding an unsafe link is not kept: rustdoc may not read
            // it as markup (the link is then made text further on).
            b'<' => match (!hides_unsafe_link(rest, markup_end(rest), next))
                .then(|| kept_markup(rest, raw, open))
                .flatten()
            {
                Some(len) => len,
                None if could_open_markup(&rest[1..]) => {
                    out.push_str("&lt;");
                    i += 1;
                    continue;
                }
                None => 1,
            },
            // A backslash escape: the character after it is literal (but in
            // an HTML block, where `\<` is no escape and `<` opens a tag).
            b'\\' if b.get(i + 1).is_some_and(|&c| c.is_ascii_punctuation() && !(raw && c == b'<')) => 2,
            // A link or image (`](`) or reference definition (`]:`) whose
            // destination is unsafe: escaping its `]` makes it text. Even in
            // what may be an HTML block: we may be wrong about it.
            b']' if rest[1..].starts_with(['(', ':']) && unsafe_destination(&rest[2..], next) => {
                out.push_str("\\]");
                i += 1;
                continue;
            }
            // The rest is Markdown, which an HTML block does not have.
            _ if raw => rest.chars().next().map_or(1, char::len_utf8),
            b'`' => {
                let n = rest.bytes().take_while(|&c| c == b'`').count();
                if !*spans {
                    n
                } else if let Some(end) = code_span_end(rest, n).filter(|&end| !hides_unsafe_link(rest, end, next)) {
                    end
                } else {
                    // It may close on a later line (we cannot tell), or hold
                    // an unsafe link rustdoc may read (a reference definition
                    // whose label holds a backtick is read before any span).
                    *spans = false;
                    n
                }
            }
            // An inline link's destination and title, a reference or
            // footnote label: rustdoc reads them before any code span.
            b']' if *spans && rest.starts_with("](") => {
                if link_tail(&rest[1..]).is_none_or(|t| t.contains('`')) {
                    *spans = false;
                }
                1
            }
            b'[' if *spans && (rest.starts_with("[^") || line[..i].ends_with(']')) => {
                if label(rest).is_none_or(|l| l.contains('`')) {
                    *spans = false;
                }
                1
            }
            _ => rest.chars().next().map_or(1, char::len_utf8),
        };
        out.push_str(&rest[..take]);
        i += take;
    }
    out
}

/// The length of the markup starting `s` (at a `<`) that stays HTML: an
/// allowed tag (a closing one only when it closes one in `open`), or outside
/// HTML blocks an allowed autolink.
fn kept_markup(s: &str, raw: bool, open: &mut Vec<&'static str>) -> Option<usize> {
    match allowed_tag(s) {
        Some(tag) if tag.closing => {
            let at = open.iter().rposition(|&name| name == tag.name)?;
            open.remove(at);
            Some(tag.len)
        }
        Some(tag) => {
            if !matches!(tag.name, "br" | "hr") {
                open.push(tag.name);
            }
            Some(tag.len)
        }
        None if raw => None,
        None => allowed_autolink(s),
    }
}

/// Where markup starting `s` (at a `<`) that we may keep ends at the latest:
/// just past the next `>`, `<` or backtick (see [`allowed_tag`] and
/// [`allowed_autolink`]).
fn markup_end(s: &str) -> usize {
    1 + s[1..].find(['>', '<', '`']).map_or(s.len() - 1, |e| e + 1)
}

/// Whether `s[..end]` holds the `]` of a link, image or reference definition
/// with an unsafe destination (which may go on past `end`, and to `next`).
fn hides_unsafe_link(s: &str, end: usize, next: Option<&str>) -> bool {
    s[..end]
        .match_indices(']')
        .any(|(j, _)| s[j + 1..].starts_with(['(', ':']) && unsafe_destination(&s[j + 2..], next))
}

/// Whether the link destination starting `s` (after the `(` of an inline
/// link or image, the `:` of a reference definition; on `next`, the next
/// line, when `s` is blank) may be unsafe: a URL with a scheme but `http`,
/// `https` or `mailto`. Its text is read as rustdoc and a browser would:
/// entities and backslash escapes decoded, ASCII whitespace and control
/// characters dropped. A relative URL, a `#fragment` or a Rust path
/// (`crate::x`, an intra-doc link) has no scheme. It is read conservatively:
/// past where the destination may end (a space), past a line end to the next
/// line, and what [`LOOKAHEAD`] bytes leave undecided counts as unsafe.
fn unsafe_destination(s: &str, next: Option<&str>) -> bool {
    let mut s = s.trim_start_matches(|c: char| c.is_ascii_whitespace());
    if s.is_empty() {
        // Past one line end, after the container markers of the next line.
        s = next.unwrap_or("").trim_start_matches([' ', '>']);
    }
    // A `<destination>`.
    let mut rest = s.strip_prefix('<').unwrap_or(s);
    let mut scheme = String::new();
    while !rest.is_empty() {
        if s.len() - rest.len() > LOOKAHEAD {
            return true;
        }
        let (decoded, len) = destination_char(rest);
        rest = &rest[len..];
        for c in decoded.chars() {
            match c {
                ':' if scheme.is_empty() => return false,
                ':' => {
                    let lower = scheme.to_ascii_lowercase();
                    // `ident::path`: no URL, but never a script's.
                    let path = rest.starts_with(':') && !["javascript", "vbscript", "data"].contains(&lower.as_str());
                    return !path && !["http", "https", "mailto"].contains(&lower.as_str());
                }
                _ if c.is_ascii_whitespace() || c.is_ascii_control() => {}
                _ if c.is_ascii_alphabetic() => scheme.push(c),
                '0'..='9' | '+' | '.' | '-' if !scheme.is_empty() => scheme.push(c),
                _ => return false,
            }
        }
    }
    false
}

/// The character(s) the text starting `s` (in a link destination) stands
/// for, and its length: a backslash escape, an entity that may stand for a
/// scheme's character or whitespace (every other one stands for neither:
/// pulldown-cmark's table), or one character as it is.
fn destination_char(s: &str) -> (std::borrow::Cow<'_, str>, usize) {
    let b = s.as_bytes();
    if b[0] == b'\\' && b.get(1).is_some_and(u8::is_ascii_punctuation) {
        return (s[1..2].into(), 2);
    }
    if b[0] == b'&' {
        // Entity names are short: looking 64 bytes ahead is enough.
        if let Some(end) = s.bytes().skip(1).take(64).position(|c| c == b';') {
            let name = &s[1..1 + end];
            let numeric = match name.strip_prefix('#') {
                Some(hex) if hex.starts_with(['x', 'X']) => Some((&hex[1..], 16)),
                Some(decimal) => Some((decimal, 10)),
                None => None,
            };
            let decoded = match numeric {
                Some((digits, radix)) if !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) => {
                    let n = digits.chars().filter_map(|c| c.to_digit(radix));
                    let n = n.fold(0u32, |n, d| n.saturating_mul(radix).saturating_add(d));
                    Some(char::from_u32(n).filter(|&c| c != '\0').unwrap_or('\u{FFFD}').to_string())
                }
                Some(_) => None,
                None => match name {
                    "colon" => Some(":".to_owned()),
                    "plus" => Some("+".to_owned()),
                    "period" => Some(".".to_owned()),
                    "Tab" => Some("\t".to_owned()),
                    "NewLine" => Some("\n".to_owned()),
                    "fjlig" => Some("fj".to_owned()),
                    _ => None,
                },
            };
            if let Some(decoded) = decoded {
                return (decoded.into(), end + 2);
            }
        }
    }
    let len = s.chars().next().map_or(1, char::len_utf8);
    (s[..len].into(), len)
}

/// Whether a `<` followed by `s` could open markup for rustdoc or a
/// browser: a tag (a letter, `/`), a comment or declaration (`!`), a
/// processing instruction (`?`), an autolink (a scheme: a letter; or an
/// email address, `@` and no space before the `>`). `a < b`, `x <= 5` and
/// `<3` cannot.
fn could_open_markup(s: &str) -> bool {
    match s.bytes().next() {
        Some(c) if c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?') => true,
        Some(_) => s.find([' ', '<', '>']).is_some_and(|end| s[end..].starts_with('>') && s[..end].contains('@')),
        None => false,
    }
}

/// An allowed tag: its name, whether it is a closing tag, its length.
struct Tag {
    name: &'static str,
    closing: bool,
    len: usize,
}

/// The allowed tag at the start of `s`: `<b>`, `</li>`, `<br/>`,
/// `<a href="https://...">`. Never one holding a backtick or `<`.
fn allowed_tag(s: &str) -> Option<Tag> {
    let end = 1 + s[1..].find(['>', '<', '`'])?;
    if s.as_bytes()[end] != b'>' {
        return None;
    }
    let inner = &s[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(inner) => (true, inner),
        None => (false, inner),
    };
    let (name, rest) = inner.split_at(inner.bytes().take_while(u8::is_ascii_alphanumeric).count());
    let name = *ALLOWED_TAGS.iter().find(|&&allowed| allowed == name)?;
    let void = matches!(name, "br" | "hr");
    let ok = if closing {
        !void && rest.trim_start().is_empty()
    } else if name == "a" {
        link_attributes(rest)
    } else {
        rest.trim_start().is_empty() || (void && rest.trim_start() == "/")
    };
    ok.then_some(Tag { name, closing, len: end + 1 })
}

/// The attributes of an allowed `<a>`: `href` holding an `http://`,
/// `https://` or `mailto:` URL or a `#fragment`, and maybe `title`.
fn link_attributes(mut rest: &str) -> bool {
    let (mut href, mut title) = (false, false);
    loop {
        let attribute = rest.trim_start();
        if attribute.is_empty() {
            return href;
        }
        if attribute.len() == rest.len() {
            // Attributes are separated by whitespace.
            return false;
        }
        let (name, after) = attribute.split_at(attribute.bytes().take_while(u8::is_ascii_alphabetic).count());
        let Some(after) = after.trim_start().strip_prefix('=') else { return false };
        let after = after.trim_start();
        let (value, next) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let Some(close) = after[1..].find(quote) else { return false };
                (&after[1..=close], &after[close + 2..])
            }
            _ => {
                let len = after.find(|c: char| c.is_ascii_whitespace() || "\"'=<>`".contains(c)).unwrap_or(after.len());
                (&after[..len], &after[len..])
            }
        };
        match name {
            "href" if !href && !value.is_empty() => {
                let lower = value.to_ascii_lowercase();
                if !["http://", "https://", "mailto:", "#"].iter().any(|p| lower.starts_with(p)) {
                    return false;
                }
                href = true;
            }
            "title" if !title => title = true,
            _ => return false,
        }
        rest = next;
    }
}

/// The length of the autolink at the start of `s` when it is harmless: an
/// `http:`, `https:` or `mailto:` URL, or an email address (no scheme).
fn allowed_autolink(s: &str) -> Option<usize> {
    let end = 1 + s[1..].find(|c: char| c <= ' ' || matches!(c, '<' | '>' | '`' | '\u{7f}'))?;
    let inner = &s[1..end];
    if s.as_bytes()[end] != b'>' || inner.is_empty() {
        return None;
    }
    let lower = inner.to_ascii_lowercase();
    let url = ["http:", "https:", "mailto:"].iter().any(|p| lower.starts_with(p));
    let email = inner.contains('@') && !inner.contains(':');
    (url || email).then_some(end + 1)
}

/// Where the code span opened by the `n` backticks starting `s` ends (just
/// past its closing run of exactly `n`), if it does before the next `|`.
fn code_span_end(s: &str, n: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = n;
    while i < b.len() && b[i] != b'|' {
        let run = b[i..].iter().take_while(|&&c| c == b'`').count();
        if run == n {
            return Some(i + n);
        }
        i += run.max(1);
    }
    None
}

/// How far [`link_tail`] and [`label`] look: what they do not find within
/// it counts as not found (code spans are then no longer trusted), which
/// keeps a line's escaping linear in its length.
const LOOKAHEAD: usize = 1000;

/// The `(destination "title")` of an inline link at the start of `s` when it
/// ends on this line (a title may go on to the next).
fn link_tail(s: &str) -> Option<&str> {
    let b = &s.as_bytes()[..s.len().min(LOOKAHEAD)];
    let spaces = |i: usize| i + b[i..].iter().take_while(|&&c| c == b' ').count();
    let mut i = spaces(1);
    if b.get(i) == Some(&b'<') {
        // A `<destination>`: escaping its `<` would change where it ends.
        return None;
    }
    // A destination without spaces, its parentheses balanced.
    let mut depth = 0usize;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' => break,
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            b'(' => depth += 1,
            b'\\' => i += 1,
            _ => {}
        }
        i += 1;
    }
    i = spaces(i.min(b.len()));
    if let Some(&open) = b.get(i).filter(|&&c| matches!(c, b'"' | b'\'' | b'(')) {
        let close = if open == b'(' { b')' } else { open };
        i += 1;
        loop {
            match *b.get(i)? {
                c if c == close => break,
                b'\\' => i += 1,
                _ => {}
            }
            i += 1;
        }
        i = spaces(i + 1);
    }
    (b.get(i) == Some(&b')')).then(|| &s[..=i])
}

/// The text of the `[label]` at the start of `s`, if it closes on this line.
fn label(s: &str) -> Option<&str> {
    let b = &s.as_bytes()[..s.len().min(LOOKAHEAD)];
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b']' => return Some(&s[1..i]),
            b'\\' => i += 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether `line` may open an HTML block: [`opens_html_block`] after
/// anything that could be container markers.
fn starts_html_block(line: &str) -> bool {
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || " >*+-.)".contains(c));
        match footnote_label(rest.as_bytes()) {
            Some(width) => rest = &rest[width..],
            None => break,
        }
    }
    opens_html_block(rest)
}

/// Whether a block starting with `content` is an HTML block once escaped:
/// only an allowed tag can open one (CommonMark), a block-level one always,
/// another when alone on its line.
fn opens_html_block(content: &str) -> bool {
    content.starts_with('<')
        && allowed_tag(content).is_some_and(|t| BLOCK_TAGS.contains(&t.name) || content[t.len..].trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::render_markdown as render;

    /// What a doc comment made of `text` would hold (one line each).
    fn lines(text: &str) -> Vec<String> {
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

    #[test]
    fn script_and_event_handlers_are_escaped() {
        assert_eq!(render("<script>alert(1)</script>"), "&lt;script>alert(1)&lt;/script>");
        assert_eq!(render("a <script>alert(1)</script> b"), "a &lt;script>alert(1)&lt;/script> b");
        assert_eq!(render("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)>");
        assert_eq!(render("x <iframe src=https://e.vil></iframe>"), "x &lt;iframe src=https://e.vil>&lt;/iframe>");
        for tag in
            ["<style>", "<object data=x>", "<form>", "<meta http-equiv=refresh>", "<link rel=x>", "<svg onload=x>"]
        {
            assert_eq!(render(tag), format!("&lt;{}", &tag[1..]));
        }
        // An allowed name with attributes, or not in lower case.
        assert_eq!(render("<b onclick=x>b</b>"), "&lt;b onclick=x>b&lt;/b>");
        assert_eq!(render("<p style=\"x\">"), "&lt;p style=\"x\">");
        assert_eq!(render("<B>x</B>"), "&lt;B>x&lt;/B>");
        // Comments, declarations, processing instructions, CDATA.
        assert_eq!(render("a <!-- comment --> b"), "a &lt;!-- comment --> b");
        assert_eq!(render("<!DOCTYPE x> <?php x ?> <![CDATA[x]]>"), "&lt;!DOCTYPE x> &lt;?php x ?> &lt;![CDATA[x]]>");
    }

    #[test]
    fn links_keep_only_safe_urls() {
        assert_eq!(render("<a href=\"https://x\">ok</a>"), "<a href=\"https://x\">ok</a>");
        assert_eq!(
            render("<a href='mailto:a@b.c' title=\"t\">m</a> <a href=#f>f</a>"),
            "<a href='mailto:a@b.c' title=\"t\">m</a> <a href=#f>f</a>"
        );
        // Its closing tag closes nothing: escaped too.
        assert_eq!(render("<a href=\"javascript:alert(1)\">x</a>"), "&lt;a href=\"javascript:alert(1)\">x&lt;/a>");
        for bad in [
            "<a href=\"data:text/html,x\">",
            "<a href=\" javascript:x\">",
            "<a href=\"&#106;avascript:x\">",
            "<a href=\"https://x\" onclick=\"x\">",
            "<a href=\"https://x\"onclick=\"x\">",
            "<a href=\"https://x\" href=\"javascript:x\">",
            "<a title=\"t\">",
            "<a href=\"https://x\" target=\"_blank\">",
        ] {
            assert_eq!(render(bad), format!("&lt;{}", &bad[1..]), "{bad}");
        }
    }

    #[test]
    fn harmless_formatting_stays_html() {
        assert_eq!(render("a<br>b<br/>c<br />d"), "a<br>b<br/>c<br />d");
        assert_eq!(
            render("<strong>s</strong> <em>e</em> <code>c</code> x<sup>2</sup>"),
            "<strong>s</strong> <em>e</em> <code>c</code> x<sup>2</sup>"
        );
        assert_eq!(render("<ul><li>one</li></ul>\n<hr/>"), "<ul><li>one</li></ul>\n<hr/>");
        assert_eq!(render("<table><tr><td>x</td></tr></table>"), "<table><tr><td>x</td></tr></table>");
        // Only `br` and `hr` close themselves.
        assert_eq!(render("<b/>x"), "&lt;b/>x");
        // A closing tag must close a tag kept before it.
        assert_eq!(render("</b> <b>x</b></b> <i><b>y</i></b>"), "&lt;/b> <b>x</b>&lt;/b> <i><b>y</i></b>");
        assert_eq!(render("</br> <hr></hr>"), "&lt;/br> <hr>&lt;/hr>");
    }

    #[test]
    fn xml_examples_show_as_written() {
        let text = "Example: <Form name='x'><Field type=\"b\"/></Form> and <BaseConfig>.";
        assert_eq!(render(text), "Example: &lt;Form name='x'>&lt;Field type=\"b\"/>&lt;/Form> and &lt;BaseConfig>.");
        assert_eq!(render("A Vec<String>, a List<Map<K, V>>"), "A Vec&lt;String>, a List&lt;Map&lt;K, V>>");
    }

    #[test]
    fn autolinks_stay_links_when_harmless() {
        assert_eq!(
            render("See <https://a.b> or <mailto:x@y.z> or <x@y.z>."),
            "See <https://a.b> or <mailto:x@y.z> or <x@y.z>."
        );
        assert_eq!(render("<javascript:alert(1)>"), "&lt;javascript:alert(1)>");
        assert_eq!(render("<javascript:alert(1)@x.y>"), "&lt;javascript:alert(1)@x.y>");
        assert_eq!(render("<data:text/html,x>"), "&lt;data:text/html,x>");
        // An email address may start with a digit or punctuation.
        assert_eq!(render("<1.x@y.z> <=x@y.z>"), "<1.x@y.z> <=x@y.z>");
    }

    #[test]
    fn text_that_opens_no_markup_is_kept() {
        assert_eq!(render("a < b, c <> d, x <= y, <3, &lt; &amp; &#60;"), "a < b, c <> d, x <= y, <3, &lt; &amp; &#60;");
        // SailPoint's v3 API, in a code span over three lines.
        let text = "`1. a >= 1 && a <= 15\n2. b >= 5 && b <= 60`";
        assert_eq!(render(text), text);
        assert_eq!(render("\\<script> is escaped already"), "\\<script> is escaped already");
    }

    #[test]
    fn code_is_left_alone() {
        assert_eq!(render("Use `a<b>` or ``<Form>`` here"), "Use `a<b>` or ``<Form>`` here");
        // SailPoint's CustomPasswordInstruction.
        let text =
            "like `<A HREF=\\\"URL\\\">...</A>` clicking, or `<a href=\\\"URL\" target=\\\"_blank\\\" >link</a>`.";
        assert_eq!(render(text), text);
        assert_eq!(lines("```xml\n<script>alert(1)</script>\n```"), ["```text", "<script>alert(1)</script>", "```"]);
        assert_eq!(lines("x\n\n    <Form/>\n\n<Form/>"), ["x", "", "```text", "<Form/>", "```", "", "&lt;Form/>"]);
        assert_eq!(
            lines("- a\n  ~~~\n  <b x>\n  ~~~\n- <i x>"),
            ["- a", "  ~~~text", "  <b x>", "  ~~~", "- &lt;i x>"]
        );
        // A backtick run that does not close is no code span.
        assert_eq!(render("a ` <Form>"), "a ` &lt;Form>");
        assert_eq!(render("``a` <Form>"), "``a` &lt;Form>");
        assert_eq!(render("\\`<Form>`"), "\\`&lt;Form>`");
    }

    #[test]
    fn code_spans_we_might_misread_are_escaped_too() {
        // A code span across lines: rustdoc pairs the first run with the
        // second, and reads the next line's spans differently.
        assert_eq!(lines("a `b\nc` <script> `d`"), ["a `b", "c` &lt;script> `d`"]);
        // Until the paragraph ends.
        assert_eq!(lines("a `b\nc\n\n`<Form>`"), ["a `b", "c", "", "`<Form>`"]);
        // A table cell ends a code span.
        assert_eq!(render("| `a | <script> ` |"), "| `a | &lt;script> ` |");
        // A link title or label holding a backtick.
        assert_eq!(render("[a](x \"`\") <script> `\")"), "[a](x \"`\") &lt;script> `\")");
        // A `<destination>` whose `<` we escape ends elsewhere for rustdoc.
        assert_eq!(render("[a](<x(>) \"`\" ) <script> `"), "[a](&lt;x(>) \"`\" ) &lt;script> `");
        assert_eq!(render("[a](<https://x>) `<Form>`"), "[a](<https://x>) `&lt;Form>`");
        assert_eq!(render("[a][`] <script> `"), "[a][`] &lt;script> `");
        assert_eq!(render("[^`]: <script> `"), "[^`]: &lt;script> `");
        assert_eq!(lines("[a](x \"y\n`\") <script> `"), ["[a](x \"y", "`\") &lt;script> `"]);
        // A tag or autolink holding a backtick is no tag for us either:
        // once its `<` is escaped, rustdoc reads the backticks as we do.
        assert_eq!(render("<x a=\"`\"> `<script>`"), "&lt;x a=\"`\"> `&lt;script>`");
        assert_eq!(render("<1`@x.y> <script> `"), "&lt;1`@x.y> <script> `");
        // Ordinary links and labels keep code spans trusted.
        assert_eq!(
            render("See [docs](https://x \"t\") and [b][c]: `<Form>`"),
            "See [docs](https://x \"t\") and [b][c]: `<Form>`"
        );
    }

    #[test]
    fn links_with_unsafe_schemes_are_text() {
        for (text, expected) in [
            ("[x](javascript:alert(1))", "[x\\](javascript:alert(1))"),
            ("[x](  JaVaScRiPt:alert(1) )", "[x\\](  JaVaScRiPt:alert(1) )"),
            ("[x](<javascript:alert(1)>)", "[x\\](&lt;javascript:alert(1)>)"),
            ("[x](javascript&#58;alert(1))", "[x\\](javascript&#58;alert(1))"),
            ("[x](javascript&#x3a;alert(1))", "[x\\](javascript&#x3a;alert(1))"),
            ("[x](javascript&colon;alert(1))", "[x\\](javascript&colon;alert(1))"),
            ("[x](&#106;ava&#X73;cript:alert(1))", "[x\\](&#106;ava&#X73;cript:alert(1))"),
            ("[x](javascript\\:alert(1))", "[x\\](javascript\\:alert(1))"),
            ("[x](java&#9;script:alert(1))", "[x\\](java&#9;script:alert(1))"),
            ("[x](data:text/html,<script>alert(1)</script>)", "[x\\](data:text/html,&lt;script>alert(1)&lt;/script>)"),
            ("[x](vbscript:msgbox(1))", "[x\\](vbscript:msgbox(1))"),
            ("[x](file:///etc/passwd)", "[x\\](file:///etc/passwd)"),
            ("![i](javascript:alert(1))", "![i\\](javascript:alert(1))"),
            ("[r]: javascript:alert(1)", "[r\\]: javascript:alert(1)"),
            ("[r]: <javascript:alert(1)> \"t\"", "[r\\]: &lt;javascript:alert(1)> \"t\""),
            ("> [r]:  JAVASCRIPT:alert(1)", "> [r\\]:  JAVASCRIPT:alert(1)"),
            // Each link on its own; the safe one stays.
            ("[a](https://x.y) [b](javascript:y)", "[a](https://x.y) [b\\](javascript:y)"),
            // An escaped backslash does not escape the `]`.
            ("[x\\\\](javascript:y)", "[x\\\\\\](javascript:y)"),
        ] {
            assert_eq!(render(text), expected, "{text}");
        }
        // The destination may follow on the next line.
        assert_eq!(lines("[x](\njavascript:alert(1))"), ["[x\\](", "javascript:alert(1))"]);
        assert_eq!(lines("> [r]:\n> javascript:alert(1)"), ["> [r\\]:", "> javascript:alert(1)"]);
        // Also where we guess an HTML block, which could be a paragraph.
        assert_eq!(lines("x\n<b>\n[y](javascript:z)"), ["x", "<b>", "[y\\](javascript:z)"]);
    }

    #[test]
    fn links_with_safe_destinations_stay() {
        for text in [
            "[a](https://x.y)",
            "[a](HTTP://x.y \"t\")",
            "[a](<https://x.y>)",
            "[a](#frag)",
            "[a](relative/path)",
            "[a](../up.html?q=a:b)",
            "[a](mailto:x@y)",
            "![i](img.png)",
            "[r]: https://x.y",
            "[r]: #frag",
            "[Foo] and [`Foo`]",
            "[text](Foo) and [text](crate::models::Foo) and [`x`](super::Client::get_x)",
            // `java\script:` escapes nothing: no scheme.
            "[x](java\\script:alert(1))",
            // Not a link: nothing to do.
            "a ] (javascript:x) and [x] (javascript:y)",
        ] {
            assert_eq!(render(text), text, "{text}");
        }
    }

    #[test]
    fn unsafe_links_hidden_in_markup_we_might_misread_are_text() {
        // A reference definition's label is read before code spans: this
        // is a definition, not a code span.
        assert_eq!(render("[`]: javascript:alert(1) \"`\""), "[`\\]: javascript:alert(1) \"`\"");
        assert_eq!(lines("[a\n`]: javascript:alert(1) \"`\""), ["[a", "`\\]: javascript:alert(1) \"`\""]);
        // A tag holding one is not kept.
        assert_eq!(
            render("<a href=\"https://x\" title=\"](javascript:y)\">"),
            "&lt;a href=\"https://x\" title=\"\\](javascript:y)\">"
        );
        // Nor a code span: we may read it wrong, so it shows a backslash.
        assert_eq!(render("`[x](javascript:y)` `<b x>`"), "`[x\\](javascript:y)` `&lt;b x>`");
        // `ident::` is a Rust path, but never a script.
        assert_eq!(render("[x](javascript::alert(1))"), "[x\\](javascript::alert(1))");
    }

    #[test]
    fn html_blocks_are_raw_html() {
        // An allowed tag opening a line may open an HTML block, where
        // backticks are text: every `<` but an allowed tag's is escaped.
        assert_eq!(lines("<p>\n`<script>`\n\n`<Form>`"), ["<p>", "`&lt;script>`", "", "`<Form>`"]);
        assert_eq!(lines("> - <br>\n> `<img src=x onerror=y>`"), ["> - <br>", "> `&lt;img src=x onerror=y>`"]);
        assert_eq!(lines("<br>\n\\<script> <https://a.b>"), ["<br>", "\\&lt;script> &lt;https://a.b>"]);
        // Other tags open one only alone on their line.
        assert_eq!(
            lines("<b>Note:</b> `List<T>`, \\<T> <https://a.b>"),
            ["<b>Note:</b> `List<T>`, \\<T> <https://a.b>"]
        );
    }
}
