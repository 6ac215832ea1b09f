//! Client-side rate limiting (a [`governor`] GCRA limiter shared by every
//! clone of a client) and [`fan_out`], bounded concurrency over many items.

use std::fmt;
use std::future::Future;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, Stream, StreamExt};
use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// A request budget: at most `requests` requests start in any window of
/// `window` (SailPoint allows 100 requests per 10 s per access token; that is
/// [`RateLimit::sailpoint_default`], on by default).
///
/// A `RateLimit` is the budget itself, not only its settings: every clone of
/// a [`Client`](super::Client), every task using it, and every client built
/// with a clone of the same `RateLimit` draw from one budget. Requests past
/// it wait (asynchronously) for their turn instead of earning a 429; each
/// attempt of a retried request counts.
///
/// The budget holds for any window, not only for aligned ones: a burst of
/// `burst` requests (a tenth of the budget by default) goes out at once, the
/// rest is spread evenly, and a 2% margin absorbs network jitter, so a
/// server counting arrivals in a sliding window never sees more than
/// `requests` per `window`. The sustained rate is therefore a little under
/// the budget (about 88 requests per 10 s for SailPoint's 100).
#[derive(Clone)]
pub struct RateLimit {
    budget: Option<Arc<Budget>>,
}

struct Budget {
    requests: u32,
    window: Duration,
    burst: u32,
    limiter: DefaultDirectRateLimiter,
}

impl RateLimit {
    /// At most `requests` requests in any `window` (each at least 1 and 1 ms).
    pub fn per(requests: u32, window: Duration) -> RateLimit {
        let requests = requests.max(1);
        RateLimit::with_shape(requests, window, (requests / 10).max(1))
    }

    /// SailPoint's documented budget: 100 requests per 10 s per access token.
    pub fn sailpoint_default() -> RateLimit {
        RateLimit::per(100, Duration::from_secs(10))
    }

    /// No client-side limit (the server's 429s are still retried as the
    /// [`RetryPolicy`](super::RetryPolicy) says).
    pub fn disabled() -> RateLimit {
        RateLimit { budget: None }
    }

    /// Let up to `burst` requests (1 to the budget) go out back to back; the
    /// rest of the budget is spread over the window. A new, unshared budget.
    pub fn with_burst(self, burst: u32) -> RateLimit {
        match &self.budget {
            Some(b) => RateLimit::with_shape(b.requests, b.window, burst.clamp(1, b.requests)),
            None => self,
        }
    }

    fn with_shape(requests: u32, window: Duration, burst: u32) -> RateLimit {
        let window = window.max(Duration::from_millis(1));
        // GCRA: `burst` at once, then one per `period`. In any window W at
        // most burst + W / period start, so spread the rest over W (+2%).
        let spread = (requests - burst).max(1);
        let period = window.mul_f64(1.02) / spread;
        let burst_cells = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(period.max(Duration::from_nanos(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst_cells);
        let limiter = RateLimiter::direct(quota);
        RateLimit { budget: Some(Arc::new(Budget { requests, window, burst, limiter })) }
    }

    /// Whether requests are limited at all.
    pub fn is_enabled(&self) -> bool {
        self.budget.is_some()
    }

    /// The budget: requests per window, `None` when disabled.
    pub fn budget(&self) -> Option<(u32, Duration)> {
        self.budget.as_ref().map(|b| (b.requests, b.window))
    }

    /// Wait until the budget allows one more request; returns how long that took.
    pub async fn acquire(&self) -> Duration {
        let Some(budget) = &self.budget else { return Duration::ZERO };
        let mut waited = Duration::ZERO;
        loop {
            match budget.limiter.check() {
                Ok(()) => return waited,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(budget.limiter.clock().now());
                    tokio::time::sleep(wait).await;
                    waited += wait;
                }
            }
        }
    }
}

impl Default for RateLimit {
    /// [`RateLimit::sailpoint_default`].
    fn default() -> Self {
        RateLimit::sailpoint_default()
    }
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.budget {
            None => f.write_str("RateLimit(disabled)"),
            Some(b) => f
                .debug_struct("RateLimit")
                .field("requests", &b.requests)
                .field("window", &b.window)
                .field("burst", &b.burst)
                .finish(),
        }
    }
}

/// Run `call` for every item with at most `concurrency` calls in flight,
/// yielding the outputs as they complete (not in input order: carry an id
/// in the output when you need one). Calls through one
/// [`Client`](super::Client) also respect its [`RateLimit`], so a large
/// fan-out neither floods the server nor earns 429s.
///
/// For example, 8 calls at a time: `let mut results = fan_out(ids, 8, |id|
/// { let api = api.clone(); async move { (id.clone(),
/// api.get_thing(id).send().await) } });` then `while let Some((id, result))
/// = results.next().await { ... }`.
pub fn fan_out<I, F, Fut>(items: I, concurrency: usize, call: F) -> impl Stream<Item = Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    stream::iter(items).map(call).buffer_unordered(concurrency.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn bursts_then_spreads_the_rest_over_the_window() {
        let limit = RateLimit::per(20, Duration::from_millis(200));
        assert_eq!(limit.budget(), Some((20, Duration::from_millis(200))));
        let started = Instant::now();
        for _ in 0..2 {
            assert_eq!(limit.acquire().await, Duration::ZERO, "the burst goes out at once");
        }
        // 2 burst cells, then 18 spread over 204 ms: the 21st request waits
        // until a whole window has passed.
        for _ in 0..19 {
            limit.acquire().await;
        }
        assert!(started.elapsed() >= Duration::from_millis(200), "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn clones_share_one_budget_and_disabled_never_waits() {
        // A window long enough that no scheduling delay refills it.
        let limit = RateLimit::per(1, Duration::from_secs(3600));
        let clone = limit.clone();
        assert_eq!(limit.acquire().await, Duration::ZERO);
        let shared = clone.budget.as_ref().expect("enabled");
        assert!(shared.limiter.check().is_err(), "the clone drew from the same budget");
        let fresh = limit.clone().with_burst(1);
        assert_eq!(fresh.acquire().await, Duration::ZERO, "with_burst makes a new budget");
        let off = RateLimit::disabled();
        for _ in 0..1000 {
            assert_eq!(off.acquire().await, Duration::ZERO);
        }
        assert_eq!(format!("{off:?}"), "RateLimit(disabled)");
        assert!(format!("{:?}", RateLimit::default()).contains("requests: 100"));
    }

    #[tokio::test]
    async fn fan_out_bounds_concurrency() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let outputs: Vec<u32> = fan_out(0..40u32, 4, |i| {
            let (running, peak) = (running.clone(), peak.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                i * 2
            }
        })
        .collect()
        .await;
        let mut sorted = outputs.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..40).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), 4);
    }
}
