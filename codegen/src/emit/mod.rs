//! IR -> Rust source. Each submodule emits one kind of file; [`format`]
//! turns tokens into formatted text with the `@generated` header.

mod api;
mod docs;
mod mock;
mod models;
mod operations;
mod rust_type;

use proc_macro2::TokenStream;

use crate::edition::Edition;
use crate::ir::Api;
use crate::tags::TagPlan;

pub use docs::render_markdown;
pub(crate) use docs::render_parts;
pub use rust_type::TypeIndex;

/// The files of one API module.
pub struct ApiFiles {
    pub module: String,
    pub models: String,
    /// `builders.rs`, or with per-tag features `builders/mod.rs`.
    pub builders: String,
    /// With per-tag features: `builders/<feature>.rs` for each tag.
    pub tag_builders: Vec<(String, String)>,
}

/// Emit one API as a module named `module`, also serving `editions` (see
/// [`crate::edition`]). `header` is the first comment line of every file
/// (the `@generated` marker). With a tag `plan`, operations and models
/// compile per tag feature.
pub fn emit_api(api: &Api, module: &str, editions: &[Edition], header: &str, plan: Option<&TagPlan>) -> Result<ApiFiles, String> {
    docs::clear_blocks();
    let files = emit_api_files(api, module, editions, header, plan);
    docs::clear_blocks();
    files
}

fn emit_api_files(api: &Api, module: &str, editions: &[Edition], header: &str, plan: Option<&TagPlan>) -> Result<ApiFiles, String> {
    let index = TypeIndex::new(&api.types);
    let (builders, tag_builders) = match plan {
        None => (format(operations::builders(api, editions, &index)?, header, "builders.rs")?, Vec::new()),
        Some(plan) => {
            let (module_file, files) = operations::tag_builders(api, editions, &index, plan)?;
            let mut out = Vec::new();
            for (name, tokens) in files {
                let what = format!("builders/{name}.rs");
                out.push((name, format(tokens, header, &what)?));
            }
            (format(module_file, header, "builders/mod.rs")?, out)
        }
    };
    Ok(ApiFiles {
        module: format(api::api_module(api, module, editions, plan.is_some()), header, "mod.rs")?,
        models: format(models::models(&api.types, &index, plan), header, "models.rs")?,
        builders,
        tag_builders,
    })
}

/// The `mod.rs` of an edition served by `home_module`'s code.
pub fn emit_edition(api: &Api, home_module: &str, edition: &Edition, header: &str) -> Result<String, String> {
    format(api::edition_module(api, home_module, edition), header, "mod.rs")
}

/// The `mock.rs` of an API module (cargo feature `mock`): a typed mock
/// server; `crate_name` is the package, for its doctest.
pub fn emit_mock(api: &Api, module: &str, editions: &[Edition], crate_name: &str, header: &str) -> Result<String, String> {
    let index = TypeIndex::new(&api.types);
    docs::clear_blocks();
    let file = format(mock::mock_module(api, module, editions, crate_name, &index), header, "mock.rs");
    docs::clear_blocks();
    file
}

/// The `mock.rs` of an edition served by `home_module`'s code.
pub fn emit_edition_mock(home_module: &str, edition: &Edition, header: &str) -> Result<String, String> {
    format(mock::edition_mock_module(home_module, edition), header, "mock.rs")
}

/// Pretty-print tokens as a file, header first.
pub fn format(tokens: TokenStream, header: &str, what: &str) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("internal error: generated {what} does not parse: {e}"))?;
    let code = prettyplease::unparse(&file);
    let mut out = String::with_capacity(header.len() + 2 + code.len() + code.len() / 2);
    out.push_str(header);
    out.push_str("\n\n");
    space_items(&code, &mut out).map_err(|e| format!("internal error: generated {what}: {e}"))?;
    // A marker printed anywhere but on a line of its own (inside a macro
    // call, say) would lose its docs.
    if out.contains('\0') {
        return Err(format!("internal error: generated {what} has a doc block out of place"));
    }
    Ok(out)
}

/// prettyplease packs items tightly; put a blank line between consecutive
/// items (top level and inside impls) so the files read like hand-written code.
/// It also puts doc blocks back in place of their markers (see `docs`).
fn space_items(code: &str, out: &mut String) -> Result<(), String> {
    // The previous line's indent and whether it closes an item.
    let mut previous: Option<(usize, bool)> = None;
    for line in code.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some((previous_indent, closes_item)) = previous {
            let starts_item = ["///", "#[", "pub ", "impl", "fn ", "const ", "type ", "async fn "]
                .iter()
                .any(|p| trimmed.starts_with(p));
            if closes_item && starts_item && indent == previous_indent && indent <= 4 {
                out.push('\n');
            }
        }
        match trimmed.strip_prefix("///").and_then(|rest| rest.strip_prefix(docs::MARKER)) {
            Some(n) => docs::with_block(n, |lines| {
                for doc in lines {
                    out.push_str(&line[..indent]);
                    out.push_str("///");
                    out.push_str(doc.trim_end());
                    out.push('\n');
                }
            })
            .ok_or_else(|| format!("doc block {n} is unknown"))?,
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
        let prev = trimmed.trim_end();
        let closes_item = prev == "}" || (prev.ends_with(';') && !prev.starts_with("//") && !prev.starts_with("#!"));
        previous = Some((indent, closes_item));
    }
    Ok(())
}
