//! `GET /api/health`: Berth's own state and each engine's reachability.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use berth_shared::api::Health;
use berth_shared::api::health::EnvironmentHealth;
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
///
/// The environments listed are those the caller may see, each with the caller's role there.
pub async fn health(
    State(state): State<AppState>,
    Query(query): Query<HealthQuery>,
    headers: HeaderMap,
) -> Json<Health> {
    let anonymous = Json(Health {
        status: UP.to_owned(),
        version: None,
        environments: Vec::new(),
    });
    let Ok(Some(principal)) = state.auth().authenticate(&headers).await else {
        return anonymous;
    };
    let Ok(visible) = state.environments_for(&principal).await else {
        return anonymous;
    };
    let asked = visible.iter().filter(|(environment, _)| {
        query
            .environment
            .as_ref()
            .is_none_or(|id| environment.id() == id)
    });
    let environments = join_all(asked.map(|(environment, role)| async move {
        EnvironmentHealth {
            role: Some(*role),
            ..environment.health().await
        }
    }))
    .await;
    Json(Health {
        status: UP.to_owned(),
        version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        environments,
    })
}
