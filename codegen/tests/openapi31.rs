//! OpenAPI 3.1 documents: each 3.1-only construct, read through the whole
//! pipeline into the same IR a 3.0 document gives (`src/openapi31.rs`), and
//! the warnings where the 3.0 shape only approximates it.

use std::path::PathBuf;

use sailpoint_codegen::ir::{Api, Field, Struct, TypeKind, TypeRef};
use sailpoint_codegen::krate::{generate_crate, CrateConfig};
use sailpoint_codegen::{load_api, Error, Warning};

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: Test API, version: '1.0'}\nservers: [{url: 'https://x.example.com/v9'}]\n";

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-openapi31-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn try_load_text(name: &str, text: &str) -> (Result<Api, Error>, Vec<String>) {
    let path = write(&format!("{name}.yaml"), text);
    let mut warnings: Vec<Warning> = Vec::new();
    let api = load_api(&path, &mut warnings);
    (api, warnings.iter().map(|w| w.to_string()).collect())
}

/// A 3.1 document: `HEAD` + `body`.
fn load(name: &str, body: &str) -> (Api, Vec<String>) {
    let (api, warnings) = try_load_text(name, &format!("{HEAD}{body}"));
    (api.unwrap_or_else(|e| panic!("{name}: {e}")), warnings)
}

/// A document with `schemas` as its only component schemas.
fn schemas(name: &str, schemas: &str) -> (Api, Vec<String>) {
    load(name, &format!("paths: {{}}\ncomponents:\n  schemas:\n{schemas}"))
}

fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    &api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name} in {names:?}")).kind
}

fn structure<'a>(api: &'a Api, name: &str) -> &'a Struct {
    match kind(api, name) {
        TypeKind::Struct(s) => s,
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn field<'a>(api: &'a Api, name: &str, json: &str) -> &'a Field {
    structure(api, name).fields.iter().find(|f| f.json_name == json).unwrap_or_else(|| panic!("{name} has no field {json}"))
}

fn models_rs(api: Api) -> String {
    let config = CrateConfig { include_runtime: false, ..CrateConfig::standalone("t", api, "t.yaml", "test") };
    let files = generate_crate(&config).unwrap();
    files.into_iter().find(|f| f.path.ends_with("models.rs")).unwrap().contents
}

fn has_warning(warnings: &[String], expected: &str) -> bool {
    warnings.iter().any(|w| w.contains(expected))
}

#[test]
fn versions_3_0_and_3_1_are_read_3_2_and_swagger_are_refused() {
    for version in ["3.0.3", "3.1.0", "3.1.1"] {
        let (api, _) = try_load_text("v", &format!("openapi: {version}\ninfo: {{title: T, version: '1'}}\npaths: {{}}\n"));
        api.unwrap_or_else(|e| panic!("{version}: {e}"));
    }
    let refused = |text: &str| try_load_text("refused", text).0.unwrap_err().to_string();
    let message = refused("openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert!(message.contains("refused.yaml#/openapi") && message.ends_with("OpenAPI 3.2 is not supported yet (3.0 and 3.1 are)"), "{message}");
    let message = refused("openapi: 2.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert!(message.ends_with("OpenAPI version 2.0.0 is not supported (3.0 and 3.1 are)"), "{message}");
    let message = refused("swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert!(message.contains("#/swagger") && message.contains("Swagger 2.0 is not supported"), "{message}");
}

#[test]
fn a_type_list_with_null_is_nullable() {
    let (api, warnings) = schemas(
        "nullable",
        "    Thing:\n      type: object\n      required: [name, count]\n      properties:\n        name: {type: [string, 'null'], maxLength: 4}\n        count: {type: ['integer', 'null'], format: int64}\n        nothing: {type: ['null']}\n        tags: {type: [array, 'null'], items: {type: string}}\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let name = field(&api, "Thing", "name");
    assert_eq!((&name.ty, name.required, name.nullable), (&TypeRef::String, true, true));
    assert_eq!(name.constraints.len(), 1, "maxLength stays: {:?}", name.constraints);
    let count = field(&api, "Thing", "count");
    assert_eq!((&count.ty, count.nullable), (&TypeRef::I64, true));
    let nothing = field(&api, "Thing", "nothing");
    assert_eq!((&nothing.ty, nothing.nullable), (&TypeRef::Json, true));
    assert_eq!(field(&api, "Thing", "tags").ty, TypeRef::Vec(Box::new(TypeRef::String)));
    let code = models_rs(api);
    assert!(code.contains("pub name: ::std::option::Option<::std::string::String>,"), "{code}");
}

#[test]
fn a_list_of_types_is_a_one_of_with_each_types_keywords() {
    let (api, warnings) = schemas(
        "multi",
        "    Id:\n      type: [string, integer, 'null']\n      format: int64\n      maxLength: 9\n      minimum: 1\n      description: Either.\n    Holder:\n      type: object\n      properties:\n        id: {$ref: '#/components/schemas/Id'}\n        choice: {type: [boolean, array], items: {type: string}}\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let TypeKind::Union(id) = kind(&api, "Id") else { panic!("a type list is a union") };
    let variants: Vec<(&str, &TypeRef)> = id.variants.iter().map(|v| (v.rust_name.as_str(), &v.ty)).collect();
    assert_eq!(variants, [("String", &TypeRef::String), ("Integer", &TypeRef::I64)]);
    assert!(field(&api, "Holder", "id").nullable, "`null` in the list makes every use nullable");
    let def = api.types.iter().find(|t| t.name == "Id").unwrap();
    assert_eq!(def.doc.as_deref(), Some("Either."));
    let TypeKind::Union(choice) = kind(&api, "HolderChoice") else { panic!() };
    let tys: Vec<&TypeRef> = choice.variants.iter().map(|v| &v.ty).collect();
    assert_eq!(tys, [&TypeRef::Bool, &TypeRef::Vec(Box::new(TypeRef::String))]);

    // Enum values go to the alternatives of their type; one left is no union.
    let (api, _) = schemas("multi-enum", "    Level:\n      type: [string, integer]\n      enum: [low, high]\n");
    let TypeKind::StringEnum(level) = kind(&api, "Level") else { panic!("only strings fit: a string enum") };
    assert_eq!(level.variants.len(), 2);

    // Beside a composition keyword a type list cannot be split: ignored, loudly.
    let (_, warnings) = schemas("multi-oneof", "    Odd:\n      type: [string, object]\n      oneOf: [{type: string}, {type: object}]\n");
    assert!(has_warning(&warnings, "#/components/schemas/Odd/type: a list of types beside a composition keyword is ignored"), "{warnings:?}");
}

#[test]
fn const_is_a_one_value_enum() {
    let (api, warnings) = schemas(
        "const",
        "    Shape:\n      type: object\n      required: [kind, flag]\n      properties:\n        kind: {const: circle}\n        flag: {type: [string, 'null'], const: on}\n        version: {type: integer, const: 2}\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let TypeKind::StringEnum(kind_enum) = kind(&api, "ShapeKind") else { panic!("a string const is an enum") };
    let values: Vec<&str> = kind_enum.variants.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["circle"]);
    let flag = field(&api, "Shape", "flag");
    assert_eq!((&flag.ty, flag.nullable), (&TypeRef::Named("ShapeFlag".into()), true));
    let version = field(&api, "Shape", "version");
    assert_eq!(version.ty, TypeRef::I32);
    assert!(version.constraints.iter().any(|c| c.keyword == "enum" && c.value == "[2]"), "{:?}", version.constraints);
}

#[test]
fn a_required_const_header_is_sent_automatically() {
    let (api, _) = load(
        "const-header",
        "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters:\n        - {name: X-Api-Version, in: header, required: true, schema: {const: '2'}}\n      responses: {'204': {description: ok}}\n",
    );
    assert_eq!(api.operations[0].params[0].constant.as_deref(), Some("2"));
}

#[test]
fn examples_become_example_and_ignored_keywords_are_silent() {
    let (api, warnings) = load(
        "examples",
        "jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\npaths: {}\ncomponents:\n  schemas:\n    Note:\n      $schema: https://json-schema.org/draft/2020-12/schema\n      $id: https://example.com/note\n      $anchor: note\n      $comment: internal\n      type: object\n      examples: [{text: hi}, {text: ho}]\n      properties:\n        text: {type: string, examples: [hi]}\n        seen: {type: boolean, unevaluatedProperties: false, propertyNames: {pattern: '^a'}}\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(field(&api, "Note", "text").ty, TypeRef::String);
    assert_eq!(field(&api, "Note", "seen").ty, TypeRef::Bool);
}

#[test]
fn defs_are_hoisted_into_components_and_references_follow() {
    let (api, warnings) = schemas(
        "defs",
        "    Order:\n      type: object\n      required: [ship]\n      properties:\n        ship: {$ref: '#/components/schemas/Order/$defs/Address'}\n        bill: {$ref: '#/components/schemas/Order/$defs/Address'}\n        line: {$ref: '#/components/schemas/Order/$defs/Line'}\n      $defs:\n        Address:\n          type: object\n          properties:\n            city: {$ref: '#/components/schemas/Order/$defs/Address/$defs/City'}\n          $defs:\n            City: {type: string, maxLength: 40}\n        Line:\n          type: object\n          properties:\n            sku: {type: strang}\n    Line:\n      type: string\n",
    );
    // The def named like a component takes its owner's name as a prefix.
    let ship = field(&api, "Order", "ship");
    assert_eq!((&ship.ty, ship.required), (&TypeRef::Named("Address".into()), true));
    assert_eq!(field(&api, "Order", "bill").ty, TypeRef::Named("Address".into()));
    assert_eq!(field(&api, "Order", "line").ty, TypeRef::Named("OrderLine".into()));
    assert_eq!(field(&api, "Address", "city").ty, TypeRef::Named("City".into()));
    assert!(matches!(kind(&api, "City"), TypeKind::Alias(TypeRef::String)));
    let spec_names: Vec<Option<&str>> =
        ["Address", "City", "OrderLine"].iter().map(|n| api.types.iter().find(|t| t.name == *n).unwrap().spec_name.as_deref()).collect();
    assert_eq!(spec_names, [Some("Address"), Some("City"), Some("OrderLine")]);
    // A warning about the hoisted schema still names where it is written.
    assert!(
        has_warning(&warnings, "defs.yaml#/components/schemas/Order/$defs/Line/properties/sku: unknown type `strang`"),
        "{warnings:?}"
    );
}

#[test]
fn a_ref_with_siblings_keeps_them() {
    let (api, warnings) = schemas(
        "siblings",
        "    Point: {type: object, properties: {x: {type: number}}}\n    Holder:\n      type: object\n      properties:\n        corner: {$ref: '#/components/schemas/Point', description: Top left., readOnly: true}\n        maybe: {$ref: '#/components/schemas/Point', type: [object, 'null']}\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let corner = field(&api, "Holder", "corner");
    assert_eq!((&corner.ty, corner.read_only, corner.doc.as_deref()), (&TypeRef::Named("Point".into()), true, Some("Top left.")));
    let maybe = field(&api, "Holder", "maybe");
    assert_eq!((&maybe.ty, maybe.nullable), (&TypeRef::Named("Point".into()), true));
}

#[test]
fn prefix_items_are_tuples() {
    let (api, warnings) = schemas(
        "tuples",
        "    Pair:\n      type: array\n      prefixItems: [{type: string}, {type: integer, format: int64}]\n      items: false\n    Holder:\n      type: object\n      properties:\n        point: {type: array, prefixItems: [{type: number}, {type: number}], maxItems: 2}\n        single: {prefixItems: [{$ref: '#/components/schemas/Pair'}], items: false}\n        open: {type: array, prefixItems: [{type: string}, {type: [integer, 'null']}]}\n        same: {type: array, prefixItems: [{type: string}], items: {type: string}}\n        rest: {type: array, prefixItems: [{type: string}], items: {type: integer}}\n",
    );
    assert!(matches!(kind(&api, "Pair"), TypeKind::Alias(TypeRef::Tuple(items)) if *items == [TypeRef::String, TypeRef::I64]));
    assert_eq!(field(&api, "Holder", "point").ty, TypeRef::Tuple(vec![TypeRef::F64, TypeRef::F64]));
    assert_eq!(field(&api, "Holder", "single").ty, TypeRef::Tuple(vec![TypeRef::Named("Pair".into())]));
    // Without `items: false` more items may follow: a tuple, with a warning.
    let open = TypeRef::Tuple(vec![TypeRef::String, TypeRef::Option(Box::new(TypeRef::I32))]);
    assert_eq!(field(&api, "Holder", "open").ty, open);
    assert!(
        has_warning(&warnings, "tuples.yaml#/components/schemas/Holder/properties/open/prefixItems: `prefixItems` without `items: false` allows further items; typed as a tuple of the 2 listed, so a longer array fails to decode"),
        "{warnings:?}"
    );
    // Items that all share one schema are a plain list; a different rest is any JSON.
    assert_eq!(field(&api, "Holder", "same").ty, TypeRef::Vec(Box::new(TypeRef::String)));
    assert_eq!(field(&api, "Holder", "rest").ty, TypeRef::Vec(Box::new(TypeRef::Json)));
    assert!(
        has_warning(&warnings, "properties/rest/prefixItems: `prefixItems` followed by `items` of another schema: typed as a list of any JSON"),
        "{warnings:?}"
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    let code = models_rs(api);
    assert!(code.contains("pub type Pair = (::std::string::String, i64);"), "{code}");
    assert!(code.contains("pub single: ::std::option::Option<(Pair,)>,"), "{code}");
}

#[test]
fn a_recursive_tuple_is_boxed() {
    let (api, _) = schemas(
        "tuple-recursion",
        "    Node:\n      type: object\n      required: [link]\n      properties:\n        link: {type: array, prefixItems: [{type: string}, {$ref: '#/components/schemas/Node'}], items: false}\n",
    );
    assert!(field(&api, "Node", "link").boxed, "a tuple holds its items by value");
}

#[test]
fn numeric_exclusive_bounds_are_the_3_0_form() {
    let ratio = |head: &str, open: &str, mixed: &str| {
        let text = format!("{head}info: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Ratio:\n      type: object\n      properties:\n        open: {open}\n        mixed: {mixed}\n");
        let (api, warnings) = try_load_text("exclusive", &text);
        let api = api.unwrap_or_else(|e| panic!("{e}"));
        assert!(warnings.is_empty(), "{warnings:?}");
        let constraints = |json: &str| -> Vec<(String, String)> {
            field(&api, "Ratio", json).constraints.iter().map(|c| (c.keyword.clone(), c.value.clone())).collect()
        };
        (constraints("open"), constraints("mixed"))
    };
    let v31 = ratio(
        "openapi: 3.1.0\n",
        "{type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}",
        "{type: integer, minimum: 5, exclusiveMinimum: 1, maximum: 10, exclusiveMaximum: 10}",
    );
    // `minimum: 5` is stricter than `exclusiveMinimum: 1`; `exclusiveMaximum: 10` than `maximum: 10`.
    let v30 = ratio(
        "openapi: 3.0.3\n",
        "{type: number, minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true}",
        "{type: integer, minimum: 5, maximum: 10, exclusiveMaximum: true}",
    );
    assert_eq!(v31, v30);
    assert_eq!(v31.1.len(), 3, "{v31:?}");
}

#[test]
fn boolean_schemas() {
    let (api, warnings) = schemas(
        "booleans",
        "    Box:\n      type: object\n      required: [gone]\n      additionalProperties: false\n      properties:\n        anything: true\n        gone: false\n        list: {type: array, items: true}\n        choice: {oneOf: [false, {type: string}, {type: integer}]}\n    Open:\n      type: object\n      additionalProperties: true\n      properties: {a: {type: string}}\n    Bag: {type: object, additionalProperties: true}\n    Sealed: {type: object, additionalProperties: false}\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let fields: Vec<&str> = structure(&api, "Box").fields.iter().map(|f| f.json_name.as_str()).collect();
    assert_eq!(fields, ["anything", "list", "choice"], "a property that is `false` can never be present");
    assert_eq!(field(&api, "Box", "anything").ty, TypeRef::Json);
    assert_eq!(field(&api, "Box", "list").ty, TypeRef::Vec(Box::new(TypeRef::Json)));
    let TypeKind::Union(choice) = kind(&api, "BoxChoice") else { panic!() };
    let tys: Vec<&TypeRef> = choice.variants.iter().map(|v| &v.ty).collect();
    assert_eq!(tys, [&TypeRef::String, &TypeRef::I32], "the `false` alternative never matches");
    assert!(structure(&api, "Box").additional.is_none());
    assert!(structure(&api, "Open").additional.is_none());
    assert!(matches!(kind(&api, "Bag"), TypeKind::Alias(TypeRef::JsonObject)));
    assert!(matches!(kind(&api, "Sealed"), TypeKind::Alias(TypeRef::JsonObject)));

    // `false` anywhere else: a schema nothing matches (`not: {}`).
    let (api, warnings) = schemas("false", "    Never: false\n");
    assert!(matches!(kind(&api, "Never"), TypeKind::Alias(TypeRef::Json)));
    assert!(has_warning(&warnings, "#/components/schemas/Never: `not` is not supported"), "{warnings:?}");
}

#[test]
fn content_encoding_and_media_type_are_formats() {
    let (api, warnings) = load(
        "content",
        "paths:\n  /upload:\n    post:\n      operationId: upload\n      requestBody:\n        required: true\n        content:\n          image/png:\n            schema: {type: string, contentMediaType: image/png}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  data: {type: string, contentEncoding: base64, contentMediaType: image/png}\n                  raw: {type: string, contentMediaType: application/octet-stream}\n                  doc: {type: string, contentMediaType: application/json}\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let body = api.operations[0].body.as_ref().unwrap();
    assert_eq!(body.ty, TypeRef::Bytes);
    let TypeRef::Named(response) = &api.operations[0].returns.ty else { panic!() };
    let data = field(&api, response, "data");
    assert_eq!(data.ty, TypeRef::String);
    assert!(data.constraints.iter().any(|c| c.keyword == "format" && c.value == "\"byte\""), "{:?}", data.constraints);
    assert_eq!(field(&api, response, "raw").ty, TypeRef::Bytes);
    assert_eq!(field(&api, response, "doc").ty, TypeRef::String);
}

#[test]
fn null_alternatives_make_a_value_nullable() {
    let (api, warnings) = schemas(
        "null-alternatives",
        "    Pet:\n      type: object\n      required: [owner, age]\n      properties:\n        owner:\n          oneOf: [{$ref: '#/components/schemas/Owner'}, {type: 'null'}]\n        age:\n          anyOf: [{type: integer}, {const: null}]\n        name:\n          oneOf: [{type: string}, {type: ['null']}]\n    Owner: {type: object, properties: {name: {type: string}}}\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let owner = field(&api, "Pet", "owner");
    assert_eq!((&owner.ty, owner.nullable, owner.required), (&TypeRef::Named("Owner".into()), true, true));
    let age = field(&api, "Pet", "age");
    assert_eq!((&age.ty, age.nullable), (&TypeRef::I32, true));
    assert_eq!(field(&api, "Pet", "name").ty, TypeRef::String);
}

#[test]
fn webhooks_path_items_and_documents_without_paths() {
    let (api, warnings) = load(
        "webhooks",
        "webhooks:\n  newPet:\n    post:\n      requestBody: {content: {application/json: {schema: {type: object}}}}\n      responses: {'200': {description: ok}}\n  gonePet:\n    $ref: '#/components/pathItems/Gone'\ncomponents:\n  pathItems:\n    Gone:\n      post:\n        responses: {'200': {description: ok}}\n",
    );
    assert!(api.operations.is_empty(), "a webhooks-only document has no operations");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("webhooks.yaml#/webhooks: 2 webhooks are ignored"), "{warnings:?}");

    let (api, warnings) = try_load_text(
        "path-items",
        "openapi: 3.1.0\ninfo: {title: T, version: '1', summary: Short., license: {name: MIT, identifier: MIT}}\npaths:\n  /pets/{id}:\n    $ref: '#/components/pathItems/Pet'\n  /ping:\n    get:\n      operationId: ping\ncomponents:\n  pathItems:\n    Pet:\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: [string, integer]}}\n      get:\n        operationId: getPet\n        responses: {'200': {description: ok, content: {application/json: {schema: {type: object, properties: {when: {type: strang}}}}}}}\n  securitySchemes:\n    mtls: {type: mutualTLS}\n",
    );
    let api = api.unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = api.operations.iter().map(|o| o.operation_id.as_str()).collect();
    assert_eq!(ids, ["getPet", "ping"]);
    assert_eq!(api.description.as_deref(), Some("Short."), "`info.summary` describes the crate when there is no description");
    // A warning inside an inlined path item names where it is written.
    assert!(
        has_warning(&warnings, "path-items.yaml#/components/pathItems/Pet/get/responses/200/content/application~1json/schema/properties/when: unknown type `strang`"),
        "{warnings:?}"
    );
    let ping = &api.operations[1];
    assert!(ping.success.is_empty() && ping.returns.ty == TypeRef::Unit, "an operation without `responses` returns nothing");
}

#[test]
fn moved_keywords_keep_their_locations() {
    let (_, warnings) = schemas(
        "locations",
        "    Mixed:\n      type: [string, object]\n      properties:\n        a: {type: strang}\n      $defs:\n        Inner:\n          type: [integer, array]\n          items: {type: flt}\n",
    );
    assert!(has_warning(&warnings, "locations.yaml#/components/schemas/Mixed/properties/a: unknown type `strang`"), "{warnings:?}");
    assert!(has_warning(&warnings, "locations.yaml#/components/schemas/Mixed/$defs/Inner/items: unknown type `flt`"), "{warnings:?}");
}

#[test]
fn unsupported_json_schema_keywords_are_named() {
    let (api, warnings) = schemas(
        "conditional",
        "    Cond:\n      type: object\n      properties: {a: {type: string}}\n      if: {properties: {a: {const: x}}}\n      then: {required: [b]}\n      patternProperties:\n        '^n-': {type: integer}\n",
    );
    assert!(has_warning(&warnings, "#/components/schemas/Cond: `if`, `then` (conditional subschemas) are not supported and ignored"), "{warnings:?}");
    assert!(has_warning(&warnings, "#/components/schemas/Cond/patternProperties: `patternProperties` is read as `additionalProperties`"), "{warnings:?}");
    assert_eq!(structure(&api, "Cond").additional, Some(TypeRef::I32));
}

#[test]
fn a_type_that_is_no_type_name_is_ignored_with_a_warning() {
    // Seen upstream (codat.io): a schema wrapped in `type` by mistake, in a
    // `definitions` entry; and a list of types with a non-string in it.
    let (api, warnings) = schemas(
        "type-map",
        "    Item:\n      type: object\n      properties:\n        kind: {$ref: '#/components/schemas/Item/definitions/itemType'}\n        odd: {type: [string, 3]}\n      definitions:\n        itemType:\n          type: {type: string, enum: [Inventory, Service]}\n",
    );
    assert!(
        has_warning(&warnings, "type-map.yaml#/components/schemas/Item/definitions/itemType/type: `type` is an object, not a type name or a list of them; ignored"),
        "{warnings:?}"
    );
    assert!(has_warning(&warnings, "type-map.yaml#/components/schemas/Item/properties/odd/type: `type` is a list with items that are not strings"), "{warnings:?}");
    assert_eq!(warnings.len(), 2, "one warning each: {warnings:#?}");
    assert_eq!(field(&api, "Item", "odd").ty, TypeRef::Json);
}
