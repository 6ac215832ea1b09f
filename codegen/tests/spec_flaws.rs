//! Rough edges of real specs, each through the whole pipeline from a file:
//! what becomes an error (naming file and place), what a warning (naming
//! file and JSON pointer), and what the generated Rust looks like.

use std::path::PathBuf;

use sailpoint_codegen::ir::{Api, ParamLocation, TypeKind, TypeRef};
use sailpoint_codegen::krate::{generate_crate, CrateConfig};
use sailpoint_codegen::{load_api, Error, Warning};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Test API, version: '1.0'}\nservers: [{url: 'https://x.example.com/v9'}]\n";

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-flaws-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn try_load(name: &str, body: &str) -> (Result<Api, Error>, Vec<String>) {
    let path = write(&format!("{name}.yaml"), &format!("{HEAD}{body}"));
    let mut warnings: Vec<Warning> = Vec::new();
    let api = load_api(&path, &mut warnings);
    (api, warnings.iter().map(|w| w.to_string()).collect())
}

fn load(name: &str, body: &str) -> (Api, Vec<String>) {
    let (api, warnings) = try_load(name, body);
    (api.unwrap_or_else(|e| panic!("{e}")), warnings)
}

fn fails(name: &str, body: &str) -> String {
    match try_load(name, body).0 {
        Ok(_) => panic!("{name}: expected an error"),
        Err(e) => e.to_string(),
    }
}

fn assert_ends_with(message: &str, expected: &str) {
    assert!(message.ends_with(expected), "expected `…{expected}`, got `{message}`");
}

fn alias<'a>(api: &'a Api, name: &str) -> &'a TypeRef {
    match &api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}")).kind {
        TypeKind::Alias(ty) => ty,
        other => panic!("{name} is {other:?}"),
    }
}

fn field<'a>(api: &'a Api, type_name: &str, json_name: &str) -> &'a TypeRef {
    let def = api.types.iter().find(|t| t.name == type_name).unwrap_or_else(|| panic!("no type {type_name}"));
    let TypeKind::Struct(s) = &def.kind else { panic!("{type_name} is not a struct") };
    &s.fields.iter().find(|f| f.json_name == json_name).unwrap().ty
}

/// Exactly one warning containing every fragment.
fn warned(warnings: &[String], fragments: &[&str]) {
    let hits: Vec<&String> = warnings.iter().filter(|w| fragments.iter().all(|f| w.contains(f))).collect();
    assert_eq!(hits.len(), 1, "one warning with {fragments:?} in {warnings:#?}");
}

fn models_rs(api: Api) -> String {
    let config = CrateConfig { include_runtime: false, ..CrateConfig::standalone("t", api, "t.yaml", "test") };
    let files = generate_crate(&config).unwrap();
    files.into_iter().find(|f| f.path.ends_with("models.rs")).unwrap().contents
}

// 1. Integer enums and bounds beyond i32.

#[test]
fn integers_beyond_i32_get_a_type_that_holds_them() {
    let (api, warnings) = load(
        "integers",
        "paths: {}\ncomponents:\n  schemas:\n    Small: {type: integer, enum: [1, 2, -3]}\n    Big: {type: integer, enum: [1, 3000000000]}\n    Low: {type: integer, enum: [-3000000000, 1]}\n    Int64: {type: integer, format: int64, enum: [1, 2]}\n    Bounded: {type: integer, minimum: 0, maximum: 5000000000}\n    Int32Big: {type: integer, format: int32, enum: [1, 3000000000]}\n    Unsigned: {type: integer, enum: [0, 18446744073709551615]}\n    Both: {type: integer, enum: [-1, 18446744073709551615]}\n    Holder:\n      type: object\n      properties:\n        code: {type: integer, enum: [200, 4294967296]}\n",
    );
    assert_eq!(alias(&api, "Small"), &TypeRef::I32);
    assert_eq!(alias(&api, "Big"), &TypeRef::I64, "3000000000 is beyond i32::MAX");
    assert_eq!(alias(&api, "Low"), &TypeRef::I64, "-3000000000 is below i32::MIN");
    assert_eq!(alias(&api, "Int64"), &TypeRef::I64);
    assert_eq!(alias(&api, "Bounded"), &TypeRef::I64, "a maximum beyond i32 widens too");
    assert_eq!(alias(&api, "Int32Big"), &TypeRef::I64);
    assert_eq!(alias(&api, "Unsigned"), &TypeRef::U64, "beyond i64::MAX and never negative");
    assert_eq!(alias(&api, "Both"), &TypeRef::F64, "no integer type holds -1 and u64::MAX");
    assert_eq!(field(&api, "Holder", "code"), &TypeRef::I64);
    // No format: OpenAPI integers are unbounded, widening is no flaw. A
    // declared int32 that its own values contradict is.
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    warned(&warnings, &["integers.yaml#/components/schemas/Int32Big", "integer value 3000000000 does not fit format int32; typed as i64"]);
    warned(&warnings, &["integers.yaml#/components/schemas/Both", "integer values -1 and 18446744073709551615 together fit neither i64 nor u64; typed as f64"]);
    let code = models_rs(api);
    for expected in ["pub type Big = i64;", "pub type Unsigned = u64;", "pub code: ::std::option::Option<i64>,"] {
        assert!(code.contains(expected), "missing `{expected}` in:\n{code}");
    }
}

// 2. Repeated parameters and operationIds, colliding names.

#[test]
fn a_parameter_declared_twice_is_a_warning_but_an_override_is_not() {
    let (api, warnings) = load(
        "params-twice",
        "paths:\n  /items/{id}:\n    parameters:\n      - {name: id, in: path, required: true, schema: {type: string}}\n      - {name: q, in: query, schema: {type: string}}\n      - {name: id, in: path, required: true, schema: {type: integer}}\n    get:\n      operationId: getItem\n      parameters:\n        - {name: q, in: query, schema: {type: integer}}\n        - {name: limit, in: query, schema: {type: integer}}\n        - {name: limit, in: query, schema: {type: string}}\n        - {name: limit, in: header, schema: {type: string}}\n      responses: {'200': {description: ok}}\n    delete:\n      operationId: deleteItem\n      responses: {'204': {description: gone}}\n",
    );
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    // Path-item level: once, not once per operation.
    warned(&warnings, &[
        "params-twice.yaml#/paths/~1items~1{id}/parameters/2:",
        "path parameter `id` is declared twice (also at ",
        "params-twice.yaml#/paths/~1items~1{id}/parameters/0); the last declaration is used",
    ]);
    warned(&warnings, &[
        "params-twice.yaml#/paths/~1items~1{id}/get/parameters/2:",
        "query parameter `limit` is declared twice (also at ",
        "#/paths/~1items~1{id}/get/parameters/1)",
    ]);
    // The same name in another location is another parameter: only its Rust
    // name has to change, and that is said too.
    warned(&warnings, &[
        "params-twice.yaml#/paths/~1items~1{id}/get/parameters/3:",
        "header parameter `limit` would be `limit` in Rust, which query parameter `limit` already is; named `limit2` instead",
    ]);
    let get = &api.operations[0];
    let params: Vec<(&str, ParamLocation, &TypeRef)> = get.params.iter().map(|p| (p.name.as_str(), p.location, &p.ty)).collect();
    assert_eq!(
        params,
        [
            ("id", ParamLocation::Path, &TypeRef::I32),
            ("q", ParamLocation::Query, &TypeRef::I32),
            ("limit", ParamLocation::Query, &TypeRef::String),
            ("limit", ParamLocation::Header, &TypeRef::String),
        ],
        "the last declaration wins; the operation's `q` overrides the path item's silently"
    );
}

#[test]
fn a_repeated_operation_id_is_a_warning_and_both_methods_exist() {
    let (api, warnings) = load(
        "op-ids",
        "paths:\n  /a:\n    get:\n      operationId: getThing\n      responses: {'200': {description: ok}}\n  /b:\n    get:\n      operationId: getThing\n      responses: {'200': {description: ok}}\n    post:\n      operationId: get_thing\n      responses: {'200': {description: ok}}\n    put:\n      operationId: clone\n      responses: {'200': {description: ok}}\n",
    );
    let methods: Vec<&str> = api.operations.iter().map(|o| o.method_name.as_str()).collect();
    // A path item's operations come in OpenAPI's order: get, put, post, ...
    assert_eq!(methods, ["get_thing", "get_thing2", "clone2", "get_thing3"]);
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    warned(&warnings, &[
        "op-ids.yaml#/paths/~1b/get:",
        "operationId `getThing` is not unique (also at ",
        "op-ids.yaml#/paths/~1a/get); this operation's method is named `get_thing2`",
    ]);
    warned(&warnings, &[
        "op-ids.yaml#/paths/~1b/post:",
        "the method of operation `get_thing` would be `get_thing` in Rust, which the method of operation `getThing` already is; named `get_thing3` instead",
    ]);
    warned(&warnings, &["op-ids.yaml#/paths/~1b/put:", "would be `clone` in Rust, which the generated code uses itself; named `clone2` instead"]);
}

#[test]
fn schemas_whose_rust_names_collide_are_warned_about() {
    let (api, warnings) = load(
        "schema-names",
        "paths: {}\ncomponents:\n  schemas:\n    foo_bar: {type: object, properties: {a: {type: string}}}\n    FooBar: {type: object, properties: {b: {type: string}}}\n    Item: {type: string}\n    item: {type: integer}\n    Holder:\n      type: object\n      properties:\n        fooBar: {type: string}\n        foo_bar: {type: integer}\n",
    );
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["FooBar", "FooBar2", "Holder", "Item", "Item2"]);
    assert_eq!(alias(&api, "Item2"), &TypeRef::I32, "`item` is the second one");
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    warned(&warnings, &[
        "schema-names.yaml#/components/schemas/FooBar:",
        "schema `FooBar` would be `FooBar` in Rust, which schema `foo_bar` already is; named `FooBar2` instead",
    ]);
    warned(&warnings, &["schema-names.yaml#/components/schemas/item:", "schema `item` would be `Item` in Rust, which schema `Item` already is; named `Item2` instead"]);
    warned(&warnings, &[
        "schema-names.yaml#/components/schemas/Holder/properties/foo_bar:",
        "property `foo_bar` would be `foo_bar` in Rust, which property `fooBar` already is; named `foo_bar2` instead",
    ]);
}

// 3. `$ref` cycles outside schemas.

#[test]
fn reference_cycles_are_named_as_cycles() {
    let param = fails(
        "param-cycle",
        "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{$ref: '#/components/parameters/A'}]\n      responses: {'200': {description: ok}}\ncomponents:\n  parameters:\n    A: {$ref: '#/components/parameters/B'}\n    B: {$ref: '#/components/parameters/A'}\n",
    );
    assert_ends_with(
        &param,
        "/param-cycle.yaml#/paths/~1a/get/parameters/0/$ref: `$ref` cycle: #/components/parameters/A -> #/components/parameters/B -> #/components/parameters/A"
    );
    let response = fails(
        "response-cycle",
        "paths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'200': {$ref: '#/components/responses/A'}}\ncomponents:\n  responses:\n    A: {$ref: '#/components/responses/B'}\n    B: {$ref: '#/components/responses/C'}\n    C: {$ref: '#/components/responses/B'}\n",
    );
    assert_ends_with(
        &response,
        "/response-cycle.yaml#/paths/~1a/get/responses/200/$ref: `$ref` #/components/responses/A leads into a `$ref` cycle: #/components/responses/B -> #/components/responses/C -> #/components/responses/B"
    );
    let body = fails(
        "body-cycle",
        "paths:\n  /a:\n    post:\n      operationId: postA\n      requestBody: {$ref: '#/components/requestBodies/A'}\n      responses: {'200': {description: ok}}\ncomponents:\n  requestBodies:\n    A: {$ref: '#/components/requestBodies/A'}\n",
    );
    assert_ends_with(&body, "/body-cycle.yaml#/paths/~1a/post/requestBody/$ref: `$ref` cycle: #/components/requestBodies/A -> #/components/requestBodies/A");
    let schema = fails(
        "schema-cycle",
        "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
    );
    assert!(schema.contains("`$ref` cycle: #/components/schemas/B -> #/components/schemas/A -> #/components/schemas/B"), "{schema}");
    // Response headers are not used by the client: a cycle there is tolerated.
    let (_, warnings) = load(
        "header-cycle",
        "paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          headers: {X-Rate: {$ref: '#/components/headers/A'}}\ncomponents:\n  headers:\n    A: {$ref: '#/components/headers/B'}\n    B: {$ref: '#/components/headers/A'}\n",
    );
    warned(&warnings, &[
        "header-cycle.yaml#/paths/~1a/get/responses/200/headers/X-Rate/$ref:",
        "response header `X-Rate`: `$ref` cycle: #/components/headers/A -> #/components/headers/B -> #/components/headers/A",
    ]);
}

#[test]
fn a_chain_of_references_that_ends_is_followed() {
    let (api, warnings) = load(
        "ref-chain",
        "paths:\n  /a:\n    post:\n      operationId: postA\n      parameters: [{$ref: '#/components/parameters/Alias'}]\n      requestBody: {$ref: '#/components/requestBodies/Alias'}\n      responses: {'200': {$ref: '#/components/responses/Alias'}}\ncomponents:\n  parameters:\n    Alias: {$ref: '#/components/parameters/Limit'}\n    Limit: {name: limit, in: query, schema: {type: integer}}\n  requestBodies:\n    Alias: {$ref: '#/components/requestBodies/Thing'}\n    Thing: {content: {application/json: {schema: {type: string}}}}\n  responses:\n    Alias: {$ref: '#/components/responses/Thing'}\n    Thing: {description: ok, content: {application/json: {schema: {type: boolean}}}}\n",
    );
    assert!(warnings.is_empty(), "{warnings:#?}");
    let op = &api.operations[0];
    assert_eq!(op.params[0].name, "limit");
    assert_eq!(op.body.as_ref().unwrap().ty, TypeRef::String);
    assert_eq!(op.returns.ty, TypeRef::Bool);
}

// 4. Defaults the schema itself rules out.

#[test]
fn impossible_defaults_are_warnings_and_still_documented() {
    let (api, warnings) = load(
        "defaults",
        "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters:\n        - {name: limit, in: query, schema: {type: integer, format: int32, maximum: 10, default: 99}}\n        - {name: big, in: query, schema: {type: integer, format: int32, default: 1e300}}\n        - {name: word, in: query, schema: {type: integer, default: abc}}\n      responses: {'200': {description: ok}}\ncomponents:\n  schemas:\n    T:\n      type: object\n      properties:\n        max: {type: integer, maximum: 10, default: 99}\n        exclusive: {type: number, minimum: 0, exclusiveMinimum: true, default: 0}\n        flag: {type: boolean, default: 'false'}\n        state: {type: string, enum: [A, B], default: C}\n        list: {type: array, items: {type: string}, default: 5}\n        fine: {type: integer, minimum: 1, maximum: 10, default: 5}\n        big: {type: integer, default: 3000000000}\n",
    );
    for (pointer, message) in [
        ("/paths/~1a/get/parameters/0/schema", "default 99 is above the maximum 10"),
        ("/paths/~1a/get/parameters/1/schema", "default 1e+300 does not fit the type i32"),
        ("/paths/~1a/get/parameters/2/schema", "default \"abc\" is not an integer but the schema type is integer"),
        ("/components/schemas/T/properties/max", "default 99 is above the maximum 10"),
        ("/components/schemas/T/properties/exclusive", "default 0 is not above the exclusive minimum 0.0"),
        ("/components/schemas/T/properties/flag", "default \"false\" is not a boolean but the schema type is boolean"),
        ("/components/schemas/T/properties/state", "default \"C\" is not one of the `enum` values"),
        ("/components/schemas/T/properties/list", "default 5 is not an array but the schema type is array"),
    ] {
        warned(&warnings, &[&format!("defaults.yaml#{pointer}: {message}")]);
    }
    assert_eq!(warnings.len(), 8, "`fine` and `big` are fine: {warnings:#?}");
    assert_eq!(field(&api, "T", "big"), &TypeRef::I64, "an integer without a format holds its default");
    assert_eq!(api.operations[0].params[0].default.as_deref(), Some("99"), "still documented as written");
    let code = models_rs(api);
    assert!(code.contains("Server default: `99`."), "{code}");
}

// 5. YAML (and JSON) keys given twice.

#[test]
fn a_duplicate_key_is_reported_where_it_is() {
    // The second `name` is on line 18, indented 8: column 9.
    let mut lines = vec!["openapi: 3.0.3", "info:", "  title: T", "  version: '1'", "paths: {}", "components:", "  schemas:"];
    lines.extend(["    Filler:", "      type: object", "      description: padding", "      properties:", "        id: {type: string}"]);
    lines.extend(["    Foo:", "      type: object", "      properties:", "        count: {type: integer}", "        name: {type: string}", "        name: {type: integer}", ""]);
    assert_eq!(lines[17], "        name: {type: integer}");
    let path = write("dup.yaml", &lines.join("\n"));
    let error = load_api(&path, &mut Vec::new()).unwrap_err();
    assert_eq!(error.line_col, Some((18, 9)), "{error}");
    let message = error.to_string();
    assert!(message.starts_with(&format!("{}:18:9: invalid YAML: ", path.display())), "{message}");
    assert!(message.ends_with("duplicate key `name`"), "{message}");

    // In a flow mapping, at the top level, and after stringifying `200`.
    for (text, line_col, key) in [
        ("openapi: 3.0.3\ninfo: {title: T, version: '1', title: U}\npaths: {}\n", (2, 32), "title"),
        ("openapi: 3.0.3\nopenapi: 3.0.2\n", (2, 1), "openapi"),
        ("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: a}\n        '200': {description: b}\n", (8, 9), "200"),
    ] {
        let error = load_api(&write("dup2.yaml", text), &mut Vec::new()).unwrap_err();
        assert_eq!(error.line_col, Some(line_col), "{error}");
        assert!(error.message.ends_with(&format!("duplicate key `{key}`")), "{error}");
    }

    // JSON too (serde_json stops just after the key).
    let json = "{\"openapi\": \"3.0.3\",\n \"info\": {\"title\": \"T\", \"version\": \"1\"},\n \"paths\": {},\n \"info\": {}}\n";
    let error = load_api(&write("dup.json", json), &mut Vec::new()).unwrap_err();
    assert_eq!(error.line_col.map(|(line, _)| line), Some(4), "{error}");
    assert!(error.message.contains("duplicate key `info`"), "{error}");
}

#[test]
fn yaml_infinity_is_tolerated_only_where_it_documents() {
    let (_, warnings) = load(
        "inf-default",
        "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{name: n, in: query, schema: {type: number, default: .inf}}]\n      responses: {'200': {description: ok}}\n",
    );
    warned(&warnings, &["inf-default.yaml#/paths/~1a/get/parameters/0/schema: default \".inf\" is not a number"]);
    let error = fails(
        "inf-maximum",
        "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{name: n, in: query, schema: {type: number, maximum: .inf}}]\n      responses: {'200': {description: ok}}\n",
    );
    assert!(error.contains("inf-maximum.yaml:8:") && error.contains("number .inf is not finite"), "{error}");
}

// 6. Path templates and path parameters that do not match.

#[test]
fn path_parameters_the_template_does_not_use_are_left_out() {
    // SailPoint's v2025 patchPotentialRole declares a `sessionId` its path never uses.
    let (api, warnings) = load(
        "unused-path-param",
        "paths:\n  /role-mining-potential-roles/{potentialRoleId}:\n    patch:\n      operationId: patchPotentialRole\n      parameters:\n        - {name: sessionId, in: path, required: true, schema: {type: string}}\n        - {name: potentialRoleId, in: path, required: true, schema: {type: string}}\n      responses: {'200': {description: ok}}\n  /things/{thingId}/{thingId}:\n    get:\n      operationId: getThing\n      responses: {'200': {description: ok}}\n",
    );
    let patch = &api.operations[0];
    let params: Vec<&str> = patch.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["potentialRoleId"], "no `sessionId` argument that would never be sent");
    warned(&warnings, &[
        "unused-path-param.yaml#/paths/~1role-mining-potential-roles~1{potentialRoleId}/patch/parameters/0:",
        "path parameter `sessionId` does not appear in the path; it is ignored",
    ]);
    // Undeclared: a string argument, one per name however often it appears.
    let get = &api.operations[1];
    let params: Vec<(&str, &TypeRef)> = get.params.iter().map(|p| (p.rust_name.as_str(), &p.ty)).collect();
    assert_eq!(params, [("thing_id", &TypeRef::String)]);
    warned(&warnings, &["#/paths/~1things~1{thingId}~1{thingId}/get:", "path parameter `thingId` is used in the path but not declared; typed as a string"]);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
}

#[test]
fn odd_path_templates_are_warnings_not_errors() {
    let ops = "    get:\n      responses: {'200': {description: ok}}\n";
    // `{}` is a (nameless) variable: a string argument fills it.
    let (api, warnings) = load("empty-var", &format!("paths:\n  /a/{{}}/b:\n{ops}"));
    let params: Vec<(&str, &str, &TypeRef)> = api.operations[0].params.iter().map(|p| (p.name.as_str(), p.rust_name.as_str(), &p.ty)).collect();
    assert_eq!(params, [("", "field", &TypeRef::String)]);
    warned(&warnings, &["empty-var.yaml#/paths/~1a~1{}~1b/get:", "path parameter `` is used in the path but not declared; typed as a string"]);
    // A `{` never closed names nothing: the path is sent as written.
    let (api, warnings) = load("open-var", &format!("paths:\n  /a/{{id:\n{ops}"));
    assert!(api.operations[0].params.is_empty());
    warned(&warnings, &["open-var.yaml#/paths/~1a~1{id:", "a `{` in the path `/a/{id` is never closed; the rest of the path is sent as written"]);
}

#[test]
fn names_the_generated_code_uses_itself_are_not_taken() {
    let (api, warnings) = load(
        "reserved",
        "paths:\n  /a:\n    get:\n      operationId: fromEnv\n      parameters:\n        - {name: stream, in: query, schema: {type: string}}\n        - {name: clone, in: query, schema: {type: string}}\n      responses: {'200': {description: ok}}\n    post:\n      operationId: result\n      responses: {'200': {description: ok}}\n",
    );
    let get = &api.operations[0];
    assert_eq!((get.method_name.as_str(), get.builder_name.as_str()), ("from_env2", "FromEnv"), "Client::from_env exists");
    let setters: Vec<&str> = get.params.iter().map(|p| p.rust_name.as_str()).collect();
    assert_eq!(setters, ["stream2", "clone2"], "setters must not shadow the builder's own methods");
    assert_eq!(api.operations[1].builder_name, "Result2", "a builder called `Result` would shadow the prelude's");
    warned(&warnings, &["reserved.yaml#/paths/~1a/get:", "the method of operation `fromEnv` would be `from_env` in Rust, which the generated code uses itself; named `from_env2` instead"]);
    warned(&warnings, &["reserved.yaml#/paths/~1a/get/parameters/0:", "query parameter `stream` would be `stream` in Rust, which the generated code uses itself; named `stream2` instead"]);
    warned(&warnings, &["reserved.yaml#/paths/~1a/post:", "the request builder of operation `result` would be `Result` in Rust, which the generated code uses itself; named `Result2` instead"]);
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
}

// 7. JSON Schema draft 3 `required: true` inside a property (SailPoint NERM).

#[test]
fn a_boolean_required_on_a_property_is_read_as_the_required_list() {
    let (api, warnings) = load(
        "boolean-required",
        "paths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {id: {type: string, required: true}}}\n      responses: {'200': {description: ok}}\ncomponents:\n  schemas:\n    Account:\n      type: object\n      required: [name]\n      properties:\n        id: {type: string, required: true}\n        name: {type: string, required: true}\n        note: {type: string, required: false}\n        owner: {$ref: '#/components/schemas/Owner', required: true}\n    Owner: {type: object, required: true, properties: {name: {type: string}}}\n    Holder:\n      type: object\n      properties:\n        inner: {type: object, properties: {z: {type: string, required: true}}}\n    Other:\n      type: object\n      properties:\n        i: {$ref: '#/components/schemas/Holder/properties/inner'}\n        j: {$ref: '#/components/schemas/Account/properties/id'}\n",
    );
    let def = |name: &str| api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}"));
    let TypeKind::Struct(account) = &def("Account").kind else { panic!("Account is a struct") };
    let fields: Vec<(&str, bool)> = account.fields.iter().map(|f| (f.json_name.as_str(), f.required)).collect();
    assert_eq!(fields, [("id", true), ("name", true), ("note", false), ("owner", true)]);
    assert_eq!(field(&api, "Account", "owner"), &TypeRef::Named("Owner".into()), "no wrapper for the `required` beside `$ref`");
    let TypeKind::Struct(body) = &def("PostABody").kind else { panic!("the body is a struct") };
    assert!(body.fields[0].required);
    // Hoisted for a `$ref` and also walked where it is written: one warning.
    let TypeKind::Struct(inner) = &def("HolderInner").kind else { panic!() };
    assert!(inner.fields[0].required);
    assert_eq!(field(&api, "Other", "j"), &TypeRef::Named("AccountId".into()), "a property reached alone is its schema");
    let base = "boolean-required.yaml#/components/schemas";
    warned(&warnings, &[&format!("{base}/Account/properties/id/required:"), "`required: true` inside a property (JSON Schema draft 3); read as `id` listed in the object's `required`"]);
    warned(&warnings, &[&format!("{base}/Account/properties/name/required:"), "read as `name` listed"]);
    warned(&warnings, &[&format!("{base}/Account/properties/owner/required:"), "read as `owner` listed"]);
    warned(&warnings, &[&format!("{base}/Account/properties/note/required:"), "`required: false` inside a property (JSON Schema draft 3) says nothing; dropped"]);
    warned(&warnings, &[&format!("{base}/Owner/required:"), "`required: true` on a schema that is not a property"]);
    warned(&warnings, &[&format!("{base}/Holder/properties/inner/properties/z/required:"), "read as `z` listed"]);
    warned(&warnings, &["boolean-required.yaml#/paths/~1a/post/requestBody/content/application~1json/schema/properties/id/required:", "read as `id` listed"]);
    assert_eq!(warnings.len(), 7, "{warnings:#?}");
}
