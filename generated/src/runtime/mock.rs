//! Typed mock servers for tests (cargo feature `mock`): the machinery behind
//! each API module's generated `mock` module.
//!
//! A module's `mock::MockServer` (a [`wiremock`] server on 127.0.0.1) has one
//! method per operation returning an [`Expectation`]: which requests it
//! matches (the operation's route and method, and the parameters, headers
//! and body you set with its typed setters) and how it answers
//! ([`respond`](#typed-responses), [`Expectation::respond_error`],
//! [`Expectation::drop_connection`], ...). [`Expectation::mount`] installs it.
//!
//! # What fails a test
//!
//! - A request no mounted expectation matches is answered with HTTP 418 and a
//!   body explaining why, and is remembered: [`MockServer::verify`] (and the
//!   server's drop) panics with one paragraph per such request naming the
//!   closest operation (by method and path template) and what differed:
//!   method, path, path parameter, query parameter, header, body. A request
//!   that breaks the spec (a required header such as a constant
//!   `X-SailPoint-Experimental: true` missing, another content type, a body
//!   that does not decode into the operation's body type, a required query
//!   parameter or body missing) never matches and is reported as such.
//! - An expectation matched fewer or more times than [`Expectation::times`]
//!   or [`Expectation::expect`] asked for.
//!
//! [`MockServer::verify_report`] returns the same report instead of
//! panicking. Dropping a server whose state was not verified since its last
//! request or mount verifies it (unless the thread is already panicking).
//!
//! # Typed responses
//!
//! The generated setters are typed by the operation: `respond(&body)` takes
//! what the operation's `send()` returns (a model, `&[T]` for a list,
//! nothing for an empty response, bytes for a download), and
//! [`Expectation::respond_error`]`::<STATUS>(&body)` compiles only for a
//! status the operation declares, with the error body type the spec
//! declares for it ([`DeclaredError`]). Statuses declared as a range (`4XX`)
//! or by `default` have `respond_error_4xx(status, &body)` and
//! `respond_default_error(status, &body)`, which check the status when called.
//!
//! Without `respond`, an expectation answers the operation's first success
//! status with an empty body.
//!
//! # Clients
//!
//! `MockServer::client()` is a client of the module pointed at the server,
//! with the static bearer token [`TOKEN`], retries off (each request is one
//! attempt, so hit counts are exact) and no client-side rate limit;
//! [`MockServer::client_builder`] starts from the same settings for a client
//! of your own.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;
use std::ops::{Bound, RangeBounds};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::client::{Client, ClientBuilder};
use super::params::ParamValue;
use super::rate_limit::RateLimit;
use super::retry::RetryPolicy;

/// The bearer token the clients of a mock server send.
pub const TOKEN: &str = "mock-token";

/// The `detailCode` of the 418 answer to a request no expectation matched.
pub const UNMATCHED_DETAIL_CODE: &str = "418 Unmatched mock request";

/// What the generated code tells the mock about one operation: its routes
/// and what its spec requires of a request. Built by each module's `mock`.
#[derive(Debug)]
pub struct OperationSpec {
    /// The client method, e.g. `get_role_mining_session`.
    pub(crate) name: &'static str,
    /// The HTTP method, upper case.
    pub(crate) method: &'static str,
    /// `(edition module, path template with the base path, operation id)`:
    /// one route per place the operation is served at.
    pub(crate) routes: &'static [(&'static str, &'static str, &'static str)],
    /// The status of a success answer without `respond`.
    pub(crate) success_status: u16,
    /// Headers whose value the spec fixes (sent by the generated client).
    pub(crate) constant_headers: &'static [(&'static str, &'static str)],
    /// Other headers the spec requires.
    pub(crate) required_headers: &'static [&'static str],
    /// Query parameters the spec requires.
    pub(crate) required_query: &'static [&'static str],
    /// The request body, if the operation takes one.
    pub(crate) body: Option<BodySpec>,
}

/// The request body an operation takes.
#[derive(Debug)]
pub struct BodySpec {
    /// Its media type, e.g. `application/json`.
    pub(crate) content_type: &'static str,
    /// Whether the spec requires it.
    pub(crate) required: bool,
    /// Its Rust type, for messages.
    pub(crate) type_name: &'static str,
    /// Checks that a body decodes into that type.
    pub(crate) check: Option<BodyCheck>,
}

/// Checks that a request body decodes into an operation's body type.
pub type BodyCheck = fn(&[u8]) -> Result<(), String>;

/// An operation of a generated API module (the marker types of its `mock`
/// module implement it).
pub trait Operation: 'static {
    /// What the spec says about the operation.
    const SPEC: &'static OperationSpec;
}

/// An error status the operation declares, with the type of its body: what
/// makes [`Expectation::respond_error`] typed. Implemented by the generated
/// code for each declared status.
#[diagnostic::on_unimplemented(
    message = "the operation `{Self}` declares no error response with status {STATUS}",
    label = "not a status this operation declares",
    note = "`respond_error::<STATUS>` takes the statuses the spec lists for the operation; ranges (`4XX`) and `default` have their own methods"
)]
pub trait DeclaredError<const STATUS: u16>: Operation {
    /// The error body type the spec declares for this status (`()` when the
    /// response has no JSON body).
    type Body: Serialize;
    /// `false` when the spec declares no JSON body: the answer is empty.
    const HAS_BODY: bool = true;
}

/// The `Operation` and `DeclaredError` impls of a generated operation's
/// marker type (the generator's `emit/mock.rs` writes the calls):
///
/// ```text
/// operation!(
///     GetThing = "get_thing", GET, 200,
///     routes = [("api", "/v1/things/{id}", "getThing")],
///     constant_headers = [], required_headers = [], required_query = ["filter"],
///     body = json("application/json", true, "Thing", super::models::Thing),
///     errors = [400 => super::models::ErrorDto],
///     without_body = [404]
/// );
/// ```
///
/// The fields of its [`OperationSpec`]; `body` is `none`, `json(media
/// type, required, type label, type)`, `text(...)` or `unchecked(...)`
/// (the last two without the type); `errors` gives each declared status its
/// body type, `without_body` lists statuses declared with no JSON body. A
/// macro rather than the impls written out: a whole API has hundreds of
/// operations with several statuses each.
#[allow(unused_macros)] // a crate may have no operations
macro_rules! operation {
    (
        $marker:ident = $name:literal, $method:ident, $success:literal,
        routes = [$($route:expr),* $(,)?],
        constant_headers = [$($constant:expr),* $(,)?],
        required_headers = [$($header:literal),* $(,)?],
        required_query = [$($query:literal),* $(,)?],
        body = $kind:ident $(($($body:tt)*))?,
        errors = [$($status:literal => $ty:ty),* $(,)?],
        without_body = [$($empty:literal),* $(,)?] $(,)?
    ) => {
        impl $crate::runtime::mock::Operation for $marker {
            const SPEC: &'static $crate::runtime::mock::OperationSpec = &$crate::runtime::mock::OperationSpec {
                name: $name,
                method: ::std::stringify!($method),
                routes: &[$($route),*],
                success_status: $success,
                constant_headers: &[$($constant),*],
                required_headers: &[$($header),*],
                required_query: &[$($query),*],
                body: $crate::runtime::mock::operation!(@body $kind $(($($body)*))?),
            };
        }

        $(
            impl $crate::runtime::mock::DeclaredError<$status> for $marker {
                type Body = $ty;
            }
        )*

        $(
            impl $crate::runtime::mock::DeclaredError<$empty> for $marker {
                type Body = ();
                const HAS_BODY: bool = false;
            }
        )*
    };
    (@body none) => {
        ::std::option::Option::None
    };
    (@body json($content_type:literal, $required:literal, $label:literal, $ty:ty)) => {
        ::std::option::Option::Some($crate::runtime::mock::BodySpec {
            content_type: $content_type,
            required: $required,
            type_name: $label,
            check: ::std::option::Option::Some($crate::runtime::mock::check_json::<$ty>),
        })
    };
    (@body text($content_type:literal, $required:literal, $label:literal)) => {
        ::std::option::Option::Some($crate::runtime::mock::BodySpec {
            content_type: $content_type,
            required: $required,
            type_name: $label,
            check: ::std::option::Option::Some($crate::runtime::mock::check_text),
        })
    };
    (@body unchecked($content_type:literal, $required:literal, $label:literal)) => {
        ::std::option::Option::Some($crate::runtime::mock::BodySpec {
            content_type: $content_type,
            required: $required,
            type_name: $label,
            check: ::std::option::Option::None,
        })
    };
}
#[allow(unused_imports)]
pub(crate) use operation;

/// Decode `body` as JSON into `T` (the check of a JSON request body).
pub fn check_json<T: DeserializeOwned>(body: &[u8]) -> Result<(), String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => deserializer.end().map_err(|e| e.to_string()),
        Err(e) if e.path().to_string() == "." => Err(e.into_inner().to_string()),
        Err(e) => Err(format!("at `{}`: {}", e.path(), e.inner())),
    }
}

/// Check that `body` is UTF-8 (the check of a text request body).
pub fn check_text(body: &[u8]) -> Result<(), String> {
    std::str::from_utf8(body).map(|_| ()).map_err(|e| format!("not UTF-8: {e}"))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// State shared with the responders running on the server's thread.
struct Shared {
    operations: &'static [&'static OperationSpec],
    /// The edition whose routes are served; `None`: every route.
    edition: Option<&'static str>,
    mounted: Mutex<Vec<Arc<Mounted>>>,
    /// One report paragraph per request no expectation matched.
    unmatched: Mutex<Vec<String>>,
    /// Bumped by every request and every mount.
    generation: AtomicU64,
    /// `generation` when the server was last verified.
    verified: AtomicU64,
}

impl Shared {
    fn routes<'a>(&'a self, op: &'static OperationSpec) -> impl Iterator<Item = (&'static str, &'static str)> + 'a {
        op.routes
            .iter()
            .filter(move |(edition, _, _)| self.edition.is_none_or(|e| e == *edition))
            .map(|(_, template, operation_id)| (*template, *operation_id))
    }
}

/// A mock server for one API module (wrapped by each module's
/// `mock::MockServer`, which dereferences to it).
pub struct MockServer {
    server: wiremock::MockServer,
    shared: Arc<Shared>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .field("edition", &self.shared.edition)
            .field("expectations", &lock(&self.shared.mounted).len())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Start a server on 127.0.0.1 for `operations`, answering the routes of
    /// `edition` (a module name), or of every edition. The generated
    /// modules' `MockServer::start` call it (public so that a crate built
    /// with `mock` but no API module has no dead code).
    #[doc(hidden)]
    pub async fn start(operations: &'static [&'static OperationSpec], edition: Option<&'static str>) -> MockServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("cannot bind a mock server to 127.0.0.1");
        let server = wiremock::MockServer::builder().listener(listener).start().await;
        let shared = Arc::new(Shared {
            operations,
            edition,
            mounted: Mutex::new(Vec::new()),
            unmatched: Mutex::new(Vec::new()),
            generation: AtomicU64::new(0),
            verified: AtomicU64::new(0),
        });
        let state = Arc::clone(&shared);
        wiremock::Mock::given(Anything)
            .respond_with(move |request: &wiremock::Request| unmatched(&state, request))
            .with_priority(u8::MAX)
            .named("requests no expectation matched")
            .mount(&server)
            .await;
        MockServer { server, shared }
    }

    /// The server's base URL, e.g. `http://127.0.0.1:41234`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client builder for this server: its URL, the bearer token [`TOKEN`],
    /// retries and rate limiting off. Change what you need, build it, and
    /// wrap it in a module's client with `Client::from_runtime`.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.uri())
            .access_token(TOKEN)
            .retry_policy(RetryPolicy::disabled())
            .rate_limit(RateLimit::disabled())
    }

    /// The connection [`Self::client_builder`] builds.
    pub fn runtime_client(&self) -> Client {
        self.client_builder().build().expect("a mock server's URL is a valid base URL")
    }

    /// The underlying [`wiremock::MockServer`], for mocks of your own. They
    /// are tried before the catch-all that reports unmatched requests, and
    /// alongside the typed expectations in the order they were mounted.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// An expectation for `Op` (what the generated per-operation methods return).
    #[doc(hidden)]
    pub fn expectation<Op: Operation>(&self) -> Expectation<'_, Op> {
        Expectation {
            server: self,
            criteria: Criteria {
                op: Op::SPEC,
                path: Vec::new(),
                query: Vec::new(),
                headers: Vec::new(),
                cookies: Vec::new(),
                body: None,
            },
            reply: Reply::Respond { status: Op::SPEC.success_status, body: None },
            headers: Vec::new(),
            delay: None,
            times: None,
            _op: PhantomData,
        }
    }

    /// Panic with [`Self::verify_report`]'s report if anything went wrong.
    pub async fn verify(&self) {
        if let Err(report) = self.verify_report() {
            panic!("{report}");
        }
    }

    /// Everything that went wrong so far, as the text [`Self::verify`]
    /// panics with: requests no expectation matched, and expectations
    /// matched a number of times outside what they asked for. The state is
    /// marked as verified, so dropping the server does not report it again
    /// (later requests and mounts are checked on drop).
    pub fn verify_report(&self) -> Result<(), String> {
        self.shared.verified.store(self.shared.generation.load(Ordering::SeqCst), Ordering::SeqCst);
        let mut problems: Vec<String> = lock(&self.shared.unmatched).clone();
        for mounted in lock(&self.shared.mounted).iter() {
            let hits = mounted.hits.load(Ordering::SeqCst);
            if let Some(times) = mounted.times.filter(|t| !t.contains(hits)) {
                problems.push(format!(
                    "expectation #{} {} was expected {times}, and matched {}",
                    mounted.number,
                    mounted.criteria.describe(),
                    plural(hits, "time")
                ));
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(format!(
            "mock server {} failed verification ({}):\n\n{}",
            self.uri(),
            plural(problems.len() as u64, "problem"),
            problems.join("\n\n")
        ))
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if std::thread::panicking() || self.shared.verified.load(Ordering::SeqCst) == self.shared.generation.load(Ordering::SeqCst) {
            return;
        }
        if let Err(report) = self.verify_report() {
            panic!("{report}");
        }
    }
}

fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// How many times an expectation must match.
#[derive(Debug, Clone, Copy)]
struct Times {
    low: u64,
    /// Inclusive; `None`: unbounded.
    high: Option<u64>,
}

impl Times {
    fn new(range: impl RangeBounds<u64>) -> Times {
        let low = match range.start_bound() {
            Bound::Included(n) => *n,
            Bound::Excluded(n) => n.saturating_add(1),
            Bound::Unbounded => 0,
        };
        let high = match range.end_bound() {
            Bound::Included(n) => Some(*n),
            Bound::Excluded(n) => Some(n.saturating_sub(1)),
            Bound::Unbounded => None,
        };
        Times { low, high }
    }

    fn contains(self, n: u64) -> bool {
        n >= self.low && self.high.is_none_or(|high| n <= high)
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.low, self.high) {
            (low, Some(high)) if low == high => write!(f, "exactly {}", plural(low, "time")),
            (low, Some(high)) if low > high => f.write_str("a number of times in an empty range"),
            (0, Some(high)) => write!(f, "at most {}", plural(high, "time")),
            (low, Some(high)) => write!(f, "between {low} and {high} times"),
            (low, None) => write!(f, "at least {}", plural(low, "time")),
        }
    }
}

/// A body an expectation requires.
#[derive(Debug, Clone)]
enum BodyMatch {
    Json(serde_json::Value),
    /// Form fields, sorted.
    Form(Vec<(String, String)>),
    Raw(Bytes),
}

/// What an expectation matches, besides the operation's route.
#[derive(Debug)]
struct Criteria {
    op: &'static OperationSpec,
    /// Wire name, expected decoded value.
    path: Vec<(&'static str, String)>,
    /// Wire name, expected decoded values in order.
    query: Vec<(&'static str, Vec<String>)>,
    /// Lower-case name, value.
    headers: Vec<(String, String)>,
    cookies: Vec<(&'static str, String)>,
    body: Option<BodyMatch>,
}

fn quoted(values: &[String]) -> String {
    match values {
        [one] => format!("{one:?}"),
        many => format!("{many:?}"),
    }
}

impl Criteria {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        parts.extend(self.path.iter().map(|(name, value)| format!("{name} = {value:?}")));
        parts.extend(self.query.iter().map(|(name, values)| format!("?{name} = {}", quoted(values))));
        parts.extend(self.headers.iter().map(|(name, value)| format!("header {name}: {value:?}")));
        parts.extend(self.cookies.iter().map(|(name, value)| format!("cookie {name} = {value:?}")));
        match &self.body {
            Some(BodyMatch::Json(value)) => parts.push(format!("body {}", excerpt(&value.to_string()))),
            Some(BodyMatch::Form(fields)) => parts.push(format!("form body {fields:?}")),
            Some(BodyMatch::Raw(bytes)) => parts.push(format!("body of {}", plural(bytes.len() as u64, "byte"))),
            None => {}
        }
        format!("{}({})", self.op.name, parts.join(", "))
    }

    /// What differs between the request and this expectation, the route
    /// (already matched, `captures`) aside.
    fn differences(&self, request: &wiremock::Request, captures: &[(String, String)]) -> Vec<String> {
        let mut out = Vec::new();
        for (name, expected) in &self.path {
            let got = captures.iter().find(|(n, _)| n == name).map(|(_, v)| v);
            if got != Some(expected) {
                out.push(format!("path parameter `{name}`: expected {expected:?}, got {}", shown(got)));
            }
        }
        let pairs: Vec<(String, String)> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        for (name, expected) in &self.query {
            let got: Vec<String> = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect();
            if &got != expected {
                let got = if got.is_empty() { "none".to_owned() } else { quoted(&got) };
                out.push(format!("query parameter `{name}`: expected {}, got {got}", quoted(expected)));
            }
        }
        for (name, expected) in &self.headers {
            let got = request.headers.get(name.as_str()).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            if got.as_ref() != Some(expected) {
                out.push(format!("header `{name}`: expected {expected:?}, got {}", shown(got.as_ref())));
            }
        }
        let cookies = cookies(request);
        for (name, expected) in &self.cookies {
            let got = cookies.iter().find(|(n, _)| n == name).map(|(_, v)| v);
            if got != Some(expected) {
                out.push(format!("cookie `{name}`: expected {expected:?}, got {}", shown(got)));
            }
        }
        if let Some(expected) = &self.body {
            if let Some(difference) = body_difference(expected, &request.body) {
                out.push(difference);
            }
        }
        out
    }
}

fn shown(value: Option<&String>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| format!("{v:?}"))
}

fn excerpt(text: &str) -> String {
    const LIMIT: usize = 120;
    if text.chars().count() <= LIMIT {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(LIMIT).collect::<String>())
    }
}

fn cookies(request: &wiremock::Request) -> Vec<(String, String)> {
    let decode = |s: &str| percent_encoding::percent_decode_str(s.trim()).decode_utf8_lossy().into_owned();
    request
        .headers
        .get_all("cookie")
        .iter()
        .flat_map(|v| String::from_utf8_lossy(v.as_bytes()).split(';').map(str::to_owned).collect::<Vec<_>>())
        .filter_map(|pair| pair.split_once('=').map(|(k, v)| (decode(k), decode(v))))
        .collect()
}

fn body_difference(expected: &BodyMatch, body: &[u8]) -> Option<String> {
    match expected {
        BodyMatch::Json(expected) => match serde_json::from_slice::<serde_json::Value>(body) {
            Err(e) => Some(format!("body: expected JSON {}, got a body that is not JSON ({e})", excerpt(&expected.to_string()))),
            Ok(got) => json_difference(expected, &got, &mut String::new()).map(|d| format!("body {d}")),
        },
        BodyMatch::Form(expected) => {
            let mut got: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
            got.sort();
            (&got != expected).then(|| format!("form body: expected {expected:?}, got {got:?}"))
        }
        BodyMatch::Raw(expected) => (expected.as_ref() != body).then(|| {
            let at = expected.iter().zip(body).position(|(a, b)| a != b).unwrap_or(expected.len().min(body.len()));
            format!(
                "body: expected {}, got {} (first difference at byte {at})",
                plural(expected.len() as u64, "byte"),
                plural(body.len() as u64, "byte")
            )
        }),
    }
}

/// The first place two JSON values differ, as `at /json/pointer: expected
/// .., got ..`.
fn json_difference(expected: &serde_json::Value, got: &serde_json::Value, at: &mut String) -> Option<String> {
    use serde_json::Value;
    let here = |at: &str| if at.is_empty() { "/".to_owned() } else { at.to_owned() };
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => {
            for (key, value) in e {
                let len = at.len();
                at.push('/');
                at.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let found = match g.get(key) {
                    Some(other) => json_difference(value, other, at),
                    None => Some(format!("at {at}: expected {}, got no such field", excerpt(&value.to_string()))),
                };
                at.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            g.keys()
                .find(|k| !e.contains_key(*k))
                .map(|k| format!("at {}: unexpected field `{k}`", here(at)))
        }
        (Value::Array(e), Value::Array(g)) if e.len() == g.len() => e.iter().zip(g).enumerate().find_map(|(i, (a, b))| {
            let len = at.len();
            let _ = write!(at, "/{i}");
            let found = json_difference(a, b, at);
            at.truncate(len);
            found
        }),
        (Value::Array(e), Value::Array(g)) => {
            Some(format!("at {}: expected an array of {}, got {}", here(at), e.len(), g.len()))
        }
        (e, g) if e == g => None,
        (e, g) => Some(format!("at {}: expected {}, got {}", here(at), excerpt(&e.to_string()), excerpt(&g.to_string()))),
    }
}

/// Match `path` (as received, percent-encoded) against a path template:
/// the decoded parameter values when it fits.
fn match_template(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let templates: Vec<&str> = template.split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    if templates.len() != segments.len() {
        return None;
    }
    let mut captures = Vec::new();
    for (template, segment) in templates.iter().zip(&segments) {
        match_segment(template, segment, &mut captures)?;
    }
    Some(captures)
}

fn decode(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

/// One segment: literals and `{name}` placeholders (a placeholder takes
/// everything up to the next literal, and must not be empty).
fn match_segment(template: &str, segment: &str, captures: &mut Vec<(String, String)>) -> Option<()> {
    if !template.contains('{') {
        return (template == segment || template == decode(segment)).then_some(());
    }
    let (mut template, mut rest) = (template, segment);
    loop {
        let Some(open) = template.find('{') else {
            return (rest == template).then_some(());
        };
        rest = rest.strip_prefix(&template[..open])?;
        let close = open + template[open..].find('}')?;
        let name = &template[open + 1..close];
        template = &template[close + 1..];
        let literal = &template[..template.find('{').unwrap_or(template.len())];
        let end = if literal.is_empty() { rest.len() } else { rest.find(literal)? };
        if end == 0 {
            return None;
        }
        captures.push((name.to_owned(), decode(&rest[..end])));
        rest = &rest[end..];
    }
}

/// How far the request is from a route of `op` (higher is closer): the path
/// counts more than the method.
fn closeness(method_matches: bool, template: &str, path: &str) -> u32 {
    let method = if method_matches { 1000 } else { 0 };
    if match_template(template, path).is_some() {
        return 2000 + method;
    }
    let templates: Vec<&str> = template.split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    let same = templates
        .iter()
        .zip(&segments)
        .filter(|(t, s)| match_segment(t, s, &mut Vec::new()).is_some())
        .count() as u32;
    let length = if templates.len() == segments.len() { 5 } else { 0 };
    method + (same * 10 + length).min(999)
}

/// Ways the request breaks what the spec says of `op`.
fn violations(op: &OperationSpec, request: &wiremock::Request) -> Vec<String> {
    let mut out = Vec::new();
    let header = |name: &str| request.headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    for (name, value) in op.constant_headers {
        match header(name) {
            None => out.push(format!("breaks the spec: the required header `{name}` is missing (it must be {value:?})")),
            Some(got) if got != *value => out.push(format!("breaks the spec: the header `{name}` must be {value:?}, got {got:?}")),
            Some(_) => {}
        }
    }
    for name in op.required_headers {
        if header(name).is_none() {
            out.push(format!("breaks the spec: the required header `{name}` is missing"));
        }
    }
    for name in op.required_query {
        if !request.url.query_pairs().any(|(k, _)| k == *name) {
            out.push(format!("breaks the spec: the required query parameter `{name}` is missing"));
        }
    }
    let content_type = header("content-type");
    let essence = |ct: &str| ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match &op.body {
        None if !request.body.is_empty() => out.push(format!(
            "breaks the spec: the operation takes no request body, got {}",
            plural(request.body.len() as u64, "byte")
        )),
        None => {}
        Some(body) if request.body.is_empty() && content_type.is_none() && body.required => {
            out.push(format!("breaks the spec: the request body ({}) is required but missing", body.content_type));
        }
        Some(_) if request.body.is_empty() && content_type.is_none() => {}
        Some(body) => {
            match &content_type {
                None => out.push(format!("breaks the spec: the body has no content type (the operation takes `{}`)", body.content_type)),
                Some(ct) if essence(ct) != essence(body.content_type) => out.push(format!(
                    "breaks the spec: the content type is `{ct}`, the operation takes `{}`",
                    body.content_type
                )),
                Some(_) => {}
            }
            if let Some(Err(e)) = body.check.map(|check| check(&request.body)) {
                out.push(format!("breaks the spec: the body is not a valid `{}`: {e}", body.type_name));
            }
        }
    }
    out
}

/// The request line as sent: method, path and query.
fn request_line(request: &wiremock::Request) -> String {
    match request.url.query() {
        Some(query) => format!("{} {}?{query}", request.method, request.url.path()),
        None => format!("{} {}", request.method, request.url.path()),
    }
}

/// Why no expectation matched `request`, as a report paragraph.
fn explain(shared: &Shared, request: &wiremock::Request) -> String {
    let path = request.url.path();
    let mut report = format!("{} matched no expectation", request_line(request));
    let mut best: Option<(u32, &'static OperationSpec, &'static str, &'static str)> = None;
    for op in shared.operations {
        let method_matches = op.method.eq_ignore_ascii_case(request.method.as_str());
        for (template, operation_id) in shared.routes(op) {
            let score = closeness(method_matches, template, path);
            if best.is_none_or(|(b, ..)| score > b) {
                best = Some((score, op, template, operation_id));
            }
        }
    }
    let Some((_, op, template, operation_id)) = best else {
        report.push_str("\n  this API has no operations");
        return report;
    };
    let _ = write!(report, "\n  closest operation: {} ({} {template}, operation {operation_id})", op.name, op.method);
    let method_matches = op.method.eq_ignore_ascii_case(request.method.as_str());
    if !method_matches {
        let _ = write!(report, "\n  method differs: the operation is {}, the request is {}", op.method, request.method);
    }
    let Some(captures) = match_template(template, path) else {
        let _ = write!(report, "\n  path differs: the operation's path is {template}, the request's is {path}");
        return report;
    };
    if !method_matches {
        return report;
    }
    for violation in violations(op, request) {
        let _ = write!(report, "\n  {violation}");
    }
    let mounted = lock(&shared.mounted);
    let candidates = mounted.iter().filter(|m| m.criteria.op.name == op.name);
    let closest = candidates.map(|m| (m.criteria.differences(request, &captures), m)).min_by_key(|(d, m)| (d.len(), m.number));
    match closest {
        None => {
            let _ = write!(report, "\n  no expectation is mounted for {}", op.name);
        }
        Some((differences, m)) if differences.is_empty() => {
            let _ = write!(report, "\n  expectation #{} {} would match but for the above", m.number, m.criteria.describe());
        }
        Some((differences, m)) => {
            let _ = write!(report, "\n  closest expectation: #{} {}", m.number, m.criteria.describe());
            for difference in differences {
                let _ = write!(report, "\n    {difference}");
            }
        }
    }
    report
}

/// The catch-all's answer: record the request, answer 418 with the reason.
fn unmatched(shared: &Shared, request: &wiremock::Request) -> wiremock::ResponseTemplate {
    let report = explain(shared, request);
    let summary = report.lines().map(str::trim).collect::<Vec<_>>().join("; ");
    lock(&shared.unmatched).push(report);
    shared.generation.fetch_add(1, Ordering::SeqCst);
    let body = serde_json::json!({ "detailCode": UNMATCHED_DETAIL_CODE, "message": format!("mock: {summary}") });
    wiremock::ResponseTemplate::new(418).set_body_raw(body.to_string(), "application/json")
}

/// Matches every request (the catch-all).
struct Anything;

impl wiremock::Match for Anything {
    fn matches(&self, _: &wiremock::Request) -> bool {
        true
    }
}

/// A mounted expectation.
struct Mounted {
    /// 1-based, in mount order.
    number: usize,
    criteria: Criteria,
    times: Option<Times>,
    hits: AtomicU64,
}

/// The wiremock matcher of a mounted expectation.
struct Matcher {
    shared: Arc<Shared>,
    mounted: Arc<Mounted>,
}

impl wiremock::Match for Matcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let op = self.mounted.criteria.op;
        if !op.method.eq_ignore_ascii_case(request.method.as_str()) {
            return false;
        }
        let path = request.url.path();
        self.shared.routes(op).filter_map(|(template, _)| match_template(template, path)).any(|captures| {
            self.mounted.criteria.differences(request, &captures).is_empty() && violations(op, request).is_empty()
        })
    }
}

/// How an expectation answers.
#[derive(Debug, Clone)]
enum Reply {
    Respond { status: u16, body: Option<(String, Vec<u8>)> },
    DropConnection,
}

/// One expected kind of request and its answer, built from a module's
/// `MockServer` method for the operation (`Op` is the operation's marker
/// type). Narrow it with the generated setters (path and query parameters,
/// headers, `body`), say how to answer, then [`Self::mount`] it.
#[must_use = "an expectation does nothing until it is mounted with `.mount().await`"]
pub struct Expectation<'s, Op: Operation> {
    server: &'s MockServer,
    criteria: Criteria,
    reply: Reply,
    headers: Vec<(String, String)>,
    delay: Option<Duration>,
    times: Option<Times>,
    _op: PhantomData<fn() -> Op>,
}

impl<Op: Operation> fmt::Debug for Expectation<'_, Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("matches", &self.criteria.describe())
            .field("reply", &self.reply)
            .field("headers", &self.headers)
            .field("delay", &self.delay)
            .field("times", &self.times)
            .finish()
    }
}

impl<Op: Operation> Expectation<'_, Op> {
    /// Match requests carrying the header `name` with exactly `value`.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.criteria.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// Answer with the error status `STATUS`, which the operation declares,
    /// and its declared body type: `.respond_error::<404>(&ErrorResponseDto { .. })`.
    pub fn respond_error<const STATUS: u16>(self, body: &<Op as DeclaredError<STATUS>>::Body) -> Self
    where
        Op: DeclaredError<STATUS>,
    {
        if <Op as DeclaredError<STATUS>>::HAS_BODY {
            self.reply_json(STATUS, "application/json", body)
        } else {
            self.reply_empty(STATUS)
        }
    }

    /// Add a header to the answer (e.g. `Retry-After`).
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Answer with `X-Total-Count: count` (the size of a whole collection).
    pub fn total_count(self, count: u64) -> Self {
        self.with_header("X-Total-Count", count.to_string())
    }

    /// Wait this long before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Close the connection without answering (the client sees a transport
    /// error). Replaces any answer set before; the delay does not apply.
    pub fn drop_connection(mut self) -> Self {
        self.reply = Reply::DropConnection;
        self
    }

    /// Require exactly `n` matching requests (checked by
    /// [`MockServer::verify`] and on drop).
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(Times::new(n..=n));
        self
    }

    /// Require a number of matching requests in `range` (`1..`, `..=3`, ...).
    pub fn expect(mut self, range: impl RangeBounds<u64>) -> Self {
        self.times = Some(Times::new(range));
        self
    }

    /// Install the expectation. Expectations are tried in mount order; the
    /// first that matches answers.
    pub async fn mount(self) {
        let shared = Arc::clone(&self.server.shared);
        let mounted = {
            let mut all = lock(&shared.mounted);
            let mounted = Arc::new(Mounted { number: all.len() + 1, criteria: self.criteria, times: self.times, hits: AtomicU64::new(0) });
            all.push(Arc::clone(&mounted));
            mounted
        };
        shared.generation.fetch_add(1, Ordering::SeqCst);
        let name = format!("#{} {}", mounted.number, mounted.criteria.describe());
        let given = wiremock::Mock::given(Matcher { shared: Arc::clone(&shared), mounted: Arc::clone(&mounted) });
        let hit = move || {
            mounted.hits.fetch_add(1, Ordering::SeqCst);
            shared.generation.fetch_add(1, Ordering::SeqCst);
        };
        let mock = match self.reply {
            Reply::DropConnection => given.respond_with_err(move |_: &wiremock::Request| {
                hit();
                std::io::Error::new(std::io::ErrorKind::ConnectionReset, "mock: connection dropped as the expectation asked")
            }),
            Reply::Respond { status, body } => {
                let mut template = wiremock::ResponseTemplate::new(status);
                if let Some((content_type, bytes)) = body {
                    template = template.set_body_raw(bytes, &content_type);
                }
                for (name, value) in &self.headers {
                    template = template.append_header(name.as_str(), value.as_str());
                }
                if let Some(delay) = self.delay {
                    template = template.set_delay(delay);
                }
                given.respond_with(move |_: &wiremock::Request| {
                    hit();
                    template.clone()
                })
            }
        };
        mock.named(name).mount(&self.server.server).await;
    }
}

/// Building blocks of the generated setters; which of them a crate uses
/// depends on its spec.
#[allow(dead_code)]
impl<Op: Operation> Expectation<'_, Op> {

    pub(crate) fn match_path<T: ParamValue + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        self.criteria.path.push((name, value.to_param()));
        self
    }

    pub(crate) fn match_path_json<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.match_path(name, &serde_json::to_value(value).unwrap_or_default())
    }

    pub(crate) fn match_query<T: ParamValue + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        self.criteria.query.push((name, vec![value.to_param()]));
        self
    }

    pub(crate) fn match_query_json<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.match_query(name, &serde_json::to_value(value).unwrap_or_default())
    }

    /// A list: one value per item when `explode`, else joined by `delimiter`.
    pub(crate) fn match_query_list<T: ParamValue>(mut self, name: &'static str, values: &[T], explode: bool, delimiter: &str) -> Self {
        let values: Vec<String> = values.iter().map(ParamValue::to_param).collect();
        let values = if explode { values } else { vec![values.join(delimiter)] };
        self.criteria.query.push((name, values));
        self
    }

    pub(crate) fn match_header<T: ParamValue + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.header(name, value.to_param())
    }

    pub(crate) fn match_header_json<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.match_header(name, &serde_json::to_value(value).unwrap_or_default())
    }

    pub(crate) fn match_cookie<T: ParamValue + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        self.criteria.cookies.push((name, value.to_param()));
        self
    }

    pub(crate) fn match_cookie_json<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.match_cookie(name, &serde_json::to_value(value).unwrap_or_default())
    }

    pub(crate) fn match_json_body<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        let value = serde_json::to_value(body).expect("the expected body cannot be serialized as JSON");
        self.criteria.body = Some(BodyMatch::Json(value));
        self
    }

    pub(crate) fn match_form_body<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        let text = serde_urlencoded::to_string(body).expect("the expected body cannot be form-encoded");
        let mut fields: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap_or_default();
        fields.sort();
        self.criteria.body = Some(BodyMatch::Form(fields));
        self
    }

    pub(crate) fn match_raw_body(mut self, body: impl Into<Bytes>) -> Self {
        self.criteria.body = Some(BodyMatch::Raw(body.into()));
        self
    }

    pub(crate) fn reply_json<T: Serialize + ?Sized>(mut self, status: u16, content_type: &str, body: &T) -> Self {
        let bytes = serde_json::to_vec(body).expect("the answer cannot be serialized as JSON");
        self.reply = Reply::Respond { status, body: Some((content_type.to_owned(), bytes)) };
        self
    }

    pub(crate) fn reply_raw(mut self, status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        self.reply = Reply::Respond { status, body: Some((content_type.to_owned(), body.into().to_vec())) };
        self
    }

    pub(crate) fn reply_empty(mut self, status: u16) -> Self {
        self.reply = Reply::Respond { status, body: None };
        self
    }

    /// An error status declared by a range or `default`: `status` must be in
    /// one of `allowed` and in none of `excluded` (inclusive bounds).
    pub(crate) fn reply_error_in<T: Serialize + ?Sized>(
        self,
        status: u16,
        allowed: &[(u16, u16)],
        excluded: &[(u16, u16)],
        body: Option<&T>,
    ) -> Self {
        let within = |ranges: &[(u16, u16)]| ranges.iter().any(|(low, high)| (*low..=*high).contains(&status));
        assert!(
            within(allowed) && !within(excluded),
            "{} does not declare status {status} this way (allowed: {allowed:?}, except {excluded:?}; use `respond_error::<{status}>` for a status the spec lists)",
            self.criteria.op.name
        );
        match body {
            Some(body) => self.reply_json(status, "application/json", body),
            None => self.reply_empty(status),
        }
    }
}
