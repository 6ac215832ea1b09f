//! The generated typed mocks (`<module>::mock`, feature `mock`): one test per
//! kind of expectation and per kind of failure report, against the beta
//! module, the v2025 module and its editions (v1's per-resource routes,
//! v2024's base path).
#![cfg(all(feature = "mock", feature = "beta", feature = "v2025", feature = "v2024", feature = "v1"))]

use std::time::{Duration, Instant};

use sailpoint_role_mining::runtime::{self, mock::UNMATCHED_DETAIL_CODE};
use sailpoint_role_mining::{beta, v1, v2025};

fn session(id: &str, name: &str) -> beta::models::RoleMiningSessionResponse {
    beta::models::RoleMiningSessionResponse { id: Some(id.into()), name: Some(name.into()), ..Default::default() }
}

fn not_found(detail: &str) -> beta::models::ErrorResponseDto {
    beta::models::ErrorResponseDto { detail_code: Some(detail.into()), tracking_id: Some("t-1".into()), ..Default::default() }
}

/// The report of a server whose test went wrong on purpose.
fn report(server: &runtime::mock::MockServer) -> String {
    server.verify_report().expect_err("the server should have something to report")
}

/// A raw request, for what the typed client never sends.
async fn raw(method: reqwest::Method, url: String, headers: &[(&str, &str)], body: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().request(method, url).bearer_auth(runtime::mock::TOKEN);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body.to_owned());
    }
    request.send().await.unwrap()
}

// Kinds of expectation.

#[tokio::test]
async fn path_parameters_are_matched_decoded_and_respond_is_typed() {
    let server = beta::mock::MockServer::start().await;
    let id = "s/1 x?#é";
    server.get_role_mining_session().session_id(id).respond(&session(id, "Finance")).times(1).mount().await;
    let got = server.client().get_role_mining_session(id).await.unwrap();
    assert_eq!(got, session(id, "Finance"));
    server.verify().await;
}

#[tokio::test]
async fn query_parameters_take_the_setters_types_and_total_count_is_sent() {
    let server = beta::mock::MockServer::start().await;
    let filters = r#"name sw "R&D + Ops""#;
    server
        .get_role_mining_sessions()
        .filters(filters)
        .limit(50)
        .count(true)
        .respond(&[session("a", "A"), session("b", "B")])
        .total_count(1234)
        .times(1)
        .mount()
        .await;
    let page = server.client().get_role_mining_sessions().filters(filters).limit(50).count(true).send_page().await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.total_count, Some(1234));
    server.verify().await;
}

#[tokio::test]
async fn json_bodies_are_matched_by_value() {
    let server = beta::mock::MockServer::start().await;
    let dto = beta::models::RoleMiningSessionDto { name: Some("Q3".into()), prune_threshold: Some(70), ..Default::default() };
    server.create_role_mining_sessions().body(&dto).respond(&session("new", "Q3")).times(1).mount().await;
    let created = server.client().create_role_mining_sessions(dto).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("new"));

    // A JSON Patch list is matched as a slice of the operation's own type.
    use beta::models::{JsonPatchOperation, JsonPatchOperationOp, JsonPatchOperationValue};
    let patch = vec![JsonPatchOperation {
        op: JsonPatchOperationOp::Replace,
        path: "/name".into(),
        value: Some(JsonPatchOperationValue::String("Q4".into())),
    }];
    server.patch_role_mining_session().session_id("s1").body(&patch).respond(&serde_json::json!({})).times(1).mount().await;
    server.client().patch_role_mining_session("s1", patch).await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn headers_are_matched() {
    let server = beta::mock::MockServer::start().await;
    let bearer = format!("Bearer {}", runtime::mock::TOKEN);
    let status = beta::models::RoleMiningSessionStatus { state: Some(beta::models::RoleMiningSessionState::Created) };
    server.get_role_mining_session_status().header("Authorization", bearer).respond(&status).times(1).mount().await;
    assert_eq!(server.client().get_role_mining_session_status("s1").await.unwrap(), status);
    server.verify().await;
}

#[tokio::test]
async fn declared_errors_are_typed_by_status() {
    let server = beta::mock::MockServer::start().await;
    server.get_role_mining_session().session_id("gone").respond_error::<404>(&not_found("404 Not found")).mount().await;
    let error = server.client().get_role_mining_session("gone").await.unwrap_err();
    let api = error.as_api().expect("an API error");
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.body, Some(beta::ErrorBody::ErrorResponseDto(not_found("404 Not found"))));
    assert_eq!(api.tracking_id.as_deref(), Some("t-1"));
    // 401 is declared with its own body type for this operation.
    let unauthorized = beta::models::UnauthorizedBody { error: Some("JWT expired".into()) };
    server.get_role_mining_sessions().respond_error::<401>(&unauthorized).mount().await;
    let error = server.client().get_role_mining_sessions().await.unwrap_err();
    assert_eq!(error.as_api().unwrap().body, Some(beta::ErrorBody::UnauthorizedBody(unauthorized)));
    server.verify().await;
}

#[tokio::test]
async fn response_headers_reach_the_client() {
    let server = beta::mock::MockServer::start().await;
    let body = beta::models::TooManyRequestsBody { message: Some("slow down".into()) };
    server.get_role_mining_sessions().respond_error::<429>(&body).with_header("Retry-After", "2").times(1).mount().await;
    let error = server.client().get_role_mining_sessions().await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(error.as_api().unwrap().body, Some(beta::ErrorBody::TooManyRequestsBody(body)));
    server.verify().await;
}

#[tokio::test]
async fn delays_hold_the_answer_back() {
    let server = beta::mock::MockServer::start().await;
    let status = beta::models::RoleMiningSessionStatus::default();
    server.get_role_mining_session_status().respond(&status).delay(Duration::from_millis(300)).mount().await;
    let started = Instant::now();
    server.client().get_role_mining_session_status("s1").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    // A client timeout shorter than the delay gives up.
    let impatient = beta::Client::from_runtime(server.client_builder().timeout(Duration::from_millis(50)).build().unwrap());
    let error = impatient.get_role_mining_session_status("s1").await.unwrap_err();
    assert!(matches!(error, runtime::Error::Timeout(_) | runtime::Error::Transport(_)), "{error:?}");
    server.verify().await;
}

#[tokio::test]
async fn dropped_connections_are_transport_errors() {
    let server = beta::mock::MockServer::start().await;
    server.get_role_mining_session().drop_connection().times(1).mount().await;
    let error = server.client().get_role_mining_session("s1").await.unwrap_err();
    assert!(matches!(error, runtime::Error::Transport(_)), "{error:?}");
    server.verify().await;
}

#[tokio::test]
async fn downloads_respond_with_bytes() {
    let server = beta::mock::MockServer::start().await;
    let zip: &[u8] = b"PK\x03\x04\xff\xfe not utf-8";
    server
        .download_role_mining_potential_role_zip()
        .session_id("s")
        .potential_role_id("p")
        .export_id("e")
        .respond(zip)
        .times(1)
        .mount()
        .await;
    let download = server.client().download_role_mining_potential_role_zip("s", "p", "e").await.unwrap();
    assert_eq!(download.content_type(), Some("application/zip"));
    assert_eq!(download.bytes().await.unwrap().as_ref(), zip);
    server.verify().await;
}

#[tokio::test]
async fn hit_counts_are_checked_exactly_and_by_range() {
    let server = beta::mock::MockServer::start().await;
    let reply = session("s", "S");
    server.get_role_mining_session().session_id("twice").respond(&reply).times(2).mount().await;
    server.get_role_mining_session().session_id("some").respond(&reply).expect(1..=3).mount().await;
    server.get_role_mining_session().session_id("never").expect(..1).mount().await;
    let client = server.client();
    for id in ["twice", "twice", "some"] {
        client.get_role_mining_session(id).await.unwrap();
    }
    server.verify().await;

    server.get_role_mining_session().session_id("once").times(1).mount().await;
    let text = report(&server);
    assert!(
        text.contains(r#"expectation #4 get_role_mining_session(sessionId = "once") was expected exactly 1 time, and matched 0 times"#),
        "{text}"
    );
    server.get_role_mining_session().session_id("few").respond(&reply).expect(2..).mount().await;
    client.get_role_mining_session("few").await.unwrap();
    assert!(report(&server).contains("was expected at least 2 times, and matched 1 time"));
}

#[tokio::test]
async fn the_first_mounted_expectation_that_matches_answers() {
    let server = beta::mock::MockServer::start().await;
    server.get_role_mining_session().session_id("s1").respond(&session("s1", "specific")).mount().await;
    server.get_role_mining_session().respond(&session("any", "fallback")).mount().await;
    let client = server.client();
    assert_eq!(client.get_role_mining_session("s1").await.unwrap().name.as_deref(), Some("specific"));
    assert_eq!(client.get_role_mining_session("s2").await.unwrap().name.as_deref(), Some("fallback"));
    server.verify().await;
}

#[tokio::test]
async fn editions_are_served_at_their_own_routes() {
    use v2025::Edition;
    // `start` answers every edition's routes; the v2025 client sends the
    // constant `X-SailPoint-Experimental` header the spec requires.
    let server = v2025::mock::MockServer::start().await;
    let reply = v2025::models::RoleMiningSessionResponse { id: Some("s1".into()), ..Default::default() };
    server.get_role_mining_session().session_id("s1").respond(&reply).times(3).mount().await;
    assert_eq!(server.client().edition(), Edition::V2025);
    for edition in [Edition::V2025, Edition::V1, Edition::V2024] {
        let got = server.client_for(edition).get_role_mining_session("s1").await.unwrap();
        assert_eq!(got, reply, "{edition:?}");
    }
    server.verify().await;

    // The v1 module's mock: per-resource paths only, and a v1 client.
    let server = v1::mock::MockServer::start().await;
    server.get_role_mining_session().session_id("s1").respond(&reply).times(1).mount().await;
    let client: v1::Client = server.client();
    assert_eq!(client.get_role_mining_session("s1").await.unwrap(), reply);
    server.verify().await;

    // A server for one edition does not answer another's routes.
    let server = v2025::mock::MockServer::start_for(Edition::V2024).await;
    server.get_role_mining_session().respond(&reply).mount().await;
    assert_eq!(server.client().get_role_mining_session("s1").await.unwrap(), reply);
    let error = server.client_for(Edition::V1).get_role_mining_session("s1").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(418));
    let report = report(&server);
    assert!(report.contains("GET /role-mining-sessions/v1/s1 matched no expectation"), "{report}");
    assert!(report.contains("closest operation: get_role_mining_session (GET /v2024/role-mining-sessions/{sessionId}, operation getRoleMiningSession)"), "{report}");
    assert!(report.contains("path differs"), "{report}");
}

// Kinds of failure report.

#[tokio::test]
async fn an_unmatched_request_is_answered_418_naming_the_closest_operation() {
    let server = beta::mock::MockServer::start().await;
    server.get_role_mining_session().session_id("abc").respond(&session("abc", "A")).mount().await;
    let error = server.client().get_role_mining_session("abd").await.unwrap_err();
    let api = error.as_api().expect("an API error");
    assert_eq!(api.status.as_u16(), 418);
    assert_eq!(api.detail_code.as_deref(), Some(UNMATCHED_DETAIL_CODE));
    let message = api.message.as_deref().unwrap_or_default();
    assert!(message.contains("closest operation: get_role_mining_session"), "{message}");
    let report = report(&server);
    assert!(report.contains("GET /beta/role-mining-sessions/abd matched no expectation"), "{report}");
    assert!(
        report.contains("closest operation: get_role_mining_session (GET /beta/role-mining-sessions/{sessionId}, operation getRoleMiningSession)"),
        "{report}"
    );
    assert!(report.contains(r#"closest expectation: #1 get_role_mining_session(sessionId = "abc")"#), "{report}");
    assert!(report.contains(r#"path parameter `sessionId`: expected "abc", got "abd""#), "{report}");
}

#[tokio::test]
async fn a_query_difference_is_named() {
    let server = beta::mock::MockServer::start().await;
    server.get_role_mining_sessions().limit(50).respond(&[]).mount().await;
    server.client().get_role_mining_sessions().limit(20).await.unwrap_err();
    server.client().get_role_mining_sessions().await.unwrap_err();
    let report = report(&server);
    assert!(report.contains(r#"query parameter `limit`: expected "50", got "20""#), "{report}");
    assert!(report.contains(r#"query parameter `limit`: expected "50", got none"#), "{report}");
    assert!(report.contains("2 problems"), "{report}");
}

#[tokio::test]
async fn a_body_difference_is_named_with_its_json_path() {
    let server = beta::mock::MockServer::start().await;
    let expected = beta::models::RoleMiningSessionDto { name: Some("Q3".into()), ..Default::default() };
    server.create_role_mining_sessions().body(&expected).respond(&session("new", "Q3")).mount().await;
    let sent = beta::models::RoleMiningSessionDto { name: Some("Q4".into()), ..Default::default() };
    server.client().create_role_mining_sessions(sent).await.unwrap_err();
    let report = report(&server);
    assert!(report.contains("closest operation: create_role_mining_sessions"), "{report}");
    assert!(report.contains(r#"body at /name: expected "Q3", got "Q4""#), "{report}");
}

#[tokio::test]
async fn a_header_difference_is_named() {
    let server = beta::mock::MockServer::start().await;
    server.get_role_mining_session().header("X-Request-Id", "r-1").mount().await;
    server.client().get_role_mining_session("s1").await.unwrap_err();
    let report = report(&server);
    assert!(report.contains(r#"header `x-request-id`: expected "r-1", got none"#), "{report}");
}

#[tokio::test]
async fn an_operation_without_expectations_is_named() {
    let server = beta::mock::MockServer::start().await;
    server.get_role_mining_sessions().respond(&[]).mount().await;
    server.client().get_role_mining_session_status("s1").await.unwrap_err();
    let report = report(&server);
    assert!(report.contains("closest operation: get_role_mining_session_status"), "{report}");
    assert!(report.contains("no expectation is mounted for get_role_mining_session_status"), "{report}");
}

#[tokio::test]
async fn a_wrong_method_or_path_is_named() {
    let server = beta::mock::MockServer::start().await;
    raw(reqwest::Method::DELETE, format!("{}/beta/role-mining-sessions/s1", server.uri()), &[], None).await;
    raw(reqwest::Method::GET, format!("{}/beta/role-mining-sesions/s1/status", server.uri()), &[], None).await;
    let report = report(&server);
    assert!(report.contains("DELETE /beta/role-mining-sessions/s1 matched no expectation"), "{report}");
    assert!(report.contains("method differs: the operation is GET, the request is DELETE"), "{report}");
    assert!(report.contains("closest operation: get_role_mining_session_status"), "{report}");
    assert!(
        report.contains("path differs: the operation's path is /beta/role-mining-sessions/{sessionId}/status, the request's is /beta/role-mining-sesions/s1/status"),
        "{report}"
    );
}

#[tokio::test]
async fn a_missing_constant_header_breaks_the_spec() {
    let server = v2025::mock::MockServer::start().await;
    server.get_role_mining_sessions().respond(&[]).mount().await;
    let response = raw(reqwest::Method::GET, format!("{}/v2025/role-mining-sessions", server.uri()), &[], None).await;
    assert_eq!(response.status().as_u16(), 418);
    raw(reqwest::Method::GET, format!("{}/v2025/role-mining-sessions", server.uri()), &[("X-SailPoint-Experimental", "false")], None)
        .await;
    let report = report(&server);
    assert!(report.contains("closest operation: get_role_mining_sessions"), "{report}");
    assert!(
        report.contains(r#"breaks the spec: the required header `X-SailPoint-Experimental` is missing (it must be "true")"#),
        "{report}"
    );
    assert!(report.contains(r#"breaks the spec: the header `X-SailPoint-Experimental` must be "true", got "false""#), "{report}");
    assert!(report.contains("expectation #1 get_role_mining_sessions() would match but for the above"), "{report}");
}

#[tokio::test]
async fn a_wrong_content_type_or_body_breaks_the_spec() {
    let server = beta::mock::MockServer::start().await;
    server.create_role_mining_sessions().respond(&session("new", "x")).mount().await;
    let url = format!("{}/beta/role-mining-sessions", server.uri());
    raw(reqwest::Method::POST, url.clone(), &[("Content-Type", "text/plain")], Some(r#"{"name":"x"}"#)).await;
    raw(reqwest::Method::POST, url.clone(), &[("Content-Type", "application/json")], Some(r#"{"pruneThreshold":"high"}"#)).await;
    raw(reqwest::Method::POST, url, &[], None).await;
    let report = report(&server);
    assert!(report.contains("breaks the spec: the content type is `text/plain`, the operation takes `application/json`"), "{report}");
    assert!(report.contains("breaks the spec: the body is not a valid `RoleMiningSessionDto`: at `pruneThreshold`: invalid type"), "{report}");
    assert!(report.contains("breaks the spec: the request body (application/json) is required but missing"), "{report}");
    assert!(report.contains("3 problems"), "{report}");
}

#[tokio::test]
async fn verify_panics_with_the_report() {
    let server = beta::mock::MockServer::start().await;
    server.client().get_role_mining_session("s1").await.unwrap_err();
    let verify = std::panic::AssertUnwindSafe(server.verify());
    let panic = futures_util::FutureExt::catch_unwind(verify).await.expect_err("verify should panic");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("failed verification (1 problem)"), "{message}");
    assert!(message.contains("no expectation is mounted for get_role_mining_session"), "{message}");
}

#[tokio::test]
#[should_panic(expected = "GET /beta/role-mining-sessions/s1 matched no expectation")]
async fn dropping_an_unverified_server_panics_with_the_report() {
    let server = beta::mock::MockServer::start().await;
    let _ = server.client().get_role_mining_session("s1").await;
}

#[tokio::test]
#[should_panic(expected = "was expected exactly 1 time, and matched 0 times")]
async fn dropping_a_server_with_unmet_counts_panics() {
    let server = beta::mock::MockServer::start().await;
    server.get_role_mining_session().times(1).mount().await;
}

#[tokio::test]
async fn a_reported_server_drops_quietly() {
    let server = beta::mock::MockServer::start().await;
    let _ = server.client().get_role_mining_session("s1").await;
    assert!(server.verify_report().is_err());
    drop(server);
}
