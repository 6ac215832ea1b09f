//! Conformance against an independent mock: Stoplight Prism (pinned in
//! `tools/prism`) serves each upstream spec of `../shared/reference`, and the
//! crate calls every operation of every API version through it.
//!
//! Prism serves the spec's paths without the server's base path, so a
//! loopback proxy (`prism_harness::Proxy`) takes the requests at the base
//! path of the spec's first server URL (`/beta`, `/v2025`, ..., none for
//! `v1`), forwards them to Prism without it, and records each exchange.
//!
//! For each version, with one request per call:
//!
//! - Prism must accept every request (a success status and no
//!   `sl-violations` entry about the request), except the operations listed
//!   in [`SPEC_MAKES_A_VALID_REQUEST_IMPOSSIBLE`], which it must reject for
//!   the reason named there. Each request must also reach the spec operation
//!   the method is documented for, with the path parameters in the right
//!   segments and only query parameters that operation declares.
//! - Static mode (`prism mock`): the responses are the spec's examples. Each
//!   must decode, except a response carrying one of the upstream examples
//!   that `shared/reference/README.md` lists as contradicting its own schema:
//!   that one must fail to decode exactly at that example, where Prism's own
//!   response validation flags it too. Nothing else may fail, and Prism may
//!   flag nothing else.
//! - Dynamic mode (`prism mock --dynamic`): random schema-based responses,
//!   [`ROUNDS`] rounds of every operation; every response must decode
//!   (downloads are read to the end). Where Prism's own validator flags a
//!   generated response, the summary says so.
//!
//! A per-version summary goes to stderr (`-- --nocapture` shows it). Without
//! Prism (`npm ci` in tools/prism) or ../shared the test is skipped, and
//! under `CI=true` it fails.
#![cfg(all(feature = "beta", feature = "v2024", feature = "v2025", feature = "v2026", feature = "v1"))]

mod prism_harness;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Debug, Write as _};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use prism_harness::{Exchange, Prism, Proxy, Spec};
use sailpoint_role_mining::runtime;

/// Rounds of every operation against the dynamic mock.
const ROUNDS: usize = 20;

const TOKEN: &str = "prism-conformance-token";

// Identifiers: the export routes declare `format: uuid` for all three path
// parameters, so those are UUIDs. They all differ, so an argument landing
// in the wrong segment shows.
const SESSION_ID: &str = "8c190e67-87aa-4ed9-a90b-d9d5344523fb";
const POTENTIAL_ROLE_ID: &str = "e0cc5d7d-bf7f-4f81-b2af-8885b09d9923";
const EXPORT_ID: &str = "0c6cdb76-1227-4aaf-af21-192dbdfbfa04";
const SOURCE_ID: &str = "2c9180835d191a86015d28455b4a2329";
const IDENTITY_ID: &str = "2c918090761a5aac0176215c46a62d58";

/// Which path parameter carries which of the identifiers above.
const PATH_PARAMETERS: [(&str, &str); 4] = [
    ("sessionId", SESSION_ID),
    ("potentialRoleId", POTENTIAL_ROLE_ID),
    ("exportId", EXPORT_ID),
    ("sourceId", SOURCE_ID),
];

/// Operations for which the upstream spec itself rules out a valid request:
/// (version, operation as called in beta/v2025 naming, reason). Prism must
/// reject them, and for that reason; the reason is re-checked against the
/// spec, and every operation of a spec with such a flaw must be listed.
const SPEC_MAKES_A_VALID_REQUEST_IMPOSSIBLE: &[(&str, &str, &str)] = &[
    ("v2024", "patchPotentialRole", PATCH_POTENTIAL_ROLE_FLAW),
    ("v2025", "patchPotentialRole", PATCH_POTENTIAL_ROLE_FLAW),
    ("v2026", "patchPotentialRole", PATCH_POTENTIAL_ROLE_FLAW),
    ("v1", "patchPotentialRole", PATCH_POTENTIAL_ROLE_FLAW),
];

const PATCH_POTENTIAL_ROLE_FLAW: &str = "declares a required path parameter `sessionId` that its path \
     (`/role-mining-potential-roles/{potentialRoleId}`) does not contain, so no URL can supply it";

/// The upstream examples `shared/reference/README.md` lists as contradicting
/// their own schema: (schema, property).
const README_INVALID_EXAMPLES: [(&str, &str); 5] = [
    ("RoleMiningSessionScope", "attributeFilterCriteria"),
    ("RoleMiningPotentialRoleApplication", "id"),
    ("RoleMiningPotentialRoleApplication", "name"),
    ("RoleMiningPotentialRoleEntitlements", "id"),
    ("RoleMiningPotentialRoleEntitlements", "name"),
];

struct Version {
    name: &'static str,
    /// Relative to `shared/reference`.
    spec: &'static str,
}

// ---- Calling every operation ----

/// What the crate made of one call.
enum Outcome {
    /// A typed response body (its `Debug` form).
    Decoded(String),
    /// A download, read to the end: its size.
    Downloaded(usize),
    /// An error status; `typed` when the body decoded into the type the
    /// spec declares for it.
    Api { status: u16, typed: bool, excerpt: String },
    /// A success response whose body did not decode.
    Decode { path: String, message: String },
    /// Anything else (transport, timeout, ...).
    Failed(String),
}

impl Debug for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Decoded(_) => f.write_str("decoded"),
            Outcome::Downloaded(n) => write!(f, "downloaded {n} bytes"),
            Outcome::Api { status, typed, excerpt } => write!(f, "API error {status} (typed body: {typed}): {excerpt}"),
            Outcome::Decode { path, message } => write!(f, "decode error at `{path}`: {message}"),
            Outcome::Failed(message) => write!(f, "failed: {message}"),
        }
    }
}

fn error_outcome<B>(error: runtime::Error<B>, typed: fn(&Option<B>) -> bool) -> Outcome {
    match error {
        runtime::Error::Api(e) => {
            Outcome::Api { status: e.status.as_u16(), typed: typed(&e.body), excerpt: e.body_excerpt.clone() }
        }
        runtime::Error::Decode(e) => Outcome::Decode { path: e.path.clone(), message: e.source.to_string() },
        other => Outcome::Failed(other.to_string()),
    }
}

fn decoded<T: Debug, B>(result: Result<T, runtime::Error<B>>, typed: fn(&Option<B>) -> bool) -> Outcome {
    match result {
        Ok(value) => Outcome::Decoded(format!("{value:?}")),
        Err(error) => error_outcome(error, typed),
    }
}

async fn downloaded<B>(
    result: Result<runtime::Download<B>, runtime::Error<B>>,
    typed: fn(&Option<B>) -> bool,
) -> Outcome {
    match result {
        Ok(download) => match download.bytes().await {
            Ok(bytes) => Outcome::Downloaded(bytes.len()),
            Err(error) => error_outcome(error, typed),
        },
        Err(error) => error_outcome(error, typed),
    }
}

/// One call through the crate and the exchanges it caused.
struct Call {
    /// The operation id in beta/v2025 naming.
    label: &'static str,
    outcome: Outcome,
    exchanges: Vec<Exchange>,
}

struct Runner<'a> {
    proxy: &'a Proxy,
    calls: Vec<Call>,
}

impl Runner<'_> {
    /// Run one operation (boxed: 25 of them inline make a future too
    /// large for a test thread's stack in debug builds).
    async fn call(&mut self, label: &'static str, operation: Pin<Box<dyn Future<Output = Outcome> + Send + '_>>) {
        self.proxy.take();
        let outcome = tokio::time::timeout(Duration::from_secs(60), operation)
            .await
            .unwrap_or_else(|_| Outcome::Failed("no answer within 60 s".into()));
        let exchanges = self.proxy.take();
        self.calls.push(Call { label, outcome, exchanges });
    }
}

/// Every operation once, with every optional parameter set to a valid
/// value and every body built from the generated types. `$module` names the
/// models and error body; `$patch_potential_role` is the method (and
/// `$patch_label` the operation id) of `PATCH /role-mining-potential-roles/{id}`,
/// whose name differs between beta and v2025.
macro_rules! every_operation {
    ($runner:expr, $api:expr, $module:ident, $patch_potential_role:ident, $patch_label:literal) => {{
        use sailpoint_role_mining::$module::models::*;
        use sailpoint_role_mining::$module::ErrorBody;

        /// The spec declares an ErrorResponseDto for the 400 Prism answers
        /// invalid requests with.
        fn typed(body: &Option<ErrorBody>) -> bool {
            matches!(body, Some(ErrorBody::ErrorResponseDto(_)))
        }

        let runner: &mut Runner<'_> = $runner;
        let api = &$api;
        let session = || RoleMiningSessionDto {
            scope: Some(RoleMiningSessionScope {
                identity_ids: Some(vec![IDENTITY_ID.into()]),
                criteria: Some("source.name:DataScienceDataset".into()),
                attribute_filter_criteria: Some(vec![json!({"name": "location", "operator": "EQUALS", "values": ["Miami"]})
                    .as_object()
                    .cloned()
                    .unwrap()]),
            }),
            prune_threshold: Some(50),
            min_num_identities_in_potential_role: Some(20),
            r#type: Some(RoleMiningRoleType::Specialized),
            email_recipient_id: Some(IDENTITY_ID.into()),
            saved: Some(true),
            name: Some("Prism conformance".into()),
            ..Default::default()
        };
        let session_patch = || {
            let replace = |path: &str, value| JsonPatchOperation {
                op: JsonPatchOperationOp::Replace,
                path: path.into(),
                value: Some(value),
            };
            vec![
                replace("/pruneThreshold", JsonPatchOperationValue::Integer(83)),
                replace("/saved", JsonPatchOperationValue::Boolean(true)),
                replace("/name", JsonPatchOperationValue::String("Prism conformance (edited)".into())),
                JsonPatchOperation { op: JsonPatchOperationOp::Remove, path: "/emailRecipientId".into(), value: None },
            ]
        };
        let role_patch = || {
            vec![
                JsonPatchOperationRoleMining {
                    op: JsonPatchOperationRoleMiningOp::Replace,
                    path: "/description".into(),
                    value: Some(JsonPatchOperationValue::String("Edited through Prism".into())),
                },
                JsonPatchOperationRoleMining {
                    op: JsonPatchOperationRoleMiningOp::Replace,
                    path: "/saved".into(),
                    value: Some(JsonPatchOperationValue::Boolean(false)),
                },
                JsonPatchOperationRoleMining { op: JsonPatchOperationRoleMiningOp::Remove, path: "/name".into(), value: None },
            ]
        };
        let filters = r#"name sw "Finance""#;

        runner
            .call("getRoleMiningSessions", Box::pin(async {
                let request = api.get_role_mining_sessions().filters(r#"saved eq true and name sw "RM""#);
                decoded(request.sorters("createdBy,-createdDate").offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
        runner
            .call("createRoleMiningSessions", Box::pin(async {
                decoded(api.create_role_mining_sessions(session()).send().await, typed)
            }))
            .await;
        runner
            .call("getRoleMiningSession", Box::pin(async { decoded(api.get_role_mining_session(SESSION_ID).send().await, typed) }))
            .await;
        runner
            .call("patchRoleMiningSession", Box::pin(async {
                decoded(api.patch_role_mining_session(SESSION_ID, session_patch()).send().await, typed)
            }))
            .await;
        runner
            .call("getRoleMiningSessionStatus", Box::pin(async {
                decoded(api.get_role_mining_session_status(SESSION_ID).send().await, typed)
            }))
            .await;
        runner
            .call("getPotentialRoleSummaries", Box::pin(async {
                let request = api.get_potential_role_summaries(SESSION_ID).sorters("createdDate").filters(filters);
                decoded(request.offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
        runner
            .call("getPotentialRole", Box::pin(async {
                decoded(api.get_potential_role(SESSION_ID, POTENTIAL_ROLE_ID).send().await, typed)
            }))
            .await;
        runner
            .call("patchPotentialRoleSession", Box::pin(async {
                decoded(api.patch_potential_role_session(SESSION_ID, POTENTIAL_ROLE_ID, role_patch()).send().await, typed)
            }))
            .await;
        runner
            .call("getPotentialRoleApplications", Box::pin(async {
                let request = api.get_potential_role_applications(SESSION_ID, POTENTIAL_ROLE_ID).filters(filters);
                decoded(request.offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
        runner
            .call("getPotentialRoleEntitlements", Box::pin(async {
                let request = api.get_potential_role_entitlements(SESSION_ID, POTENTIAL_ROLE_ID).filters(filters);
                decoded(request.offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
        runner
            .call("getEntitlementsPotentialRole", Box::pin(async {
                let request = api
                    .get_entitlements_potential_role(SESSION_ID, POTENTIAL_ROLE_ID)
                    .include_common_access(false)
                    .sorters("-popularity")
                    .filters(filters);
                decoded(request.offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
        runner
            .call("getEntitlementDistributionPotentialRole", Box::pin(async {
                let request =
                    api.get_entitlement_distribution_potential_role(SESSION_ID, POTENTIAL_ROLE_ID).include_common_access(true);
                decoded(request.send().await, typed)
            }))
            .await;
        runner
            .call("updateEntitlementsPotentialRole", Box::pin(async {
                let body = RoleMiningPotentialRoleEditEntitlements {
                    ids: Some(vec!["2c9180877212632a017228d5a796292c".into(), "2c9180877212632a017228d5a796292d".into()]),
                    exclude: Some(true),
                };
                decoded(api.update_entitlements_potential_role(SESSION_ID, POTENTIAL_ROLE_ID, body).send().await, typed)
            }))
            .await;
        runner
            .call("getIdentitiesPotentialRole", Box::pin(async {
                let request = api.get_identities_potential_role(SESSION_ID, POTENTIAL_ROLE_ID).sorters("name").filters(filters);
                decoded(request.offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
        runner
            .call("exportRoleMiningPotentialRole", Box::pin(async {
                downloaded(api.export_role_mining_potential_role(SESSION_ID, POTENTIAL_ROLE_ID).send().await, typed).await
            }))
            .await;
        runner
            .call("exportRoleMiningPotentialRoleAsync", Box::pin(async {
                let body = RoleMiningPotentialRoleExportRequest {
                    min_entitlement_popularity: Some(60),
                    include_common_access: Some(false),
                };
                let request = api.export_role_mining_potential_role_async(SESSION_ID, POTENTIAL_ROLE_ID).body(body);
                decoded(request.send().await, typed)
            }))
            .await;
        runner
            .call("exportRoleMiningPotentialRoleStatus", Box::pin(async {
                let request = api.export_role_mining_potential_role_status(SESSION_ID, POTENTIAL_ROLE_ID, EXPORT_ID);
                decoded(request.send().await, typed)
            }))
            .await;
        runner
            .call("downloadRoleMiningPotentialRoleZip", Box::pin(async {
                let request = api.download_role_mining_potential_role_zip(SESSION_ID, POTENTIAL_ROLE_ID, EXPORT_ID);
                downloaded(request.send().await, typed).await
            }))
            .await;
        runner
            .call("createPotentialRoleProvisionRequest", Box::pin(async {
                let body = RoleMiningPotentialRoleProvisionRequest {
                    role_name: Some("Finance - Accounting".into()),
                    role_description: Some("Provisioned from role mining".into()),
                    owner_id: Some(IDENTITY_ID.into()),
                    include_identities: Some(true),
                    directly_assigned_entitlements: Some(false),
                };
                let request = api
                    .create_potential_role_provision_request(SESSION_ID, POTENTIAL_ROLE_ID)
                    .min_entitlement_popularity(75)
                    .include_common_access(false)
                    .body(body);
                decoded(request.send().await, typed)
            }))
            .await;
        runner
            .call("getExcludedEntitlementsPotentialRole", Box::pin(async {
                let request = api
                    .get_excluded_entitlements_potential_role(SESSION_ID, POTENTIAL_ROLE_ID)
                    .sorters("popularity")
                    .filters(filters);
                decoded(request.offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
        runner
            .call("getAllPotentialRoleSummaries", Box::pin(async {
                let request = api.get_all_potential_role_summaries().sorters("-createdDate").filters(r#"scopingMethod eq "AUTO_RM""#);
                decoded(request.offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
        runner
            .call("getRoleMiningPotentialRole", Box::pin(async {
                decoded(api.get_role_mining_potential_role(POTENTIAL_ROLE_ID).send().await, typed)
            }))
            .await;
        runner
            .call($patch_label, Box::pin(async {
                decoded(api.$patch_potential_role(POTENTIAL_ROLE_ID, role_patch()).send().await, typed)
            }))
            .await;
        runner
            .call("getSavedPotentialRoles", Box::pin(async {
                let request = api.get_saved_potential_roles().sorters("-modified");
                decoded(request.offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
        runner
            .call("getPotentialRoleSourceIdentityUsage", Box::pin(async {
                let request = api.get_potential_role_source_identity_usage(POTENTIAL_ROLE_ID, SOURCE_ID).sorters("-usageCount");
                decoded(request.offset(0).limit(50).count(true).send().await, typed)
            }))
            .await;
    }};
}

/// One round: every operation of `version` once, through `proxy`.
async fn round(version: &Version, client: &runtime::Client, proxy: &Proxy) -> Vec<Call> {
    let mut runner = Runner { proxy, calls: Vec::new() };
    match version.name {
        "beta" => every_operation!(&mut runner, client.beta(), beta, patch_role_mining_potential_role, "patchRoleMiningPotentialRole"),
        "v2024" => every_operation!(&mut runner, client.v2024(), v2024, patch_potential_role, "patchPotentialRole"),
        "v2025" => every_operation!(&mut runner, client.v2025(), v2025, patch_potential_role, "patchPotentialRole"),
        "v2026" => every_operation!(&mut runner, client.v2026(), v2026, patch_potential_role, "patchPotentialRole"),
        "v1" => every_operation!(&mut runner, client.v1(), v1, patch_potential_role, "patchPotentialRole"),
        other => panic!("no such version: {other}"),
    }
    runner.calls
}

// ---- Judging the calls ----

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Static,
    Dynamic,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Static => "static",
            Mode::Dynamic => "dynamic",
        })
    }
}

/// An upstream example listed in the README as invalid, as this version's
/// spec spells it.
struct InvalidExample {
    name: String,
    property: &'static str,
    value: Value,
}

/// Where a JSON value sits: object keys and array indices, as strings (the
/// form of Prism's violation locations).
type Location = Vec<String>;

/// Every place in `body` holding one of the invalid examples under its own
/// property name.
fn invalid_examples_in(body: &Value, examples: &[InvalidExample]) -> Vec<(Location, String)> {
    fn walk(value: &Value, at: &mut Location, examples: &[InvalidExample], out: &mut Vec<(Location, String)>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    at.push(key.clone());
                    for example in examples.iter().filter(|e| e.property == key && e.value == *inner) {
                        out.push((at.clone(), example.name.clone()));
                    }
                    walk(inner, at, examples, out);
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    at.push(i.to_string());
                    walk(inner, at, examples, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(body, &mut Vec::new(), examples, &mut out);
    out
}

/// A decode error's path (`[0].session.scope.attributeFilterCriteria`) as a
/// location.
fn decode_location(path: &str) -> Location {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, indices) = part.split_once('[').map_or((part, ""), |(k, rest)| (k, rest));
        if !key.is_empty() {
            out.push(key.to_owned());
        }
        for index in indices.split('[').filter(|i| !i.is_empty()) {
            out.push(index.trim_end_matches(']').to_owned());
        }
    }
    out
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The largest char boundary of `text` at or before `index`.
fn char_floor(text: &str, index: usize) -> usize {
    (0..=index.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0)
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() > 1500 {
        format!("{}... ({} bytes)", &text[..char_floor(&text, 1500)], body.len())
    } else {
        text.into_owned()
    }
}

/// Counts for the summary.
#[derive(Default)]
struct Tally {
    calls: usize,
    sent: usize,
    accepted: usize,
    rejected_as_the_spec_forces: usize,
    decoded: usize,
    /// Static mode: responses that failed to decode at a README example.
    failed_at_readme_examples: usize,
    /// Static mode: the README examples met in responses.
    readme_examples_seen: BTreeSet<String>,
    /// Dynamic mode: Prism's complaints about its own generated responses,
    /// by operation and (index-free) message.
    flagged_responses: usize,
    flags: BTreeMap<String, usize>,
}

struct Judge<'a> {
    version: &'a Version,
    spec: &'a Spec,
    invalid_examples: &'a [InvalidExample],
    failures: Vec<String>,
    routed: BTreeSet<String>,
}

impl Judge<'_> {
    fn fail(&mut self, message: String) {
        self.failures.push(message);
    }

    fn spec_operation_id(&self, label: &str) -> String {
        if self.version.name == "v1" {
            format!("{label}V1")
        } else {
            label.to_owned()
        }
    }

    fn judge(&mut self, mode: Mode, call: &Call, tally: &mut Tally) {
        let version = self.version.name;
        let who = format!("{version} {mode} {}", call.label);
        tally.calls += 1;
        tally.sent += call.exchanges.len();
        let [exchange] = call.exchanges.as_slice() else {
            let sent: Vec<String> = call.exchanges.iter().map(Exchange::describe).collect();
            self.fail(format!("{who}: the client sent {} requests, expected exactly one: {sent:?}", sent.len()));
            return;
        };

        // Where the request went, by the spec's own routes.
        let Some(forwarded) = &exchange.forwarded else {
            self.fail(format!("{who}: {} is not under the spec's base path {:?}", exchange.path, self.spec.base_path));
            return;
        };
        let expected_id = self.spec_operation_id(call.label);
        match self.spec.route(&exchange.method, forwarded) {
            None => self.fail(format!("{who}: the spec has no operation for {} {forwarded}", exchange.method)),
            Some((operation, bindings)) => {
                self.routed.insert(operation.id.clone());
                if operation.id != expected_id {
                    self.fail(format!(
                        "{who}: {} {forwarded} is operation {} ({}) of the spec, not {expected_id}",
                        exchange.method, operation.id, operation.template
                    ));
                }
                for (name, value) in &bindings {
                    match PATH_PARAMETERS.iter().find(|(n, _)| n == name) {
                        Some((_, want)) if want != value => {
                            self.fail(format!("{who}: path parameter {name} is {value:?}, expected {want:?}"))
                        }
                        Some(_) => {}
                        None => self.fail(format!("{who}: path parameter {name} ({value:?}) is not one this test passes")),
                    }
                }
                let declared: BTreeSet<&str> =
                    operation.parameters.iter().filter(|(place, _)| place == "query").map(|(_, n)| n.as_str()).collect();
                for pair in exchange.query.as_deref().unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
                    let name = pair.split_once('=').map_or(pair, |(n, _)| n);
                    if !declared.contains(name) {
                        self.fail(format!("{who}: query parameter {name:?} is not declared by {}", operation.id));
                    }
                }
            }
        }

        // Prism's verdict on the request.
        let impossible =
            SPEC_MAKES_A_VALID_REQUEST_IMPOSSIBLE.iter().find(|(v, label, _)| *v == version && *label == call.label);
        if let Some((_, _, reason)) = impossible {
            let missing: Vec<String> = self
                .spec
                .operations
                .iter()
                .filter(|op| op.id == expected_id)
                .flat_map(|op| op.path_parameters_missing_from_path())
                .map(str::to_lowercase)
                .collect();
            let for_that_reason = exchange
                .request_violations()
                .iter()
                .any(|v| missing.iter().any(|name| v.message.to_lowercase().contains(&format!("'{name}'"))));
            if exchange.accepted() {
                self.fail(format!("{who}: Prism accepted it, though the spec {reason}: take it off the list"));
            } else if !for_that_reason {
                let violations: Vec<String> = exchange.violations.iter().map(ToString::to_string).collect();
                self.fail(format!("{who}: rejected ({}), but not because the spec {reason}: {violations:?}", exchange.status));
            } else {
                tally.rejected_as_the_spec_forces += 1;
            }
            match &call.outcome {
                Outcome::Api { status, typed: true, .. } if *status == exchange.status => {}
                other => self.fail(format!(
                    "{who}: Prism answered {} with {}, and the crate made of it: {other:?}",
                    exchange.status,
                    excerpt(&exchange.body)
                )),
            }
            return;
        }
        if !exchange.accepted() {
            let violations: Vec<String> = exchange.request_violations().iter().map(|v| v.to_string()).collect();
            self.fail(format!(
                "{who}: Prism rejected {}: {violations:?}; body: {}",
                exchange.describe(),
                excerpt(&exchange.body)
            ));
            return;
        }
        tally.accepted += 1;

        // The response.
        let body: Option<Value> = serde_json::from_slice(&exchange.body).ok();
        let at_examples = body.as_ref().map(|b| invalid_examples_in(b, self.invalid_examples)).unwrap_or_default();
        let flagged: Vec<Location> =
            exchange.response_violations().iter().filter_map(|v| v.response_body_location().map(<[String]>::to_vec)).collect();
        match mode {
            Mode::Static => {
                for (_, name) in &at_examples {
                    tally.readme_examples_seen.insert(name.clone());
                }
                for violation in exchange.response_violations() {
                    let explained = violation
                        .response_body_location()
                        .is_some_and(|at| at_examples.iter().any(|(location, _)| location.as_slice() == at));
                    if !explained {
                        self.fail(format!(
                            "{who}: Prism finds the spec's example response invalid where the README lists no bad example: {violation}"
                        ));
                    }
                }
                if at_examples.is_empty() {
                    self.expect_decoded(&who, call, exchange, tally);
                    return;
                }
                match &call.outcome {
                    Outcome::Decode { path, message } => {
                        let at = decode_location(path);
                        match at_examples.iter().find(|(location, _)| *location == at) {
                            Some(_) if flagged.contains(&at) => tally.failed_at_readme_examples += 1,
                            Some((_, name)) => self.fail(format!(
                                "{who}: decoding failed at {path} ({name}), but Prism does not flag that place: {flagged:?}"
                            )),
                            None => self.fail(format!(
                                "{who}: decoding failed at `{path}` ({message}), which holds none of the README's invalid \
                                 examples (they are at {at_examples:?}); body: {}",
                                excerpt(&exchange.body)
                            )),
                        }
                    }
                    other => self.fail(format!(
                        "{who}: the response carries the README's invalid examples at {at_examples:?}, which a faithful \
                         type must refuse, yet the crate gave: {other:?}"
                    )),
                }
            }
            Mode::Dynamic => {
                if !exchange.response_violations().is_empty() {
                    tally.flagged_responses += 1;
                }
                for violation in exchange.response_violations() {
                    let place: Vec<&str> = violation
                        .location
                        .iter()
                        .map(|p| if p.chars().all(|c| c.is_ascii_digit()) { "*" } else { p.as_str() })
                        .collect();
                    let message: String =
                        violation.message.split(' ').map(|w| if w.contains('.') { "<at>" } else { w }).collect::<Vec<_>>().join(" ");
                    *tally.flags.entry(format!("{expected_id}: {} ({message})", place.join("."))).or_default() += 1;
                }
                self.expect_decoded(&who, call, exchange, tally);
            }
        }
    }

    fn expect_decoded(&mut self, who: &str, call: &Call, exchange: &Exchange, tally: &mut Tally) {
        match &call.outcome {
            Outcome::Decoded(debug) => match debug.find("Unknown(") {
                Some(i) => {
                    let around = &debug[char_floor(debug, i.saturating_sub(80))..char_floor(debug, i + 80)];
                    let body = excerpt(&exchange.body);
                    self.fail(format!("{who}: decoded, but into an enum value the crate does not know: ...{around}...; body: {body}"))
                }
                None => tally.decoded += 1,
            },
            Outcome::Downloaded(n) if *n == exchange.body.len() => tally.decoded += 1,
            Outcome::Downloaded(n) => {
                self.fail(format!("{who}: the download gave {n} bytes, Prism sent {}", exchange.body.len()))
            }
            other => {
                let flagged: Vec<String> = exchange.response_violations().iter().map(|v| v.to_string()).collect();
                self.fail(format!(
                    "{who}: the response did not decode: {other:?}\n    Prism's own validation of it: {flagged:?}\n    body: {}",
                    excerpt(&exchange.body)
                ))
            }
        }
    }
}

/// The README's invalid examples as this version's spec has them; each must
/// still contradict the type its property declares.
fn invalid_examples(spec: &mut Spec, failures: &mut Vec<String>) -> Vec<InvalidExample> {
    let mut out = Vec::new();
    for (schema, property) in README_INVALID_EXAMPLES {
        let declared = spec.schema(schema)["properties"][property].clone();
        let name = format!("{schema}.{property}");
        let Some(value) = declared.get("example").cloned() else {
            failures.push(format!("{}: {name} has no example any more", spec.file.display()));
            continue;
        };
        let declared_type = declared["type"].as_str().unwrap_or_default();
        if json_type(&value) == declared_type {
            failures.push(format!("{}: {name}'s example fits its type {declared_type} now", spec.file.display()));
        }
        out.push(InvalidExample { name, property, value });
    }
    out
}

/// The list of impossible operations, checked against the spec: each listed
/// one has the flaw, and no unlisted one has it.
fn check_the_list(version: &Version, spec: &Spec, failures: &mut Vec<String>) {
    for operation in &spec.operations {
        let missing = operation.path_parameters_missing_from_path();
        let label = if version.name == "v1" { operation.id.trim_end_matches("V1") } else { operation.id.as_str() };
        let listed = SPEC_MAKES_A_VALID_REQUEST_IMPOSSIBLE.iter().any(|(v, l, _)| *v == version.name && *l == label);
        if listed && missing.is_empty() {
            failures.push(format!("{}: {} is listed as impossible, but its path has all its path parameters", version.name, operation.id));
        }
        if !listed && !missing.is_empty() {
            failures.push(format!(
                "{}: {} declares path parameters {missing:?} that its path {} lacks; list it",
                version.name, operation.id, operation.template
            ));
        }
    }
}

fn summary(version: &Version, spec: &Spec, mode: Mode, rounds: usize, tally: &Tally, elapsed: Duration) -> String {
    let mut out = String::new();
    let impossible: Vec<&str> = SPEC_MAKES_A_VALID_REQUEST_IMPOSSIBLE
        .iter()
        .filter(|(v, _, _)| *v == version.name)
        .map(|(_, label, _)| *label)
        .collect();
    let _ = write!(
        out,
        "  {mode:<7} {rounds:>2} round(s), {:>4} calls, {:>4} requests sent, {:>4} accepted by Prism, {:>3} rejected as the spec \
         forces {impossible:?}; {:>4} responses decoded",
        tally.calls, tally.sent, tally.accepted, tally.rejected_as_the_spec_forces, tally.decoded
    );
    match mode {
        Mode::Static => {
            let _ = write!(
                out,
                ", {} failed to decode exactly at the README's invalid examples ({} of {} met)",
                tally.failed_at_readme_examples,
                tally.readme_examples_seen.len(),
                README_INVALID_EXAMPLES.len()
            );
        }
        Mode::Dynamic => {
            let _ = write!(
                out,
                "; Prism's own validator flagged {} of its generated responses",
                tally.flagged_responses
            );
            for (flag, count) in &tally.flags {
                let _ = write!(out, "\n            {count:>3}x {flag}");
            }
        }
    }
    let _ = write!(out, " [{:.1} s, {}]", elapsed.as_secs_f64(), spec.file.display());
    out
}

async fn conformance(version: Version) {
    let Some(setup) = prism_harness::setup() else { return };
    let started = Instant::now();
    let spec_file = setup.reference.join(version.spec);
    let mut spec = Spec::read(&spec_file);
    let mut failures = Vec::new();
    let examples = invalid_examples(&mut spec, &mut failures);
    check_the_list(&version, &spec, &mut failures);

    let (static_prism, dynamic_prism) = tokio::join!(
        Prism::start(&setup.prism, &spec_file, false, version.name),
        Prism::start(&setup.prism, &spec_file, true, version.name),
    );
    let ready = started.elapsed();
    let mut judge = Judge { version: &version, spec: &spec, invalid_examples: &examples, failures, routed: BTreeSet::new() };
    let mut report = format!(
        "Prism conformance, {} (base path {:?}, {} operations; both mocks up after {:.1} s):\n",
        version.name,
        spec.base_path,
        spec.operations.len(),
        ready.as_secs_f64()
    );

    for (mode, prism, rounds) in [(Mode::Static, &static_prism, 1), (Mode::Dynamic, &dynamic_prism, ROUNDS)] {
        let began = Instant::now();
        let proxy = Proxy::start(&spec.base_path, prism.port).await;
        // Hundreds of calls: no client-side rate limit (the mock has none).
        let client = runtime::Client::builder()
            .base_url(proxy.url())
            .access_token(TOKEN)
            .rate_limit(None)
            .build()
            .expect("a client for the proxy");
        let mut tally = Tally::default();
        for _ in 0..rounds {
            for call in Box::pin(round(&version, &client, &proxy)).await {
                judge.judge(mode, &call, &mut tally);
            }
        }
        if mode == Mode::Static {
            let missed: Vec<&str> = examples
                .iter()
                .map(|e| e.name.as_str())
                .filter(|name| !tally.readme_examples_seen.contains(*name))
                .collect();
            if !missed.is_empty() {
                judge.fail(format!("{} static: no response carried the README examples {missed:?}", version.name));
            }
        }
        report.push_str(&summary(&version, &spec, mode, rounds, &tally, began.elapsed()));
        report.push('\n');
    }
    let uncalled: Vec<&str> =
        spec.operations.iter().map(|op| op.id.as_str()).filter(|id| !judge.routed.contains(*id)).collect();
    if !uncalled.is_empty() {
        judge.fail(format!("{}: operations of the spec never called: {uncalled:?}", version.name));
    }
    drop((static_prism, dynamic_prism));
    eprint!("{report}");

    let failures = std::mem::take(&mut judge.failures);
    // The same failure in every dynamic round is one finding (shown with
    // the body of its first occurrence).
    let mut counted: Vec<(String, usize)> = Vec::new();
    for failure in failures {
        let key = |f: &str| f.split(" body: ").next().unwrap_or_default().to_owned();
        match counted.iter_mut().find(|(f, _)| key(f) == key(&failure)) {
            Some((_, n)) => *n += 1,
            None => counted.push((failure, 1)),
        }
    }
    let listed: Vec<String> =
        counted.iter().map(|(f, n)| if *n > 1 { format!("({n}x) {f}") } else { f.clone() }).collect();
    assert!(listed.is_empty(), "{} failure(s) against Prism:\n{}", listed.len(), listed.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_conforms_to_prism() {
    conformance(Version { name: "beta", spec: "role-mining.beta.yaml" }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2024_conforms_to_prism() {
    conformance(Version { name: "v2024", spec: "role-mining.v2024.yaml" }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2025_conforms_to_prism() {
    conformance(Version { name: "v2025", spec: "role-mining.v2025.yaml" }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2026_conforms_to_prism() {
    conformance(Version { name: "v2026", spec: "role-mining.v2026.yaml" }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_conforms_to_prism() {
    conformance(Version { name: "v1", spec: "upstream-v1/apis/iai-role-mining/openapi.yaml" }).await;
}
