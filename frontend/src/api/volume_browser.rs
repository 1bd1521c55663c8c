//! Volume browsing sessions: `/api/env/{env}/volumes/{name}/browse` and the helper
//! container's keep-alive and removal.

use berth_shared::engine::archive::VolumeBrowser;
use gloo_net::http::Method;

use super::percent_encode;
use super::{ApiError, call, send_json};

fn base(environment: &str) -> String {
    format!("/api/env/{}", percent_encode(environment))
}

/// Creates a helper container with `volume` mounted.
pub async fn start(environment: &str, volume: &str) -> Result<VolumeBrowser, ApiError> {
    let url = format!(
        "{}/volumes/{}/browse",
        base(environment),
        percent_encode(volume)
    );
    send_json(Method::POST, &url, &()).await
}

/// Keeps the helper alive.
pub async fn keep_alive(environment: &str, container: &str) -> Result<(), ApiError> {
    let url = format!(
        "{}/volume-browsers/{}/keepalive",
        base(environment),
        percent_encode(container)
    );
    call(Method::POST, &url).await
}

/// Removes the helper.
pub async fn stop(environment: &str, container: &str) -> Result<(), ApiError> {
    let url = format!(
        "{}/volume-browsers/{}",
        base(environment),
        percent_encode(container)
    );
    call(Method::DELETE, &url).await
}
