//! Browser terminals: `GET /api/env/{env}/terminal`, a WebSocket that runs an exec in a
//! container, or attaches to its main process, and bridges it to xterm.js in the UI. The
//! protocol is [`berth_shared::terminal`].
//!
//! The handshake is authenticated by the [`Principal`] extractor (which refuses foreign
//! Origins), and refused before the upgrade unless the user's role in the environment grants
//! [`Access::Exec`] (an environment they may not see is a 404). Every
//! engine request of the session then passes [`crate::policy::authorize`] as the user, and the
//! session is recorded in the audit log before the process starts and completed with its exit
//! code when it ends.
//!
//! A terminal counts against its user's stream limit, and ends with a clear message as soon as
//! the session or token it was opened with ends or the user's access changes.
//!
//! When the browser goes away the engine connection is closed at once. The process then reads
//! end-of-file on stdin: an interactive shell exits, as with `docker exec -it` when its client
//! dies. A process that ignores stdin runs on until it ends (the Engine API has no way to kill
//! an exec); an attached container keeps running.

mod bridge;
mod calls;
mod frames;
mod session;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::auth::{ClientInfo, Principal};
use crate::error::ApiError;
use crate::policy::Access;
use crate::state::AppState;

/// The largest message a browser may send (stdin pastes are chunked by the UI).
const MAX_MESSAGE: usize = 1024 * 1024;

/// Upgrades to the terminal WebSocket for a user allowed to run processes in containers.
pub async fn handle(
    State(state): State<AppState>,
    Path(environment_id): Path<String>,
    signed_in: Principal,
    client: ClientInfo,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let (environment, principal) = state.environment_for(&signed_in, &environment_id).await?;
    if !principal.role.allows(Access::Exec) {
        return Err(ApiError::Forbidden(format!(
            "Berth denies terminals in '{environment_id}' to {} '{}': viewers may only read",
            principal.role, principal.username
        )));
    }
    let stream = state
        .streams()
        .open(&principal, &environment_id, "terminal")?;
    Ok(upgrade
        .max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| {
            session::run(socket, state, environment, principal, client, stream)
        }))
}
