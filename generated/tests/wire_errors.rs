//! Errors that say what happened: bodies cut short are retried for methods
//! safe to repeat (and not for POST), and the one-line `Display` of every
//! error kind names the real cause and the number of attempts. Each failure
//! is real: raw TCP servers on 127.0.0.1 that cut, reset, stall or speak
//! plain HTTP to a TLS client.
#![cfg(feature = "beta")]

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use sailpoint_role_mining::beta::models::RoleMiningSessionDto;
use sailpoint_role_mining::runtime::{self, AuthError, Error, RetryPolicy, TransportKind, TransportPhase};

use support::*;

/// What the raw server does with the n-th request (the last one repeats).
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// `200` announcing 100 bytes of JSON, sending 11, then closing.
    Cut,
    /// `200` with a whole JSON array of one session.
    Whole,
    /// Reset the connection (RST) once the request head is in.
    Reset,
    /// Read the request and never answer.
    Stall,
}

const WHOLE: &str = r#"[{"id":"s-1"}]"#;

/// A raw HTTP/1.1 server answering request n with `answers[n]`; returns
/// its address and the request lines it received.
async fn raw_server(answers: Vec<Answer>) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let requests = seen.clone();
    let count = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (requests, count, answers) = (requests.clone(), count.clone(), answers.clone());
            tokio::spawn(async move {
                let Some(head) = read_head(&mut socket).await else { return };
                requests.lock().unwrap().push(head.lines().next().unwrap_or_default().to_owned());
                let n = count.fetch_add(1, Ordering::SeqCst);
                match answers[n.min(answers.len() - 1)] {
                    Answer::Cut => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n";
                        let _ = socket.write_all(format!("{head}[{{\"id\":\"s-").as_bytes()).await;
                        let _ = socket.shutdown().await;
                    }
                    Answer::Whole => {
                        let response = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{WHOLE}",
                            WHOLE.len()
                        );
                        let _ = socket.write_all(response.as_bytes()).await;
                        let _ = socket.shutdown().await;
                    }
                    Answer::Reset => {
                        let _ = socket.set_zero_linger();
                        drop(socket);
                    }
                    Answer::Stall => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                }
            });
        }
    });
    (addr, seen)
}

/// The request head (and, for a POST, whatever of its body came with it).
async fn read_head(socket: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn client(base_url: &str, retry: RetryPolicy) -> runtime::Client {
    runtime::Client::builder()
        .base_url(base_url)
        .access_token(STATIC_TOKEN)
        .retry_policy(retry)
        .rate_limit(None)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client")
}

/// A base URL on 127.0.0.1 where nothing listens.
fn refusing_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn transport(err: &Error<impl std::fmt::Debug>) -> &runtime::TransportError {
    match err {
        Error::Transport(t) => t,
        other => panic!("expected Error::Transport, got {other:?}"),
    }
}

#[tokio::test]
async fn a_get_whose_body_is_cut_is_retried() {
    let (addr, seen) = raw_server(vec![Answer::Cut, Answer::Cut, Answer::Whole]).await;
    let api = client(&format!("http://{addr}"), fast_retries(4)).beta();

    let sessions = api.get_role_mining_sessions().send().await.expect("the third attempt reads the whole body");
    assert_eq!(sessions[0].id.as_deref(), Some("s-1"));
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_get_whose_body_is_always_cut_says_so() {
    let (addr, seen) = raw_server(vec![Answer::Cut]).await;
    let api = client(&format!("http://{addr}"), fast_retries(3)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let t = transport(&err);
    assert_eq!((t.kind(), t.phase, t.attempts), (TransportKind::IncompleteBody, TransportPhase::ReadingBody, 3));
    assert_eq!(seen.lock().unwrap().len(), 3);
    assert_eq!(
        err.to_string(),
        format!(
            "getRoleMiningSessions: incomplete body: the response ended before its announced length while reading \
             the response body after 3 attempts (http://{addr}/beta/role-mining-sessions): error decoding response \
             body: request or response body error: error reading a body from connection: end of file before message \
             length reached"
        )
    );
}

#[tokio::test]
async fn a_post_whose_body_is_cut_is_not_retried() {
    let (addr, seen) = raw_server(vec![Answer::Cut, Answer::Whole]).await;
    let api = client(&format!("http://{addr}"), fast_retries(4)).beta();

    let err = api.create_role_mining_sessions(RoleMiningSessionDto::default()).send().await.unwrap_err();
    let t = transport(&err);
    assert_eq!((t.kind(), t.phase, t.attempts), (TransportKind::IncompleteBody, TransportPhase::ReadingBody, 1));
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests, ["POST /beta/role-mining-sessions HTTP/1.1"], "the server may have acted on the POST");
    assert!(err.to_string().starts_with(
        "createRoleMiningSessions: incomplete body: the response ended before its announced length while reading the \
         response body after 1 attempt ("
    ));
}

#[tokio::test]
async fn refused_connections_say_so() {
    let base = refusing_base_url();
    let api = client(&base, fast_retries(3)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let t = transport(&err);
    assert_eq!((t.kind(), t.phase, t.attempts), (TransportKind::ConnectionRefused, TransportPhase::Sending, 3));
    assert_eq!(
        err.to_string(),
        format!(
            "getRoleMiningSessions: connection refused after 3 attempts ({base}/beta/role-mining-sessions): \
             error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)"
        )
    );
}

#[tokio::test]
async fn reset_connections_say_so() {
    let (addr, seen) = raw_server(vec![Answer::Reset]).await;
    let api = client(&format!("http://{addr}"), fast_retries(2)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let t = transport(&err);
    assert_eq!((t.kind(), t.phase, t.attempts), (TransportKind::ConnectionReset, TransportPhase::Sending, 2));
    assert_eq!(seen.lock().unwrap().len(), 2, "a GET is retried after a reset");
    let shown = err.to_string();
    let prefix = format!("getRoleMiningSessions: connection reset or closed by the server after 2 attempts (http://{addr}/beta/role-mining-sessions): error sending request: client error (SendRequest): connection ");
    eprintln!("{shown}");
    assert!(shown.starts_with(&prefix), "{shown}");
}

#[tokio::test]
async fn tls_failures_say_so() {
    // Plain HTTP where the client expects TLS: the server answers at once,
    // whatever the client sent.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
            let _ = socket.shutdown().await;
        }
    });
    let api = client(&format!("https://{addr}"), fast_retries(2)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let t = transport(&err);
    assert_eq!((t.kind(), t.phase, t.attempts), (TransportKind::Tls, TransportPhase::Sending, 2));
    let shown = err.to_string();
    let prefix = format!("getRoleMiningSessions: TLS error after 2 attempts (https://{addr}/beta/role-mining-sessions): error sending request: client error (Connect): ");
    eprintln!("{shown}");
    assert!(shown.starts_with(&prefix) && shown.contains("corrupt message"), "{shown}");
}

#[tokio::test]
async fn timeouts_say_what_was_waited_for_and_how_often() {
    let (addr, seen) = raw_server(vec![Answer::Stall]).await;
    let api = client(&format!("http://{addr}"), fast_retries(2)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let Error::Timeout(timeout) = &err else { panic!("expected Error::Timeout, got {err:?}") };
    assert_eq!(timeout.attempts, 2);
    assert_eq!(seen.lock().unwrap().len(), 2);
    let shown = err.to_string();
    assert!(shown.starts_with("getRoleMiningSessions: timed out after 0."), "{shown}");
    assert!(shown.ends_with(" s waiting for the response headers (2 attempts of at most 0.3 s each)"), "{shown}");
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_a_transport_error_while_fetching_a_token() {
    let base = refusing_base_url();
    let api = oauth_client(&base, fast_retries(3)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let t = transport(&err);
    assert_eq!((t.kind(), t.phase, t.attempts), (TransportKind::ConnectionRefused, TransportPhase::FetchingToken, 3));
    assert_eq!(
        err.to_string(),
        format!(
            "getRoleMiningSessions: connection refused while fetching an access token after 3 attempts \
             ({base}/oauth/token): error sending request: client error (Connect): tcp connect error: Connection \
             refused (os error 111)"
        )
    );
}

#[tokio::test]
async fn a_token_endpoint_that_cuts_its_answer_is_a_transport_error_too() {
    let (addr, seen) = raw_server(vec![Answer::Cut]).await;
    let api = oauth_client(&format!("http://{addr}"), fast_retries(2)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let t = transport(&err);
    assert_eq!((t.kind(), t.phase, t.attempts), (TransportKind::IncompleteBody, TransportPhase::FetchingToken, 2));
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests, ["POST /oauth/token HTTP/1.1"; 2], "a token request is safe to repeat");
    assert!(!err.to_string().contains(CLIENT_SECRET));
}

#[tokio::test]
async fn api_decode_request_and_auth_errors_name_their_cause_and_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .respond_with(Sequence::new(vec![ResponseTemplate::new(503).set_body_string("upstream unavailable")]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{SESSIONS_PATH}/s-1")))
        .respond_with(json_response(200, json!({"id": 5})))
        .mount(&server)
        .await;
    let api = client(&server.uri(), fast_retries(3)).beta();

    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    assert_eq!(err.to_string(), "getRoleMiningSessions failed with HTTP 503 Service Unavailable after 3 attempts");

    let err = api.get_role_mining_session("s-1").send().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "getRoleMiningSession: could not decode the response body (HTTP 200 OK, after 1 attempt) at `id`: \
         invalid type: integer `5`, expected a string at line 1 column 7"
    );

    let err = api.get_role_mining_session("").send().await.unwrap_err();
    assert_eq!(err.to_string(), "getRoleMiningSession: invalid request, not sent: path parameter `sessionId` must not be \"\"");

    mount_token_endpoint(&server, json_response(400, json!({"error": "invalid_client", "error_description": "Bad credentials"}))).await;
    let err = oauth_client(&server.uri(), fast_retries(3)).beta().get_role_mining_sessions().send().await.unwrap_err();
    let Error::Auth(failure) = &err else { panic!("expected Error::Auth, got {err:?}") };
    assert!(matches!(failure.source, AuthError::Rejected { status: 400, .. }), "{:?}", failure.source);
    assert_eq!(err.to_string(), "getRoleMiningSessions: no access token after 1 attempt: the token endpoint refused (HTTP 400): Bad credentials");
}

#[tokio::test]
async fn a_download_that_cannot_be_written_says_why() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(&b"PK\x03\x04"[..], "application/zip"))
        .mount(&server)
        .await;
    let api = client(&server.uri(), fast_retries(1)).beta();
    let download = api.download_role_mining_potential_role_zip("s", "r", "e").send().await.expect("download");
    let err = download.save_to("/nonexistent-dir-sailpoint/x.zip").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "downloadRoleMiningPotentialRoleZip: writing the download failed: No such file or directory (os error 2)"
    );
}

#[tokio::test]
async fn a_download_cut_mid_stream_says_so() {
    let (addr, _) = pattern_server(1 << 20, 100_000).await;
    let api = client(&format!("http://{addr}"), fast_retries(3)).beta();
    let download = api.download_role_mining_potential_role_zip("s", "r", "e").send().await.expect("headers");
    let err = download.bytes().await.unwrap_err();
    let t = transport(&err);
    assert_eq!((t.kind(), t.phase, t.attempts), (TransportKind::IncompleteBody, TransportPhase::ReadingBody, 1));
    assert!(
        err.to_string().starts_with(
            "downloadRoleMiningPotentialRoleZip: incomplete body: the response ended before its announced length while reading the response body after 1 attempt"
        ),
        "{err}"
    );
}

/// Callers queued behind one failed token fetch all get the transport error
/// it ended with (shared, not re-fetched one after another).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn callers_sharing_a_failed_token_fetch_all_get_the_transport_error() {
    let base = refusing_base_url();
    let api = oauth_client(&base, RetryPolicy::disabled()).beta();

    let calls = (0..20).map(|_| {
        let api = api.clone();
        tokio::spawn(async move { api.get_role_mining_sessions().send().await })
    });
    for call in futures_util::future::join_all(calls).await {
        let err = call.expect("task").unwrap_err();
        let t = transport(&err);
        assert_eq!((t.kind(), t.phase, t.attempts), (TransportKind::ConnectionRefused, TransportPhase::FetchingToken, 1));
        assert!(err.to_string().contains("connection refused while fetching an access token after 1 attempt"), "{err}");
    }
}
