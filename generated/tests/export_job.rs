//! `export_potential_role` (src/jobs.rs) end to end, for both API modules:
//! start the export, poll its status until it succeeds, stream the zip; and
//! the failure paths (job error, timeout, no export id).
#![cfg(all(feature = "beta", feature = "v2024", feature = "v2025", feature = "v2026", feature = "v1"))]

mod support;

/// The job tests for one API module, where its sessions live, the value its
/// requests must carry in `X-SailPoint-Experimental` (`None`: absent), and
/// the suffix its operation ids carry (`V1`).
macro_rules! export_job_tests {
    ($api:ident, $sessions:literal, $experimental:expr, $suffix:literal) => {
        mod $api {
            use std::time::Duration;

            use serde_json::json;
            use wiremock::matchers::{body_json, method, path};
            use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

            use sailpoint_role_mining::$api::models::RoleMiningPotentialRoleExportRequest;
            use sailpoint_role_mining::$api::Client;
            use sailpoint_role_mining::jobs::PollPolicy;
            use sailpoint_role_mining::runtime::{Error, RetryPolicy};

            use crate::support::*;

            const EXPERIMENTAL: Option<&str> = $experimental;
            const START: &str = concat!($sessions, "/sess-1/potential-roles/role-2/export-async");
            const STATUS: &str = concat!($sessions, "/sess-1/potential-roles/role-2/export-async/exp-3");
            const DOWNLOAD: &str =
                concat!($sessions, "/sess-1/potential-roles/role-2/export-async/exp-3/download");
            const ZIP: &[u8] = b"PK\x03\x04\x14\x00\x08\x00\xff\xfe\x00identities.csv";

            fn export_json(status: &str) -> serde_json::Value {
                json!({"exportId": "exp-3", "status": status, "minEntitlementPopularity": 60, "includeCommonAccess": false})
            }

            fn statuses(states: &[&str]) -> Sequence {
                Sequence::new(states.iter().map(|s| json_response(200, export_json(s))).collect())
            }

            fn request() -> RoleMiningPotentialRoleExportRequest {
                RoleMiningPotentialRoleExportRequest { min_entitlement_popularity: Some(60), include_common_access: Some(false) }
            }

            fn fast_polling() -> PollPolicy {
                PollPolicy {
                    initial_interval: Duration::from_millis(10),
                    max_interval: Duration::from_millis(20),
                    timeout: Duration::from_secs(5),
                }
            }

            /// A server for the three endpoints of the job; each answers only
            /// requests with the token and the module's experimental header.
            async fn serve(start: ResponseTemplate, status: impl Respond + 'static) -> (MockServer, Client) {
                let server = MockServer::start().await;
                let experimental = || HeaderIs("x-sailpoint-experimental", EXPERIMENTAL.map(String::from));
                Mock::given(method("POST"))
                    .and(path(START))
                    .and(bearer(STATIC_TOKEN))
                    .and(experimental())
                    .and(body_json(json!({"minEntitlementPopularity": 60, "includeCommonAccess": false})))
                    .respond_with(start)
                    .mount(&server)
                    .await;
                Mock::given(method("GET"))
                    .and(path(STATUS))
                    .and(bearer(STATIC_TOKEN))
                    .and(experimental())
                    .respond_with(status)
                    .mount(&server)
                    .await;
                Mock::given(method("GET"))
                    .and(path(DOWNLOAD))
                    .and(bearer(STATIC_TOKEN))
                    .and(experimental())
                    .and(HeaderIs("accept", Some("application/zip, application/json".into())))
                    .respond_with(ResponseTemplate::new(200).set_body_raw(ZIP, "application/zip"))
                    .mount(&server)
                    .await;
                let api = Client::from_runtime(static_client(&server.uri(), RetryPolicy::disabled()));
                (server, api)
            }

            /// How many requests each endpoint received: (start, status, download).
            async fn counts(server: &MockServer) -> (usize, usize, usize) {
                (
                    requests_to(server, START).await.len(),
                    requests_to(server, STATUS).await.len(),
                    requests_to(server, DOWNLOAD).await.len(),
                )
            }

            #[tokio::test]
            async fn export_polls_until_success_then_streams_the_zip() {
                let (server, api) =
                    serve(json_response(202, export_json("QUEUED")), statuses(&["QUEUED", "IN_PROGRESS", "SUCCESS"])).await;

                let zip = api
                    .export_potential_role("sess-1", "role-2", request(), &fast_polling())
                    .await
                    .unwrap_or_else(|e| panic!("export failed: {e:?}"));
                assert_eq!(zip.content_type(), Some("application/zip"));
                assert_eq!(zip.bytes().await.expect("the zip").as_ref(), ZIP);

                assert_eq!(counts(&server).await, (1, 3, 1));
                let all = server.received_requests().await.unwrap();
                for request in &all {
                    let values: Vec<_> =
                        request.headers.get_all("x-sailpoint-experimental").iter().map(|v| v.to_str().unwrap()).collect();
                    match EXPERIMENTAL {
                        Some(want) => assert_eq!(values, [want], "{} {}", request.method, request.url),
                        None => assert!(values.is_empty(), "{} {}", request.method, request.url),
                    }
                }
            }

            #[tokio::test]
            async fn export_error_status_is_a_job_error() {
                let (server, api) = serve(json_response(202, export_json("QUEUED")), statuses(&["QUEUED", "ERROR"])).await;

                let err = api.export_potential_role("sess-1", "role-2", request(), &fast_polling()).await.unwrap_err();
                let Error::Job(job) = &err else { panic!("expected Error::Job, got {err:?}") };
                assert_eq!(job.operation_id, concat!("exportRoleMiningPotentialRoleStatus", $suffix));
                assert!(job.message.contains("exp-3"), "{}", job.message);
                assert_eq!(counts(&server).await, (1, 2, 0), "no download after a failed job");
            }

            #[tokio::test]
            async fn export_that_never_finishes_times_out() {
                let (server, api) = serve(json_response(202, export_json("QUEUED")), statuses(&["IN_PROGRESS"])).await;
                let policy = PollPolicy {
                    timeout: Duration::from_millis(300),
                    initial_interval: Duration::from_millis(50),
                    ..PollPolicy::default()
                };

                let err = api.export_potential_role("sess-1", "role-2", request(), &policy).await.unwrap_err();

                let Error::Timeout(timeout) = &err else { panic!("expected Error::Timeout, got {err:?}") };
                assert_eq!(timeout.operation_id, concat!("exportRoleMiningPotentialRoleStatus", $suffix));
                assert!(timeout.after >= Duration::from_millis(300), "{:?}", timeout.after);
                let (start, polls, download) = counts(&server).await;
                assert_eq!((start, download), (1, 0));
                // Checks at about 0, 50, 125, 237 and 300 ms.
                assert!((3..=8).contains(&polls), "{polls} status checks");
            }

            #[tokio::test]
            async fn export_without_an_id_is_a_job_error() {
                let (server, api) = serve(json_response(202, json!({"status": "QUEUED"})), statuses(&["SUCCESS"])).await;

                let err = api.export_potential_role("sess-1", "role-2", request(), &fast_polling()).await.unwrap_err();
                let Error::Job(job) = &err else { panic!("expected Error::Job, got {err:?}") };
                assert_eq!(job.operation_id, concat!("exportRoleMiningPotentialRoleAsync", $suffix));
                assert_eq!(counts(&server).await, (1, 0, 0));
            }
        }
    };
}

export_job_tests!(beta, "/beta/role-mining-sessions", None, "");
export_job_tests!(v2025, "/v2025/role-mining-sessions", Some("true"), "");
export_job_tests!(v2024, "/v2024/role-mining-sessions", Some("true"), "");
export_job_tests!(v2026, "/v2026/role-mining-sessions", Some("true"), "");
// The per-resource API names its operations `...V1`; errors say so.
export_job_tests!(v1, "/role-mining-sessions/v1", Some("true"), "V1");
