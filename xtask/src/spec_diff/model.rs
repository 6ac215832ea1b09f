//! The canonical model `spec-diff` compares: only what a client depends on.

use std::collections::{BTreeMap, BTreeSet};

/// HTTP methods in the order operations are reported.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One API description, reduced to what `spec-diff` compares.
#[derive(Debug, Clone, Default)]
pub struct Api {
    pub operations: BTreeMap<OpKey, Operation>,
    /// Every schema under `#/components/schemas` after bundling, including
    /// schemas hoisted there from other files.
    pub schemas: BTreeMap<String, Schema>,
    /// The component schemas the root document itself declares (`None` when
    /// it declares none, as in a dereferenced document). Only these names are
    /// the spec's own; hoisted names are derived from titles or file names.
    pub declared: Option<BTreeSet<String>>,
    /// `servers[*].url`, used to tell which API version a document describes.
    pub server_urls: Vec<String>,
    pub info_version: Option<String>,
}

impl Api {
    /// Whether `name` is a component schema the document declares itself.
    pub fn declares(&self, name: &str) -> bool {
        self.declared.as_ref().is_some_and(|d| d.contains(name))
    }
}

/// An operation's identity: path template (literal) and method.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpKey {
    pub path: String,
    /// Index into [`METHODS`].
    pub method: usize,
}

impl OpKey {
    pub fn method_name(&self) -> &'static str {
        METHODS.get(self.method).copied().unwrap_or("?")
    }
}

impl std::fmt::Display for OpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method_name().to_ascii_uppercase(), self.path)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Operation {
    pub operation_id: Option<String>,
    pub deprecated: bool,
    pub tags: Vec<String>,
    /// Path-level parameters merged in; an operation's own win.
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    /// By status code as written (`200`, `4XX`, `default`).
    pub responses: BTreeMap<String, Response>,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    /// `query`, `header`, `path` or `cookie`.
    pub location: String,
    /// Always true for path parameters.
    pub required: bool,
    pub deprecated: bool,
    pub schema: Option<Schema>,
}

impl Parameter {
    /// Header names are case-insensitive; everything else is compared as written.
    pub fn key(&self) -> (String, String) {
        let name = if self.location == "header" { self.name.to_ascii_lowercase() } else { self.name.clone() };
        (self.location.clone(), name)
    }
}

#[derive(Debug, Clone, Default)]
pub struct RequestBody {
    pub required: bool,
    /// Media type -> schema.
    pub content: BTreeMap<String, Option<Schema>>,
}

#[derive(Debug, Clone, Default)]
pub struct Response {
    pub content: BTreeMap<String, Option<Schema>>,
    /// By lower-cased header name.
    pub headers: BTreeMap<String, Header>,
}

#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    pub required: bool,
    pub schema: Option<Schema>,
}

#[derive(Debug, Clone)]
pub enum Schema {
    /// `$ref: '#/components/schemas/NAME'`.
    Named(String),
    /// A non-component reference met again while inlining it.
    Recursive(String),
    Node(Box<Node>),
}

/// The structural keywords of one schema. JSON values (enum members,
/// defaults, other keywords) are kept as canonical JSON text (sorted keys),
/// so comparing them is comparing strings.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// `type`; a JSON Schema type list is joined with `|` (minus `null`).
    pub types: Option<String>,
    pub format: Option<String>,
    pub nullable: bool,
    pub enum_values: Option<Vec<String>>,
    pub default: Option<String>,
    pub required: BTreeSet<String>,
    pub properties: BTreeMap<String, Schema>,
    pub items: Option<Schema>,
    pub additional: Additional,
    pub all_of: Vec<Schema>,
    pub one_of: Vec<Schema>,
    pub any_of: Vec<Schema>,
    pub not: Option<Schema>,
    /// Every other keyword that is not prose (`minimum`, `readOnly`,
    /// `deprecated`, `discriminator`, ...), as canonical JSON.
    pub other: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub enum Additional {
    #[default]
    Absent,
    Bool(bool),
    Schema(Schema),
}
