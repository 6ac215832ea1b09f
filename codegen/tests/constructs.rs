//! Small specs, one construct each, through the whole pipeline: what the
//! resolver decides (IR) and what the emitter writes.

use sailpoint_codegen::ir::{Api, ParamLocation, TypeKind, TypeRef};
use sailpoint_codegen::krate::{generate_crate, CrateConfig};
use sailpoint_codegen::{load_api, Warning};

fn load(name: &str, body: &str) -> (Api, Vec<Warning>) {
    let dir = std::env::temp_dir().join(format!("codegen-constructs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.yaml"));
    let spec = format!("openapi: 3.0.3\ninfo: {{title: Test API, version: '1.0'}}\nservers: [{{url: 'https://x.example.com/v9'}}]\n{body}");
    std::fs::write(&path, spec).unwrap();
    let mut warnings = Vec::new();
    let api = load_api(&path, &mut warnings).unwrap_or_else(|e| panic!("{e}"));
    (api, warnings)
}

fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
    &api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}")).kind
}

fn models_rs(api: Api) -> String {
    let config = CrateConfig { include_runtime: false, ..CrateConfig::standalone("t", api, "t.yaml", "test") };
    let files = generate_crate(&config).unwrap();
    files.into_iter().find(|f| f.path.ends_with("models.rs")).unwrap().contents
}

#[test]
fn recursion_is_boxed_and_only_recursion() {
    let (api, _) = load(
        "recursion",
        "paths: {}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        parent: {$ref: '#/components/schemas/Node'}\n        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n        leaf: {$ref: '#/components/schemas/Leaf'}\n    Leaf:\n      type: object\n      properties:\n        name: {type: string}\n",
    );
    let TypeKind::Struct(node) = kind(&api, "Node") else { panic!() };
    let boxed: Vec<(&str, bool)> = node.fields.iter().map(|f| (f.json_name.as_str(), f.boxed)).collect();
    assert_eq!(boxed, [("parent", true), ("children", false), ("leaf", false)]);
    let code = models_rs(api);
    assert!(code.contains("pub parent: ::std::option::Option<::std::boxed::Box<Node>>"), "{code}");
    assert!(code.contains("pub children: ::std::option::Option<::std::vec::Vec<Node>>"), "{code}");
}

#[test]
fn all_of_merges_and_the_nullable_ref_idiom_is_a_nullable_ref() {
    let (api, _) = load(
        "allof",
        "paths: {}\ncomponents:\n  schemas:\n    Base:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n    State: {type: string, enum: [A, B]}\n    Merged:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            state:\n              allOf:\n                - $ref: '#/components/schemas/State'\n                - nullable: true\n",
    );
    let TypeKind::Struct(merged) = kind(&api, "Merged") else { panic!("allOf of objects is a struct") };
    let id = &merged.fields[0];
    assert_eq!((id.json_name.as_str(), id.required, &id.ty), ("id", true, &TypeRef::String));
    let state = &merged.fields[1];
    assert_eq!(state.ty, TypeRef::Named("State".into()));
    assert!(state.nullable && !state.required);
}

#[test]
fn enums_keep_unknown_values_and_null_means_optional() {
    let (api, _) = load(
        "enums",
        "paths: {}\ncomponents:\n  schemas:\n    Origin: {type: string, nullable: true, enum: [DEFAULT, REQUEST, null]}\n    Holder:\n      type: object\n      required: [origin]\n      properties:\n        origin: {$ref: '#/components/schemas/Origin'}\n        unknown: {type: string, enum: [Unknown, x-y]}\n",
    );
    let TypeKind::StringEnum(origin) = kind(&api, "Origin") else { panic!() };
    let values: Vec<&str> = origin.variants.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["DEFAULT", "REQUEST"]);
    let TypeKind::Struct(holder) = kind(&api, "Holder") else { panic!() };
    assert!(holder.fields[0].required && holder.fields[0].nullable, "a null enum member makes the field nullable");
    let TypeKind::StringEnum(inline) = kind(&api, "HolderUnknown") else { panic!() };
    assert_eq!(inline.unknown_variant, "Unknown2", "the catch-all must not collide with a value named Unknown");
    let code = models_rs(api);
    assert!(code.contains("pub origin: ::std::option::Option<Origin>,"), "{code}");
    let flat: String = code.split_whitespace().collect();
    assert!(flat.contains(r#"wire_enum!(HolderUnknown,Unknown2{Unknown="Unknown",XY="x-y"});"#), "{code}");
    assert!(flat.contains(r#"json_object!(Holder{nullableorigin="origin",optionalunknown="unknown"});"#), "{code}");
}

#[test]
fn keywords_maps_unions_and_formats() {
    let (api, _) = load(
        "misc",
        "paths: {}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        type: {type: string}\n        self: {type: integer, format: int64}\n        when: {type: string, format: date-time}\n        day: {type: string, format: date}\n        counts: {type: object, additionalProperties: {type: integer}}\n        free: {type: object}\n        any: {}\n        ratio: {type: number, format: float}\n        choice:\n          oneOf:\n            - {type: string}\n            - {type: object, properties: {a: {type: boolean}}}\n",
    );
    let code = models_rs(api);
    for expected in [
        "pub r#type: ::std::option::Option<::std::string::String>,",
        "pub self_: ::std::option::Option<i64>,",
        "pub when: ::std::option::Option<::chrono::DateTime<::chrono::Utc>>,",
        "pub day: ::std::option::Option<::chrono::NaiveDate>,",
        "pub counts: ::std::option::Option<::std::collections::HashMap<::std::string::String, i32>>,",
        "pub free: ::std::option::Option<::serde_json::Map<::std::string::String, ::serde_json::Value>>,",
        "pub any: ::std::option::Option<::serde_json::Value>,",
        "pub ratio: ::std::option::Option<f32>,",
        "#[serde(untagged)]",
        "String(::std::string::String),",
        "ThingChoiceVariant2(ThingChoiceVariant2),",
    ] {
        // prettyplease wraps long lines: compare without whitespace.
        let flat = |s: &str| s.split_whitespace().collect::<String>().replace(",>", ">");
        assert!(flat(&code).contains(&flat(expected)), "missing `{expected}` in:\n{code}");
    }
}

#[test]
fn parameters_headers_and_bodies() {
    let (api, warnings) = load(
        "ops",
        "paths:\n  /things/{thingId}/parts/{partId}:\n    parameters:\n      - {name: thingId, in: path, required: true, schema: {type: string}}\n    patch:\n      operationId: patchPart\n      parameters:\n        - {name: X-Experimental, in: header, required: true, schema: {type: string, default: true}}\n        - {name: limit, in: query, schema: {type: integer, format: int32, default: 250}}\n        - {name: ids, in: query, schema: {type: array, items: {type: string}}}\n      requestBody:\n        required: true\n        content:\n          application/json-patch+json:\n            schema: {type: array, items: {type: object}}\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: object, additionalProperties: {type: integer}}}}}\n        '401': {description: no, content: {application/json: {schema: {type: object, properties: {error: {type: string}}}}}}\n  /files:\n    get:\n      responses:\n        '200': {description: zip, content: {application/zip: {schema: {type: string, format: binary}}}}\n        '204': {description: empty}\n",
    );
    assert_eq!(api.base_path, "/v9");
    let patch = &api.operations[0];
    assert_eq!(patch.method_name, "patch_part");
    let summary: Vec<(&str, ParamLocation, bool, Option<&str>)> =
        patch.params.iter().map(|p| (p.name.as_str(), p.location, p.required, p.constant.as_deref())).collect();
    assert_eq!(
        summary,
        [
            ("thingId", ParamLocation::Path, true, None),
            ("partId", ParamLocation::Path, true, None),
            ("X-Experimental", ParamLocation::Header, true, Some("true")),
            ("limit", ParamLocation::Query, false, None),
            ("ids", ParamLocation::Query, false, None),
        ]
    );
    let body = patch.body.as_ref().unwrap();
    assert_eq!(body.content_type, "application/json-patch+json");
    assert_eq!(patch.returns.ty, TypeRef::Map(Box::new(TypeRef::I32)));
    assert_eq!(api.error_bodies[0].rust_name, "UnauthorizedBody");
    let files = &api.operations[1];
    assert_eq!(files.method_name, "get_files", "derived from method and path");
    assert_eq!(files.returns.ty, TypeRef::Bytes);
    let messages: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert!(messages.iter().any(|m| m.contains("`partId` is used in the path but not declared")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("no operationId; using `get_files`")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("default true is not a string")), "{messages:?}");
}

#[test]
fn discriminated_unions_pick_the_variant_by_tag() {
    let (api, _) = load(
        "tagged",
        "paths: {}\ncomponents:\n  schemas:\n    Cat: {type: object, required: [kind], properties: {kind: {type: string}, lives: {type: integer}}}\n    Dog: {type: object, required: [kind], properties: {kind: {type: string}, good: {type: boolean}}}\n    Pet:\n      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]\n      discriminator:\n        propertyName: kind\n        mapping: {cat: '#/components/schemas/Cat'}\n",
    );
    let TypeKind::Union(pet) = kind(&api, "Pet") else { panic!() };
    assert_eq!(pet.tag.as_deref(), Some("kind"));
    let tags: Vec<Vec<String>> = pet.variants.iter().map(|v| v.tag_values.clone()).collect();
    assert_eq!(tags, [vec!["cat".to_owned()], vec!["Dog".to_owned()]], "mapping first, else the schema name");
    let code = models_rs(api);
    let flat = |s: &str| s.split_whitespace().collect::<String>();
    // `Self::`, not `Pet::`: inside `deserialize<D>` a schema called `D` would be the type parameter.
    for expected in [r#"Some("cat") => { ::serde_json::from_value(value) .map(Self::Cat)"#, "_ => ::std::result::Result::Ok(Self::Unknown(value))"] {
        assert!(flat(&code).contains(&flat(expected)), "missing `{expected}` in:\n{code}");
    }
    assert!(flat(&code).contains(&flat("Unknown(::serde_json::Value),")), "{code}");
}

#[test]
fn list_styles_tags_spec_names_and_constraints_reach_the_ir() {
    let (api, _) = load(
        "styles",
        "paths:\n  /things:\n    get:\n      operationId: listThings\n      tags: [Things, Inventory]\n      parameters:\n        - {name: a, in: query, schema: {type: array, items: {type: string}}}\n        - {name: b, in: query, explode: false, schema: {type: array, items: {type: string}}}\n        - {name: c, in: query, style: spaceDelimited, explode: false, schema: {type: array, items: {type: string}}}\n        - {name: d, in: query, style: pipeDelimited, explode: false, schema: {type: array, items: {type: string}, maxItems: 5}}\n        - {name: e, in: query, schema: {type: string, format: uuid, maxLength: 36}}\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: object, title: Thing Page, properties: {n: {type: integer, minimum: 0}}}}}}\ncomponents:\n  schemas:\n    Name: {type: string, minLength: 1, pattern: '^[a-z]+$'}\n",
    );
    let op = &api.operations[0];
    assert_eq!(op.tags, ["Things", "Inventory"]);
    let styles: Vec<(&str, bool, &str)> = op.params.iter().map(|p| (p.name.as_str(), p.explode, p.style.delimiter())).collect();
    assert_eq!(styles, [("a", true, ","), ("b", false, ","), ("c", false, " "), ("d", false, "|"), ("e", true, ",")]);
    let shown = |c: &[sailpoint_codegen::ir::Constraint]| c.iter().map(|c| format!("{}={}", c.keyword, c.value)).collect::<Vec<_>>();
    assert_eq!(shown(&op.params[3].constraints), ["maxItems=5"]);
    assert_eq!(shown(&op.params[4].constraints), ["format=\"uuid\"", "maxLength=36"]);
    let name = api.types.iter().find(|t| t.name == "Name").unwrap();
    assert_eq!(name.spec_name.as_deref(), Some("Name"));
    assert_eq!(shown(&name.constraints), ["minLength=1", "pattern=\"^[a-z]+$\""]);
    let page = api.types.iter().find(|t| t.name == "ThingPage").unwrap();
    assert_eq!(page.spec_name.as_deref(), Some("Thing Page"), "an inline schema's title is its spec name");
    let TypeKind::Struct(s) = &page.kind else { panic!("struct") };
    assert_eq!(shown(&s.fields[0].constraints), ["minimum=0"]);

    // One builders file to look in, whatever the tags.
    let config = CrateConfig { include_runtime: false, tag_features: false, ..CrateConfig::standalone("t", api, "t.yaml", "test") };
    let files = generate_crate(&config).unwrap();
    let builders = &files.iter().find(|f| f.path.ends_with("builders.rs")).unwrap().contents;
    assert!(builders.contains(r#"request.query_list("a", self.a.as_ref().map(|v| v.as_slice()), true)"#), "{builders}");
    assert!(builders.contains(r#"request.query_list("b", self.b.as_ref().map(|v| v.as_slice()), false)"#), "{builders}");
    assert!(builders.contains(r#"request.query_delimited("c", self.c.as_ref().map(|v| v.as_slice()), " ")"#), "{builders}");
    assert!(builders.contains(r#"request.query_delimited("d", self.d.as_ref().map(|v| v.as_slice()), "|")"#), "{builders}");
}

#[test]
fn inline_property_types_are_named_after_the_whole_property() {
    // `type` once lost its `T` here (`EntryYpe`); only the `T` put before a
    // leading digit is dropped when the name follows its parent's.
    let (api, _) = load(
        "property-names",
        "paths: {}\ncomponents:\n  schemas:\n    Entry:\n      type: object\n      properties:\n        type: {type: string, enum: [A, B]}\n        title: {type: object, properties: {text: {type: string}}}\n        1st: {type: string, enum: [X]}\n",
    );
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    for expected in ["EntryType", "EntryTitle", "Entry1st"] {
        assert!(names.contains(&expected), "no {expected} in {names:?}");
    }
}

#[test]
fn doc_blocks_come_back_as_comments_at_their_place() {
    // Doc comments bypass syn and prettyplease (a marker per block, replaced
    // after printing): text that looks like a marker stays text.
    let (api, _) = load(
        "doc-blocks",
        "paths: {}\ncomponents:\n  schemas:\n    Note:\n      description: \"First line.\\n\\nSecond @doc-block:0 line.\"\n      type: object\n      properties:\n        text: {type: string, description: \"Nested.\\nTwo lines: \\\\u0000doc-block:1\"}\n        raw: {type: string, description: \"A real \\0doc-block:2 NUL.\"}\n",
    );
    let code = models_rs(api);
    assert!(code.contains("/// First line.\n///\n/// Second @doc-block:0 line.\n"), "{code}");
    assert!(code.contains("    /// Nested.\n    /// Two lines: \\u0000doc-block:1\n    pub text:"), "{code}");
    // A NUL in spec text is escaped, never taken for a marker.
    assert!(code.contains("    /// A real \\u{0000}doc-block:2 NUL.\n    pub raw:"), "{code}");
    assert!(!code.contains('\0'), "{code}");
}
