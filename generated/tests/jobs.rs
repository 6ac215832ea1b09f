//! The workflow helpers of src/jobs.rs end to end, for every API module,
//! against wiremock on 127.0.0.1: creating a session and waiting for its
//! potential roles, waiting for a provisioning request, exporting a
//! potential role; through every state, with an unknown state, a failed
//! job and a timeout.
#![cfg(all(feature = "beta", feature = "v2024", feature = "v2025", feature = "v2026", feature = "v1"))]

mod support;

/// The job tests for one API module, where its sessions live, the value its
/// requests must carry in `X-SailPoint-Experimental` (`None`: absent), and
/// the suffix its operation ids carry (`V1`).
macro_rules! job_tests {
    ($api:ident, $sessions:literal, $experimental:expr, $suffix:literal) => {
        mod $api {
            use std::sync::{Arc, Mutex};
            use std::time::Duration;

            use futures_util::StreamExt;
            use serde_json::json;
            use wiremock::matchers::{body_json, method, path};
            use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

            use sailpoint_role_mining::$api::models::{RoleMiningPotentialRoleExportRequest, RoleMiningSessionDto};
            use sailpoint_role_mining::$api::Client;
            use sailpoint_role_mining::jobs::PollPolicy;
            use sailpoint_role_mining::runtime::{Error, RetryPolicy};

            use crate::support::*;

            const EXPERIMENTAL: Option<&str> = $experimental;
            const SESSIONS: &str = $sessions;
            const SESSION: &str = concat!($sessions, "/sess-1");
            const SESSION_STATUS: &str = concat!($sessions, "/sess-1/status");
            const ROLE: &str = concat!($sessions, "/sess-1/potential-role-summaries/role-2");
            const START: &str = concat!($sessions, "/sess-1/potential-roles/role-2/export-async");
            const STATUS: &str = concat!($sessions, "/sess-1/potential-roles/role-2/export-async/exp-3");
            const DOWNLOAD: &str = concat!($sessions, "/sess-1/potential-roles/role-2/export-async/exp-3/download");
            const ZIP: &[u8] = b"PK\x03\x04\x14\x00\x08\x00\xff\xfe\x00identities.csv";

            struct Boxed(Box<dyn Respond>);

            impl Respond for Boxed {
                fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
                    self.0.respond(request)
                }
            }

            fn op(name: &str) -> String {
                format!("{name}{}", $suffix)
            }

            fn fast_polling() -> PollPolicy {
                PollPolicy {
                    initial_interval: Duration::from_millis(5),
                    max_interval: Duration::from_millis(10),
                    timeout: Duration::from_secs(5),
                }
            }

            fn slow_timeout() -> PollPolicy {
                PollPolicy { initial_interval: Duration::from_millis(40), max_interval: Duration::from_millis(60), timeout: Duration::from_millis(300) }
            }

            /// A server where `method path` answers with the responder, each
            /// only to requests with the token and the experimental header.
            async fn serve(mounts: Vec<(&'static str, &'static str, Box<dyn Respond>)>) -> (MockServer, Client) {
                let server = MockServer::start().await;
                for (http_method, route, responder) in mounts {
                    Mock::given(method(http_method))
                        .and(path(route))
                        .and(bearer(STATIC_TOKEN))
                        .and(HeaderIs("x-sailpoint-experimental", EXPERIMENTAL.map(String::from)))
                        .respond_with(Boxed(responder))
                        .mount(&server)
                        .await;
                }
                let api = Client::from_runtime(static_client(&server.uri(), RetryPolicy::disabled()));
                (server, api)
            }

            async fn calls(server: &MockServer, route: &str) -> usize {
                requests_to(server, route).await.len()
            }

            fn answers(field: &str, values: &[&str], extra: serde_json::Value) -> Box<dyn Respond> {
                let responses = values
                    .iter()
                    .map(|v| {
                        let mut body = extra.clone();
                        body[field] = json!(v);
                        json_response(200, body)
                    })
                    .collect();
                Box::new(Sequence::new(responses))
            }

            /// Records each state the callback is given, as its wire value.
            fn recorder<S: ToString>() -> (Arc<Mutex<Vec<String>>>, impl FnMut(&S) + Send + 'static) {
                let seen: Arc<Mutex<Vec<String>>> = Arc::default();
                let sink = seen.clone();
                (seen, move |state: &S| sink.lock().unwrap().push(state.to_string()))
            }

            // ---- create a session, wait for its potential roles ----

            fn created() -> Box<dyn Respond> {
                Box::new(json_response(201, json!({"id": "sess-1", "name": "Q3", "status": {"state": "CREATED"}})))
            }

            fn session() -> Box<dyn Respond> {
                Box::new(json_response(200, json!({"id": "sess-1", "name": "Q3", "potentialRoleCount": 3, "potentialRolesReadyCount": 3})))
            }

            fn session_states(states: &[&str]) -> Box<dyn Respond> {
                answers("state", states, json!({}))
            }

            #[tokio::test]
            async fn a_new_session_goes_through_every_state_to_its_potential_roles() {
                let states = [
                    "CREATED",
                    "CREATED",
                    "UPDATED",
                    "IDENTITIES_OBTAINED",
                    "PRUNE_THRESHOLD_OBTAINED",
                    "POTENTIAL_ROLES_PROCESSING",
                    "POTENTIAL_ROLES_PROCESSING",
                    "POTENTIAL_ROLES_CREATED",
                ];
                let (server, api) = serve(vec![
                    ("POST", SESSIONS, created()),
                    ("GET", SESSION_STATUS, session_states(&states)),
                    ("GET", SESSION, session()),
                ])
                .await;
                let (seen, on_state) = recorder();

                let body = RoleMiningSessionDto { name: Some("Q3".into()), prune_threshold: Some(50), ..Default::default() };
                let ready = api.create_session_and_wait(body).poll_policy(fast_polling()).on_state(on_state).await.expect("ready");

                assert_eq!((ready.id.as_deref(), ready.potential_role_count), (Some("sess-1"), Some(3)));
                assert_eq!(
                    *seen.lock().unwrap(),
                    [
                        "CREATED",
                        "UPDATED",
                        "IDENTITIES_OBTAINED",
                        "PRUNE_THRESHOLD_OBTAINED",
                        "POTENTIAL_ROLES_PROCESSING",
                        "POTENTIAL_ROLES_CREATED"
                    ],
                    "each state once, in order"
                );
                let created = requests_to(&server, SESSIONS).await;
                assert_eq!(created.len(), 1);
                assert_eq!(created[0].body_json::<serde_json::Value>().unwrap(), json!({"name": "Q3", "pruneThreshold": 50}));
                assert_eq!((calls(&server, SESSION_STATUS).await, calls(&server, SESSION).await), (8, 1));
            }

            #[tokio::test]
            async fn session_states_stream() {
                let (server, api) = serve(vec![
                    ("GET", SESSION_STATUS, session_states(&["IDENTITIES_OBTAINED", "POTENTIAL_ROLES_PROCESSING", "POTENTIAL_ROLES_CREATED"])),
                    ("GET", SESSION, session()),
                ])
                .await;

                let states: Vec<String> = api
                    .wait_for_potential_roles("sess-1")
                    .poll_policy(fast_polling())
                    .states()
                    .map(|s| s.expect("state").to_string())
                    .collect()
                    .await;
                assert_eq!(states, ["IDENTITIES_OBTAINED", "POTENTIAL_ROLES_PROCESSING", "POTENTIAL_ROLES_CREATED"]);
                assert_eq!(calls(&server, SESSION).await, 0, "the stream does not fetch the result");
            }

            #[tokio::test]
            async fn a_failed_session_is_a_job_error() {
                let (server, api) = serve(vec![
                    ("GET", SESSION_STATUS, session_states(&["POTENTIAL_ROLES_PROCESSING", "FAILED"])),
                    ("GET", SESSION, session()),
                ])
                .await;
                let (seen, on_state) = recorder();

                let err = api.wait_for_potential_roles("sess-1").poll_policy(fast_polling()).on_state(on_state).await.unwrap_err();
                let Error::Job(job) = &err else { panic!("expected Error::Job, got {err:?}") };
                assert_eq!(job.operation_id, op("getRoleMiningSessionStatus"));
                assert_eq!(err.to_string(), format!("{}: session sess-1 failed on the server (state FAILED)", op("getRoleMiningSessionStatus")));
                assert_eq!(*seen.lock().unwrap(), ["POTENTIAL_ROLES_PROCESSING"]);
                assert_eq!(calls(&server, SESSION).await, 0);
            }

            #[tokio::test]
            async fn an_unknown_session_state_is_a_job_error() {
                let (_server, api) = serve(vec![("GET", SESSION_STATUS, session_states(&["CREATED", "ARCHIVED"]))]).await;

                let mut states = api.wait_for_potential_roles("sess-1").poll_policy(fast_polling()).states();
                assert_eq!(states.next().await.unwrap().unwrap().to_string(), "CREATED");
                let err = states.next().await.unwrap().unwrap_err();
                assert_eq!(
                    err.to_string(),
                    format!("{}: session sess-1 is in a state this crate does not know: ARCHIVED", op("getRoleMiningSessionStatus"))
                );
                assert!(states.next().await.is_none(), "the stream ends after the error");
            }

            #[tokio::test]
            async fn a_session_that_never_finishes_times_out_naming_the_last_state() {
                let (_server, api) = serve(vec![("GET", SESSION_STATUS, session_states(&["IDENTITIES_OBTAINED", "POTENTIAL_ROLES_PROCESSING"]))]).await;

                let err = api.wait_for_potential_roles("sess-1").poll_policy(slow_timeout()).await.unwrap_err();
                let Error::Timeout(timeout) = &err else { panic!("expected Error::Timeout, got {err:?}") };
                assert_eq!(timeout.operation_id, op("getRoleMiningSessionStatus"));
                assert!(timeout.after >= Duration::from_millis(300), "{:?}", timeout.after);
                let shown = err.to_string();
                assert!(
                    shown.contains(" s waiting for the potential roles of session sess-1 (last status POTENTIAL_ROLES_PROCESSING, "),
                    "{shown}"
                );
            }

            // ---- wait for a provisioning request ----

            fn provision_states(states: &[&str]) -> Box<dyn Respond> {
                answers("provisionState", states, json!({"id": "role-2", "name": "Finance analysts", "roleId": "new-role-9"}))
            }

            #[tokio::test]
            async fn provisioning_goes_from_potential_through_pending_to_complete() {
                let (server, api) = serve(vec![("GET", ROLE, provision_states(&["POTENTIAL", "PENDING", "PENDING", "COMPLETE"]))]).await;
                let (seen, on_state) = recorder();

                let role = api.wait_for_provisioning("sess-1", "role-2").poll_policy(fast_polling()).on_state(on_state).await.expect("provisioned");
                assert_eq!(role.role_id.as_deref(), Some("new-role-9"));
                assert_eq!(*seen.lock().unwrap(), ["POTENTIAL", "PENDING", "COMPLETE"]);
                assert_eq!(calls(&server, ROLE).await, 4);
            }

            #[tokio::test]
            async fn failed_provisioning_is_a_job_error() {
                let (_server, api) = serve(vec![("GET", ROLE, provision_states(&["PENDING", "FAILED"]))]).await;

                let err = api.wait_for_provisioning("sess-1", "role-2").poll_policy(fast_polling()).await.unwrap_err();
                assert!(matches!(&err, Error::Job(job) if job.operation_id == op("getPotentialRole")), "{err:?}");
                assert_eq!(err.to_string(), format!("{}: provisioning potential role role-2 failed on the server (state FAILED)", op("getPotentialRole")));
            }

            #[tokio::test]
            async fn an_unknown_provisioning_state_is_a_job_error() {
                let (_server, api) = serve(vec![("GET", ROLE, provision_states(&["PENDING", "ON_HOLD"]))]).await;

                let err = api.wait_for_provisioning("sess-1", "role-2").poll_policy(fast_polling()).await.unwrap_err();
                assert_eq!(
                    err.to_string(),
                    format!("{}: potential role role-2 is in a provisioning state this crate does not know: ON_HOLD", op("getPotentialRole"))
                );
            }

            #[tokio::test]
            async fn provisioning_that_never_finishes_times_out_naming_the_last_state() {
                let (_server, api) = serve(vec![("GET", ROLE, provision_states(&["POTENTIAL", "PENDING"]))]).await;

                let err = api.wait_for_provisioning("sess-1", "role-2").poll_policy(slow_timeout()).await.unwrap_err();
                assert!(matches!(&err, Error::Timeout(t) if t.operation_id == op("getPotentialRole")), "{err:?}");
                let shown = err.to_string();
                assert!(shown.contains(" s waiting for the provisioning of potential role role-2 (last status PENDING, "), "{shown}");
            }

            // ---- export a potential role ----

            fn export_json(status: &str) -> serde_json::Value {
                json!({"exportId": "exp-3", "status": status, "minEntitlementPopularity": 60, "includeCommonAccess": false})
            }

            fn export_states(states: &[&str]) -> Box<dyn Respond> {
                Box::new(Sequence::new(states.iter().map(|s| json_response(200, export_json(s))).collect()))
            }

            fn request() -> RoleMiningPotentialRoleExportRequest {
                RoleMiningPotentialRoleExportRequest { min_entitlement_popularity: Some(60), include_common_access: Some(false) }
            }

            /// The three export endpoints: start (checking the body), status, download.
            async fn serve_export(start: ResponseTemplate, status: Box<dyn Respond>) -> (MockServer, Client) {
                let zip = ResponseTemplate::new(200).set_body_raw(ZIP, "application/zip");
                let (server, api) = serve(vec![("GET", STATUS, status), ("GET", DOWNLOAD, Box::new(zip))]).await;
                Mock::given(method("POST"))
                    .and(path(START))
                    .and(bearer(STATIC_TOKEN))
                    .and(HeaderIs("x-sailpoint-experimental", EXPERIMENTAL.map(String::from)))
                    .and(body_json(json!({"minEntitlementPopularity": 60, "includeCommonAccess": false})))
                    .respond_with(start)
                    .mount(&server)
                    .await;
                (server, api)
            }

            /// How many requests each endpoint received: (start, status, download).
            async fn export_counts(server: &MockServer) -> (usize, usize, usize) {
                (calls(server, START).await, calls(server, STATUS).await, calls(server, DOWNLOAD).await)
            }

            #[tokio::test]
            async fn export_polls_until_success_then_streams_the_zip() {
                let (server, api) =
                    serve_export(json_response(202, export_json("QUEUED")), export_states(&["QUEUED", "IN_PROGRESS", "SUCCESS"])).await;
                let (seen, on_state) = recorder();

                let zip = api
                    .export_potential_role("sess-1", String::from("role-2"), request())
                    .poll_policy(fast_polling())
                    .on_state(on_state)
                    .await
                    .unwrap_or_else(|e| panic!("export failed: {e:?}"));
                assert_eq!(zip.content_type(), Some("application/zip"));
                assert_eq!(zip.bytes().await.expect("the zip").as_ref(), ZIP);
                assert_eq!(*seen.lock().unwrap(), ["QUEUED", "IN_PROGRESS", "SUCCESS"]);
                assert_eq!(export_counts(&server).await, (1, 3, 1));
                for request in server.received_requests().await.unwrap() {
                    let values: Vec<_> =
                        request.headers.get_all("x-sailpoint-experimental").iter().map(|v| v.to_str().unwrap()).collect();
                    match EXPERIMENTAL {
                        Some(want) => assert_eq!(values, [want], "{} {}", request.method, request.url),
                        None => assert!(values.is_empty(), "{} {}", request.method, request.url),
                    }
                }
            }

            #[tokio::test]
            async fn export_with_the_default_policy() {
                let (server, api) = serve_export(json_response(202, export_json("QUEUED")), export_states(&["SUCCESS"])).await;

                let zip = api.export_potential_role("sess-1", "role-2", request()).await.expect("export");
                assert_eq!(zip.bytes().await.expect("the zip").as_ref(), ZIP);
                assert_eq!(export_counts(&server).await, (1, 1, 1));
            }

            #[tokio::test]
            async fn export_states_stream() {
                let (server, api) =
                    serve_export(json_response(202, export_json("QUEUED")), export_states(&["QUEUED", "IN_PROGRESS", "IN_PROGRESS", "SUCCESS"])).await;

                let states: Vec<String> = api
                    .export_potential_role("sess-1", "role-2", request())
                    .poll_policy(fast_polling())
                    .states()
                    .map(|s| s.expect("state").to_string())
                    .collect()
                    .await;
                assert_eq!(states, ["QUEUED", "IN_PROGRESS", "SUCCESS"]);
                assert_eq!(export_counts(&server).await, (1, 4, 0), "started once, nothing downloaded");
            }

            #[tokio::test]
            async fn export_error_status_is_a_job_error() {
                let (server, api) = serve_export(json_response(202, export_json("QUEUED")), export_states(&["QUEUED", "ERROR"])).await;

                let err = api.export_potential_role("sess-1", "role-2", request()).poll_policy(fast_polling()).await.unwrap_err();
                let Error::Job(job) = &err else { panic!("expected Error::Job, got {err:?}") };
                assert_eq!(job.operation_id, op("exportRoleMiningPotentialRoleStatus"));
                assert_eq!(err.to_string(), format!("{}: export exp-3 failed on the server (status ERROR)", op("exportRoleMiningPotentialRoleStatus")));
                assert_eq!(export_counts(&server).await, (1, 2, 0), "no download after a failed job");
            }

            #[tokio::test]
            async fn an_unknown_export_status_is_a_job_error_not_still_running() {
                let (server, api) = serve_export(json_response(202, export_json("QUEUED")), export_states(&["QUEUED", "PAUSED", "SUCCESS"])).await;

                let err = api.export_potential_role("sess-1", "role-2", request()).poll_policy(fast_polling()).await.unwrap_err();
                assert_eq!(
                    err.to_string(),
                    format!("{}: export exp-3 is in a status this crate does not know: PAUSED", op("exportRoleMiningPotentialRoleStatus"))
                );
                assert_eq!(export_counts(&server).await, (1, 2, 0));
            }

            #[tokio::test]
            async fn export_that_never_finishes_times_out_naming_the_last_status() {
                let (server, api) = serve_export(json_response(202, export_json("QUEUED")), export_states(&["QUEUED", "IN_PROGRESS"])).await;
                let policy = PollPolicy { timeout: Duration::from_millis(300), initial_interval: Duration::from_millis(50), ..PollPolicy::default() };

                let err = api.export_potential_role("sess-1", "role-2", request()).poll_policy(policy).await.unwrap_err();

                let Error::Timeout(timeout) = &err else { panic!("expected Error::Timeout, got {err:?}") };
                assert_eq!(timeout.operation_id, op("exportRoleMiningPotentialRoleStatus"));
                assert!(timeout.after >= Duration::from_millis(300), "{:?}", timeout.after);
                let shown = err.to_string();
                assert!(shown.contains(" s waiting for export exp-3 (last status IN_PROGRESS, "), "{shown}");
                let (start, polls, download) = export_counts(&server).await;
                assert_eq!((start, download), (1, 0));
                // Checks at about 0, 50, 125, 237 and 300 ms.
                assert!((3..=8).contains(&polls), "{polls} status checks");
                assert_eq!(timeout.attempts as usize, polls);
            }

            #[tokio::test]
            async fn export_without_an_id_is_a_job_error() {
                let (server, api) = serve_export(json_response(202, json!({"status": "QUEUED"})), export_states(&["SUCCESS"])).await;

                let err = api.export_potential_role("sess-1", "role-2", request()).poll_policy(fast_polling()).await.unwrap_err();
                let Error::Job(job) = &err else { panic!("expected Error::Job, got {err:?}") };
                assert_eq!(job.operation_id, op("exportRoleMiningPotentialRoleAsync"));
                assert_eq!(export_counts(&server).await, (1, 0, 0));
            }
        }
    };
}

job_tests!(beta, "/beta/role-mining-sessions", None, "");
job_tests!(v2025, "/v2025/role-mining-sessions", Some("true"), "");
job_tests!(v2024, "/v2024/role-mining-sessions", Some("true"), "");
job_tests!(v2026, "/v2026/role-mining-sessions", Some("true"), "");
// The per-resource API names its operations `...V1`; errors say so.
job_tests!(v1, "/role-mining-sessions/v1", Some("true"), "V1");
