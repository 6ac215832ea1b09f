use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, RETRY_AFTER};

use super::error::{error_facts, excerpt, ApiError, Error, RequestError, TransportError};
use super::request::Request;
use super::response::Response;
use super::secret::SecretString;

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A connection to one tenant: base URL, credentials and the HTTP client.
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
    token: SecretString,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token)
            .finish_non_exhaustive()
    }
}

/// Why a [`Client`] could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// No base URL or tenant was given.
    MissingBaseUrl,
    /// No access token was given.
    MissingToken,
    /// The base URL is not an absolute `http(s)` URL without query or fragment.
    InvalidBaseUrl(String),
    /// The HTTP client could not be created.
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingBaseUrl => f.write_str("no base URL: call `base_url(..)` or `tenant(..)`"),
            ConfigError::MissingToken => f.write_str("no access token: call `access_token(..)`"),
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

    /// Configure timeouts, user agent or your own `reqwest::Client`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Send a request built by a generated operation. A non-success status
    /// becomes [`Error::Api`] with the body decoded as the spec declares.
    pub async fn execute<B>(&self, request: Request<B>) -> Result<Response<B>, Error<B>> {
        let operation_id = request.operation_id;
        if let Some(message) = request.problem {
            return Err(Error::Request(RequestError { operation_id, message }));
        }
        let url = format!("{}{}", self.inner.base_url, request.path_and_query());
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", self.inner.token.expose()))
            .map_err(|_| Error::Request(RequestError {
                operation_id,
                message: "the access token contains characters not allowed in a header".into(),
            }))?;
        // Keeps the value out of HTTP/2 header compression tables and debug output.
        authorization.set_sensitive(true);
        let mut builder = self
            .inner
            .http
            .request(request.method, url)
            .headers(request.headers)
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, request.accept);
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let transport = |source| Error::Transport(TransportError { operation_id, source });
        let response = builder.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport)?;
        if status.is_success() {
            return Ok(Response { operation_id, status, headers, body, _error: PhantomData });
        }
        let facts = error_facts(&body);
        Err(Error::Api(Box::new(ApiError {
            operation_id,
            status,
            body: (request.decode_error)(status.as_u16(), &body).ok(),
            body_excerpt: excerpt(&body, 512),
            tracking_id: facts.tracking_id,
            detail_code: facts.detail_code,
            message: facts.message,
            retry_after: retry_after(&headers, SystemTime::now()),
            headers,
        })))
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
    token: Option<SecretString>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
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

    /// The bearer token sent with every request.
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Replace the default user agent (`<crate>/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Whole-request timeout (default 120 s). Ignored with [`Self::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
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
        let token = self.token.ok_or(ConfigError::MissingToken)?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(self.user_agent.unwrap_or_else(|| USER_AGENT.to_owned()))
                .timeout(self.timeout.unwrap_or(Duration::from_secs(120)))
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                .build()
                .map_err(ConfigError::Http)?,
        };
        Ok(Client { inner: Arc::new(Inner { http, base_url, token }) })
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
