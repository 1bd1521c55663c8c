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
    get_json(&overview_url(after), signal).await
}

/// The URL of [`overview`].
fn overview_url(after: Option<u64>) -> String {
    match after {
        Some(revision) => format!("/api/overview?after={revision}"),
        None => "/api/overview".to_owned(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// index.html's loader asks for the home page's first overview before the app starts
    /// (`api/early.rs`); the page takes that answer only if it asks for exactly that URL.
    #[test]
    fn the_loaders_early_overview_is_the_one_the_page_asks_for() {
        let loader = include_str!("../../../scripts/build-wasm.sh");
        let url = overview_url(None);
        assert!(
            loader.contains(&format!(r#"after.push("{url}")"#)),
            "scripts/build-wasm.sh does not ask for {url}"
        );
        assert_eq!(overview_url(Some(7)), "/api/overview?after=7");
    }
}
