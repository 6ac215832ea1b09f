//! Lazily walking `offset`/`limit` collections.

use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{self, Stream, TryStreamExt};

/// The items of a collection, fetched page by page. Boxed, so it can be
/// polled directly: `while let Some(item) = stream.next().await`.
pub type ItemStream<T, E> = Pin<Box<dyn Stream<Item = Result<T, E>> + Send>>;

/// One page of a collection, with the total size when the server sent it
/// (`X-Total-Count`, for requests made with `count=true`).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The size of the whole collection, if known.
    pub total_count: Option<u64>,
}

/// Every item from `start` on, fetching `page_size` items at a time with
/// `fetch(offset, limit)` only when the previous page is used up. Stops after
/// a page shorter than `page_size`, or at the first error. Holds at most one
/// page in memory, however long the collection.
pub fn paginate<T, E, F, Fut>(start: i64, page_size: i64, fetch: F) -> ItemStream<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
    F: FnMut(i64, i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>, E>> + Send + 'static,
{
    let page_size = page_size.max(1);
    let state = (Some(start.max(0)), fetch);
    let items = stream::try_unfold(state, move |(offset, mut fetch)| async move {
        let Some(offset) = offset else { return Ok(None) };
        let items = fetch(offset, page_size).await?;
        let next = (items.len() as i64 == page_size).then_some(offset + page_size);
        Ok(Some((items, (next, fetch))))
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten();
    Box::pin(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn pages_until_a_short_page() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let items: Vec<i64> = paginate(0, 250, move |offset, limit| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, ()>((offset..(offset + limit).min(1003)).collect()) }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, (0..1003).collect::<Vec<_>>());
        assert_eq!(calls.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn stops_at_the_first_error_and_fetches_lazily() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let mut stream = paginate(10, 2, move |offset, _| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move { if offset < 14 { Ok(vec![offset, offset + 1]) } else { Err("boom") } }
        });
        assert_eq!(stream.next().await, Some(Ok(10)));
        assert_eq!(calls.load(Ordering::SeqCst), 1, "the second page is not fetched before it is needed");
        let rest: Vec<_> = stream.collect().await;
        assert_eq!(rest, vec![Ok(11), Ok(12), Ok(13), Err("boom")]);
    }
}
