use std::marker::PhantomData;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::download::Download;
use super::error::{excerpt, DecodeError, Error};

/// A success response. JSON and text bodies have already been read (inside
/// the retry loop, so a body cut short is retried like any transport
/// failure where that is safe); other bodies (downloads) are still to be
/// read.
pub struct Response<B> {
    pub(crate) operation_id: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
    /// Attempts it took, retries included.
    pub(crate) attempts: u32,
    pub(crate) _error: PhantomData<fn() -> B>,
}

pub(crate) enum Body {
    Read(Bytes),
    Unread(reqwest::Response),
}

impl<B> std::fmt::Debug for Response<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = match &self.body {
            Body::Read(bytes) => format!("{} bytes read", bytes.len()),
            Body::Unread(_) => "not read yet".to_owned(),
        };
        f.debug_struct("Response")
            .field("operation_id", &self.operation_id)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &body)
            .field("attempts", &self.attempts)
            .finish()
    }
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

    /// Attempts it took, retries included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// `X-Total-Count`: the size of the whole collection, sent by list
    /// operations when the request asked for it (`count=true`).
    pub fn total_count(&self) -> Option<u64> {
        self.headers().get("x-total-count")?.to_str().ok()?.trim().parse().ok()
    }

    async fn read(self) -> Result<(StatusCode, Bytes), Error<B>> {
        match self.body {
            Body::Read(bytes) => Ok((self.status, bytes)),
            Body::Unread(response) => {
                let (started, url) = (std::time::Instant::now(), response.url().clone());
                match response.bytes().await {
                    Ok(bytes) => Ok((self.status, bytes)),
                    Err(source) => Err(super::client::read_error(self.operation_id, source.with_url(url), self.attempts, started)),
                }
            }
        }
    }

    /// Read and decode a JSON body. An empty body decodes as JSON `null` (so
    /// it fits `Option`, `()` and free-form values). On a mismatch the error
    /// names the path of the offending field.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, Error<B>> {
        let (operation_id, attempts) = (self.operation_id, self.attempts);
        let (status, body) = self.read().await?;
        decode_json(operation_id, status, &body).map_err(|mut e| {
            if let Error::Decode(d) = &mut e {
                d.attempts = attempts;
            }
            e
        })
    }

    /// Read the whole body.
    pub async fn bytes(self) -> Result<Bytes, Error<B>> {
        Ok(self.read().await?.1)
    }

    /// Read the body as text (invalid UTF-8 is replaced).
    pub async fn text(self) -> Result<String, Error<B>> {
        Ok(String::from_utf8_lossy(&self.read().await?.1).into_owned())
    }

    /// Read and discard the body (so the connection can be reused).
    pub async fn empty(self) -> Result<(), Error<B>> {
        self.read().await.map(|_| ())
    }

    /// Stream the body instead of reading it into memory.
    pub fn into_download(self) -> Download<B> {
        Download::new(self.operation_id, &self.headers, self.body, self.attempts)
    }
}

/// Decode JSON: the plain serde_json fast path first; only when it fails,
/// decode again tracking the path so the error can name the field.
pub(crate) fn decode_json<T: DeserializeOwned, B>(
    operation_id: &'static str,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error<B>> {
    let raw = body;
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"null" } else { body };
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let decoded = serde_path_to_error::deserialize::<_, T>(&mut deserializer)
        .map_err(|e| (e.path().to_string(), e.into_inner()))
        .and_then(|value| deserializer.end().map(|()| value).map_err(|e| (".".to_owned(), e)));
    let (path, source) = match decoded {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    Err(Error::Decode(Box::new(DecodeError {
        operation_id,
        status,
        path,
        body_excerpt: excerpt(raw, 512),
        raw_body: Bytes::copy_from_slice(raw),
        source,
        attempts: 1,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode<T: DeserializeOwned>(body: &str) -> Result<T, Error<()>> {
        decode_json("op", StatusCode::OK, body.as_bytes())
    }

    #[derive(serde::Deserialize, Debug)]
    struct Item {
        #[allow(dead_code)]
        count: i32,
    }

    #[test]
    fn decode_error_names_the_field_path() {
        let err = decode::<Vec<Item>>(r#"[{"count":1},{"count":"x"}]"#).unwrap_err();
        let Error::Decode(e) = err else { panic!("expected a decode error") };
        assert_eq!(e.path, "[1].count");
        assert!(e.to_string().contains("`[1].count`"), "{e}");
    }

    #[test]
    fn empty_body_is_null_and_trailing_garbage_is_an_error() {
        assert_eq!(decode::<Option<i32>>("").unwrap(), None);
        assert_eq!(decode::<serde_json::Value>(" ").unwrap(), serde_json::Value::Null);
        assert!(decode::<i32>("1 2").is_err());
    }
}
