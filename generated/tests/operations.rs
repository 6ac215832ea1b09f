//! One test per operation of each API module, against a real HTTP server on
//! 127.0.0.1, plus the error paths.
//!
//! `beta` and `v2025` expose the same operations with the same Rust names,
//! except where their specs differ, so the tests are written once in
//! `operation_tests!` and instantiated per module; each operation stays its
//! own `#[tokio::test]` (`beta::get_potential_role`, `v2025::get_potential_role`,
//! ...) so a failure names it. Where the modules differ the invocation passes
//! the difference in, or adds tests of its own.
#![cfg(all(feature = "beta", feature = "v2024", feature = "v2025", feature = "v2026", feature = "v1"))]

mod common;

use serde_json::{json, Value};

// Response bodies shared by several operations, with field names exactly as
// the specs' schemas spell them. Dates carry offsets and fractions so that
// decoding has to normalize them to UTC.

fn session_response_json() -> Value {
    json!({
        "id": "8c190e67-87aa-4ed9-a90b-d9d5344523fb",
        "name": "Finance mining",
        "scope": {
            "identityIds": ["2c9180857182305e0171993735622948", "2c9180857182305e0171993735622949"],
            "criteria": "source.name:\"Active Directory\"",
            "attributeFilterCriteria": [{"name": "department", "operator": "EQUALS", "values": ["Finance"]}]
        },
        "minNumIdentitiesInPotentialRole": 20,
        "scopingMethod": "MANUAL",
        "prescribedPruneThreshold": 10,
        "pruneThreshold": 50,
        "potentialRoleCount": 8,
        "potentialRolesReadyCount": 4,
        "status": {"state": "POTENTIAL_ROLES_PROCESSING"},
        "emailRecipientId": "2c918090761a5aac0176215c46a62d58",
        "createdBy": {"id": "2c918090761a5aac0176215c46a62d58", "displayName": "Ann Smith"},
        "identityCount": 211,
        "saved": true,
        "dataFilePath": null,
        "createdDate": "2024-03-01T12:15:30+02:00",
        "modifiedDate": "2024-03-01T10:20:00.250Z",
        "type": "SPECIALIZED",
        // Not in the spec: a field the server adds later must be ignored.
        "tenantRegion": "eu-central-1"
    })
}

fn session_parameters_json() -> Value {
    json!({
        "id": "602ba738-cf48-499b-a780-7b67b3fc1ecf",
        "name": "Q3 mining",
        "minNumIdentitiesInPotentialRole": 20,
        "pruneThreshold": 70,
        "saved": true,
        "scope": {"identityIds": [], "criteria": "source.name:\"Active Directory\"", "attributeFilterCriteria": null},
        "type": "SPECIALIZED",
        "state": "POTENTIAL_ROLES_CREATED",
        "scopingMethod": "AUTO_RM"
    })
}

fn potential_role_json() -> Value {
    json!({
        "createdBy": {"id": "2c918090761a5aac0176215c46a62d58", "displayName": "Ann Smith"},
        "density": 75,
        "description": "Analysts of the finance department",
        "entitlementCount": 12,
        "excludedEntitlements": ["ent-7"],
        "freshness": 80,
        "identityCount": 42,
        "identityDistribution": [{
            "attributeName": "department",
            "distribution": [{"attributeValue": "Finance", "count": 40}, {"attributeValue": null, "count": 2}]
        }],
        "identityIds": ["id-1", "id-2"],
        "identityGroupStatus": "OBTAINED",
        "name": "Finance analysts",
        "potentialRoleRef": {"id": "e0cc5d7d-bf7f-4f81-b2af-8885b09d9923", "name": "Finance analysts"},
        "provisionState": "POTENTIAL",
        "quality": 77,
        "roleId": null,
        "saved": true,
        "session": session_parameters_json(),
        "type": "COMMON",
        "id": "e0cc5d7d-bf7f-4f81-b2af-8885b09d9923",
        "createdDate": "2024-05-06T07:08:09.5Z",
        "modifiedDate": "2024-05-07T09:00:00+02:00"
    })
}

fn summary_json(provision_state: &str) -> Value {
    json!({
        "id": "e0cc5d7d-bf7f-4f81-b2af-8885b09d9923",
        "name": "Finance analysts",
        "potentialRoleRef": {"id": "e0cc5d7d-bf7f-4f81-b2af-8885b09d9923", "name": "Finance analysts"},
        "identityCount": 42,
        "entitlementCount": 12,
        "identityGroupStatus": "OBTAINED",
        "provisionState": provision_state,
        "roleId": "2c91808a7e95e6e0017e96e66c4a0002",
        "density": 75,
        "freshness": 80,
        "quality": 77,
        "type": "SPECIALIZED",
        "createdBy": null,
        "createdDate": "2024-05-06T07:08:09.5Z",
        "saved": false,
        "description": null,
        "session": session_parameters_json()
    })
}

fn entitlement_json(id: &str, identity_count: Value) -> Value {
    json!({
        "entitlementRef": {"id": id, "name": "CN=Finance,OU=Groups", "description": null, "attribute": "memberOf"},
        "name": "CN=Finance,OU=Groups",
        "applicationName": "Active Directory",
        "identityCount": identity_count,
        "popularity": 95.5,
        "popularityInOrg": 12.25,
        "sourceId": "2c9180835d191a86015d28455b4a2329",
        "activitySourceState": "complete",
        "sourceUsagePercent": null
    })
}

fn export_json(status: &str) -> Value {
    json!({
        "minEntitlementPopularity": 60,
        "includeCommonAccess": false,
        "exportId": "0c6cdb76-1227-4aaf-af21-192dbdfbfa04",
        "status": status
    })
}

/// `2024-05-06T07:08:09.5Z`, built independently of any parser.
fn may_6th() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap() + chrono::Duration::milliseconds(500)
}

/// A 4xx/5xx body in SailPoint's ErrorResponseDto shape.
fn error_dto_json() -> Value {
    json!({
        "detailCode": "400.1 Bad Request Content",
        "trackingId": "e7eab60924f64aa284175b9fa3309599",
        "messages": [{"locale": "en-US", "localeOrigin": "DEFAULT", "text": "  filters: unsupported operator  "}],
        "causes": []
    })
}

/// Tests of the operations (and error paths) both modules share.
///
/// - `api`: the module under test, which also names the test module;
/// - `base`: its base path, spelled out rather than taken from the crate so
///   a wrong `BASE_PATH` fails;
/// - `experimental`: whether it must send `X-SailPoint-Experimental: true`;
/// - `patch_potential_role`: the method for `PATCH /role-mining-potential-roles/{id}`,
///   whose operation id differs between the specs;
/// - then any tests of that module alone.
macro_rules! operation_tests {
    (
        api: $api:ident,
        base: $base:literal,
        version: $version:expr,
        experimental: $experimental:literal,
        patch_potential_role: $patch_potential_role:ident,
        $($module_only:item)*
    ) => {
        mod $api {
            use std::collections::HashMap;
            use std::time::Duration;

            use chrono::{TimeZone, Utc};
            use serde_json::json;
            use wiremock::matchers::any;
            use wiremock::{Mock, ResponseTemplate};

            use sailpoint_role_mining::runtime;
            use sailpoint_role_mining::$api::models::*;
            use sailpoint_role_mining::$api::{Client, ErrorBody};

            use crate::common::*;
            use crate::*;

            async fn setup() -> (Harness, Client) {
                let harness = Harness::start($base, $version, $experimental).await;
                let client = Client::new(harness.uri(), TOKEN).expect("client");
                (harness, client)
            }

            fn assert_potential_role(role: &RoleMiningPotentialRole) {
                assert_eq!(role.id.as_deref(), Some("e0cc5d7d-bf7f-4f81-b2af-8885b09d9923"));
                assert_eq!(role.name.as_deref(), Some("Finance analysts"));
                assert_eq!(role.r#type, Some(RoleMiningRoleType::Common));
                assert_eq!(role.provision_state, Some(RoleMiningPotentialRoleProvisionState::Potential));
                assert_eq!(role.created_date, Some(may_6th()));
                assert_eq!(role.modified_date, Some(Utc.with_ymd_and_hms(2024, 5, 7, 7, 0, 0).unwrap()));
                assert_eq!(role.identity_count, Some(42));
                assert_eq!(role.role_id, None);
                let Some(RoleMiningSessionResponseCreatedBy::EntityCreatedByDto(by)) = &role.created_by else {
                    panic!("createdBy: {:?}", role.created_by);
                };
                assert_eq!(by.display_name.as_deref(), Some("Ann Smith"));
                let distribution = &role.identity_distribution.as_ref().unwrap()[0];
                assert_eq!(distribution.attribute_name.as_deref(), Some("department"));
                let buckets = distribution.distribution.as_ref().unwrap();
                assert_eq!((buckets[1].attribute_value.as_deref(), buckets[1].count), (None, Some(2)));
                assert_eq!(role.potential_role_ref.as_ref().unwrap().name.as_deref(), Some("Finance analysts"));
                assert_session_parameters(role.session.as_ref().unwrap());
            }

            fn assert_session_parameters(session: &RoleMiningSessionParametersDto) {
                assert_eq!(session.name.as_deref(), Some("Q3 mining"));
                assert_eq!(session.prune_threshold, Some(70));
                assert_eq!(session.state, Some(RoleMiningSessionState::PotentialRolesCreated));
                assert_eq!(session.scoping_method, Some(RoleMiningSessionScopingMethod::AutoRm));
                assert_eq!(session.scope.as_ref().unwrap().attribute_filter_criteria, None);
            }

            fn assert_summary(summary: &RoleMiningPotentialRoleSummary) {
                assert_eq!(summary.id.as_deref(), Some("e0cc5d7d-bf7f-4f81-b2af-8885b09d9923"));
                assert_eq!(summary.identity_count, Some(42));
                assert_eq!(summary.entitlement_count, Some(12));
                assert_eq!(summary.quality, Some(77));
                assert_eq!(summary.r#type, Some(RoleMiningRoleType::Specialized));
                assert_eq!(summary.created_date, Some(may_6th()));
                assert_eq!(summary.created_by, None);
                assert_eq!(summary.role_id.as_deref(), Some("2c91808a7e95e6e0017e96e66c4a0002"));
                assert_session_parameters(summary.session.as_ref().unwrap());
            }

            fn assert_entitlement(entitlement: &RoleMiningEntitlement, id: &str) {
                assert_eq!(entitlement.entitlement_ref.as_ref().unwrap().id.as_deref(), Some(id));
                assert_eq!(entitlement.entitlement_ref.as_ref().unwrap().attribute.as_deref(), Some("memberOf"));
                assert_eq!(entitlement.application_name.as_deref(), Some("Active Directory"));
                assert_eq!(entitlement.popularity, Some(95.5));
                assert_eq!(entitlement.popularity_in_org, Some(12.25));
                assert_eq!(entitlement.source_usage_percent, None);
            }

            fn assert_export(export: &RoleMiningPotentialRoleExportResponse) {
                assert_eq!(export.export_id.as_deref(), Some("0c6cdb76-1227-4aaf-af21-192dbdfbfa04"));
                assert_eq!(export.min_entitlement_popularity, Some(60));
                assert_eq!(export.include_common_access, Some(false));
            }

            #[tokio::test]
            async fn create_role_mining_sessions() {
                let (h, api) = setup().await;
                h.expect("POST", "/role-mining-sessions")
                    .json_body(
                        "application/json",
                        json!({
                            "scope": {"identityIds": ["2c9180857182305e0171993735622948"]},
                            "pruneThreshold": 50,
                            "minNumIdentitiesInPotentialRole": 20,
                            "type": "SPECIALIZED",
                            "emailRecipientId": "2c918090761a5aac0176215c46a62d58",
                            "saved": true,
                            "name": "Finance mining"
                        }),
                    )
                    .respond(json_response(201, session_response_json()))
                    .await;
                let body = RoleMiningSessionDto {
                    scope: Some(RoleMiningSessionScope {
                        identity_ids: Some(vec!["2c9180857182305e0171993735622948".into()]),
                        ..Default::default()
                    }),
                    prune_threshold: Some(50),
                    min_num_identities_in_potential_role: Some(20),
                    r#type: Some(RoleMiningRoleType::Specialized),
                    email_recipient_id: Some("2c918090761a5aac0176215c46a62d58".into()),
                    saved: Some(true),
                    name: Some("Finance mining".into()),
                    ..Default::default()
                };
                let session = h.ok(api.create_role_mining_sessions(body).send().await).await;
                assert_eq!(session.id.as_deref(), Some("8c190e67-87aa-4ed9-a90b-d9d5344523fb"));
                assert_eq!(session.created_date, Some(Utc.with_ymd_and_hms(2024, 3, 1, 10, 15, 30).unwrap()));
                assert_eq!(
                    session.modified_date,
                    Some(Utc.with_ymd_and_hms(2024, 3, 1, 10, 20, 0).unwrap() + chrono::Duration::milliseconds(250))
                );
                assert_eq!(session.r#type, Some(RoleMiningRoleType::Specialized));
                assert_eq!(session.status.unwrap().state, Some(RoleMiningSessionState::PotentialRolesProcessing));
                assert_eq!(session.data_file_path, None);
                assert_eq!(session.scoping_method.as_deref(), Some("MANUAL"));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_role_mining_session() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}"))
                    .respond(json_response(200, session_response_json()))
                    .await;
                let session = h.ok(api.get_role_mining_session(SESSION_ID).send().await).await;
                assert_eq!(session.name.as_deref(), Some("Finance mining"));
                assert_eq!(session.identity_count, Some(211));
                assert_eq!(session.potential_roles_ready_count, Some(4));
                let scope = session.scope.unwrap();
                assert_eq!(scope.identity_ids.map(|ids| ids.len()), Some(2));
                assert_eq!(scope.attribute_filter_criteria.unwrap()[0]["values"], json!(["Finance"]));
                let Some(RoleMiningSessionResponseCreatedBy::EntityCreatedByDto(by)) = session.created_by else {
                    panic!("createdBy did not decode as an EntityCreatedByDto");
                };
                assert_eq!(by.id.as_deref(), Some("2c918090761a5aac0176215c46a62d58"));
                h.verify().await;
            }

            #[tokio::test]
            async fn patch_role_mining_session() {
                let (h, api) = setup().await;
                h.expect("PATCH", &format!("/role-mining-sessions/{SESSION_SEG}"))
                    .json_body(
                        "application/json-patch+json",
                        json!([
                            {"op": "replace", "path": "/pruneThreshold", "value": 83},
                            {"op": "replace", "path": "/saved", "value": true},
                            {"op": "replace", "path": "/name", "value": "Finance \"Q3\""},
                            // No `"value": null`: an absent operand must stay absent.
                            {"op": "remove", "path": "/emailRecipientId"}
                        ]),
                    )
                    .respond(json_response(202, json!({"id": "8c190e67-87aa-4ed9-a90b-d9d5344523fb", "pruneThreshold": 83})))
                    .await;
                let replace = |path: &str, value| JsonPatchOperation {
                    op: JsonPatchOperationOp::Replace,
                    path: path.into(),
                    value: Some(value),
                };
                let patch = vec![
                    replace("/pruneThreshold", JsonPatchOperationValue::Integer(83)),
                    replace("/saved", JsonPatchOperationValue::Boolean(true)),
                    replace("/name", JsonPatchOperationValue::String("Finance \"Q3\"".into())),
                    JsonPatchOperation { op: JsonPatchOperationOp::Remove, path: "/emailRecipientId".into(), value: None },
                ];
                let accepted = h.ok(api.patch_role_mining_session(SESSION_ID, patch).send().await).await;
                assert_eq!(accepted, json!({"id": "8c190e67-87aa-4ed9-a90b-d9d5344523fb", "pruneThreshold": 83}));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_role_mining_session_status() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/status"))
                    // A state added to the API after this crate was generated.
                    .respond(json_response(200, json!({"state": "POTENTIAL_ROLES_ARCHIVED"})))
                    .await;
                // Awaiting the builder directly (IntoFuture) sends it too.
                let status = h.ok(api.get_role_mining_session_status(SESSION_ID).await).await;
                assert_eq!(status.state, Some(RoleMiningSessionState::Unknown("POTENTIAL_ROLES_ARCHIVED".into())));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_potential_role_summaries() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/potential-role-summaries"))
                    .query(&[
                        ("sorters", "-createdDate"),
                        ("filters", FILTERS),
                        ("offset", "20"),
                        ("limit", "50"),
                        ("count", "true"),
                    ])
                    .respond(json_response(200, json!([summary_json("POTENTIAL"), summary_json("COMPLETE")])))
                    .await;
                let summaries = h.ok(
                    api.get_potential_role_summaries(SESSION_ID)
                        .sorters("-createdDate")
                        .filters(FILTERS)
                        .offset(20)
                        .limit(50)
                        .count(true)
                        .send()
                        .await,
                ).await;
                assert_eq!(summaries.len(), 2);
                assert_summary(&summaries[0]);
                assert_eq!(summaries[0].provision_state, Some(RoleMiningPotentialRoleProvisionState::Potential));
                assert_eq!(summaries[1].provision_state, Some(RoleMiningPotentialRoleProvisionState::Complete));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_potential_role() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/potential-role-summaries/{ROLE_SEG}"))
                    .respond(json_response(200, potential_role_json()))
                    .await;
                let role = h.ok(api.get_potential_role(SESSION_ID, ROLE_ID).send().await).await;
                assert_potential_role(&role);
                h.verify().await;
            }

            #[tokio::test]
            async fn patch_potential_role_session() {
                let (h, api) = setup().await;
                h.expect("PATCH", &format!("/role-mining-sessions/{SESSION_SEG}/potential-role-summaries/{ROLE_SEG}"))
                    .json_body(
                        "application/json-patch+json",
                        json!([
                            {"op": "replace", "path": "/description", "value": "Finance & accounting analysts"},
                            {"op": "remove", "path": "/name"}
                        ]),
                    )
                    .respond(json_response(200, potential_role_json()))
                    .await;
                let patch = vec![
                    JsonPatchOperationRoleMining {
                        op: JsonPatchOperationRoleMiningOp::Replace,
                        path: "/description".into(),
                        value: Some(JsonPatchOperationValue::String("Finance & accounting analysts".into())),
                    },
                    JsonPatchOperationRoleMining { op: JsonPatchOperationRoleMiningOp::Remove, path: "/name".into(), value: None },
                ];
                let role = h.ok(api.patch_potential_role_session(SESSION_ID, ROLE_ID, patch).send().await).await;
                // The spec declares a free-form object here, so it stays JSON.
                assert_eq!(role, potential_role_json());
                h.verify().await;
            }

            #[tokio::test]
            async fn get_potential_role_applications() {
                let (h, api) = setup().await;
                h.expect(
                    "GET",
                    &format!("/role-mining-sessions/{SESSION_SEG}/potential-role-summaries/{ROLE_SEG}/applications"),
                )
                .query(&[("filters", r#"applicationName sw "Work""#), ("offset", "0"), ("limit", "10"), ("count", "false")])
                .respond(json_response(200, json!([
                    {"id": "2c9180835d191a86015d28455b4a2329", "name": "Workday"},
                    {"id": "2c9180835d191a86015d28455b4a2330", "name": "Workday Financials", "connector": "workday"}
                ])))
                .await;
                let apps = h.ok(
                    api.get_potential_role_applications(SESSION_ID, ROLE_ID)
                        .filters(r#"applicationName sw "Work""#)
                        .offset(0)
                        .limit(10)
                        .count(false)
                        .send()
                        .await,
                ).await;
                assert_eq!(apps.len(), 2);
                assert_eq!(apps[0].name.as_deref(), Some("Workday"));
                assert_eq!(apps[1].id.as_deref(), Some("2c9180835d191a86015d28455b4a2330"));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_potential_role_entitlements() {
                let (h, api) = setup().await;
                h.expect(
                    "GET",
                    &format!("/role-mining-sessions/{SESSION_SEG}/potential-role-summaries/{ROLE_SEG}/entitlements"),
                )
                .query(&[("filters", r#"entitlementRef.name sw "CN=Fin""#), ("offset", "5"), ("limit", "25"), ("count", "true")])
                .respond(json_response(200, json!([{"id": "ent-1", "name": "CN=Finance,OU=Groups"}])))
                .await;
                let entitlements = h.ok(
                    api.get_potential_role_entitlements(SESSION_ID, ROLE_ID)
                        .filters(r#"entitlementRef.name sw "CN=Fin""#)
                        .offset(5)
                        .limit(25)
                        .count(true)
                        .send()
                        .await,
                ).await;
                assert_eq!(entitlements.len(), 1);
                assert_eq!(entitlements[0].id.as_deref(), Some("ent-1"));
                assert_eq!(entitlements[0].name.as_deref(), Some("CN=Finance,OU=Groups"));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_entitlements_potential_role() {
                let (h, api) = setup().await;
                h.expect(
                    "GET",
                    &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/entitlement-popularities"),
                )
                .query(&[
                    ("includeCommonAccess", "false"),
                    ("sorters", "-popularity,entitlementName"),
                    ("filters", FILTERS),
                    ("offset", "10"),
                    ("limit", "100"),
                    ("count", "true"),
                ])
                .respond(json_response(200, json!([entitlement_json("ent-1", json!(40)), entitlement_json("ent-2", json!(7))])))
                .await;
                let entitlements = h.ok(
                    api.get_entitlements_potential_role(SESSION_ID, ROLE_ID)
                        .include_common_access(false)
                        .sorters("-popularity,entitlementName")
                        .filters(FILTERS)
                        .offset(10)
                        .limit(100)
                        .count(true)
                        .send()
                        .await,
                ).await;
                assert_entitlement(&entitlements[0], "ent-1");
                assert_entitlement(&entitlements[1], "ent-2");
                assert_eq!((entitlements[0].identity_count, entitlements[1].identity_count), (Some(40), Some(7)));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_entitlement_distribution_potential_role() {
                let (h, api) = setup().await;
                h.expect(
                    "GET",
                    &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/entitlement-popularity-distribution"),
                )
                .query(&[("includeCommonAccess", "true")])
                .respond(json_response(200, json!({"0": 3, "50": 5, "100": 12})))
                .await;
                let distribution = h.ok(
                    api.get_entitlement_distribution_potential_role(SESSION_ID, ROLE_ID)
                        .include_common_access(true)
                        .send()
                        .await,
                ).await;
                let expected: HashMap<String, i32> = [("0", 3), ("50", 5), ("100", 12)]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                assert_eq!(distribution, expected);
                h.verify().await;
            }

            #[tokio::test]
            async fn update_entitlements_potential_role() {
                let (h, api) = setup().await;
                let mut updated = potential_role_json();
                updated["excludedEntitlements"] = json!(["ent-7", "ent-8"]);
                h.expect(
                    "POST",
                    &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/edit-entitlements"),
                )
                .json_body("application/json", json!({"ids": ["ent-7", "ent-8"], "exclude": true}))
                .respond(json_response(201, updated))
                .await;
                let body = RoleMiningPotentialRoleEditEntitlements {
                    ids: Some(vec!["ent-7".into(), "ent-8".into()]),
                    exclude: Some(true),
                };
                let role = h.ok(api.update_entitlements_potential_role(SESSION_ID, ROLE_ID, body).send().await).await;
                assert_potential_role(&role);
                assert_eq!(role.excluded_entitlements, Some(vec!["ent-7".to_owned(), "ent-8".to_owned()]));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_identities_potential_role() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/identities"))
                    .query(&[
                        ("sorters", "name"),
                        ("filters", r#"name sw "Ann O'Neil""#),
                        ("offset", "0"),
                        ("limit", "250"),
                        ("count", "true"),
                    ])
                    .respond(json_response(200, json!([
                        {"id": "2c9180857182305e0171993735622948", "name": "Ann O'Neil",
                         "attributes": {"department": "Finance", "location": "Austin"}},
                        {"id": "2c9180857182305e0171993735622949", "name": "Bo Li", "attributes": {}}
                    ])))
                    .await;
                let identities = h.ok(
                    api.get_identities_potential_role(SESSION_ID, ROLE_ID)
                        .sorters("name")
                        .filters(r#"name sw "Ann O'Neil""#)
                        .offset(0)
                        .limit(250)
                        .count(true)
                        .send()
                        .await,
                ).await;
                assert_eq!(identities.len(), 2);
                assert_eq!(identities[0].name.as_deref(), Some("Ann O'Neil"));
                // The map's value type differs between the modules (see
                // v2025::identity_attributes_may_be_null), so compare as JSON.
                assert_eq!(
                    serde_json::to_value(&identities[0].attributes).unwrap(),
                    json!({"department": "Finance", "location": "Austin"})
                );
                assert_eq!(identities[1].attributes.as_ref().map(|a| a.len()), Some(0));
                h.verify().await;
            }

            #[tokio::test]
            async fn export_role_mining_potential_role() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/export"))
                    .accept("application/zip, application/json")
                    .respond(ResponseTemplate::new(200).set_body_raw(ZIP, "application/zip"))
                    .await;
                let zip = h.ok(api.export_role_mining_potential_role(SESSION_ID, ROLE_ID).send().await).await;
                assert_eq!(zip.content_type(), Some("application/zip"));
                let body = zip.bytes().await.expect("the download streams");
                assert_eq!(body.as_ref(), ZIP);
                h.verify().await;
            }

            #[tokio::test]
            async fn export_role_mining_potential_role_async() {
                let (h, api) = setup().await;
                h.expect("POST", &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/export-async"))
                    .json_body("application/json", json!({"minEntitlementPopularity": 60, "includeCommonAccess": false}))
                    .respond(json_response(202, export_json("QUEUED")))
                    .await;
                let body = RoleMiningPotentialRoleExportRequest {
                    min_entitlement_popularity: Some(60),
                    include_common_access: Some(false),
                };
                let export = h.ok(
                    api.export_role_mining_potential_role_async(SESSION_ID, ROLE_ID).body(body).send().await,
                ).await;
                assert_export(&export);
                assert_eq!(export.status, Some(RoleMiningPotentialRoleExportState::Queued));
                h.verify().await;
            }

            #[tokio::test]
            async fn export_role_mining_potential_role_status() {
                let (h, api) = setup().await;
                h.expect(
                    "GET",
                    &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/export-async/{EXPORT_SEG}"),
                )
                // A state added to the API after this crate was generated.
                .respond(json_response(200, export_json("CANCELLED")))
                .await;
                let export = h.ok(
                    api.export_role_mining_potential_role_status(SESSION_ID, ROLE_ID, EXPORT_ID).send().await,
                ).await;
                assert_export(&export);
                assert_eq!(export.status, Some(RoleMiningPotentialRoleExportState::Unknown("CANCELLED".into())));
                h.verify().await;
            }

            #[tokio::test]
            async fn download_role_mining_potential_role_zip() {
                let (h, api) = setup().await;
                h.expect(
                    "GET",
                    &format!(
                        "/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/export-async/{EXPORT_SEG}/download"
                    ),
                )
                .accept("application/zip, application/json")
                .respond(ResponseTemplate::new(200).set_body_raw(ZIP, "application/zip"))
                .await;
                let zip = h.ok(
                    api.download_role_mining_potential_role_zip(SESSION_ID, ROLE_ID, EXPORT_ID).send().await,
                ).await;
                assert_eq!(zip.content_type(), Some("application/zip"));
                let body = zip.bytes().await.expect("the download streams");
                assert_eq!(body.as_ref(), ZIP);
                h.verify().await;
            }

            #[tokio::test]
            async fn create_potential_role_provision_request() {
                let (h, api) = setup().await;
                h.expect("POST", &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/provision"))
                    .query(&[("min-entitlement-popularity", "75"), ("include-common-access", "false")])
                    .json_body(
                        "application/json",
                        json!({
                            "roleName": "Finance Analyst",
                            "roleDescription": "Created from role mining",
                            "ownerId": "2c918090761a5aac0176215c46a62d58",
                            "includeIdentities": true,
                            "directlyAssignedEntitlements": false
                        }),
                    )
                    .respond(json_response(202, summary_json("PENDING")))
                    .await;
                let body = RoleMiningPotentialRoleProvisionRequest {
                    role_name: Some("Finance Analyst".into()),
                    role_description: Some("Created from role mining".into()),
                    owner_id: Some("2c918090761a5aac0176215c46a62d58".into()),
                    include_identities: Some(true),
                    directly_assigned_entitlements: Some(false),
                };
                let summary = h.ok(
                    api.create_potential_role_provision_request(SESSION_ID, ROLE_ID)
                        .min_entitlement_popularity(75)
                        .include_common_access(false)
                        .body(body)
                        .send()
                        .await,
                ).await;
                assert_summary(&summary);
                assert_eq!(summary.provision_state, Some(RoleMiningPotentialRoleProvisionState::Pending));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_excluded_entitlements_potential_role() {
                let (h, api) = setup().await;
                h.expect(
                    "GET",
                    &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/excluded-entitlements"),
                )
                .query(&[
                    ("sorters", "popularity"),
                    ("filters", r#"applicationName sw "Active""#),
                    ("offset", "3"),
                    ("limit", "7"),
                    ("count", "false"),
                ])
                .respond(json_response(200, json!([entitlement_json("ent-7", json!(2))])))
                .await;
                let excluded = h.ok(
                    api.get_excluded_entitlements_potential_role(SESSION_ID, ROLE_ID)
                        .sorters("popularity")
                        .filters(r#"applicationName sw "Active""#)
                        .offset(3)
                        .limit(7)
                        .count(false)
                        .send()
                        .await,
                ).await;
                assert_eq!(excluded.len(), 1);
                assert_entitlement(&excluded[0], "ent-7");
                assert_eq!(excluded[0].identity_count, Some(2));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_all_potential_role_summaries() {
                let (h, api) = setup().await;
                h.expect("GET", "/role-mining-potential-roles")
                    .query(&[
                        ("sorters", "-quality,createdDate"),
                        ("filters", r#"scopingMethod eq "AUTO_RM" and saved eq true"#),
                        ("offset", "250"),
                        ("limit", "250"),
                        ("count", "true"),
                    ])
                    // An unknown provisioning state must not fail the page.
                    .respond(json_response(200, json!([summary_json("FAILED"), summary_json("ROLLED_BACK")])))
                    .await;
                let summaries = h.ok(
                    api.get_all_potential_role_summaries()
                        .sorters("-quality,createdDate")
                        .filters(r#"scopingMethod eq "AUTO_RM" and saved eq true"#)
                        .offset(250)
                        .limit(250)
                        .count(true)
                        .send()
                        .await,
                ).await;
                assert_summary(&summaries[0]);
                assert_eq!(summaries[0].provision_state, Some(RoleMiningPotentialRoleProvisionState::Failed));
                assert_eq!(
                    summaries[1].provision_state,
                    Some(RoleMiningPotentialRoleProvisionState::Unknown("ROLLED_BACK".into()))
                );
                h.verify().await;
            }

            #[tokio::test]
            async fn get_role_mining_potential_role() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-potential-roles/{ROLE_SEG}"))
                    .respond(json_response(200, potential_role_json()))
                    .await;
                let role = h.ok(api.get_role_mining_potential_role(ROLE_ID).send().await).await;
                assert_potential_role(&role);
                h.verify().await;
            }

            #[tokio::test]
            async fn $patch_potential_role() {
                let (h, api) = setup().await;
                h.expect("PATCH", &format!("/role-mining-potential-roles/{ROLE_SEG}"))
                    .json_body(
                        "application/json-patch+json",
                        json!([
                            {"op": "replace", "path": "/name", "value": "Finance analysts (EMEA)"},
                            {"op": "replace", "path": "/saved", "value": false}
                        ]),
                    )
                    .respond(json_response(200, json!({"id": "e0cc5d7d-bf7f-4f81-b2af-8885b09d9923", "name": "Finance analysts (EMEA)", "saved": false})))
                    .await;
                let replace = |path: &str, value| JsonPatchOperationRoleMining {
                    op: JsonPatchOperationRoleMiningOp::Replace,
                    path: path.into(),
                    value: Some(value),
                };
                let patch = vec![
                    replace("/name", JsonPatchOperationValue::String("Finance analysts (EMEA)".into())),
                    replace("/saved", JsonPatchOperationValue::Boolean(false)),
                ];
                let role = h.ok(api.$patch_potential_role(ROLE_ID, patch).send().await).await;
                assert_eq!(role["name"], "Finance analysts (EMEA)");
                assert_eq!(role["saved"], false);
                h.verify().await;
            }

            #[tokio::test]
            async fn get_saved_potential_roles() {
                let (h, api) = setup().await;
                h.expect("GET", "/role-mining-potential-roles/saved")
                    .query(&[("sorters", "-modified"), ("offset", "1"), ("limit", "2"), ("count", "true")])
                    .respond(json_response(200, json!([{
                        "name": "Draft finance role",
                        "description": "Saved from the Q3 session",
                        "identityIds": ["id-1", "id-2"],
                        "entitlementIds": ["ent-1", "ent-2", "ent-3"],
                        "excludedEntitlements": [],
                        "modified": "2024-06-01T08:00:00Z",
                        "type": "SPECIALIZED",
                        "id": "draft-1",
                        "createdDate": "2024-05-06T07:08:09.5Z",
                        "modifiedDate": "2024-06-01T10:00:00+02:00"
                    }])))
                    .await;
                let drafts = h.ok(
                    api.get_saved_potential_roles().sorters("-modified").offset(1).limit(2).count(true).send().await,
                ).await;
                let draft = &drafts[0];
                assert_eq!(draft.id.as_deref(), Some("draft-1"));
                assert_eq!(draft.entitlement_ids.as_ref().map(Vec::len), Some(3));
                assert_eq!(draft.excluded_entitlements, Some(vec![]));
                assert_eq!(draft.modified, Some(Utc.with_ymd_and_hms(2024, 6, 1, 8, 0, 0).unwrap()));
                assert_eq!(draft.modified_date, draft.modified);
                assert_eq!(draft.created_date, Some(may_6th()));
                assert_eq!(draft.r#type, Some(RoleMiningRoleType::Specialized));
                h.verify().await;
            }

            #[tokio::test]
            async fn get_potential_role_source_identity_usage() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-potential-roles/{ROLE_SEG}/sources/{SOURCE_SEG}/identityUsage"))
                    .query(&[("sorters", "-usageCount,displayName"), ("offset", "0"), ("limit", "20"), ("count", "true")])
                    .respond(json_response(200, json!([
                        {"id": "id-1", "displayName": "Ann O'Neil", "email": "ann.oneil@example.com", "usageCount": 25},
                        {"id": "id-2", "displayName": "Bo Li", "email": "bo.li@example.com", "usageCount": 0}
                    ])))
                    .await;
                let usage = h.ok(
                    api.get_potential_role_source_identity_usage(ROLE_ID, SOURCE_ID)
                        .sorters("-usageCount,displayName")
                        .offset(0)
                        .limit(20)
                        .count(true)
                        .send()
                        .await,
                ).await;
                assert_eq!(usage.len(), 2);
                assert_eq!(usage[0].display_name.as_deref(), Some("Ann O'Neil"));
                assert_eq!(usage[0].email.as_deref(), Some("ann.oneil@example.com"));
                assert_eq!((usage[0].usage_count, usage[1].usage_count), (Some(25), Some(0)));
                h.verify().await;
            }

            // ---- Beyond the happy path ----

            #[tokio::test]
            async fn optional_body_left_out_sends_no_body() {
                let (h, api) = setup().await;
                // `Expectation` without `json_body` requires an empty body and no Content-Type.
                h.expect("POST", &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/provision"))
                    .respond(json_response(202, summary_json("PENDING")))
                    .await;
                let summary = h.ok(api.create_potential_role_provision_request(SESSION_ID, ROLE_ID).send().await).await;
                assert_eq!(summary.provision_state, Some(RoleMiningPotentialRoleProvisionState::Pending));
                h.verify().await;
            }

            #[tokio::test]
            async fn shared_connection_sends_the_same_requests() {
                let h = Harness::start($base, $version, $experimental).await;
                let connection = sailpoint_role_mining::Client::new(h.uri(), TOKEN).expect("client");
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/status"))
                    .respond(json_response(200, json!({"state": "CREATED"})))
                    .await;
                let status = h.ok(connection.$api().get_role_mining_session_status(SESSION_ID).send().await).await;
                assert_eq!(status.state, Some(RoleMiningSessionState::Created));
                h.verify().await;
            }

            #[tokio::test]
            async fn error_400_decodes_error_response_dto() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/potential-role-summaries"))
                    .query(&[("filters", "name xx \"a\"")])
                    .respond(json_response(400, error_dto_json()))
                    .await;
                let err = api.get_potential_role_summaries(SESSION_ID).filters("name xx \"a\"").send().await.unwrap_err();
                assert_eq!(err.operation_id(), h.operation_id("getPotentialRoleSummaries"));
                let runtime::Error::Api(api_err) = &err else { panic!("expected Error::Api, got {err:?}") };
                assert_eq!(api_err.status, 400);
                let Some(ErrorBody::ErrorResponseDto(dto)) = &api_err.body else {
                    panic!("expected an ErrorResponseDto body, got {:?}", api_err.body);
                };
                assert_eq!(dto.detail_code.as_deref(), Some("400.1 Bad Request Content"));
                assert_eq!(dto.tracking_id.as_deref(), Some("e7eab60924f64aa284175b9fa3309599"));
                assert_eq!(dto.messages.as_ref().unwrap()[0].locale_origin, Some(LocaleOrigin::Default));
                assert_eq!(dto.causes, Some(vec![]));
                assert_eq!(api_err.detail_code.as_deref(), Some("400.1 Bad Request Content"));
                assert_eq!(api_err.tracking_id.as_deref(), Some("e7eab60924f64aa284175b9fa3309599"));
                assert_eq!(api_err.message.as_deref(), Some("filters: unsupported operator"));
                assert_eq!(api_err.retry_after, None);
                assert!(err.to_string().contains("trackingId e7eab60924f64aa284175b9fa3309599"), "{err}");
                h.verify().await;
            }

            #[tokio::test]
            async fn error_401_decodes_unauthorized_body() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/potential-role-summaries/{ROLE_SEG}"))
                    .respond(json_response(401, json!({"error": "JWT validation failed: JWT is expired"})))
                    .await;
                let err = api.get_potential_role(SESSION_ID, ROLE_ID).send().await.unwrap_err();
                let api_err = err.as_api().expect("an API error");
                assert_eq!(api_err.status, 401);
                assert_eq!(
                    api_err.body,
                    Some(ErrorBody::UnauthorizedBody(UnauthorizedBody {
                        error: Some(json!("JWT validation failed: JWT is expired"))
                    }))
                );
                assert_eq!(api_err.message.as_deref(), Some("JWT validation failed: JWT is expired"));
                assert_eq!((api_err.detail_code.as_deref(), api_err.tracking_id.as_deref()), (None, None));
                h.verify().await;
            }

            /// The spec declares 401 of getRoleMiningSession with the 400
            /// response (an ErrorResponseDto), so that is what the body
            /// decodes as; the server's text must still reach `message`.
            #[tokio::test]
            async fn error_401_follows_the_type_the_spec_declares() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}"))
                    .respond(json_response(401, json!({"error": "JWT validation failed: JWT is expired"})))
                    .await;
                let err = api.get_role_mining_session(SESSION_ID).send().await.unwrap_err();
                let api_err = err.as_api().expect("an API error");
                assert_eq!(api_err.body, Some(ErrorBody::ErrorResponseDto(ErrorResponseDto::default())));
                assert_eq!(api_err.message.as_deref(), Some("JWT validation failed: JWT is expired"));
                h.verify().await;
            }

            #[tokio::test]
            async fn error_429_reports_retry_after() {
                let (h, _) = setup().await;
                // Retries off: this test is about what the error carries (retrying is tested in retries.rs).
                let runtime = sailpoint_role_mining::runtime::Client::builder()
                    .base_url(h.uri())
                    .access_token(TOKEN)
                    .retry_policy(sailpoint_role_mining::runtime::RetryPolicy::disabled())
                    .build()
                    .expect("client");
                let api = Client::from_runtime(runtime);
                h.expect("GET", "/role-mining-potential-roles")
                    .respond(json_response(429, json!({"message": "Rate Limit Exceeded"})).insert_header("Retry-After", "7"))
                    .await;
                let err = api.get_all_potential_role_summaries().send().await.unwrap_err();
                let api_err = err.as_api().expect("an API error");
                assert_eq!(api_err.status, 429);
                assert_eq!(
                    api_err.body,
                    Some(ErrorBody::TooManyRequestsBody(TooManyRequestsBody { message: Some(json!("Rate Limit Exceeded")) }))
                );
                assert_eq!(api_err.retry_after, Some(Duration::from_secs(7)));
                assert_eq!(api_err.message.as_deref(), Some("Rate Limit Exceeded"));
                h.verify().await;
            }

            #[tokio::test]
            async fn error_with_undeclared_status_keeps_the_json() {
                let (h, api) = setup().await;
                // getPotentialRole declares no 404.
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/potential-role-summaries/{ROLE_SEG}"))
                    .respond(json_response(404, json!({"detailCode": "404 Not found", "trackingId": "t-404"})))
                    .await;
                let err = api.get_potential_role(SESSION_ID, ROLE_ID).send().await.unwrap_err();
                let api_err = err.as_api().expect("an API error");
                assert_eq!(api_err.status, 404);
                assert_eq!(
                    api_err.body,
                    Some(ErrorBody::Other(json!({"detailCode": "404 Not found", "trackingId": "t-404"})))
                );
                assert_eq!(api_err.tracking_id.as_deref(), Some("t-404"));
                h.verify().await;
            }

            #[tokio::test]
            async fn error_with_a_non_json_body_has_no_typed_body() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/status"))
                    .respond(ResponseTemplate::new(500).set_body_raw("<html>upstream down</html>", "text/html"))
                    .await;
                let err = api.get_role_mining_session_status(SESSION_ID).send().await.unwrap_err();
                let api_err = err.as_api().expect("an API error");
                assert_eq!(api_err.status, 500);
                assert_eq!(api_err.body, None);
                assert_eq!(api_err.body_excerpt, "<html>upstream down</html>");
                assert_eq!(api_err.message, None);
                h.verify().await;
            }

            #[tokio::test]
            async fn malformed_success_body_names_the_field() {
                let (h, api) = setup().await;
                h.expect(
                    "GET",
                    &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/entitlement-popularities"),
                )
                // Short items, so the whole body fits in the error's excerpt.
                .respond(json_response(200, json!([
                    {"name": "CN=Finance", "identityCount": 40},
                    {"name": "CN=Payroll", "identityCount": "many"}
                ])))
                .await;
                let err = api.get_entitlements_potential_role(SESSION_ID, ROLE_ID).send().await.unwrap_err();
                let runtime::Error::Decode(decode) = &err else { panic!("expected Error::Decode, got {err:?}") };
                assert_eq!(decode.path, "[1].identityCount");
                assert_eq!(decode.status, 200);
                assert_eq!(decode.operation_id, h.operation_id("getEntitlementsPotentialRole"));
                assert!(decode.body_excerpt.contains("\"many\""), "{}", decode.body_excerpt);
                h.verify().await;
            }

            #[tokio::test]
            async fn dot_segments_are_refused_before_sending() {
                let (h, api) = setup().await;
                // Whatever the client might send, nothing may reach the server.
                Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&h.server).await;
                for bad in ["..", ".", ""] {
                    let err = api.get_potential_role(SESSION_ID, bad).send().await.unwrap_err();
                    let runtime::Error::Request(request_err) = &err else { panic!("{bad:?}: expected Error::Request, got {err:?}") };
                    assert_eq!(request_err.operation_id, h.operation_id("getPotentialRole"));
                    assert!(request_err.message.contains("potentialRoleId"), "{bad:?}: {}", request_err.message);
                }
                let err = api.get_role_mining_session("..").send().await.unwrap_err();
                assert!(matches!(err, runtime::Error::Request(_)), "{err:?}");
                h.verify().await;
            }

            #[tokio::test]
            async fn debug_output_hides_the_token() {
                let secret = "s3cr3t-bearer-value";
                let api = Client::new("https://acme.api.identitynow.com", secret).expect("client");
                // Builders hold the client, so their Debug must redact as well.
                let shown = format!("{api:?} {:?} {:?}", api.get_role_mining_session(SESSION_ID), api.runtime());
                assert!(!shown.contains(secret), "{shown}");
                assert!(shown.contains("acme.api.identitynow.com"), "{shown}");
            }

            $($module_only)*
        }
    };
}

operation_tests! {
    api: beta,
    base: "/beta",
    version: None,
    experimental: false,
    patch_potential_role: patch_role_mining_potential_role,

    #[tokio::test]
    async fn get_role_mining_sessions() {
        let (h, api) = setup().await;
        h.expect("GET", "/role-mining-sessions")
            .query(&[
                ("filters", FILTERS),
                ("sorters", "createdBy,-createdDate"),
                ("offset", "20"),
                ("limit", "50"),
                ("count", "true"),
            ])
            .respond(json_response(200, json!([session_response_json()])))
            .await;
        let sessions = h.ok(
            api.get_role_mining_sessions()
                .filters(FILTERS)
                .sorters("createdBy,-createdDate")
                .offset(20)
                .limit(50)
                .count(true)
                .send()
                .await,
        ).await;
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0].id.as_deref(), Some("8c190e67-87aa-4ed9-a90b-d9d5344523fb"));
        assert_eq!(sessions[0].created_date, Some(Utc.with_ymd_and_hms(2024, 3, 1, 10, 15, 30).unwrap()));
        assert_eq!(sessions[0].r#type, Some(RoleMiningRoleType::Specialized));
        assert_eq!(sessions[0].prune_threshold, Some(50));
        h.verify().await;
    }
}

/// v2024, v2025, v2026 and the per-resource v1 are one API shape (the v2025
/// module's code at four places): every operation test runs against each,
/// with its own base path and routes.
macro_rules! v2025_shape_tests {
    ($api:ident, $base:literal, $version:expr) => {
        operation_tests! {
            api: $api,
            base: $base,
            version: $version,
            experimental: true,
            patch_potential_role: patch_potential_role,


            /// The v2025 spec lists sessions as `RoleMiningSessionDto`, not as the
            /// session response the beta spec uses; the fields the server sends
            /// beyond the Dto (id, dates, status, ...) must simply be ignored.
            #[tokio::test]
            async fn get_role_mining_sessions() {
                let (h, api) = setup().await;
                h.expect("GET", "/role-mining-sessions")
                    .query(&[
                        ("filters", FILTERS),
                        ("sorters", "createdBy,-createdDate"),
                        ("offset", "20"),
                        ("limit", "50"),
                        ("count", "true"),
                    ])
                    .respond(json_response(200, json!([session_response_json(), {"name": null, "type": "HYBRID"}])))
                    .await;
                let sessions = h.ok(
                    api.get_role_mining_sessions()
                        .filters(FILTERS)
                        .sorters("createdBy,-createdDate")
                        .offset(20)
                        .limit(50)
                        .count(true)
                        .send()
                        .await,
                ).await;
                assert_eq!(sessions.len(), 2);
                assert_eq!(sessions[0].name.as_deref(), Some("Finance mining"));
                assert_eq!(sessions[0].prune_threshold, Some(50));
                assert_eq!(sessions[0].identity_count, Some(211));
                assert_eq!(sessions[0].r#type, Some(RoleMiningRoleType::Specialized));
                assert_eq!(sessions[0].scope.as_ref().unwrap().criteria.as_deref(), Some("source.name:\"Active Directory\""));
                assert_eq!(sessions[1].name, None);
                assert_eq!(sessions[1].r#type, Some(RoleMiningRoleType::Unknown("HYBRID".into())));
                h.verify().await;
            }

            /// Only the v2025 spec lets identity attribute values be null.
            #[tokio::test]
            async fn identity_attributes_may_be_null() {
                let (h, api) = setup().await;
                h.expect("GET", &format!("/role-mining-sessions/{SESSION_SEG}/potential-roles/{ROLE_SEG}/identities"))
                    .respond(json_response(200, json!([{"id": "id-1", "attributes": {"department": null, "location": "Austin"}}])))
                    .await;
                let identities = h.ok(api.get_identities_potential_role(SESSION_ID, ROLE_ID).send().await).await;
                let attributes = identities[0].attributes.as_ref().unwrap();
                assert_eq!(attributes.get("department"), Some(&None));
                assert_eq!(attributes.get("location"), Some(&Some("Austin".to_owned())));
                h.verify().await;
            }
        }
    };
}

v2025_shape_tests!(v2025, "/v2025", None);
v2025_shape_tests!(v2024, "/v2024", None);
v2025_shape_tests!(v2026, "/v2026", None);
v2025_shape_tests!(v1, "", Some("v1"));
