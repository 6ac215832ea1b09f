use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;

use super::params::ParamValue;

/// Everything but RFC 3986 "unreserved" characters is percent-encoded, so a
/// parameter value can never add a path segment, a query or a fragment.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Decodes an error body for one operation: maps the status to the type the
/// spec declares for it (generated per operation).
pub type ErrorDecoder<B> = fn(u16, &[u8]) -> Result<B, serde_json::Error>;

/// A request under construction. Generated operations build one and hand it
/// to [`Client::execute`](super::Client::execute); users rarely need it.
pub struct Request<B> {
    pub(crate) method: Method,
    pub(crate) operation_id: &'static str,
    pub(crate) base_path: &'static str,
    /// The path as the spec writes it, `{name}` placeholders unfilled.
    pub(crate) path_template: &'static str,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) accept: &'static str,
    /// The first problem met while building; reported by `execute`.
    pub(crate) problem: Option<String>,
    pub(crate) decode_error: ErrorDecoder<B>,
}

impl<B> Request<B> {
    /// Start a request for `operation_id` to `base_path` + `path_template`
    /// (with `{name}` placeholders filled by [`Request::path_param`]).
    pub fn new(
        method: Method,
        operation_id: &'static str,
        base_path: &'static str,
        path_template: &'static str,
        decode_error: ErrorDecoder<B>,
    ) -> Self {
        Request {
            method,
            operation_id,
            base_path,
            path_template,
            path: path_template.to_owned(),
            query: String::new(),
            headers: HeaderMap::new(),
            body: None,
            accept: "application/json",
            problem: None,
            decode_error,
        }
    }

    fn fail(&mut self, message: String) {
        self.problem.get_or_insert(message);
    }

    /// Fill the `{name}` placeholder with the percent-encoded value. Values
    /// that would change the path's shape (empty, `.`, `..`) are rejected.
    pub fn path_param<T: ParamValue + ?Sized>(&mut self, name: &str, value: &T) {
        let raw = value.to_param();
        if raw.is_empty() || raw == "." || raw == ".." {
            self.fail(format!("path parameter `{name}` must not be {raw:?}"));
            return;
        }
        let encoded = percent_encoding::utf8_percent_encode(&raw, COMPONENT).to_string();
        self.path = self.path.replace(&format!("{{{name}}}"), &encoded);
    }

    /// Add `name=value` to the query string; `None` adds nothing.
    pub fn query<T: ParamValue + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        if let Some(value) = value {
            self.push_query(name, &value.to_param());
        }
    }

    /// Add a list: `a=1&a=2` when `explode`, else `a=1,2`.
    pub fn query_list<T: ParamValue>(&mut self, name: &str, values: Option<&[T]>, explode: bool) {
        let Some(values) = values else { return };
        if explode {
            for value in values {
                self.push_query(name, &value.to_param());
            }
        } else {
            self.query_delimited(name, Some(values), ",");
        }
    }

    /// Add a list as one value joined by `delimiter` (`spaceDelimited` and
    /// `pipeDelimited` styles); the delimiter is percent-encoded like the
    /// values.
    pub fn query_delimited<T: ParamValue>(&mut self, name: &str, values: Option<&[T]>, delimiter: &str) {
        let Some(values) = values else { return };
        let joined: Vec<String> = values.iter().map(ParamValue::to_param).collect();
        self.push_query(name, &joined.join(delimiter));
    }

    fn push_query(&mut self, name: &str, value: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.extend(percent_encoding::utf8_percent_encode(name, COMPONENT));
        self.query.push('=');
        self.query.extend(percent_encoding::utf8_percent_encode(value, COMPONENT));
    }

    /// Set a header; `None` sets nothing.
    pub fn header<T: ParamValue + ?Sized>(&mut self, name: &'static str, value: Option<&T>) {
        let Some(value) = value else { return };
        // `from_bytes` lowercases: specs spell header names in any case.
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value.to_param())) {
            (Ok(n), Ok(v)) => {
                self.headers.insert(n, v);
            }
            _ => self.fail(format!("header `{name}` has a name or value that is not valid in HTTP")),
        }
    }

    /// Add `name=value` to the `Cookie` header; `None` adds nothing.
    pub fn cookie<T: ParamValue + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        let Some(value) = value else { return };
        let pair = format!(
            "{}={}",
            percent_encoding::utf8_percent_encode(name, COMPONENT),
            percent_encoding::utf8_percent_encode(&value.to_param(), COMPONENT)
        );
        let cookie = match self.headers.get(reqwest::header::COOKIE).and_then(|v| v.to_str().ok()) {
            Some(existing) => format!("{existing}; {pair}"),
            None => pair,
        };
        match HeaderValue::from_str(&cookie) {
            Ok(v) => {
                self.headers.insert(reqwest::header::COOKIE, v);
            }
            Err(_) => self.fail(format!("cookie `{name}` cannot be sent")),
        }
    }

    /// A JSON body with the given content type.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, content_type: &'static str, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.set_body(content_type, bytes.into()),
            Err(e) => self.fail(format!("the request body cannot be serialized: {e}")),
        }
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form_body<T: Serialize + ?Sized>(&mut self, content_type: &'static str, body: &T) {
        match serde_urlencoded::to_string(body) {
            Ok(text) => self.set_body(content_type, text.into()),
            Err(e) => self.fail(format!("the request body cannot be form-encoded: {e}")),
        }
    }

    /// A multipart body (`multipart/form-data` or another `multipart/*` type).
    pub fn multipart_body(&mut self, content_type: &'static str, form: &super::multipart::Multipart) {
        let boundary = format!("sailpoint-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let content_type = format!("{content_type}; boundary={boundary}");
        match HeaderValue::from_str(&content_type) {
            Ok(v) => {
                self.headers.insert(reqwest::header::CONTENT_TYPE, v);
                self.body = Some(form.encode(&boundary));
            }
            Err(_) => self.fail("cannot build the multipart content type".into()),
        }
    }

    /// A raw body (binary or text).
    pub fn raw_body(&mut self, content_type: &'static str, body: impl Into<Bytes>) {
        self.set_body(content_type, body.into());
    }

    fn set_body(&mut self, content_type: &'static str, body: Bytes) {
        self.headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        self.body = Some(body);
    }

    /// The `Accept` header (JSON unless the operation returns something else).
    pub fn accept(&mut self, accept: &'static str) {
        self.accept = accept;
    }

    /// The operation id, e.g. `getRoleMiningSessions`.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The base path and the path as the spec writes it, placeholders
    /// unfilled (`/beta/role-mining-sessions/{sessionId}`): what tracing
    /// records, so ids and query values stay out of logs above TRACE.
    pub fn path_template(&self) -> String {
        format!("{}{}", self.base_path, self.path_template)
    }

    /// The path with parameters filled and encoded, plus the query string.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            format!("{}{}", self.base_path, self.path)
        } else {
            format!("{}{}?{}", self.base_path, self.path, self.query)
        }
    }
}

impl<B> std::fmt::Debug for Request<B> {
    /// Method, operation, path, header names (not values: they may carry
    /// secrets) and body size.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<&str> = self.headers.keys().map(|k| k.as_str()).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("operation_id", &self.operation_id)
            .field("path", &self.path_and_query())
            .field("headers", &headers)
            .field("body_bytes", &self.body.as_ref().map(|b| b.len()))
            .field("accept", &self.accept)
            .field("problem", &self.problem)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request<()> {
        Request::new(Method::GET, "op", "/beta", "/sessions/{sessionId}/roles/{roleId}", |_, _| Ok(()))
    }

    #[test]
    fn path_parameters_are_one_encoded_segment() {
        let mut r = request();
        r.path_param("sessionId", "../x?y#z");
        r.path_param("roleId", "a b/ü");
        assert_eq!(r.path_and_query(), "/beta/sessions/..%2Fx%3Fy%23z/roles/a%20b%2F%C3%BC");
        assert_eq!(r.path_template(), "/beta/sessions/{sessionId}/roles/{roleId}");
        assert!(r.problem.is_none());
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        for bad in ["", ".", ".."] {
            let mut r = request();
            r.path_param("sessionId", bad);
            assert!(r.problem.as_deref().unwrap().contains("sessionId"), "{bad:?}");
        }
    }

    #[test]
    fn query_strings_encode_and_skip_none() {
        let mut r = request();
        r.query("filters", Some("name sw \"RM&x\""));
        r.query::<i32>("offset", None);
        r.query("limit", Some(&250));
        r.query("count", Some(&true));
        r.query_list("ids", Some(&["a", "b"][..]), true);
        r.query_list("tags", Some(&["c", "d"][..]), false);
        r.query_delimited("words", Some(&["e", "f"][..]), " ");
        r.query_delimited("pipes", Some(&["g", "h"][..]), "|");
        r.query_delimited::<&str>("none", None, "|");
        assert_eq!(
            r.query,
            "filters=name%20sw%20%22RM%26x%22&limit=250&count=true&ids=a&ids=b&tags=c%2Cd&words=e%20f&pipes=g%7Ch"
        );
    }

    #[test]
    fn headers_and_bodies() {
        let mut r = request();
        r.header("X-SailPoint-Experimental", Some("true"));
        r.json_body("application/json-patch+json", &serde_json::json!([{"op": "remove", "path": "/name"}]));
        assert_eq!(r.headers["x-sailpoint-experimental"], "true");
        assert_eq!(r.headers["content-type"], "application/json-patch+json");
        assert_eq!(r.body.as_deref(), Some(&br#"[{"op":"remove","path":"/name"}]"#[..]));
        let shown = format!("{r:?}");
        assert!(shown.contains("x-sailpoint-experimental") && !shown.contains("true\"") && shown.contains("Some(32)"), "{shown}");
        r.header("X-Bad", Some("line\nbreak"));
        assert!(r.problem.is_some());
    }
}
