//! Helpers for the runtime tests (auth, retries, pagination, downloads,
//! export jobs, paths, tracing): clients with test settings, a token endpoint
//! that checks the client-credentials form, responders that answer in
//! sequence, request counting, and a tiny raw HTTP server for large bodies.
//!
//! Each test binary uses a different subset, hence `allow(dead_code)`.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

use sailpoint_role_mining::runtime::{self, RetryPolicy};

/// Distinctive values, so "never shown" checks cannot pass by accident.
pub const CLIENT_ID: &str = "rm-client-id-42";
pub const CLIENT_SECRET: &str = "Sup3r-S3cret-Value-7f3a";
pub const STATIC_TOKEN: &str = "static-token-9b1e";
pub const TOKEN_PATH: &str = "/oauth/token";
pub const SESSIONS_PATH: &str = "/beta/role-mining-sessions";

/// Retries on, with millisecond backoff so tests stay fast.
pub fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy { max_attempts, initial_backoff: Duration::from_millis(10), ..RetryPolicy::default() }
}

/// A client sending the fixed bearer token [`STATIC_TOKEN`] (no client-side
/// rate limit: tests/rate_limit.rs tests that).
pub fn static_client(uri: &str, retry: RetryPolicy) -> runtime::Client {
    runtime::Client::builder()
        .base_url(uri)
        .access_token(STATIC_TOKEN)
        .retry_policy(retry)
        .rate_limit(None)
        .build()
        .expect("client")
}

/// A client using OAuth2 client credentials against `{uri}/oauth/token`
/// (no client-side rate limit).
pub fn oauth_client(uri: &str, retry: RetryPolicy) -> runtime::Client {
    runtime::Client::builder()
        .base_url(uri)
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .retry_policy(retry)
        .rate_limit(None)
        .build()
        .expect("client")
}

/// A small session object with a recognizable id.
pub fn session_json(i: usize) -> Value {
    json!({"id": format!("s-{i}"), "name": format!("Session {i}")})
}

/// The header is sent exactly once with this value, or (`None`) not at all.
pub struct HeaderIs(pub &'static str, pub Option<String>);

impl Match for HeaderIs {
    fn matches(&self, request: &Request) -> bool {
        let values: Vec<_> = request.headers.get_all(self.0).iter().collect();
        match &self.1 {
            None => values.is_empty(),
            Some(want) => values.len() == 1 && values[0].as_bytes() == want.as_bytes(),
        }
    }
}

/// `Authorization: Bearer {token}`, exactly once.
pub fn bearer(token: &str) -> HeaderIs {
    HeaderIs("authorization", Some(format!("Bearer {token}")))
}

/// The decoded pairs of an `application/x-www-form-urlencoded` body, sorted.
/// (Parsed with the form parser of the request's own URL type, so that no
/// extra dependency is needed.)
pub fn form_pairs(request: &Request) -> Vec<(String, String)> {
    let mut url = request.url.clone();
    url.set_query(Some(&String::from_utf8_lossy(&request.body)));
    let mut pairs: Vec<_> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    pairs.sort();
    pairs
}

/// The token request of the client-credentials grant, exactly: a form post
/// with `grant_type`, `client_id` and `client_secret` and nothing else, and
/// no bearer token of its own.
pub struct ClientCredentialsForm;

impl Match for ClientCredentialsForm {
    fn matches(&self, request: &Request) -> bool {
        let form = request.headers.get("content-type").is_some_and(|v| v == "application/x-www-form-urlencoded");
        let want = [("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET), ("grant_type", "client_credentials")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()));
        form && form_pairs(request) == want && !request.headers.contains_key("authorization")
    }
}

/// Answers the token endpoint with `token-1`, `token-2`, ... in order of
/// arrival, each valid for `expires_in` seconds, after `delay`.
pub struct TokenSequence {
    issued: AtomicUsize,
    expires_in: u64,
    delay: Duration,
}

impl TokenSequence {
    pub fn new(expires_in: u64) -> Self {
        TokenSequence { issued: AtomicUsize::new(0), expires_in, delay: Duration::ZERO }
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

impl Respond for TokenSequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(json!({
                "access_token": format!("token-{n}"),
                "token_type": "bearer",
                "expires_in": self.expires_in,
                "scope": "sp:scopes:all"
            }))
            .set_delay(self.delay)
    }
}

/// Mount `POST /oauth/token`, answering only the exact client-credentials form.
pub async fn mount_token_endpoint(server: &MockServer, responder: impl Respond + 'static) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(ClientCredentialsForm)
        .respond_with(responder)
        .named("token endpoint")
        .mount(server)
        .await;
}

/// Every request the server received for `path` (whatever matched it).
pub async fn requests_to(server: &MockServer, path: &str) -> Vec<Request> {
    let all = server.received_requests().await.expect("request recording is on");
    all.into_iter().filter(|r| r.url.path() == path).collect()
}

/// The `Authorization` header of each request, in order.
pub fn authorizations(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.headers.get("authorization").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).unwrap_or_default())
        .collect()
}

/// Answers with `responses` in turn (the last one repeats), noting when each
/// request arrived.
pub struct Sequence {
    responses: Vec<ResponseTemplate>,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

impl Sequence {
    pub fn new(responses: Vec<ResponseTemplate>) -> Self {
        assert!(!responses.is_empty());
        Sequence { responses, arrivals: Arc::default() }
    }

    /// When each request arrived; shared, so keep it before mounting.
    pub fn arrivals(&self) -> Arc<Mutex<Vec<Instant>>> {
        self.arrivals.clone()
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        arrivals.push(Instant::now());
        let index = (arrivals.len() - 1).min(self.responses.len() - 1);
        self.responses[index].clone()
    }
}

pub fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// SailPoint's ErrorResponseDto shape.
pub fn error_dto_json(detail_code: &str, text: &str) -> Value {
    json!({
        "detailCode": detail_code,
        "trackingId": "c0ffee00c0ffee00c0ffee00c0ffee00",
        "messages": [{"locale": "en-US", "localeOrigin": "DEFAULT", "text": text}],
        "causes": []
    })
}

// ---- A raw HTTP/1.1 server for large or broken bodies ----

/// Block size of [`pattern_server`]'s body.
pub const BLOCK: usize = 64 * 1024;

/// The byte at `position` of a [`pattern_server`] body: each 64 KiB block
/// starts with its index (8 bytes, big endian), the rest cycles through a
/// prime-length pattern, so misplaced, lost or repeated blocks show.
pub fn pattern_byte(position: u64) -> u8 {
    let block = position / BLOCK as u64;
    let within = (position % BLOCK as u64) as usize;
    if within < 8 {
        block.to_be_bytes()[within]
    } else {
        (within % 251) as u8
    }
}

/// A server that answers every request with `200`, `Content-Type:
/// application/zip` and `Content-Length: announced`, then writes `sent`
/// bytes of the pattern from one reused 64 KiB buffer and closes the
/// connection. It never holds the body in memory. Returns its address and
/// the request heads it received.
pub async fn pattern_server(announced: u64, sent: u64) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    paced_pattern_server(announced, sent, Duration::ZERO).await
}

/// [`pattern_server`], pausing `pace` before each block of the body.
pub async fn paced_pattern_server(announced: u64, sent: u64, pace: Duration) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let heads: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = heads.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut byte).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&byte[..n]),
                    }
                }
                seen.lock().unwrap().push(String::from_utf8_lossy(&head).into_owned());
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {announced}\r\nConnection: close\r\n\r\n"
                );
                if socket.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
                let mut buffer = vec![0u8; BLOCK];
                for (i, b) in buffer.iter_mut().enumerate() {
                    *b = pattern_byte(i as u64);
                }
                let mut written = 0u64;
                let mut block = 0u64;
                while written < sent {
                    if !pace.is_zero() {
                        tokio::time::sleep(pace).await;
                    }
                    buffer[..8].copy_from_slice(&block.to_be_bytes());
                    let n = (sent - written).min(BLOCK as u64) as usize;
                    if socket.write_all(&buffer[..n]).await.is_err() {
                        return;
                    }
                    written += n as u64;
                    block += 1;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    (addr, heads)
}

/// A path in the temp directory unique to this process and `name`; removed
/// when dropped.
pub struct TempPath(pub std::path::PathBuf);

impl TempPath {
    pub fn new(name: &str) -> Self {
        TempPath(std::env::temp_dir().join(format!("sailpoint-rm-{}-{name}", std::process::id())))
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
