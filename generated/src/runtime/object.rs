//! How generated structs meet JSON: `json_object!` writes a struct's
//! `Serialize` and `Deserialize` from its field list, and [`FieldKey`] is
//! the object key it reads. One macro in the runtime instead of serde's
//! derives: a derive also emits a field-identifier type, a sequence visitor,
//! and for `flatten` a buffered second pass, and in a crate of a whole API
//! those made up most of `cargo check`'s time; the expansion here is the
//! least code that reads and writes an object key by key.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, Visitor};

/// An object key, borrowed from the input when the input allows it.
#[doc(hidden)]
pub struct FieldKey<'de>(Cow<'de, str>);

impl FieldKey<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for FieldKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = FieldKey<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Borrowed(value)))
            }

            fn visit_str<E: Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(value.to_owned())))
            }

            fn visit_string<E: Error>(self, value: String) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(value)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// `Serialize` and `Deserialize` for a generated struct:
///
/// ```text
/// json_object!(Name { required id = "id", nullable owner = "owner", optional name = "name" });
/// json_object!(Name { optional name = "name" } additional_properties);
/// ```
///
/// Each field names its kind (a module below), its Rust name and its JSON
/// key. `required` must be present; `nullable` and `optional` fields are
/// `Option`s, absent or `null` decode as `None`; `optional` ones are left
/// out when `None`, the others always written. Unknown keys are skipped, or
/// with `additional_properties` collected into that map (and written back).
/// Fields are written in the listed order.
#[allow(unused_macros)] // a crate may have no structs
macro_rules! json_object {
    ($name:ident { $($kind:ident $field:ident = $key:literal),* $(,)? }) => {
        $crate::runtime::object::json_object!(@impl [map] $name { $($kind $field = $key),* } {
            _ => {
                map.next_value::<::serde::de::IgnoredAny>()?;
            }
        });
    };
    ($name:ident { $($kind:ident $field:ident = $key:literal),* $(,)? } additional_properties) => {
        $crate::runtime::object::json_object!(@impl [map] $name { $($kind $field = $key),* } {
            other => {
                additional_properties.insert(::std::borrow::ToOwned::to_owned(other), map.next_value()?);
            }
        } additional_properties);
    };
    // `__D`, `__A`, `__Visitor`: item names are not hygienic, and a spec may
    // name its own types `D` or `A`. Locals are: a field's slot is named
    // after the field, and `$map` comes from the rule that also wrote the
    // unknown-key arm, which uses it.
    (@impl [$map:ident] $name:ident { $($kind:ident $field:ident = $key:literal),* } { $($other:tt)* } $($additional:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                #[allow(unused_mut)] // an empty object writes nothing
                let mut map = ::serde::Serializer::serialize_map(serializer, ::std::option::Option::None)?;
                $($crate::runtime::object::$kind::write(&mut map, $key, &self.$field)?;)*
                $(
                    for (key, value) in &self.$additional {
                        ::serde::ser::SerializeMap::serialize_entry(&mut map, key, value)?;
                    }
                )?
                ::serde::ser::SerializeMap::end(map)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;

                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(::std::concat!("a JSON object (", ::std::stringify!($name), ")"))
                    }

                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut $map: __A) -> ::std::result::Result<$name, __A::Error> {
                        $(let mut $field = ::std::option::Option::None;)*
                        $(let mut $additional = ::std::collections::HashMap::new();)?
                        while let ::std::option::Option::Some(key) = $map.next_key::<$crate::runtime::FieldKey<'de>>()? {
                            #[allow(clippy::match_single_binding)]
                            match key.as_str() {
                                $($key => $field = ::std::option::Option::Some($map.next_value()?),)*
                                $($other)*
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $($field: $crate::runtime::object::$kind::finish::<__A::Error, _>($field, $key)?,)*
                            $($additional,)?
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use json_object;

/// A field that must be present (and is not `null` unless its type says so).
pub mod required {
    use serde::de::Error;
    use serde::ser::SerializeMap;
    use serde::Serialize;

    /// The decoded value, or the error naming the missing key.
    pub fn finish<E: Error, T>(slot: Option<T>, key: &'static str) -> Result<T, E> {
        slot.ok_or_else(|| E::missing_field(key))
    }

    /// Write the field.
    pub fn write<M: SerializeMap, T: Serialize + ?Sized>(map: &mut M, key: &'static str, value: &T) -> Result<(), M::Error> {
        map.serialize_entry(key, value)
    }
}

/// A required field that may be `null`: an `Option` written even when `None`
/// (as `null`); decoded from an absent key as `None` too, like serde does.
pub mod nullable {
    pub use super::optional::finish;
    pub use super::required::write;
}

/// A field that may be absent: an `Option` left out when `None`.
pub mod optional {
    use serde::ser::SerializeMap;
    use serde::Serialize;

    /// The decoded value: absent and `null` are both `None`.
    pub fn finish<E, T>(slot: Option<Option<T>>, _key: &'static str) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }

    /// Write the field unless it is `None`.
    pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &Option<T>) -> Result<(), M::Error> {
        match value {
            Some(value) => map.serialize_entry(key, value),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::FieldKey;

    /// Every kind of field, fields named like the macro's own locals, and
    /// extra properties.
    #[derive(Debug, PartialEq)]
    struct Sample {
        id: String,
        owner: Option<String>,
        note: Option<u32>,
        map: Option<bool>,
        key: Option<String>,
        additional_properties: HashMap<String, serde_json::Value>,
    }
    crate::runtime::json_object!(
        Sample { required id = "id", nullable owner = "owner", optional note = "note", optional map = "map", optional key = "$key" }
        additional_properties
    );

    /// Only declared fields: unknown keys are skipped.
    #[derive(Debug, PartialEq)]
    struct Closed {
        name: Option<String>,
    }
    crate::runtime::json_object!(Closed { optional name = "name" });

    /// No fields at all.
    #[derive(Debug, PartialEq)]
    struct Empty {}
    crate::runtime::json_object!(Empty {});

    #[test]
    fn fields_are_written_in_order_and_only_optional_none_is_left_out() {
        let sample = Sample {
            id: "a".into(),
            owner: None,
            note: None,
            map: Some(true),
            key: Some("k".into()),
            additional_properties: HashMap::from([("extra".to_owned(), serde_json::json!([1]))]),
        };
        let text = serde_json::to_string(&sample).unwrap();
        assert_eq!(text, r#"{"id":"a","owner":null,"map":true,"$key":"k","extra":[1]}"#);
        assert_eq!(serde_json::from_str::<Sample>(&text).unwrap(), sample);
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
        // Forms use the same impl.
        assert_eq!(serde_urlencoded::to_string(&Closed { name: Some("x y".into()) }).unwrap(), "name=x+y");
    }

    #[test]
    fn absent_null_unknown_and_missing_keys() {
        let sample: Sample = serde_json::from_str(r#"{"note": null, "id": "b", "other": {"x": 1}}"#).unwrap();
        assert_eq!((sample.id.as_str(), sample.owner, sample.note), ("b", None, None));
        assert_eq!(sample.additional_properties["other"], serde_json::json!({"x": 1}));
        let closed: Closed = serde_json::from_str(r#"{"other": 1, "name": "n"}"#).unwrap();
        assert_eq!(closed.name.as_deref(), Some("n"));
        assert_eq!(serde_json::from_str::<Empty>(r#"{"a": [1, {"b": 2}]}"#).unwrap(), Empty {});
        let missing = serde_json::from_str::<Sample>(r#"{"owner": "o"}"#).unwrap_err();
        assert!(missing.to_string().contains("missing field `id`"), "{missing}");
        let wrong = serde_json::from_str::<Sample>(r#"{"id": "c", "note": "seven"}"#).unwrap_err();
        assert!(wrong.to_string().contains("invalid type: string"), "{wrong}");
        let not_object = serde_json::from_str::<Closed>("7").unwrap_err();
        assert!(not_object.to_string().contains("a JSON object (Closed)"), "{not_object}");
    }

    #[test]
    fn keys_borrow_when_they_can_and_own_escapes() {
        let keys: Vec<FieldKey<'_>> = serde_json::from_str(r#"["plain", "esc\"aped"]"#).unwrap();
        assert!(matches!(keys[0].0, std::borrow::Cow::Borrowed("plain")));
        assert_eq!(keys[1].as_str(), "esc\"aped");
    }
}
