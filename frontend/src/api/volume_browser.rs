//! Volume browsing sessions: `/api/env/{env}/volumes/{name}/browse` and the helper
//! container's keep-alive and removal, also as a beacon when the page goes away.

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

/// Asks for the helper's removal as the page goes away with a full page load, which runs no
/// clean-up: `navigator.sendBeacon` outlives the page but cannot set headers, so the session's
/// CSRF token goes in a form body (never in the URL). Whether the browser queued it.
pub fn end_beacon(environment: &str, container: &str) -> bool {
    let url = format!(
        "{}/volume-browsers/{}/end",
        base(environment),
        percent_encode(container)
    );
    // The token is URL-safe base64: nothing in it needs escaping in a form.
    let body = format!("csrf_token={}", super::csrf_token().unwrap_or_default());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/x-www-form-urlencoded");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&body));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return false;
    };
    web_sys::window()
        .and_then(|window| {
            window
                .navigator()
                .send_beacon_with_opt_blob(&url, Some(&blob))
                .ok()
        })
        .unwrap_or(false)
}
