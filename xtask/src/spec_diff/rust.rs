//! How the generated crate spells things, for the report: Rust types and
//! the paths of the items a difference affects.

use sailpoint_codegen::ir::{BodyKind, Field, ResponseKind, TypeRef};

/// A type as it reads in the generated code (paths shortened to what a
/// reader recognises).
pub fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::U64 => "u64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map<String, Value>".into(),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Tuple(items) => tuple_text(items, type_text),
        TypeRef::Map(inner) => format!("HashMap<String, {}>", type_text(inner)),
        TypeRef::Option(inner) => format!("Option<{}>", type_text(inner)),
        TypeRef::Unit => "()".into(),
    }
}

/// `(A, B)`, `(A,)`: a tuple as Rust writes it, each item by `text`.
pub fn tuple_text(items: &[TypeRef], mut text: impl FnMut(&TypeRef) -> String) -> String {
    let items: Vec<String> = items.iter().map(&mut text).collect();
    if items.len() == 1 {
        format!("({},)", items[0])
    } else {
        format!("({})", items.join(", "))
    }
}

/// A field's type as declared: `Option<T>` unless required and not
/// nullable (the emitter's rule, `emit/models.rs`).
pub fn field_type(field: &Field) -> TypeRef {
    if field.is_optional() && !matches!(field.ty, TypeRef::Option(_)) {
        TypeRef::Option(Box::new(field.ty.clone()))
    } else {
        field.ty.clone()
    }
}

/// What a request body method takes, by body kind (`emit/operations.rs`):
/// multipart, bytes and text bodies take fixed types; the rest the model.
pub enum BodyInput<'a> {
    Fixed(&'static str),
    Model(&'a TypeRef),
}

pub fn body_input(kind: BodyKind, ty: &TypeRef) -> BodyInput<'_> {
    match kind {
        BodyKind::Multipart => BodyInput::Fixed("Multipart"),
        BodyKind::Bytes => BodyInput::Fixed("impl Into<Bytes>"),
        BodyKind::Text => BodyInput::Fixed("impl Into<String>"),
        BodyKind::Json | BodyKind::Form => BodyInput::Model(ty),
    }
}

/// What `send()` returns, by response kind.
pub fn response_output(kind: ResponseKind, ty: &TypeRef) -> BodyInput<'_> {
    match kind {
        ResponseKind::Json => BodyInput::Model(ty),
        ResponseKind::Bytes => BodyInput::Fixed("Bytes"),
        ResponseKind::Text => BodyInput::Fixed("String"),
        ResponseKind::Empty => BodyInput::Fixed("()"),
    }
}

/// Paths of generated items inside the API's module (`beta`, or `api` in a
/// standalone crate).
#[derive(Debug, Clone)]
pub struct Items {
    pub module: String,
}

impl Items {
    pub fn model(&self, name: &str) -> String {
        format!("{}::models::{name}", self.module)
    }

    pub fn member(&self, ty: &str, member: &str) -> String {
        format!("{}::models::{ty}::{}", self.module, member.trim_start_matches("r#"))
    }

    pub fn method(&self, method: &str) -> String {
        format!("{}::Client::{method}", self.module)
    }

    pub fn builder(&self, builder: &str, member: &str) -> String {
        format!("{}::builders::{builder}::{}", self.module, member.trim_start_matches("r#"))
    }

    pub fn top(&self, item: &str) -> String {
        format!("{}::{item}", self.module)
    }
}
