//! Reading spec files from disk. YAML parsing is kept behind [`read_document`]
//! so the YAML library can be swapped in one place (serde_yaml is unmaintained).

use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
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
        // Through the same seed as YAML: a repeated key is an error too.
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        ValueSeed::DOCUMENT
            .deserialize(&mut deserializer)
            .and_then(|value| deserializer.end().map(|()| value))
            .map_err(|e| Error {
                location: Location::new(path, ""),
                line_col: Some((e.line(), e.column())),
                message: format!("invalid JSON: {e}"),
            })
    } else {
        parse_yaml(path, &text)
    }
}

fn parse_yaml(path: &Path, text: &str) -> Result<Value, Error> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    ValueSeed::DOCUMENT.deserialize(deserializer).map_err(|e| {
        let line_col = e.location().map(|l| (l.line(), l.column()));
        let mut detail = e.to_string();
        // The position is printed in front (`file:line:col:`); say it once.
        if let Some(l) = e.location() {
            let suffix = format!(" at line {} column {}", l.line(), l.column());
            if let Some(stripped) = detail.strip_suffix(&suffix) {
                detail = stripped.to_owned();
            }
        }
        Error { location: Location::new(path, ""), line_col, message: format!("invalid YAML: {detail}") }
    })
}

/// YAML straight to JSON, with the parser's position on every error.
///
/// YAML allows non-string keys (`200:` unquoted is an integer); OpenAPI means
/// them as strings, so scalar keys are stringified. A key that comes twice
/// in one mapping (also `200` beside `'200'`) is an error at the second one:
/// checking while the key is read is what gives its own line and column
/// (serde_yaml's own check reports where the mapping starts). Tags are
/// dropped (`!foo x` is `x`).
#[derive(Clone, Copy)]
struct ValueSeed {
    /// Under `default`, `example(s)` or an `x-` extension: documentation
    /// only, where a YAML infinity or NaN (not JSON) is kept as text
    /// instead of failing the whole document.
    annotation: bool,
    /// A map whose keys are names (`properties`, `components/schemas`, ...):
    /// a property called `default` or `x-id` is a schema, not an annotation.
    names: bool,
}

impl ValueSeed {
    const DOCUMENT: ValueSeed = ValueSeed { annotation: false, names: false };
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        match serde_json::Number::from_f64(v) {
            Some(n) => Ok(Value::Number(n)),
            None if self.annotation => Ok(Value::String(yaml_float(v))),
            None => Err(E::custom(format!("number {} is not finite (JSON has no infinity or NaN)", yaml_float(v)))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(ValueSeed { names: false, ..self })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(KeySeed { taken: &out })? {
            let keyword = !self.names;
            let annotation = self.annotation
                || keyword && (matches!(key.as_str(), "default" | "example" | "examples") || key.starts_with("x-"));
            let names = keyword
                && matches!(key.as_str(), "properties" | "patternProperties" | "definitions" | "$defs" | "schemas");
            let value = map.next_value_seed(ValueSeed { annotation, names })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!tag value`): keep the value.
        let (_tag, value): (de::IgnoredAny, _) = data.variant()?;
        value.newtype_variant_seed(self)
    }
}

/// YAML's spelling of a float JSON cannot hold.
fn yaml_float(v: f64) -> String {
    if v.is_nan() {
        ".nan".to_owned()
    } else if v > 0.0 {
        ".inf".to_owned()
    } else {
        "-.inf".to_owned()
    }
}

/// One mapping key as a string, refused if the mapping already has it.
struct KeySeed<'m> {
    taken: &'m serde_json::Map<String, Value>,
}

impl KeySeed<'_> {
    fn check<E: de::Error>(&self, key: String) -> Result<String, E> {
        if self.taken.contains_key(&key) {
            Err(E::custom(format!("duplicate key `{key}`")))
        } else {
            Ok(key)
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key (a string, number, boolean or null)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.check(v.to_owned())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.check(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.check(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.check(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        self.check(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        self.check(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.check(if v.is_finite() { v.to_string() } else { yaml_float(v) })
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        self.check("null".to_owned())
    }

    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        self.check("null".to_owned())
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        let (_tag, value): (de::IgnoredAny, _) = data.variant()?;
        value.newtype_variant_seed(self)
    }
}
