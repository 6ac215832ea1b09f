//! The emulated tenant (`sailpoint_role_mining::emulator`) driven through the
//! crate: a whole role-mining workflow, the same under injected faults with
//! retries, every operation of every version, SailPoint's errors, the
//! experimental header, determinism, and the binary.
#![cfg(all(
    feature = "emulator",
    feature = "beta",
    feature = "v1",
    feature = "v2024",
    feature = "v2025",
    feature = "v2026"
))]

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::future::Future;
use std::io::Read;
use std::time::{Duration, Instant};

use sailpoint_role_mining::emulator::{Emulator, Faults};
use sailpoint_role_mining::jobs::PollPolicy;
use sailpoint_role_mining::runtime::{self, RetryPolicy};
use sailpoint_role_mining::v1::models::*;

/// A session stage takes 20 ms, provisioning 40 ms, an export step 15 ms.
const TIME_SCALE: f64 = 0.01;

fn fast_polls() -> PollPolicy {
    PollPolicy { initial_interval: Duration::from_millis(5), max_interval: Duration::from_millis(20), timeout: Duration::from_secs(10) }
}

async fn tenant(seed: u64) -> Emulator {
    Emulator::builder().seed(seed).time_scale(TIME_SCALE).start().await.expect("the emulator starts")
}

fn replace(path: &str, value: JsonPatchOperationValue) -> JsonPatchOperation {
    JsonPatchOperation { op: JsonPatchOperationOp::Replace, path: path.into(), value: Some(value) }
}

fn role_replace(path: &str, value: JsonPatchOperationValue) -> JsonPatchOperationRoleMining {
    JsonPatchOperationRoleMining { op: JsonPatchOperationRoleMiningOp::Replace, path: path.into(), value: Some(value) }
}

const ORDER: [RoleMiningSessionState; 6] = [
    RoleMiningSessionState::Created,
    RoleMiningSessionState::Updated,
    RoleMiningSessionState::IdentitiesObtained,
    RoleMiningSessionState::PruneThresholdObtained,
    RoleMiningSessionState::PotentialRolesProcessing,
    RoleMiningSessionState::PotentialRolesCreated,
];

fn rank(state: &RoleMiningSessionState) -> usize {
    ORDER.iter().position(|s| s == state).unwrap_or_else(|| panic!("unexpected state {state:?}"))
}

/// Try `call` again while it fails the way a flaky network or server
/// makes it fail (and the runtime's own retries gave up or do not apply:
/// POST/PATCH after a 5xx, a body cut short).
async fn again<T, B: Debug, F, Fut>(what: &str, mut call: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, runtime::Error<B>>>,
{
    let mut last = String::new();
    for _ in 0..15 {
        match call().await {
            Ok(value) => return value,
            Err(e) if transient(&e) => last = e.to_string(),
            Err(e) => panic!("{what}: {e}"),
        }
    }
    panic!("{what}: still failing after 15 tries: {last}")
}

fn transient<B>(e: &runtime::Error<B>) -> bool {
    matches!(e, runtime::Error::Transport(_) | runtime::Error::Timeout(_))
        || e.status().is_some_and(|s| s.is_server_error() || s.as_u16() == 429 || s.as_u16() == 401)
}

/// Poll a session's status until `POTENTIAL_ROLES_CREATED`; the states seen.
async fn wait_for_roles(api: &sailpoint_role_mining::v1::Client, session: &str) -> Vec<RoleMiningSessionState> {
    let started = Instant::now();
    let mut seen: Vec<RoleMiningSessionState> = Vec::new();
    loop {
        let status = again("getRoleMiningSessionStatus", || api.get_role_mining_session_status(session).send()).await;
        let state = status.state.expect("a status has a state");
        if seen.last() != Some(&state) {
            seen.push(state.clone());
        }
        if state == RoleMiningSessionState::PotentialRolesCreated {
            return seen;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "still {state:?} after 20 s: {seen:?}");
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
}

fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the download is a zip archive");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("a readable entry");
            let mut text = String::new();
            file.read_to_string(&mut text).expect("a UTF-8 CSV file");
            (file.name().to_owned(), text)
        })
        .collect()
}

/// The workflow a user runs, through the v1 API. With `faulty`, every call
/// goes through [`again`] and tolerates the effects of an earlier attempt
/// that was carried out but whose answer was lost.
async fn workflow(api: &sailpoint_role_mining::v1::Client, faulty: bool) {
    let label = if faulty { " (under faults)" } else { "" };

    // 1. A session over the whole tenant; it moves through its states.
    let request = RoleMiningSessionDto {
        scope: Some(RoleMiningSessionScope { identity_ids: Some(vec![]), criteria: None, attribute_filter_criteria: None }),
        prune_threshold: Some(70),
        min_num_identities_in_potential_role: Some(3),
        r#type: Some(RoleMiningRoleType::Specialized),
        name: Some("Emulated mining".into()),
        ..Default::default()
    };
    let created = again("createRoleMiningSessions", || api.create_role_mining_sessions(request.clone()).send()).await;
    let session = created.id.clone().expect("a new session has an id");
    if !faulty {
        assert_eq!(created.status.and_then(|s| s.state), Some(RoleMiningSessionState::Created));
    }
    let states = wait_for_roles(api, &session).await;
    let ranks: Vec<usize> = states.iter().map(rank).collect();
    assert!(ranks.windows(2).all(|w| w[0] < w[1]), "states out of order{label}: {states:?}");
    if !faulty {
        assert!(states.len() >= 3, "a 20 ms stage polled every 3 ms shows several states: {states:?}");
    }
    let done = again("getRoleMiningSession", || api.get_role_mining_session(&session).send()).await;
    let found = done.potential_role_count.expect("potentialRoleCount");
    assert_eq!(done.potential_roles_ready_count, Some(found));
    assert!(found >= 8, "the whole tenant yields many roles, got {found}");
    assert_eq!(done.identity_count, Some(150));

    // 2. List and page its potential roles: pages, X-Total-Count, sorters, filters.
    let first = again("getPotentialRoleSummaries", || api.get_potential_role_summaries(&session).limit(5).count(true).send_page()).await;
    assert_eq!(first.total_count, Some(found as u64));
    assert_eq!(first.items.len(), 5);
    let mut paged = Vec::new();
    for offset in (0..found).step_by(5) {
        let page = again("getPotentialRoleSummaries", || api.get_potential_role_summaries(&session).offset(offset).limit(5).send()).await;
        paged.extend(page.into_iter().map(|r| r.id.expect("id")));
    }
    let all = again("getPotentialRoleSummaries", || api.get_potential_role_summaries(&session).limit(10).collect_all()).await;
    let streamed: Vec<String> = all.iter().map(|r| r.id.clone().expect("id")).collect();
    assert_eq!(paged, streamed, "offset/limit pages and the stream agree");
    assert_eq!(streamed.iter().collect::<BTreeSet<_>>().len(), found as usize, "no role twice");
    let best = again("getPotentialRoleSummaries", || api.get_potential_role_summaries(&session).sorters("-quality,name").send()).await;
    let qualities: Vec<i32> = best.iter().map(|r| r.quality.expect("quality")).collect();
    assert!(qualities.windows(2).all(|w| w[0] >= w[1]), "sorted by -quality: {qualities:?}");
    let finance = again("getPotentialRoleSummaries", || {
        api.get_potential_role_summaries(&session).filters(r#"name sw "Finance" and identityCount ge 3"#).send()
    })
    .await;
    assert!(!finance.is_empty());
    assert!(finance.iter().all(|r| r.name.as_deref().is_some_and(|n| n.starts_with("Finance"))), "{finance:?}");
    let across = again("getAllPotentialRoleSummaries", || {
        api.get_all_potential_role_summaries().filters(format!(r#"sessionId eq "{session}""#)).count(true).limit(1).send_page()
    })
    .await;
    assert_eq!(across.total_count, Some(found as u64));

    // 3. Look into the best role and patch it.
    let role = best[0].id.clone().expect("id");
    let details = again("getPotentialRole", || api.get_potential_role(&session, &role).send()).await;
    let identities = details.identity_count.expect("identityCount");
    assert_eq!(details.identity_ids.as_ref().map(Vec::len), Some(identities as usize));
    let members = again("getIdentitiesPotentialRole", || api.get_identities_potential_role(&session, &role).sorters("name").collect_all()).await;
    assert_eq!(members.len(), identities as usize);
    let names: Vec<String> = members.iter().map(|m| m.name.clone().expect("name")).collect();
    assert!(names.windows(2).all(|w| w[0].to_lowercase() <= w[1].to_lowercase()), "sorted by name: {names:?}");
    let popular = again("getEntitlementsPotentialRole", || api.get_entitlements_potential_role(&session, &role).sorters("-popularity").send()).await;
    let top = popular[0].clone();
    assert!(top.popularity.expect("popularity") >= popular.last().and_then(|e| e.popularity).expect("popularity"));
    let distribution = again("getEntitlementDistributionPotentialRole", || api.get_entitlement_distribution_potential_role(&session, &role).send()).await;
    assert_eq!(distribution.values().sum::<i32>() as usize, popular.len(), "every entitlement is in one bucket");
    let patch = vec![
        role_replace("/description", JsonPatchOperationValue::String("Reviewed in the emulator".into())),
        role_replace("/saved", JsonPatchOperationValue::Boolean(true)),
    ];
    let patched = again("patchPotentialRoleSession", || api.patch_potential_role_session(&session, &role, patch.clone()).send()).await;
    assert_eq!(patched["description"], "Reviewed in the emulator");
    let saved = again("getSavedPotentialRoles", || api.get_saved_potential_roles().sorters("-modified").send()).await;
    assert_eq!(saved.first().and_then(|d| d.id.clone()).as_deref(), Some(role.as_str()), "the newest saved role comes first");
    let excluded_id = top.entitlement_ref.and_then(|r| r.id).expect("entitlement id");
    let edit = RoleMiningPotentialRoleEditEntitlements { ids: Some(vec![excluded_id.clone()]), exclude: Some(true) };
    let edited = again("updateEntitlementsPotentialRole", || api.update_entitlements_potential_role(&session, &role, edit.clone()).send()).await;
    assert_eq!(edited.excluded_entitlements, Some(vec![excluded_id.clone()]));
    let excluded = again("getExcludedEntitlementsPotentialRole", || api.get_excluded_entitlements_potential_role(&session, &role).send()).await;
    assert_eq!(excluded.iter().filter_map(|e| e.entitlement_ref.as_ref()?.id.clone()).collect::<Vec<_>>(), [excluded_id]);

    // 4. Provision it: POTENTIAL -> PENDING -> COMPLETE.
    assert_eq!(details.provision_state, Some(RoleMiningPotentialRoleProvisionState::Potential));
    let provision = RoleMiningPotentialRoleProvisionRequest {
        role_name: Some("Finance analysts".into()),
        owner_id: Some("2c918090761a5aac0176215c46a62d58".into()),
        ..Default::default()
    };
    let started = api
        .create_potential_role_provision_request(&session, &role)
        .min_entitlement_popularity(50)
        .body(provision.clone())
        .send()
        .await;
    match started {
        Ok(summary) => assert_eq!(summary.provision_state, Some(RoleMiningPotentialRoleProvisionState::Pending)),
        // An earlier attempt went through but its answer was lost: try
        // again; "already provisioned" then means it did.
        Err(e) if faulty && transient(&e) => {
            let retried =
                api.create_potential_role_provision_request(&session, &role).min_entitlement_popularity(50).body(provision).send().await;
            if let Err(e) = retried {
                assert!(transient(&e) || e.status().is_some_and(|s| s.as_u16() == 400), "{e}");
            }
        }
        Err(e) => panic!("createPotentialRoleProvisionRequest: {e}"),
    }
    let started = Instant::now();
    let provisioned = loop {
        let now = again("getRoleMiningPotentialRole", || api.get_role_mining_potential_role(&role).send()).await;
        if now.provision_state == Some(RoleMiningPotentialRoleProvisionState::Complete) {
            break now;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "still {:?}", now.provision_state);
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert!(provisioned.role_id.is_some(), "a complete role names the role it created");

    // 5. Export it, wait for the job and unzip the archive.
    let request = RoleMiningPotentialRoleExportRequest { min_entitlement_popularity: Some(0), include_common_access: Some(true) };
    let archive = again("export_potential_role", || async {
        let download = api.export_potential_role(&session, &role, request.clone()).poll_policy(fast_polls()).await?;
        assert_eq!(download.content_type(), Some("application/zip"));
        download.bytes().await
    })
    .await;
    let files = unzip(&archive);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["identities.csv", "entitlements.csv"]);
    let people = &files[0].1;
    assert_eq!(people.lines().count(), identities as usize + 1, "a header and one row per identity");
    assert!(people.starts_with("id,displayName,email,department,location,jobTitle\n"));
    assert!(files[1].1.lines().count() >= 2);

    // 6. Change the session's threshold: it is mined again.
    let patch = vec![replace("/pruneThreshold", JsonPatchOperationValue::Integer(90)), replace("/saved", JsonPatchOperationValue::Boolean(true))];
    let patched = again("patchRoleMiningSession", || api.patch_role_mining_session(&session, patch.clone()).send()).await;
    assert_eq!(patched["pruneThreshold"], 90);
    let again_states = wait_for_roles(api, &session).await;
    assert!(rank(&again_states[0]) >= 1, "a re-mined session starts over at UPDATED: {again_states:?}");
    let remined = again("getPotentialRoleSummaries", || api.get_potential_role_summaries(&session).send()).await;
    assert!(remined.iter().all(|r| r.id.as_deref() != Some(role.as_str())), "new potential roles after mining again");
}

#[tokio::test]
async fn a_role_mining_workflow_end_to_end() {
    let tenant = tenant(7).await;
    let client = tenant.client_builder().retry_policy(RetryPolicy::disabled()).build().expect("client");
    workflow(&client.v1(), false).await;

    // Tokens expire: the client fetches a new one and carries on.
    assert_eq!(tenant.stats().tokens_issued, 1);
    tenant.expire_tokens();
    let sessions = client.v1().get_role_mining_sessions().send().await.expect("a fresh token is fetched on 401");
    assert_eq!(sessions.len(), 3, "two seeded sessions and ours");
    let stats = tenant.stats();
    assert_eq!((stats.tokens_issued, stats.unauthorized), (2, 1));
    assert_eq!((stats.rate_limited, stats.server_errors, stats.cut), (0, 0, 0));
}

#[tokio::test]
async fn the_workflow_survives_faults_with_retries() {
    let faults = Faults::none().server_errors(0.08).slow(0.1, Duration::from_millis(15)).cut(0.05).token_expiry(0.04);
    let tenant = Emulator::builder().seed(11).time_scale(TIME_SCALE).faults(faults.clone()).start().await.expect("start");
    let retries = RetryPolicy {
        max_attempts: 10,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        max_elapsed: Duration::from_secs(30),
        max_retry_after: Duration::from_secs(5),
    };
    let client = tenant.client_builder().retry_policy(retries.clone()).timeout(Duration::from_secs(5)).build().expect("client");
    let api = client.v1();
    workflow(&api, true).await;
    // More traffic, so that every kind of fault shows up.
    for n in 0..40 {
        let page = again("getAllPotentialRoleSummaries", || api.get_all_potential_role_summaries().offset(n % 7).limit(4).send()).await;
        assert_eq!(page.len(), 4);
    }
    // And the rate limit: a burst past 5 requests a second is answered 429
    // with Retry-After, which the client waits out.
    tenant.set_faults(faults.rate_limit(5, Duration::from_secs(1)));
    let burst = tenant.client_builder().retry_policy(retries).build().expect("client");
    for _ in 0..12 {
        let sessions = again("getRoleMiningSessions", || burst.v1().get_role_mining_sessions().send()).await;
        assert!(sessions.len() >= 3);
    }
    let stats = tenant.stats();
    eprintln!("{stats:?}");
    assert!(stats.rate_limited > 0, "{stats:?}");
    assert!(stats.server_errors > 0, "{stats:?}");
    assert!(stats.slow > 0, "{stats:?}");
    assert!(stats.cut > 0, "{stats:?}");
    assert!(stats.tokens_expired > 0 && stats.tokens_issued > 1, "{stats:?}");
}

/// Ids of the seeded tenant that the per-operation calls need.
struct Ids {
    session: String,
    roles: Vec<String>,
    source: String,
}

async fn seeded_ids(client: &runtime::Client) -> Ids {
    let beta = client.beta();
    let sessions = beta.get_role_mining_sessions().sorters("createdDate").send().await.expect("sessions");
    let session = sessions[0].id.clone().expect("id");
    let roles: Vec<String> = beta
        .get_potential_role_summaries(&session)
        .send()
        .await
        .expect("roles")
        .into_iter()
        .filter(|r| r.provision_state == Some(sailpoint_role_mining::beta::models::RoleMiningPotentialRoleProvisionState::Potential))
        .map(|r| r.id.expect("id"))
        .collect();
    let popular = beta.get_entitlements_potential_role(&session, &roles[0]).send().await.expect("entitlements");
    Ids {
        source: popular[0].source_id.clone().expect("sourceId"),
        session,
        roles,
    }
}

fn accepted<T>(operation: &str, version: &str, result: Result<T, impl std::fmt::Display>) -> T {
    result.unwrap_or_else(|e| panic!("{version} {operation}: {e}"))
}

/// Every operation once through `$api`, each answered 2xx. `$role` is the
/// potential role this version provisions (each can be provisioned once).
macro_rules! every_operation {
    ($version:literal, $api:expr, $module:ident, $patch_role:ident, $ids:expr, $role:expr) => {{
        use sailpoint_role_mining::$module::models as m;
        let api = &$api;
        let ids: &Ids = $ids;
        let (s, r) = (ids.session.as_str(), $role);
        let v = $version;
        let new_session = m::RoleMiningSessionDto {
            scope: Some(m::RoleMiningSessionScope {
                identity_ids: None,
                criteria: Some("source.name:\"GitHub\"".into()),
                attribute_filter_criteria: None,
            }),
            min_num_identities_in_potential_role: Some(2),
            ..Default::default()
        };
        let created = accepted("createRoleMiningSessions", v, api.create_role_mining_sessions(new_session).send().await);
        assert!(created.id.is_some());
        let listed = accepted("getRoleMiningSessions", v, api.get_role_mining_sessions().filters("saved eq true").sorters("-createdDate").count(true).send().await);
        assert!(!listed.is_empty());
        accepted("getRoleMiningSession", v, api.get_role_mining_session(s).send().await);
        let rename = vec![m::JsonPatchOperation {
            op: m::JsonPatchOperationOp::Replace,
            path: "/name".into(),
            value: Some(m::JsonPatchOperationValue::String(format!("Renamed through {v}"))),
        }];
        accepted("patchRoleMiningSession", v, api.patch_role_mining_session(s, rename).send().await);
        accepted("getRoleMiningSessionStatus", v, api.get_role_mining_session_status(s).send().await);
        accepted("getPotentialRoleSummaries", v, api.get_potential_role_summaries(s).sorters("createdDate").filters("quality ge 0").offset(0).limit(10).count(true).send().await);
        accepted("getPotentialRole", v, api.get_potential_role(s, r).send().await);
        let describe = |text: &str| {
            vec![m::JsonPatchOperationRoleMining {
                op: m::JsonPatchOperationRoleMiningOp::Replace,
                path: "/description".into(),
                value: Some(m::JsonPatchOperationValue::String(text.into())),
            }]
        };
        accepted("patchPotentialRoleSession", v, api.patch_potential_role_session(s, r, describe("through the session")).send().await);
        accepted("getPotentialRoleApplications", v, api.get_potential_role_applications(s, r).filters(r#"applicationName sw "A""#).count(true).send().await);
        accepted("getPotentialRoleEntitlements", v, api.get_potential_role_entitlements(s, r).filters(r#"entitlementRef.name co "a""#).send().await);
        let popular = accepted("getEntitlementsPotentialRole", v, api.get_entitlements_potential_role(s, r).include_common_access(false).sorters("-popularity").send().await);
        let entitlement = popular[0].entitlement_ref.as_ref().and_then(|e| e.id.clone()).expect("an entitlement id");
        accepted("getEntitlementDistributionPotentialRole", v, api.get_entitlement_distribution_potential_role(s, r).include_common_access(true).send().await);
        let edit = m::RoleMiningPotentialRoleEditEntitlements { ids: Some(vec![entitlement]), exclude: Some(true) };
        accepted("updateEntitlementsPotentialRole", v, api.update_entitlements_potential_role(s, r, edit).send().await);
        accepted("getIdentitiesPotentialRole", v, api.get_identities_potential_role(s, r).sorters("name").filters(r#"name sw "A""#).send().await);
        let zip = accepted("exportRoleMiningPotentialRole", v, api.export_role_mining_potential_role(s, r).send().await);
        assert_eq!(unzip(&accepted("download", v, zip.bytes().await)).len(), 2);
        let export = m::RoleMiningPotentialRoleExportRequest { min_entitlement_popularity: Some(10), include_common_access: Some(false) };
        let started = accepted("exportRoleMiningPotentialRoleAsync", v, api.export_role_mining_potential_role_async(s, r).body(export).send().await);
        let export_id = started.export_id.expect("exportId");
        let status = accepted("exportRoleMiningPotentialRoleStatus", v, api.export_role_mining_potential_role_status(s, r, &export_id).send().await);
        assert_eq!(status.status, Some(m::RoleMiningPotentialRoleExportState::Success), "time scale 0 finishes at once");
        let zip = accepted("downloadRoleMiningPotentialRoleZip", v, api.download_role_mining_potential_role_zip(s, r, &export_id).send().await);
        assert_eq!(unzip(&accepted("download", v, zip.bytes().await)).len(), 2);
        let provision = m::RoleMiningPotentialRoleProvisionRequest { role_name: Some(format!("Provisioned through {v}")), ..Default::default() };
        accepted("createPotentialRoleProvisionRequest", v, api.create_potential_role_provision_request(s, r).min_entitlement_popularity(0).include_common_access(true).body(provision).send().await);
        accepted("getExcludedEntitlementsPotentialRole", v, api.get_excluded_entitlements_potential_role(s, r).sorters("popularity").send().await);
        accepted("getAllPotentialRoleSummaries", v, api.get_all_potential_role_summaries().sorters("-createdDate").filters(r#"scopingMethod eq "MANUAL""#).count(true).send().await);
        accepted("getRoleMiningPotentialRole", v, api.get_role_mining_potential_role(r).send().await);
        accepted(stringify!($patch_role), v, api.$patch_role(r, describe("directly")).send().await);
        accepted("getSavedPotentialRoles", v, api.get_saved_potential_roles().sorters("-modified").send().await);
        accepted("getPotentialRoleSourceIdentityUsage", v, api.get_potential_role_source_identity_usage(r, &ids.source).sorters("-usageCount").send().await);
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_every_version_is_accepted() {
    let tenant = Emulator::builder().seed(3).time_scale(0.0).start().await.expect("start");
    let client = tenant.client().expect("client");
    let ids = seeded_ids(&client).await;
    assert!(ids.roles.len() >= 5, "{} roles", ids.roles.len());
    // A client (so a token and a request budget) per version, all at once.
    let own = || tenant.client().expect("client");
    let (beta, v2024, v2025, v2026, v1) = (own(), own(), own(), own(), own());
    tokio::join!(
        async { every_operation!("beta", beta.beta(), beta, patch_role_mining_potential_role, &ids, ids.roles[0].as_str()) },
        async { every_operation!("v2024", v2024.v2024(), v2024, patch_potential_role, &ids, ids.roles[1].as_str()) },
        async { every_operation!("v2025", v2025.v2025(), v2025, patch_potential_role, &ids, ids.roles[2].as_str()) },
        async { every_operation!("v2026", v2026.v2026(), v2026, patch_potential_role, &ids, ids.roles[3].as_str()) },
        async { every_operation!("v1", v1.v1(), v1, patch_potential_role, &ids, ids.roles[4].as_str()) },
    );
    // One tenant behind all of them: each version's provisioning is seen by the others.
    let provisioned = client.beta().get_all_potential_role_summaries().filters(r#"provisionState eq "COMPLETE""#).send().await.expect("list");
    assert_eq!(provisioned.len(), 6, "the seeded one and one per version");
}

#[tokio::test]
async fn errors_come_in_sailpoint_shapes() {
    use sailpoint_role_mining::v1::ErrorBody;

    let tenant = tenant(5).await;
    let client = tenant.client().expect("client");
    let api = client.v1();

    let missing = api.get_role_mining_session("no-such-session").send().await.expect_err("404");
    let error = missing.as_api().expect("an API error");
    assert_eq!(error.status.as_u16(), 404);
    assert_eq!(error.detail_code.as_deref(), Some("404 Not found"));
    assert!(error.tracking_id.as_deref().is_some_and(|t| t.len() == 32), "{error:?}");
    assert!(matches!(&error.body, Some(ErrorBody::ErrorResponseDto(dto)) if dto.messages.as_ref().is_some_and(|m| !m.is_empty())));

    let bad = api.get_all_potential_role_summaries().filters("owner eq \"me\"").send().await.expect_err("400");
    let error = bad.as_api().expect("an API error");
    assert_eq!((error.status.as_u16(), error.detail_code.as_deref()), (400, Some("400.1 Bad Request Content")));
    assert!(error.message.as_deref().is_some_and(|m| m.contains("`owner` is not supported")), "{error:?}");
    let too_many = api.get_role_mining_sessions().limit(251).send().await.expect_err("400");
    assert_eq!(too_many.status().map(|s| s.as_u16()), Some(400));
    let wrong_path = vec![replace("/id", JsonPatchOperationValue::String("x".into()))];
    let session = client.beta().get_role_mining_sessions().send().await.expect("sessions")[0].id.clone().expect("id");
    let refused = api.patch_role_mining_session(&session, wrong_path).send().await.expect_err("400");
    assert!(refused.as_api().and_then(|e| e.message.as_deref()).is_some_and(|m| m.contains("/id cannot be patched")));

    let stranger = runtime::Client::builder().base_url(tenant.url()).access_token("not-a-token").build().expect("client");
    let denied = stranger.v1().get_role_mining_sessions().send().await.expect_err("401");
    let error = denied.as_api().expect("an API error");
    assert_eq!(error.status.as_u16(), 401);
    assert!(matches!(&error.body, Some(ErrorBody::UnauthorizedBody(b)) if b.error.is_some()));
    assert_eq!(error.detail_code.as_deref(), Some("401 Unauthorized"));

    let wrong_secret = runtime::Client::builder().base_url(tenant.url()).client_credentials("someone", "else").build().expect("client");
    let refused = wrong_secret.v1().get_role_mining_sessions().send().await.expect_err("no token");
    assert!(matches!(refused, runtime::Error::Auth(_)), "{refused}");

    tenant.set_faults(Faults::none().rate_limit(2, Duration::from_secs(30)));
    let strict = tenant.client_builder().retry_policy(RetryPolicy::disabled()).build().expect("client");
    for _ in 0..2 {
        strict.v1().get_role_mining_sessions().send().await.expect("within the limit");
    }
    let limited = strict.v1().get_role_mining_sessions().send().await.expect_err("429");
    let error = limited.as_api().expect("an API error");
    assert_eq!(error.status.as_u16(), 429);
    assert!(matches!(&error.body, Some(ErrorBody::TooManyRequestsBody(b)) if b.message.is_some()));
    assert!(error.retry_after.is_some_and(|d| d > Duration::from_secs(20) && d <= Duration::from_secs(30)), "{:?}", error.retry_after);
}

#[tokio::test]
async fn the_experimental_header_is_required_where_upstream_requires_it() {
    let tenant = tenant(5).await;
    let (id, secret) = tenant.client_credentials();
    let http = reqwest::Client::new();
    let answer = http
        .post(format!("{}/oauth/token", tenant.url()))
        .form(&[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret)])
        .send()
        .await
        .expect("token");
    let token: serde_json::Value = serde_json::from_slice(&answer.bytes().await.expect("body")).expect("JSON");
    assert_eq!(token["expires_in"], 749);
    let token = token["access_token"].as_str().expect("access_token").to_owned();
    for (path, needs_header) in [
        ("/beta/role-mining-sessions", false),
        ("/v2024/role-mining-sessions", true),
        ("/v2025/role-mining-sessions", true),
        ("/v2026/role-mining-sessions", true),
        ("/role-mining-sessions/v1", true),
    ] {
        let get = |experimental: bool| {
            let request = http.get(format!("{}{path}", tenant.url())).bearer_auth(&token);
            if experimental {
                request.header("X-SailPoint-Experimental", "true")
            } else {
                request
            }
        };
        let without = get(false).send().await.expect("answer");
        let expected = if needs_header { 400 } else { 200 };
        assert_eq!(without.status().as_u16(), expected, "{path} without the header");
        if needs_header {
            let body: serde_json::Value = serde_json::from_slice(&without.bytes().await.expect("body")).expect("JSON");
            assert!(body["messages"][0]["text"].as_str().is_some_and(|t| t.contains("X-SailPoint-Experimental")), "{body}");
        }
        assert_eq!(get(true).send().await.expect("answer").status().as_u16(), 200, "{path} with the header");
    }
    let unknown = http.get(format!("{}/v3/role-mining-sessions", tenant.url())).bearer_auth(&token).send().await.expect("answer");
    assert_eq!(unknown.status().as_u16(), 404);
}

#[tokio::test]
async fn the_same_seed_makes_the_same_tenant() {
    async fn snapshot(seed: u64) -> (Vec<serde_json::Value>, (String, String)) {
        let tenant = Emulator::builder().seed(seed).time_scale(0.0).start().await.expect("start");
        let client = tenant.client().expect("client");
        let mut roles = client.beta().get_all_potential_role_summaries().collect_all().await.expect("roles");
        let session = roles[0].session.as_ref().and_then(|s| s.id.clone()).expect("session");
        let people = client.beta().get_identities_potential_role(&session, roles[0].id.as_deref().expect("id")).send().await.expect("identities");
        roles.truncate(5);
        let mut values: Vec<serde_json::Value> = roles.iter().map(|r| serde_json::to_value(r).expect("JSON")).collect();
        values.push(serde_json::to_value(people).expect("JSON"));
        (values, tenant.client_credentials())
    }
    let (first, credentials) = snapshot(42).await;
    let (second, same_credentials) = snapshot(42).await;
    assert_eq!(first, second);
    assert_eq!(credentials, same_credentials);
    let (other, other_credentials) = snapshot(43).await;
    assert_ne!(first, other);
    assert_ne!(credentials, other_credentials);
}

#[tokio::test]
async fn the_binary_serves_a_tenant() {
    use std::io::BufRead;

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sailpoint-role-mining-emulator"))
        .args(["--port", "0", "--seed", "9", "--client-id", "cli", "--client-secret", "cli-secret", "--faults", "rate-limit"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    // Read the banner, then keep reading (and dropping) whatever follows.
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        let _ = tx.send(lines.next().unwrap_or_else(|| Ok(String::new())));
        lines.for_each(drop);
    });
    let first = rx;
    let first = tokio::time::timeout(Duration::from_secs(30), first).await;
    let result = async {
        let first = first.expect("a line in time").expect("sent").expect("read");
        assert!(first.contains("faults: rate-limit=100/10s"), "{first}");
        let url = first.split_whitespace().find(|w| w.starts_with("http://")).expect("the URL").to_owned();
        let client = runtime::Client::builder().base_url(&url).client_credentials("cli", "cli-secret").build().expect("client");
        client.v1().get_role_mining_sessions().send().await.expect("sessions").len()
    };
    let sessions = tokio::time::timeout(Duration::from_secs(30), result).await;
    child.kill().expect("stopped");
    child.wait().expect("reaped");
    assert_eq!(sessions.expect("answered in time"), 2);
}
