//! One flat view of a schema.
//!
//! `openapiv3` splits schemas into typed variants (`Type::String`, ...) and a
//! catch-all `AnySchema` that it uses whenever keywords are mixed (an object
//! with `items`, a `type` it does not know, a string with `minimum`). Real
//! specs hit the catch-all often, so the resolver reads every schema through
//! this view and never has to care which variant openapiv3 chose.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

pub struct SchemaView<'a> {
    /// The `type` keyword as written, if any.
    pub typ: Option<String>,
    pub format: Option<String>,
    pub properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub required: &'a [String],
    pub additional_properties: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    /// Enum values as JSON (strings, numbers, `null`).
    pub enumeration: Vec<Value>,
    /// The `default` value, if any.
    pub default: Option<&'a Value>,
    /// `minimum` and `maximum` as written (integers stay exact).
    pub minimum: Option<Value>,
    pub maximum: Option<Value>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
    pub has_not: bool,
}

fn format_of<T: serde::Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => {
            serde_json::to_value(item).ok().and_then(|v| v.as_str().map(str::to_owned))
        }
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn to_values<T: serde::Serialize>(values: &[Option<T>]) -> Vec<Value> {
    values.iter().map(|v| serde_json::to_value(v).unwrap_or(Value::Null)).collect()
}

impl<'a> SchemaView<'a> {
    pub fn new(schema: &'a Schema) -> Self {
        let mut view = SchemaView {
            typ: None,
            format: None,
            properties: None,
            required: &[],
            additional_properties: None,
            items: None,
            enumeration: Vec::new(),
            default: schema.schema_data.default.as_ref(),
            minimum: None,
            maximum: None,
            exclusive_minimum: false,
            exclusive_maximum: false,
            one_of: &[],
            any_of: &[],
            all_of: &[],
            has_not: false,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.typ = Some("string".into());
                view.format = format_of(&s.format);
                view.enumeration = to_values(&s.enumeration);
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.typ = Some("number".into());
                view.format = format_of(&n.format);
                view.enumeration = to_values(&n.enumeration);
                view.minimum = n.minimum.map(Value::from);
                view.maximum = n.maximum.map(Value::from);
                view.exclusive_minimum = n.exclusive_minimum;
                view.exclusive_maximum = n.exclusive_maximum;
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.typ = Some("integer".into());
                view.format = format_of(&i.format);
                view.enumeration = to_values(&i.enumeration);
                view.minimum = i.minimum.map(Value::from);
                view.maximum = i.maximum.map(Value::from);
                view.exclusive_minimum = i.exclusive_minimum;
                view.exclusive_maximum = i.exclusive_maximum;
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                view.typ = Some("boolean".into());
                view.enumeration = to_values(&b.enumeration);
            }
            SchemaKind::Type(Type::Object(o)) => {
                view.typ = Some("object".into());
                view.properties = Some(&o.properties);
                view.required = &o.required;
                view.additional_properties = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.typ = Some("array".into());
                view.items = a.items.as_ref();
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::Not { .. } => view.has_not = true,
            SchemaKind::Any(any) => {
                view.typ = any.typ.clone();
                view.format = any.format.clone();
                if !any.properties.is_empty() {
                    view.properties = Some(&any.properties);
                }
                view.required = &any.required;
                view.additional_properties = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.enumeration = any.enumeration.clone();
                view.minimum = any.minimum.map(Value::from);
                view.maximum = any.maximum.map(Value::from);
                view.exclusive_minimum = any.exclusive_minimum.unwrap_or(false);
                view.exclusive_maximum = any.exclusive_maximum.unwrap_or(false);
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
                view.all_of = &any.all_of;
                view.has_not = any.not.is_some();
            }
        }
        view
    }

    pub fn is_object_like(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
            || self.typ.as_deref() == Some("object")
            || (self.typ.is_none() && self.additional_properties.is_some())
    }

    /// Enum values without `null` (which only says "nullable").
    pub fn non_null_enum(&self) -> Vec<&Value> {
        self.enumeration.iter().filter(|v| !v.is_null()).collect()
    }

    pub fn enum_has_null(&self) -> bool {
        self.enumeration.iter().any(Value::is_null)
    }

    /// Only annotations (description, nullable, readOnly, ...) and nothing
    /// that constrains the shape: the `{nullable: true}` half of the common
    /// `allOf: [{$ref: X}, {nullable: true}]` idiom.
    pub fn is_annotation_only(&self) -> bool {
        self.typ.is_none()
            && self.format.is_none()
            && self.properties.is_none()
            && self.additional_properties.is_none()
            && self.items.is_none()
            && self.enumeration.is_empty()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.all_of.is_empty()
            && !self.has_not
    }
}
