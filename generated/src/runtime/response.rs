use std::marker::PhantomData;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error::{excerpt, DecodeError, Error};

/// A success response, body fully read, waiting to be decoded.
pub struct Response<B> {
    pub(crate) operation_id: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) _error: PhantomData<fn() -> B>,
}

impl<B> Response<B> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Decode a JSON body. An empty body decodes as JSON `null` (so it fits
    /// `Option`, `()` and free-form values). On a mismatch the error names
    /// the path of the offending field.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, Error<B>> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) { b"null" } else { &self.body };
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let decoded = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| (e.path().to_string(), e.into_inner()))
            .and_then(|value| deserializer.end().map(|()| value).map_err(|e| (".".to_owned(), e)));
        decoded.map_err(|(path, source)| {
            Error::Decode(Box::new(DecodeError {
                operation_id: self.operation_id,
                status: self.status,
                path,
                body_excerpt: excerpt(&self.body, 512),
                source,
            }))
        })
    }

    /// The raw body.
    pub fn bytes(self) -> Bytes {
        self.body
    }

    /// The body as text (invalid UTF-8 is replaced).
    pub fn text(self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Discard the body.
    pub fn empty(self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &'static str) -> Response<()> {
        Response {
            operation_id: "op",
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
            _error: PhantomData,
        }
    }

    #[derive(serde::Deserialize, Debug)]
    struct Item {
        #[allow(dead_code)]
        count: i32,
    }

    #[test]
    fn decode_error_names_the_field_path() {
        let err = response(r#"[{"count":1},{"count":"x"}]"#).json::<Vec<Item>>().unwrap_err();
        let Error::Decode(e) = err else { panic!("expected a decode error") };
        assert_eq!(e.path, "[1].count");
        assert!(e.to_string().contains("`[1].count`"), "{e}");
    }

    #[test]
    fn empty_body_is_null_and_trailing_garbage_is_an_error() {
        assert_eq!(response("").json::<Option<i32>>().unwrap(), None);
        assert_eq!(response(" ").json::<serde_json::Value>().unwrap(), serde_json::Value::Null);
        assert!(response("1 2").json::<i32>().is_err());
    }
}
