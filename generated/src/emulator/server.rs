//! The HTTP side: axum routes for every operation of every version, the
//! token endpoint, authentication, the experimental header, rate limiting
//! and the other injected faults, and SailPoint's error bodies.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::faults::Faults;
use super::query::{Fields, Paged, Query};
use super::state::{ExportStage, Problem, ProvisionInput, Tenant};
use super::views;
use super::Stats;

/// Which generated models a version's bodies are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `/beta`.
    Beta,
    /// `/v2024`, `/v2025`, `/v2026` and the per-resource `v1` paths; they
    /// require `X-SailPoint-Experimental: true`.
    V2025,
}

/// A token handed out by `/oauth/token`.
struct Token {
    expires: Instant,
    uses: u64,
    /// Times of the recent requests it made (for the rate limit).
    recent: VecDeque<Instant>,
}

/// Requests a token serves before forced expiry may pick it.
const EXPIRY_GRACE: u64 = 5;

#[derive(Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    tokens_issued: AtomicU64,
    unauthorized: AtomicU64,
    rate_limited: AtomicU64,
    server_errors: AtomicU64,
    slow: AtomicU64,
    cut: AtomicU64,
    tokens_expired: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Everything the server shares between requests.
pub(crate) struct Shared {
    pub tenant: Mutex<Tenant>,
    pub faults: Mutex<Faults>,
    tokens: Mutex<HashMap<String, Token>>,
    rng: Mutex<fastrand::Rng>,
    counters: Counters,
    pub client_id: String,
    pub client_secret: String,
    pub token_lifetime: Duration,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn new(tenant: Tenant, faults: Faults, seed: u64, client: (String, String), token_lifetime: Duration) -> Shared {
        Shared {
            tenant: Mutex::new(tenant),
            faults: Mutex::new(faults),
            tokens: Mutex::new(HashMap::new()),
            rng: Mutex::new(fastrand::Rng::with_seed(seed ^ 0x5eed_fa17)),
            counters: Counters::default(),
            client_id: client.0,
            client_secret: client.1,
            token_lifetime,
        }
    }

    pub fn expire_tokens(&self) {
        let now = Instant::now();
        for token in lock(&self.tokens).values_mut() {
            token.expires = token.expires.min(now);
        }
    }

    pub fn stats(&self) -> Stats {
        let c = &self.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Stats {
            requests: get(&c.requests),
            tokens_issued: get(&c.tokens_issued),
            unauthorized: get(&c.unauthorized),
            rate_limited: get(&c.rate_limited),
            server_errors: get(&c.server_errors),
            slow: get(&c.slow),
            cut: get(&c.cut),
            tokens_expired: get(&c.tokens_expired),
        }
    }

    fn chance(&self, rate: f64) -> bool {
        rate > 0.0 && lock(&self.rng).f64() < rate
    }
}

fn tracking_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// A request the tenant refuses, answered with SailPoint's error body.
pub(crate) struct Failure {
    flavor: Flavor,
    status: StatusCode,
    detail_code: &'static str,
    text: String,
}

impl Failure {
    fn new(flavor: Flavor, status: StatusCode, detail_code: &'static str, text: impl Into<String>) -> Failure {
        Failure { flavor, status, detail_code, text: text.into() }
    }

    fn bad_request(flavor: Flavor, text: impl Into<String>) -> Failure {
        Failure::new(flavor, StatusCode::BAD_REQUEST, "400.1 Bad Request Content", text)
    }

    fn problem(flavor: Flavor, problem: Problem) -> Failure {
        match problem {
            Problem::BadRequest(text) => Failure::bad_request(flavor, text),
            Problem::NotFound(text) => Failure::new(flavor, StatusCode::NOT_FOUND, "404 Not found", text),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let tracking = tracking_id();
        let body = match self.flavor {
            Flavor::Beta => to_json(&views::beta::error(self.detail_code, &tracking, &self.text)),
            Flavor::V2025 => to_json(&views::v2025::error(self.detail_code, &tracking, &self.text)),
        };
        json_response(self.status, &body)
    }
}

fn to_json(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json;charset=utf-8"));
    response
}

/// The state of one version's routes.
#[derive(Clone)]
pub(crate) struct Ctx {
    shared: Arc<Shared>,
    flavor: Flavor,
}

impl Ctx {
    fn tenant(&self) -> MutexGuard<'_, Tenant> {
        lock(&self.shared.tenant)
    }

    fn fail(&self, problem: Problem) -> Failure {
        Failure::problem(self.flavor, problem)
    }

    fn bad(&self, text: impl Into<String>) -> Failure {
        Failure::bad_request(self.flavor, text)
    }

    fn query(&self, raw: Option<String>, fields: &Fields) -> Result<(Query, Vec<(String, String)>), Failure> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
            .map_err(|e| self.bad(format!("the query string cannot be read: {e}")))?;
        let query = Query::parse(&pairs, fields).map_err(|e| self.bad(e))?;
        Ok((query, pairs))
    }
}

/// The model of the request's version: `shape!(ctx, role(&t, r, now))`
/// builds it with that version's generated types, as JSON.
macro_rules! shape {
    ($ctx:expr, $f:ident($($arg:expr),* $(,)?)) => {
        match $ctx.flavor {
            Flavor::Beta => to_json(&views::beta::$f($($arg),*)),
            Flavor::V2025 => to_json(&views::v2025::$f($($arg),*)),
        }
    };
}

/// Read a request body through the version's generated types.
macro_rules! read {
    ($ctx:expr, $f:ident($body:expr)) => {
        match $ctx.flavor {
            Flavor::Beta => views::beta::$f($body),
            Flavor::V2025 => views::v2025::$f($body),
        }
        .map_err(|e| $ctx.bad(e))
    };
}

type Reply = Result<Response, Failure>;

fn ok(body: Value) -> Reply {
    Ok(json_response(StatusCode::OK, &body))
}

fn page(paged: Paged<Value>) -> Reply {
    let mut response = json_response(StatusCode::OK, &Value::Array(paged.items));
    if let Some(total) = paged.total {
        response.headers_mut().insert("X-Total-Count", HeaderValue::from(total));
    }
    Ok(response)
}

fn boolean(pairs: &[(String, String)], name: &str, default: bool, ctx: &Ctx) -> Result<bool, Failure> {
    match pairs.iter().rev().find(|(k, _)| k == name) {
        None => Ok(default),
        Some((_, v)) => v.parse().map_err(|_| ctx.bad(format!("{name} must be true or false, not {v:?}"))),
    }
}

// The fields each collection can be filtered and sorted on (spec names on
// the left, the JSON path in each item on the right).

const SESSIONS: Fields = Fields {
    filters: &[("saved", "saved"), ("name", "name"), ("id", "id"), ("type", "type")],
    sorters: &[("createdBy", "createdBy.displayName"), ("createdDate", "createdDate"), ("name", "name")],
};

const ROLE_SUMMARIES: Fields = Fields {
    filters: &[
        ("id", "id"),
        ("name", "name"),
        ("description", "description"),
        ("createdById", "createdBy.id"),
        ("createdByName", "createdBy.displayName"),
        ("startDate", "createdDate"),
        ("endDate", "createdDate"),
        ("freshness", "freshness"),
        ("quality", "quality"),
        ("density", "density"),
        ("identityCount", "identityCount"),
        ("entitlementCount", "entitlementCount"),
        ("saved", "saved"),
        ("type", "type"),
        ("provisionState", "provisionState"),
        ("scopingMethod", "session.scopingMethod"),
        ("sessionState", "session.state"),
        ("sessionId", "session.id"),
    ],
    sorters: &[
        ("createdDate", "createdDate"),
        ("name", "name"),
        ("identityCount", "identityCount"),
        ("entitlementCount", "entitlementCount"),
        ("freshness", "freshness"),
        ("quality", "quality"),
        ("density", "density"),
    ],
};

const APPLICATIONS: Fields = Fields { filters: &[("applicationName", "name"), ("name", "name")], sorters: &[("name", "name")] };

const ROLE_ENTITLEMENTS: Fields =
    Fields { filters: &[("entitlementRef.name", "name"), ("name", "name")], sorters: &[("name", "name")] };

const POPULARITIES: Fields = Fields {
    filters: &[("applicationName", "applicationName"), ("entitlementRef.name", "entitlementRef.name"), ("name", "name")],
    sorters: &[
        ("popularity", "popularity"),
        ("entitlementName", "name"),
        ("name", "name"),
        ("applicationName", "applicationName"),
        ("identityCount", "identityCount"),
    ],
};

const IDENTITIES: Fields = Fields { filters: &[("name", "name"), ("id", "id")], sorters: &[("name", "name")] };

const SAVED: Fields = Fields {
    filters: &[("name", "name"), ("type", "type")],
    sorters: &[("modified", "modified"), ("name", "name"), ("createdDate", "createdDate")],
};

const USAGE: Fields = Fields {
    filters: &[],
    sorters: &[("displayName", "displayName"), ("email", "email"), ("usageCount", "usageCount")],
};

/// The whole server: the token endpoint and each version's routes.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let versions = [
        (Flavor::Beta, "/beta/role-mining-sessions", "/beta/role-mining-potential-roles"),
        (Flavor::V2025, "/v2024/role-mining-sessions", "/v2024/role-mining-potential-roles"),
        (Flavor::V2025, "/v2025/role-mining-sessions", "/v2025/role-mining-potential-roles"),
        (Flavor::V2025, "/v2026/role-mining-sessions", "/v2026/role-mining-potential-roles"),
        // v1: per-resource versions, after each path's first segment.
        (Flavor::V2025, "/role-mining-sessions/v1", "/role-mining-potential-roles/v1"),
    ];
    let mut app = Router::new().route("/oauth/token", post(token)).with_state(shared.clone());
    for (flavor, sessions, roles) in versions {
        let ctx = Ctx { shared: shared.clone(), flavor };
        let routes = api_routes(sessions, roles).layer(middleware::from_fn_with_state(ctx.clone(), gate)).with_state(ctx);
        app = app.merge(routes);
    }
    app.fallback(not_found).method_not_allowed_fallback(method_not_allowed)
}

fn api_routes(s: &str, r: &str) -> Router<Ctx> {
    let role = format!("{s}/{{session}}/potential-roles/{{role}}");
    let summary = format!("{s}/{{session}}/potential-role-summaries/{{role}}");
    Router::new()
        .route(s, get(list_sessions).post(create_session))
        .route(&format!("{s}/{{session}}"), get(get_session).patch(patch_session))
        .route(&format!("{s}/{{session}}/status"), get(session_status))
        .route(&format!("{s}/{{session}}/potential-role-summaries"), get(session_roles))
        .route(&summary, get(session_role).patch(patch_session_role))
        .route(&format!("{summary}/applications"), get(role_applications))
        .route(&format!("{summary}/entitlements"), get(role_entitlements))
        .route(&format!("{role}/entitlement-popularities"), get(entitlement_popularities))
        .route(&format!("{role}/entitlement-popularity-distribution"), get(entitlement_distribution))
        .route(&format!("{role}/edit-entitlements"), post(edit_entitlements))
        .route(&format!("{role}/identities"), get(role_identities))
        .route(&format!("{role}/export"), get(export_now))
        .route(&format!("{role}/export-async"), post(export_async))
        .route(&format!("{role}/export-async/{{export}}"), get(export_status))
        .route(&format!("{role}/export-async/{{export}}/download"), get(export_download))
        .route(&format!("{role}/provision"), post(provision))
        .route(&format!("{role}/excluded-entitlements"), get(excluded_entitlements))
        .route(r, get(all_roles))
        .route(&format!("{r}/saved"), get(saved_roles))
        .route(&format!("{r}/{{role}}"), get(get_role).patch(patch_role))
        .route(&format!("{r}/{{role}}/sources/{{source}}/identityUsage"), get(source_usage))
}

async fn not_found() -> Response {
    Failure::new(Flavor::V2025, StatusCode::NOT_FOUND, "404 Not found", "The server did not find a current representation for the target resource.")
        .into_response()
}

async fn method_not_allowed() -> Response {
    Failure::new(Flavor::V2025, StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed", "The method is not allowed for this resource.")
        .into_response()
}

// ---- OAuth2 ---------------------------------------------------------------

/// `POST /oauth/token`: the client credentials grant, parameters in the
/// form body or the query string (as SailPoint's docs show), the client
/// also by HTTP Basic authentication.
async fn token(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery, headers: HeaderMap, body: Bytes) -> Response {
    let mut params: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    params.extend(serde_urlencoded::from_str::<Vec<(String, String)>>(query.as_deref().unwrap_or("")).unwrap_or_default());
    if let Some((id, secret)) = basic_credentials(&headers) {
        params.push(("client_id".into(), id));
        params.push(("client_secret".into(), secret));
    }
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let oauth_error = |status: StatusCode, error: &str, description: &str| {
        json_response(status, &json!({"error": error, "error_description": description}))
    };
    match get("grant_type") {
        Some("client_credentials") => {}
        Some(other) => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", &format!("grant type {other} is not supported here")),
        None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "grant_type is required"),
    }
    if get("client_id") != Some(shared.client_id.as_str()) || get("client_secret") != Some(shared.client_secret.as_str()) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Bad credentials");
    }
    let access_token = {
        let mut rng = lock(&shared.rng);
        format!("{:032x}{:016x}", rng.u128(..), rng.u64(..))
    };
    let now = Instant::now();
    lock(&shared.tokens).insert(access_token.clone(), Token { expires: now + shared.token_lifetime, uses: 0, recent: VecDeque::new() });
    bump(&shared.counters.tokens_issued);
    json_response(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": shared.token_lifetime.as_secs_f64().ceil() as u64,
            "scope": "sp:scopes:all",
            "tenant_id": "emulated-tenant",
            "pod": "emulator",
            "org": "emulator",
            "strong_auth_supported": false,
            "jti": tracking_id(),
        }),
    )
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(base64_decode(encoded.trim())?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

// ---- What every API request goes through ---------------------------------

/// Authentication, the experimental header, the rate limit and the
/// injected faults, in that order.
async fn gate(State(ctx): State<Ctx>, request: Request, next: Next) -> Response {
    let shared = &ctx.shared;
    bump(&shared.counters.requests);
    let faults = lock(&shared.faults).clone();
    let now = Instant::now();
    let bearer = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_owned());
    let unauthorized = |text: &str| {
        bump(&shared.counters.unauthorized);
        let tracking = tracking_id();
        let body = match ctx.flavor {
            Flavor::Beta => views::beta::unauthorized(&tracking, text),
            Flavor::V2025 => views::v2025::unauthorized(&tracking, text),
        };
        json_response(StatusCode::UNAUTHORIZED, &body)
    };
    let Some(bearer) = bearer else { return unauthorized("JWT validation failed: no bearer token") };
    let limited = {
        let mut tokens = lock(&shared.tokens);
        let Some(token) = tokens.get_mut(&bearer) else { return unauthorized("JWT validation failed: JWT is not valid") };
        if token.expires <= now {
            return unauthorized("JWT validation failed: JWT is expired");
        }
        if token.uses >= EXPIRY_GRACE && shared.chance(faults.token_expiry_rate()) {
            token.expires = now;
            bump(&shared.counters.tokens_expired);
            return unauthorized("JWT validation failed: JWT is expired");
        }
        token.uses += 1;
        match faults.rate_limit_setting() {
            Some(limit) => {
                while token.recent.front().is_some_and(|&t| now.duration_since(t) >= limit.per) {
                    token.recent.pop_front();
                }
                if token.recent.len() >= limit.requests as usize {
                    let oldest = token.recent.front().copied().unwrap_or(now);
                    let wait = (oldest + limit.per).saturating_duration_since(now);
                    Some(wait.as_secs_f64().ceil().max(1.0) as u64)
                } else {
                    token.recent.push_back(now);
                    None
                }
            }
            None => None,
        }
    };
    if ctx.flavor == Flavor::V2025 {
        let opted_in = request
            .headers()
            .get("X-SailPoint-Experimental")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if !opted_in {
            return ctx
                .bad("This API is experimental: send the header `X-SailPoint-Experimental: true` to use it.")
                .into_response();
        }
    }
    if let Some(seconds) = limited {
        bump(&shared.counters.rate_limited);
        let tracking = tracking_id();
        let text = "Rate Limit Exceeded";
        let body = match ctx.flavor {
            Flavor::Beta => views::beta::too_many_requests(&tracking, text),
            Flavor::V2025 => views::v2025::too_many_requests(&tracking, text),
        };
        let mut response = json_response(StatusCode::TOO_MANY_REQUESTS, &body);
        response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    if shared.chance(faults.server_error_rate()) {
        bump(&shared.counters.server_errors);
        let (status, code) = match lock(&shared.rng).u8(..3) {
            0 => (StatusCode::BAD_GATEWAY, "502 Bad Gateway"),
            1 => (StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable"),
            _ => (StatusCode::GATEWAY_TIMEOUT, "504 Gateway Timeout"),
        };
        return Failure::new(ctx.flavor, status, code, "Injected by the emulator: the request was not carried out.").into_response();
    }
    let (slow_rate, delay) = faults.slow_setting();
    if shared.chance(slow_rate) {
        bump(&shared.counters.slow);
        tokio::time::sleep(delay).await;
    }
    let cut = shared.chance(faults.cut_rate());
    let response = next.run(request).await;
    if cut {
        bump(&shared.counters.cut);
        let mid_body = lock(&shared.rng).bool();
        return cut_short(response, mid_body).await;
    }
    response
}

/// The response with its full `Content-Length` but at most half its body,
/// then the connection drops: before anything reached the client (as with
/// a connection reset in flight) or after the headers and the half (a body
/// cut short), one or the other at random.
async fn cut_short(response: Response, mid_body: bool) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    parts.headers.insert(CONTENT_LENGTH, HeaderValue::from(bytes.len().max(1)));
    let half = bytes.slice(..bytes.len() / 2);
    let chunks = futures_util::stream::unfold(0u8, move |step| {
        let half = half.clone();
        async move {
            match step {
                0 => Some((Ok(half), 1)),
                1 => {
                    if mid_body {
                        // Long enough for the server to flush what it has.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    let cut = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "response cut short by the emulator");
                    Some((Err(cut), 2))
                }
                _ => None,
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}

// ---- Sessions --------------------------------------------------------------

async fn list_sessions(State(ctx): State<Ctx>, RawQuery(raw): RawQuery) -> Reply {
    let (query, _) = ctx.query(raw, &SESSIONS)?;
    let t = ctx.tenant();
    let now = Instant::now();
    let items = t
        .sessions
        .iter()
        .map(|s| {
            // Judged by the full response; beta lists those, the others the DTO.
            let facts = to_json(&views::v2025::session_response(&t, s, now));
            let item = match ctx.flavor {
                Flavor::Beta => to_json(&views::beta::session_response(&t, s, now)),
                Flavor::V2025 => to_json(&views::v2025::session_dto(&t, s, now)),
            };
            (facts, item)
        })
        .collect();
    page(query.apply(items))
}

async fn create_session(State(ctx): State<Ctx>, body: Bytes) -> Reply {
    let input = read!(ctx, session_input(&body))?;
    if input.prune_threshold.is_some_and(|t| !(0..=100).contains(&t)) {
        return Err(ctx.bad("pruneThreshold must be between 0 and 100"));
    }
    if input.min_identities.is_some_and(|m| m < 1) {
        return Err(ctx.bad("minNumIdentitiesInPotentialRole must be at least 1"));
    }
    // The answer shows the session as created, however long this thread
    // waits between creating it and writing the answer (its clock starts
    // after `now`, so no stage has passed).
    let now = Instant::now();
    let mut t = ctx.tenant();
    let id = t.create_session(input);
    let session = t.find_session(&id).map_err(|p| ctx.fail(p))?;
    Ok(json_response(StatusCode::CREATED, &shape!(ctx, session_response(&t, session, now))))
}

async fn get_session(State(ctx): State<Ctx>, Path(id): Path<String>) -> Reply {
    let t = ctx.tenant();
    let session = t.find_session(&id).map_err(|p| ctx.fail(p))?;
    ok(shape!(ctx, session_response(&t, session, Instant::now())))
}

async fn patch_session(State(ctx): State<Ctx>, Path(id): Path<String>, body: Bytes) -> Reply {
    let ops = read!(ctx, session_patch(&body))?;
    let mut t = ctx.tenant();
    let now = Instant::now();
    t.patch_session(&id, &ops, now).map_err(|p| ctx.fail(p))?;
    let session = t.find_session(&id).map_err(|p| ctx.fail(p))?;
    Ok(json_response(StatusCode::ACCEPTED, &shape!(ctx, session_response(&t, session, now))))
}

async fn session_status(State(ctx): State<Ctx>, Path(id): Path<String>) -> Reply {
    let t = ctx.tenant();
    let session = t.find_session(&id).map_err(|p| ctx.fail(p))?;
    ok(shape!(ctx, session_status(&t, session, Instant::now())))
}

// ---- Potential roles ------------------------------------------------------

async fn session_roles(State(ctx): State<Ctx>, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Reply {
    let (query, _) = ctx.query(raw, &ROLE_SUMMARIES)?;
    let t = ctx.tenant();
    let now = Instant::now();
    let session = t.find_session(&id).map_err(|p| ctx.fail(p))?;
    let items = t
        .session_roles(session, now)
        .into_iter()
        .map(|r| {
            let item = shape!(ctx, role_summary(&t, r, now));
            (item.clone(), item)
        })
        .collect();
    page(query.apply(items))
}

async fn all_roles(State(ctx): State<Ctx>, RawQuery(raw): RawQuery) -> Reply {
    let (query, _) = ctx.query(raw, &ROLE_SUMMARIES)?;
    let t = ctx.tenant();
    let now = Instant::now();
    let items = t
        .visible_roles(now)
        .into_iter()
        .map(|r| {
            let item = shape!(ctx, role_summary(&t, r, now));
            (item.clone(), item)
        })
        .collect();
    page(query.apply(items))
}

async fn session_role(State(ctx): State<Ctx>, Path((session, role)): Path<(String, String)>) -> Reply {
    let t = ctx.tenant();
    let now = Instant::now();
    let role = t.find_role(Some(&session), &role, now).map_err(|p| ctx.fail(p))?;
    ok(shape!(ctx, role(&t, role, now)))
}

async fn get_role(State(ctx): State<Ctx>, Path(role): Path<String>) -> Reply {
    let t = ctx.tenant();
    let now = Instant::now();
    let role = t.find_role(None, &role, now).map_err(|p| ctx.fail(p))?;
    ok(shape!(ctx, role(&t, role, now)))
}

async fn patch_session_role(State(ctx): State<Ctx>, Path((session, role)): Path<(String, String)>, body: Bytes) -> Reply {
    patch_role_in(ctx, Some(session), role, body)
}

async fn patch_role(State(ctx): State<Ctx>, Path(role): Path<String>, body: Bytes) -> Reply {
    patch_role_in(ctx, None, role, body)
}

fn patch_role_in(ctx: Ctx, session: Option<String>, id: String, body: Bytes) -> Reply {
    let ops = read!(ctx, role_patch(&body))?;
    let mut t = ctx.tenant();
    let now = Instant::now();
    t.find_role(session.as_deref(), &id, now).map_err(|p| ctx.fail(p))?;
    t.patch_role(&id, &ops).map_err(|p| ctx.fail(p))?;
    let role = t.find_role(None, &id, now).map_err(|p| ctx.fail(p))?;
    ok(shape!(ctx, role(&t, role, now)))
}

async fn role_applications(State(ctx): State<Ctx>, Path((session, role)): Path<(String, String)>, RawQuery(raw): RawQuery) -> Reply {
    let (query, _) = ctx.query(raw, &APPLICATIONS)?;
    let t = ctx.tenant();
    let role = t.find_role(Some(&session), &role, Instant::now()).map_err(|p| ctx.fail(p))?;
    let mut sources: Vec<usize> = t.role_entitlements(role).iter().map(|&e| t.dir.entitlements[e].source).collect();
    sources.sort_unstable();
    sources.dedup();
    let items = sources
        .into_iter()
        .map(|s| {
            let item = shape!(ctx, application(&t, s));
            (item.clone(), item)
        })
        .collect();
    page(query.apply(items))
}

async fn role_entitlements(State(ctx): State<Ctx>, Path((session, role)): Path<(String, String)>, RawQuery(raw): RawQuery) -> Reply {
    let (query, _) = ctx.query(raw, &ROLE_ENTITLEMENTS)?;
    let t = ctx.tenant();
    let role = t.find_role(Some(&session), &role, Instant::now()).map_err(|p| ctx.fail(p))?;
    let items = t
        .role_entitlements(role)
        .into_iter()
        .map(|e| {
            let item = shape!(ctx, role_entitlement(&t, e));
            (item.clone(), item)
        })
        .collect();
    page(query.apply(items))
}

async fn entitlement_popularities(
    State(ctx): State<Ctx>,
    Path((session, role)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let (query, pairs) = ctx.query(raw, &POPULARITIES)?;
    let include_common = boolean(&pairs, "includeCommonAccess", true, &ctx)?;
    let t = ctx.tenant();
    let role = t.find_role(Some(&session), &role, Instant::now()).map_err(|p| ctx.fail(p))?;
    let items = t
        .member_entitlements(role, include_common)
        .into_iter()
        .filter(|(e, _)| !role.excluded.contains(e))
        .map(|(e, holders)| {
            let item = shape!(ctx, entitlement(&t, role, e, holders));
            (item.clone(), item)
        })
        .collect();
    page(query.apply(items))
}

async fn excluded_entitlements(
    State(ctx): State<Ctx>,
    Path((session, role)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let (query, _) = ctx.query(raw, &POPULARITIES)?;
    let t = ctx.tenant();
    let role = t.find_role(Some(&session), &role, Instant::now()).map_err(|p| ctx.fail(p))?;
    let items = t
        .member_entitlements(role, true)
        .into_iter()
        .filter(|(e, _)| role.excluded.contains(e))
        .map(|(e, holders)| {
            let item = shape!(ctx, entitlement(&t, role, e, holders));
            (item.clone(), item)
        })
        .collect();
    page(query.apply(items))
}

/// How many entitlements fall in each popularity decile (`"0"` .. `"90"`).
async fn entitlement_distribution(
    State(ctx): State<Ctx>,
    Path((session, role)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let (_, pairs) = ctx.query(raw, &Fields { filters: &[], sorters: &[] })?;
    let include_common = boolean(&pairs, "includeCommonAccess", true, &ctx)?;
    let t = ctx.tenant();
    let role = t.find_role(Some(&session), &role, Instant::now()).map_err(|p| ctx.fail(p))?;
    let mut buckets: BTreeMap<u32, i32> = (0..10).map(|d| (d * 10, 0)).collect();
    for (e, _) in t.member_entitlements(role, include_common) {
        if !role.excluded.contains(&e) {
            let decile = ((t.popularity(role, e) / 10.0).floor() as u32).min(9) * 10;
            *buckets.entry(decile).or_default() += 1;
        }
    }
    let map: HashMap<String, i32> = buckets.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    ok(to_json(&map))
}

async fn edit_entitlements(State(ctx): State<Ctx>, Path((session, role)): Path<(String, String)>, body: Bytes) -> Reply {
    let (ids, exclude) = read!(ctx, edit_entitlements(&body))?;
    let mut t = ctx.tenant();
    let now = Instant::now();
    t.find_role(Some(&session), &role, now).map_err(|p| ctx.fail(p))?;
    t.edit_entitlements(&role, &ids, exclude).map_err(|p| ctx.fail(p))?;
    let role = t.find_role(None, &role, now).map_err(|p| ctx.fail(p))?;
    Ok(json_response(StatusCode::CREATED, &shape!(ctx, role(&t, role, now))))
}

async fn role_identities(State(ctx): State<Ctx>, Path((session, role)): Path<(String, String)>, RawQuery(raw): RawQuery) -> Reply {
    let (query, _) = ctx.query(raw, &IDENTITIES)?;
    let t = ctx.tenant();
    let role = t.find_role(Some(&session), &role, Instant::now()).map_err(|p| ctx.fail(p))?;
    let items = role
        .identities
        .iter()
        .map(|&i| {
            let item = shape!(ctx, identity(&t, i));
            (item.clone(), item)
        })
        .collect();
    page(query.apply(items))
}

async fn provision(
    State(ctx): State<Ctx>,
    Path((session, role)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    let (_, pairs) = ctx.query(raw, &Fields { filters: &[], sorters: &[] })?;
    let min_entitlement_popularity = match pairs.iter().rev().find(|(k, _)| k == "min-entitlement-popularity") {
        None => 0,
        Some((_, v)) => v.parse().map_err(|_| ctx.bad(format!("min-entitlement-popularity must be an integer, not {v:?}")))?,
    };
    let include_common_access = boolean(&pairs, "include-common-access", true, &ctx)?;
    read!(ctx, provision_request(&body))?;
    let mut t = ctx.tenant();
    let now = Instant::now();
    t.find_role(Some(&session), &role, now).map_err(|p| ctx.fail(p))?;
    let input = ProvisionInput { min_entitlement_popularity, include_common_access };
    t.provision(&role, &input, now).map_err(|p| ctx.fail(p))?;
    let role = t.find_role(None, &role, now).map_err(|p| ctx.fail(p))?;
    Ok(json_response(StatusCode::ACCEPTED, &shape!(ctx, role_summary(&t, role, now))))
}

async fn saved_roles(State(ctx): State<Ctx>, RawQuery(raw): RawQuery) -> Reply {
    let (query, _) = ctx.query(raw, &SAVED)?;
    let t = ctx.tenant();
    let items = t
        .visible_roles(Instant::now())
        .into_iter()
        .filter(|r| r.saved)
        .map(|r| {
            let item = shape!(ctx, draft(&t, r));
            (item.clone(), item)
        })
        .collect();
    page(query.apply(items))
}

async fn source_usage(State(ctx): State<Ctx>, Path((role, source)): Path<(String, String)>, RawQuery(raw): RawQuery) -> Reply {
    let (query, _) = ctx.query(raw, &USAGE)?;
    let t = ctx.tenant();
    let role = t.find_role(None, &role, Instant::now()).map_err(|p| ctx.fail(p))?;
    let source = t.dir.source_by_id(&source).ok_or_else(|| ctx.fail(Problem::NotFound(format!("source {source} not found"))))?;
    let items = role
        .identities
        .iter()
        .map(|&i| {
            let item = shape!(ctx, source_usage(&t, i, source));
            (item.clone(), item)
        })
        .collect();
    page(query.apply(items))
}

// ---- Exports ---------------------------------------------------------------

async fn export_now(State(ctx): State<Ctx>, Path((session, role)): Path<(String, String)>) -> Reply {
    let t = ctx.tenant();
    let role = t.find_role(Some(&session), &role, Instant::now()).map_err(|p| ctx.fail(p))?;
    zip_response(&ctx, &role.id, &t.export_files(role, 0, true))
}

async fn export_async(State(ctx): State<Ctx>, Path((session, role)): Path<(String, String)>, body: Bytes) -> Reply {
    let (min_popularity, include_common) = read!(ctx, export_request(&body))?;
    if min_popularity.is_some_and(|p| !(0..=100).contains(&p)) {
        return Err(ctx.bad("minEntitlementPopularity must be between 0 and 100"));
    }
    let mut t = ctx.tenant();
    let now = Instant::now();
    t.find_role(Some(&session), &role, now).map_err(|p| ctx.fail(p))?;
    let id = t.start_export(&session, &role, min_popularity, include_common);
    let export = t.export(&id).ok_or_else(|| ctx.fail(Problem::NotFound(format!("export {id} not found"))))?;
    Ok(json_response(StatusCode::ACCEPTED, &shape!(ctx, export(&t, export, now))))
}

fn find_export<'a>(ctx: &Ctx, t: &'a Tenant, session: &str, role: &str, id: &str) -> Result<&'a super::state::Export, Failure> {
    t.export(id)
        .filter(|x| x.session == session && x.role == role)
        .ok_or_else(|| ctx.fail(Problem::NotFound(format!("export {id} of potential role {role} not found"))))
}

async fn export_status(State(ctx): State<Ctx>, Path((session, role, id)): Path<(String, String, String)>) -> Reply {
    let t = ctx.tenant();
    let export = find_export(&ctx, &t, &session, &role, &id)?;
    ok(shape!(ctx, export(&t, export, Instant::now())))
}

async fn export_download(State(ctx): State<Ctx>, Path((session, role, id)): Path<(String, String, String)>) -> Reply {
    let t = ctx.tenant();
    let export = find_export(&ctx, &t, &session, &role, &id)?;
    if t.export_stage(export, Instant::now()) != ExportStage::Success {
        return Err(ctx.bad(format!("export {id} has not finished; poll its status until it is SUCCESS")));
    }
    let potential_role = t.role(&role).ok_or_else(|| ctx.fail(Problem::NotFound(format!("potential role {role} not found"))))?;
    let files =
        t.export_files(potential_role, export.min_entitlement_popularity.unwrap_or(0), export.include_common_access.unwrap_or(true));
    zip_response(&ctx, &role, &files)
}

fn zip_response(ctx: &Ctx, role: &str, files: &[(String, String)]) -> Reply {
    let bytes = zip_archive(files).map_err(|e| {
        Failure::new(ctx.flavor, StatusCode::INTERNAL_SERVER_ERROR, "500.0 Internal Fault", format!("cannot build the archive: {e}"))
    })?;
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"potential-role-{role}.zip\"")) {
        headers.insert(CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}

fn zip_archive(files: &[(String, String)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, contents) in files {
        writer.start_file(name.as_str(), options)?;
        writer.write_all(contents.as_bytes())?;
    }
    Ok(writer.finish()?.into_inner())
}
