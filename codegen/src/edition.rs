//! Editions: one API shape served at several places.
//!
//! SailPoint publishes the same role-mining API as `/v2024`, `/v2025` and
//! `/v2026` (only the base path differs) and as the per-resource `v1`
//! (`/role-mining-sessions/v1/...`, operation ids ending in `V1`). Rather
//! than generating the same models and builders once per version, one
//! module is generated from one spec, and each edition is a small module
//! re-exporting it with its own routes. [`Edition::apply`] gives an
//! edition's API as a spec of its own would describe it, which is what
//! `spec-diff` compares with upstream.

use heck::ToSnakeCase;

use crate::ir::Api;

/// Where and under which names an edition serves an API's operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// Rust module and cargo feature (`v2024`).
    pub module: String,
    /// Path prefix of every operation (`/v2024`; empty for per-resource paths).
    pub base_path: String,
    /// Per-resource versioning: inserted after the first segment of every
    /// path (`v1`: `/role-mining-sessions/{id}` -> `/role-mining-sessions/v1/{id}`).
    pub path_version: Option<String>,
    /// Appended to every operationId (`V1`); method names stay the same.
    pub operation_id_suffix: String,
}

impl Edition {
    /// The edition that serves `api` as its own spec describes it.
    pub fn home(module: &str, api: &Api) -> Edition {
        Edition {
            module: module.to_owned(),
            base_path: api.base_path.clone(),
            path_version: None,
            operation_id_suffix: String::new(),
        }
    }

    /// An operation's path template in this edition.
    pub fn path(&self, path: &str) -> String {
        let Some(version) = &self.path_version else { return path.to_owned() };
        let rest = path.strip_prefix('/').unwrap_or(path);
        match rest.split_once('/') {
            Some((first, tail)) => format!("/{first}/{version}/{tail}"),
            None if rest.is_empty() => format!("/{version}"),
            None => format!("/{rest}/{version}"),
        }
    }

    pub fn operation_id(&self, operation_id: &str) -> String {
        format!("{operation_id}{}", self.operation_id_suffix)
    }

    /// Whether an operation's route (path and operation id) differs from
    /// the home edition's.
    pub fn changes_routes(&self) -> bool {
        self.path_version.is_some() || !self.operation_id_suffix.is_empty()
    }

    /// `api` (as the home edition's spec describes it) as this edition
    /// serves it: another base path, paths and operation ids; the same
    /// methods, types and everything else.
    pub fn apply(&self, api: &Api) -> Api {
        let mut out = api.clone();
        out.base_path = self.base_path.clone();
        for op in &mut out.operations {
            op.path = self.path(&op.path);
            op.operation_id = self.operation_id(&op.operation_id);
        }
        out
    }

    /// Name another document's operations as this edition's crate module
    /// does: an operationId ending in the suffix keeps a method (and
    /// builder) name without it, so `getRoleMiningSessionsV1` is still
    /// `get_role_mining_sessions`.
    pub fn adopt_names(&self, api: &mut Api) {
        if self.operation_id_suffix.is_empty() {
            return;
        }
        let snake = format!("_{}", self.operation_id_suffix.to_snake_case());
        for op in &mut api.operations {
            if op.operation_id.ends_with(&self.operation_id_suffix) {
                if let Some(stem) = op.method_name.strip_suffix(&snake) {
                    op.method_name = stem.to_owned();
                }
                if let Some(stem) = op.builder_name.strip_suffix(&self.operation_id_suffix) {
                    op.builder_name = stem.to_owned();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1() -> Edition {
        Edition { module: "v1".into(), base_path: String::new(), path_version: Some("v1".into()), operation_id_suffix: "V1".into() }
    }

    #[test]
    fn per_resource_paths_put_the_version_after_the_first_segment() {
        let e = v1();
        assert_eq!(e.path("/role-mining-sessions"), "/role-mining-sessions/v1");
        assert_eq!(e.path("/role-mining-sessions/{sessionId}/status"), "/role-mining-sessions/v1/{sessionId}/status");
        assert_eq!(e.path("/role-mining-potential-roles/saved"), "/role-mining-potential-roles/v1/saved");
        assert_eq!(e.path("/"), "/v1");
        assert_eq!(e.operation_id("getRoleMiningSessions"), "getRoleMiningSessionsV1");
        assert!(e.changes_routes());
        let year = Edition { module: "v2024".into(), base_path: "/v2024".into(), path_version: None, operation_id_suffix: String::new() };
        assert_eq!(year.path("/role-mining-sessions"), "/role-mining-sessions");
        assert!(!year.changes_routes());
    }
}
