//! Browsing a volume's files through a short-lived helper container.
//!
//! `POST /api/env/{env}/volumes/{name}/browse` creates a helper with the volume mounted (the UI
//! then uses the archive API on it through the gateway), `POST …/volume-browsers/{id}/keepalive`
//! keeps it, and `DELETE …/volume-browsers/{id}` removes it ([`routes`]). [`helper`] makes the
//! engine calls, [`sessions`] remembers which helpers are live and until when.
//!
//! A helper not kept alive within [`sessions::IDLE_TIMEOUT`] is removed by the reaper, so a
//! closed tab never leaves one behind; helpers left by a previous run of this Berth are swept
//! the next time a volume is browsed. Both removals are audited, and both touch only helpers
//! labelled with this Berth's instance id, which the store keeps across restarts.

pub mod helper;
pub mod routes;
pub mod sessions;

use std::time::Instant;

pub use sessions::{IDLE_TIMEOUT, VolumeBrowsers};

use crate::audit::{self, Action, AuditScope};
use crate::auth::secrets::random_token;
use crate::engine::Environment;
use crate::error::ApiError;
use crate::state::AppState;

/// The store setting that holds this Berth's instance id.
const INSTANCE_SETTING: &str = "instance_id";

/// This Berth's instance id: made once, kept in the store, so that a restarted Berth still
/// knows its own helpers and never takes another Berth's for leftovers.
pub async fn instance_id(state: &AppState) -> Result<String, ApiError> {
    let store = state.store();
    state
        .volume_browsers()
        .instance(|| async {
            let stored = store.setting(INSTANCE_SETTING).await.map_err(internal)?;
            if let Some(id) = stored {
                return Ok(id);
            }
            let id = random_token(12);
            store
                .set_setting(INSTANCE_SETTING, &id)
                .await
                .map_err(internal)?;
            Ok(id)
        })
        .await
        .map(str::to_owned)
}

fn internal(error: crate::store::StoreError) -> ApiError {
    ApiError::Internal(error.to_string())
}

/// Removes, with an audit record each, every helper idle past its deadline at `now`.
pub async fn reap(state: &AppState, now: Instant) {
    for (environment, container) in state.volume_browsers().take_expired(now) {
        if let Some(environment) = state.environments().get(&environment) {
            remove_unattended(state, &environment, &container).await;
        }
    }
}

/// Removes, with an audit record each, the helpers a previous run of this Berth left on
/// `environment`'s engine: those with its instance id that no live session knows.
pub async fn sweep(state: &AppState, environment: &Environment) -> Result<(), ApiError> {
    let instance = instance_id(state).await?;
    let helpers = helper::list(environment.client(), &instance)
        .await
        .map_err(|error| ApiError::from_engine(environment, error))?;
    for id in helpers {
        if !state.volume_browsers().contains(environment.id(), &id) {
            remove_unattended(state, environment, &id).await;
        }
    }
    Ok(())
}

/// Removes a helper on Berth's own initiative, recorded as the reaper's doing.
async fn remove_unattended(state: &AppState, environment: &Environment, container: &str) {
    let target = format!("/containers/{container}");
    let action = Action::in_environment(environment.id(), "VolumeBrowseEnd", "DELETE", &target);
    let removed = audit::audited(state.store(), &AuditScope::reaper(), action, 204, async {
        helper::remove(environment.client(), container)
            .await
            .map_err(|error| ApiError::from_engine(environment, error))
    })
    .await;
    if let Err(error) = removed {
        tracing::warn!(%error, %container, "could not remove an idle volume helper");
    }
}
