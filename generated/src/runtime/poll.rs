//! Waiting for a server-side job: poll with backoff until it is done.

use std::future::Future;
use std::time::{Duration, Instant};

use super::error::{Error, TimeoutError};

/// How [`poll_until`] paces itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollPolicy {
    /// Wait before the second check; grows by half each time.
    pub initial_interval: Duration,
    /// Longest wait between checks.
    pub max_interval: Duration,
    /// Give up after this long.
    pub timeout: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(10),
            timeout: Duration::from_secs(600),
        }
    }
}

/// Call `check` until it returns `Some`, waiting between calls. Errors from
/// `check` end the wait; running past the policy's timeout is
/// [`Error::Timeout`] naming `operation_id`.
pub async fn poll_until<T, B, F, Fut>(operation_id: &'static str, policy: &PollPolicy, mut check: F) -> Result<T, Error<B>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, Error<B>>>,
{
    let started = Instant::now();
    let mut interval = policy.initial_interval;
    let mut checks = 0;
    loop {
        checks += 1;
        if let Some(done) = check().await? {
            return Ok(done);
        }
        let elapsed = started.elapsed();
        if elapsed >= policy.timeout {
            let waiting_for = format!("waiting for the job ({checks} checks)");
            return Err(Error::Timeout(TimeoutError { operation_id, after: elapsed, attempts: checks, waiting_for }));
        }
        tokio::time::sleep(interval.min(policy.timeout - elapsed)).await;
        interval = interval.mul_f64(1.5).min(policy.max_interval);
    }
}
