//! Fault injection: what can go wrong between a client and a tenant, and
//! how often.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A per-token request budget: more than `requests` within any `per` is
/// answered 429 with `Retry-After` (the seconds until the budget frees up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in each window.
    pub requests: u32,
    /// Length of the sliding window.
    pub per: Duration,
}

impl RateLimit {
    /// SailPoint's documented limit: 100 requests per 10 seconds per token.
    pub const SAILPOINT: RateLimit = RateLimit { requests: 100, per: Duration::from_secs(10) };
}

/// What the emulator does wrong on purpose, and how often. Rates are
/// probabilities per API request (0 never, 1 always); the token endpoint
/// `/oauth/token` is never faulted. [`Faults::none`] (the default) injects
/// nothing.
///
/// ```
/// # use std::time::Duration;
/// use sailpoint_role_mining::emulator::Faults;
///
/// let faults = Faults::none()
///     .sailpoint_rate_limit()                       // 429 past 100 requests / 10 s / token
///     .server_errors(0.05)                          // 5% 502/503/504
///     .slow(0.1, Duration::from_millis(300))        // 10% answered 300 ms late
///     .cut(0.02)                                    // 2% of bodies cut short
///     .token_expiry(0.01);                          // 1% of requests find their token expired
/// assert_eq!(faults, "rate-limit=100/10s,5xx=0.05,slow=0.1:300ms,cut=0.02,expire=0.01".parse().unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Faults {
    rate_limit: Option<RateLimit>,
    server_errors: f64,
    slow: f64,
    slow_delay: Duration,
    cut: f64,
    token_expiry: f64,
}

impl Faults {
    /// No faults.
    pub fn none() -> Faults {
        Faults::default()
    }

    /// Limit each token to `requests` per `per` (429 with `Retry-After` past it).
    pub fn rate_limit(mut self, requests: u32, per: Duration) -> Faults {
        self.rate_limit = Some(RateLimit { requests, per });
        self
    }

    /// SailPoint's own limit, [`RateLimit::SAILPOINT`].
    pub fn sailpoint_rate_limit(mut self) -> Faults {
        self.rate_limit = Some(RateLimit::SAILPOINT);
        self
    }

    /// Answer this share of requests with 502, 503 or 504 (an
    /// `ErrorResponseDto` body), without acting on them.
    pub fn server_errors(mut self, rate: f64) -> Faults {
        self.server_errors = clamp(rate);
        self
    }

    /// Answer this share of requests `delay` late.
    pub fn slow(mut self, rate: f64, delay: Duration) -> Faults {
        self.slow = clamp(rate);
        self.slow_delay = delay;
        self
    }

    /// Cut this share of responses short: the status, headers and the
    /// announced `Content-Length` go out, then the connection drops halfway
    /// through the body. The request itself was carried out.
    pub fn cut(mut self, rate: f64) -> Faults {
        self.cut = clamp(rate);
        self
    }

    /// Treat the token of this share of requests as expired (401; the token
    /// stays expired, so the client has to get a new one). A token is only
    /// expired this way after it has served a few requests, so a client that
    /// refreshes once on 401 always gets through.
    pub fn token_expiry(mut self, rate: f64) -> Faults {
        self.token_expiry = clamp(rate);
        self
    }

    /// The rate limit, if any.
    pub fn rate_limit_setting(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// Share of requests answered with a 5xx.
    pub fn server_error_rate(&self) -> f64 {
        self.server_errors
    }

    /// Share of requests answered late, and how late.
    pub fn slow_setting(&self) -> (f64, Duration) {
        (self.slow, self.slow_delay)
    }

    /// Share of responses cut short.
    pub fn cut_rate(&self) -> f64 {
        self.cut
    }

    /// Share of requests whose token is expired on the spot.
    pub fn token_expiry_rate(&self) -> f64 {
        self.token_expiry
    }

    /// Whether anything at all is injected.
    pub fn is_none(&self) -> bool {
        self.rate_limit.is_none() && self.server_errors == 0.0 && self.slow == 0.0 && self.cut == 0.0 && self.token_expiry == 0.0
    }
}

fn clamp(rate: f64) -> f64 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

/// Why a `--faults` text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultsParseError(String);

impl fmt::Display for FaultsParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}; expected comma-separated rate-limit[=N/DURATION], 5xx=RATE, slow=RATE:DURATION, cut=RATE, expire=RATE (or none)",
            self.0
        )
    }
}

impl std::error::Error for FaultsParseError {}

/// `rate-limit=100/10s,5xx=0.05,slow=0.1:2s,cut=0.02,expire=0.01`; a bare
/// `rate-limit` is SailPoint's limit; `none` or the empty string is no fault.
impl FromStr for Faults {
    type Err = FaultsParseError;

    fn from_str(text: &str) -> Result<Faults, FaultsParseError> {
        let mut faults = Faults::none();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty() && *i != "none") {
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (item, None),
            };
            let need = |what: &str| value.ok_or_else(|| FaultsParseError(format!("`{key}` needs ={what}")));
            match key {
                "rate-limit" => {
                    faults.rate_limit = Some(match value {
                        None => RateLimit::SAILPOINT,
                        Some(v) => {
                            let (n, per) =
                                v.split_once('/').ok_or_else(|| FaultsParseError(format!("rate-limit={v}: expected N/DURATION such as 100/10s")))?;
                            let requests = n.trim().parse().map_err(|_| FaultsParseError(format!("rate-limit={v}: {n:?} is not a count")))?;
                            RateLimit { requests, per: duration(per)? }
                        }
                    })
                }
                "5xx" => faults.server_errors = rate(need("RATE")?)?,
                "cut" => faults.cut = rate(need("RATE")?)?,
                "expire" => faults.token_expiry = rate(need("RATE")?)?,
                "slow" => {
                    let v = need("RATE:DURATION")?;
                    let (r, d) = v.split_once(':').ok_or_else(|| FaultsParseError(format!("slow={v}: expected RATE:DURATION such as 0.1:2s")))?;
                    faults.slow = rate(r)?;
                    faults.slow_delay = duration(d)?;
                }
                other => return Err(FaultsParseError(format!("unknown fault `{other}`"))),
            }
        }
        Ok(faults)
    }
}

impl fmt::Display for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(limit) = self.rate_limit {
            parts.push(format!("rate-limit={}/{}", limit.requests, show_duration(limit.per)));
        }
        for (key, rate) in [("5xx", self.server_errors)] {
            if rate > 0.0 {
                parts.push(format!("{key}={rate}"));
            }
        }
        if self.slow > 0.0 {
            parts.push(format!("slow={}:{}", self.slow, show_duration(self.slow_delay)));
        }
        for (key, rate) in [("cut", self.cut), ("expire", self.token_expiry)] {
            if rate > 0.0 {
                parts.push(format!("{key}={rate}"));
            }
        }
        if parts.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&parts.join(","))
        }
    }
}

fn rate(text: &str) -> Result<f64, FaultsParseError> {
    match text.trim().parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(FaultsParseError(format!("{text:?} is not a rate between 0 and 1"))),
    }
}

/// `250ms`, `10s`, `2m`, or bare seconds.
pub(crate) fn duration(text: &str) -> Result<Duration, FaultsParseError> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let value: f64 = number.trim().parse().map_err(|_| FaultsParseError(format!("{text:?} is not a duration such as 250ms or 10s")))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(FaultsParseError(format!("{text:?}: unknown unit `{unit}` (use ms, s or m)"))),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| FaultsParseError(format!("{text:?} is not a duration")))
}

fn show_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        let faults: Faults = "rate-limit=20/500ms, 5xx=0.1, slow=0.5:2s, cut=0.02, expire=0.01".parse().unwrap();
        assert_eq!(faults.rate_limit_setting(), Some(RateLimit { requests: 20, per: Duration::from_millis(500) }));
        assert_eq!(faults.slow_setting(), (0.5, Duration::from_secs(2)));
        assert_eq!(faults.to_string().parse::<Faults>().unwrap(), faults);
        assert_eq!("rate-limit".parse::<Faults>().unwrap().rate_limit_setting(), Some(RateLimit::SAILPOINT));
        assert!("none".parse::<Faults>().unwrap().is_none());
        assert_eq!(Faults::none().to_string(), "none");
        for bad in ["5xx=2", "slow=0.1", "teapot=1", "rate-limit=ten/1s", "cut"] {
            assert!(bad.parse::<Faults>().is_err(), "{bad}");
        }
    }
}
