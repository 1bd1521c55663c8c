//! The console's own endpoints under `/api`.

use berth_shared::api::Health;
use web_sys::AbortSignal;

use super::{ApiError, get_json};

/// `GET /api/health`.
pub async fn health(signal: Option<&AbortSignal>) -> Result<Health, ApiError> {
    get_json("/api/health", signal).await
}
