//! The tenant's identity directory, generated from the seed: sources,
//! entitlements and identities whose access follows their department and
//! site, so that mining finds roles in it. Also the role-mining step itself.

use std::collections::BTreeMap;

/// A source (application) of the tenant.
pub(crate) struct Source {
    pub id: String,
    pub name: String,
}

/// An entitlement on a source.
pub(crate) struct Entitlement {
    pub id: String,
    pub name: String,
    pub attribute: String,
    pub description: Option<String>,
    pub source: usize,
}

/// An identity with its access (indexes into `Directory::entitlements`, sorted).
pub(crate) struct Identity {
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub department: &'static str,
    pub location: &'static str,
    pub job_title: &'static str,
    pub entitlements: Vec<usize>,
}

impl Identity {
    /// The identity attributes role mining and filters look at.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        match name {
            "department" => Some(self.department),
            "location" => Some(self.location),
            "jobTitle" | "title" => Some(self.job_title),
            "email" => Some(&self.email),
            "displayName" | "name" => Some(&self.display_name),
            _ => None,
        }
    }
}

/// Everything about the tenant that role mining reads and nobody changes.
pub(crate) struct Directory {
    pub sources: Vec<Source>,
    pub entitlements: Vec<Entitlement>,
    pub identities: Vec<Identity>,
    /// Per entitlement: how many identities hold it.
    pub holders: Vec<usize>,
}

pub(crate) const DEPARTMENTS: [&str; 6] = ["Finance", "Engineering", "Sales", "Human Resources", "Support", "Legal"];
pub(crate) const LOCATIONS: [&str; 4] = ["Austin", "London", "Berlin", "Singapore"];
const SOURCES: [&str; 6] = ["Active Directory", "Workday", "Salesforce", "GitHub", "SAP ERP", "ServiceNow"];
const AD: usize = 0;
const WORKDAY: usize = 1;
const SALESFORCE: usize = 2;
const GITHUB: usize = 3;
const SAP: usize = 4;
const SERVICENOW: usize = 5;

/// Entitlements nearly everyone holds: the "common access" of the org.
const COMMON: [(usize, &str, &str); 4] = [
    (AD, "CN=All Employees,OU=Groups,DC=acme,DC=com", "memberOf"),
    (AD, "CN=VPN Users,OU=Groups,DC=acme,DC=com", "memberOf"),
    (WORKDAY, "Employee Self Service", "securityGroup"),
    (SERVICENOW, "Requester", "roles"),
];

/// Per department (same order as `DEPARTMENTS`): its core access and job titles.
#[allow(clippy::type_complexity)]
const CORE: [(&[(usize, &str, &str)], &[&str]); 6] = [
    (
        &[
            (SAP, "FI_ACCOUNTANT", "role"),
            (SAP, "FI_AP_CLERK", "role"),
            (SAP, "CO_CONTROLLER", "role"),
            (AD, "CN=Finance,OU=Groups,DC=acme,DC=com", "memberOf"),
            (WORKDAY, "Finance Reports", "securityGroup"),
        ],
        &["Accountant", "Controller", "Financial Analyst"],
    ),
    (
        &[
            (GITHUB, "acme/engineering", "team"),
            (GITHUB, "acme/platform:write", "repository"),
            (AD, "CN=Developers,OU=Groups,DC=acme,DC=com", "memberOf"),
            (SERVICENOW, "itil", "roles"),
        ],
        &["Software Engineer", "Site Reliability Engineer", "Engineering Manager"],
    ),
    (
        &[
            (SALESFORCE, "Sales User", "profile"),
            (SALESFORCE, "Opportunity Manager", "permissionSet"),
            (AD, "CN=Sales,OU=Groups,DC=acme,DC=com", "memberOf"),
        ],
        &["Account Executive", "Sales Engineer", "Sales Manager"],
    ),
    (
        &[
            (WORKDAY, "HR Partner", "securityGroup"),
            (WORKDAY, "Compensation Viewer", "securityGroup"),
            (AD, "CN=HR,OU=Groups,DC=acme,DC=com", "memberOf"),
        ],
        &["HR Partner", "Recruiter", "People Operations Specialist"],
    ),
    (
        &[
            (SERVICENOW, "itil", "roles"),
            (SERVICENOW, "Knowledge Editor", "roles"),
            (SALESFORCE, "Service Cloud User", "permissionSet"),
            (AD, "CN=Support,OU=Groups,DC=acme,DC=com", "memberOf"),
        ],
        &["Support Engineer", "Support Lead"],
    ),
    (
        &[
            (SAP, "Contract Viewer", "role"),
            (AD, "CN=Legal,OU=Groups,DC=acme,DC=com", "memberOf"),
            (WORKDAY, "Legal Reports", "securityGroup"),
        ],
        &["Counsel", "Paralegal"],
    ),
];

const FIRST_NAMES: [&str; 24] = [
    "Ann", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi", "Lena", "Marco", "Nadia",
    "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Yusuf",
];
const LAST_NAMES: [&str; 20] = [
    "Smith", "Garcia", "Müller", "Chen", "Okafor", "Rossi", "Tanaka", "Novak", "Silva", "Khan", "Larsen", "Dubois",
    "Kowalski", "Haddad", "Ivanova", "Nguyen", "Schmidt", "Costa", "Yilmaz", "Walsh",
];

/// Identities in a seeded tenant.
const IDENTITY_COUNT: usize = 150;

/// A 32-hex-digit id in SailPoint's style (`2c9180...`).
pub(crate) fn sailpoint_id(rng: &mut fastrand::Rng) -> String {
    format!("2c9180{:010x}{:016x}", rng.u64(..1 << 40), rng.u64(..))
}

/// A version 4 UUID from the seeded generator.
pub(crate) fn uuid(rng: &mut fastrand::Rng) -> String {
    let (a, b) = (rng.u64(..), rng.u64(..));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

impl Directory {
    /// The directory of the tenant seeded with `rng`.
    pub fn generate(rng: &mut fastrand::Rng) -> Directory {
        let sources: Vec<Source> = SOURCES.iter().map(|name| Source { id: sailpoint_id(rng), name: (*name).to_owned() }).collect();
        let mut entitlements: Vec<Entitlement> = Vec::new();
        let mut index = BTreeMap::new();
        let mut add = |source: usize, name: &str, attribute: &str, rng: &mut fastrand::Rng| -> usize {
            *index.entry((source, name.to_owned())).or_insert_with(|| {
                entitlements.push(Entitlement {
                    id: sailpoint_id(rng),
                    name: name.to_owned(),
                    attribute: attribute.to_owned(),
                    description: Some(format!("{name} on {}", SOURCES[source])),
                    source,
                });
                entitlements.len() - 1
            })
        };
        let common: Vec<usize> = COMMON.iter().map(|&(s, n, a)| add(s, n, a, rng)).collect();
        let core: Vec<Vec<usize>> =
            CORE.iter().map(|(ents, _)| ents.iter().map(|&(s, n, a)| add(s, n, a, rng)).collect()).collect();
        let sites: Vec<usize> =
            LOCATIONS.iter().map(|l| add(AD, &format!("CN=Site-{l},OU=Sites,DC=acme,DC=com"), "memberOf", rng)).collect();
        let mut extras = Vec::new();
        for n in 1..=6 {
            extras.push(add(AD, &format!("CN=Project-{n:02},OU=Projects,DC=acme,DC=com"), "memberOf", rng));
            extras.push(add(GITHUB, &format!("acme/tool-{n:02}:read"), "repository", rng));
            extras.push(add(SALESFORCE, &format!("Report Viewer {n:02}"), "permissionSet", rng));
        }

        let mut identities = Vec::with_capacity(IDENTITY_COUNT);
        for n in 0..IDENTITY_COUNT {
            let department = pick_weighted(rng, &[30, 40, 30, 15, 20, 10]);
            let location = rng.usize(..LOCATIONS.len());
            let first = FIRST_NAMES[rng.usize(..FIRST_NAMES.len())];
            let last = LAST_NAMES[rng.usize(..LAST_NAMES.len())];
            let titles = CORE[department].1;
            let mut access = Vec::new();
            for (i, &e) in common.iter().enumerate() {
                if rng.f32() < if i == 1 { 0.8 } else { 0.97 } {
                    access.push(e);
                }
            }
            for &e in &core[department] {
                if rng.f32() < 0.9 {
                    access.push(e);
                }
            }
            if rng.f32() < 0.95 {
                access.push(sites[location]);
            }
            for _ in 0..rng.usize(..4) {
                access.push(extras[rng.usize(..extras.len())]);
            }
            access.sort_unstable();
            access.dedup();
            let login = format!("{}.{}{}", first.to_lowercase(), ascii_lower(last), n);
            identities.push(Identity {
                id: sailpoint_id(rng),
                display_name: format!("{first} {last}"),
                email: format!("{login}@acme.example"),
                department: DEPARTMENTS[department],
                location: LOCATIONS[location],
                job_title: titles[rng.usize(..titles.len())],
                entitlements: access,
            });
        }
        let mut holders = vec![0; entitlements.len()];
        for identity in &identities {
            for &e in &identity.entitlements {
                holders[e] += 1;
            }
        }
        Directory { sources, entitlements, identities, holders }
    }

    /// Share (percent) of all identities holding entitlement `e`.
    pub fn popularity_in_org(&self, e: usize) -> f32 {
        percent(self.holders[e], self.identities.len())
    }

    /// Held by most of the org: left out when `includeCommonAccess` is false.
    pub fn is_common_access(&self, e: usize) -> bool {
        self.popularity_in_org(e) >= 60.0
    }

    pub fn entitlement_by_id(&self, id: &str) -> Option<usize> {
        self.entitlements.iter().position(|e| e.id == id)
    }

    pub fn source_by_id(&self, id: &str) -> Option<usize> {
        self.sources.iter().position(|s| s.id == id)
    }

    /// The identities a session's scope selects: explicit ids, a search
    /// query (`attributes.department:Finance`, `source.name:"GitHub"`, terms
    /// joined by AND), attribute filters (`{"name": "location", "operator":
    /// "EQUALS", "values": ["Berlin"]}`), all of which must hold; an empty
    /// scope selects everyone.
    pub fn scope(&self, ids: &[String], criteria: Option<&str>, filters: &[serde_json::Value]) -> Vec<usize> {
        let criteria = criteria.map(parse_criteria).unwrap_or_default();
        (0..self.identities.len())
            .filter(|&i| {
                let identity = &self.identities[i];
                (ids.is_empty() || ids.contains(&identity.id))
                    && criteria.iter().all(|(key, value)| self.matches_criterion(identity, key, value))
                    && filters.iter().all(|f| matches_attribute_filter(identity, f))
            })
            .collect()
    }

    fn matches_criterion(&self, identity: &Identity, key: &str, value: &str) -> bool {
        let value = value.to_lowercase();
        match key.rsplit('.').next().unwrap_or(key) {
            // `source.name:X`: holds an entitlement on that source.
            "name" if key.starts_with("source") => identity
                .entitlements
                .iter()
                .any(|&e| self.sources[self.entitlements[e].source].name.to_lowercase() == value),
            attribute => identity.attribute(attribute).is_none_or(|v| v.to_lowercase() == value),
        }
    }
}

/// `a.b:"x y" AND c:z` as key/value pairs; a term without `:` is ignored.
fn parse_criteria(criteria: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = criteria.trim();
    while !rest.is_empty() {
        let Some(colon) = rest.find(':') else { break };
        let key = rest[..colon].trim().rsplit(' ').next().unwrap_or("").to_owned();
        let after = rest[colon + 1..].trim_start();
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            (quoted[..end].to_owned(), quoted.get(end + 1..).unwrap_or(""))
        } else {
            let end = after.find(' ').unwrap_or(after.len());
            (after[..end].to_owned(), &after[end..])
        };
        if !key.is_empty() {
            pairs.push((key, value));
        }
        rest = tail.trim_start();
    }
    pairs
}

fn matches_attribute_filter(identity: &Identity, filter: &serde_json::Value) -> bool {
    let Some(name) = filter.get("name").and_then(|v| v.as_str()) else { return true };
    let values: Vec<String> = match filter.get("values").or_else(|| filter.get("value")) {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str()).map(str::to_lowercase).collect(),
        Some(serde_json::Value::String(one)) => vec![one.to_lowercase()],
        _ => return true,
    };
    let actual = identity.attribute(name).map(str::to_lowercase);
    let operator = filter.get("operator").and_then(|v| v.as_str()).unwrap_or("EQUALS");
    let found = actual.as_ref().is_some_and(|a| values.contains(a));
    if operator.eq_ignore_ascii_case("NOT_EQUALS") {
        !found
    } else {
        found
    }
}

fn pick_weighted(rng: &mut fastrand::Rng, weights: &[u32]) -> usize {
    let mut roll = rng.u32(..weights.iter().sum::<u32>());
    for (i, &w) in weights.iter().enumerate() {
        if roll < w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
}

fn ascii_lower(name: &str) -> String {
    name.chars().map(|c| if c == 'ü' { 'u' } else { c.to_ascii_lowercase() }).collect()
}

pub(crate) fn percent(part: usize, whole: usize) -> f32 {
    if whole == 0 {
        0.0
    } else {
        (part as f32 * 1000.0 / whole as f32).round() / 10.0
    }
}

/// One potential role found by mining, before it gets an id.
pub(crate) struct Mined {
    pub name: String,
    pub identities: Vec<usize>,
    pub entitlements: Vec<usize>,
    pub density: i32,
    pub freshness: i32,
}

/// Role mining: group the scope (by department and by department and site
/// for specialized roles, by site and as a whole for common ones), keep the
/// groups of at least `min_identities`, and give each the entitlements held
/// by at least `prune_threshold` percent of its members.
pub(crate) fn mine(
    dir: &Directory,
    scope: &[usize],
    prune_threshold: i32,
    min_identities: usize,
    common: bool,
    rng: &mut fastrand::Rng,
) -> Vec<Mined> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in scope {
        let identity = &dir.identities[i];
        if common {
            groups.entry(format!("{} site", identity.location)).or_default().push(i);
            groups.entry("Everyone in scope".to_owned()).or_default().push(i);
        } else {
            groups.entry(identity.department.to_owned()).or_default().push(i);
            groups.entry(format!("{} - {}", identity.department, identity.location)).or_default().push(i);
        }
    }
    let mut roles = Vec::new();
    for (name, members) in groups {
        if members.len() < min_identities.max(1) {
            continue;
        }
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for &i in &members {
            for &e in &dir.identities[i].entitlements {
                *counts.entry(e).or_default() += 1;
            }
        }
        let kept: Vec<(usize, f32)> = counts
            .into_iter()
            .map(|(e, n)| (e, percent(n, members.len())))
            .filter(|&(e, share)| share >= prune_threshold as f32 && (common || !dir.is_common_access(e)))
            .collect();
        if kept.is_empty() {
            continue;
        }
        let density = (kept.iter().map(|&(_, s)| s).sum::<f32>() / kept.len() as f32).round() as i32;
        roles.push(Mined {
            name: format!("{name} access"),
            identities: members,
            entitlements: kept.into_iter().map(|(e, _)| e).collect(),
            density,
            freshness: rng.i32(35..=95),
        });
    }
    roles
}
