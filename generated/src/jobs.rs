//! Work that spans several calls, for every API version: create a role
//! mining session and wait for its potential roles, wait for a provisioning
//! request, export a potential role. Hand-written on top of the generated
//! operations (the runtime stays free of role-mining knowledge).
//!
//! The helpers are methods of each API module's `Client` (`beta`, `v2024`,
//! `v2025`, `v2026`, `v1`):
//!
//! - `create_session_and_wait(session)`: create a session, wait until its
//!   potential roles are ready (`POTENTIAL_ROLES_CREATED`), return the session;
//! - `wait_for_potential_roles(session_id)`: the same for an existing session;
//! - `wait_for_provisioning(session_id, potential_role_id)`: wait for a
//!   provisioning request (`POTENTIAL` → `PENDING` → `COMPLETE`), return the
//!   potential role (its `role_id` names the new role);
//! - `export_potential_role(session_id, potential_role_id, request)`: start an
//!   export, wait for it, return the zip as a [`Download`](crate::runtime::Download).
//!
//! Each helper returns a [`JobWait`]: `.await` it for the result, or first
//! set a [`PollPolicy`] (`.poll_policy(..)`, `.timeout(..)`), a progress
//! callback (`.on_state(..)`), or turn it into a `Stream` of the states the
//! job goes through (`.states()`). A failed job, a state the helper does not
//! know and an answer without a state are [`Error::Job`]; running out of
//! time is [`Error::Timeout`] naming the last state seen.

// Without an API module the helpers have no callers.
#![cfg_attr(not(any(feature = "beta", feature = "v2024", feature = "v2025", feature = "v2026", feature = "v1")), allow(dead_code))]

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_util::stream::{self, Stream, StreamExt};

pub use crate::runtime::PollPolicy;
use crate::runtime::{Error, TimeoutError};

/// Status polling for exports: they usually finish within seconds to a few
/// minutes, so start fast and back off to 5 s between checks, for at most
/// 15 minutes. The default of `export_potential_role`.
pub fn export_poll_policy() -> PollPolicy {
    PollPolicy {
        initial_interval: Duration::from_millis(500),
        max_interval: Duration::from_secs(5),
        timeout: Duration::from_secs(15 * 60),
    }
}

/// Status polling for a session's potential roles: mining a large tenant can
/// take a while, so check every 2 s at first, backing off to 30 s, for at
/// most 2 hours. The default of `create_session_and_wait` and
/// `wait_for_potential_roles`.
pub fn session_poll_policy() -> PollPolicy {
    PollPolicy {
        initial_interval: Duration::from_secs(2),
        max_interval: Duration::from_secs(30),
        timeout: Duration::from_secs(2 * 3600),
    }
}

/// Status polling for a provisioning request: a role is usually created
/// within a minute; check every second at first, backing off to 10 s, for
/// at most 30 minutes. The default of `wait_for_provisioning`.
pub fn provisioning_poll_policy() -> PollPolicy {
    PollPolicy {
        initial_interval: Duration::from_secs(1),
        max_interval: Duration::from_secs(10),
        timeout: Duration::from_secs(30 * 60),
    }
}

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What one look at a job found: still running in state `S`, or finished in
/// state `S` with the result `T` (fetched only when asked for). Failures
/// are errors.
pub(crate) enum Check<S, T> {
    Running(S),
    Done(S, Option<T>),
}

/// One look at the job; the flag says whether to fetch the result if it is done.
pub(crate) type Checker<'a, S, T, B> = Box<dyn FnMut(bool) -> BoxFuture<'a, Result<Check<S, T>, Error<B>>> + Send + 'a>;
pub(crate) type Describe<'a> = Box<dyn Fn() -> String + Send + 'a>;
type OnState<'a, S> = Option<Box<dyn FnMut(&S) + Send + 'a>>;
/// A boxed `Send` stream.
pub type BoxStream<'a, T> = Pin<Box<dyn Stream<Item = T> + Send + 'a>>;

/// A server-side job being waited for: poll it with [`PollPolicy`] pacing
/// until it finishes, fails, or runs out of time.
///
/// `.await` it for the result `T`; `S` is the job's state type (e.g. a
/// session's `RoleMiningSessionState`). Nothing is sent before it is
/// awaited or its [`states`](JobWait::states) stream is polled.
#[must_use = "a job wait does nothing until it is awaited"]
pub struct JobWait<'a, S, T, B> {
    /// The operation named by a timeout (the status check).
    operation_id: &'static str,
    /// What is waited for, e.g. `export exp-3` (asked when it times out).
    describe: Describe<'a>,
    policy: PollPolicy,
    check: Checker<'a, S, T, B>,
    on_state: OnState<'a, S>,
}

impl<S, T, B> fmt::Debug for JobWait<'_, S, T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobWait")
            .field("operation_id", &self.operation_id)
            .field("what", &(self.describe)())
            .field("policy", &self.policy)
            .field("on_state", &self.on_state.as_ref().map(|_| "callback"))
            .finish_non_exhaustive()
    }
}

impl<'a, S, T, B> JobWait<'a, S, T, B>
where
    S: Clone + PartialEq + fmt::Display + Send + 'a,
    T: Send + 'a,
    B: Send + 'a,
{
    pub(crate) fn new(operation_id: &'static str, describe: Describe<'a>, policy: PollPolicy, check: Checker<'a, S, T, B>) -> Self {
        JobWait { operation_id, describe, policy, check, on_state: None }
    }

    /// Pace the status checks with `policy` instead of the helper's default.
    pub fn poll_policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Give up after `timeout` (the rest of the policy unchanged).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.policy.timeout = timeout;
        self
    }

    /// Call `on_state` with each state the job reports, once per change
    /// (the first state seen included, the final one too).
    pub fn on_state(mut self, on_state: impl FnMut(&S) + Send + 'a) -> Self {
        self.on_state = Some(Box::new(on_state));
        self
    }

    /// The states the job goes through, once per change, ending after the
    /// final one; a failure, an unknown state or a timeout is the last item.
    /// (The result itself is not fetched: `.await` the wait for that.)
    pub fn states(self) -> BoxStream<'a, Result<S, Error<B>>> {
        Box::pin(self.events(false).filter_map(|event| async move {
            match event {
                Ok(Event::State(state)) => Some(Ok(state)),
                Ok(Event::Done(_)) => None,
                Err(e) => Some(Err(e)),
            }
        }))
    }

    /// State changes and the result, as they come.
    fn events(self, fetch_result: bool) -> BoxStream<'a, Result<Event<S, T>, Error<B>>> {
        let JobWait { operation_id, describe, policy, check, .. } = self;
        let poller = Poller {
            fetch_result,
            operation_id,
            describe,
            interval: policy.initial_interval,
            policy,
            check,
            started: None,
            checks: 0,
            last: None,
            queue: VecDeque::new(),
            finished: false,
        };
        Box::pin(stream::unfold(poller, |mut poller| async move {
            let item = poller.next().await?;
            Some((item, poller))
        }))
    }
}

impl<'a, S, T, B> IntoFuture for JobWait<'a, S, T, B>
where
    S: Clone + PartialEq + fmt::Display + Send + 'a,
    T: Send + 'a,
    B: Send + 'a,
{
    type Output = Result<T, Error<B>>;
    type IntoFuture = BoxFuture<'a, Result<T, Error<B>>>;

    fn into_future(mut self) -> Self::IntoFuture {
        let mut on_state = self.on_state.take();
        let operation_id = self.operation_id;
        let mut events = self.events(true);
        Box::pin(async move {
            while let Some(event) = events.next().await {
                match event? {
                    Event::State(state) => {
                        if let Some(callback) = on_state.as_mut() {
                            callback(&state);
                        }
                    }
                    Event::Done(Some(result)) => return Ok(result),
                    Event::Done(None) => break,
                }
            }
            Err(job_error(operation_id, "the job ended without a result".into()))
        })
    }
}

enum Event<S, T> {
    State(S),
    Done(Option<T>),
}

struct Poller<'a, S, T, B> {
    fetch_result: bool,
    operation_id: &'static str,
    describe: Describe<'a>,
    policy: PollPolicy,
    interval: Duration,
    check: Checker<'a, S, T, B>,
    /// When the first check started.
    started: Option<Instant>,
    checks: u32,
    last: Option<S>,
    queue: VecDeque<Result<Event<S, T>, Error<B>>>,
    finished: bool,
}

impl<S: Clone + PartialEq + fmt::Display, T, B> Poller<'_, S, T, B> {
    async fn next(&mut self) -> Option<Result<Event<S, T>, Error<B>>> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            self.step().await;
        }
    }

    /// One check (after the pause the policy asks for); queues what it found.
    async fn step(&mut self) {
        let started = *self.started.get_or_insert_with(Instant::now);
        if self.checks > 0 {
            let remaining = self.policy.timeout.saturating_sub(started.elapsed());
            tokio::time::sleep(self.interval.min(remaining)).await;
            self.interval = self.interval.mul_f64(1.5).min(self.policy.max_interval);
        }
        self.checks += 1;
        let found = (self.check)(self.fetch_result).await;
        let (state, done) = match found {
            Err(e) => {
                self.finished = true;
                self.queue.push_back(Err(e));
                return;
            }
            Ok(Check::Running(state)) => (state, None),
            Ok(Check::Done(state, result)) => (state, Some(result)),
        };
        if self.last.as_ref() != Some(&state) {
            self.last = Some(state.clone());
            self.queue.push_back(Ok(Event::State(state)));
        }
        if let Some(result) = done {
            self.finished = true;
            self.queue.push_back(Ok(Event::Done(result)));
            return;
        }
        let elapsed = started.elapsed();
        if elapsed >= self.policy.timeout {
            self.finished = true;
            let last = self.last.as_ref().map_or_else(|| "none".to_owned(), ToString::to_string);
            let waiting_for = format!("waiting for {} (last status {last}, {} checks)", (self.describe)(), self.checks);
            let timeout = TimeoutError { operation_id: self.operation_id, after: elapsed, attempts: self.checks, waiting_for };
            self.queue.push_back(Err(Error::Timeout(timeout)));
        }
    }
}

/// The ids a job learns as it goes (shared by its checks and its
/// description).
#[derive(Default)]
pub(crate) struct Ids {
    pub(crate) id: Option<String>,
}

pub(crate) type Shared<T> = std::sync::Arc<std::sync::Mutex<T>>;

pub(crate) fn lock<T>(shared: &Shared<T>) -> std::sync::MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One `JobError` for `operation_id`.
pub(crate) fn job_error<B>(operation_id: &'static str, message: String) -> Error<B> {
    Error::Job(crate::runtime::JobError::new(operation_id, message))
}

#[cfg(any(feature = "beta", feature = "v2024", feature = "v2025", feature = "v2026", feature = "v1"))]
macro_rules! jobs {
    // `$op`: the operation id the client's API uses for one named in the
    // module's spec (an edition such as `v1` names them differently).
    ($module:ident, $op:expr) => {
        impl crate::$module::Client {
            /// Create a role mining session and wait until its potential
            /// roles are ready (`POTENTIAL_ROLES_CREATED`); the result is the
            /// session as it then is (`potential_role_count`, ...).
            ///
            /// Polls the session's status with
            /// [`session_poll_policy`](crate::jobs::session_poll_policy)
            /// unless told otherwise; `.on_state(..)` or `.states()` report
            /// its progress (`CREATED`, `IDENTITIES_OBTAINED`, ...,
            /// `POTENTIAL_ROLES_PROCESSING`). A `FAILED` or unknown state, or
            /// none, is [`Error::Job`](crate::runtime::Error::Job); running
            /// out of time [`Error::Timeout`](crate::runtime::Error::Timeout)
            /// naming the last state.
            pub fn create_session_and_wait(
                &self,
                session: crate::$module::models::RoleMiningSessionDto,
            ) -> crate::jobs::JobWait<
                'static,
                crate::$module::models::RoleMiningSessionState,
                crate::$module::models::RoleMiningSessionResponse,
                crate::$module::ErrorBody,
            > {
                self.session_wait(None, Some(session))
            }

            /// Wait until the potential roles of an existing session are
            /// ready; see [`Self::create_session_and_wait`].
            pub fn wait_for_potential_roles(
                &self,
                session_id: impl Into<String>,
            ) -> crate::jobs::JobWait<
                'static,
                crate::$module::models::RoleMiningSessionState,
                crate::$module::models::RoleMiningSessionResponse,
                crate::$module::ErrorBody,
            > {
                self.session_wait(Some(session_id.into()), None)
            }

            fn session_wait(
                &self,
                session_id: Option<String>,
                mut create: Option<crate::$module::models::RoleMiningSessionDto>,
            ) -> crate::jobs::JobWait<
                'static,
                crate::$module::models::RoleMiningSessionState,
                crate::$module::models::RoleMiningSessionResponse,
                crate::$module::ErrorBody,
            > {
                use crate::$module::models::RoleMiningSessionState as State;
                use crate::jobs::{job_error, lock, Check, Ids};

                let ids = crate::jobs::Shared::new(std::sync::Mutex::new(Ids { id: session_id }));
                let status_op = $op(self, "getRoleMiningSessionStatus");
                let client = self.clone();
                let known = ids.clone();
                let check = move |fetch: bool| {
                    let (client, ids, create) = (client.clone(), known.clone(), create.take());
                    let check: crate::jobs::BoxFuture<'static, _> = Box::pin(async move {
                        let known_id = lock(&ids).id.clone();
                        let id = match (known_id, create) {
                            (Some(id), _) => id,
                            (None, Some(body)) => {
                                let op = $op(&client, "createRoleMiningSessions");
                                let created = client.create_role_mining_sessions(body).send().await?;
                                let id = created.id.ok_or_else(|| job_error(op, "the server created a session but sent no id".into()))?;
                                lock(&ids).id = Some(id.clone());
                                id
                            }
                            (None, None) => return Err(job_error(status_op, "the session was never created".into())),
                        };
                        let status = client.get_role_mining_session_status(id.clone()).send().await?;
                        match status.state {
                            Some(State::PotentialRolesCreated) => {
                                let session = if fetch { Some(client.get_role_mining_session(id).send().await?) } else { None };
                                Ok(Check::Done(State::PotentialRolesCreated, session))
                            }
                            Some(
                                state @ (State::Created
                                | State::Updated
                                | State::IdentitiesObtained
                                | State::PruneThresholdObtained
                                | State::PotentialRolesProcessing),
                            ) => Ok(Check::Running(state)),
                            Some(State::Unknown(state)) if state == "FAILED" => {
                                Err(job_error(status_op, format!("session {id} failed on the server (state FAILED)")))
                            }
                            Some(other) => Err(job_error(status_op, format!("session {id} is in a state this crate does not know: {other}"))),
                            None => Err(job_error(status_op, format!("the status of session {id} came without a state"))),
                        }
                    });
                    check
                };
                let describe = move || match &lock(&ids).id {
                    Some(id) => format!("the potential roles of session {id}"),
                    None => "a new session to be created".to_owned(),
                };
                crate::jobs::JobWait::new(status_op, Box::new(describe), crate::jobs::session_poll_policy(), Box::new(check))
            }

            /// Wait for the provisioning request of a potential role (made
            /// with [`Self::create_potential_role_provision_request`]) to
            /// finish: `POTENTIAL` → `PENDING` → `COMPLETE`, then return the
            /// potential role as it then is (its `role_id` names the new role).
            ///
            /// Polls with [`provisioning_poll_policy`](crate::jobs::provisioning_poll_policy)
            /// unless told otherwise. `FAILED`, an unknown state or none is
            /// [`Error::Job`](crate::runtime::Error::Job); running out of time
            /// [`Error::Timeout`](crate::runtime::Error::Timeout) naming the
            /// last state.
            pub fn wait_for_provisioning(
                &self,
                session_id: impl Into<String>,
                potential_role_id: impl Into<String>,
            ) -> crate::jobs::JobWait<
                'static,
                crate::$module::models::RoleMiningPotentialRoleProvisionState,
                crate::$module::models::RoleMiningPotentialRole,
                crate::$module::ErrorBody,
            > {
                use crate::$module::models::RoleMiningPotentialRoleProvisionState as State;
                use crate::jobs::{job_error, Check};

                let (client, session_id, role_id) = (self.clone(), session_id.into(), potential_role_id.into());
                let op = $op(self, "getPotentialRole");
                let what = format!("the provisioning of potential role {role_id}");
                let check = move |fetch: bool| {
                    let (client, session_id, role_id) = (client.clone(), session_id.clone(), role_id.clone());
                    let check: crate::jobs::BoxFuture<'static, _> = Box::pin(async move {
                        let role = client.get_potential_role(session_id, role_id.clone()).send().await?;
                        match role.provision_state.clone() {
                            Some(State::Complete) => Ok(Check::Done(State::Complete, fetch.then_some(role))),
                            Some(state @ (State::Potential | State::Pending)) => Ok(Check::Running(state)),
                            Some(State::Failed) => {
                                Err(job_error(op, format!("provisioning potential role {role_id} failed on the server (state FAILED)")))
                            }
                            Some(other) => Err(job_error(
                                op,
                                format!("potential role {role_id} is in a provisioning state this crate does not know: {other}"),
                            )),
                            None => Err(job_error(op, format!("potential role {role_id} came without a provisionState"))),
                        }
                    });
                    check
                };
                crate::jobs::JobWait::new(op, Box::new(move || what.clone()), crate::jobs::provisioning_poll_policy(), Box::new(check))
            }

            /// Export a potential role as a zip archive in one call: start the
            /// asynchronous export, poll its status until it succeeds, then
            /// stream the archive (`.save_to(path)` writes it to disk without
            /// holding it in memory).
            ///
            /// Polls with [`export_poll_policy`](crate::jobs::export_poll_policy)
            /// unless told otherwise (`.poll_policy(..)`, `.timeout(..)`); the
            /// states are the export's (`QUEUED`, `IN_PROGRESS`, `SUCCESS`).
            /// `ERROR`, an unknown status or none is
            /// [`Error::Job`](crate::runtime::Error::Job); running out of time
            /// [`Error::Timeout`](crate::runtime::Error::Timeout) naming the
            /// last status.
            pub fn export_potential_role(
                &self,
                session_id: impl Into<String>,
                potential_role_id: impl Into<String>,
                request: crate::$module::models::RoleMiningPotentialRoleExportRequest,
            ) -> crate::jobs::JobWait<
                'static,
                crate::$module::models::RoleMiningPotentialRoleExportState,
                crate::runtime::Download<crate::$module::ErrorBody>,
                crate::$module::ErrorBody,
            > {
                use crate::$module::models::RoleMiningPotentialRoleExportState as State;
                use crate::jobs::{job_error, lock, Check, Ids};

                let (client, session_id, role_id) = (self.clone(), session_id.into(), potential_role_id.into());
                let status_op = $op(self, "exportRoleMiningPotentialRoleStatus");
                let ids = crate::jobs::Shared::new(std::sync::Mutex::new(Ids::default()));
                let (known, described) = (ids.clone(), ids);
                let mut request = Some(request);
                let check = move |fetch: bool| {
                    let (client, session_id, role_id, ids) = (client.clone(), session_id.clone(), role_id.clone(), known.clone());
                    let request = request.take();
                    let check: crate::jobs::BoxFuture<'static, _> = Box::pin(async move {
                        // The first check starts the export; the others ask
                        // for the status of the export it started.
                        let known_id = lock(&ids).id.clone();
                        let id = match (known_id, request) {
                            (Some(id), _) => id,
                            (None, Some(request)) => {
                                let op = $op(&client, "exportRoleMiningPotentialRoleAsync");
                                let begun = client.export_role_mining_potential_role_async(session_id.clone(), role_id.clone()).body(request).send().await?;
                                let id = begun.export_id.ok_or_else(|| job_error(op, "the server started an export but sent no exportId".into()))?;
                                lock(&ids).id = Some(id.clone());
                                id
                            }
                            (None, None) => return Err(job_error(status_op, "the export was never started".into())),
                        };
                        let status = client.export_role_mining_potential_role_status(session_id.clone(), role_id.clone(), id.clone()).send().await?;
                        match status.status {
                            Some(State::Success) => {
                                let zip = if fetch {
                                    Some(client.download_role_mining_potential_role_zip(session_id, role_id, id).send().await?)
                                } else {
                                    None
                                };
                                Ok(Check::Done(State::Success, zip))
                            }
                            Some(state @ (State::Queued | State::InProgress)) => Ok(Check::Running(state)),
                            Some(State::Error) => Err(job_error(status_op, format!("export {id} failed on the server (status ERROR)"))),
                            Some(other) => Err(job_error(status_op, format!("export {id} is in a status this crate does not know: {other}"))),
                            None => Err(job_error(status_op, format!("the status of export {id} came without a status"))),
                        }
                    });
                    check
                };
                let describe = move || match &lock(&described).id {
                    Some(id) => format!("export {id}"),
                    None => "an export to be started".to_owned(),
                };
                crate::jobs::JobWait::new(status_op, Box::new(describe), crate::jobs::export_poll_policy(), Box::new(check))
            }
        }
    };
}

#[cfg(feature = "beta")]
jobs!(beta, |_: &crate::beta::Client, id: &'static str| id);
// One impl serves v2024, v2025, v2026 and v1: their clients dereference to
// the v2025 client, which knows its edition's operation ids.
#[cfg(any(feature = "v2024", feature = "v2025", feature = "v2026", feature = "v1"))]
jobs!(v2025, |client: &crate::v2025::Client, id: &'static str| client.edition().operation_id(id).unwrap_or(id));
