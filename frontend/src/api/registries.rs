//! `/api/registries`: saved registries. The list has no passwords; only admins change it.

use berth_shared::api::registries::{RegistryRequest, RegistryView};
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{ApiError, call, get_json, send_json};

/// `GET /api/registries`.
pub async fn registries(signal: Option<&AbortSignal>) -> Result<Vec<RegistryView>, ApiError> {
    get_json("/api/registries", signal).await
}

/// `POST /api/registries`: the engine checks the credentials first.
pub async fn create_registry(request: &RegistryRequest) -> Result<RegistryView, ApiError> {
    send_json(Method::POST, "/api/registries", request).await
}

/// `PUT /api/registries/{id}`; without a password the stored one is kept.
pub async fn update_registry(id: i64, request: &RegistryRequest) -> Result<RegistryView, ApiError> {
    send_json(Method::PUT, &format!("/api/registries/{id}"), request).await
}

/// `DELETE /api/registries/{id}`.
pub async fn remove_registry(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/registries/{id}")).await
}
