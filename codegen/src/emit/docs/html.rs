//! Raw HTML and unsafe links in rendered spec prose made inert: the last
//! step of [`super::render_markdown`] (the rule is in the parent module's
//! docs). Lines of code blocks are never touched here.

use super::footnote_label;

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
pub(super) fn escape_html(lines: Vec<String>, code: &[bool]) -> Vec<String> {
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
pub(super) fn opens_html_block(content: &str) -> bool {
    content.starts_with('<')
        && allowed_tag(content).is_some_and(|t| BLOCK_TAGS.contains(&t.name) || content[t.len..].trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::render_markdown as render;
    use super::super::tests::lines;

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
