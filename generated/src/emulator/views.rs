//! The tenant's state in the generated model types of each API, and request
//! bodies read through them: the emulator sends and accepts exactly the
//! shapes the specs describe. The code is written once (`views!`) and
//! compiled against `beta::models` and `v2025::models` (which v2024, v2026
//! and v1 share).

macro_rules! views {
    ($api:ident) => {
        use std::collections::{BTreeMap, HashMap};
        use std::time::Instant;

        use crate::$api::models as m;
        use crate::emulator::state::{Export, PatchOp, ProvisionStage, Role, Session, SessionInput, Stage, Tenant, ExportStage};

        fn state(stage: Stage) -> m::RoleMiningSessionState {
            match stage {
                Stage::Created => m::RoleMiningSessionState::Created,
                Stage::Updated => m::RoleMiningSessionState::Updated,
                Stage::IdentitiesObtained => m::RoleMiningSessionState::IdentitiesObtained,
                Stage::PruneThresholdObtained => m::RoleMiningSessionState::PruneThresholdObtained,
                Stage::Processing => m::RoleMiningSessionState::PotentialRolesProcessing,
                Stage::Done => m::RoleMiningSessionState::PotentialRolesCreated,
            }
        }

        fn role_type(common: bool) -> m::RoleMiningRoleType {
            if common {
                m::RoleMiningRoleType::Common
            } else {
                m::RoleMiningRoleType::Specialized
            }
        }

        fn created_by(t: &Tenant, identity: usize) -> m::RoleMiningSessionResponseCreatedBy {
            let identity = &t.dir.identities[identity];
            m::RoleMiningSessionResponseCreatedBy::EntityCreatedByDto(m::EntityCreatedByDto {
                id: Some(identity.id.clone()),
                display_name: Some(identity.display_name.clone()),
            })
        }

        fn scope(s: &Session) -> m::RoleMiningSessionScope {
            m::RoleMiningSessionScope {
                identity_ids: Some(s.identity_ids.clone()),
                criteria: s.criteria.clone(),
                attribute_filter_criteria: s.attribute_filter_criteria.clone(),
            }
        }

        /// Counts known from a stage on: identities, the prescribed
        /// threshold, potential roles (found, ready).
        fn counts(t: &Tenant, s: &Session, now: Instant) -> (Stage, Option<i32>, Option<i32>, i32, i32) {
            let (stage, ready) = t.progress(s, now);
            let identities = (stage >= Stage::IdentitiesObtained).then_some(s.scope.len() as i32);
            let prescribed = (stage >= Stage::PruneThresholdObtained).then_some(s.prescribed_prune_threshold);
            let found = if stage >= Stage::Processing { s.roles.len() as i32 } else { 0 };
            (stage, identities, prescribed, found, ready as i32)
        }

        pub(crate) fn session_response(t: &Tenant, s: &Session, now: Instant) -> m::RoleMiningSessionResponse {
            let (stage, identities, prescribed, found, ready) = counts(t, s, now);
            m::RoleMiningSessionResponse {
                scope: Some(scope(s)),
                min_num_identities_in_potential_role: s.min_identities,
                scoping_method: Some(if s.auto_scoped { "AUTO_RM" } else { "MANUAL" }.to_owned()),
                prescribed_prune_threshold: prescribed,
                prune_threshold: s.prune_threshold,
                potential_role_count: Some(found),
                potential_roles_ready_count: Some(ready),
                status: Some(m::RoleMiningSessionStatus { state: Some(state(stage)) }),
                email_recipient_id: s.email_recipient_id.clone(),
                created_by: Some(created_by(t, s.created_by)),
                identity_count: identities,
                saved: Some(s.saved),
                name: s.name.clone(),
                data_file_path: None,
                id: Some(s.id.clone()),
                created_date: Some(s.created),
                modified_date: Some(s.modified),
                r#type: Some(role_type(s.common)),
            }
        }

        // Only the v2025 shape lists sessions as DTOs.
        #[allow(dead_code)]
        pub(crate) fn session_dto(t: &Tenant, s: &Session, now: Instant) -> m::RoleMiningSessionDto {
            let (_, identities, prescribed, found, ready) = counts(t, s, now);
            m::RoleMiningSessionDto {
                scope: Some(scope(s)),
                prune_threshold: s.prune_threshold,
                prescribed_prune_threshold: prescribed,
                min_num_identities_in_potential_role: s.min_identities,
                potential_role_count: Some(found),
                potential_roles_ready_count: Some(ready),
                r#type: Some(role_type(s.common)),
                email_recipient_id: s.email_recipient_id.clone(),
                identity_count: identities,
                saved: Some(s.saved),
                name: s.name.clone(),
            }
        }

        pub(crate) fn session_status(t: &Tenant, s: &Session, now: Instant) -> m::RoleMiningSessionStatus {
            m::RoleMiningSessionStatus { state: Some(state(t.progress(s, now).0)) }
        }

        fn session_parameters(t: &Tenant, role: &Role, now: Instant) -> Option<m::RoleMiningSessionParametersDto> {
            let s = t.session(&role.session)?;
            Some(m::RoleMiningSessionParametersDto {
                id: Some(s.id.clone()),
                name: s.name.clone(),
                min_num_identities_in_potential_role: s.min_identities,
                prune_threshold: Some(t.prune_threshold(s)),
                saved: Some(s.saved),
                scope: Some(scope(s)),
                r#type: Some(role_type(s.common)),
                state: Some(state(t.progress(s, now).0)),
                scoping_method: Some(if s.auto_scoped {
                    m::RoleMiningSessionScopingMethod::AutoRm
                } else {
                    m::RoleMiningSessionScopingMethod::Manual
                }),
            })
        }

        fn provision_state(stage: ProvisionStage) -> m::RoleMiningPotentialRoleProvisionState {
            match stage {
                ProvisionStage::Potential => m::RoleMiningPotentialRoleProvisionState::Potential,
                ProvisionStage::Pending => m::RoleMiningPotentialRoleProvisionState::Pending,
                ProvisionStage::Complete => m::RoleMiningPotentialRoleProvisionState::Complete,
                ProvisionStage::Failed => m::RoleMiningPotentialRoleProvisionState::Failed,
            }
        }

        fn quality(role: &Role) -> i32 {
            (role.density + role.freshness) / 2
        }

        fn session_creator(t: &Tenant, role: &Role) -> Option<m::RoleMiningSessionResponseCreatedBy> {
            t.session(&role.session).map(|s| created_by(t, s.created_by))
        }

        pub(crate) fn role_summary(t: &Tenant, role: &Role, now: Instant) -> m::RoleMiningPotentialRoleSummary {
            m::RoleMiningPotentialRoleSummary {
                id: Some(role.id.clone()),
                name: role.name.clone(),
                potential_role_ref: Some(m::RoleMiningPotentialRoleRef { id: Some(role.id.clone()), name: role.name.clone() }),
                identity_count: Some(role.identities.len() as i32),
                entitlement_count: Some(t.role_entitlements(role).len() as i32),
                identity_group_status: Some("OBTAINED".to_owned()),
                provision_state: Some(provision_state(t.provision_stage(role, now))),
                role_id: t.provisioned_role_id(role, now).map(str::to_owned),
                density: Some(role.density),
                freshness: Some(role.freshness),
                quality: Some(quality(role)),
                r#type: Some(role_type(role.common)),
                created_by: session_creator(t, role),
                created_date: Some(role.created),
                saved: Some(role.saved),
                description: role.description.clone(),
                session: session_parameters(t, role, now),
            }
        }

        fn distribution(t: &Tenant, role: &Role) -> Vec<m::RoleMiningIdentityDistribution> {
            ["department", "location", "jobTitle"]
                .iter()
                .map(|attribute| {
                    let mut counts: BTreeMap<&str, i32> = BTreeMap::new();
                    for &i in &role.identities {
                        *counts.entry(t.dir.identities[i].attribute(attribute).unwrap_or("")).or_default() += 1;
                    }
                    m::RoleMiningIdentityDistribution {
                        attribute_name: Some((*attribute).to_owned()),
                        distribution: Some(
                            counts
                                .into_iter()
                                .map(|(value, count)| m::RoleMiningIdentityDistributionDistributionItem {
                                    attribute_value: Some(value.to_owned()),
                                    count: Some(count),
                                })
                                .collect(),
                        ),
                    }
                })
                .collect()
        }

        pub(crate) fn role(t: &Tenant, role: &Role, now: Instant) -> m::RoleMiningPotentialRole {
            m::RoleMiningPotentialRole {
                created_by: session_creator(t, role),
                density: Some(role.density),
                description: role.description.clone(),
                entitlement_count: Some(t.role_entitlements(role).len() as i32),
                excluded_entitlements: Some(role.excluded.iter().map(|&e| t.dir.entitlements[e].id.clone()).collect()),
                freshness: Some(role.freshness),
                identity_count: Some(role.identities.len() as i32),
                identity_distribution: Some(distribution(t, role)),
                identity_ids: Some(role.identities.iter().map(|&i| t.dir.identities[i].id.clone()).collect()),
                identity_group_status: Some("OBTAINED".to_owned()),
                name: role.name.clone(),
                potential_role_ref: Some(m::RoleMiningPotentialRolePotentialRoleRef {
                    id: Some(role.id.clone()),
                    name: role.name.clone(),
                }),
                provision_state: Some(provision_state(t.provision_stage(role, now))),
                quality: Some(quality(role)),
                role_id: t.provisioned_role_id(role, now).map(str::to_owned),
                saved: Some(role.saved),
                session: session_parameters(t, role, now),
                r#type: Some(role_type(role.common)),
                id: Some(role.id.clone()),
                created_date: Some(role.created),
                modified_date: Some(role.modified),
            }
        }

        pub(crate) fn application(t: &Tenant, source: usize) -> m::RoleMiningPotentialRoleApplication {
            let source = &t.dir.sources[source];
            m::RoleMiningPotentialRoleApplication { id: Some(source.id.clone()), name: Some(source.name.clone()) }
        }

        pub(crate) fn role_entitlement(t: &Tenant, e: usize) -> m::RoleMiningPotentialRoleEntitlements {
            let entitlement = &t.dir.entitlements[e];
            m::RoleMiningPotentialRoleEntitlements { id: Some(entitlement.id.clone()), name: Some(entitlement.name.clone()) }
        }

        pub(crate) fn entitlement(t: &Tenant, role: &Role, e: usize, holders: usize) -> m::RoleMiningEntitlement {
            let entitlement = &t.dir.entitlements[e];
            let source = &t.dir.sources[entitlement.source];
            let users = role
                .identities
                .iter()
                .filter(|&&i| t.usage_days(i, entitlement.source) > 0)
                .count();
            m::RoleMiningEntitlement {
                entitlement_ref: Some(m::RoleMiningEntitlementRef {
                    id: Some(entitlement.id.clone()),
                    name: Some(entitlement.name.clone()),
                    description: entitlement.description.clone(),
                    attribute: Some(entitlement.attribute.clone()),
                }),
                name: Some(entitlement.name.clone()),
                application_name: Some(source.name.clone()),
                identity_count: Some(holders as i32),
                popularity: Some(t.popularity(role, e)),
                popularity_in_org: Some(t.dir.popularity_in_org(e)),
                source_id: Some(source.id.clone()),
                activity_source_state: Some("complete".to_owned()),
                source_usage_percent: Some(crate::emulator::data::percent(users, role.identities.len())),
            }
        }

        pub(crate) fn identity(t: &Tenant, i: usize) -> m::RoleMiningIdentity {
            let identity = &t.dir.identities[i];
            let attributes: HashMap<String, _> = [
                ("department", identity.department),
                ("location", identity.location),
                ("jobTitle", identity.job_title),
                ("email", identity.email.as_str()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned().into()))
            .collect();
            m::RoleMiningIdentity {
                id: Some(identity.id.clone()),
                name: Some(identity.display_name.clone()),
                attributes: Some(attributes),
            }
        }

        pub(crate) fn export(t: &Tenant, export: &Export, now: Instant) -> m::RoleMiningPotentialRoleExportResponse {
            m::RoleMiningPotentialRoleExportResponse {
                min_entitlement_popularity: export.min_entitlement_popularity,
                include_common_access: export.include_common_access,
                export_id: Some(export.id.clone()),
                status: Some(match t.export_stage(export, now) {
                    ExportStage::Queued => m::RoleMiningPotentialRoleExportState::Queued,
                    ExportStage::InProgress => m::RoleMiningPotentialRoleExportState::InProgress,
                    ExportStage::Success => m::RoleMiningPotentialRoleExportState::Success,
                }),
            }
        }

        pub(crate) fn draft(t: &Tenant, role: &Role) -> m::RoleMiningSessionDraftRoleDto {
            let entitlements = t.role_entitlements(role);
            m::RoleMiningSessionDraftRoleDto {
                name: role.name.clone(),
                description: role.description.clone(),
                identity_ids: Some(role.identities.iter().map(|&i| t.dir.identities[i].id.clone()).collect()),
                entitlement_ids: Some(entitlements.iter().map(|&e| t.dir.entitlements[e].id.clone()).collect()),
                excluded_entitlements: Some(role.excluded.iter().map(|&e| t.dir.entitlements[e].id.clone()).collect()),
                modified: Some(role.modified),
                r#type: Some(role_type(role.common)),
                id: Some(role.id.clone()),
                created_date: Some(role.created),
                modified_date: Some(role.modified),
            }
        }

        pub(crate) fn source_usage(t: &Tenant, i: usize, source: usize) -> m::RoleMiningPotentialRoleSourceUsage {
            let identity = &t.dir.identities[i];
            m::RoleMiningPotentialRoleSourceUsage {
                id: Some(identity.id.clone()),
                display_name: Some(identity.display_name.clone()),
                email: Some(identity.email.clone()),
                usage_count: Some(t.usage_days(i, source)),
            }
        }

        /// SailPoint's error body: one English message.
        pub(crate) fn error(detail_code: &str, tracking_id: &str, text: &str) -> m::ErrorResponseDto {
            m::ErrorResponseDto {
                detail_code: Some(detail_code.to_owned()),
                tracking_id: Some(tracking_id.to_owned()),
                messages: Some(vec![m::ErrorMessageDto {
                    locale: Some("en-US".to_owned()),
                    locale_origin: Some(m::LocaleOrigin::Default),
                    text: Some(text.to_owned()),
                }]),
                causes: Some(Vec::new()),
            }
        }

        /// The 401 body (`error`), with the `ErrorResponseDto` fields beside it.
        pub(crate) fn unauthorized(tracking_id: &str, text: &str) -> serde_json::Value {
            merge(&m::UnauthorizedBody { error: Some(text.into()) }, &error("401 Unauthorized", tracking_id, text))
        }

        /// The 429 body (`message`), with the `ErrorResponseDto` fields beside it.
        pub(crate) fn too_many_requests(tracking_id: &str, text: &str) -> serde_json::Value {
            merge(&m::TooManyRequestsBody { message: Some(text.into()) }, &error("429 Too Many Requests", tracking_id, text))
        }

        fn merge(first: &impl serde::Serialize, second: &impl serde::Serialize) -> serde_json::Value {
            let mut value = serde_json::to_value(first).unwrap_or_default();
            if let (Some(map), Ok(serde_json::Value::Object(more))) = (value.as_object_mut(), serde_json::to_value(second)) {
                map.extend(more);
            }
            value
        }

        fn read<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, String> {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Err(format!("the request needs a body: {what}"));
            }
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            serde_path_to_error::deserialize(&mut deserializer)
                .map_err(|e| format!("the body is not a valid {what}: {} at {}", e.inner(), e.path()))
        }

        pub(crate) fn session_input(body: &[u8]) -> Result<SessionInput, String> {
            let dto: m::RoleMiningSessionDto = read(body, "RoleMiningSessionDto")?;
            let scope = dto.scope.unwrap_or_default();
            Ok(SessionInput {
                identity_ids: scope.identity_ids.unwrap_or_default(),
                criteria: scope.criteria,
                attribute_filter_criteria: scope.attribute_filter_criteria,
                prune_threshold: dto.prune_threshold,
                min_identities: dto.min_num_identities_in_potential_role,
                common: matches!(dto.r#type, Some(m::RoleMiningRoleType::Common)),
                email_recipient_id: dto.email_recipient_id,
                saved: dto.saved.unwrap_or(false),
                name: dto.name,
            })
        }

        pub(crate) fn session_patch(body: &[u8]) -> Result<Vec<PatchOp>, String> {
            let ops: Vec<m::JsonPatchOperation> = read(body, "JSON Patch (JsonPatchOperation array)")?;
            Ok(ops
                .into_iter()
                .map(|op| PatchOp {
                    op: op.op.as_str().to_owned(),
                    path: op.path,
                    value: op.value.map(|v| serde_json::to_value(v).unwrap_or_default()),
                })
                .collect())
        }

        pub(crate) fn role_patch(body: &[u8]) -> Result<Vec<PatchOp>, String> {
            let ops: Vec<m::JsonPatchOperationRoleMining> = read(body, "JSON Patch (JsonPatchOperationRoleMining array)")?;
            Ok(ops
                .into_iter()
                .map(|op| PatchOp {
                    op: op.op.as_str().to_owned(),
                    path: op.path,
                    value: op.value.map(|v| serde_json::to_value(v).unwrap_or_default()),
                })
                .collect())
        }

        pub(crate) fn edit_entitlements(body: &[u8]) -> Result<(Vec<String>, bool), String> {
            let edit: m::RoleMiningPotentialRoleEditEntitlements = read(body, "RoleMiningPotentialRoleEditEntitlements")?;
            Ok((edit.ids.unwrap_or_default(), edit.exclude.unwrap_or(true)))
        }

        /// `(minEntitlementPopularity, includeCommonAccess)`; the body is optional.
        pub(crate) fn export_request(body: &[u8]) -> Result<(Option<i32>, Option<bool>), String> {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok((None, None));
            }
            let request: m::RoleMiningPotentialRoleExportRequest = read(body, "RoleMiningPotentialRoleExportRequest")?;
            Ok((request.min_entitlement_popularity, request.include_common_access))
        }

        /// Check the optional provisioning body.
        pub(crate) fn provision_request(body: &[u8]) -> Result<(), String> {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(());
            }
            let request: m::RoleMiningPotentialRoleProvisionRequest = read(body, "RoleMiningPotentialRoleProvisionRequest")?;
            match request.role_name {
                Some(name) if name.trim().is_empty() => Err("roleName must not be blank".to_owned()),
                _ => Ok(()),
            }
        }
    };
}

/// The `beta` API's shapes.
pub(crate) mod beta {
    views!(beta);
}

/// The shapes of `v2025`, and so of `v2024`, `v2026` and `v1`.
pub(crate) mod v2025 {
    views!(v2025);
}
