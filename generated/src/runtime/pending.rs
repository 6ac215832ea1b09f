//! The one future type every generated request returns.
//!
//! A generated builder only *describes* its request (a plain function that
//! fills a [`Request`]); the runtime sends it here. So an operation compiles
//! to no async state machine of its own: the futures below are generic over
//! the decoded type and the API's error body, and shared by every operation
//! that returns the same type. In a crate with hundreds of operations that is
//! most of the compile time the operations used to cost.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::TryStreamExt;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::download::Download;
use super::error::Error;
use super::paginate::{ItemStream, Page};
use super::request::Request;
use super::response::Response;

/// A request on its way: `.await` it for the result. Returned by every
/// generated `send`, `send_raw`, `send_page` and `collect_all`, and what
/// awaiting a request builder directly turns into. `Send` and `'static`, so
/// it can be spawned; dropping it cancels the request.
#[must_use = "a request does nothing unless it is awaited"]
pub struct Pending<T, B> {
    inner: Pin<Box<dyn Future<Output = Result<T, Error<B>>> + Send>>,
}

impl<T, B> Pending<T, B> {
    /// Wrap any future with the same output (for hand-written helpers that
    /// want to look like a generated call).
    pub fn new(future: impl Future<Output = Result<T, Error<B>>> + Send + 'static) -> Self {
        Pending { inner: Box::pin(future) }
    }
}

impl<T, B> Future for Pending<T, B> {
    type Output = Result<T, Error<B>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().inner.as_mut().poll(cx)
    }
}

impl<T, B> fmt::Debug for Pending<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pending(..)")
    }
}

/// The sending half the generated builders call, one function per kind of
/// response body.
impl Client {
    /// Send; the response undecoded (error statuses are still errors).
    #[doc(hidden)]
    pub fn send_raw<B: Send + 'static>(&self, request: Request<B>) -> Pending<Response<B>, B> {
        let client = self.clone();
        Pending::new(async move { client.execute(request).await })
    }

    /// Send and decode a JSON body.
    #[doc(hidden)]
    pub fn send_json<T, B>(&self, request: Request<B>) -> Pending<T, B>
    where
        T: DeserializeOwned + Send + 'static,
        B: Send + 'static,
    {
        let client = self.clone();
        Pending::new(async move { client.execute(request).await?.json().await })
    }

    /// Send and decode a JSON list with `X-Total-Count`.
    #[doc(hidden)]
    pub fn send_page<T, B>(&self, request: Request<B>) -> Pending<Page<T>, B>
    where
        T: DeserializeOwned + Send + 'static,
        B: Send + 'static,
    {
        let client = self.clone();
        Pending::new(async move {
            let response = client.execute(request).await?;
            let total_count = response.total_count();
            Ok(Page { items: response.json().await?, total_count })
        })
    }

    /// Send and read a text body.
    #[doc(hidden)]
    pub fn send_text<B: Send + 'static>(&self, request: Request<B>) -> Pending<String, B> {
        let client = self.clone();
        Pending::new(async move { client.execute(request).await?.text().await })
    }

    /// Send and read (and drop) a body nobody needs.
    #[doc(hidden)]
    pub fn send_empty<B: Send + 'static>(&self, request: Request<B>) -> Pending<(), B> {
        let client = self.clone();
        Pending::new(async move { client.execute(request).await?.empty().await })
    }

    /// Send; the body left to stream.
    #[doc(hidden)]
    pub fn send_download<B: Send + 'static>(&self, request: Request<B>) -> Pending<Download<B>, B> {
        let client = self.clone();
        Pending::new(async move { Ok(client.execute(request).await?.into_download()) })
    }
}

/// Every item of a paged collection in one vector.
#[doc(hidden)]
pub fn collect_all<T: Send + 'static, B: Send + 'static>(items: ItemStream<T, Error<B>>) -> Pending<Vec<T>, B> {
    Pending::new(items.try_collect())
}

/// What every generated request builder has besides its setters and its
/// `into_request`: `send` (through one of the runtime's generic senders),
/// `send_raw`, and `IntoFuture`, so the builder can be awaited directly.
///
/// ```text
/// sendable!(GetThing => super::models::Thing, send_json, " Send `GET /things/{id}`.");
/// ```
///
/// `super::ErrorBody` is the calling API module's error body. A macro
/// rather than the three written out per operation: a whole API has
/// hundreds of operations, and the generator and `rustc` read less.
#[allow(unused_macros)] // a crate may have no operations
macro_rules! sendable {
    ($builder:ident => $returns:ty, $sender:ident, $doc:literal) => {
        impl $builder {
            #[doc = $doc]
            pub fn send(self) -> $crate::runtime::Pending<$returns, super::ErrorBody> {
                let (client, request) = self.into_request();
                client.runtime().$sender(request)
            }

            /// Send the request and return the response undecoded: status,
            /// headers, and a body still to be read. Error statuses are
            /// still turned into errors ([`crate::runtime::Error`]).
            pub fn send_raw(self) -> $crate::runtime::Pending<$crate::runtime::Response<super::ErrorBody>, super::ErrorBody> {
                let (client, request) = self.into_request();
                client.runtime().send_raw(request)
            }
        }

        impl ::std::future::IntoFuture for $builder {
            type Output = ::std::result::Result<$returns, $crate::runtime::Error<super::ErrorBody>>;
            type IntoFuture = $crate::runtime::Pending<$returns, super::ErrorBody>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use sendable;
