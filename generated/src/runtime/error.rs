use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// Everything an operation can fail with.
///
/// `B` is the API's typed error body (the generated `ErrorBody` enum of each
/// API module, which names it `Error`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<B> {
    /// The server answered with a status the operation does not treat as
    /// success. Carries the decoded body when it matched the spec.
    Api(Box<ApiError<B>>),
    /// A success response whose body does not match the spec.
    Decode(Box<DecodeError>),
    /// The request could not be sent or the response not read.
    Transport(TransportError),
    /// The request could not be built from the arguments given.
    Request(RequestError),
    /// No access token could be obtained.
    Auth(AuthFailure),
    /// The request, or a wait for a server-side job, took too long.
    Timeout(TimeoutError),
    /// Writing a download to its destination failed.
    Io(IoError),
    /// A server-side job (e.g. an export) reported failure or an unusable state.
    Job(JobError),
}

impl<B> Error<B> {
    /// The HTTP status, for API errors and decode errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The operation that failed.
    pub fn operation_id(&self) -> &'static str {
        match self {
            Error::Api(e) => e.operation_id,
            Error::Decode(e) => e.operation_id,
            Error::Transport(e) => e.operation_id,
            Error::Request(e) => e.operation_id,
            Error::Auth(e) => e.operation_id,
            Error::Timeout(e) => e.operation_id,
            Error::Io(e) => e.operation_id,
            Error::Job(e) => e.operation_id,
        }
    }

    /// How long the server asked us to wait before trying again (429, 503).
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_api().and_then(|e| e.retry_after)
    }

    /// Attempts made, retries included: `Some(0)` for a request that was
    /// never sent; `None` for failures after the request (writing a
    /// download, a job the server reports as failed).
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts),
            Error::Decode(e) => Some(e.attempts),
            Error::Transport(e) => Some(e.attempts),
            Error::Request(_) => Some(0),
            Error::Auth(e) => Some(e.attempts),
            Error::Timeout(e) => Some(e.attempts),
            Error::Io(_) | Error::Job(_) => None,
        }
    }

    /// The whole body of the response that failed (an error status, or a
    /// success body that did not decode), whatever the spec declares for it.
    pub fn raw_body(&self) -> Option<&Bytes> {
        match self {
            Error::Api(e) => Some(&e.raw_body),
            Error::Decode(e) => Some(&e.raw_body),
            _ => None,
        }
    }

    /// [`Self::raw_body`] as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> Option<String> {
        self.raw_body().map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// The API error, if the server answered with an error status.
    pub fn as_api(&self) -> Option<&ApiError<B>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

impl<B> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Request(e) => e.fmt(f),
            Error::Auth(e) => e.fmt(f),
            Error::Timeout(e) => e.fmt(f),
            Error::Io(e) => e.fmt(f),
            Error::Job(e) => e.fmt(f),
        }
    }
}

impl<B: fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(&*e.source),
            Error::Decode(e) => Some(&e.source),
            Error::Auth(e) => Some(&e.source),
            Error::Io(e) => Some(&e.source),
            _ => None,
        }
    }
}

/// An error status from the server.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<B> {
    /// The operation that failed, e.g. `getRoleMiningSessions`.
    pub operation_id: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The body decoded into the type the spec declares for this status;
    /// `None` when it was empty or did not match (see `raw_body`).
    pub body: Option<B>,
    /// The start of the raw body, for diagnostics.
    pub body_excerpt: String,
    /// The whole body as received, whether or not it matched the spec
    /// (see also [`ApiError::text`]).
    pub raw_body: Bytes,
    /// The server's tracking id for this failure, when it sent one.
    pub tracking_id: Option<String>,
    /// A fine-grained error code (`detailCode`), when the server sent one.
    pub detail_code: Option<String>,
    /// The first human-readable message found in the body.
    pub message: Option<String>,
    /// How long the server asked us to wait (`Retry-After`), if it did.
    pub retry_after: Option<Duration>,
    /// Attempts made, retries included.
    pub attempts: u32,
    /// All response headers.
    pub headers: HeaderMap,
}

impl<B> ApiError<B> {
    /// The whole body as text (invalid UTF-8 replaced), whatever its type.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw_body).into_owned()
    }
}

impl<B> fmt::Display for ApiError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with HTTP {} after {}", self.operation_id, self.status, Attempts(self.attempts))?;
        if let Some(code) = &self.detail_code {
            write!(f, " [{code}]")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.tracking_id {
            write!(f, " (trackingId {id})")?;
        }
        Ok(())
    }
}

/// A success response whose body is not what the spec says.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation whose response did not decode.
    pub operation_id: &'static str,
    /// The (success) status of the response.
    pub status: StatusCode,
    /// Path of the offending field, e.g. `[3].createdDate` (`.` for the root).
    pub path: String,
    /// The start of the raw body.
    pub body_excerpt: String,
    /// The whole body as received.
    pub raw_body: Bytes,
    /// What serde reported.
    pub source: serde_json::Error,
    /// Attempts made, retries included.
    pub attempts: u32,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: could not decode the response body (HTTP {}, after {}) at `{}`: {}",
            self.operation_id,
            self.status,
            Attempts(self.attempts),
            self.path,
            self.source
        )
    }
}

/// The request could not be sent or its response not read, or the token
/// endpoint could not be reached ([`TransportError::phase`] says which).
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// The operation being sent.
    pub operation_id: &'static str,
    /// The underlying HTTP error (shared: callers waiting for one token
    /// fetch all get the error it ended with).
    pub source: Arc<reqwest::Error>,
    /// Attempts made, retries included.
    pub attempts: u32,
    /// What the client was doing when it failed.
    pub phase: TransportPhase,
}

/// When a [`TransportError`] happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportPhase {
    /// Sending the request or waiting for the response headers.
    Sending,
    /// Reading the response body.
    ReadingBody,
    /// Fetching an access token from the token endpoint.
    FetchingToken,
}

/// What went wrong on the wire, found by walking an error's `source()` chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// Nothing listens at the address (the server cannot have acted).
    ConnectionRefused,
    /// The connection was reset or closed before the response was complete.
    ConnectionReset,
    /// The response body ended before its announced length.
    IncompleteBody,
    /// TLS failed (handshake, certificate, or a peer not speaking TLS).
    Tls,
    /// The host name could not be resolved.
    Dns,
    /// A connect, read or request timeout.
    Timeout,
    /// The connection could not be made for another reason.
    Connect,
    /// Anything else (an invalid URL, a redirect loop, ...).
    Other,
}

impl TransportKind {
    /// Classify `error` by its whole `source()` chain.
    pub fn of(error: &(dyn std::error::Error + 'static)) -> TransportKind {
        let mut found = None;
        let mut timeout = false;
        let mut connect = false;
        let mut next = Some(error);
        while let Some(e) = next {
            if let Some(r) = e.downcast_ref::<reqwest::Error>() {
                timeout |= r.is_timeout();
                connect |= r.is_connect();
            }
            let text = e.to_string().to_ascii_lowercase();
            let by_kind = e.downcast_ref::<std::io::Error>().and_then(|io| match io.kind() {
                std::io::ErrorKind::ConnectionRefused => Some(TransportKind::ConnectionRefused),
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe => Some(TransportKind::ConnectionReset),
                std::io::ErrorKind::UnexpectedEof => Some(TransportKind::IncompleteBody),
                std::io::ErrorKind::TimedOut => Some(TransportKind::Timeout),
                _ => None,
            });
            let by_text = if text.contains("end of file before message length reached") || text.contains("incomplete body") {
                Some(TransportKind::IncompleteBody)
            } else if text.contains("connection closed before message completed") || text.contains("connection reset") {
                Some(TransportKind::ConnectionReset)
            } else if TLS_WORDS.iter().any(|w| text.contains(w)) {
                Some(TransportKind::Tls)
            } else if text.contains("dns error") || text.contains("failed to lookup address") {
                Some(TransportKind::Dns)
            } else if text.contains("timed out") || text.contains("deadline has elapsed") {
                Some(TransportKind::Timeout)
            } else {
                None
            };
            // The deepest specific cause wins.
            found = by_kind.or(by_text).or(found);
            next = e.source();
        }
        match found {
            Some(kind) => kind,
            None if timeout => TransportKind::Timeout,
            None if connect => TransportKind::Connect,
            None => TransportKind::Other,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            TransportKind::ConnectionRefused => "connection refused",
            TransportKind::ConnectionReset => "connection reset or closed by the server",
            TransportKind::IncompleteBody => "incomplete body: the response ended before its announced length",
            TransportKind::Tls => "TLS error",
            TransportKind::Dns => "DNS lookup failed",
            TransportKind::Timeout => "timed out",
            TransportKind::Connect => "could not connect",
            TransportKind::Other => "request failed",
        }
    }
}

/// Words in rustls' and hyper's TLS error messages.
const TLS_WORDS: &[&str] =
    &["tls", "certificate", "handshake", "corrupt message", "fatal alert", "peer is incompatible", "peer misbehaved"];

impl TransportError {
    pub(crate) fn new(operation_id: &'static str, source: impl Into<Arc<reqwest::Error>>, attempts: u32, phase: TransportPhase) -> Self {
        TransportError { operation_id, source: source.into(), attempts, phase }
    }

    /// What went wrong, from the whole chain of causes.
    pub fn kind(&self) -> TransportKind {
        TransportKind::of(&*self.source)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never credentials: reqwest's messages name the URL, ours carry
        // tokens only in headers.
        write!(f, "{}: {}", self.operation_id, self.kind().describe())?;
        match self.phase {
            TransportPhase::Sending => {}
            TransportPhase::ReadingBody => f.write_str(" while reading the response body")?,
            TransportPhase::FetchingToken => f.write_str(" while fetching an access token")?,
        }
        write!(f, " after {}", Attempts(self.attempts))?;
        if let Some(url) = self.source.url() {
            write!(f, " ({})", url.as_str())?;
        }
        f.write_str(": ")?;
        write_chain(f, &*self.source)
    }
}

/// Every message of an error's `source()` chain on one line, joined by
/// `: `, skipping ones that repeat what the previous one said.
pub(crate) fn write_chain(f: &mut fmt::Formatter<'_>, error: &(dyn std::error::Error + 'static)) -> fmt::Result {
    let mut previous = String::new();
    let mut first = true;
    let mut next = Some(error);
    while let Some(e) = next {
        let mut text = single_line(&e.to_string());
        if let Some(r) = e.downcast_ref::<reqwest::Error>() {
            // reqwest appends ` for url (...)`: the URL is shown once already.
            if let Some(url) = r.url() {
                text = text.replace(&format!(" for url ({})", url.as_str()), "");
            }
        }
        if !text.is_empty() && !previous.contains(&text) {
            if !first {
                f.write_str(": ")?;
            }
            f.write_str(&text)?;
            first = false;
        }
        previous = text;
        next = e.source();
    }
    Ok(())
}

fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `1 attempt`, `3 attempts`.
pub(crate) struct Attempts(pub u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 attempt"),
            n => write!(f, "{n} attempts"),
        }
    }
}

/// The arguments could not be turned into a request.
#[derive(Debug)]
#[non_exhaustive]
pub struct RequestError {
    /// The operation being built.
    pub operation_id: &'static str,
    /// What is wrong with the arguments.
    pub message: String,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: invalid request, not sent: {}", self.operation_id, self.message)
    }
}

/// No access token could be obtained for the request.
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthFailure {
    /// The operation that needed the token.
    pub operation_id: &'static str,
    /// What the token provider reported.
    pub source: super::auth::AuthError,
    /// Attempts made, retries included.
    pub attempts: u32,
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: no access token after {}: {}", self.operation_id, Attempts(self.attempts), self.source)
    }
}

/// Something took longer than allowed.
#[derive(Debug)]
#[non_exhaustive]
pub struct TimeoutError {
    /// The operation that timed out (or whose job was waited for).
    pub operation_id: &'static str,
    /// How long it ran.
    pub after: Duration,
    /// Attempts made (requests), or status checks made (waits for a job).
    pub attempts: u32,
    /// What was being waited for, e.g. `waiting for the response headers`
    /// or `waiting for export 42 (last status IN_PROGRESS)`.
    pub waiting_for: String,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: timed out after {:.1} s {}", self.operation_id, self.after.as_secs_f64(), self.waiting_for)
    }
}

/// A download could not be written out.
#[derive(Debug)]
#[non_exhaustive]
pub struct IoError {
    /// The download's operation.
    pub operation_id: &'static str,
    /// The I/O error.
    pub source: std::io::Error,
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: writing the download failed: ", self.operation_id)?;
        write_chain(f, &self.source)
    }
}

/// A server-side job failed or answered with something unusable.
#[derive(Debug)]
#[non_exhaustive]
pub struct JobError {
    /// The operation that reported it.
    pub operation_id: &'static str,
    /// What went wrong.
    pub message: String,
}

impl JobError {
    /// A job error for `operation_id`.
    pub fn new(operation_id: &'static str, message: impl Into<String>) -> Self {
        JobError { operation_id, message: message.into() }
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation_id, self.message)
    }
}

/// The first `limit` characters of a body, lossily decoded.
pub(crate) fn excerpt(body: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(limit * 4)]);
    let mut out: String = text.chars().take(limit).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// Facts most JSON error bodies share, whatever their declared type:
/// SailPoint's `detailCode`, `trackingId` and `messages[].text`, or a plain
/// `error`/`message` field.
pub(crate) struct ErrorFacts {
    pub detail_code: Option<String>,
    pub tracking_id: Option<String>,
    pub message: Option<String>,
}

pub(crate) fn error_facts(body: &[u8]) -> ErrorFacts {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(|s| s.trim().to_owned());
    let message = value
        .get("messages")
        .and_then(|m| m.as_array())
        .and_then(|m| m.iter().find_map(|m| text(m.get("text"))))
        .or_else(|| text(value.get("error")))
        .or_else(|| text(value.get("message")))
        .or_else(|| text(value.get("error_description")));
    ErrorFacts {
        detail_code: text(value.get("detailCode")),
        tracking_id: text(value.get("trackingId")),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_from_a_sailpoint_error_body() {
        let body = br#"{"detailCode":"400.1 Bad Request Content","trackingId":"abc123",
            "messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"name is required"}]}"#;
        let facts = error_facts(body);
        assert_eq!(facts.detail_code.as_deref(), Some("400.1 Bad Request Content"));
        assert_eq!(facts.tracking_id.as_deref(), Some("abc123"));
        assert_eq!(facts.message.as_deref(), Some("name is required"));
        let facts = error_facts(br#"{"error":"JWT validation failed: JWT is expired"}"#);
        assert_eq!(facts.message.as_deref(), Some("JWT validation failed: JWT is expired"));
        assert!(error_facts(b"<html>").message.is_none());
    }

    #[test]
    fn excerpt_is_bounded() {
        assert_eq!(excerpt(b"short", 10), "short");
        assert_eq!(excerpt("ééééé".as_bytes(), 3), "ééé…");
    }

    #[test]
    fn api_error_display_is_one_line() {
        let error: ApiError<()> = ApiError {
            operation_id: "getRoleMiningSession",
            status: StatusCode::NOT_FOUND,
            body: None,
            body_excerpt: String::new(),
            raw_body: Bytes::new(),
            tracking_id: Some("t-1".into()),
            detail_code: Some("404 Not found".into()),
            message: Some("no such session".into()),
            retry_after: None,
            attempts: 1,
            headers: HeaderMap::new(),
        };
        assert_eq!(
            error.to_string(),
            "getRoleMiningSession failed with HTTP 404 Not Found after 1 attempt [404 Not found]: no such session (trackingId t-1)"
        );
    }
}
