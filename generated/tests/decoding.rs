//! Decoding JSON into the generated structs, whose serde impls come from
//! the runtime's `json_object!` (a key-by-key object reader) instead of
//! serde's derive: the same answers the derive gave, and errors that name
//! the field.
#![cfg(feature = "beta")]

use sailpoint_role_mining::beta::models::{JsonPatchOperation, JsonPatchOperationOp, RoleMiningIdentity, RoleMiningSessionResponse};

#[test]
fn absent_null_and_unknown_fields() {
    let session: RoleMiningSessionResponse =
        serde_json::from_str(r#"{"name": null, "id": "s-1", "addedLater": {"deep": [1, 2]}, "pruneThreshold": 70}"#).unwrap();
    assert_eq!(session.id.as_deref(), Some("s-1"));
    assert_eq!(session.name, None, "null is None");
    assert_eq!(session.prune_threshold, Some(70));
    assert_eq!(session.scope, None, "absent is None");
    // Nothing but unknown keys, and an empty object: every field absent.
    let empty: RoleMiningSessionResponse = serde_json::from_str(r#"{"x": 1}"#).unwrap();
    assert_eq!(empty, RoleMiningSessionResponse::default());
    assert_eq!(serde_json::from_str::<RoleMiningSessionResponse>("{}").unwrap(), RoleMiningSessionResponse::default());
}

#[test]
fn escaped_keys_match_and_values_borrow_nothing_they_should_not() {
    let identity: RoleMiningIdentity = serde_json::from_str(r#"{"na\u006de": "Ada", "attributes": {"dept": "R&D"}}"#).unwrap();
    assert_eq!(identity.name.as_deref(), Some("Ada"));
    assert_eq!(identity.attributes.unwrap()["dept"], "R&D");
    // From an owned `Value` (no borrowing possible) too.
    let value = serde_json::json!({"id": "i-1", "name": "Bo"});
    let identity: RoleMiningIdentity = serde_json::from_value(value).unwrap();
    assert_eq!(identity.id.as_deref(), Some("i-1"));
}

#[test]
fn required_fields_are_required_and_round_trip() {
    let patch: JsonPatchOperation = serde_json::from_str(r#"{"op": "replace", "path": "/name", "value": "x"}"#).unwrap();
    assert_eq!(patch.op, JsonPatchOperationOp::Replace);
    assert_eq!(serde_json::from_value::<JsonPatchOperation>(serde_json::to_value(&patch).unwrap()).unwrap(), patch);
    let missing = serde_json::from_str::<JsonPatchOperation>(r#"{"op": "remove"}"#).unwrap_err();
    assert!(missing.to_string().contains("missing field `path`"), "{missing}");
    let not_an_object = serde_json::from_str::<JsonPatchOperation>("[1]").unwrap_err();
    assert!(not_an_object.to_string().contains("a JSON object (JsonPatchOperation)"), "{not_an_object}");
}

#[test]
fn a_wrong_value_is_reported_at_its_path() {
    let json = r#"[{"id": "a"}, {"id": "b", "attributes": {"dept": 7}}]"#;
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let error = serde_path_to_error::deserialize::<_, Vec<RoleMiningIdentity>>(&mut deserializer).unwrap_err();
    assert_eq!(error.path().to_string(), "[1].attributes.dept");
}
