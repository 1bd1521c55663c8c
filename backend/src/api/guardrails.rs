//! `/api/env/{env}/guardrails`: what an environment lets non-admins do to its host. Everyone
//! who may see the environment reads them, so the UI can follow them; only global admins change
//! them (they are console settings, not engine operations), and each change is audited with the
//! settings it saved.

use axum::Json;
use axum::extract::Path;
use berth_shared::guardrails::{Guardrails, GuardrailsView};

use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::audit::Action;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::guardrails::{protected_paths, save, settings};
use crate::state::AppState;

async fn view(
    state: &AppState,
    principal: &Principal,
    environment_id: &str,
) -> Result<GuardrailsView, ApiError> {
    let (environment, _) = state.environment_for(principal, environment_id).await?;
    Ok(GuardrailsView {
        environment: environment_id.to_owned(),
        guardrails: settings(state.store(), environment_id).await?,
        protected_paths: protected_paths(&environment, state.data_dir()),
    })
}

/// `GET /api/env/{env}/guardrails`.
pub async fn get(
    caller: Caller,
    Path(environment): Path<String>,
) -> Result<Json<GuardrailsView>, ApiError> {
    Ok(Json(
        view(&caller.state, &caller.principal, &environment).await?,
    ))
}

/// `PUT /api/env/{env}/guardrails`: replaces the settings with the normalised request.
pub async fn put(
    caller: Caller,
    Path(environment): Path<String>,
    ApiJson(request): ApiJson<Guardrails>,
) -> Result<Json<GuardrailsView>, ApiError> {
    caller.require_admin("guardrail settings")?;
    let state = &caller.state;
    state
        .environment_for(&caller.principal, &environment)
        .await?;
    let guardrails = request
        .normalized()
        .map_err(|error| ApiError::BadRequest(error.to_string()))?;
    let action = Action::in_environment(&environment, "GuardrailsUpdate", "PUT", "guardrails");
    let detail = serde_json::to_string(&guardrails).ok();
    caller
        .audited_with(action, detail, 200, async {
            save(state.store(), &environment, &guardrails)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(Json(view(state, &caller.principal, &environment).await?))
}
