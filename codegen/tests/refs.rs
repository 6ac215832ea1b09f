//! `$ref`s as real specs write them: property names that look like
//! references, and JSON pointers to anywhere in a document (OpenAI's
//! `#/components/schemas/A/properties/bias`, `#/paths/~1a/get/parameters/2`),
//! in this file or another. Asserted on the IR.

use std::path::PathBuf;

use sailpoint_codegen::ir::{Api, Field, TypeDef, TypeKind, TypeRef};
use sailpoint_codegen::{load_api, Error, Warning};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Test API, version: '1.0'}\nservers: [{url: 'https://x.example.com/v9'}]\n";

/// A directory of its own per test (tests run in parallel).
fn dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-refs-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Write `files` (the first one is the spec, `HEAD` in front) and load it.
fn try_load(test: &str, files: &[(&str, &str)]) -> (Result<Api, Error>, Vec<String>) {
    let dir = dir(test);
    for (i, (name, text)) in files.iter().enumerate() {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = if i == 0 { format!("{HEAD}{text}") } else { (*text).to_owned() };
        std::fs::write(path, text).unwrap();
    }
    let mut warnings: Vec<Warning> = Vec::new();
    let api = load_api(&dir.join(files[0].0), &mut warnings);
    (api, warnings.iter().map(|w| w.to_string()).collect())
}

fn load(test: &str, files: &[(&str, &str)]) -> Api {
    let (api, warnings) = try_load(test, files);
    let api = api.unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:#?}");
    api
}

fn fails(test: &str, files: &[(&str, &str)]) -> String {
    match try_load(test, files).0 {
        Ok(_) => panic!("{test}: expected an error"),
        Err(e) => e.to_string(),
    }
}

fn def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name} in {names:?}"))
}

fn field<'a>(api: &'a Api, type_name: &str, json_name: &str) -> &'a Field {
    let TypeKind::Struct(s) = &def(api, type_name).kind else { panic!("{type_name} is not a struct") };
    s.fields.iter().find(|f| f.json_name == json_name).unwrap_or_else(|| panic!("{type_name} has no `{json_name}`"))
}

fn named(name: &str) -> TypeRef {
    TypeRef::Named(name.into())
}

// 1. Names and data are never references.

#[test]
fn a_property_named_ref_is_a_field() {
    // Kubernetes' JSONSchemaProps: properties named after JSON Schema keywords.
    let api = load(
        "k8s",
        &[(
            "api.yaml",
            "paths: {}\ncomponents:\n  schemas:\n    JSONSchemaProps:\n      type: object\n      properties:\n        $ref: {type: string}\n        $schema: {type: string}\n        default: {$ref: '#/components/schemas/JSON'}\n        example: {type: string}\n        enum: {type: array, items: {$ref: '#/components/schemas/JSON'}}\n        x-kubernetes-embedded-resource: {type: boolean}\n        properties: {type: object, additionalProperties: {$ref: '#/components/schemas/JSONSchemaProps'}}\n      example: {$ref: not-a-reference}\n      x-data: {$ref: 7}\n    JSON:\n      description: any JSON\n      example: {$ref: '#/nowhere'}\n      enum: [{$ref: '#/nowhere'}]\n      default: {$ref: '#/nowhere'}\n    Pet:\n      oneOf: [{$ref: '#/components/schemas/JSON'}, {type: string}]\n      discriminator: {propertyName: kind, mapping: {$ref: '#/nowhere'}}\n    $ref: {type: string}\n",
        )],
    );
    let r = field(&api, "JsonSchemaProps", "$ref");
    assert_eq!((r.rust_name.as_str(), &r.ty), ("r#ref", &TypeRef::String));
    assert_eq!(field(&api, "JsonSchemaProps", "$schema").rust_name, "schema");
    assert_eq!(field(&api, "JsonSchemaProps", "default").ty, named("Json"));
    assert_eq!(field(&api, "JsonSchemaProps", "x-kubernetes-embedded-resource").ty, TypeRef::Bool);
    assert_eq!(field(&api, "JsonSchemaProps", "properties").ty, TypeRef::Map(Box::new(named("JsonSchemaProps"))));
    // A schema named `$ref` is a schema.
    assert!(matches!(def(&api, "Ref").kind, TypeKind::Alias(TypeRef::String)));
    // A property called `default` is a schema, not documentation: a YAML
    // infinity in it is no more tolerated than anywhere in a schema.
    let message = fails(
        "named-default",
        &[("api.yaml", "paths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        default: {type: number, maximum: .inf}\n")],
    );
    assert!(message.contains("number .inf is not finite"), "{message}");
}

// 2. Pointers to anywhere in the document.

const DEEP: &str = "paths:
  /a/{id}:
    get:
      operationId: getA
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {$ref: '#/components/parameters/companyId'}
        - {name: mode, in: query, schema: {type: string, enum: [fast, slow]}}
      responses:
        '200': {$ref: '#/components/responses/R'}
  /b:
    get:
      operationId: getB
      parameters:
        - {$ref: '#/paths/~1a~1%7Bid%7D/get/parameters/2'}
        - {name: company, in: query, schema: {$ref: '#/components/parameters/companyId/schema'}}
        - {name: kind, in: query, schema: {$ref: '#/paths/~1a~1{id}/get/parameters/2/schema'}}
      responses:
        '200': {$ref: '#/paths/~1a~1{id}/get/responses/200'}
        '404':
          description: missing
          headers: {X-Rate: {$ref: '#/components/responses/R/headers/X-Rate'}}
    post:
      operationId: postB
      requestBody: {$ref: '#/paths/~1c/post/requestBody'}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/responses/R/content/application~1json/schema'}}}
  /c:
    post:
      operationId: postC
      requestBody: {content: {application/json: {schema: {type: object, properties: {note: {type: string}}}}}}
      responses: {'204': {description: done}}
components:
  parameters:
    companyId: {name: companyId, in: query, schema: {type: integer, format: int64}}
  responses:
    R:
      description: ok
      headers: {X-Rate: {schema: {type: integer}}}
      content: {application/json: {schema: {type: object, properties: {n: {type: integer}}}}}
  schemas:
    A:
      type: object
      properties:
        bias:
          type: object
          properties:
            token: {type: string}
        owner: {$ref: '#/components/schemas/Owner'}
        list: {type: array, items: {type: object, properties: {x: {type: string}}}}
    B:
      type: object
      properties:
        bias: {$ref: '#/components/schemas/A/properties/bias'}
        again: {$ref: '#/components/schemas/A/properties/bias'}
        owner: {$ref: '#/components/schemas/A/properties/owner'}
        item: {$ref: '#/components/schemas/A/properties/list/items'}
        y: {$ref: '#/components/schemas/X/definitions/y'}
    X:
      type: object
      definitions:
        y: {type: string, enum: [one, two]}
      properties:
        id: {type: string}
    Named: {$ref: '#/components/schemas/X/properties/id'}
    Owner: {type: object, properties: {name: {type: string}}}
";

#[test]
fn a_pointer_into_a_schema_is_that_schema_with_a_stable_name() {
    let api = load("deep", &[("api.yaml", DEEP)]);
    // Named after the pointer, shared by every reference and by the place
    // it is written: one type, not two.
    assert_eq!(field(&api, "B", "bias").ty, named("ABias"));
    assert_eq!(field(&api, "B", "again").ty, named("ABias"));
    assert_eq!(field(&api, "A", "bias").ty, named("ABias"));
    let TypeKind::Struct(bias) = &def(&api, "ABias").kind else { panic!("ABias is the struct") };
    assert_eq!(bias.fields[0].json_name, "token");
    assert_eq!(def(&api, "ABias").origin, "#/components/schemas/ABias");
    assert!(!api.types.iter().any(|t| t.name.starts_with("ABias") && t.name != "ABias"), "no second type for A.bias");
    // A pointer to a reference to a component is that component.
    assert_eq!(field(&api, "B", "owner").ty, named("Owner"));
    assert!(!api.types.iter().any(|t| t.name == "AOwner"));
    assert_eq!(field(&api, "B", "item").ty, named("AListItem"));
    assert_eq!(field(&api, "A", "list").ty, TypeRef::Vec(Box::new(named("AListItem"))));
    assert_eq!(field(&api, "B", "y").ty, named("Xy"));
    assert!(matches!(def(&api, "Xy").kind, TypeKind::StringEnum(_)));
    // A component that is such a reference keeps its own name.
    assert!(matches!(def(&api, "Named").kind, TypeKind::Alias(TypeRef::String)));
    // Parameters and schemas reached through paths and other components.
    let get_b = api.operations.iter().find(|o| o.operation_id == "getB").unwrap();
    let params: Vec<(&str, &TypeRef)> = get_b.params.iter().map(|p| (p.name.as_str(), &p.ty)).collect();
    let mode = named("AIdGetParameters2");
    assert_eq!(params, [("mode", &mode), ("company", &named("CompanyId")), ("kind", &mode)]);
    let get_a = api.operations.iter().find(|o| o.operation_id == "getA").unwrap();
    assert_eq!(get_a.params.iter().find(|p| p.name == "mode").unwrap().ty, mode, "where it is written, the same type");
    assert!(matches!(def(&api, "CompanyId").kind, TypeKind::Alias(TypeRef::I64)));
    // Responses, request bodies and headers reached by pointer.
    assert_eq!(get_b.returns.ty, get_a.returns.ty);
    let post_b = api.operations.iter().find(|o| o.operation_id == "postB").unwrap();
    let post_c = api.operations.iter().find(|o| o.operation_id == "postC").unwrap();
    assert_eq!(post_b.body.as_ref().unwrap().ty, post_c.body.as_ref().unwrap().ty);
    assert_eq!(post_b.returns.ty, named("R"));
    assert_eq!(get_a.returns.ty, named("R"), "the response's own schema is the hoisted type");
}

#[test]
fn deep_names_do_not_depend_on_the_run() {
    let first = load("stable-1", &[("api.yaml", DEEP)]);
    let second = load("stable-2", &[("api.yaml", DEEP)]);
    let names = |api: &Api| api.types.iter().map(|t| (t.name.clone(), t.origin.clone())).collect::<Vec<_>>();
    assert_eq!(names(&first), names(&second));
}

#[test]
fn pointers_reach_into_other_files_and_through_references() {
    let api = load(
        "files",
        &[
            (
                "api.yaml",
                "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters:\n        - {name: level, in: query, schema: {$ref: './shared.yaml#/components/parameters/level/schema'}}\n        - {name: depth, in: query, schema: {$ref: '#/components/parameters/depth/schema'}}\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {$ref: './shared.yaml#/components/schemas/Thing/properties/bias'}}}\ncomponents:\n  parameters:\n    depth: {$ref: './shared.yaml#/components/parameters/level'}\n  schemas:\n    Local: {type: object, properties: {id: {type: string}}}\n    Outer: {$ref: './shared.yaml#/components/schemas/Thing'}\n",
            ),
            (
                "shared.yaml",
                "openapi: 3.0.3\ninfo: {title: shared, version: '1'}\npaths: {}\ncomponents:\n  parameters:\n    level: {name: level, in: query, schema: {type: string, enum: [low, high]}}\n  schemas:\n    Thing:\n      type: object\n      properties:\n        bias: {type: object, properties: {weight: {type: number}}}\n        local: {$ref: 'api.yaml#/components/schemas/Local'}\n",
            ),
        ],
    );
    let op = &api.operations[0];
    // One target, reached directly and through `depth`'s `$ref`: one type.
    assert_eq!(op.params[0].ty, named("Level"));
    assert_eq!(op.params[1].ty, named("Level"));
    assert_eq!(op.returns.ty, named("ThingBias"));
    let TypeKind::Struct(bias) = &def(&api, "ThingBias").kind else { panic!() };
    assert_eq!(bias.fields[0].json_name, "weight");
    // Hoisted whole as `Outer`, its `bias` is the same type; a reference
    // back to the root document's component is that component.
    assert_eq!(field(&api, "Outer", "bias").ty, named("ThingBias"));
    assert_eq!(field(&api, "Outer", "local").ty, named("Local"));
    assert!(!api.types.iter().any(|t| t.name == "Local2" || t.name == "OuterBias"));
}

#[test]
fn a_pointer_to_nothing_says_where_it_stops() {
    let message = fails(
        "missing",
        &[("api.yaml", "paths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {type: string}}}\n    C:\n      type: object\n      properties:\n        d: {$ref: '#/components/schemas/A/properties/nope'}\n")],
    );
    assert!(message.contains("api.yaml#/components/schemas/C/properties/d/$ref:"), "{message}");
    assert!(message.contains("#/components/schemas/A/properties/nope does not exist"), "{message}");
    assert!(message.contains("api.yaml#/components/schemas/A/properties has no `nope`"), "{message}");
    let message = fails(
        "missing-file",
        &[
            ("api.yaml", "paths: {}\ncomponents:\n  schemas:\n    C: {type: object, properties: {d: {$ref: 'other.yaml#/Thing/properties/x'}}}\n"),
            ("other.yaml", "Thing: {type: object}\n"),
        ],
    );
    assert!(message.contains("other.yaml#/Thing/properties/x does not exist"), "{message}");
    assert!(message.contains("other.yaml#/Thing has no `properties`"), "{message}");
}

#[test]
fn a_pointer_to_the_wrong_kind_says_what_it_found() {
    // A schema reference to a parameter reads as the parameter's schema,
    // with a warning where the reference is.
    let (api, warnings) = try_load(
        "kind",
        &[("api.yaml", "paths: {}\ncomponents:\n  parameters:\n    P: {name: p, in: query, schema: {type: integer, format: int64}}\n  schemas:\n    C: {type: object, properties: {d: {$ref: '#/components/parameters/P'}}}\n")],
    );
    let api = api.unwrap_or_else(|e| panic!("{e}"));
    let TypeRef::Named(name) = &field(&api, "C", "d").ty else { panic!("d is not a named type") };
    let TypeKind::Alias(ty) = &def(&api, name).kind else { panic!("{name} is not an alias") };
    assert_eq!(*ty, TypeRef::I64);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("api.yaml#/components/schemas/C/properties/d/$ref:"), "{warnings:#?}");
    assert!(warnings[0].contains("`$ref` #/components/parameters/P points at a parameter, not a schema; read as its schema"), "{warnings:#?}");
    let message = fails(
        "kind-string",
        &[("api.yaml", "paths: {}\ncomponents:\n  schemas:\n    A: {type: object, description: words}\n    C: {type: object, properties: {d: {$ref: '#/components/schemas/A/description'}}}\n")],
    );
    assert!(message.contains("points at a string"), "{message}");
    let message = fails(
        "kind-param",
        &[("api.yaml", "paths:\n  /a:\n    get:\n      parameters: [{$ref: '#/components/schemas/A'}]\n      responses: {'200': {description: ok}}\ncomponents:\n  schemas:\n    A: {type: string}\n")],
    );
    assert!(message.contains("points at a schema"), "{message}");
    assert!(message.ends_with("not a parameter"), "{message}");
}

#[test]
fn cycles_through_pointers_are_errors_not_hangs() {
    let message = fails(
        "cycle-schema",
        &[("api.yaml", "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        x: {$ref: '#/components/schemas/A/properties/y'}\n        y: {$ref: '#/components/schemas/A/properties/x'}\n")],
    );
    assert!(message.contains("circular `$ref`"), "{message}");
    let message = fails(
        "cycle-param",
        &[("api.yaml", "paths:\n  /a:\n    get:\n      parameters: [{$ref: '#/paths/~1a/get/parameters/0'}]\n      responses: {'200': {description: ok}}\n")],
    );
    assert!(message.contains("circular `$ref`"), "{message}");
    // A recursive schema reached by pointer is fine: it refers to its own type.
    let api = load(
        "recursive",
        &[("api.yaml", "paths: {}\ncomponents:\n  schemas:\n    Tree:\n      type: object\n      properties:\n        node:\n          type: object\n          properties:\n            children: {type: array, items: {$ref: '#/components/schemas/Tree/properties/node'}}\n")],
    );
    assert_eq!(field(&api, "TreeNode", "children").ty, TypeRef::Vec(Box::new(named("TreeNode"))));
}

#[test]
fn a_local_path_item_reference_is_inlined() {
    let (api, warnings) = try_load(
        "path-item",
        &[("api.yaml", "paths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'200': {description: ok}}\n  /b: {$ref: '#/paths/~1a'}\n")],
    );
    let api = api.unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.len() == 1 && warnings[0].contains("operationId `getA` is not unique"), "{warnings:#?}");
    let paths: Vec<&str> = api.operations.iter().map(|o| o.path.as_str()).collect();
    assert_eq!(paths, ["/a", "/b"]);
}

#[test]
fn in_openapi_3_1_defs_entries_are_left_to_the_3_1_reader() {
    // `$defs` entries become components after bundling; a pointer past one
    // still shares its type with the place it is written.
    let dir = dir("defs-31");
    let spec = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    X:\n      type: object\n      $defs:\n        y: {type: object, properties: {w: {type: object, properties: {q: {type: integer}}}}}\n      properties:\n        a: {$ref: '#/components/schemas/X/$defs/y'}\n    U:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/X/$defs/y'}\n        c: {$ref: '#/components/schemas/X/$defs/y/properties/w'}\n";
    std::fs::write(dir.join("api.yaml"), spec).unwrap();
    let mut warnings = Vec::new();
    let api = load_api(&dir.join("api.yaml"), &mut warnings).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(field(&api, "X", "a").ty, named("Y"));
    assert_eq!(field(&api, "U", "b").ty, named("Y"));
    assert_eq!(field(&api, "U", "c").ty, named("Xyw"));
    assert_eq!(field(&api, "Y", "w").ty, named("Xyw"));
}
