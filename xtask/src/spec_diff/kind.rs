//! The differences `spec-diff` can report, as data and as text.

use std::fmt;

use super::model::OpKey;

/// What a difference is about: an operation or a named schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Operation(OpKey),
    Schema(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Operation(key) => write!(f, "{key}"),
            Subject::Schema(name) => write!(f, "{name}"),
        }
    }
}

/// One difference, before classification.
#[derive(Debug, Clone)]
pub struct Change {
    pub subject: Subject,
    /// Where inside the subject (`parameter query limit`,
    /// `response 200 (application/json): [].scope`); empty for the subject itself.
    pub location: String,
    pub kind: Kind,
}

/// Every kind of difference `spec-diff` reports. Values (`old`, `new`) are
/// ours and upstream's; `None` means "not set".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    OperationAdded {
        operation_id: Option<String>,
    },
    OperationRemoved {
        operation_id: Option<String>,
    },
    OperationIdChanged {
        old: Option<String>,
        new: Option<String>,
    },
    ParameterAdded {
        required: bool,
        constant: bool,
    },
    ParameterRemoved {
        constant: bool,
    },
    /// A path parameter renamed along with the path template.
    PathParameterRenamed {
        old: String,
        old_path: String,
    },
    ParameterLocationChanged {
        old: String,
        new: String,
    },
    ParameterRequiredChanged {
        old: bool,
        new: bool,
    },
    /// A required header gained or lost its default: the crate sends such a
    /// header itself as a constant instead of taking an argument.
    ParameterConstantChanged {
        now_constant: bool,
    },
    RequestBodyAdded {
        required: bool,
    },
    RequestBodyRemoved,
    RequestBodyRequiredChanged {
        old: bool,
        new: bool,
    },
    ContentTypeAdded {
        media_type: String,
    },
    ContentTypeRemoved {
        media_type: String,
    },
    ContentTypeChanged {
        old: String,
        new: String,
    },
    ResponseAdded {
        status: String,
    },
    ResponseRemoved {
        status: String,
    },
    HeaderAdded,
    HeaderRemoved,
    SchemaAdded,
    SchemaRemoved,
    SchemaRenamed {
        old: String,
        new: String,
    },
    /// A different schema at this place: another named schema, or a named
    /// schema replaced by an inline one (or the reverse).
    SchemaReplaced {
        old: String,
        new: String,
    },
    PropertyAdded {
        required: bool,
    },
    PropertyRemoved,
    TypeChanged {
        old: Option<String>,
        new: Option<String>,
    },
    FormatChanged {
        old: Option<String>,
        new: Option<String>,
        rust_type_changes: bool,
    },
    NullableChanged {
        old: bool,
        new: bool,
        optional_property: bool,
    },
    RequiredChanged {
        now_required: bool,
    },
    EnumValueAdded {
        value: String,
    },
    EnumValueRemoved {
        value: String,
    },
    EnumConstraintChanged {
        old: bool,
        new: bool,
    },
    DefaultChanged {
        old: Option<String>,
        new: Option<String>,
    },
    AdditionalPropertiesChanged {
        old: String,
        new: String,
    },
    CompositionChanged {
        keyword: &'static str,
        old: usize,
        new: usize,
    },
    /// `items`, `not` or a media type's `schema` present on one side only.
    SubschemaChanged {
        keyword: &'static str,
        old: bool,
        new: bool,
    },
    /// Any other keyword (`minimum`, `readOnly`, `deprecated`, `discriminator`, ...).
    KeywordChanged {
        keyword: String,
        old: Option<String>,
        new: Option<String>,
    },
}

impl Kind {
    /// A stable machine name for `--json`.
    pub fn tag(&self) -> &'static str {
        match self {
            Kind::OperationAdded { .. } => "operation_added",
            Kind::OperationRemoved { .. } => "operation_removed",
            Kind::OperationIdChanged { .. } => "operation_id_changed",
            Kind::ParameterAdded { .. } => "parameter_added",
            Kind::ParameterRemoved { .. } => "parameter_removed",
            Kind::PathParameterRenamed { .. } => "path_parameter_renamed",
            Kind::ParameterLocationChanged { .. } => "parameter_location_changed",
            Kind::ParameterRequiredChanged { .. } => "parameter_required_changed",
            Kind::ParameterConstantChanged { .. } => "parameter_constant_changed",
            Kind::RequestBodyAdded { .. } => "request_body_added",
            Kind::RequestBodyRemoved => "request_body_removed",
            Kind::RequestBodyRequiredChanged { .. } => "request_body_required_changed",
            Kind::ContentTypeAdded { .. } => "content_type_added",
            Kind::ContentTypeRemoved { .. } => "content_type_removed",
            Kind::ContentTypeChanged { .. } => "content_type_changed",
            Kind::ResponseAdded { .. } => "response_added",
            Kind::ResponseRemoved { .. } => "response_removed",
            Kind::HeaderAdded => "header_added",
            Kind::HeaderRemoved => "header_removed",
            Kind::SchemaAdded => "schema_added",
            Kind::SchemaRemoved => "schema_removed",
            Kind::SchemaRenamed { .. } => "schema_renamed",
            Kind::SchemaReplaced { .. } => "schema_replaced",
            Kind::PropertyAdded { .. } => "property_added",
            Kind::PropertyRemoved => "property_removed",
            Kind::TypeChanged { .. } => "type_changed",
            Kind::FormatChanged { .. } => "format_changed",
            Kind::NullableChanged { .. } => "nullable_changed",
            Kind::RequiredChanged { .. } => "required_changed",
            Kind::EnumValueAdded { .. } => "enum_value_added",
            Kind::EnumValueRemoved { .. } => "enum_value_removed",
            Kind::EnumConstraintChanged { .. } => "enum_constraint_changed",
            Kind::DefaultChanged { .. } => "default_changed",
            Kind::AdditionalPropertiesChanged { .. } => "additional_properties_changed",
            Kind::CompositionChanged { .. } => "composition_changed",
            Kind::SubschemaChanged { .. } => "subschema_changed",
            Kind::KeywordChanged { .. } => "keyword_changed",
        }
    }
}

fn or_none(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("none")
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = |p: bool| if p { "present" } else { "absent" };
        match self {
            Kind::OperationAdded { operation_id: Some(id) } => write!(f, "operation added ({id})"),
            Kind::OperationAdded { operation_id: None } => write!(f, "operation added"),
            Kind::OperationRemoved { operation_id: Some(id) } => write!(f, "operation removed ({id})"),
            Kind::OperationRemoved { operation_id: None } => write!(f, "operation removed"),
            Kind::OperationIdChanged { old, new } => write!(f, "operationId {} -> {}", or_none(old), or_none(new)),
            Kind::ParameterAdded { constant: true, .. } => {
                write!(f, "parameter added (required header with a default, sent as a constant)")
            }
            Kind::ParameterAdded { required, .. } => {
                write!(f, "parameter added ({})", if *required { "required" } else { "optional" })
            }
            Kind::ParameterRemoved { constant: true } => {
                write!(f, "parameter removed (required header with a default, was sent as a constant)")
            }
            Kind::ParameterRemoved { constant: false } => write!(f, "parameter removed"),
            Kind::PathParameterRenamed { old, old_path } => write!(f, "renamed from `{old}` (path was {old_path})"),
            Kind::ParameterLocationChanged { old, new } => write!(f, "location {old} -> {new}"),
            Kind::ParameterRequiredChanged { old, new } | Kind::RequestBodyRequiredChanged { old, new } => {
                write!(f, "required {old} -> {new}")
            }
            Kind::ParameterConstantChanged { now_constant: true } => {
                write!(f, "required header now has a default: sent as a constant, no longer an argument")
            }
            Kind::ParameterConstantChanged { now_constant: false } => {
                write!(f, "required header lost its default: now an argument instead of a constant")
            }
            Kind::RequestBodyAdded { required } => {
                write!(f, "request body added ({})", if *required { "required" } else { "optional" })
            }
            Kind::RequestBodyRemoved => write!(f, "request body removed"),
            Kind::ContentTypeAdded { media_type } => write!(f, "content type {media_type} added"),
            Kind::ContentTypeRemoved { media_type } => write!(f, "content type {media_type} removed"),
            Kind::ContentTypeChanged { old, new } => write!(f, "content type {old} -> {new}"),
            Kind::ResponseAdded { status } => write!(f, "response {status} added"),
            Kind::ResponseRemoved { status } => write!(f, "response {status} removed"),
            Kind::HeaderAdded => write!(f, "header added"),
            Kind::HeaderRemoved => write!(f, "header removed"),
            Kind::SchemaAdded => write!(f, "schema added"),
            Kind::SchemaRemoved => write!(f, "schema removed"),
            Kind::SchemaRenamed { old, new } => write!(f, "schema renamed {old} -> {new}"),
            Kind::SchemaReplaced { old, new } => write!(f, "schema {old} -> {new}"),
            Kind::PropertyAdded { required } => {
                write!(f, "property added ({})", if *required { "required" } else { "optional" })
            }
            Kind::PropertyRemoved => write!(f, "property removed"),
            Kind::TypeChanged { old, new } => {
                write!(f, "type {} -> {}", old.as_deref().unwrap_or("any"), new.as_deref().unwrap_or("any"))
            }
            Kind::FormatChanged { old, new, .. } => write!(f, "format {} -> {}", or_none(old), or_none(new)),
            Kind::NullableChanged { old, new, .. } => write!(f, "nullable {old} -> {new}"),
            Kind::RequiredChanged { now_required: true } => write!(f, "now required"),
            Kind::RequiredChanged { now_required: false } => write!(f, "no longer required"),
            Kind::EnumValueAdded { value } => write!(f, "enum value {value} added"),
            Kind::EnumValueRemoved { value } => write!(f, "enum value {value} removed"),
            Kind::EnumConstraintChanged { old, new } => write!(f, "enum {} -> {}", present(*old), present(*new)),
            Kind::DefaultChanged { old, new } => write!(f, "default {} -> {}", or_none(old), or_none(new)),
            Kind::AdditionalPropertiesChanged { old, new } => write!(f, "additionalProperties {old} -> {new}"),
            Kind::CompositionChanged { keyword, old, new } => write!(f, "{keyword} members {old} -> {new}"),
            Kind::SubschemaChanged { keyword, old, new } => {
                write!(f, "{keyword} {} -> {}", present(*old), present(*new))
            }
            Kind::KeywordChanged { keyword, old, new } => write!(f, "{keyword} {} -> {}", or_none(old), or_none(new)),
        }
    }
}
