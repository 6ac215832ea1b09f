//! Client overhead benchmarks: the generated client against bare `reqwest`
//! and against plain `serde_json`, over a real HTTP/1.1 connection to
//! 127.0.0.1.
//!
//! Run with `cargo bench -p sailpoint-role-mining --bench client`.
//!
//! Groups:
//!
//! - `decode_identities_page250`, `decode_summaries_page250`: one 250-item
//!   page of `RoleMiningIdentity` / `RoleMiningPotentialRoleSummary`, every
//!   field filled as the beta spec's schemas name them.
//!   - `client`: the whole generated call (`.send().await`): request building,
//!     token, HTTP round trip, status check, body read, decode.
//!   - `reqwest_from_slice`: the baseline for `client`: the same request on
//!     the wire (same `reqwest::Client`, `Accept` and bearer headers) with
//!     `error_for_status`, `bytes()` and `serde_json::from_slice`.
//!   - `from_slice_in_memory`: `serde_json::from_slice` of the page alone,
//!     for reference (no HTTP).
//! - `get_status`: requests per second of one sequential GET
//!   (`getRoleMiningSessionStatus`, body `{"state":"CREATED"}`): `client`
//!   (its client-side rate limiter on, as by default, with a budget far
//!   above what is sent, so its cost shows but it never waits) against
//!   `reqwest` (same headers, same decode); `client_no_rate_limit` is the
//!   client with `.rate_limit(None)`; `reqwest_minimal` sends no extra
//!   headers, for reference.
//! - `paired`: the same three client/baseline pairs again, but interleaved
//!   call by call so that load from elsewhere on the machine hits both sides
//!   alike; criterion reports the client's time, and a `paired ...` line per
//!   pair printed at the end gives the client/baseline throughput ratio
//!   (median over samples and over all calls). Trust these ratios over ones
//!   computed from the separate groups when the machine is busy. Two more
//!   pairs: the client without a rate limiter against `reqwest`, and the
//!   limiter's own cost (client with it against client without it).
//!
//! The server is a minimal keep-alive HTTP/1.1 responder on its own thread
//! (a current-thread tokio runtime): it reads request heads up to
//! `\r\n\r\n` and writes a prebuilt response with `Content-Length`, so its
//! cost is small and identical for every variant. The benchmarks themselves
//! run on a multi-thread tokio runtime through `to_async`. Both sides use
//! one `reqwest::Client` (the client gets a clone of it through
//! `ClientBuilder::http_client`), configured as `ClientBuilder::build` would
//! configure its own.

use std::cell::RefCell;
use std::future::Future;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use reqwest::header::ACCEPT;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

use sailpoint_role_mining::beta;
use sailpoint_role_mining::runtime::RateLimit;
use sailpoint_role_mining::beta::models::{
    RoleMiningIdentity, RoleMiningPotentialRoleSummary, RoleMiningSessionStatus,
};

const PAGE: usize = 250;
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJiZW5jaCJ9.c2lnbmF0dXJl";
const SESSION_ID: &str = "8c190e67-87aa-4ed9-a90b-d9d5344523fb";
const ROLE_ID: &str = "e0cc5d7d-bf7f-4f81-b2af-8885b09d9923";
/// What `ClientBuilder::build` sends when no user agent is set.
const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

// ---------------------------------------------------------------------------
// Response bodies

const FIRST: [&str; 10] = [
    "Ann", "Bruno", "Chen", "Dana", "Emeka", "Fatima", "Gustav", "Hana", "Ivan", "Julia",
];
const LAST: [&str; 10] = [
    "Smith", "Okafor", "Nakamura", "Garcia", "Müller", "Kowalski", "Haddad", "Jensen", "Rossi",
    "Novak",
];
const DEPARTMENTS: [&str; 5] = [
    "Finance",
    "Engineering",
    "Human Resources",
    "Sales",
    "Operations",
];
const LOCATIONS: [&str; 4] = ["Austin, TX", "Berlin", "São Paulo", "Singapore"];
const TITLES: [&str; 4] = ["Analyst", "Senior Engineer", "Manager", "Specialist"];

fn hex_id(seed: usize) -> String {
    format!(
        "2c9180857182305e01719937{:08x}",
        seed.wrapping_mul(2_654_435_761) & 0xffff_ffff
    )
}

fn uuid(seed: usize) -> String {
    let x = (seed as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        x >> 32,
        (x >> 16) & 0xffff,
        x & 0xfff,
        (x >> 20) & 0xfff,
        x & 0xffff_ffff_ffff
    )
}

/// `RoleMiningIdentity`: id, name and an `attributes` map of 6 entries.
fn identities_page() -> Vec<u8> {
    let items: Vec<Value> = (0..PAGE)
        .map(|i| {
            let name = format!("{} {}", FIRST[i % 10], LAST[(i / 10) % 10]);
            json!({
                "id": hex_id(i),
                "name": name,
                "attributes": {
                    "department": DEPARTMENTS[i % 5],
                    "location": LOCATIONS[i % 4],
                    "jobTitle": TITLES[i % 4],
                    "managerName": format!("{} {}", FIRST[(i + 3) % 10], LAST[(i + 7) % 10]),
                    "costCenter": format!("CC-{:04}", 1000 + i % 37),
                    "employeeType": if i % 7 == 0 { "contractor" } else { "employee" }
                }
            })
        })
        .collect();
    serde_json::to_vec(&items).expect("the identities page serializes")
}

/// `RoleMiningPotentialRoleSummary` with every property of the schema,
/// including `potentialRoleRef`, an object `createdBy`, a dated
/// `createdDate`, the enums and a whole `session`
/// (`RoleMiningSessionParametersDto` with its `scope`).
fn summaries_page() -> Vec<u8> {
    const PROVISION: [&str; 4] = ["POTENTIAL", "PENDING", "COMPLETE", "FAILED"];
    const SESSION_STATE: [&str; 6] = [
        "CREATED",
        "UPDATED",
        "IDENTITIES_OBTAINED",
        "PRUNE_THRESHOLD_OBTAINED",
        "POTENTIAL_ROLES_PROCESSING",
        "POTENTIAL_ROLES_CREATED",
    ];
    let items: Vec<Value> = (0..PAGE)
        .map(|i| {
            let department = DEPARTMENTS[i % 5];
            let name = format!("{department} {} #{i}", TITLES[i % 4]);
            let id = uuid(i);
            json!({
                "id": id,
                "name": name,
                "potentialRoleRef": {"id": id, "name": name},
                "identityCount": 20 + (i * 7) % 300,
                "entitlementCount": 3 + (i * 11) % 40,
                "identityGroupStatus": if i % 3 == 0 { "REQUESTED" } else { "OBTAINED" },
                "provisionState": PROVISION[i % 4],
                "roleId": hex_id(10_000 + i),
                "density": (i * 13) % 101,
                "freshness": (i * 17) % 101,
                "quality": (i * 19) % 101,
                "type": if i % 2 == 0 { "SPECIALIZED" } else { "COMMON" },
                "createdBy": {"id": hex_id(20_000 + i % 8), "displayName": format!("{} {}", FIRST[i % 10], LAST[(i + 1) % 10])},
                "createdDate": format!("2024-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60, i % 1000),
                "saved": i % 2 == 1,
                "description": format!("Identities of {department} sharing {} entitlements", 3 + (i * 11) % 40),
                "session": {
                    "id": SESSION_ID,
                    "name": "Q3 finance mining",
                    "minNumIdentitiesInPotentialRole": 20,
                    "pruneThreshold": 70,
                    "saved": true,
                    "scope": {
                        "identityIds": [hex_id(i), hex_id(i + 1), hex_id(i + 2)],
                        "criteria": "source.name:\"Active Directory\"",
                        "attributeFilterCriteria": [
                            {"name": "department", "operator": "EQUALS", "values": [department]}
                        ]
                    },
                    "type": "SPECIALIZED",
                    "state": SESSION_STATE[i % 6],
                    "scopingMethod": if i % 2 == 0 { "MANUAL" } else { "AUTO_RM" }
                }
            })
        })
        .collect();
    serde_json::to_vec(&items).expect("the summaries page serializes")
}

const STATUS_BODY: &[u8] = br#"{"state":"CREATED"}"#;

// ---------------------------------------------------------------------------
// Server: fixed keep-alive HTTP/1.1 responses

struct Routes {
    identities: Vec<u8>,
    summaries: Vec<u8>,
    status: Vec<u8>,
    not_found: Vec<u8>,
}

fn response(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

impl Routes {
    /// The response for a request head (`GET /path?query HTTP/1.1\r\n...`).
    fn answer(&self, head: &[u8]) -> &[u8] {
        let target = head.split(|&b| b == b' ').nth(1).unwrap_or_default();
        let path = target.split(|&b| b == b'?').next().unwrap_or_default();
        if path.ends_with(b"/identities") {
            &self.identities
        } else if path.ends_with(b"/potential-role-summaries") {
            &self.summaries
        } else if path.ends_with(b"/status") {
            &self.status
        } else {
            &self.not_found
        }
    }
}

async fn serve_connection(
    mut socket: tokio::net::TcpStream,
    routes: Arc<Routes>,
) -> std::io::Result<()> {
    let mut buffer: Vec<u8> = Vec::with_capacity(8192);
    let mut scanned = 0;
    loop {
        // Answer every complete request head in the buffer (GETs: no bodies).
        while let Some(at) = buffer[scanned..].windows(4).position(|w| w == b"\r\n\r\n") {
            let end = scanned + at + 4;
            socket.write_all(routes.answer(&buffer[..end])).await?;
            buffer.drain(..end);
            scanned = 0;
        }
        scanned = buffer.len().saturating_sub(3);
        if socket.read_buf(&mut buffer).await? == 0 {
            return Ok(());
        }
    }
}

/// Start the server on its own thread; returns its base URL.
fn start_server(routes: Routes) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let address = listener.local_addr().expect("local address");
    let routes = Arc::new(routes);
    std::thread::Builder::new()
        .name("bench-http-server".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                loop {
                    let Ok((socket, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = socket.set_nodelay(true);
                    tokio::spawn(serve_connection(socket, routes.clone()));
                }
            });
        })
        .expect("server thread");
    format!("http://{address}")
}

// ---------------------------------------------------------------------------
// Clients

struct Setup {
    runtime: Runtime,
    /// Shared by both sides (the generated client holds a clone).
    http: reqwest::Client,
    /// With the rate limiter on (a budget it never reaches).
    api: beta::Client,
    /// Without a rate limiter.
    api_unlimited: beta::Client,
    identities_url: String,
    summaries_url: String,
    status_url: String,
    identities_json: Vec<u8>,
    summaries_json: Vec<u8>,
}

fn setup() -> Setup {
    let identities_json = identities_page();
    let summaries_json = summaries_page();
    let base = start_server(Routes {
        identities: response(&identities_json),
        summaries: response(&summaries_json),
        status: response(STATUS_BODY),
        not_found: b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_vec(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("bench runtime");
    // The settings `ClientBuilder::build` gives its own reqwest client by
    // default (keep in sync with generated/src/runtime/client.rs). The
    // per-attempt `timeout` (120 s) is applied by the client around each
    // send, not by reqwest, so it is part of what the client costs.
    let http = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .read_timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client");
    // The client-side rate limiter stays on (as by default), with a budget
    // far above what the benchmark sends: its cost is measured, not its
    // waiting. `api_unlimited` is the same client without it.
    let builder = || {
        sailpoint_role_mining::Client::builder()
            .base_url(&base)
            .access_token(TOKEN)
            .http_client(http.clone())
    };
    let api = builder()
        .rate_limit(RateLimit::per(1_000_000_000, Duration::from_secs(1)))
        .build()
        .expect("client")
        .beta();
    assert!(api.runtime().rate_limit().is_enabled());
    let api_unlimited = builder().rate_limit(None).build().expect("client").beta();
    let sessions = format!(
        "{base}{}/role-mining-sessions/{SESSION_ID}",
        beta::BASE_PATH
    );
    Setup {
        runtime,
        http,
        api,
        api_unlimited,
        identities_url: format!("{sessions}/potential-roles/{ROLE_ID}/identities"),
        summaries_url: format!("{sessions}/potential-role-summaries"),
        status_url: format!("{sessions}/status"),
        identities_json,
        summaries_json,
    }
}

/// The baseline: the request the generated client sends, written by hand.
async fn reqwest_get<T: DeserializeOwned>(http: &reqwest::Client, url: &str) -> T {
    let response = http
        .get(url)
        .header(ACCEPT, "application/json")
        .bearer_auth(TOKEN)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("GET");
    let body = response.bytes().await.expect("body");
    serde_json::from_slice(&body).expect("decode")
}

/// Before measuring: every path decodes the same values, and the pages have
/// every field filled.
fn check(setup: &Setup) {
    let identities: Vec<RoleMiningIdentity> =
        serde_json::from_slice(&setup.identities_json).expect("identities");
    assert_eq!(identities.len(), PAGE);
    assert!(identities.iter().all(|i| i.id.is_some()
        && i.name.is_some()
        && i.attributes.as_ref().is_some_and(|a| a.len() == 6)));
    let summaries: Vec<RoleMiningPotentialRoleSummary> =
        serde_json::from_slice(&setup.summaries_json).expect("summaries");
    assert_eq!(summaries.len(), PAGE);
    for s in &summaries {
        assert!(
            s.potential_role_ref.is_some()
                && s.provision_state.is_some()
                && s.created_date.is_some()
        );
        assert!(matches!(
            s.created_by,
            Some(beta::models::RoleMiningSessionResponseCreatedBy::EntityCreatedByDto(_))
        ));
        assert!(s
            .session
            .as_ref()
            .and_then(|p| p.scope.as_ref())
            .and_then(|c| c.attribute_filter_criteria.as_ref())
            .is_some());
    }
    // Re-encoding gives back the page (dates aside, which chrono may spell
    // differently): no property was dropped or left unset.
    let without_dates = |mut v: Value| {
        v.as_array_mut()
            .into_iter()
            .flatten()
            .filter_map(Value::as_object_mut)
            .for_each(|o| {
                o.remove("createdDate");
            });
        v
    };
    let reencoded = without_dates(serde_json::to_value(&summaries).expect("re-encode"));
    let original = without_dates(serde_json::from_slice(&setup.summaries_json).expect("value"));
    assert_eq!(reencoded, original, "every schema property round-trips");
    let reencoded = serde_json::to_value(&identities).expect("re-encode");
    assert_eq!(
        reencoded,
        serde_json::from_slice::<Value>(&setup.identities_json).expect("value")
    );

    let (api, http) = (&setup.api, &setup.http);
    setup.runtime.block_on(async {
        let got = api
            .get_identities_potential_role(SESSION_ID, ROLE_ID)
            .send()
            .await
            .expect("client identities");
        assert_eq!(got, identities);
        assert_eq!(
            reqwest_get::<Vec<RoleMiningIdentity>>(http, &setup.identities_url).await,
            identities
        );
        let got = api
            .get_potential_role_summaries(SESSION_ID)
            .send()
            .await
            .expect("client summaries");
        assert_eq!(got, summaries);
        assert_eq!(
            reqwest_get::<Vec<RoleMiningPotentialRoleSummary>>(http, &setup.summaries_url).await,
            summaries
        );
        let status = api
            .get_role_mining_session_status(SESSION_ID)
            .send()
            .await
            .expect("client status");
        assert_eq!(
            status,
            reqwest_get::<RoleMiningSessionStatus>(http, &setup.status_url).await
        );
        assert!(status.state.is_some());
    });
    eprintln!(
        "page sizes: identities {} bytes, summaries {} bytes ({} items each)",
        setup.identities_json.len(),
        setup.summaries_json.len(),
        PAGE
    );
}

// ---------------------------------------------------------------------------
// Benchmarks

fn decode_group<'c, T: DeserializeOwned>(
    c: &'c mut Criterion,
    name: &str,
    json: &[u8],
) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(PAGE as u64));
    group.bench_function("from_slice_in_memory", |b| {
        b.iter(|| serde_json::from_slice::<Vec<T>>(black_box(json)).expect("decode"))
    });
    group
}

/// Per-sample totals of a paired run: (calls of each side, client time,
/// baseline time).
#[derive(Default)]
struct Pair {
    samples: Vec<(u64, Duration, Duration)>,
}

impl Pair {
    /// One line: per-call means and the client's throughput relative to the
    /// baseline (baseline time / client time; 1.00 = equal, higher = client
    /// faster), as the median over samples and over all calls.
    fn report(&self, name: &str) {
        let calls: u64 = self.samples.iter().map(|s| s.0).sum();
        if calls < 100 {
            return; // `cargo test --benches` or a filtered run: nothing to say.
        }
        let client: Duration = self.samples.iter().map(|s| s.1).sum();
        let baseline: Duration = self.samples.iter().map(|s| s.2).sum();
        let mut ratios: Vec<f64> = self
            .samples
            .iter()
            .map(|s| s.2.as_secs_f64() / s.1.as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        let per_call = |total: Duration| total.as_secs_f64() * 1e6 / calls as f64;
        println!(
            "paired {name:<24} client {:>9.2} µs/call  baseline {:>9.2} µs/call  client/baseline throughput: median {:.3}x, overall {:.3}x ({} samples, {calls} calls each)",
            per_call(client),
            per_call(baseline),
            ratios[ratios.len() / 2],
            baseline.as_secs_f64() / client.as_secs_f64(),
            ratios.len(),
        );
    }
}

async fn timed<F: Future>(call: F) -> Duration {
    let started = Instant::now();
    black_box(call.await);
    started.elapsed()
}

/// Client and baseline calls interleaved one by one (alternating which goes
/// first), so load from elsewhere on the machine hits both alike. Criterion
/// reports the client's share; the baseline's is kept in the returned
/// [`Pair`].
fn paired<A, B, FA, FB>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    runtime: &Runtime,
    client: A,
    baseline: B,
) -> Pair
where
    A: Fn() -> FA,
    B: Fn() -> FB,
    FA: Future,
    FB: Future,
{
    let pair = RefCell::new(Pair::default());
    let (pair_ref, client, baseline) = (&pair, &client, &baseline);
    group.bench_function(name, |b| {
        b.to_async(runtime).iter_custom(|iters| async move {
            let (mut in_client, mut in_baseline) = (Duration::ZERO, Duration::ZERO);
            for i in 0..iters {
                if i % 2 == 0 {
                    in_client += timed(client()).await;
                    in_baseline += timed(baseline()).await;
                } else {
                    in_baseline += timed(baseline()).await;
                    in_client += timed(client()).await;
                }
            }
            pair_ref
                .borrow_mut()
                .samples
                .push((iters, in_client, in_baseline));
            in_client
        })
    });
    pair.into_inner()
}

fn benches(c: &mut Criterion) {
    let setup = setup();
    check(&setup);
    let Setup {
        runtime,
        http,
        api,
        api_unlimited,
        ..
    } = &setup;

    // The calls under test, each a fresh future per iteration.
    let client_identities = || async {
        api.get_identities_potential_role(SESSION_ID, ROLE_ID)
            .send()
            .await
            .expect("client")
    };
    let reqwest_identities = || reqwest_get::<Vec<RoleMiningIdentity>>(http, &setup.identities_url);
    let client_summaries = || async {
        api.get_potential_role_summaries(SESSION_ID)
            .send()
            .await
            .expect("client")
    };
    let reqwest_summaries =
        || reqwest_get::<Vec<RoleMiningPotentialRoleSummary>>(http, &setup.summaries_url);
    let client_status = || async {
        api.get_role_mining_session_status(SESSION_ID)
            .send()
            .await
            .expect("client")
    };
    let client_status_unlimited = || async {
        api_unlimited
            .get_role_mining_session_status(SESSION_ID)
            .send()
            .await
            .expect("client")
    };
    let reqwest_status = || reqwest_get::<RoleMiningSessionStatus>(http, &setup.status_url);
    let reqwest_status_minimal = || async {
        let body = http
            .get(&setup.status_url)
            .send()
            .await
            .expect("GET")
            .bytes()
            .await
            .expect("body");
        serde_json::from_slice::<RoleMiningSessionStatus>(&body).expect("decode")
    };

    let mut group =
        decode_group::<RoleMiningIdentity>(c, "decode_identities_page250", &setup.identities_json);
    group.bench_function("client", |b| b.to_async(runtime).iter(client_identities));
    group.bench_function("reqwest_from_slice", |b| {
        b.to_async(runtime).iter(reqwest_identities)
    });
    group.finish();

    let mut group = decode_group::<RoleMiningPotentialRoleSummary>(
        c,
        "decode_summaries_page250",
        &setup.summaries_json,
    );
    group.bench_function("client", |b| b.to_async(runtime).iter(client_summaries));
    group.bench_function("reqwest_from_slice", |b| {
        b.to_async(runtime).iter(reqwest_summaries)
    });
    group.finish();

    let mut group = c.benchmark_group("get_status");
    group.throughput(Throughput::Elements(1));
    group.bench_function("client", |b| b.to_async(runtime).iter(client_status));
    group.bench_function("client_no_rate_limit", |b| {
        b.to_async(runtime).iter(client_status_unlimited)
    });
    group.bench_function("reqwest", |b| b.to_async(runtime).iter(reqwest_status));
    group.bench_function("reqwest_minimal", |b| {
        b.to_async(runtime).iter(reqwest_status_minimal)
    });
    group.finish();

    // The same comparisons, interleaved call by call: the ratios to trust on
    // a busy machine. Each iteration makes two calls, so the time budget is
    // halved to keep the wall time of the others.
    let mut group = c.benchmark_group("paired");
    group.measurement_time(Duration::from_millis(1500));
    group.throughput(Throughput::Elements(PAGE as u64));
    let identities = paired(
        &mut group,
        "identities_page250_client",
        runtime,
        client_identities,
        reqwest_identities,
    );
    let summaries = paired(
        &mut group,
        "summaries_page250_client",
        runtime,
        client_summaries,
        reqwest_summaries,
    );
    group.throughput(Throughput::Elements(1));
    let status = paired(
        &mut group,
        "get_status_client",
        runtime,
        client_status,
        reqwest_status,
    );
    let unlimited = paired(
        &mut group,
        "get_status_client_no_rate_limit",
        runtime,
        client_status_unlimited,
        reqwest_status,
    );
    let limiter = paired(
        &mut group,
        "get_status_rate_limit_cost",
        runtime,
        client_status,
        client_status_unlimited,
    );
    group.finish();
    identities.report("identities_page250");
    summaries.report("summaries_page250");
    status.report("get_status");
    unlimited.report("get_status_no_rate_limit");
    limiter.report("get_status_limiter_vs_none");
}

criterion_group! {
    name = client;
    config = Criterion::default()
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(client);
