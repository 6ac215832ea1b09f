//! From a bundled document to the [`crate::ir::Api`] model.

mod constraints;
mod diagnose;
mod integers;
mod operations;
mod types;
mod view;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::bundle::Bundle;
use crate::error::{Error, Warning};
use crate::ir::Api;

/// Parse the bundled JSON into the typed OpenAPI model; a shape error names
/// the file and pointer of the offending node.
pub fn parse(bundle: &Bundle) -> Result<OpenAPI, Error> {
    let document = &bundle.document;
    match document.get("openapi").and_then(Value::as_str) {
        // 3.1 documents arrive in the 3.0 shape (`crate::openapi31`).
        Some(v) => match crate::openapi31::version(v) {
            Some((3, 0 | 1)) => {}
            Some((3, minor)) if minor > 1 => {
                return Err(Error::at(bundle.locate("/openapi"), format!("OpenAPI 3.{minor} is not supported yet (3.0 and 3.1 are)")))
            }
            _ => return Err(Error::at(bundle.locate("/openapi"), format!("OpenAPI version {v} is not supported (3.0 and 3.1 are)"))),
        },
        None if document.get("swagger").is_some() => {
            return Err(Error::at(bundle.locate("/swagger"), "Swagger 2.0 is not supported; convert the document to OpenAPI 3.0"))
        }
        None => return Err(Error::at(bundle.locate(""), "not an OpenAPI document: the `openapi` version field is missing")),
    }
    // Without tracking the path first: only a failure needs it, and
    // tracking it costs on every node of a large document.
    if let Ok(api) = <OpenAPI as serde::Deserialize>::deserialize(document) {
        return Ok(api);
    }
    serde_path_to_error::deserialize::<_, OpenAPI>(document).map_err(|e| {
        // serde loses the path inside untagged enums and flattened maps; look
        // for the deepest node that fails on its own.
        let (pointer, message) = diagnose::deepest_error(document)
            .unwrap_or_else(|| (path_to_pointer(e.path()), e.inner().to_string()));
        let location = bundle.locate(&pointer);
        // Quote the document only where it is the file the user named.
        let message = if location.file == bundle.root_file() { message } else { crate::error::redact_excerpts(&message) };
        Error::at(location, format!("invalid OpenAPI document: {message}"))
    })
}

/// serde_path_to_error paths (`paths./a.get.responses`) to a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", crate::error::escape_token(key))),
            Segment::Enum { variant } => pointer.push_str(&format!("/{}", crate::error::escape_token(variant))),
            Segment::Unknown => break,
        }
    }
    pointer
}

/// Resolve a parsed spec into the IR.
pub fn resolve(bundle: &Bundle, spec: &OpenAPI, warnings: &mut Vec<Warning>) -> Result<Api, Error> {
    let mut resolver = types::TypeResolver::new(spec, bundle, warnings);
    resolver.resolve_components()?;
    let ops = operations::resolve_operations(&mut resolver, spec)?;
    let types = resolver.finish();
    let server_url = spec.servers.first().map(|s| s.url.clone());
    let base_path = spec.servers.first().map(base_path).unwrap_or_default();
    let mut api = Api {
        title: spec.info.title.clone(),
        description: spec.info.description.clone().filter(|d| !d.trim().is_empty()),
        version: spec.info.version.clone(),
        base_path,
        server_url,
        types,
        operations: ops.operations,
        error_bodies: ops.error_bodies,
    };
    // Spec text is untrusted: no control or bidi characters past this point.
    crate::text::sanitize_api(&mut api, &mut |pointer, message| {
        warnings.push(Warning { location: bundle.locate(pointer), message });
    });
    Ok(api)
}

/// The path part of a server URL with variables filled from their defaults:
/// `https://{tenant}.api.identitynow.com/beta` -> `/beta`.
fn base_path(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map(|j| url[i + 3 + j..].to_owned()).unwrap_or_default(),
        None => url,
    };
    path.trim_end_matches('/').to_owned()
}
