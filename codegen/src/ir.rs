//! The intermediate representation: what the emitter needs to know, already
//! named in Rust terms and free of OpenAPI's indirections (`$ref`, `allOf`,
//! parameter references, response references).

/// One API: the models and operations of one spec.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub description: Option<String>,
    pub version: String,
    /// Path prefix from the first server URL, e.g. `/beta`; `""` if none.
    pub base_path: String,
    /// Example tenant URL shown in docs, from the first server.
    pub server_url: Option<String>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// Distinct error body types, in first-seen order: one variant each in
    /// the generated `ErrorBody` enum.
    pub error_bodies: Vec<ErrorBodyVariant>,
}

/// A named Rust type generated from a schema.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust type name (UpperCamelCase, valid identifier, unique).
    pub name: String,
    /// Where the schema came from, e.g. `#/components/schemas/Foo`.
    pub origin: String,
    /// The name the spec itself gives the schema: its component key, or the
    /// `title` of an inline schema. The same schema keeps it in every form of
    /// a document (multi-file, bundled, dereferenced), so `spec-diff` matches
    /// types by it; `None` for an inline schema named after its position.
    pub spec_name: Option<String>,
    /// Validation keywords of the schema itself (see [`Constraint`]).
    pub constraints: Vec<Constraint>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum that keeps unknown values.
    StringEnum(StringEnum),
    /// `oneOf`/`anyOf`: one variant per alternative.
    Union(Union),
    /// A named schema that is just another type (`type X = Y`).
    Alias(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties` beside declared properties: collected here.
    pub additional: Option<TypeRef>,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Name on the wire.
    pub json_name: String,
    /// Rust field name (snake_case, raw identifier if a keyword).
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// The schema default, rendered as JSON for the docs.
    pub default: Option<String>,
    /// Set when the field's type contains the parent by value (recursion).
    pub boxed: bool,
    /// Validation keywords written on the property itself.
    pub constraints: Vec<Constraint>,
}

/// A validation keyword the generated code documents but does not enforce
/// (`maxLength`, `pattern`, `minimum`, a `format` that keeps the Rust type,
/// ...): the server enforces it, and `spec-diff` reports when it changes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Constraint {
    /// The keyword as written in the spec.
    pub keyword: String,
    /// Its value, as JSON text.
    pub value: String,
}

impl Field {
    /// Fields that may be absent or null are `Option<T>` in Rust.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }
}

#[derive(Debug, Clone)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// Name of the catch-all variant holding values unknown at generation time.
    pub unknown_variant: String,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub rust_name: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// With a discriminator: the property naming the variant.
    pub tag: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    /// Discriminator values selecting this variant (tagged unions only).
    pub tag_values: Vec<String>,
}

impl Union {
    /// Emitted as a discriminated union: a tag and a value for every
    /// variant. Its catch-all variant holds a `serde_json::Value`.
    pub fn is_tagged(&self) -> bool {
        self.tag.is_some() && self.variants.iter().all(|v| !v.tag_values.is_empty())
    }
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Named(String),
    String,
    Bool,
    I32,
    I64,
    /// Only for integers beyond `i64::MAX` (an enum value or a bound says so).
    U64,
    F32,
    F64,
    DateTime,
    Date,
    /// Raw bytes (`format: binary`).
    Bytes,
    /// Any JSON value.
    Json,
    /// A free-form JSON object.
    JsonObject,
    Vec(Box<TypeRef>),
    /// A fixed-length array whose items have their own types (OpenAPI 3.1
    /// `prefixItems`): a Rust tuple, at most 12 long.
    Tuple(Vec<TypeRef>),
    Map(Box<TypeRef>),
    Option(Box<TypeRef>),
    Unit,
}

/// An HTTP operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's operationId (or one derived from method and path).
    pub operation_id: String,
    /// Method on the client, snake_case.
    pub method_name: String,
    /// Builder struct, UpperCamelCase.
    pub builder_name: String,
    pub http_method: String,
    /// Path template as in the spec, e.g. `/sessions/{sessionId}`.
    pub path: String,
    /// The operation's tags, as written.
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub success: Vec<Response>,
    /// What `send()` returns, unified over the success responses.
    pub returns: Response,
    pub errors: Vec<ErrorResponse>,
    /// `default` response schema, if any, used for undeclared statuses.
    pub default_error: Option<ErrorResponse>,
    /// Set for `offset`/`limit` collections: the builder also streams pages.
    pub pagination: Option<Pagination>,
}

/// How an operation pages through a collection.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Rust names of the builder fields for the offset and limit parameters.
    pub offset_field: String,
    pub limit_field: String,
    /// Their integer type (`I32` or `I64`).
    pub index_type: TypeRef,
    /// Items per page when the caller sets no limit: the spec's maximum
    /// for `limit`, else its default, else 250.
    pub page_size: i64,
    /// The collection's item type.
    pub item: TypeRef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// The schema default (for docs).
    pub default: Option<String>,
    /// The schema's `maximum`, for integers.
    pub maximum: Option<i64>,
    /// A required header whose value is fixed by the spec (a single-value enum
    /// or a default): sent automatically, never asked of the caller.
    pub constant: Option<String>,
    /// Arrays: `explode: true` (repeat the key) or joined by the style's
    /// delimiter.
    pub explode: bool,
    /// How a non-exploded array is joined.
    pub style: ParamStyle,
    /// Validation keywords of the parameter's schema.
    pub constraints: Vec<Constraint>,
}

/// The `style` of a parameter, as far as it changes what is sent: arrays
/// that are not exploded are joined with `,` (`form`, `simple`), ` `
/// (`spaceDelimited`) or `|` (`pipeDelimited`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamStyle {
    Form,
    Simple,
    SpaceDelimited,
    PipeDelimited,
    /// Styles sent like `form` by the generated code (`deepObject`,
    /// `matrix`, `label`), kept apart so a change to one is still seen.
    Other(&'static str),
}

impl ParamStyle {
    /// What joins the values of a non-exploded array.
    pub fn delimiter(self) -> &'static str {
        match self {
            ParamStyle::SpaceDelimited => " ",
            ParamStyle::PipeDelimited => "|",
            _ => ",",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ParamStyle::Form => "form",
            ParamStyle::Simple => "simple",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::Other(name) => name,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RequestBody {
    pub content_type: String,
    pub kind: BodyKind,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    /// Validation keywords of the body's own schema.
    pub constraints: Vec<Constraint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    Multipart,
    Text,
    Bytes,
}

#[derive(Debug, Clone)]
pub struct Response {
    /// Status code; `None` for ranges like `2XX`.
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub kind: ResponseKind,
    pub ty: TypeRef,
    pub doc: Option<String>,
    /// Validation keywords of the body's own schema.
    pub constraints: Vec<Constraint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    Json,
    Bytes,
    Text,
    Empty,
}

#[derive(Debug, Clone)]
pub struct ErrorResponse {
    /// Status code; `None` for the `default` response or a range.
    pub status: Option<u16>,
    /// For `4XX`-style ranges: the leading digit.
    pub range: Option<u16>,
    /// Index into [`Api::error_bodies`]; `None` when the body is not JSON.
    pub body: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct ErrorBodyVariant {
    pub rust_name: String,
    pub ty: TypeRef,
}
