//! The volume browser's endpoints. The policy decides as for the engine operations involved,
//! with the caller's role in the environment, and every change is audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use berth_shared::engine::archive::VolumeBrowser;

use super::helper::{self, HelperError, MOUNT_POINT};
use super::{IDLE_TIMEOUT, instance_id, reap, sweep};
use crate::audit::{self, Action, AuditScope};
use crate::auth::extract::BeaconPrincipal;
use crate::auth::{ClientInfo, Principal};
use crate::engine::EngineError;
use crate::error::ApiError;
use crate::policy::{self, EngineRequest};
use crate::state::AppState;

/// The image helpers are created from; it must be present on the engine (nothing is pulled).
pub const HELPER_IMAGE: &str = "busybox:latest";

/// Browsing needs what the helper's life takes (create and remove a container) and what
/// reading files takes (download an archive).
fn authorize(principal: &Principal, environment: &str) -> Result<(), ApiError> {
    for (method, path) in [
        ("POST", "/containers/create"),
        ("DELETE", "/containers/helper"),
        ("GET", "/containers/helper/archive"),
    ] {
        policy::authorize(
            &principal.actor(),
            &EngineRequest {
                environment,
                method,
                path,
            },
        )
        .map_err(|denied| ApiError::Forbidden(denied.to_string()))?;
    }
    Ok(())
}

/// Starts the reaper of idle helpers, once per process.
fn start_reaper(state: &AppState) {
    let reaper_state = state.clone();
    state.volume_browsers().start_reaper(move |now| {
        let state = reaper_state.clone();
        async move { reap(&state, now).await }
    });
}

/// `POST /api/env/{env}/volumes/{name}/browse`.
pub async fn start(
    State(state): State<AppState>,
    signed_in: Principal,
    client: ClientInfo,
    Path((env_id, volume)): Path<(String, String)>,
) -> Result<(StatusCode, Json<VolumeBrowser>), ApiError> {
    let (environment, principal) = state.environment_for(&signed_in, &env_id).await?;
    authorize(&principal, &env_id)?;
    start_reaper(&state);
    if let Err(error) = sweep(&state, &environment).await {
        tracing::warn!(%error, "could not look for leftover volume helpers");
    }
    let instance = instance_id(&state).await?;
    let target = format!("/volumes/{volume}");
    let action = Action::in_environment(&env_id, "VolumeBrowse", "POST", &target);
    let scope = AuditScope::of(&principal, &client);
    let created = audit::audited(state.store(), &scope, action, 201, async {
        helper::create(environment.client(), &volume, HELPER_IMAGE, &instance)
            .await
            .map_err(|error| match error {
                HelperError::NoSuchVolume(_) => ApiError::Missing(error.to_string()),
                HelperError::Engine(EngineError::Status { status, message })
                    if status == StatusCode::NOT_FOUND && message.contains("image") =>
                {
                    ApiError::Conflict(format!(
                        "browsing volumes needs the image {HELPER_IMAGE} on the engine: {message}"
                    ))
                }
                HelperError::Engine(error) => ApiError::from_engine(&environment, error),
            })
    })
    .await?;
    state.volume_browsers().insert(&env_id, &created);
    Ok((
        StatusCode::CREATED,
        Json(VolumeBrowser {
            container: created,
            path: MOUNT_POINT.to_owned(),
            idle_timeout: IDLE_TIMEOUT.as_secs(),
        }),
    ))
}

/// `POST /api/env/{env}/volume-browsers/{id}/keepalive`.
pub async fn keep_alive(
    State(state): State<AppState>,
    signed_in: Principal,
    Path((env_id, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (_, principal) = state.environment_for(&signed_in, &env_id).await?;
    authorize(&principal, &env_id)?;
    if state.volume_browsers().touch(&env_id, &id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::Missing(format!("no volume browser {id}")))
    }
}

/// `DELETE /api/env/{env}/volume-browsers/{id}`: only this Berth's own helpers.
pub async fn stop(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientInfo,
    Path((env_id, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    end(&state, &principal, &client, &env_id, &id).await
}

/// `POST /api/env/{env}/volume-browsers/{id}/end`: the same, sent by the files page with
/// `navigator.sendBeacon` when it is left with a full page load, which runs no clean-up; the
/// session's CSRF token comes in the form body ([`BeaconPrincipal`]).
pub async fn end_beacon(
    State(state): State<AppState>,
    client: ClientInfo,
    Path((env_id, id)): Path<(String, String)>,
    BeaconPrincipal(principal): BeaconPrincipal,
) -> Result<StatusCode, ApiError> {
    end(&state, &principal, &client, &env_id, &id).await
}

/// Removes helper `id`, if this Berth started it and the caller may browse.
async fn end(
    state: &AppState,
    signed_in: &Principal,
    client: &ClientInfo,
    env_id: &str,
    id: &str,
) -> Result<StatusCode, ApiError> {
    let (environment, principal) = state.environment_for(signed_in, env_id).await?;
    let principal = &principal;
    authorize(principal, env_id)?;
    if !state.volume_browsers().take(env_id, id) {
        return Err(ApiError::Missing(format!("no volume browser {id}")));
    }
    let target = format!("/containers/{id}");
    let action = Action::in_environment(env_id, "VolumeBrowseEnd", "DELETE", &target);
    let scope = AuditScope::of(principal, client);
    audit::audited(state.store(), &scope, action, 204, async {
        helper::remove(environment.client(), id)
            .await
            .map_err(|error| ApiError::from_engine(&environment, error))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
