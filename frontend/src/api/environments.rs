//! `/api/environments` (admins: the engines Berth manages) and `/api/overview` (everyone: the
//! home page's card of each environment they may see, followed by long-polling).

use berth_shared::api::environments::{EnvironmentRequest, EnvironmentSaved, EnvironmentView};
use berth_shared::api::overview::Overview;
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{ApiError, call, get_json, percent_encode, send_json};

/// `GET /api/overview`; with `after`, the answer waits until a card changes past that
/// revision (or the server's long-poll limit).
pub async fn overview(
    after: Option<u64>,
    signal: Option<&AbortSignal>,
) -> Result<Overview, ApiError> {
    let url = match after {
        Some(revision) => format!("/api/overview?after={revision}"),
        None => "/api/overview".to_owned(),
    };
    get_json(&url, signal).await
}

/// `POST /api/overview/{env}/retry`: probe this engine now.
pub async fn retry_probe(environment: &str) -> Result<(), ApiError> {
    call(
        Method::POST,
        &format!("/api/overview/{}/retry", percent_encode(environment)),
    )
    .await
}

/// `GET /api/environments`.
pub async fn environments(signal: Option<&AbortSignal>) -> Result<Vec<EnvironmentView>, ApiError> {
    get_json("/api/environments", signal).await
}

/// `POST /api/environments`: the engine is checked first.
pub async fn create_environment(
    request: &EnvironmentRequest,
) -> Result<EnvironmentSaved, ApiError> {
    send_json(Method::POST, "/api/environments", request).await
}

/// `PUT /api/environments/{id}`; without new TLS material the stored one is kept.
pub async fn update_environment(
    id: &str,
    request: &EnvironmentRequest,
) -> Result<EnvironmentSaved, ApiError> {
    send_json(
        Method::PUT,
        &format!("/api/environments/{}", percent_encode(id)),
        request,
    )
    .await
}

/// `DELETE /api/environments/{id}`.
pub async fn remove_environment(id: &str) -> Result<(), ApiError> {
    call(
        Method::DELETE,
        &format!("/api/environments/{}", percent_encode(id)),
    )
    .await
}
