//! `GET /api/health`: Berth's own state and each engine's reachability.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use berth_shared::api::Health;
use berth_shared::api::health::UP;
use futures_util::future::join_all;
use serde::Deserialize;

use crate::state::AppState;

/// `GET /api/health`'s query.
#[derive(Debug, Deserialize)]
pub struct HealthQuery {
    /// Only this environment: the shell asks about the one it shows, so an unreachable other
    /// one never holds its header back.
    environment: Option<String>,
}

/// Always answers 200: an unreachable engine is reported in the body, because Berth itself is
/// up. Anyone may ask, for monitoring, and learns only that Berth is up; Berth's version and
/// each engine's address, version and failure are told only to signed-in users, and no engine
/// is contacted for an anonymous caller.
pub async fn health(
    State(state): State<AppState>,
    Query(query): Query<HealthQuery>,
    headers: HeaderMap,
) -> Json<Health> {
    let signed_in = matches!(state.auth().authenticate(&headers).await, Ok(Some(_)));
    if !signed_in {
        return Json(Health {
            status: UP.to_owned(),
            version: None,
            environments: Vec::new(),
        });
    }
    let all = state.environments().all();
    let asked = all
        .iter()
        .filter(|env| query.environment.as_ref().is_none_or(|id| env.id() == id));
    let environments = join_all(asked.map(|env| env.health())).await;
    Json(Health {
        status: UP.to_owned(),
        version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        environments,
    })
}
