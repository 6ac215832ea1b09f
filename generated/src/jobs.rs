//! Work that spans several calls. Hand-written on top of the generated
//! operations (the runtime stays free of role-mining knowledge).

use std::time::Duration;

pub use crate::runtime::PollPolicy;

/// Status polling for exports: they usually finish within seconds to a few
/// minutes, so start fast and back off to 5 s between checks, for at most
/// 15 minutes.
pub fn export_poll_policy() -> PollPolicy {
    PollPolicy {
        initial_interval: Duration::from_millis(500),
        max_interval: Duration::from_secs(5),
        timeout: Duration::from_secs(15 * 60),
    }
}

#[cfg(any(feature = "beta", feature = "v2024", feature = "v2025", feature = "v2026", feature = "v1"))]
macro_rules! export_job {
    // `$op`: the operation id the client's API uses for one named in the
    // module's spec (an edition such as `v1` names them differently).
    ($module:ident, $op:expr) => {
        impl crate::$module::Client {
            /// Export a potential role as a zip archive in one call: start the
            /// asynchronous export, poll its status with backoff until it
            /// succeeds (an `ERROR` status fails with
            /// [`Error::Job`](crate::runtime::Error::Job); running past
            /// `policy.timeout` with [`Error::Timeout`](crate::runtime::Error::Timeout)),
            /// then stream the archive: `.save_to(path)` writes it to disk
            /// without holding it in memory.
            ///
            /// See [`export_poll_policy`](crate::jobs::export_poll_policy) for a sensible `policy`.
            pub async fn export_potential_role(
                &self,
                session_id: &str,
                potential_role_id: &str,
                request: crate::$module::models::RoleMiningPotentialRoleExportRequest,
                policy: &crate::runtime::PollPolicy,
            ) -> Result<crate::runtime::Download<crate::$module::ErrorBody>, crate::$module::Error> {
                use crate::$module::models::RoleMiningPotentialRoleExportState as State;
                use crate::runtime::{Error, JobError};

                let started = self.export_role_mining_potential_role_async(session_id, potential_role_id).body(request).send().await?;
                let export_id = started.export_id.ok_or_else(|| {
                    Error::Job(JobError::new($op(self, "exportRoleMiningPotentialRoleAsync"), "the server started an export but sent no exportId"))
                })?;
                let status_op = $op(self, "exportRoleMiningPotentialRoleStatus");
                crate::runtime::poll_until(status_op, policy, || async {
                    let status = self.export_role_mining_potential_role_status(session_id, potential_role_id, export_id.as_str()).send().await?;
                    match status.status {
                        Some(State::Success) => Ok(Some(())),
                        Some(State::Error) => Err(Error::Job(JobError::new(status_op, format!("export {export_id} failed on the server")))),
                        _ => Ok(None),
                    }
                })
                .await?;
                self.download_role_mining_potential_role_zip(session_id, potential_role_id, export_id.as_str()).send().await
            }
        }
    };
}

#[cfg(feature = "beta")]
export_job!(beta, |_: &crate::beta::Client, id: &'static str| id);
// One impl serves v2024, v2025, v2026 and v1: their clients dereference to
// the v2025 client, which knows its edition's operation ids.
#[cfg(any(feature = "v2024", feature = "v2025", feature = "v2026", feature = "v1"))]
export_job!(v2025, |client: &crate::v2025::Client, id: &'static str| client.edition().operation_id(id).unwrap_or(id));
