//! Client-side rate limiting end to end, against a server on 127.0.0.1 that
//! enforces a budget per access token the way SailPoint does: more than N
//! requests in any sliding window earns a 429 with `Retry-After`.
#![cfg(feature = "beta")]

mod support;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use sailpoint_role_mining::runtime::{self, fan_out, RateLimit, RetryPolicy};

use support::*;

/// Answers 200 while the request's bearer token has sent at most `budget`
/// requests in the last `window` (arrivals counted, sliding), else 429.
struct Enforcer {
    budget: usize,
    window: Duration,
    arrivals: Mutex<HashMap<String, VecDeque<Instant>>>,
    ok: AtomicUsize,
    limited: AtomicUsize,
}

impl Enforcer {
    fn new(budget: usize, window: Duration) -> Arc<Self> {
        Arc::new(Enforcer { budget, window, arrivals: Mutex::default(), ok: AtomicUsize::new(0), limited: AtomicUsize::new(0) })
    }
}

struct Shared(Arc<Enforcer>);

impl Respond for Shared {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let enforcer = &self.0;
        let token = request.headers.get("authorization").map(|v| v.to_str().unwrap_or_default().to_owned()).unwrap_or_default();
        let now = Instant::now();
        let mut arrivals = enforcer.arrivals.lock().unwrap();
        let seen = arrivals.entry(token).or_default();
        while seen.front().is_some_and(|t| now.duration_since(*t) >= enforcer.window) {
            seen.pop_front();
        }
        if seen.len() >= enforcer.budget {
            enforcer.limited.fetch_add(1, Ordering::SeqCst);
            return json_response(429, json!({"message": "Rate Limit Exceeded"})).insert_header("Retry-After", "1");
        }
        seen.push_back(now);
        enforcer.ok.fetch_add(1, Ordering::SeqCst);
        json_response(200, json!({"state": "CREATED"}))
    }
}

async fn serve(enforcer: &Arc<Enforcer>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/beta/role-mining-sessions/[^/]+/status$"))
        .respond_with(Shared(enforcer.clone()))
        .mount(&server)
        .await;
    server
}

fn client(uri: &str, limit: Option<RateLimit>) -> runtime::Client {
    runtime::Client::builder()
        .base_url(uri)
        .access_token(STATIC_TOKEN)
        // A 429 must surface, not be waited out.
        .retry_policy(RetryPolicy::disabled())
        .rate_limit(limit)
        .build()
        .expect("client")
}

/// 1,000 calls from 4 tasks, each fanning out 32 at a time over its own
/// clone of one client: the budget is shared, so the server never answers
/// 429; and the limiter really held the calls back.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_fanned_out_calls_see_no_429() {
    let window = Duration::from_secs(1);
    let enforcer = Enforcer::new(300, window);
    let server = serve(&enforcer).await;
    // The server counts arrivals; on a loaded 2-core runner a request the
    // limiter let go can be delayed by the scheduler and arrive bunched with
    // later ones. Over a 1 s window that jitter is a few percent of the
    // budget (over SailPoint's 10 s it is ten times smaller), so the client
    // keeps a 10% margin here.
    let api = client(&server.uri(), Some(RateLimit::per(270, window))).beta();

    let started = Instant::now();
    let tasks: Vec<_> = (0..4)
        .map(|task| {
            let api = api.clone();
            tokio::spawn(async move {
                let ids: Vec<String> = (0..250).map(|i| format!("s-{task}-{i}")).collect();
                fan_out(ids, 32, |id| {
                    let api = api.clone();
                    async move { api.get_role_mining_session_status(id).send().await }
                })
                .collect::<Vec<_>>()
                .await
            })
        })
        .collect();
    let mut failures = Vec::new();
    for task in tasks {
        failures.extend(task.await.expect("task").into_iter().filter_map(Result::err));
    }
    let elapsed = started.elapsed();

    assert_eq!(enforcer.limited.load(Ordering::SeqCst), 0, "429s served; first failure: {:?}", failures.first());
    assert!(failures.is_empty(), "{} failures, first: {}", failures.len(), failures[0]);
    assert_eq!(enforcer.ok.load(Ordering::SeqCst), 1000);
    // 270 per second with a burst of 27: the last of 1,000 calls cannot
    // start before about 2.7 s.
    assert!(elapsed >= Duration::from_secs(2), "the limiter did not hold the calls back: {elapsed:?}");
}

/// The same server without the client-side limit: the enforcer does answer
/// 429 (so the test above proves something).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_the_limit_the_server_answers_429() {
    let enforcer = Enforcer::new(20, Duration::from_secs(2));
    let server = serve(&enforcer).await;
    let api = client(&server.uri(), None).beta();
    assert!(!api.runtime().rate_limit().is_enabled());

    let results: Vec<_> = fan_out(0..100, 16, |i| {
        let api = api.clone();
        async move { api.get_role_mining_session_status(format!("s-{i}")).send().await }
    })
    .collect()
    .await;

    let limited = results.iter().filter(|r| r.as_ref().err().and_then(|e| e.status()).is_some_and(|s| s == 429)).count();
    assert!(limited >= 50, "only {limited} of 100 calls were refused");
    assert_eq!(limited, enforcer.limited.load(Ordering::SeqCst));
}

/// Two clients built with clones of one `RateLimit` share its budget.
#[tokio::test]
async fn clients_built_with_one_rate_limit_share_it() {
    let enforcer = Enforcer::new(1000, Duration::from_secs(1));
    let server = serve(&enforcer).await;
    let limit = RateLimit::per(10, Duration::from_millis(500)).with_burst(10);
    let (a, b) = (client(&server.uri(), Some(limit.clone())).beta(), client(&server.uri(), Some(limit)).beta());

    let started = Instant::now();
    for i in 0..5 {
        a.get_role_mining_session_status(format!("a-{i}")).send().await.expect("a");
        b.get_role_mining_session_status(format!("b-{i}")).send().await.expect("b");
    }
    assert!(started.elapsed() < Duration::from_millis(400), "10 calls fit the burst: {:?}", started.elapsed());
    a.get_role_mining_session_status("a-last").send().await.expect("a");
    assert!(started.elapsed() >= Duration::from_millis(450), "the 11th waited for the window: {:?}", started.elapsed());
}

#[test]
fn the_default_is_sailpoints_budget() {
    let client = runtime::Client::new("https://acme.api.identitynow.com", "t").expect("client");
    assert_eq!(client.rate_limit().budget(), Some((100, Duration::from_secs(10))));
    let clone = client.clone();
    assert!(format!("{clone:?}").contains("requests: 100"), "{clone:?}");
    let off = runtime::Client::builder().tenant("acme").access_token("t").rate_limit(RateLimit::disabled()).build().unwrap();
    assert_eq!(off.rate_limit().budget(), None);
}
