//! Harness shared by the operation tests: one wiremock server per test and
//! matchers that pin down the whole request (method, encoded path, the exact
//! set of query pairs, headers, body). Every expectation is mounted with
//! `.expect(1)`, so a request that differs in any way is answered 404 by
//! wiremock (and the test fails on the error), and a request that never
//! arrives fails `Harness::verify`.

use std::fmt::{Debug, Write as _};

use serde_json::Value;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

pub const TOKEN: &str = "test-token";

// Path parameter values that need percent-encoding, each with the single
// segment it must arrive as. They are all different, so passing one argument
// in place of another lands in the wrong segment and fails the match.
pub const SESSION_ID: &str = "s/1 x";
pub const SESSION_SEG: &str = "s%2F1%20x";
pub const ROLE_ID: &str = "pr?2#é";
pub const ROLE_SEG: &str = "pr%3F2%23%C3%A9";
pub const EXPORT_ID: &str = "e:3/..";
pub const EXPORT_SEG: &str = "e%3A3%2F..";
pub const SOURCE_ID: &str = "src&4+";
pub const SOURCE_SEG: &str = "src%264%2B";

/// A filter with spaces, quotes, `&` and `+`: each one changes the meaning of
/// a query string unless it is percent-encoded.
pub const FILTERS: &str = r#"name sw "R&D + Ops""#;

/// Bytes of a zip download; not UTF-8, so a lossy text round trip would show.
pub const ZIP: &[u8] = b"PK\x03\x04\x14\x00\x08\x00\xff\xfe\x00identities.csv";

/// The query string holds exactly these pairs once decoded: no pair missing,
/// none extra, none repeated (order is free).
pub struct QueryIs(Vec<(String, String)>);

impl QueryIs {
    pub fn new(pairs: &[(&str, &str)]) -> Self {
        let mut pairs: Vec<_> = pairs.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())).collect();
        pairs.sort();
        QueryIs(pairs)
    }
}

impl Match for QueryIs {
    fn matches(&self, request: &Request) -> bool {
        let mut got: Vec<(String, String)> =
            request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        got.sort();
        got == self.0
    }
}

/// The header is sent exactly once with this value, or (`None`) not at all.
/// wiremock's own `header` matcher cannot express absence, and it would
/// accept a duplicated header.
pub struct HeaderIs {
    name: &'static str,
    value: Option<&'static str>,
}

impl HeaderIs {
    pub fn new(name: &'static str, value: Option<&'static str>) -> Self {
        HeaderIs { name, value }
    }
}

impl Match for HeaderIs {
    fn matches(&self, request: &Request) -> bool {
        let values: Vec<_> = request.headers.get_all(self.name).iter().collect();
        match self.value {
            None => values.is_empty(),
            Some(want) => values.len() == 1 && values[0].as_bytes() == want.as_bytes(),
        }
    }
}

/// A request without a body: nothing sent and no `Content-Type` claiming one.
pub struct NoBody;

impl Match for NoBody {
    fn matches(&self, request: &Request) -> bool {
        request.body.is_empty() && !request.headers.contains_key("content-type")
    }
}

/// A JSON response with the given status.
pub fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A mock server for one API module: its base path, the version a
/// per-resource edition puts after each path's first segment (`v1`), and
/// whether that module must send `X-SailPoint-Experimental: true`.
pub struct Harness {
    pub server: MockServer,
    base: &'static str,
    version: Option<&'static str>,
    experimental: bool,
}

impl Harness {
    pub async fn start(base: &'static str, version: Option<&'static str>, experimental: bool) -> Self {
        Harness { server: MockServer::start().await, base, version, experimental }
    }

    /// `/role-mining-sessions/x` as this module sends it: after the base
    /// path, with the version (if any) after the first segment. Written out
    /// here rather than asked of the crate, so a wrong route fails.
    pub fn route(&self, path: &str) -> String {
        match (self.version, path[1..].split_once('/')) {
            (None, _) => format!("{}{path}", self.base),
            (Some(v), Some((first, rest))) => format!("{}/{first}/{v}/{rest}", self.base),
            (Some(v), None) => format!("{}{path}/{v}", self.base),
        }
    }

    /// The operation id this module uses for one named in the specs.
    pub fn operation_id(&self, id: &str) -> String {
        match self.version {
            Some(v) => format!("{id}{}", v.to_uppercase()),
            None => id.to_owned(),
        }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Start describing the one request the test expects; `path` is relative
    /// to the module's base path and already percent-encoded.
    pub fn expect(&self, method: &'static str, path: &str) -> Expectation<'_> {
        Expectation {
            harness: self,
            method,
            path: self.route(path),
            query: Vec::new(),
            body: None,
            accept: "application/json",
        }
    }

    /// Unwrap an operation's result; on error, show what the server received
    /// so a mismatch against the expectation is easy to spot.
    pub async fn ok<T, E: Debug>(&self, result: Result<T, E>) -> T {
        match result {
            Ok(value) => value,
            Err(error) => panic!("operation failed: {error:?}\n{}", self.received().await),
        }
    }

    /// Fail unless every mounted expectation was met exactly as often as declared.
    pub async fn verify(&self) {
        self.server.verify().await;
    }

    async fn received(&self) -> String {
        let mut out = String::from("requests received by the mock server:\n");
        for request in self.server.received_requests().await.unwrap_or_default() {
            let _ = writeln!(out, "  {} {}", request.method, request.url);
            for (name, value) in &request.headers {
                let _ = writeln!(out, "    {name}: {value:?}");
            }
            let _ = writeln!(out, "    body: {}", String::from_utf8_lossy(&request.body));
        }
        out
    }
}

/// One expected request, mounted by [`Expectation::respond`].
pub struct Expectation<'a> {
    harness: &'a Harness,
    method: &'static str,
    path: String,
    query: Vec<(&'static str, &'static str)>,
    body: Option<(&'static str, Value)>,
    accept: &'static str,
}

impl Expectation<'_> {
    /// The exact query pairs (default: no query string at all).
    pub fn query(mut self, pairs: &[(&'static str, &'static str)]) -> Self {
        self.query = pairs.to_vec();
        self
    }

    /// The exact JSON body and its content type (default: no body).
    pub fn json_body(mut self, content_type: &'static str, body: Value) -> Self {
        self.body = Some((content_type, body));
        self
    }

    /// The `Accept` header (default: `application/json`).
    pub fn accept(mut self, accept: &'static str) -> Self {
        self.accept = accept;
        self
    }

    /// Mount the expectation, answering it with `response`, exactly once.
    pub async fn respond(self, response: ResponseTemplate) {
        let harness = self.harness;
        let experimental = harness.experimental.then_some("true");
        let mock = Mock::given(method(self.method))
            .and(path(self.path.as_str()))
            .and(QueryIs::new(&self.query))
            .and(HeaderIs::new("authorization", Some("Bearer test-token")))
            .and(HeaderIs::new("x-sailpoint-experimental", experimental))
            .and(HeaderIs::new("accept", Some(self.accept)));
        let mock = match self.body {
            Some((content_type, body)) => {
                mock.and(HeaderIs::new("content-type", Some(content_type))).and(body_json(body))
            }
            None => mock.and(NoBody),
        };
        mock.respond_with(response)
            .named(format!("{} {}", self.method, self.path))
            .expect(1)
            .mount(&harness.server)
            .await;
    }
}
