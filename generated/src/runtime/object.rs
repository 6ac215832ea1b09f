//! How generated structs meet JSON: `json_object!` writes a struct's
//! `Serialize` and `Deserialize` from its field list, and [`FieldKey`] is
//! the object key it reads. One macro in the runtime instead of serde's
//! derives: a derive also emits a field-identifier type, a sequence visitor,
//! and for `flatten` a buffered second pass, and in a crate of a whole API
//! those made up most of `cargo check`'s time; the expansion here is the
//! least code that reads and writes an object key by key.

use std::borrow::Cow;
use std::fmt;

use std::collections::HashMap;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

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
///
/// The expansion is shaped for `cargo check`: `rustc`'s peak memory grows
/// with the MIR of these impls, and each `?` is a dozen or more blocks. So
/// a field costs one helper call and no `?` when written ([`ObjectWriter`]
/// keeps the first error), one helper call per key and one `?` per key when
/// read, and the visitor is shared ([`deserialize_object`]).
#[allow(unused_macros)] // a crate may have no structs
macro_rules! json_object {
    ($name:ident { $($kind:ident $field:ident = $key:literal),* $(,)? }) => {
        $crate::runtime::object::json_object!(@impl [map] $name { $($kind $field = $key),* } {
            _ => $crate::runtime::object::skip_value(&mut map),
        });
    };
    ($name:ident { $($kind:ident $field:ident = $key:literal),* $(,)? } additional_properties) => {
        $crate::runtime::object::json_object!(@impl [map] $name { $($kind $field = $key),* } {
            other => $crate::runtime::object::next_extra(&mut map, &mut additional_properties, other),
        } additional_properties);
    };
    // `__S`, `__A`: item names are not hygienic, and a spec may name its own
    // types `S` or `A`. Locals are: a field's slot is named after the field,
    // and `$map` comes from the rule that also wrote the unknown-key arm,
    // which uses it.
    (@impl [$map:ident] $name:ident { $($kind:ident $field:ident = $key:literal),* } { $($other:tt)* } $($additional:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                #[allow(unused_mut)] // an empty object writes nothing
                let mut writer = $crate::runtime::object::ObjectWriter::new(serializer);
                $($crate::runtime::object::$kind::write(&mut writer, $key, &self.$field);)*
                $(writer.extra(&self.$additional);)?
                writer.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::runtime::object::deserialize_object(deserializer)
            }
        }

        impl<'de> $crate::runtime::object::FromObject<'de> for $name {
            const EXPECTING: &'static str = ::std::concat!("a JSON object (", ::std::stringify!($name), ")");

            fn from_object<__A: ::serde::de::MapAccess<'de>>(mut $map: __A) -> ::std::result::Result<Self, __A::Error> {
                $(let mut $field = ::std::option::Option::None;)*
                $(let mut $additional = ::std::collections::HashMap::new();)?
                while let ::std::option::Option::Some(key) = $map.next_key::<$crate::runtime::FieldKey<'de>>()? {
                    #[allow(clippy::match_single_binding)]
                    match key.as_str() {
                        $($key => $crate::runtime::object::$kind::read(&mut $map, &mut $field),)*
                        $($other)*
                    }?;
                }
                ::std::result::Result::Ok($name {
                    $($field: $crate::runtime::object::$kind::finish!($field, $key, __A),)*
                    $($additional,)?
                })
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use json_object;

/// A struct that `json_object!` reads from a JSON object.
pub trait FromObject<'de>: Sized {
    /// What the error for a value that is not an object says was expected.
    const EXPECTING: &'static str;

    /// Read the object's entries.
    fn from_object<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every generated struct: one visitor for all.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: FromObject<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);

    impl<'de, T: FromObject<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_object(map)
        }
    }

    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Skip the value of a key no field has.
#[inline]
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Keep the value of a key no field has in the extra properties.
#[inline]
pub fn next_extra<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, extra: &mut HashMap<String, T>, key: &str) -> Result<(), A::Error> {
    let value = map.next_value()?;
    extra.insert(key.to_owned(), value);
    Ok(())
}

/// Writes an object entry by entry; the first error ends it (nothing more
/// is written) and is what [`end`](Self::end) returns.
pub struct ObjectWriter<M: SerializeMap> {
    state: Result<M, M::Error>,
}

impl<M: SerializeMap> ObjectWriter<M> {
    /// Start the object.
    #[inline]
    pub fn new<S: Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>>(serializer: S) -> Self {
        ObjectWriter { state: serializer.serialize_map(None) }
    }

    /// Write one entry.
    #[inline]
    pub fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        if let Ok(map) = &mut self.state {
            if let Err(error) = map.serialize_entry(key, value) {
                self.state = Err(error);
            }
        }
    }

    /// Write the extra properties.
    pub fn extra<T: Serialize>(&mut self, extra: &HashMap<String, T>) {
        for (key, value) in extra {
            self.entry(key, value);
        }
    }

    /// Finish the object, or return the first error.
    #[inline]
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.state.and_then(SerializeMap::end)
    }
}

/// A field that must be present (and is not `null` unless its type says so).
pub mod required {
    use serde::de::{Deserialize, MapAccess};
    use serde::ser::{Serialize, SerializeMap};

    use super::ObjectWriter;

    /// Read the field's value.
    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error> {
        *slot = Some(map.next_value()?);
        Ok(())
    }

    /// Write the field.
    #[inline]
    pub fn write<M: SerializeMap, T: Serialize + ?Sized>(writer: &mut ObjectWriter<M>, key: &str, value: &T) {
        writer.entry(key, value);
    }

    /// The value read, or a missing-field error (a `match` rather than a
    /// helper and `?`: less MIR).
    #[allow(unused_macros)]
    macro_rules! finish {
        ($slot:ident, $key:literal, $map:ident) => {
            match $slot {
                ::std::option::Option::Some(value) => value,
                ::std::option::Option::None => {
                    return ::std::result::Result::Err(<$map::Error as ::serde::de::Error>::missing_field($key));
                }
            }
        };
    }
    #[allow(unused_imports)]
    pub(crate) use finish;
}

/// A required field that may be `null`: an `Option` written even when `None`
/// (as `null`); decoded from an absent key as `None` too, like serde does.
pub mod nullable {
    pub use super::optional::read;
    pub use super::required::write;
    #[allow(unused_imports)]
    pub(crate) use super::optional::finish;
}

/// A field that may be absent: an `Option` left out when `None`.
pub mod optional {
    use serde::de::{Deserialize, MapAccess};
    use serde::ser::{Serialize, SerializeMap};

    use super::ObjectWriter;

    /// Read the field's value; `null` is `None`.
    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error> {
        *slot = map.next_value()?;
        Ok(())
    }

    /// Write the field unless it is `None`.
    #[inline]
    pub fn write<M: SerializeMap, T: Serialize>(writer: &mut ObjectWriter<M>, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            writer.entry(key, value);
        }
    }

    /// The value read; absent is `None`.
    #[allow(unused_macros)]
    macro_rules! finish {
        ($slot:ident, $key:literal, $map:ident) => {
            $slot
        };
    }
    #[allow(unused_imports)]
    pub(crate) use finish;
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
