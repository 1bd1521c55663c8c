//! `GET /api/health`: Berth's own state and each engine's reachability.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use berth_shared::api::Health;
use futures_util::future::join_all;

use crate::state::AppState;

/// Always answers 200: an unreachable engine is reported in the body, because Berth itself is
/// up. Anyone may ask, for monitoring; where the engine is and why it failed are told only to
/// signed-in users.
pub async fn health(State(state): State<AppState>, headers: HeaderMap) -> Json<Health> {
    let signed_in = matches!(state.auth().authenticate(&headers).await, Ok(Some(_)));
    let mut environments = join_all(state.environments().iter().map(|env| env.health())).await;
    if !signed_in {
        for environment in &mut environments {
            environment.endpoint.clear();
            environment.error = None;
        }
    }
    Json(Health {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        environments,
    })
}
