//! Browsing a volume's files: `POST /api/environments/{env}/volumes/{name}/browse` creates a
//! helper container with the volume mounted (the UI then uses the archive API on it through the
//! gateway), `POST …/volume-browsers/{id}/keepalive` keeps it, and `DELETE
//! …/volume-browsers/{id}` removes it. The policy decides as for the engine operations involved,
//! every change is audited, and idle helpers are reaped.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use berth_shared::engine::archive::VolumeBrowser;

use crate::audit::{self, Action, AuditScope};
use crate::auth::{ClientInfo, Principal};
use crate::engine::Environment;
use crate::engine::volume_helper::{self, MOUNT_POINT};
use crate::error::ApiError;
use crate::policy::{self, EngineRequest};
use crate::state::AppState;
use crate::volume_browser::IDLE_TIMEOUT;

/// The image helpers are created from; it must be present on the engine (nothing is pulled).
pub const HELPER_IMAGE: &str = "busybox:latest";

fn environment(state: &AppState, id: &str) -> Result<std::sync::Arc<Environment>, ApiError> {
    state
        .environments()
        .get(id)
        .ok_or_else(|| ApiError::UnknownEnvironment(id.to_owned()))
}

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

/// Starts the reaper of idle helpers (once) and removes helpers a previous run left behind.
async fn sweep(state: &AppState, environment: &Environment) {
    let reaper_state = state.clone();
    state.volume_browsers().start_reaper(move |expired| {
        let state = reaper_state.clone();
        async move {
            for (environment, container) in expired {
                if let Some(env) = state.environments().get(&environment)
                    && let Err(error) = volume_helper::remove(env.client(), &container).await
                {
                    tracing::warn!(%error, %container, "could not remove an idle volume helper");
                }
            }
        }
    });
    if let Ok(helpers) = volume_helper::list(environment.client()).await {
        for id in helpers {
            if !state.volume_browsers().contains(environment.id(), &id) {
                let _ = volume_helper::remove(environment.client(), &id).await;
            }
        }
    }
}

/// `POST /api/environments/{env}/volumes/{name}/browse`.
pub async fn start(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientInfo,
    Path((env_id, volume)): Path<(String, String)>,
) -> Result<(StatusCode, Json<VolumeBrowser>), ApiError> {
    let environment = environment(&state, &env_id)?;
    authorize(&principal, &env_id)?;
    sweep(&state, &environment).await;
    let target = format!("/volumes/{volume}");
    let action = Action::in_environment(&env_id, "VolumeBrowse", "POST", &target);
    let scope = AuditScope::of(&principal, &client);
    let created = audit::audited(state.store(), &scope, action, 201, async {
        volume_helper::create(environment.client(), &volume, HELPER_IMAGE)
            .await
            .map_err(|error| match error {
                crate::engine::EngineError::Status { status, message }
                    if status == StatusCode::NOT_FOUND && message.contains("image") =>
                {
                    ApiError::Conflict(format!(
                        "browsing volumes needs the image {HELPER_IMAGE} on the engine: {message}"
                    ))
                }
                error => ApiError::from_engine(&environment, error),
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

/// `POST /api/environments/{env}/volume-browsers/{id}/keepalive`.
pub async fn keep_alive(
    State(state): State<AppState>,
    principal: Principal,
    Path((env_id, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    authorize(&principal, &env_id)?;
    if state.volume_browsers().touch(&env_id, &id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::Missing(format!("no volume browser {id}")))
    }
}

/// `DELETE /api/environments/{env}/volume-browsers/{id}`: only Berth's own helpers.
pub async fn stop(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientInfo,
    Path((env_id, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let environment = environment(&state, &env_id)?;
    authorize(&principal, &env_id)?;
    if !state.volume_browsers().take(&env_id, &id) {
        return Err(ApiError::Missing(format!("no volume browser {id}")));
    }
    let target = format!("/containers/{id}");
    let action = Action::in_environment(&env_id, "VolumeBrowseEnd", "DELETE", &target);
    let scope = AuditScope::of(&principal, &client);
    audit::audited(state.store(), &scope, action, 204, async {
        volume_helper::remove(environment.client(), &id)
            .await
            .map_err(|error| ApiError::from_engine(&environment, error))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
