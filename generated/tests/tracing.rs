//! Tracing: every request runs in a `sailpoint.request` span that names the
//! operation, attempt and status, and no credential ever reaches the output.
#![cfg(feature = "beta")]

mod support;

use std::io;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use sailpoint_role_mining::runtime::RetryPolicy;

use support::*;

/// Everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Run `body` with a plain-text fmt subscriber at TRACE level (spans shown
/// when they close, with all their fields) as this thread's default, and
/// return what it wrote. The tests run on a current-thread runtime, so
/// everything the client does happens on this thread.
async fn captured<F: std::future::Future<Output = ()>>(body: F) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    body.await;
    drop(guard);
    captured.text()
}

fn assert_no_credentials(output: &str) {
    for secret in [CLIENT_SECRET, "token-1", "token-2", "Bearer"] {
        assert!(!output.contains(secret), "{secret:?} in the trace output:\n{output}");
    }
}

#[tokio::test]
async fn request_span_names_operation_attempt_and_status() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, TokenSequence::new(3600)).await;
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .and(bearer("token-1"))
        .respond_with(json_response(200, json!([])))
        .mount(&server)
        .await;
    let api = oauth_client(&server.uri(), RetryPolicy::disabled()).beta();

    let output = captured(async {
        api.get_role_mining_sessions().limit(5).send().await.expect("call");
    })
    .await;

    assert!(output.contains("sailpoint.request{"), "{output}");
    assert!(output.contains("getRoleMiningSessions"), "{output}");
    assert!(output.contains("method=GET"), "{output}");
    assert!(output.contains("path=/beta/role-mining-sessions?limit=5"), "{output}");
    assert!(output.contains("attempt=1"), "{output}");
    assert!(output.contains("status=200"), "{output}");
    assert_no_credentials(&output);
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1, "a token was fetched inside the span");
}

#[tokio::test]
async fn refresh_and_retries_are_traced_without_credentials() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, TokenSequence::new(3600)).await;
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .and(bearer("token-1"))
        .respond_with(json_response(401, json!({"error": "JWT is expired"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .and(bearer("token-2"))
        .respond_with(Sequence::new(vec![ResponseTemplate::new(503), json_response(200, json!([]))]))
        .mount(&server)
        .await;
    let api = oauth_client(&server.uri(), fast_retries(4)).beta();

    let output = captured(async {
        api.get_role_mining_sessions().send().await.expect("call");
    })
    .await;

    assert!(output.contains("refreshing the access token"), "{output}");
    assert!(output.contains("status=401"), "{output}");
    assert!(output.contains("retrying") && output.contains("status=503"), "{output}");
    assert!(output.contains("attempt=3") && output.contains("status=200"), "{output}");
    assert_no_credentials(&output);
}
