//! Retries end to end: which failures are retried for which methods, how
//! often, how long the client waits, and what is reported when it gives up.
#![cfg(feature = "beta")]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use sailpoint_role_mining::beta::models::RoleMiningSessionDto;
use sailpoint_role_mining::runtime::{self, Error, RetryPolicy, SecretString, TokenFuture, TokenProvider};

use support::*;

/// Mount `method /beta/role-mining-sessions` answering in `sequence`.
async fn mount_sessions(server: &MockServer, http_method: &str, sequence: Sequence) {
    Mock::given(method(http_method))
        .and(path(SESSIONS_PATH))
        .and(bearer(STATIC_TOKEN))
        .respond_with(sequence)
        .mount(server)
        .await;
}

fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_string("upstream unavailable")
}

fn rate_limited(retry_after: &str) -> ResponseTemplate {
    json_response(429, json!({"message": "Rate Limit Exceeded"})).insert_header("Retry-After", retry_after)
}

fn sessions_ok() -> ResponseTemplate {
    json_response(200, json!([session_json(7)]))
}

async fn session_calls(server: &MockServer) -> usize {
    requests_to(server, SESSIONS_PATH).await.len()
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after() {
    let server = MockServer::start().await;
    let sequence = Sequence::new(vec![rate_limited("1"), sessions_ok()]);
    let arrivals = sequence.arrivals();
    mount_sessions(&server, "GET", sequence).await;
    let api = static_client(&server.uri(), RetryPolicy::default()).beta();

    let started = Instant::now();
    let sessions = api.get_role_mining_sessions().send().await.expect("the retry succeeds");
    let elapsed = started.elapsed();

    assert_eq!(sessions[0].id.as_deref(), Some("s-7"));
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2);
    assert!(arrivals[1] - arrivals[0] >= Duration::from_secs(1), "waited only {:?}", arrivals[1] - arrivals[0]);
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
}

#[tokio::test]
async fn get_is_retried_on_503_until_it_succeeds() {
    let server = MockServer::start().await;
    mount_sessions(&server, "GET", Sequence::new(vec![unavailable(), unavailable(), sessions_ok()])).await;
    let api = static_client(&server.uri(), fast_retries(4)).beta();

    let sessions = api.get_role_mining_sessions().send().await.expect("the third attempt succeeds");
    assert_eq!(sessions[0].id.as_deref(), Some("s-7"));
    assert_eq!(session_calls(&server).await, 3);
}

#[tokio::test]
async fn exhausted_retries_report_the_last_status_and_attempts() {
    let server = MockServer::start().await;
    mount_sessions(&server, "GET", Sequence::new(vec![unavailable()])).await;
    let api = static_client(&server.uri(), fast_retries(3)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let Error::Api(api_err) = &err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api_err.status, 503);
    assert_eq!(api_err.attempts, 3);
    assert_eq!(api_err.body_excerpt, "upstream unavailable");
    assert_eq!(session_calls(&server).await, 3);
}

#[tokio::test]
async fn post_is_not_retried_on_503() {
    let server = MockServer::start().await;
    mount_sessions(&server, "POST", Sequence::new(vec![unavailable(), json_response(201, session_json(1))])).await;
    let api = static_client(&server.uri(), fast_retries(4)).beta();

    let err = api.create_role_mining_sessions(RoleMiningSessionDto::default()).send().await.unwrap_err();
    let api_err = err.as_api().unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"));
    assert_eq!((api_err.status.as_u16(), api_err.attempts), (503, 1));
    assert_eq!(session_calls(&server).await, 1, "the server may have acted on the POST");
}

#[tokio::test]
async fn post_is_retried_on_429() {
    let server = MockServer::start().await;
    mount_sessions(&server, "POST", Sequence::new(vec![rate_limited("0"), json_response(201, session_json(1))])).await;
    let api = static_client(&server.uri(), fast_retries(4)).beta();
    let body = RoleMiningSessionDto { name: Some("Q3".into()), prune_threshold: Some(50), ..Default::default() };

    let session = api.create_role_mining_sessions(body).send().await.expect("the retry succeeds");
    assert_eq!(session.id.as_deref(), Some("s-1"));
    let calls = requests_to(&server, SESSIONS_PATH).await;
    assert_eq!(calls.len(), 2);
    for call in &calls {
        assert_eq!(call.body_json::<serde_json::Value>().unwrap(), json!({"name": "Q3", "pruneThreshold": 50}));
    }
}

#[tokio::test]
async fn retry_after_beyond_the_policy_is_returned_at_once() {
    let server = MockServer::start().await;
    mount_sessions(&server, "GET", Sequence::new(vec![rate_limited("120"), sessions_ok()])).await;
    let api = static_client(&server.uri(), RetryPolicy::default()).beta();

    // One request: the client did not wait out the 120 s.
    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(session_calls(&server).await, 1);
}

#[tokio::test]
async fn internal_server_error_is_not_retried() {
    let server = MockServer::start().await;
    mount_sessions(&server, "GET", Sequence::new(vec![ResponseTemplate::new(500), sessions_ok()])).await;
    let api = static_client(&server.uri(), fast_retries(4)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(session_calls(&server).await, 1);
}

#[tokio::test]
async fn disabled_policy_sends_once() {
    let server = MockServer::start().await;
    mount_sessions(&server, "GET", Sequence::new(vec![unavailable(), sessions_ok()])).await;
    let api = static_client(&server.uri(), RetryPolicy::disabled()).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let api_err = err.as_api().unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"));
    assert_eq!((api_err.status.as_u16(), api_err.attempts), (503, 1));
    assert_eq!(session_calls(&server).await, 1);
}

/// Counts the tokens asked for: one per attempt.
#[derive(Debug, Default)]
struct CountingToken(AtomicUsize);

impl TokenProvider for CountingToken {
    fn token(&self) -> TokenFuture<'_> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(SecretString::new("counted-token")) })
    }
}

/// A base URL on 127.0.0.1 where nothing listens.
fn refusing_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn counting_client(base_url: &str) -> (runtime::Client, Arc<CountingToken>) {
    let tokens = Arc::new(CountingToken::default());
    let client = runtime::Client::builder()
        .base_url(base_url)
        .token_provider(tokens.clone())
        .retry_policy(fast_retries(3))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    (client, tokens)
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported() {
    let (client, tokens) = counting_client(&refusing_base_url());

    let err = client.beta().get_role_mining_sessions().send().await.unwrap_err();
    let Error::Transport(transport) = &err else { panic!("expected Error::Transport, got {err:?}") };
    assert!(transport.source.is_connect(), "{:?}", transport.source);
    assert_eq!(transport.operation_id, "getRoleMiningSessions");
    assert_eq!(tokens.0.load(Ordering::SeqCst), 3, "one token per attempt: 3 attempts");
}

#[tokio::test]
async fn refused_connections_are_retried_for_post_too() {
    let (client, tokens) = counting_client(&refusing_base_url());

    let err = client.beta().create_role_mining_sessions(RoleMiningSessionDto::default()).send().await.unwrap_err();
    assert!(matches!(&err, Error::Transport(t) if t.source.is_connect()), "{err:?}");
    assert_eq!(tokens.0.load(Ordering::SeqCst), 3, "a refused connection cannot have reached the server");
}

fn impatient_client(uri: &str) -> runtime::Client {
    runtime::Client::builder()
        .base_url(uri)
        .access_token(STATIC_TOKEN)
        .retry_policy(fast_retries(2))
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client")
}

#[tokio::test]
async fn timed_out_get_is_retried_then_reported_as_timeout() {
    let server = MockServer::start().await;
    mount_sessions(&server, "GET", Sequence::new(vec![sessions_ok().set_delay(Duration::from_secs(2))])).await;

    let err = impatient_client(&server.uri()).beta().get_role_mining_sessions().send().await.unwrap_err();
    let Error::Timeout(timeout) = &err else { panic!("expected Error::Timeout, got {err:?}") };
    assert_eq!(timeout.operation_id, "getRoleMiningSessions");
    assert!(timeout.after >= Duration::from_millis(400), "two attempts of 200 ms: {:?}", timeout.after);
    assert_eq!(session_calls(&server).await, 2);
}

#[tokio::test]
async fn timed_out_post_is_not_retried() {
    let server = MockServer::start().await;
    let created = json_response(201, session_json(1)).set_delay(Duration::from_secs(2));
    mount_sessions(&server, "POST", Sequence::new(vec![created])).await;

    let api = impatient_client(&server.uri()).beta();
    let err = api.create_role_mining_sessions(RoleMiningSessionDto::default()).send().await.unwrap_err();
    assert!(matches!(&err, Error::Timeout(t) if t.operation_id == "createRoleMiningSessions"), "{err:?}");
    assert_eq!(session_calls(&server).await, 1, "the server may be acting on the POST");
}
