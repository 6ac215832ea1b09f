//! A role-mining tenant on your machine (cargo feature `emulator`).
//!
//! [`Emulator`] is an HTTP server that behaves like the role-mining part of
//! an Identity Security Cloud tenant, for tests and for trying code without
//! one. It serves every operation of every API version: `beta` at `/beta`,
//! `v2024`, `v2025` and `v2026` at their base paths (these three and `v1`
//! want `X-SailPoint-Experimental: true`, as upstream: 400 without it), and
//! `v1` at the per-resource paths (`/role-mining-sessions/v1/...`). Bodies
//! are the crate's generated model types, so their shapes are the specs'.
//!
//! - **Auth**: OAuth2 client credentials at `/oauth/token` (form body, query
//!   string or HTTP Basic); tokens expire after
//!   [`EmulatorBuilder::token_lifetime`] (401 after that).
//! - **Sessions** move through `CREATED`, `UPDATED`, `IDENTITIES_OBTAINED`,
//!   `PRUNE_THRESHOLD_OBTAINED`, `POTENTIAL_ROLES_PROCESSING` to
//!   `POTENTIAL_ROLES_CREATED`, one stage per 2 s times
//!   [`EmulatorBuilder::time_scale`]. Mining is real: the seeded directory's
//!   identities (department, site, job title) hold entitlements on six
//!   sources, and each session groups its scope and keeps the entitlements at
//!   least `pruneThreshold` percent of a group hold.
//! - **Potential roles** with identities, entitlements and their popularity,
//!   distributions, applications, exclusions, source usage; JSON Patch on
//!   sessions (a threshold change mines again) and on potential roles;
//!   saved roles; provisioning `POTENTIAL` -> `PENDING` -> `COMPLETE`;
//!   exports `QUEUED` -> `IN_PROGRESS` -> `SUCCESS` whose download is a real
//!   zip of two CSV files.
//! - **Collections** take `filters` (`eq`, `ne`, `sw`, `co`, `in`, `gt`,
//!   `ge`, `lt`, `le`, `pr`, `isnull`, with `and`, `or`, `not` and
//!   parentheses, on the fields each operation documents), `sorters`
//!   (`name`, `-createdDate`, ...), `offset`, `limit` (at most 250) and
//!   `count=true` (`X-Total-Count`). An unknown field is a 400.
//! - **Errors** are SailPoint's: `ErrorResponseDto` bodies (`detailCode`,
//!   `trackingId`, `messages`) for 400, 404 and 5xx; the 401 body's `error`
//!   and the 429 body's `message` come with those fields too.
//! - **Faults** on demand ([`Faults`]): the per-token rate limit with
//!   `Retry-After`, 5xx, slow responses, responses cut short, tokens that
//!   expire early; [`Emulator::stats`] counts what happened.
//! - **Deterministic**: the same seed gives the same tenant, and the same
//!   requests in the same order get the same ids.
//!
//! ```
//! use sailpoint_role_mining::emulator::Emulator;
//! use sailpoint_role_mining::v1::models::RoleMiningSessionState;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let tenant = Emulator::builder().seed(7).time_scale(0.001).start().await?;
//! let (client_id, client_secret) = tenant.client_credentials();
//! let client = sailpoint_role_mining::Client::builder()
//!     .base_url(tenant.url())
//!     .client_credentials(client_id, client_secret)
//!     .build()?;
//! let sessions = client.v1().get_role_mining_sessions().send().await?;
//! assert_eq!(sessions.len(), 2); // a seeded tenant starts with two finished sessions
//! let roles = client.beta().get_all_potential_role_summaries().sorters("-quality").limit(3).send().await?;
//! assert_eq!(roles.len(), 3);
//! # let _ = RoleMiningSessionState::PotentialRolesCreated;
//! # Ok(())
//! # }
//! ```
//!
//! The same server runs on its own as
//! `cargo run -p sailpoint-role-mining --features emulator --bin sailpoint-role-mining-emulator -- --port 8080`.
#![cfg(feature = "emulator")]

mod data;
mod faults;
mod query;
mod server;
mod state;
mod views;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

pub use faults::{Faults, FaultsParseError, RateLimit};

/// How long a token lasts unless told otherwise: what SailPoint's token
/// endpoint says (`expires_in` 749).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(749);

/// Configures and starts an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    seed: u64,
    time_scale: f64,
    faults: Faults,
    token_lifetime: Duration,
    credentials: Option<(String, String)>,
    addr: SocketAddr,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            seed: 1,
            time_scale: 1.0,
            faults: Faults::none(),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            credentials: None,
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        }
    }
}

impl EmulatorBuilder {
    /// The seed of the tenant's data, ids and fault draws (default 1).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How fast sessions, provisioning and exports progress: 1 (the
    /// default) is a tenant's pace (a session takes about 10 s), 0.001 makes
    /// seconds milliseconds, 0 finishes everything at once.
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.time_scale = if scale.is_finite() { scale.max(0.0) } else { 1.0 };
        self
    }

    /// Faults to inject from the start (see also [`Emulator::set_faults`]).
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// How long the tokens of `/oauth/token` last (default
    /// [`DEFAULT_TOKEN_LIFETIME`]; not scaled by the time scale).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The client id and secret `/oauth/token` accepts (default: derived
    /// from the seed; see [`Emulator::client_credentials`]).
    pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        self.credentials = Some((client_id.into(), client_secret.into()));
        self
    }

    /// Where to listen (default `127.0.0.1` on a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Listen on this port of the bind address (0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.addr.set_port(port);
        self
    }

    /// Bind the port and start serving in a task of the current tokio
    /// runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let local = listener.local_addr()?;
        let mut rng = fastrand::Rng::with_seed(self.seed);
        let credentials = self.credentials.unwrap_or_else(|| {
            (format!("{:032x}", rng.u128(..)), format!("{:032x}{:032x}", rng.u128(..), rng.u128(..)))
        });
        let tenant = state::Tenant::new(self.seed, state::Clock { scale: self.time_scale });
        let shared = Arc::new(server::Shared::new(tenant, self.faults, self.seed, credentials, self.token_lifetime));
        let app = server::router(shared.clone());
        // Small answers go out at once (no Nagle delay against delayed ACKs).
        let listener = axum::serve::ListenerExt::tap_io(listener, |stream: &mut tokio::net::TcpStream| {
            let _ = stream.set_nodelay(true);
        });
        let task = tokio::spawn(async move { axum::serve(listener, app).await });
        let host = if local.ip().is_unspecified() { SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), local.port()) } else { local };
        Ok(Emulator { url: format!("http://{host}"), addr: local, seed: self.seed, shared, task: Some(task) })
    }
}

/// A running emulated tenant; dropping it stops the server.
pub struct Emulator {
    url: String,
    addr: SocketAddr,
    seed: u64,
    shared: Arc<server::Shared>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator").field("url", &self.url).field("seed", &self.seed).finish_non_exhaustive()
    }
}

/// What an [`Emulator`] has served so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// API requests (the token endpoint not counted).
    pub requests: u64,
    /// Tokens handed out by `/oauth/token`.
    pub tokens_issued: u64,
    /// Requests answered 401 (no token, unknown or expired).
    pub unauthorized: u64,
    /// Requests answered 429 by the rate limit.
    pub rate_limited: u64,
    /// Injected 5xx answers.
    pub server_errors: u64,
    /// Requests answered late on purpose.
    pub slow: u64,
    /// Responses cut short on purpose.
    pub cut: u64,
    /// Tokens expired early on purpose.
    pub tokens_expired: u64,
}

impl Emulator {
    /// Configure an emulator: `Emulator::builder().seed(7).start().await?`.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:41234` (the API
    /// versions add their own paths, as on a real tenant).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The seed the tenant was made from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// `(client_id, client_secret)` for `/oauth/token`.
    pub fn client_credentials(&self) -> (String, String) {
        (self.shared.client_id.clone(), self.shared.client_secret.clone())
    }

    /// A [`ClientBuilder`](crate::ClientBuilder) for this tenant, base URL and
    /// client credentials set: add a retry policy or timeouts and build.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        let (id, secret) = self.client_credentials();
        crate::Client::builder().base_url(&self.url).client_credentials(id, secret)
    }

    /// A client for this tenant with the default settings.
    pub fn client(&self) -> Result<crate::Client, crate::ConfigError> {
        self.client_builder().build()
    }

    /// Replace the injected faults from now on.
    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock().unwrap_or_else(|p| p.into_inner()) = faults;
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        self.shared.faults.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Expire every token handed out so far: their next request gets 401.
    pub fn expire_tokens(&self) {
        self.shared.expire_tokens();
    }

    /// Counts of requests and injected faults so far.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Serve until the server stops (it stops only on an I/O error); for
    /// running the emulator as a program.
    pub async fn wait(mut self) -> std::io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
