use std::marker::PhantomData;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::error::{Error, IoError};
use super::response::Body;

type Chunks = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A response body delivered as it arrives (file downloads). It is a
/// `Stream` of chunks; [`Download::save_to`] and [`Download::write_to`] copy
/// it out without ever holding the whole body in memory.
pub struct Download<B> {
    operation_id: &'static str,
    content_length: Option<u64>,
    content_type: Option<String>,
    chunks: Chunks,
    started: std::time::Instant,
    attempts: u32,
    url: Option<reqwest::Url>,
    _error: PhantomData<fn() -> B>,
}

impl<B> std::fmt::Debug for Download<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("operation_id", &self.operation_id)
            .field("content_length", &self.content_length)
            .field("content_type", &self.content_type)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl<B> Download<B> {
    pub(crate) fn new(
        operation_id: &'static str,
        headers: &reqwest::header::HeaderMap,
        body: Body,
        attempts: u32,
    ) -> Self {
        let content_type = headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (content_length, url, chunks): (Option<u64>, _, Chunks) = match body {
            Body::Read(bytes) => (Some(bytes.len() as u64), None, Box::pin(futures_util::stream::iter([Ok(bytes)]))),
            Body::Unread(response) => (response.content_length(), Some(response.url().clone()), Box::pin(response.bytes_stream())),
        };
        Download {
            operation_id,
            content_length,
            content_type,
            chunks,
            started: std::time::Instant::now(),
            attempts,
            url,
            _error: PhantomData,
        }
    }

    /// The announced body size, if the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The body's media type, e.g. `application/zip`.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Copy the body into `writer`; returns the number of bytes written.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(mut self, writer: &mut W) -> Result<u64, Error<B>> {
        let operation_id = self.operation_id;
        let io = |source| Error::Io(IoError { operation_id, source });
        let mut written = 0u64;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(io)?;
        Ok(written)
    }

    /// Write the body to a file (created or truncated). A failed download
    /// removes the partial file.
    pub async fn save_to(self, path: impl AsRef<Path>) -> Result<u64, Error<B>> {
        let path = path.as_ref();
        let operation_id = self.operation_id;
        let mut file = tokio::fs::File::create(path).await.map_err(|source| Error::Io(IoError { operation_id, source }))?;
        let result = self.write_to(&mut file).await;
        if result.is_err() {
            drop(file);
            let _ = tokio::fs::remove_file(path).await;
        }
        result
    }

    /// Read the whole body into memory.
    pub async fn bytes(mut self) -> Result<Bytes, Error<B>> {
        let mut buffer = Vec::with_capacity(self.content_length.unwrap_or(0).min(64 << 20) as usize);
        while let Some(chunk) = self.next().await {
            buffer.extend_from_slice(&chunk?);
        }
        Ok(buffer.into())
    }
}

impl<B> Stream for Download<B> {
    type Item = Result<Bytes, Error<B>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (operation_id, started, attempts) = (self.operation_id, self.started, self.attempts);
        let url = self.url.clone();
        self.chunks.as_mut().poll_next(cx).map(|chunk| {
            chunk.map(|c| {
                c.map_err(|source| {
                    let source = match url {
                        Some(url) => source.with_url(url),
                        None => source,
                    };
                    super::client::read_error(operation_id, source, attempts, started)
                })
            })
        })
    }
}
