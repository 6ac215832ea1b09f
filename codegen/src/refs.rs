//! What a `$ref` may point at, for [`crate::bundle`].
//!
//! * [`Ctx`]: what kind of OpenAPI node sits at a place in a document. It
//!   decides whether an object there may be a reference at all: the keys of
//!   `properties`, `patternProperties` and the other name-keyed maps are names
//!   (a property may be called `$ref`), and examples, defaults, `enum` and
//!   `const` values, discriminator mappings and `x-` extensions are data.
//!   The same rules tell what a JSON pointer points at, so a schema reference
//!   to a parameter is reported as such.
//! * [`pointer_tokens`]: a `$ref` fragment as RFC 6901 reference tokens.
//! * [`pointer_name`]: the stable type name for a schema that a `$ref` reaches
//!   deep inside another object (`#/components/schemas/A/properties/bias` is
//!   `ABias`).

use serde_json::Value;

use crate::error::escape_token;

/// An OpenAPI object kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Root,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    /// A map of runtime expressions to path items.
    Callback,
    Schema,
    /// Anything else (info, servers, links, `xml`, ...), or not known.
    Other,
}

impl Node {
    /// "a schema", "a request body", ...
    pub fn describe(self) -> &'static str {
        match self {
            Node::Root => "the document root",
            Node::Components => "the components object",
            Node::PathItem => "a path item",
            Node::Operation => "an operation",
            Node::Parameter => "a parameter",
            Node::RequestBody => "a request body",
            Node::Response => "a response",
            Node::Header => "a header",
            Node::MediaType => "a media type object",
            Node::Encoding => "an encoding object",
            Node::Callback => "a callback",
            Node::Schema => "a schema",
            Node::Other => "an object",
        }
    }

    /// The `components` section whose entries have this kind.
    pub fn section(self) -> Option<&'static str> {
        match self {
            Node::Schema => Some("schemas"),
            Node::Parameter => Some("parameters"),
            Node::RequestBody => Some("requestBodies"),
            Node::Response => Some("responses"),
            Node::Header => Some("headers"),
            _ => None,
        }
    }
}

/// What a place in a document holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// An object of this kind, or a `$ref` standing for one.
    Node(Node),
    /// A map whose keys are names (never a `$ref`) and whose values are `Node`s.
    Map(Node),
    /// An array of `Node`s.
    List(Node),
    /// Data: examples, defaults, `enum` and `const` values, discriminator
    /// mappings, vendor extensions. Never resolved.
    Opaque,
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl Ctx {
    /// The context of the value under `key` of an object in this context.
    pub fn child(self, key: &str) -> Ctx {
        let node = match self {
            Ctx::Opaque => return Ctx::Opaque,
            Ctx::Map(n) | Ctx::List(n) => return Ctx::Node(n),
            Ctx::Node(n) => n,
        };
        if key.starts_with("x-") {
            // Vendor extensions are not OpenAPI structure.
            return Ctx::Opaque;
        }
        match (node, key) {
            (_, "example" | "examples" | "default" | "enum" | "const") => Ctx::Opaque,
            (Node::Root, "paths" | "webhooks") => Ctx::Map(Node::PathItem),
            (Node::Root, "components") => Ctx::Node(Node::Components),
            (Node::Components, "schemas") => Ctx::Map(Node::Schema),
            (Node::Components, "parameters") => Ctx::Map(Node::Parameter),
            (Node::Components, "requestBodies") => Ctx::Map(Node::RequestBody),
            (Node::Components, "responses") => Ctx::Map(Node::Response),
            (Node::Components, "headers") => Ctx::Map(Node::Header),
            (Node::Components, "pathItems") => Ctx::Map(Node::PathItem),
            (Node::Components | Node::Operation, "callbacks") => Ctx::Map(Node::Callback),
            (Node::Callback, _) => Ctx::Node(Node::PathItem),
            (Node::PathItem, m) if METHODS.contains(&m) => Ctx::Node(Node::Operation),
            (Node::PathItem | Node::Operation, "parameters") => Ctx::List(Node::Parameter),
            (Node::Operation, "requestBody") => Ctx::Node(Node::RequestBody),
            (Node::Operation, "responses") => Ctx::Map(Node::Response),
            (Node::Parameter | Node::Header | Node::RequestBody | Node::Response, "content") => Ctx::Map(Node::MediaType),
            (Node::Response | Node::Encoding, "headers") => Ctx::Map(Node::Header),
            (Node::MediaType, "encoding") => Ctx::Map(Node::Encoding),
            (Node::Schema, "discriminator") => Ctx::Opaque,
            (Node::Schema, "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas") => {
                Ctx::Map(Node::Schema)
            }
            (Node::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => Ctx::List(Node::Schema),
            (
                Node::Schema,
                "additionalItems" | "contains" | "propertyNames" | "if" | "then" | "else" | "unevaluatedItems"
                | "unevaluatedProperties",
            ) => Ctx::Node(Node::Schema),
            // Wherever they are met: the shape of a schema.
            (_, "schema" | "items" | "additionalProperties" | "not") => Ctx::Node(Node::Schema),
            (_, "properties" | "patternProperties") => Ctx::Map(Node::Schema),
            _ => Ctx::Node(Node::Other),
        }
    }

    /// The context of the items of an array in this context.
    pub fn item(self) -> Ctx {
        match self {
            Ctx::Opaque => Ctx::Opaque,
            Ctx::List(n) => Ctx::Node(n),
            // Tuple-form `items: [...]`.
            Ctx::Node(Node::Schema) => Ctx::Node(Node::Schema),
            _ => Ctx::Node(Node::Other),
        }
    }

    /// May an object here be a `$ref`?
    pub fn may_refer(self) -> bool {
        matches!(self, Ctx::Node(_))
    }

    /// The kind an object here must have, if one is known.
    pub fn node(self) -> Node {
        match self {
            Ctx::Node(n) => n,
            _ => Node::Other,
        }
    }
}

/// What `value`, found in context `found` (`None`: the file's layout is not
/// known, and nothing is said), is, when it cannot be what a reference
/// expecting `expected` wants: "a parameter", "a string", ...
pub fn kind_problem(expected: Node, found: Option<Ctx>, value: &Value) -> Option<String> {
    // In a file of unknown layout, the parser judges what the target is.
    let found = found?;
    let shape = match value {
        Value::Object(_) => None,
        Value::Bool(_) if expected == Node::Schema => None,
        Value::Null => Some("null"),
        Value::Bool(_) => Some("a boolean"),
        Value::Number(_) => Some("a number"),
        Value::String(_) => Some("a string"),
        Value::Array(_) => Some("an array"),
    };
    if let Some(shape) = shape {
        return Some(shape.to_owned());
    }
    match found {
        Ctx::Node(Node::Other) | Ctx::Opaque => None,
        Ctx::Node(n) if n == expected => None,
        Ctx::Node(n) => Some(n.describe().to_owned()),
        Ctx::Map(n) | Ctx::List(n) => {
            let what = n.describe().trim_start_matches("an ").trim_start_matches("a ");
            Some(format!("a map of {what}s"))
        }
    }
}

/// The reference tokens of a `$ref` fragment (`/a~1b/c` -> `["a/b", "c"]`).
pub fn pointer_tokens(fragment: &str) -> Vec<String> {
    if fragment.is_empty() {
        return Vec::new();
    }
    fragment.trim_start_matches('/').split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// Tokens back to a JSON pointer.
pub fn pointer_of(tokens: &[String]) -> String {
    tokens.iter().map(|t| format!("/{}", escape_token(t))).collect()
}

/// A URI fragment with `%XX` escapes decoded (`~1a~1%7Bid%7D` -> `~1a~1{id}`).
/// Left as written when the escapes do not make UTF-8.
pub fn percent_decode(fragment: &str) -> String {
    if !fragment.contains('%') {
        return fragment.to_owned();
    }
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| fragment.to_owned())
}

/// Is the pointer a whole entry of a container: the whole file, a top-level
/// key (`/Foo`), a `definitions`/`$defs` entry, or a `components/<section>`
/// entry? Such a target is named like any hoisted schema (title, key, file);
/// anything deeper is named by [`pointer_name`].
pub fn is_entry(tokens: &[String]) -> bool {
    match tokens {
        [] | [_] => true,
        [container, _] => matches!(container.as_str(), "definitions" | "$defs"),
        [components, _, _] => components == "components",
        _ => false,
    }
}

/// `#/components/<section>/<key>` for the section holding `node`s?
pub fn is_component(tokens: &[String], node: Node) -> bool {
    matches!(tokens, [components, section, _] if components == "components" && Some(section.as_str()) == node.section())
}

/// The type name for a schema reached by a pointer deep inside another
/// object: every reference token in UpperCamelCase, joined, except those
/// that only say where a schema sits (a leading `components/<section>` or
/// `paths`; `properties`, `patternProperties`, `definitions`, `$defs`,
/// `schema`; `content` and the media type after it). `items` reads as
/// `Item` and `additionalProperties` as `Value`, as for inline types.
///
/// `#/components/schemas/A/properties/bias` -> `ABias`;
/// `#/components/parameters/companyId/schema` -> `CompanyId`;
/// `#/paths/~1a~1{id}/get/parameters/2/schema` -> `AIdGetParameters2`.
pub fn pointer_name(tokens: &[String]) -> String {
    let rest = match tokens {
        [first, _, rest @ ..] if first == "components" => rest,
        [first, rest @ ..] if first == "paths" => rest,
        all => all,
    };
    let mut words: Vec<&str> = Vec::new();
    let mut after_content = false;
    for token in rest {
        if std::mem::take(&mut after_content) {
            continue;
        }
        match token.as_str() {
            "properties" | "patternProperties" | "definitions" | "$defs" | "schema" => {}
            "content" => after_content = true,
            "items" => words.push("Item"),
            "additionalProperties" => words.push("Value"),
            other => words.push(other),
        }
    }
    let joined = words.join(" ");
    if !joined.chars().any(|c| c.is_ascii_alphanumeric()) {
        return "Schema".to_owned();
    }
    // Twice: the name must come out of `type_name` as it goes in (`X y` is
    // `XY` once, `Xy` for good), so component key and Rust type agree.
    crate::names::type_name(&crate::names::type_name(&joined))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(pointer: &str) -> String {
        pointer_name(&pointer_tokens(pointer))
    }

    #[test]
    fn deep_pointers_name_their_type() {
        assert_eq!(name("/components/schemas/A/properties/bias"), "ABias");
        assert_eq!(name("/components/parameters/companyId/schema"), "CompanyId");
        assert_eq!(name("/components/schemas/X/definitions/y"), "Xy");
        assert_eq!(name("/paths/~1a~1{id}/get/parameters/2/schema"), "AIdGetParameters2");
        assert_eq!(name("/components/responses/R/content/application~1json/schema"), "R");
        assert_eq!(name("/components/schemas/A/properties/list/items"), "AListItem");
        assert_eq!(name("/components/schemas/A/properties/logit_bias/additionalProperties"), "ALogitBiasValue");
        assert_eq!(name("/components/schemas/A/allOf/1"), "AAllOf1");
    }

    #[test]
    fn fragments_are_decoded() {
        assert_eq!(percent_decode("/paths/~1a~1%7Bid%7D"), "/paths/~1a~1{id}");
        assert_eq!(percent_decode("/a%2"), "/a%2");
        assert_eq!(pointer_tokens("/a~1b/c~0d"), ["a/b", "c~d"]);
    }

    #[test]
    fn names_and_data_are_never_references() {
        let schema = Ctx::Node(Node::Schema);
        assert_eq!(schema.child("properties"), Ctx::Map(Node::Schema));
        assert!(!schema.child("properties").may_refer());
        assert_eq!(schema.child("properties").child("$ref"), Ctx::Node(Node::Schema));
        assert_eq!(schema.child("properties").child("default"), Ctx::Node(Node::Schema));
        for data in ["example", "examples", "default", "enum", "const", "discriminator", "x-anything"] {
            assert_eq!(schema.child(data), Ctx::Opaque, "{data}");
        }
        let responses = Ctx::Node(Node::Operation).child("responses");
        assert_eq!(responses.child("default"), Ctx::Node(Node::Response));
    }
}
