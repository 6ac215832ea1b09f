use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, RETRY_AFTER};
use tracing::Instrument;

use super::auth::{ClientCredentials, StaticToken, TokenProvider};
use super::rate_limit::RateLimit;
use super::error::{
    error_facts, excerpt, write_chain, ApiError, Attempts, AuthFailure, Error, RequestError, TimeoutError, TransportError, TransportPhase,
};
use super::request::Request;
use super::response::{Body, Response};
use super::retry::{Failure, RetryPolicy};
use super::secret::SecretString;

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Environment variables read by [`Client::from_env`] (the convention of
/// SailPoint's CLI and SDKs).
pub const ENV_BASE_URL: &str = "SAIL_BASE_URL";
/// OAuth2 client id, with [`ENV_CLIENT_SECRET`].
pub const ENV_CLIENT_ID: &str = "SAIL_CLIENT_ID";
/// OAuth2 client secret, with [`ENV_CLIENT_ID`].
pub const ENV_CLIENT_SECRET: &str = "SAIL_CLIENT_SECRET";
/// A ready access token, used instead of client credentials.
pub const ENV_ACCESS_TOKEN: &str = "SAIL_ACCESS_TOKEN";

/// A connection to one tenant: base URL, credentials, retry policy and the
/// HTTP client.
///
/// Cheap to clone (the state is shared), so clone it into tasks freely.
/// Each API module wraps it in its own `Client` with that API's operations.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Scheme, host and optional path prefix, without a trailing slash.
    base_url: String,
    auth: Arc<dyn TokenProvider>,
    retry: RetryPolicy,
    /// Time allowed until the response headers arrive.
    timeout: Duration,
    /// The request budget every clone draws from.
    rate_limit: RateLimit,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .field("rate_limit", &self.inner.rate_limit)
            .finish_non_exhaustive()
    }
}

/// Why a [`Client`] could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// No base URL or tenant was given.
    MissingBaseUrl,
    /// No credentials were given.
    MissingToken,
    /// [`Client::from_env`] found the environment incomplete; names what is missing.
    MissingEnv(String),
    /// The base URL is not an absolute `http(s)` URL without query or fragment.
    InvalidBaseUrl(String),
    /// The HTTP client could not be created.
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingBaseUrl => f.write_str("no base URL: call `base_url(..)` or `tenant(..)`"),
            ConfigError::MissingToken => {
                f.write_str("no credentials: call `access_token(..)`, `client_credentials(..)` or `token_provider(..)`")
            }
            ConfigError::MissingEnv(what) => write!(f, "incomplete environment: {what}"),
            ConfigError::InvalidBaseUrl(why) => write!(f, "invalid base URL: {why}"),
            ConfigError::Http(e) => write!(f, "cannot create the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Client {
    /// A client for `base_url` (e.g. `https://acme.api.identitynow.com`;
    /// each API module adds its version path such as `/beta`) that sends
    /// `token` as a bearer token.
    pub fn new(base_url: impl AsRef<str>, token: impl Into<SecretString>) -> Result<Client, ConfigError> {
        Client::builder().base_url(base_url).access_token(token).build()
    }

    /// A client configured from the environment: `SAIL_BASE_URL`, and either
    /// `SAIL_CLIENT_ID` + `SAIL_CLIENT_SECRET` (OAuth2 client credentials
    /// against `{SAIL_BASE_URL}/oauth/token`) or `SAIL_ACCESS_TOKEN`.
    pub fn from_env() -> Result<Client, ConfigError> {
        Client::builder().with_env()?.build()
    }

    /// Configure credentials, retries, timeouts, user agent or your own
    /// `reqwest::Client`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The request budget shared by this client and its clones
    /// ([`RateLimit::disabled`] when off).
    pub fn rate_limit(&self) -> &RateLimit {
        &self.inner.rate_limit
    }

    /// Send a request built by a generated operation: each attempt waits
    /// for the [`RateLimit`], failures are retried as the [`RetryPolicy`]
    /// allows (a JSON or text body cut short too, for methods safe to
    /// repeat: it is read here), and the token is refreshed once on 401. A
    /// final non-success status becomes [`Error::Api`] with the body decoded
    /// as the spec declares. Runs inside a `sailpoint.request` tracing span
    /// (operation, method, status, attempt; never credentials).
    pub async fn execute<B>(&self, request: Request<B>) -> Result<Response<B>, Error<B>> {
        let operation_id = request.operation_id;
        if let Some(message) = request.problem {
            return Err(Error::Request(RequestError { operation_id, message }));
        }
        // The path as the spec writes it: ids and query values only at TRACE.
        let span = tracing::info_span!(
            "sailpoint.request",
            operation = operation_id,
            method = %request.method,
            path = %request.path_template(),
            path_and_query = tracing::field::Empty,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        if tracing::enabled!(tracing::Level::TRACE) {
            span.record("path_and_query", request.path_and_query());
        }
        let result = self.execute_with_retries(request).instrument(span.clone()).await;
        // Each field once, for the whole request (attempts have their spans).
        let (attempts, status) = match &result {
            Ok(response) => (Some(response.attempts), Some(response.status)),
            Err(e) => (e.attempts(), e.status()),
        };
        if let Some(attempts) = attempts {
            span.record("attempts", attempts);
        }
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
        result
    }

    async fn execute_with_retries<B>(&self, request: Request<B>) -> Result<Response<B>, Error<B>> {
        let url = format!("{}{}", self.inner.base_url, request.path_and_query());
        let mut state = Progress { started: Instant::now(), attempt: 0, refreshed: false };
        loop {
            state.attempt += 1;
            let span = tracing::debug_span!("sailpoint.attempt", attempt = state.attempt, status = tracing::field::Empty);
            match self.attempt(&request, &url, &mut state).instrument(span).await {
                Next::Done(result) => return result,
                Next::Again => {}
                Next::Retry(delay) => tokio::time::sleep(delay).await,
            }
        }
    }

    /// One attempt: what it ended with, or how to go on.
    async fn attempt<B>(&self, request: &Request<B>, url: &str, state: &mut Progress) -> Next<B> {
        let operation_id = request.operation_id;
        let (attempt, started) = (state.attempt, state.started);
        // The wait before the next attempt, when the policy allows one.
        let retry = |failure: Failure, retry_after: Option<Duration>| {
            if RetryPolicy::retryable(&request.method, failure) {
                self.inner.retry.delay(attempt, started, retry_after)
            } else {
                None
            }
        };
        let token = match self.inner.auth.token().await {
            Ok(token) => token,
            Err(source) => match source.into_transport() {
                // Fetching a token is safe to repeat, whatever failed on the wire.
                Ok(source) => {
                    if let Some(delay) = retry(Failure::Connect, None) {
                        tracing::warn!(error = %ErrorChain(&*source), delay_ms = delay.as_millis() as u64, "token request failed; retrying");
                        return Next::Retry(delay);
                    }
                    return Next::Done(Err(wire_error(operation_id, source, attempt, TransportPhase::FetchingToken, started)));
                }
                Err(source) => return Next::Done(Err(Error::Auth(AuthFailure { operation_id, source, attempts: attempt }))),
            },
        };
        let waited = self.inner.rate_limit.acquire().await;
        if !waited.is_zero() {
            tracing::debug!(waited_ms = waited.as_millis() as u64, "waited for the rate limit");
        }
        let sent = tokio::time::timeout(self.inner.timeout, self.send_once(request, url, &token)).await;
        let response = match sent {
            Ok(Ok(response)) => response,
            Ok(Err(source)) => {
                let failure = if source.is_connect() { Failure::Connect } else { Failure::Transport };
                if let Some(delay) = retry(failure, None) {
                    tracing::warn!(error = %ErrorChain(&source), delay_ms = delay.as_millis() as u64, "request failed; retrying");
                    return Next::Retry(delay);
                }
                return Next::Done(Err(wire_error(operation_id, source, attempt, TransportPhase::Sending, started)));
            }
            Err(_) => {
                if let Some(delay) = retry(Failure::Transport, None) {
                    tracing::warn!(delay_ms = delay.as_millis() as u64, "no response in time; retrying");
                    return Next::Retry(delay);
                }
                let waiting_for = format!(
                    "waiting for the response headers ({} of at most {:.1} s each)",
                    Attempts(attempt),
                    self.inner.timeout.as_secs_f64()
                );
                let timeout = TimeoutError { operation_id, after: started.elapsed(), attempts: attempt, waiting_for };
                return Next::Done(Err(Error::Timeout(timeout)));
            }
        };
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        if status.is_success() && !read_eagerly(request, &response) {
            let headers = response.headers().clone();
            let body = Body::Unread(response);
            return Next::Done(Ok(Response { operation_id, status, headers, body, attempts: attempt, _error: PhantomData }));
        }
        if status == reqwest::StatusCode::UNAUTHORIZED && !state.refreshed && self.inner.auth.invalidate(&token) {
            state.refreshed = true;
            tracing::info!("401: refreshing the access token and retrying once");
            drain(response).await;
            return Next::Again;
        }
        let retry_after = retry_after(response.headers(), SystemTime::now());
        if !status.is_success() {
            if let Some(delay) = retry(Failure::Status(status), retry_after) {
                tracing::warn!(status = status.as_u16(), delay_ms = delay.as_millis() as u64, "retrying");
                drain(response).await;
                return Next::Retry(delay);
            }
        }
        // Read the body here, so that one cut short is retried (when the
        // method is safe to repeat) like any other transport failure.
        let headers = response.headers().clone();
        let (reading, response_url) = (Instant::now(), response.url().clone());
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(source) => {
                if let Some(delay) = retry(Failure::Transport, None) {
                    tracing::warn!(error = %ErrorChain(&source), delay_ms = delay.as_millis() as u64, "response body cut short; retrying");
                    return Next::Retry(delay);
                }
                return Next::Done(Err(read_error(operation_id, source.with_url(response_url), attempt, reading)));
            }
        };
        if status.is_success() {
            return Next::Done(Ok(Response { operation_id, status, headers, body: Body::Read(body), attempts: attempt, _error: PhantomData }));
        }
        Next::Done(Err(api_error(request, status, headers, body, retry_after, attempt)))
    }

    async fn send_once<B>(&self, request: &Request<B>, url: &str, token: &SecretString) -> reqwest::Result<reqwest::Response> {
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .headers(request.headers.clone())
            .header(ACCEPT, request.accept);
        match HeaderValue::from_str(&format!("Bearer {}", token.expose())) {
            Ok(mut authorization) => {
                // Keeps the value out of HTTP/2 header tables and debug output.
                authorization.set_sensitive(true);
                builder = builder.header(AUTHORIZATION, authorization);
            }
            Err(_) => tracing::error!("the access token contains characters not allowed in a header; sent without it"),
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        builder.send().await
    }
}

/// Where a request's attempts stand.
struct Progress {
    started: Instant,
    attempt: u32,
    /// The token was refreshed after a 401 (once per request).
    refreshed: bool,
}

/// How an attempt ended. Returned once per attempt and matched at once, so
/// the size of `Done` costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
enum Next<B> {
    Done(Result<Response<B>, Error<B>>),
    /// Wait, then try again.
    Retry(Duration),
    /// Try again at once (a refreshed token).
    Again,
}

/// Read what is left of a response we are not going to use, so the
/// connection goes back to the pool (bounded: a large body is dropped).
async fn drain(response: reqwest::Response) {
    if response.content_length().is_some_and(|n| n <= 64 * 1024) {
        let _ = response.bytes().await;
    }
}

fn api_error<B>(
    request: &Request<B>,
    status: reqwest::StatusCode,
    headers: HeaderMap,
    body: Bytes,
    retry_after: Option<Duration>,
    attempts: u32,
) -> Error<B> {
    let facts = error_facts(&body);
    Error::Api(Box::new(ApiError {
        operation_id: request.operation_id,
        status,
        body: (request.decode_error)(status.as_u16(), &body).ok(),
        body_excerpt: excerpt(&body, 512),
        raw_body: body,
        tracking_id: facts.tracking_id,
        detail_code: facts.detail_code,
        message: facts.message,
        retry_after,
        attempts,
        headers,
    }))
}

/// Whether to read a success body inside the retry loop: everything but
/// downloads (bodies that are neither JSON nor text, for operations that
/// do not expect JSON) is, so that a body cut short can be retried.
fn read_eagerly<B>(request: &Request<B>, response: &reqwest::Response) -> bool {
    if request.accept == "application/json" {
        return true;
    }
    let content_type = response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence.starts_with("text/") || essence == "application/json" || essence.ends_with("+json")
}

/// A failure on the wire: [`Error::Timeout`] for timeouts, else
/// [`Error::Transport`].
pub(crate) fn wire_error<B>(
    operation_id: &'static str,
    source: impl Into<Arc<reqwest::Error>>,
    attempts: u32,
    phase: TransportPhase,
    started: Instant,
) -> Error<B> {
    let source = source.into();
    if source.is_timeout() {
        let doing = match phase {
            TransportPhase::Sending => "waiting for the response",
            TransportPhase::ReadingBody => "reading the response body",
            TransportPhase::FetchingToken => "fetching an access token",
        };
        let waiting_for = format!("{doing} (after {})", Attempts(attempts));
        return Error::Timeout(TimeoutError { operation_id, after: started.elapsed(), attempts, waiting_for });
    }
    Error::Transport(TransportError::new(operation_id, source, attempts, phase))
}

/// A response body that could not be read.
pub(crate) fn read_error<B>(operation_id: &'static str, source: reqwest::Error, attempts: u32, started: Instant) -> Error<B> {
    wire_error(operation_id, source, attempts, TransportPhase::ReadingBody, started)
}

/// An error and its causes on one line (for logs).
struct ErrorChain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_chain(f, self.0)
    }
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Builder for [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    auth: Option<Credentials>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    rate_limit: Option<RateLimit>,
}

enum Credentials {
    Token(SecretString),
    OAuth { client_id: String, client_secret: SecretString },
    Provider(Arc<dyn TokenProvider>),
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            None => "none".to_owned(),
            Some(Credentials::Token(_)) => "access token <redacted>".to_owned(),
            Some(Credentials::OAuth { client_id, .. }) => format!("client credentials for {client_id}, secret <redacted>"),
            Some(Credentials::Provider(p)) => format!("{p:?}"),
        };
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &auth)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("read_timeout", &self.read_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The tenant's API base URL, e.g. `https://acme.api.identitynow.com`.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = Some(url.as_ref().to_owned());
        self
    }

    /// Shorthand for `base_url("https://{tenant}.api.identitynow.com")`.
    pub fn tenant(self, tenant: &str) -> Self {
        self.base_url(format!("https://{tenant}.api.identitynow.com"))
    }

    /// A fixed bearer token (never refreshed).
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = Some(Credentials::Token(token.into()));
        self
    }

    /// OAuth2 client credentials, exchanged at `{base_url}/oauth/token`;
    /// the token is cached and refreshed before it expires.
    pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        self.auth = Some(Credentials::OAuth { client_id: client_id.into(), client_secret: client_secret.into() });
        self
    }

    /// Any other way of getting tokens.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.auth = Some(Credentials::Provider(provider));
        self
    }

    /// Take the base URL and credentials from `SAIL_BASE_URL` and either
    /// `SAIL_CLIENT_ID` + `SAIL_CLIENT_SECRET` or `SAIL_ACCESS_TOKEN`.
    pub fn with_env(self) -> Result<Self, ConfigError> {
        self.with_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    fn with_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let base_url = lookup(ENV_BASE_URL);
        let client = (lookup(ENV_CLIENT_ID), lookup(ENV_CLIENT_SECRET));
        let token = lookup(ENV_ACCESS_TOKEN);
        let mut missing = Vec::new();
        if base_url.is_none() {
            missing.push(ENV_BASE_URL.to_owned());
        }
        match (client, token) {
            ((Some(id), Some(secret)), _) => self = self.client_credentials(id, secret),
            (_, Some(token)) => self = self.access_token(token),
            ((Some(_), None), None) => missing.push(ENV_CLIENT_SECRET.to_owned()),
            ((None, Some(_)), None) => missing.push(ENV_CLIENT_ID.to_owned()),
            ((None, None), None) => {
                missing.push(format!("{ENV_CLIENT_ID} and {ENV_CLIENT_SECRET} (or {ENV_ACCESS_TOKEN})"))
            }
        }
        if !missing.is_empty() {
            return Err(ConfigError::MissingEnv(format!("set {}", missing.join(", "))));
        }
        Ok(self.base_url(base_url.unwrap_or_default()))
    }

    /// Retry settings; [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The client-side request budget. By default each built client gets
    /// SailPoint's documented budget, [`RateLimit::sailpoint_default`] (100
    /// requests per 10 s per access token), shared by all its clones; pass
    /// another [`RateLimit`] (the same one to several builders to share it),
    /// or `None` / [`RateLimit::disabled`] to send without waiting.
    pub fn rate_limit(mut self, limit: impl Into<Option<RateLimit>>) -> Self {
        self.rate_limit = Some(limit.into().unwrap_or_else(RateLimit::disabled));
        self
    }

    /// Replace the default user agent (`<crate>/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Time allowed from sending a request until its response headers
    /// arrive, per attempt (default 120 s). Reading the body is bounded by
    /// [`Self::read_timeout`] instead, so a long download that keeps
    /// arriving is never cut off.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Longest silence while reading a response (default 60 s). Ignored with
    /// [`Self::http_client`].
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Connection timeout (default 10 s). Ignored with [`Self::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Use your own `reqwest::Client` (proxies, custom TLS roots, ...).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Check the configuration and build the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        let base_url = normalize_base_url(self.base_url.as_deref().ok_or(ConfigError::MissingBaseUrl)?)?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(self.user_agent.unwrap_or_else(|| USER_AGENT.to_owned()))
                .read_timeout(self.read_timeout.unwrap_or(Duration::from_secs(60)))
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                .build()
                .map_err(ConfigError::Http)?,
        };
        let auth: Arc<dyn TokenProvider> = match self.auth.ok_or(ConfigError::MissingToken)? {
            Credentials::Token(token) => Arc::new(StaticToken(token)),
            Credentials::OAuth { client_id, client_secret } => Arc::new(
                ClientCredentials::new(format!("{base_url}/oauth/token"), client_id, client_secret).with_http_client(http.clone()),
            ),
            Credentials::Provider(provider) => provider,
        };
        let retry = self.retry.unwrap_or_default();
        let timeout = self.timeout.unwrap_or(Duration::from_secs(120));
        let rate_limit = self.rate_limit.unwrap_or_default();
        Ok(Client { inner: Arc::new(Inner { http, base_url, auth, retry, timeout, rate_limit }) })
    }
}

fn normalize_base_url(raw: &str) -> Result<String, ConfigError> {
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| ConfigError::InvalidBaseUrl(format!("{raw:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::InvalidBaseUrl(format!("{raw:?}: the scheme must be http or https")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::InvalidBaseUrl(format!("{raw:?}: must not have a query or fragment")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::InvalidBaseUrl("credentials belong in the token, not in the URL".into()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalized() {
        assert_eq!(normalize_base_url("https://acme.api.identitynow.com/").unwrap(), "https://acme.api.identitynow.com");
        assert_eq!(normalize_base_url("http://127.0.0.1:8080/proxy/").unwrap(), "http://127.0.0.1:8080/proxy");
        for bad in ["acme", "ftp://x", "https://x/?a=b", "https://user:pw@x"] {
            assert!(normalize_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_the_token() {
        let client = Client::new("https://acme.api.identitynow.com", "s3cr3t-token").unwrap();
        let shown = format!("{client:?} {:?}", Client::builder().access_token("s3cr3t-token"));
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("acme.api.identitynow.com"));
    }

    #[test]
    fn environment_lookup_names_what_is_missing() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
        };
        let message = |pairs| Client::builder().with_lookup(env(pairs)).unwrap_err().to_string();
        assert_eq!(message(&[]), "incomplete environment: set SAIL_BASE_URL, SAIL_CLIENT_ID and SAIL_CLIENT_SECRET (or SAIL_ACCESS_TOKEN)");
        assert_eq!(message(&[("SAIL_BASE_URL", "https://a"), ("SAIL_CLIENT_ID", "id")]), "incomplete environment: set SAIL_CLIENT_SECRET");
        let built = Client::builder()
            .with_lookup(env(&[("SAIL_BASE_URL", "https://acme.api.identitynow.com"), ("SAIL_CLIENT_ID", "id"), ("SAIL_CLIENT_SECRET", "shh-secret")]))
            .unwrap()
            .build()
            .unwrap();
        let shown = format!("{built:?}");
        assert!(shown.contains("https://acme.api.identitynow.com/oauth/token") && !shown.contains("shh-secret"), "{shown}");
        let built = Client::builder().with_lookup(env(&[("SAIL_BASE_URL", "https://a"), ("SAIL_ACCESS_TOKEN", "tok-123")])).unwrap().build().unwrap();
        assert!(!format!("{built:?}").contains("tok-123"));
    }

    #[test]
    fn missing_settings_are_named() {
        assert!(matches!(Client::builder().access_token("t").build(), Err(ConfigError::MissingBaseUrl)));
        assert!(matches!(Client::builder().tenant("acme").build(), Err(ConfigError::MissingToken)));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }
}
