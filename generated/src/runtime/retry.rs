//! When to try a request again, and how long to wait first.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};

/// Retry settings. The default retries 429 (honouring `Retry-After`),
/// 502/503/504 and connection failures up to 4 attempts within 60 s, with
/// exponential backoff and full jitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// Backoff ceiling before the first retry; it doubles per retry.
    pub initial_backoff: Duration,
    /// Largest backoff ceiling.
    pub max_backoff: Duration,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
    /// A `Retry-After` longer than this is not waited for: the 429 is returned.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure {
    /// The connection was never made: the server cannot have acted.
    Connect,
    /// The request may have reached the server (timeout, reset, ...).
    Transport,
    Status(StatusCode),
}

impl RetryPolicy {
    /// Never retry.
    pub fn disabled() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Is the failure worth another attempt? POST and PATCH are retried only
    /// where the server cannot have acted on them: 429 and failed connects.
    pub(crate) fn retryable(method: &Method, failure: Failure) -> bool {
        let idempotent = matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS);
        match failure {
            Failure::Connect => true,
            Failure::Status(StatusCode::TOO_MANY_REQUESTS) => true,
            Failure::Status(s) => idempotent && matches!(s.as_u16(), 502..=504),
            Failure::Transport => idempotent,
        }
    }

    /// How long to wait before attempt `attempt + 1`, or `None` when the
    /// attempts or the time budget are spent.
    pub(crate) fn delay(&self, attempt: u32, started: Instant, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = match retry_after {
            Some(wait) if wait > self.max_retry_after => return None,
            Some(wait) => wait,
            None => self.backoff(attempt),
        };
        (started.elapsed() + delay <= self.max_elapsed).then_some(delay)
    }

    /// Full jitter: uniform in `[0, min(max, initial * 2^(attempt-1))]`.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.initial_backoff.saturating_mul(1 << attempt.saturating_sub(1).min(16)).min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_retried() {
        let post = Method::POST;
        let get = Method::GET;
        assert!(RetryPolicy::retryable(&post, Failure::Status(StatusCode::TOO_MANY_REQUESTS)));
        assert!(RetryPolicy::retryable(&post, Failure::Connect));
        assert!(!RetryPolicy::retryable(&post, Failure::Status(StatusCode::SERVICE_UNAVAILABLE)));
        assert!(!RetryPolicy::retryable(&Method::PATCH, Failure::Transport));
        assert!(RetryPolicy::retryable(&get, Failure::Status(StatusCode::BAD_GATEWAY)));
        assert!(RetryPolicy::retryable(&get, Failure::Transport));
        assert!(!RetryPolicy::retryable(&get, Failure::Status(StatusCode::INTERNAL_SERVER_ERROR)));
        assert!(!RetryPolicy::retryable(&get, Failure::Status(StatusCode::BAD_REQUEST)));
    }

    #[test]
    fn budget_and_backoff_bounds() {
        let policy = RetryPolicy::default();
        let now = Instant::now();
        for attempt in 1..4 {
            let delay = policy.delay(attempt, now, None).unwrap();
            assert!(delay <= Duration::from_millis(250 << (attempt - 1)), "{delay:?}");
        }
        assert_eq!(policy.delay(4, now, None), None, "attempts are bounded");
        assert_eq!(policy.delay(1, now, Some(Duration::from_secs(3))), Some(Duration::from_secs(3)));
        assert_eq!(policy.delay(1, now, Some(Duration::from_secs(61))), None, "too long a Retry-After is not waited");
        let tight = RetryPolicy { max_elapsed: Duration::from_secs(2), ..policy };
        assert_eq!(tight.delay(1, now, Some(Duration::from_secs(3))), None, "the time budget is bounded");
        assert_eq!(RetryPolicy::disabled().delay(1, now, None), None);
    }
}
