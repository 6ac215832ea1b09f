use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, Error, Visitor};

/// Deserialize a string enum from its wire value without allocating for the
/// known values. Unknown values are kept by the enum's `From<&str>` (its
/// catch-all variant), so a value the server adds later decodes fine.
pub fn deserialize_wire_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct WireVisitor<T>(PhantomData<T>);

    impl<T: for<'a> From<&'a str>> Visitor<'_> for WireVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(WireVisitor(PhantomData))
}

/// The impls of a generated string enum, from its variants and their wire
/// values (the enum itself is written out, with its docs):
///
/// ```text
/// wire_enum!(State, Unknown { Created = "CREATED", Completed = "COMPLETED" });
/// ```
///
/// `as_str`, `From<&str>` (an unknown value becomes the catch-all variant),
/// `FromStr`, `Display`, `Serialize`, `Deserialize` and `ParamValue`. One
/// macro rather than seven impls written out per enum: a crate of a whole
/// API has hundreds of enums, and the generator and `rustc` both read less.
#[allow(unused_macros)] // a crate may have no string enums
macro_rules! wire_enum {
    ($name:ident, $unknown:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $value,)*
                    $name::$unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => $name::$variant,)*
                    other => $name::$unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            // Not `Self::Err`: ambiguous beside a variant called `Err`.
            fn from_str(value: &str) -> ::std::result::Result<Self, ::std::convert::Infallible> {
                ::std::result::Result::Ok(<Self as ::std::convert::From<&str>>::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::runtime::deserialize_wire_enum(deserializer)
            }
        }

        impl $crate::runtime::ParamValue for $name {
            fn to_param(&self) -> ::std::string::String {
                ::std::borrow::ToOwned::to_owned(self.as_str())
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use wire_enum;
