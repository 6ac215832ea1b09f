//! Errors and warnings. Every message names the spec file it is about and,
//! where one exists, the JSON pointer of the offending node, so a maintainer
//! can jump straight to the problem.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in which file something was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The spec file (as given on the command line, or relative to it).
    pub file: PathBuf,
    /// A JSON pointer (RFC 6901) into that file, `""` for the whole document.
    pub pointer: String,
}

impl Location {
    pub fn new(file: impl Into<PathBuf>, pointer: impl Into<String>) -> Self {
        Location { file: file.into(), pointer: pointer.into() }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file.display(), self.pointer)
    }
}

/// A fatal problem: the generator stops and reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub location: Location,
    /// Line and column, for syntax errors where no pointer is known yet.
    pub line_col: Option<(usize, usize)>,
    pub message: String,
}

impl Error {
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Error { location, line_col: None, message: message.into() }
    }

    pub fn in_file(file: &Path, message: impl Into<String>) -> Self {
        Error::at(Location::new(file, ""), message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_col {
            Some((line, col)) => {
                write!(f, "{}:{line}:{col}: {}", self.location.file.display(), self.message)
            }
            None => write!(f, "{}: {}", self.location, self.message),
        }
    }
}

impl std::error::Error for Error {}

/// A real-world flaw the generator tolerated; printed to stderr by the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.location, self.message)
    }
}

/// Escape one reference token for use in a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Append `/token` to a pointer, the token escaped as [`escape_token`] does,
/// without allocating (walks over every node of a document use it).
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Append tokens to a pointer.
pub fn join_pointer(base: &str, tokens: &[&str]) -> String {
    let mut out = base.to_owned();
    for token in tokens {
        push_token(&mut out, token);
    }
    out
}

/// Remove quoted excerpts of a document's content from a parser message:
/// serde quotes the offending value (`invalid type: string "..."`), which
/// must not reveal a referenced file's text. Quoted strings become `"…"`,
/// backticked names longer than 40 characters become `` `…` ``.
pub fn redact_excerpts(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // A Debug-escaped string: ends at the next unescaped quote.
                let mut escaped = false;
                for inner in chars.by_ref() {
                    match inner {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                }
                out.push_str("\"…\"");
            }
            '`' => {
                let name: String = chars.by_ref().take_while(|&c| c != '`').collect();
                if name.chars().count() > 40 || name.contains(['\n', '\r']) {
                    out.push_str("`…`");
                } else {
                    out.push('`');
                    out.push_str(&name);
                    out.push('`');
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact_excerpts;

    #[test]
    fn quoted_content_is_removed() {
        let message = r#"invalid type: string "SECRET=\"x\" rest", expected struct Schema"#;
        assert_eq!(redact_excerpts(message), r#"invalid type: string "…", expected struct Schema"#);
        assert_eq!(redact_excerpts("unknown field `typ`, expected `type`"), "unknown field `typ`, expected `type`");
        let long = format!("unknown field `{}`", "k".repeat(41));
        assert_eq!(redact_excerpts(&long), "unknown field `…`");
    }
}
