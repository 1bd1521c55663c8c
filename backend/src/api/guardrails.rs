//! `/api/env/{env}/guardrails`: what an environment lets non-admins do to its host. Everyone
//! signed in reads them, so the UI can follow them; only admins change them, and each change is
//! audited with the settings it saved.

use axum::Json;
use axum::extract::{Path, State};
use berth_shared::guardrails::{Guardrails, GuardrailsView};

use crate::api::admin;
use crate::api::json::ApiJson;
use crate::audit::{self, Action, AuditScope};
use crate::auth::{ClientInfo, Principal};
use crate::error::ApiError;
use crate::guardrails::{protected_paths, save, settings};
use crate::state::AppState;

async fn view(state: &AppState, environment_id: &str) -> Result<GuardrailsView, ApiError> {
    let environment = state
        .environments()
        .get(environment_id)
        .ok_or_else(|| ApiError::UnknownEnvironment(environment_id.to_owned()))?;
    Ok(GuardrailsView {
        environment: environment_id.to_owned(),
        guardrails: settings(state.store(), environment_id).await?,
        protected_paths: protected_paths(&environment, state.data_dir()),
    })
}

/// `GET /api/env/{env}/guardrails`.
pub async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    Path(environment): Path<String>,
) -> Result<Json<GuardrailsView>, ApiError> {
    Ok(Json(view(&state, &environment).await?))
}

/// `PUT /api/env/{env}/guardrails`: replaces the settings with the normalised request.
pub async fn put(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientInfo,
    Path(environment): Path<String>,
    ApiJson(request): ApiJson<Guardrails>,
) -> Result<Json<GuardrailsView>, ApiError> {
    admin::require_admin(&principal, "guardrail settings")?;
    if state.environments().get(&environment).is_none() {
        return Err(ApiError::UnknownEnvironment(environment));
    }
    let guardrails = request
        .normalized()
        .map_err(|error| ApiError::BadRequest(error.to_string()))?;
    let scope = AuditScope::console(&principal, &client);
    let action = Action::in_environment(&environment, "GuardrailsUpdate", "PUT", "guardrails");
    let detail = serde_json::to_string(&guardrails).ok();
    audit::audited_with(state.store(), &scope, action, detail, 200, async {
        save(state.store(), &environment, &guardrails)
            .await
            .map_err(ApiError::from)
    })
    .await?;
    Ok(Json(view(&state, &environment).await?))
}
