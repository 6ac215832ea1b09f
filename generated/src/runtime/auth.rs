//! Where bearer tokens come from: a fixed token, OAuth2 client credentials
//! (cached, refreshed before expiry, one refresh shared by all callers), or
//! any flow of your own through [`TokenProvider`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::secret::SecretString;

/// The future returned by [`TokenProvider::token`].
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<SecretString, AuthError>> + Send + 'a>>;

/// A source of bearer tokens.
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// A token that is valid now. Providers cache; this is called per request.
    fn token(&self) -> TokenFuture<'_>;

    /// The server rejected `token` with 401. Drop it if it is still cached and
    /// return whether asking again can yield a different token (so the
    /// request is worth one retry).
    fn invalidate(&self, token: &SecretString) -> bool {
        let _ = token;
        false
    }
}

/// Why no token could be had.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint answered with an error status.
    Rejected {
        /// HTTP status of the token endpoint.
        status: u16,
        /// `error_description`/`error` from the answer, or its start.
        message: String,
    },
    /// The token endpoint answered, but not with a token.
    InvalidResponse(String),
    /// The token endpoint could not be reached, or its answer not read.
    /// The client reports it as [`Error::Transport`](super::Error::Transport)
    /// (phase [`FetchingToken`](super::TransportPhase::FetchingToken)).
    Transport(reqwest::Error),
    /// The token request made on behalf of several waiting requests failed;
    /// each of them gets its message rather than asking again.
    Shared(String),
    /// [`AuthError::Transport`], shared: every caller that waited for the
    /// failed token request gets the same error.
    SharedTransport(Arc<reqwest::Error>),
}

impl AuthError {
    /// The token endpoint was never reached (connection refused, DNS, ...):
    /// safe to try again later.
    pub fn is_connect(&self) -> bool {
        self.transport().is_some_and(|e| e.is_connect())
    }

    /// The HTTP error, when the token endpoint could not be reached or read.
    pub fn transport(&self) -> Option<&reqwest::Error> {
        match self {
            AuthError::Transport(e) => Some(e),
            AuthError::SharedTransport(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP error, owned (shared), when there is one; else `self`.
    pub(crate) fn into_transport(self) -> Result<Arc<reqwest::Error>, AuthError> {
        match self {
            AuthError::Transport(e) => Ok(Arc::new(e)),
            AuthError::SharedTransport(e) => Ok(e),
            other => Err(other),
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Rejected { status, message } => write!(f, "the token endpoint refused (HTTP {status}): {message}"),
            AuthError::InvalidResponse(why) => write!(f, "the token endpoint sent no usable token: {why}"),
            AuthError::Transport(e) => write!(f, "the token endpoint could not be reached: {e}"),
            AuthError::SharedTransport(e) => write!(f, "the token endpoint could not be reached: {e}"),
            AuthError::Shared(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AuthError::Transport(e) => Some(e),
            AuthError::SharedTransport(e) => Some(&**e),
            _ => None,
        }
    }
}

/// A token obtained elsewhere (e.g. a personal access token's JWT). It is
/// never refreshed: a 401 is returned to the caller as is.
#[derive(Debug, Clone)]
pub struct StaticToken(pub SecretString);

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// OAuth2 client credentials grant against a token URL (SailPoint:
/// `{base}/oauth/token`).
///
/// The token is cached and refreshed shortly before `expires_in` runs out.
/// Concurrent requests that find it expired wait for a single refresh.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: SecretString,
    http: reqwest::Client,
    cached: Mutex<Option<Cached>>,
    /// Held while fetching, so only one fetch runs at a time.
    refresh: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
    /// Fetches finished (either way); bumped while the fetch lock is held.
    finished: AtomicU64,
    /// The last fetch's failure, shared with the callers that waited for it.
    last_failure: Mutex<Option<Failure>>,
}

/// How a fetch failed, in a form every waiting caller can have a copy of.
#[derive(Clone)]
enum Failure {
    Transport(Arc<reqwest::Error>),
    Other(String),
}

struct Cached {
    token: SecretString,
    refresh_at: Instant,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("fetches", &self.fetches.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// Credentials for `token_url`.
    pub fn new(token_url: impl Into<String>, client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            http: reqwest::Client::new(),
            cached: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            finished: AtomicU64::new(0),
            last_failure: Mutex::new(None),
        }
    }

    /// Use this HTTP client for the token endpoint.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// How many tokens have been fetched so far.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn cached(&self) -> Option<SecretString> {
        let cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        cached.as_ref().filter(|c| Instant::now() < c.refresh_at).map(|c| c.token.clone())
    }

    async fn fetch(&self) -> Result<SecretString, AuthError> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        let response = self.http.post(&self.token_url).form(&form).send().await.map_err(AuthError::Transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(AuthError::Transport)?;
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if !status.is_success() {
            let message = ["error_description", "error", "message"]
                .iter()
                .find_map(|k| value.get(k).and_then(|v| v.as_str()).map(str::to_owned))
                .unwrap_or_else(|| super::error::excerpt(&body, 200));
            return Err(AuthError::Rejected { status: status.as_u16(), message });
        }
        let token = value
            .get("access_token")
            .and_then(|v| v.as_str())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| AuthError::InvalidResponse("no `access_token` in the answer".into()))?;
        // Any `expires_in` is accepted; beyond a day we refresh daily anyway.
        let seconds = value.get("expires_in").and_then(|v| v.as_u64()).unwrap_or(300).min(24 * 3600);
        let lifetime = Duration::from_secs(seconds);
        // Refresh early: a fifth of the lifetime, at most a minute, ahead.
        let margin = (lifetime / 5).min(Duration::from_secs(60));
        let now = Instant::now();
        let refresh_at = now.checked_add(lifetime - margin).unwrap_or(now);
        let token = SecretString::new(token);
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        *cached = Some(Cached { token: token.clone(), refresh_at });
        Ok(token)
    }
}

impl TokenProvider for ClientCredentials {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            if let Some(token) = self.cached() {
                return Ok(token);
            }
            let finished_before = self.finished.load(Ordering::Acquire);
            let _only_one_fetch = self.refresh.lock().await;
            // Whoever held the lock before us may have refreshed already...
            if let Some(token) = self.cached() {
                return Ok(token);
            }
            // ...or tried and failed: share that outcome instead of queueing
            // one more request to a failing endpoint per waiting caller.
            if self.finished.load(Ordering::Acquire) != finished_before {
                let failure = self.last_failure.lock().unwrap_or_else(|p| p.into_inner()).clone();
                match failure {
                    Some(Failure::Transport(e)) => return Err(AuthError::SharedTransport(e)),
                    Some(Failure::Other(message)) => return Err(AuthError::Shared(message)),
                    None => {}
                }
            }
            let (result, failure) = match self.fetch().await {
                Ok(token) => (Ok(token), None),
                Err(AuthError::Transport(e)) => {
                    let e = Arc::new(e);
                    (Err(AuthError::SharedTransport(e.clone())), Some(Failure::Transport(e)))
                }
                Err(e) => {
                    let message = e.to_string();
                    (Err(e), Some(Failure::Other(message)))
                }
            };
            *self.last_failure.lock().unwrap_or_else(|p| p.into_inner()) = failure;
            self.finished.fetch_add(1, Ordering::Release);
            result
        })
    }

    fn invalidate(&self, token: &SecretString) -> bool {
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.as_ref().is_some_and(|c| &c.token == token) {
            *cached = None;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let credentials = ClientCredentials::new("https://t/oauth/token", "client-1", "very-secret");
        let shown = format!("{credentials:?}");
        assert!(shown.contains("client-1") && !shown.contains("very-secret"), "{shown}");
    }

    #[test]
    fn invalidate_drops_only_the_rejected_token() {
        let credentials = ClientCredentials::new("https://t/oauth/token", "c", "s");
        let fresh = |token: &str| Cached { token: SecretString::new(token), refresh_at: Instant::now() + Duration::from_secs(60) };
        *credentials.cached.lock().unwrap() = Some(fresh("new"));
        assert!(credentials.invalidate(&SecretString::new("old")));
        assert_eq!(credentials.cached().unwrap().expose(), "new", "a stale 401 must not drop a newer token");
        credentials.invalidate(&SecretString::new("new"));
        assert!(credentials.cached().is_none());
    }
}
