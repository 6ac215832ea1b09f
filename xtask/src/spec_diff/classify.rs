//! Breaking or additive, *for the generated crate*.
//!
//! The question is not "can an old client still talk to the new server" but
//! "if we apply this upstream change to `spec/` and regenerate, can code
//! written against the current `sailpoint-role-mining` still compile and
//! still decode what it receives". How the generator maps the spec decides
//! it (see `codegen/src/resolve/`):
//!
//! * every operation is a method named after its `operationId`; required
//!   path/query parameters and required bodies are arguments, optional ones
//!   are builder methods; a required header with a default is sent as a
//!   constant and is neither;
//! * every component schema is a type named after its component; a property
//!   is `Option<T>` unless it is required and not nullable;
//! * string enums are `#[non_exhaustive]` with an `Unknown(String)` variant,
//!   so values the server adds later still decode;
//! * models derive `Default` where they can, and callers build them with
//!   `..Default::default()` (as the README shows), so a new optional field
//!   does not break them (strict Rust semver would call any new `pub` field
//!   breaking; we follow the crate's documented convention).
//!
//! **Breaking** (a caller's code may stop compiling, or a response it decodes
//! today may stop decoding):
//!
//! * an operation removed, or its `operationId` changed (the method is renamed);
//! * a parameter removed, moved to another location, or a new required one
//!   (a new argument) - except a required header with a default, which the
//!   crate sends itself and so can add or drop freely; `required` changed
//!   either way (argument <-> builder method); a required header gaining or
//!   losing its default (constant <-> argument);
//! * a request body removed, a new required one, or `required` changed;
//! * a content type removed or replaced (request or response);
//! * a response status removed; a new 2xx status (the return type of `send()`
//!   can change when success responses differ); a response header removed;
//! * a schema removed, renamed, or replaced by another at some place (the
//!   Rust type changes);
//! * a property removed; a new required property; a property made required
//!   or optional (`T` <-> `Option<T>`);
//! * a type changed; a format changed where it changes the Rust type
//!   (`int32` -> `int64`, `date-time`, `date`, `binary`, `float`);
//! * nullable -> non-nullable anywhere (responses may no longer be `null`
//!   where code expects an `Option`, and the field type can lose its
//!   `Option`); non-nullable -> nullable anywhere except on an optional
//!   property (elsewhere `T` becomes `Option<T>`, and today's crate would
//!   fail to decode the `null`);
//! * an enum value removed (its variant disappears); an enum constraint added
//!   or dropped (`String` <-> enum type);
//! * `items`, `not` or a media type's `schema` appearing or disappearing,
//!   `allOf`/`oneOf`/`anyOf` gaining or losing members, `additionalProperties`
//!   gaining or losing a schema (the map field or map type the crate generates
//!   for it), a `discriminator` changed.
//!
//! **Additive** (regenerate and publish a patch release):
//!
//! * an operation added; an optional parameter added; a required header
//!   with a default added or removed (a constant the crate sends); a path
//!   parameter renamed
//!   together with its path (arguments are positional);
//! * an optional request body added; a content type added; a non-2xx response
//!   status added; a response header added;
//! * a schema added; an optional property added; an enum value added;
//!   `additionalProperties` switched between absent, `true` and `false`
//!   (the crate generates nothing for those);
//! * non-nullable -> nullable on an optional property (`Option<T>` either way);
//! * a format change that keeps the Rust type (`uuid`, `email`,
//!   `comma-separated`, ...);
//! * defaults (documentation and the page size), `deprecated`, `readOnly` /
//!   `writeOnly` (documentation notes), validation keywords (`minimum`,
//!   `maxLength`, `pattern`, ...: the crate does not enforce them) and any
//!   other keyword not listed above.

use super::compare::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Additive,
    Breaking,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Additive => "additive",
            Severity::Breaking => "breaking",
        }
    }
}

/// Classify one difference; the rules are in the module documentation.
pub fn classify(kind: &Kind) -> Severity {
    use Severity::{Additive, Breaking};
    match kind {
        Kind::OperationAdded { .. } => Additive,
        Kind::OperationRemoved { .. } | Kind::OperationIdChanged { .. } => Breaking,
        Kind::ParameterAdded { required, constant } => {
            if *required && !constant {
                Breaking
            } else {
                Additive
            }
        }
        Kind::ParameterRemoved { constant } => {
            if *constant {
                Additive
            } else {
                Breaking
            }
        }
        Kind::ParameterLocationChanged { .. }
        | Kind::ParameterRequiredChanged { .. }
        | Kind::ParameterConstantChanged { .. } => Breaking,
        Kind::PathParameterRenamed { .. } => Additive,
        Kind::RequestBodyAdded { required } => {
            if *required {
                Breaking
            } else {
                Additive
            }
        }
        Kind::RequestBodyRemoved | Kind::RequestBodyRequiredChanged { .. } => Breaking,
        Kind::ContentTypeAdded { .. } => Additive,
        Kind::ContentTypeRemoved { .. } | Kind::ContentTypeChanged { .. } => Breaking,
        Kind::ResponseAdded { status } => {
            if status.starts_with('2') {
                Breaking
            } else {
                Additive
            }
        }
        Kind::ResponseRemoved { .. } | Kind::HeaderRemoved => Breaking,
        Kind::HeaderAdded => Additive,
        Kind::SchemaAdded => Additive,
        Kind::SchemaRemoved | Kind::SchemaRenamed { .. } | Kind::SchemaReplaced { .. } => Breaking,
        Kind::PropertyAdded { required } => {
            if *required {
                Breaking
            } else {
                Additive
            }
        }
        Kind::PropertyRemoved | Kind::RequiredChanged { .. } | Kind::TypeChanged { .. } => Breaking,
        Kind::FormatChanged { rust_type_changes, .. } => {
            if *rust_type_changes {
                Breaking
            } else {
                Additive
            }
        }
        Kind::NullableChanged { new, optional_property, .. } => {
            if *new && *optional_property {
                Additive
            } else {
                Breaking
            }
        }
        Kind::EnumValueAdded { .. } => Additive,
        Kind::EnumValueRemoved { .. } | Kind::EnumConstraintChanged { .. } => Breaking,
        Kind::DefaultChanged { .. } => Additive,
        Kind::AdditionalPropertiesChanged { old, new } => {
            // Only a schema becomes Rust (a map field or map type).
            if old == "schema" || new == "schema" {
                Breaking
            } else {
                Additive
            }
        }
        Kind::CompositionChanged { .. } | Kind::SubschemaChanged { .. } => Breaking,
        Kind::KeywordChanged { keyword, .. } => {
            if keyword == "discriminator" {
                Breaking
            } else {
                Additive
            }
        }
    }
}
