//! `GET /api/overview`: the home page's cards, read from what the background probes last
//! learned (`environments/probe.rs`), never from the engines themselves. With `?after=N` the
//! answer waits, up to [`LONG_POLL`], while the revision is still `N`, so the page
//! follows every engine without polling. `POST /api/overview/{env}/retry` probes one engine at
//! once. A card is shown only to callers the policy lets read that engine's `/info` with their
//! role there; an environment they have no access to is absent, and its retry a 404.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use berth_shared::api::overview::Overview;
use serde::Deserialize;

use crate::auth::Principal;
use crate::engine::Environment;
use crate::error::ApiError;
use crate::policy::{self, Actor, EngineRequest};
use crate::state::AppState;

/// The longest an `?after=` request waits for news.
pub const LONG_POLL: Duration = Duration::from_secs(25);

/// `GET /api/overview`'s query.
#[derive(Debug, Deserialize)]
pub struct OverviewQuery {
    /// The revision the caller has; the answer waits for a newer one.
    after: Option<u64>,
}

/// Whether `actor` (with their role in `environment`) may see it on the home page: as for
/// `docker info` there.
fn visible(actor: &Actor, environment: &Environment) -> bool {
    policy::authorize(
        actor,
        &EngineRequest {
            environment: environment.id(),
            method: "GET",
            path: "/info",
        },
    )
    .is_ok()
}

/// `GET /api/overview`.
pub async fn overview(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OverviewQuery>,
) -> Result<Json<Overview>, ApiError> {
    let probes = state.probes();
    probes.look();
    if let Some(after) = query.after.filter(|after| *after == probes.revision()) {
        probes.changed_after(after, LONG_POLL).await;
    }
    let revision = probes.revision();
    let actor = principal.actor();
    let environments = state
        .environments_for(&principal)
        .await?
        .iter()
        .filter(|(environment, role)| {
            let actor = Actor {
                role: *role,
                ..actor.clone()
            };
            visible(&actor, environment)
        })
        .map(|(environment, _)| probes.card(environment))
        .collect();
    Ok(Json(Overview {
        revision,
        environments,
    }))
}

/// `POST /api/overview/{env}/retry`: probe this engine now; the answer comes through
/// `GET /api/overview`.
pub async fn retry(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let (environment, principal) = state.environment_for(&principal, &id).await?;
    if !visible(&principal.actor(), &environment) {
        return Err(ApiError::UnknownEnvironment(id));
    }
    state.probes().retry(&id);
    Ok(StatusCode::ACCEPTED)
}
