//! `GET /api/health`: Berth's own state and each engine's reachability.

use axum::Json;
use axum::extract::State;
use berth_shared::api::Health;
use futures_util::future::join_all;

use crate::state::AppState;

/// Always answers 200: an unreachable engine is reported in the body, because Berth itself is up.
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let environments = join_all(state.environments().iter().map(|env| env.health())).await;
    Json(Health {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        environments,
    })
}
