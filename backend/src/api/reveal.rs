//! `POST /api/env/{env}/containers/{id}/reveal`: a container's environment in clear. The UI
//! masks secret-looking values everywhere (Overview and Inspect alike) until the user asks;
//! asking comes here, so every reveal is in the audit log, naming the container and the
//! environment, before the values are read. The policy decides as for inspecting the
//! container, and only roles that may see secrets (the caller's role in that environment) get an answer.

use axum::Json;
use axum::extract::{Path, State};
use berth_shared::api::reveal::RevealedEnv;
use berth_shared::engine::inspect::ContainerInspect;
use berth_shared::percent;
use http::Method;

use crate::audit::{self, Action, AuditScope};
use crate::auth::{ClientInfo, Principal};
use crate::engine::client::CONTROL_TIMEOUT;
use crate::error::ApiError;
use crate::policy::{self, EngineRequest};
use crate::state::AppState;

/// `POST /api/env/{env}/containers/{id}/reveal`.
pub async fn reveal(
    State(state): State<AppState>,
    signed_in: Principal,
    client: ClientInfo,
    Path((env_id, id)): Path<(String, String)>,
) -> Result<Json<RevealedEnv>, ApiError> {
    let (environment, principal) = state.environment_for(&signed_in, &env_id).await?;
    let path = format!("/containers/{}/json", percent::component(&id));
    policy::authorize(
        &principal.actor(),
        &EngineRequest {
            environment: &env_id,
            method: "GET",
            path: &path,
        },
    )
    .map_err(|denied| ApiError::Forbidden(denied.to_string()))?;
    if !principal.role.sees_secrets() {
        return Err(ApiError::Forbidden(format!(
            "{} is a {}: that role reads containers without their environment values",
            principal.username, principal.role
        )));
    }
    let target = format!("/containers/{id}/env");
    let action = Action::in_environment(&env_id, "ContainerRevealEnv", "POST", &target);
    let scope = AuditScope::of(&principal, &client);
    let inspected: ContainerInspect = audit::audited(state.store(), &scope, action, 200, async {
        environment
            .client()
            .call(Method::GET, &path, None::<&()>, CONTROL_TIMEOUT)
            .await
            .map_err(|error| ApiError::from_engine(&environment, error))
    })
    .await?;
    Ok(Json(RevealedEnv {
        container: inspected.id,
        env: inspected.config.env.unwrap_or_default(),
    }))
}
