//! Credentials end to end: OAuth2 client credentials (the exact token
//! request, caching, one refresh shared by concurrent callers, refresh on
//! 401, errors that never show the secret), fixed tokens, and `Debug`.
#![cfg(feature = "beta")]

mod support;

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use sailpoint_role_mining::runtime::{AuthError, Error, RetryPolicy};

use support::*;

/// Mount `GET /beta/role-mining-sessions` answering `response` to `token` only.
async fn mount_sessions_for(server: &MockServer, token: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .and(bearer(token))
        .respond_with(response)
        .named(format!("sessions for {token}"))
        .mount(server)
        .await;
}

fn sessions_ok() -> ResponseTemplate {
    json_response(200, json!([session_json(1)]))
}

#[tokio::test]
async fn token_is_fetched_once_and_cached_across_calls() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, TokenSequence::new(3600)).await;
    mount_sessions_for(&server, "token-1", sessions_ok()).await;
    let api = oauth_client(&server.uri(), RetryPolicy::disabled()).beta();

    for call in 0..10 {
        let sessions = api.get_role_mining_sessions().send().await.unwrap_or_else(|e| panic!("call {call}: {e:?}"));
        assert_eq!(sessions[0].id.as_deref(), Some("s-1"));
    }

    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1, "one token for ten calls");
    let calls = requests_to(&server, SESSIONS_PATH).await;
    assert_eq!(authorizations(&calls), vec!["Bearer token-1"; 10]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_on_an_expired_token_share_one_refresh() {
    let server = MockServer::start().await;
    // Valid for 1 s (refreshed 0.2 s early); the refresh is slow, so the
    // concurrent calls all find the token expired while it is in flight.
    mount_token_endpoint(&server, TokenSequence::new(1).delayed(Duration::from_millis(150))).await;
    mount_sessions_for(&server, "token-1", sessions_ok()).await;
    mount_sessions_for(&server, "token-2", sessions_ok()).await;
    let api = oauth_client(&server.uri(), RetryPolicy::disabled()).beta();

    api.get_role_mining_sessions().send().await.expect("first call");
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let calls = (0..100).map(|_| {
        let api = api.clone();
        tokio::spawn(async move { api.get_role_mining_sessions().send().await })
    });
    let results = join_all(calls).await;
    for (i, result) in results.into_iter().enumerate() {
        let sessions = result.expect("task").unwrap_or_else(|e| panic!("call {i}: {e:?}"));
        assert_eq!(sessions.len(), 1);
    }

    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 2, "exactly one refresh for 100 concurrent calls");
    let calls = requests_to(&server, SESSIONS_PATH).await;
    let mut expected = vec!["Bearer token-1".to_owned()];
    expected.extend(vec!["Bearer token-2".to_owned(); 100]);
    assert_eq!(authorizations(&calls), expected);
}

#[tokio::test]
async fn unauthorized_refreshes_the_token_and_retries_once() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, TokenSequence::new(3600)).await;
    mount_sessions_for(&server, "token-1", json_response(401, json!({"error": "JWT validation failed: JWT is expired"})))
        .await;
    mount_sessions_for(&server, "token-2", sessions_ok()).await;
    let api = oauth_client(&server.uri(), RetryPolicy::disabled()).beta();

    let sessions = api.get_role_mining_sessions().send().await.expect("the retry with a new token succeeds");
    assert_eq!(sessions[0].id.as_deref(), Some("s-1"));

    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 2);
    let calls = requests_to(&server, SESSIONS_PATH).await;
    assert_eq!(authorizations(&calls), ["Bearer token-1", "Bearer token-2"]);
}

#[tokio::test]
async fn unauthorized_twice_is_returned_after_one_refresh() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, TokenSequence::new(3600)).await;
    let denied = json_response(401, json!({"error": "JWT validation failed"}));
    mount_sessions_for(&server, "token-1", denied.clone()).await;
    mount_sessions_for(&server, "token-2", denied).await;
    let api = oauth_client(&server.uri(), RetryPolicy::default()).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let api_err = err.as_api().unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"));
    assert_eq!(api_err.status, 401);
    assert_eq!(api_err.attempts, 2);
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 2, "no refresh loop");
    assert_eq!(requests_to(&server, SESSIONS_PATH).await.len(), 2);
}

/// 20 calls from a cold start: one token fetch for all of them; all are
/// refused with that token; one refresh for all of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_unauthorized_answers_share_one_refresh() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, TokenSequence::new(3600).delayed(Duration::from_millis(100))).await;
    let revoked = json_response(401, json!({"error": "revoked"})).set_delay(Duration::from_millis(50));
    mount_sessions_for(&server, "token-1", revoked).await;
    mount_sessions_for(&server, "token-2", sessions_ok()).await;
    let api = oauth_client(&server.uri(), RetryPolicy::disabled()).beta();

    let calls = (0..20).map(|_| {
        let api = api.clone();
        tokio::spawn(async move { api.get_role_mining_sessions().send().await })
    });
    for (i, result) in join_all(calls).await.into_iter().enumerate() {
        result.expect("task").unwrap_or_else(|e| panic!("call {i}: {e:?}"));
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 2, "one fetch, then one refresh");
    let auths = authorizations(&requests_to(&server, SESSIONS_PATH).await);
    assert_eq!(auths.iter().filter(|a| *a == "Bearer token-1").count(), 20);
    assert_eq!(auths.iter().filter(|a| *a == "Bearer token-2").count(), 20);
    assert_eq!(auths.len(), 40);
}

#[tokio::test]
async fn static_token_unauthorized_is_not_retried() {
    let server = MockServer::start().await;
    mount_sessions_for(&server, STATIC_TOKEN, json_response(401, json!({"error": "JWT validation failed"}))).await;
    let api = static_client(&server.uri(), RetryPolicy::default()).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let Error::Api(api_err) = &err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api_err.status, 401);
    assert_eq!(api_err.attempts, 1);
    assert_eq!(requests_to(&server, SESSIONS_PATH).await.len(), 1);
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 0);
}

#[tokio::test]
async fn rejected_credentials_are_an_auth_error_without_the_secret() {
    let server = MockServer::start().await;
    mount_token_endpoint(
        &server,
        json_response(400, json!({"error": "invalid_client", "error_description": "Bad credentials"})),
    )
    .await;
    mount_sessions_for(&server, "token-1", sessions_ok()).await;
    let api = oauth_client(&server.uri(), RetryPolicy::default()).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let Error::Auth(failure) = &err else { panic!("expected Error::Auth, got {err:?}") };
    assert_eq!(failure.operation_id, "getRoleMiningSessions");
    let AuthError::Rejected { status, message } = &failure.source else {
        panic!("expected AuthError::Rejected, got {:?}", failure.source)
    };
    assert_eq!((*status, message.as_str()), (400, "Bad credentials"));
    let shown = err.to_string();
    assert!(shown.contains("Bad credentials"), "{shown}");
    let debug = format!("{err:?}");
    for text in [&shown, &debug] {
        assert!(!text.contains(CLIENT_SECRET), "the secret leaked: {text}");
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);
    assert_eq!(requests_to(&server, SESSIONS_PATH).await.len(), 0, "no API call without a token");
}

#[tokio::test]
async fn debug_shows_neither_the_secret_nor_the_fetched_token() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, TokenSequence::new(3600)).await;
    mount_sessions_for(&server, "token-1", sessions_ok()).await;
    let client = oauth_client(&server.uri(), RetryPolicy::disabled());
    client.beta().get_role_mining_sessions().send().await.expect("a call that fetches a token");
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);

    let shown = format!("{client:?} {:?} {client:#?}", client.beta());
    assert!(shown.contains(&server.uri()) && shown.contains(CLIENT_ID), "{shown}");
    assert!(!shown.contains(CLIENT_SECRET), "the secret leaked: {shown}");
    assert!(!shown.contains("token-1"), "the token leaked: {shown}");
}

/// Callers that queue behind a token fetch must share its outcome, failure
/// included: when the token endpoint is slow and failing, N concurrent calls
/// must not make N fetches one after the other (N times the latency for the
/// last caller; with the 10 s connect timeout and 100 callers, 16 minutes).
/// Counted in token requests, not in seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_share_a_failed_fetch() {
    let server = MockServer::start().await;
    let refused = json_response(503, json!({"error": "temporarily_unavailable"})).set_delay(Duration::from_millis(200));
    mount_token_endpoint(&server, refused).await;
    let api = oauth_client(&server.uri(), RetryPolicy::disabled()).beta();

    let started = std::time::Instant::now();
    let calls = (0..20).map(|_| {
        let api = api.clone();
        tokio::spawn(async move { api.get_role_mining_sessions().send().await })
    });
    for result in join_all(calls).await {
        let err = result.expect("task").unwrap_err();
        assert!(matches!(err, Error::Auth(_)), "{err:?}");
    }
    let fetches = requests_to(&server, TOKEN_PATH).await.len();
    assert_eq!(fetches, 1, "{fetches} token requests for 20 concurrent calls ({:?})", started.elapsed());
}

/// A token endpoint may send any `expires_in`; an absurd one must not
/// crash the caller (it is a lifetime, and `Instant + lifetime` overflows).
#[tokio::test]
async fn huge_expires_in_does_not_panic() {
    let server = MockServer::start().await;
    mount_token_endpoint(
        &server,
        json_response(200, json!({"access_token": "token-1", "token_type": "bearer", "expires_in": u64::MAX})),
    )
    .await;
    mount_sessions_for(&server, "token-1", sessions_ok()).await;
    let api = oauth_client(&server.uri(), RetryPolicy::disabled()).beta();
    let call = tokio::spawn(async move { api.get_role_mining_sessions().send().await });
    match call.await {
        Ok(result) => assert!(result.is_ok(), "{result:?}"),
        Err(e) => panic!("the call panicked: {e}"),
    }
}
