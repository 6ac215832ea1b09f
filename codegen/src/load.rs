//! Reading spec files from disk. YAML parsing is kept behind [`read_document`]
//! so the YAML library can be swapped in one place (serde_yaml is unmaintained).

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Location};

/// Read one YAML or JSON file into a JSON value.
///
/// JSON files (by extension) go through `serde_json`, which is several times
/// faster on the multi-megabyte dereferenced SailPoint documents; everything
/// else is parsed as YAML, a superset of JSON.
pub fn read_document(path: &Path) -> Result<Value, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::in_file(path, format!("cannot read spec file: {e}")))?;
    let is_json = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    if is_json {
        serde_json::from_str(&text).map_err(|e| Error {
            location: Location::new(path, ""),
            line_col: Some((e.line(), e.column())),
            message: format!("invalid JSON: {e}"),
        })
    } else {
        parse_yaml(path, &text)
    }
}

fn parse_yaml(path: &Path, text: &str) -> Result<Value, Error> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let line_col = e.location().map(|l| (l.line(), l.column()));
        let message = format!("invalid YAML: {e}");
        Error { location: Location::new(path, ""), line_col, message }
    })?;
    yaml_to_json(path, yaml, String::new())
}

/// Convert YAML to JSON. YAML allows non-string keys (`200:` unquoted is an
/// integer); OpenAPI means them as strings, so scalar keys are stringified.
fn yaml_to_json(path: &Path, yaml: serde_yaml::Value, pointer: String) -> Result<Value, Error> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| {
                    Error::at(Location::new(path, pointer.clone()), "number is not finite")
                })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(path, item, format!("{pointer}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => {
                        return Err(Error::at(
                            Location::new(path, pointer),
                            "mapping keys must be strings",
                        ))
                    }
                };
                let child = format!("{pointer}/{}", crate::error::escape_token(&key));
                let value = yaml_to_json(path, value, child)?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(path, tagged.value, pointer)?,
    })
}
