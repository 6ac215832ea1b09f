//! Every `example` under the schemas of the upstream reference specs decodes
//! into the generated type and re-encodes to equivalent JSON; the examples
//! upstream got wrong (they contradict their own schema) must be rejected.
//!
//! The reference files are read in place from `../shared/reference/`.
#![cfg(all(feature = "beta", feature = "v2025"))]

use serde_json::{Map, Value};

/// Examples that contradict their own schema upstream. A faithful type must
/// refuse them. (The first five are listed in shared/reference/README.md;
/// the last puts a whole array where one array item belongs.)
const KNOWN_INVALID: &[&str] = &[
    "RoleMiningSessionScope/properties/attributeFilterCriteria",
    "RoleMiningPotentialRoleApplication/properties/id",
    "RoleMiningPotentialRoleApplication/properties/name",
    "RoleMiningPotentialRoleEntitlements/properties/id",
    "RoleMiningPotentialRoleEntitlements/properties/name",
    "JsonPatchOperation/properties/value/oneOf/4/items",
];

/// How an example found deep in a schema is embedded in a document of the
/// component's type.
#[derive(Debug, Clone)]
enum Step {
    /// Into property `name` of an object whose `required` list is given.
    Property { name: String, object: Value },
    /// Into one item of an array.
    Item,
    /// Through `oneOf`/`anyOf`/`allOf`: the same value.
    Same,
}

struct Example {
    pointer: String,
    component: String,
    steps: Vec<Step>,
    value: Value,
}

fn collect(schema: &Value, component: &str, pointer: String, steps: Vec<Step>, out: &mut Vec<Example>) {
    let Some(map) = schema.as_object() else { return };
    if let Some(value) = map.get("example") {
        out.push(Example { pointer: pointer.clone(), component: component.to_owned(), steps: steps.clone(), value: value.clone() });
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let mut s = steps.clone();
            s.push(Step::Property { name: name.clone(), object: schema.clone() });
            collect(prop, component, format!("{pointer}/properties/{name}"), s, out);
        }
    }
    if let Some(items) = map.get("items") {
        let mut s = steps.clone();
        s.push(Step::Item);
        collect(items, component, format!("{pointer}/items"), s, out);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for (i, member) in map.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
            let mut s = steps.clone();
            s.push(Step::Same);
            collect(member, component, format!("{pointer}/{key}/{i}"), s, out);
        }
    }
}

/// The example of a property schema, following a `$ref` to its component.
fn property_example(document: &Value, property: &Value) -> Option<Value> {
    if let Some(reference) = property.get("$ref").and_then(Value::as_str) {
        let target = document.pointer(reference.trim_start_matches('#'))?;
        return target.get("example").cloned().or_else(|| target.get("enum")?.get(0).cloned());
    }
    property.get("example").cloned()
}

/// Wrap `value` from the innermost step outwards; objects also get their
/// other required properties (from those properties' own examples).
fn embed(document: &Value, steps: &[Step], value: Value) -> Value {
    steps.iter().rev().fold(value, |inner, step| match step {
        Step::Same => inner,
        Step::Item => Value::Array(vec![inner]),
        Step::Property { name, object } => {
            let mut out = Map::new();
            for required in object.get("required").and_then(Value::as_array).into_iter().flatten() {
                let required = required.as_str().unwrap_or_default();
                let schema = &object["properties"][required];
                if let Some(example) = property_example(document, schema) {
                    out.insert(required.to_owned(), example);
                }
            }
            out.insert(name.clone(), inner);
            Value::Object(out)
        }
    })
}

/// JSON equality up to what serialization may legitimately change: `null`
/// members and absent ones are the same, and date-times compare as instants.
fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), normalize(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(instant) => Value::String(format!("instant:{}", instant.timestamp_nanos_opt().unwrap_or_default())),
            Err(_) => value.clone(),
        },
        other => other.clone(),
    }
}

fn roundtrip<T>(value: &Value) -> Result<(), String>
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    let decoded: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    if format!("{decoded:?}").contains("Unknown(") {
        return Err(format!("decoded with an unknown enum value: {decoded:?}"));
    }
    // Through text, as on the wire (an `f32` goes out as `65.2`, not as its f64 widening).
    let text = serde_json::to_string(&decoded).map_err(|e| e.to_string())?;
    let encoded: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    if normalize(&encoded) != normalize(value) {
        return Err(format!("re-encoded differently:\n  in:  {value}\n  out: {encoded}"));
    }
    Ok(())
}

macro_rules! decoder_for {
    ($module:ident) => {
        |component: &str, value: &Value| -> Result<(), String> {
            use sailpoint_role_mining::$module::models::*;
            match component {
                "RoleMiningSessionDto" => roundtrip::<RoleMiningSessionDto>(value),
                "RoleMiningSessionScope" => roundtrip::<RoleMiningSessionScope>(value),
                "RoleMiningRoleType" => roundtrip::<RoleMiningRoleType>(value),
                "RoleMiningSessionResponse" => roundtrip::<RoleMiningSessionResponse>(value),
                "RoleMiningSessionStatus" => roundtrip::<RoleMiningSessionStatus>(value),
                "RoleMiningSessionState" => roundtrip::<RoleMiningSessionState>(value),
                "EntityCreatedByDTO" => roundtrip::<EntityCreatedByDto>(value),
                "NullableEntityCreatedByDTO" => roundtrip::<NullableEntityCreatedByDto>(value),
                "ErrorResponseDto" => roundtrip::<ErrorResponseDto>(value),
                "ErrorMessageDto" => roundtrip::<ErrorMessageDto>(value),
                "LocaleOrigin" => roundtrip::<LocaleOrigin>(value),
                "JsonPatchOperation" => roundtrip::<JsonPatchOperation>(value),
                "RoleMiningPotentialRoleSummary" => roundtrip::<RoleMiningPotentialRoleSummary>(value),
                "RoleMiningPotentialRoleRef" => roundtrip::<RoleMiningPotentialRoleRef>(value),
                "RoleMiningPotentialRoleProvisionState" => roundtrip::<RoleMiningPotentialRoleProvisionState>(value),
                "RoleMiningSessionParametersDto" => roundtrip::<RoleMiningSessionParametersDto>(value),
                "RoleMiningSessionScopingMethod" => roundtrip::<RoleMiningSessionScopingMethod>(value),
                "RoleMiningPotentialRole" => roundtrip::<RoleMiningPotentialRole>(value),
                "RoleMiningIdentityDistribution" => roundtrip::<RoleMiningIdentityDistribution>(value),
                "JsonPatchOperationRoleMining" => roundtrip::<JsonPatchOperationRoleMining>(value),
                "RoleMiningPotentialRoleApplication" => roundtrip::<RoleMiningPotentialRoleApplication>(value),
                "RoleMiningPotentialRoleEntitlements" => roundtrip::<RoleMiningPotentialRoleEntitlements>(value),
                "RoleMiningEntitlement" => roundtrip::<RoleMiningEntitlement>(value),
                "RoleMiningEntitlementRef" => roundtrip::<RoleMiningEntitlementRef>(value),
                "RoleMiningPotentialRoleEditEntitlements" => roundtrip::<RoleMiningPotentialRoleEditEntitlements>(value),
                "RoleMiningIdentity" => roundtrip::<RoleMiningIdentity>(value),
                "RoleMiningPotentialRoleExportRequest" => roundtrip::<RoleMiningPotentialRoleExportRequest>(value),
                "RoleMiningPotentialRoleExportResponse" => roundtrip::<RoleMiningPotentialRoleExportResponse>(value),
                "RoleMiningPotentialRoleExportState" => roundtrip::<RoleMiningPotentialRoleExportState>(value),
                "RoleMiningPotentialRoleProvisionRequest" => roundtrip::<RoleMiningPotentialRoleProvisionRequest>(value),
                "RoleMiningSessionDraftRoleDto" => roundtrip::<RoleMiningSessionDraftRoleDto>(value),
                "RoleMiningPotentialRoleSourceUsage" => roundtrip::<RoleMiningPotentialRoleSourceUsage>(value),
                other => Err(format!("no generated type is mapped to schema {other}")),
            }
        }
    };
}

/// `../shared/reference/<file>`, or `None` (with the reason printed) when
/// the project is checked out alone; under CI the file must be there.
fn reference(file: &str) -> Option<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference").join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_yaml::from_str(&text).expect("the reference spec is valid YAML")),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("{}: {e}", path.display()),
        Err(_) => {
            eprintln!("skipping: {} is not present (clone the project next to shared/)", path.display());
            None
        }
    }
}

fn check_examples(file: &str, decode: impl Fn(&str, &Value) -> Result<(), String>) {
    let Some(document) = reference(file) else { return };
    let mut examples = Vec::new();
    for (name, schema) in document["components"]["schemas"].as_object().expect("components.schemas") {
        collect(schema, name, name.clone(), Vec::new(), &mut examples);
    }
    let mut failures = Vec::new();
    let mut rejected = Vec::new();
    for example in &examples {
        let value = embed(&document, &example.steps, example.value.clone());
        let result = decode(&example.component, &value);
        let expected_invalid = KNOWN_INVALID.contains(&example.pointer.as_str());
        match (result, expected_invalid) {
            (Ok(()), false) => {}
            (Err(_), true) => rejected.push(example.pointer.clone()),
            (Ok(()), true) => failures.push(format!("{}: upstream's invalid example was accepted: {value}", example.pointer)),
            (Err(e), false) => failures.push(format!("{}: {e}", example.pointer)),
        }
    }
    assert!(failures.is_empty(), "{file}:\n{}", failures.join("\n"));
    assert!(examples.len() > 100, "{file}: only {} examples found; the walk is broken", examples.len());
    // Every known-invalid example that exists in this file was rejected.
    let present: Vec<&&str> = KNOWN_INVALID.iter().filter(|p| examples.iter().any(|e| e.pointer == **p)).collect();
    assert_eq!(rejected.len(), present.len(), "{file}: rejected {rejected:?}, expected {present:?}");
    println!("{file}: {} examples decoded and re-encoded, {} invalid ones rejected", examples.len() - rejected.len(), rejected.len());
}

#[test]
fn beta_reference_examples_roundtrip() {
    check_examples("role-mining.beta.yaml", decoder_for!(beta));
}

#[test]
fn v2025_reference_examples_roundtrip() {
    check_examples("role-mining.v2025.yaml", decoder_for!(v2025));
}
