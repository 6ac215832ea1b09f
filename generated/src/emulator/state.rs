//! What the tenant holds and how it changes: sessions moving through their
//! stages, their potential roles, provisioning and export jobs. Progress is
//! read off the clock when asked (nothing runs in the background), so a
//! session is in the same stage for every caller at the same moment.

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use super::data::{mine, percent, sailpoint_id, uuid, Directory};

/// Time each session stage takes at time scale 1.
pub(crate) const SESSION_STEP: Duration = Duration::from_secs(2);
/// Time from a provisioning request until the role exists, at time scale 1.
pub(crate) const PROVISION_TIME: Duration = Duration::from_secs(4);
/// Time an export spends queued, and then in progress, at time scale 1.
pub(crate) const EXPORT_STEP: Duration = Duration::from_millis(1500);

/// Prune threshold a session gets when it names none.
const PRESCRIBED_PRUNE_THRESHOLD: i32 = 70;
/// Smallest potential role when a session names no minimum.
const DEFAULT_MIN_IDENTITIES: i32 = 3;

/// The stages of `RoleMiningSessionState`, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    Created,
    Updated,
    IdentitiesObtained,
    PruneThresholdObtained,
    Processing,
    Done,
}

const STAGES: [Stage; 6] =
    [Stage::Created, Stage::Updated, Stage::IdentitiesObtained, Stage::PruneThresholdObtained, Stage::Processing, Stage::Done];

/// `RoleMiningPotentialRoleProvisionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProvisionStage {
    Potential,
    Pending,
    Complete,
    Failed,
}

/// `RoleMiningPotentialRoleExportState` (an export never fails here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportStage {
    Queued,
    InProgress,
    Success,
}

/// When a job started; `None`: long finished (the seeded data).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timer(Option<Instant>);

impl Timer {
    fn now() -> Timer {
        Timer(Some(Instant::now()))
    }

    fn finished() -> Timer {
        Timer(None)
    }

    /// How many `step`s have passed (saturating), and how far into the
    /// current one (0..1).
    fn steps(self, now: Instant, step: Duration) -> (u32, f64) {
        match self.0 {
            Some(start) if !step.is_zero() => {
                let elapsed = now.saturating_duration_since(start).as_secs_f64() / step.as_secs_f64();
                (elapsed.min(u32::MAX as f64) as u32, elapsed.fract())
            }
            _ => (u32::MAX, 0.0),
        }
    }
}

/// Scaled durations of the tenant's jobs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    pub scale: f64,
}

impl Clock {
    fn scaled(self, base: Duration) -> Duration {
        base.mul_f64(self.scale)
    }
}

pub(crate) struct Session {
    pub id: String,
    pub name: Option<String>,
    pub saved: bool,
    pub identity_ids: Vec<String>,
    pub criteria: Option<String>,
    pub attribute_filter_criteria: Option<Vec<serde_json::Map<String, Value>>>,
    pub prune_threshold: Option<i32>,
    pub prescribed_prune_threshold: i32,
    pub min_identities: Option<i32>,
    pub common: bool,
    pub email_recipient_id: Option<String>,
    pub auto_scoped: bool,
    /// Index of the identity shown as `createdBy`.
    pub created_by: usize,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub timer: Timer,
    pub scope: Vec<usize>,
    /// Ids of its potential roles, in the order they were found.
    pub roles: Vec<String>,
}

pub(crate) struct Role {
    pub id: String,
    pub session: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub saved: bool,
    pub identities: Vec<usize>,
    pub entitlements: Vec<usize>,
    pub excluded: Vec<usize>,
    pub density: i32,
    pub freshness: i32,
    pub common: bool,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub provision: Option<Provision>,
}

pub(crate) struct Provision {
    pub timer: Timer,
    pub role_id: String,
    /// No entitlement was popular enough: the job ends `FAILED`.
    pub failed: bool,
}

pub(crate) struct Export {
    pub id: String,
    pub session: String,
    pub role: String,
    pub min_entitlement_popularity: Option<i32>,
    pub include_common_access: Option<bool>,
    pub timer: Timer,
}

/// What a new session asks for (from a `RoleMiningSessionDto`).
#[derive(Default)]
pub(crate) struct SessionInput {
    pub identity_ids: Vec<String>,
    pub criteria: Option<String>,
    pub attribute_filter_criteria: Option<Vec<serde_json::Map<String, Value>>>,
    pub prune_threshold: Option<i32>,
    pub min_identities: Option<i32>,
    pub common: bool,
    pub email_recipient_id: Option<String>,
    pub saved: bool,
    pub name: Option<String>,
}

/// One JSON Patch operation, whichever model it came in.
pub(crate) struct PatchOp {
    pub op: String,
    pub path: String,
    pub value: Option<Value>,
}

/// Options of a provisioning request (body and query).
#[derive(Default)]
pub(crate) struct ProvisionInput {
    pub min_entitlement_popularity: i32,
    pub include_common_access: bool,
}

/// Why a request cannot be carried out.
#[derive(Debug)]
pub(crate) enum Problem {
    BadRequest(String),
    NotFound(String),
}

/// The whole tenant.
pub(crate) struct Tenant {
    pub rng: fastrand::Rng,
    pub dir: Directory,
    pub sessions: Vec<Session>,
    pub roles: Vec<Role>,
    pub exports: Vec<Export>,
    pub clock: Clock,
}

impl Tenant {
    /// The tenant of `seed`: its directory and two finished sessions (one
    /// saved, with a saved potential role and a provisioned one).
    pub fn new(seed: u64, clock: Clock) -> Tenant {
        let mut rng = fastrand::Rng::with_seed(seed);
        let dir = Directory::generate(&mut rng);
        let mut tenant = Tenant { rng, dir, sessions: Vec::new(), roles: Vec::new(), exports: Vec::new(), clock };
        let base = Utc.with_ymd_and_hms(2025, 1, 13, 8, 30, 0).single().unwrap_or_default();
        let quarterly = SessionInput {
            min_identities: Some(4),
            saved: true,
            name: Some("Quarterly access review".into()),
            ..SessionInput::default()
        };
        let id = tenant.add_session(quarterly, base, Timer::finished());
        let first_two: Vec<String> = tenant.session(&id).map(|s| s.roles.iter().take(2).cloned().collect()).unwrap_or_default();
        if let [saved, provisioned] = first_two.as_slice() {
            if let Some(role) = tenant.role_mut(saved) {
                role.saved = true;
                role.description = Some("Saved for the access review board".into());
            }
            let role_id = sailpoint_id(&mut tenant.rng);
            if let Some(role) = tenant.role_mut(provisioned) {
                role.provision = Some(Provision { timer: Timer::finished(), role_id, failed: false });
            }
        }
        let berlin = serde_json::json!({"name": "location", "operator": "EQUALS", "values": ["Berlin"]});
        let common = SessionInput {
            attribute_filter_criteria: berlin.as_object().cloned().map(|f| vec![f]),
            common: true,
            ..SessionInput::default()
        };
        tenant.add_session(common, base + chrono::Duration::days(2), Timer::finished());
        tenant
    }

    /// Start a session (it begins in `CREATED`); its id.
    pub fn create_session(&mut self, input: SessionInput) -> String {
        self.add_session(input, Utc::now(), Timer::now())
    }

    fn add_session(&mut self, input: SessionInput, created: DateTime<Utc>, timer: Timer) -> String {
        let id = uuid(&mut self.rng);
        let filters: Vec<Value> = input.attribute_filter_criteria.iter().flatten().cloned().map(Value::Object).collect();
        let scope = self.dir.scope(&input.identity_ids, input.criteria.as_deref(), &filters);
        let prescribed = PRESCRIBED_PRUNE_THRESHOLD + self.rng.i32(-5..=5);
        self.sessions.push(Session {
            id: id.clone(),
            name: input.name,
            saved: input.saved,
            identity_ids: input.identity_ids,
            criteria: input.criteria,
            attribute_filter_criteria: input.attribute_filter_criteria,
            prune_threshold: input.prune_threshold,
            prescribed_prune_threshold: prescribed,
            min_identities: input.min_identities,
            common: input.common,
            email_recipient_id: input.email_recipient_id,
            auto_scoped: false,
            created_by: 0,
            created,
            modified: created,
            timer,
            scope,
            roles: Vec::new(),
        });
        self.mine(&id);
        id
    }

    /// (Re)compute the potential roles of a session.
    fn mine(&mut self, session_id: &str) {
        let Some(index) = self.sessions.iter().position(|s| s.id == session_id) else { return };
        let old = std::mem::take(&mut self.sessions[index].roles);
        self.roles.retain(|r| !old.contains(&r.id));
        let session = &self.sessions[index];
        let prune = session.prune_threshold.unwrap_or(session.prescribed_prune_threshold);
        let min = session.min_identities.unwrap_or(DEFAULT_MIN_IDENTITIES).max(1) as usize;
        let (common, created) = (session.common, session.created);
        let mined = mine(&self.dir, &session.scope, prune, min, common, &mut self.rng);
        let mut ids = Vec::new();
        for (n, found) in mined.into_iter().enumerate() {
            let id = uuid(&mut self.rng);
            let created = created + chrono::Duration::milliseconds(n as i64 * 10);
            self.roles.push(Role {
                id: id.clone(),
                session: session_id.to_owned(),
                name: Some(found.name),
                description: None,
                saved: false,
                identities: found.identities,
                entitlements: found.entitlements,
                excluded: Vec::new(),
                density: found.density,
                freshness: found.freshness,
                common,
                created,
                modified: created,
                provision: None,
            });
            ids.push(id);
        }
        self.sessions[index].roles = ids;
    }

    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    fn role_mut(&mut self, id: &str) -> Option<&mut Role> {
        self.roles.iter_mut().find(|r| r.id == id)
    }

    pub fn export(&self, id: &str) -> Option<&Export> {
        self.exports.iter().find(|e| e.id == id)
    }

    /// The session with this id, or 404.
    pub fn find_session(&self, id: &str) -> Result<&Session, Problem> {
        self.session(id).ok_or_else(|| Problem::NotFound(format!("role mining session {id} not found")))
    }

    /// A potential role the caller can see (its session has got that far),
    /// in `session` when one is given; or 404.
    pub fn find_role(&self, session: Option<&str>, id: &str, now: Instant) -> Result<&Role, Problem> {
        if let Some(session) = session {
            self.find_session(session)?;
        }
        self.role(id)
            .filter(|r| session.is_none_or(|s| s == r.session) && self.role_visible(r, now))
            .ok_or_else(|| Problem::NotFound(format!("potential role {id} not found")))
    }

    /// The stage of a session, and how many of its roles are ready.
    pub fn progress(&self, session: &Session, now: Instant) -> (Stage, usize) {
        let (steps, fraction) = session.timer.steps(now, self.clock.scaled(SESSION_STEP));
        let stage = STAGES[(steps as usize).min(STAGES.len() - 1)];
        let ready = match stage {
            Stage::Done => session.roles.len(),
            Stage::Processing => (session.roles.len() as f64 * fraction) as usize,
            _ => 0,
        };
        (stage, ready)
    }

    fn role_visible(&self, role: &Role, now: Instant) -> bool {
        let Some(session) = self.session(&role.session) else { return false };
        let (_, ready) = self.progress(session, now);
        session.roles.iter().take(ready).any(|id| *id == role.id)
    }

    /// The potential roles of a session that are ready, in order.
    pub fn session_roles(&self, session: &Session, now: Instant) -> Vec<&Role> {
        let (_, ready) = self.progress(session, now);
        session.roles.iter().take(ready).filter_map(|id| self.role(id)).collect()
    }

    /// Every visible potential role of the tenant.
    pub fn visible_roles(&self, now: Instant) -> Vec<&Role> {
        self.sessions.iter().flat_map(|s| self.session_roles(s, now)).collect()
    }

    pub fn prune_threshold(&self, session: &Session) -> i32 {
        session.prune_threshold.unwrap_or(session.prescribed_prune_threshold)
    }

    pub fn provision_stage(&self, role: &Role, now: Instant) -> ProvisionStage {
        match &role.provision {
            None => ProvisionStage::Potential,
            Some(p) if p.timer.steps(now, self.clock.scaled(PROVISION_TIME)).0 == 0 => ProvisionStage::Pending,
            Some(p) if p.failed => ProvisionStage::Failed,
            Some(_) => ProvisionStage::Complete,
        }
    }

    /// The id of the role created from `role`, once it exists.
    pub fn provisioned_role_id<'a>(&self, role: &'a Role, now: Instant) -> Option<&'a str> {
        let done = self.provision_stage(role, now) == ProvisionStage::Complete;
        role.provision.as_ref().filter(|_| done).map(|p| p.role_id.as_str())
    }

    pub fn export_stage(&self, export: &Export, now: Instant) -> ExportStage {
        match export.timer.steps(now, self.clock.scaled(EXPORT_STEP)).0 {
            0 => ExportStage::Queued,
            1 => ExportStage::InProgress,
            _ => ExportStage::Success,
        }
    }

    /// The role's entitlements less the excluded ones.
    pub fn role_entitlements(&self, role: &Role) -> Vec<usize> {
        role.entitlements.iter().copied().filter(|e| !role.excluded.contains(e)).collect()
    }

    /// Every entitlement some member holds, with how many hold it, most
    /// popular first; common access only with `include_common`.
    pub fn member_entitlements(&self, role: &Role, include_common: bool) -> Vec<(usize, usize)> {
        let mut counts = std::collections::BTreeMap::new();
        for &i in &role.identities {
            for &e in &self.dir.identities[i].entitlements {
                *counts.entry(e).or_insert(0usize) += 1;
            }
        }
        let mut list: Vec<(usize, usize)> =
            counts.into_iter().filter(|&(e, _)| include_common || !self.dir.is_common_access(e)).collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list
    }

    /// Share (percent) of the role's members holding entitlement `e`.
    pub fn popularity(&self, role: &Role, e: usize) -> f32 {
        let holders = role.identities.iter().filter(|&&i| self.dir.identities[i].entitlements.contains(&e)).count();
        percent(holders, role.identities.len())
    }

    /// Apply a JSON Patch to a session. Threshold changes mine the session
    /// again: it goes back to `UPDATED` and its potential roles are new.
    pub fn patch_session(&mut self, id: &str, ops: &[PatchOp], now: Instant) -> Result<(), Problem> {
        let index = self.sessions.iter().position(|s| s.id == id).ok_or_else(|| Problem::NotFound(format!("role mining session {id} not found")))?;
        let session = &mut self.sessions[index];
        let mut remine = false;
        for op in ops {
            let field = op.path.strip_prefix('/').unwrap_or(&op.path);
            let value = match op.op.as_str() {
                "add" | "replace" => Some(op.value.clone().ok_or_else(|| bad(format!("{} {} needs a value", op.op, op.path)))?),
                "remove" => None,
                "test" => {
                    let current = match field {
                        "name" => session.name.clone().map(Value::from),
                        "saved" => Some(Value::from(session.saved)),
                        "pruneThreshold" => session.prune_threshold.map(Value::from),
                        "minNumIdentitiesInPotentialRole" => session.min_identities.map(Value::from),
                        "emailRecipientId" => session.email_recipient_id.clone().map(Value::from),
                        _ => return Err(not_patchable(&op.path, SESSION_PATHS)),
                    };
                    if current != op.value {
                        return Err(bad(format!("test failed: {} does not hold the given value", op.path)));
                    }
                    continue;
                }
                other => return Err(bad(format!("operation `{other}` is not supported here; use add, replace, remove or test"))),
            };
            match field {
                "name" => session.name = optional(value, "name", string)?,
                "emailRecipientId" => session.email_recipient_id = optional(value, "emailRecipientId", string)?,
                "saved" => session.saved = optional(value, "saved", boolean)?.unwrap_or(false),
                "pruneThreshold" => {
                    let threshold = optional(value, "pruneThreshold", integer)?;
                    if threshold.is_some_and(|t| !(0..=100).contains(&t)) {
                        return Err(bad("pruneThreshold must be between 0 and 100".into()));
                    }
                    remine |= threshold != session.prune_threshold;
                    session.prune_threshold = threshold;
                }
                "minNumIdentitiesInPotentialRole" => {
                    let min = optional(value, "minNumIdentitiesInPotentialRole", integer)?;
                    if min.is_some_and(|m| m < 1) {
                        return Err(bad("minNumIdentitiesInPotentialRole must be at least 1".into()));
                    }
                    remine |= min != session.min_identities;
                    session.min_identities = min;
                }
                _ => return Err(not_patchable(&op.path, SESSION_PATHS)),
            }
        }
        session.modified = Utc::now();
        if remine {
            // Back to UPDATED: one step in.
            let step = self.clock.scaled(SESSION_STEP);
            session.timer = Timer(Some(now.checked_sub(step).unwrap_or(now)));
            self.mine(id);
        }
        Ok(())
    }

    /// Apply a JSON Patch (remove/replace of name, description, saved) to a
    /// potential role.
    pub fn patch_role(&mut self, id: &str, ops: &[PatchOp]) -> Result<(), Problem> {
        let role = self.role_mut(id).ok_or_else(|| Problem::NotFound(format!("potential role {id} not found")))?;
        for op in ops {
            let value = match op.op.as_str() {
                "replace" => Some(op.value.clone().ok_or_else(|| bad(format!("replace {} needs a value", op.path)))?),
                "remove" => None,
                other => return Err(bad(format!("operation `{other}` is not supported here; use replace or remove"))),
            };
            match op.path.as_str() {
                "/name" => role.name = optional(value, "name", string)?,
                "/description" => role.description = optional(value, "description", string)?,
                "/saved" => role.saved = optional(value, "saved", boolean)?.unwrap_or(false),
                _ => return Err(not_patchable(&op.path, &["/name", "/description", "/saved"])),
            }
        }
        role.modified = Utc::now();
        Ok(())
    }

    /// Put entitlements on (or take them off) a role's exclusion list.
    pub fn edit_entitlements(&mut self, id: &str, ids: &[String], exclude: bool) -> Result<(), Problem> {
        let mut indexes = Vec::new();
        for entitlement in ids {
            match self.dir.entitlement_by_id(entitlement) {
                Some(e) => indexes.push(e),
                None => return Err(bad(format!("entitlement {entitlement} is not held by this potential role's identities"))),
            }
        }
        let held: Vec<usize> = self.role(id).map(|r| self.member_entitlements(r, true).into_iter().map(|(e, _)| e).collect()).unwrap_or_default();
        if let Some(e) = indexes.iter().find(|e| !held.contains(e)) {
            return Err(bad(format!("entitlement {} is not held by this potential role's identities", self.dir.entitlements[*e].id)));
        }
        let role = self.role_mut(id).ok_or_else(|| Problem::NotFound(format!("potential role {id} not found")))?;
        for e in indexes {
            if exclude && !role.excluded.contains(&e) {
                role.excluded.push(e);
            } else if !exclude {
                role.excluded.retain(|&x| x != e);
            }
        }
        role.modified = Utc::now();
        Ok(())
    }

    /// Start turning a potential role into a role: `PENDING`, then
    /// `COMPLETE` (or `FAILED` when no entitlement qualifies).
    pub fn provision(&mut self, id: &str, input: &ProvisionInput, now: Instant) -> Result<(), Problem> {
        if !(0..=100).contains(&input.min_entitlement_popularity) {
            return Err(bad("min-entitlement-popularity must be between 0 and 100".into()));
        }
        let role = self.role(id).ok_or_else(|| Problem::NotFound(format!("potential role {id} not found")))?;
        let session = self.find_session(&role.session)?;
        if self.progress(session, now).0 != Stage::Done {
            return Err(bad("the session is still processing; provision once it is POTENTIAL_ROLES_CREATED".into()));
        }
        match self.provision_stage(role, now) {
            ProvisionStage::Pending | ProvisionStage::Complete => {
                return Err(bad(format!("potential role {id} is already provisioned")));
            }
            ProvisionStage::Potential | ProvisionStage::Failed => {}
        }
        let qualifying = self
            .member_entitlements(role, input.include_common_access)
            .into_iter()
            .filter(|&(e, _)| !role.excluded.contains(&e) && self.popularity(role, e) >= input.min_entitlement_popularity as f32)
            .count();
        let role_id = sailpoint_id(&mut self.rng);
        if let Some(role) = self.role_mut(id) {
            role.provision = Some(Provision { timer: Timer::now(), role_id, failed: qualifying == 0 });
            role.modified = Utc::now();
        }
        Ok(())
    }

    /// Queue an export of a role; its id.
    pub fn start_export(&mut self, session: &str, role: &str, min_popularity: Option<i32>, include_common: Option<bool>) -> String {
        let id = uuid(&mut self.rng);
        self.exports.push(Export {
            id: id.clone(),
            session: session.to_owned(),
            role: role.to_owned(),
            min_entitlement_popularity: min_popularity,
            include_common_access: include_common,
            timer: Timer::now(),
        });
        id
    }

    /// The two CSV files of a role's export: its identities, and its
    /// entitlements at least `min_popularity` popular.
    pub fn export_files(&self, role: &Role, min_popularity: i32, include_common: bool) -> Vec<(String, String)> {
        let mut identities = String::from("id,displayName,email,department,location,jobTitle\n");
        for &i in &role.identities {
            let identity = &self.dir.identities[i];
            let row = [&identity.id, &identity.display_name, &identity.email, identity.department, identity.location, identity.job_title];
            identities += &csv_row(&row);
        }
        let mut entitlements = String::from("id,name,application,attribute,identityCount,popularity,popularityInOrg\n");
        for (e, count) in self.member_entitlements(role, include_common) {
            let popularity = self.popularity(role, e);
            if role.excluded.contains(&e) || popularity < min_popularity as f32 {
                continue;
            }
            let entitlement = &self.dir.entitlements[e];
            let (count, popularity, in_org) = (count.to_string(), popularity.to_string(), self.dir.popularity_in_org(e).to_string());
            let source = &self.dir.sources[entitlement.source].name;
            entitlements += &csv_row(&[&entitlement.id, &entitlement.name, source, &entitlement.attribute, &count, &popularity, &in_org]);
        }
        vec![("identities.csv".to_owned(), identities), ("entitlements.csv".to_owned(), entitlements)]
    }

    /// Days in the last 90 on which a member used a source (0 without access to it).
    pub fn usage_days(&self, identity: usize, source: usize) -> i32 {
        let person = &self.dir.identities[identity];
        if !person.entitlements.iter().any(|&e| self.dir.entitlements[e].source == source) {
            return 0;
        }
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for byte in person.id.bytes().chain(self.dir.sources[source].id.bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        (hash % 91) as i32
    }
}

const SESSION_PATHS: &[&str] = &["/name", "/saved", "/pruneThreshold", "/minNumIdentitiesInPotentialRole", "/emailRecipientId"];

fn bad(message: String) -> Problem {
    Problem::BadRequest(message)
}

fn not_patchable(path: &str, allowed: &[&str]) -> Problem {
    bad(format!("{path} cannot be patched; patchable: {}", allowed.join(", ")))
}

/// A patched value of the right JSON type; `None` for remove or null.
fn optional<T>(value: Option<Value>, field: &str, get: impl Fn(Value) -> Result<T, Value>) -> Result<Option<T>, Problem> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => get(v).map(Some).map_err(|v| bad(format!("{field}: {v} has the wrong type"))),
    }
}

fn string(value: Value) -> Result<String, Value> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(other),
    }
}

fn boolean(value: Value) -> Result<bool, Value> {
    value.as_bool().ok_or(value)
}

fn integer(value: Value) -> Result<i32, Value> {
    value.as_i64().and_then(|v| i32::try_from(v).ok()).ok_or(value)
}

fn csv_row(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| if f.contains([',', '"', '\n']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { (*f).to_owned() })
        .collect();
    quoted.join(",") + "\n"
}
