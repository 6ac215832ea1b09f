//! Path parameters end to end: whatever a value contains, it arrives at the
//! server as exactly one path segment, and values that would change the
//! path's shape are refused before anything is sent.
#![cfg(feature = "beta")]

mod support;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use sailpoint_role_mining::runtime::{Error, RetryPolicy};

use support::*;

/// A server that answers `GET {encoded_path}` (the path exactly as it must
/// arrive, still percent-encoded) once, and nothing else.
async fn serve(encoded_path: &str, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(encoded_path))
        .and(bearer(STATIC_TOKEN))
        .respond_with(json_response(200, body))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn traversal_query_and_fragment_characters_stay_in_one_segment() {
    let server = serve("/beta/role-mining-sessions/..%2Fx%3Fy%23z", session_json(1)).await;
    let api = static_client(&server.uri(), RetryPolicy::disabled()).beta();

    let session = api.get_role_mining_session("../x?y#z").send().await.expect("the session");

    assert_eq!(session.id.as_deref(), Some("s-1"));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.path(), "/beta/role-mining-sessions/..%2Fx%3Fy%23z");
    assert_eq!(received[0].url.query(), None, "`?` in a value must not start a query");
    server.verify().await;
}

#[tokio::test]
async fn each_parameter_is_its_own_segment_and_escapes_are_not_decoded() {
    let server = serve(
        "/beta/role-mining-sessions/a%2F..%2Fb/potential-role-summaries/%252e%252e%20%C3%A9",
        json!({"id": "r-1", "name": "Role"}),
    )
    .await;
    let api = static_client(&server.uri(), RetryPolicy::disabled()).beta();

    let role = api.get_potential_role("a/../b", "%2e%2e é").send().await.expect("the role");

    assert_eq!(role.id.as_deref(), Some("r-1"));
    server.verify().await;
}

#[tokio::test]
async fn dot_segments_and_empty_values_are_refused_without_a_request() {
    let server = MockServer::start().await;
    let api = static_client(&server.uri(), RetryPolicy::disabled()).beta();

    for bad in ["..", ".", ""] {
        let err = api.get_role_mining_session(bad).send().await.unwrap_err();
        let Error::Request(request_err) = &err else { panic!("{bad:?}: expected Error::Request, got {err:?}") };
        assert_eq!(request_err.operation_id, "getRoleMiningSession");
        assert!(request_err.message.contains("sessionId"), "{bad:?}: {}", request_err.message);
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}
