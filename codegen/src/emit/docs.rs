//! Spec prose -> doc attributes that rustdoc renders and never compiles.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` lines for `text`. Leading indentation is removed (an
/// indented line would otherwise become a Rust code block and a failing
/// doctest) and code fences are marked as plain text for the same reason.
pub fn doc_lines(text: &str) -> TokenStream {
    lines(text, false)
}

/// Like [`doc_lines`], as inner attributes (`#![doc = ...]`) for a module.
pub fn inner_doc_lines(text: &str) -> TokenStream {
    lines(text, true)
}

fn lines(text: &str, inner: bool) -> TokenStream {
    let mut out = TokenStream::new();
    let mut previous_blank = true;
    for line in text.trim().lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if previous_blank {
                continue;
            }
            previous_blank = true;
        } else {
            previous_blank = false;
        }
        let line = if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let fence = &trimmed[..3];
            let info = trimmed[3..].trim();
            if info.is_empty() || info == "rust" { format!("{fence}text") } else { format!("{fence}{info}") }
        } else {
            trimmed.to_owned()
        };
        let line = format!(" {line}");
        out.extend(if inner { quote!(#![doc = #line]) } else { quote!(#[doc = #line]) });
    }
    out
}

/// Doc attributes for an optional text, then extra paragraphs.
pub fn docs(text: Option<&str>, extra: &[String]) -> TokenStream {
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
        parts.push(t.to_owned());
    }
    parts.extend(extra.iter().filter(|e| !e.is_empty()).cloned());
    doc_lines(&parts.join("\n\n"))
}
