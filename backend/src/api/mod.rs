//! The console's own endpoints under `/api`.

use axum::Router;
use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::routing::{delete, get, post};

use crate::error::ApiError;
use crate::state::AppState;
use crate::volume_browser::routes as volume_browser;

mod account;
mod audit;
mod auth;
mod caller;
mod certificates;
mod config_rotate;
mod environments;
mod grants;
mod guardrails;
mod health;
pub mod json;
mod overview;
mod registries;
mod reveal;
mod tokens;
mod users;

/// The `/api` routes; anything else under `/api` is a JSON 404, never the UI.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/overview", get(overview::overview))
        .route("/overview/{env}/retry", post(overview::retry))
        .route("/auth/session", get(auth::session))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/logout-everywhere", post(auth::logout_everywhere))
        .route("/auth/setup", post(auth::setup))
        .route("/account/password", post(account::change_password))
        .route("/account/totp/setup", post(account::totp_setup))
        .route("/account/totp/enable", post(account::totp_enable))
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/account/certificates", post(certificates::create))
        .route("/account/sessions", get(account::sessions))
        .route("/account/sessions/{handle}", delete(account::end_session))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{id}", delete(tokens::revoke))
        .route("/users", get(users::list).post(users::create))
        .route(
            "/users/{id}",
            axum::routing::patch(users::update).delete(users::remove),
        )
        .route("/users/{id}/grants", get(grants::list))
        .route(
            "/users/{id}/grants/{env}",
            axum::routing::put(grants::put).delete(grants::remove),
        )
        .route(
            "/environments",
            get(environments::list).post(environments::create),
        )
        .route(
            "/environments/{id}",
            axum::routing::put(environments::update).delete(environments::remove),
        )
        .route("/audit", get(audit::list))
        .route(
            "/registries",
            get(registries::list).post(registries::create),
        )
        .route(
            "/registries/{id}",
            axum::routing::put(registries::update).delete(registries::remove),
        )
        .route("/audit/export", get(audit::export))
        .route(
            "/audit/retention",
            get(audit::retention).put(audit::set_retention),
        )
        .route(
            "/env/{env}/volumes/{name}/browse",
            post(volume_browser::start),
        )
        .route(
            "/env/{env}/volume-browsers/{id}",
            delete(volume_browser::stop),
        )
        .route(
            "/env/{env}/volume-browsers/{id}/end",
            post(volume_browser::end_beacon),
        )
        .route(
            "/env/{env}/volume-browsers/{id}/keepalive",
            post(volume_browser::keep_alive),
        )
        .route(
            "/env/{env}/guardrails",
            get(guardrails::get).put(guardrails::put),
        )
        .route("/env/{env}/containers/{id}/reveal", post(reveal::reveal))
        .route(
            "/env/{env}/configs/{id}/rotate",
            post(config_rotate::rotate),
        )
        .route("/env/{env}/terminal", get(crate::terminal::handle))
        .fallback(|OriginalUri(uri): OriginalUri| async move {
            ApiError::NotFound(uri.path().to_owned())
        })
        .layer(DefaultBodyLimit::max(json::BODY_LIMIT))
}
