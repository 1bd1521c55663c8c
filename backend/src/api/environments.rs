//! `/api/environments`: the engines Berth manages, for admins. Adding or editing one checks
//! its engine first, as `berth environment add|edit` does (the same code, in
//! [`crate::environments::changes`]); each change is audited and reaches the running set at
//! once.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use berth_shared::api::environments::{EnvironmentRequest, EnvironmentSaved, EnvironmentView};

use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::environments::changes::{self, Saved};
use crate::environments::check::Checked;
use crate::environments::input::{local_view, record_view};
use crate::error::ApiError;

/// Only admins manage environments.
const ADMIN_AREA: &str = "environment administration";

fn saved(saved: Saved) -> EnvironmentSaved {
    let (engine, offline) = match saved.checked {
        Some(Checked::Reachable(negotiated)) => (Some(negotiated.engine), None),
        Some(Checked::Offline(error)) => (None, Some(error.to_string())),
        None => (None, None),
    };
    EnvironmentSaved {
        environment: record_view(&saved.record),
        engine,
        offline,
    }
}

/// `GET /api/environments`: `local`, then every stored environment.
pub async fn list(caller: Caller) -> Result<Json<Vec<EnvironmentView>>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    let local = state.environment(crate::engine::environment::LOCAL)?;
    let stored = state.store().environments().await?;
    Ok(Json(
        std::iter::once(local_view(&local))
            .chain(stored.iter().map(record_view))
            .collect(),
    ))
}

/// `POST /api/environments`.
pub async fn create(
    caller: Caller,
    ApiJson(request): ApiJson<EnvironmentRequest>,
) -> Result<(StatusCode, Json<EnvironmentSaved>), ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    let result = changes::add(
        state.store(),
        state.vault(),
        &caller.scope(),
        "POST",
        &request,
    )
    .await?;
    state.reload_environments().await?;
    Ok((StatusCode::CREATED, Json(saved(result))))
}

/// `PUT /api/environments/{id}`: replaces its name, description, tags and transport; without
/// new TLS material the stored one is kept.
pub async fn update(
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<EnvironmentRequest>,
) -> Result<Json<EnvironmentSaved>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    let result = changes::edit(
        state.store(),
        state.vault(),
        &caller.scope(),
        "PUT",
        &id,
        &request,
    )
    .await?;
    state.reload_environments().await?;
    Ok(Json(saved(result)))
}

/// `DELETE /api/environments/{id}`.
pub async fn remove(caller: Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    changes::remove(state.store(), &caller.scope(), "DELETE", &id).await?;
    state.reload_environments().await?;
    Ok(StatusCode::NO_CONTENT)
}
