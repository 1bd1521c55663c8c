//! The console's own endpoints under `/api`.

use axum::Router;
use axum::extract::OriginalUri;
use axum::routing::get;

use crate::error::ApiError;
use crate::state::AppState;

mod health;

/// The `/api` routes; anything else under `/api` is a JSON 404, never the UI.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .fallback(|OriginalUri(uri): OriginalUri| async move {
            ApiError::NotFound(uri.path().to_owned())
        })
}
