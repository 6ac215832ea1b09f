//! Tracing: every request runs in a `sailpoint.request` span that names the
//! operation, the path template, the attempts and the final status (each
//! recorded once), each attempt in a `sailpoint.attempt` span; ids and
//! query values only at TRACE; and no credential ever reaches the output.
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
    captured_at(tracing::Level::TRACE, body).await
}

async fn captured_at<F: std::future::Future<Output = ()>>(level: tracing::Level, body: F) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(level)
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
    assert!(output.contains("path=/beta/role-mining-sessions "), "{output}");
    assert!(output.contains("path_and_query=\"/beta/role-mining-sessions?limit=5\""), "at TRACE: {output}");
    assert!(output.contains("sailpoint.attempt{attempt=1"), "{output}");
    assert!(output.contains("attempts=1"), "{output}");
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
    assert_fields_once(&output);
    // The request span, as it closes: the whole request's attempts and final status.
    let closed = output.lines().find(|l| l.contains("sailpoint.request{") && !l.contains("sailpoint.attempt") && l.contains(" close"));
    let closed = closed.unwrap_or_else(|| panic!("no close line for the request span:\n{output}"));
    assert!(closed.contains("attempts=3 status=200}"), "{closed}");
    for (attempt, status) in [(1, 401), (2, 503), (3, 200)] {
        let want = format!("sailpoint.attempt{{attempt={attempt} status={status}}}");
        assert!(output.contains(&want), "{want} missing:\n{output}");
    }
}

/// Every `name{...}` span in the output has each field at most once.
fn assert_fields_once(output: &str) {
    for line in output.lines() {
        for (start, _) in line.match_indices("sailpoint.") {
            let Some(open) = line[start..].find('{') else { continue };
            let Some(close) = line[start + open..].find('}') else { continue };
            let fields = &line[start + open + 1..start + open + close];
            let mut names: Vec<&str> = fields.split(' ').filter_map(|f| f.split('=').next()).collect();
            let count = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), count, "a field recorded twice in {fields:?}:\n{line}");
        }
    }
}

#[tokio::test]
async fn above_trace_the_span_has_the_path_template_not_ids_or_query_values() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{SESSIONS_PATH}/sess-4242")))
        .respond_with(json_response(200, json!({"id": "sess-4242"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .respond_with(json_response(200, json!([])))
        .mount(&server)
        .await;
    let api = static_client(&server.uri(), RetryPolicy::disabled()).beta();

    let output = captured_at(tracing::Level::DEBUG, async {
        api.get_role_mining_session("sess-4242").send().await.expect("call");
        api.get_role_mining_sessions().filters("name sw \"Finance\"").limit(7).send().await.expect("call");
    })
    .await;

    assert!(output.contains("operation=\"getRoleMiningSession\"") || output.contains("operation=getRoleMiningSession "), "{output}");
    assert!(output.contains("path=/beta/role-mining-sessions/{sessionId}"), "{output}");
    assert!(output.contains("path=/beta/role-mining-sessions "), "{output}");
    for value in ["sess-4242", "Finance", "limit=7", "path_and_query"] {
        assert!(!output.contains(value), "{value:?} above TRACE:\n{output}");
    }
    assert_fields_once(&output);
}
