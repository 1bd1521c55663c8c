//! Helper containers for browsing volumes: a container created (never started) from a local
//! image with one volume mounted, so the archive API can list, read and write the volume's
//! files. Each carries a label, so leftovers of a crash can be found and removed.

use axum::body::Body;
use http::Request;
use serde::Deserialize;

use super::client::{CONTROL_TIMEOUT, EngineClient, EngineError};

/// The label every helper container carries.
pub const HELPER_LABEL: &str = "org.berth.volume-browser";

/// `GET /containers/json` with the filter `{"label":["org.berth.volume-browser"]}`.
const LIST_PATH: &str =
    "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22org.berth.volume-browser%22%5D%7D";

/// Where the volume is mounted in a helper.
pub const MOUNT_POINT: &str = "/volume";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Created {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listed {
    id: String,
}

/// Creates a stopped helper container from `image` with `volume` mounted at [`MOUNT_POINT`];
/// returns its id.
pub async fn create(
    client: &EngineClient,
    volume: &str,
    image: &str,
) -> Result<String, EngineError> {
    let body = serde_json::json!({
        "Image": image,
        "Cmd": ["true"],
        "Labels": { HELPER_LABEL: volume },
        "NetworkDisabled": true,
        "HostConfig": {
            "NetworkMode": "none",
            "Mounts": [{ "Type": "volume", "Source": volume, "Target": MOUNT_POINT }],
        },
    });
    let bytes = send(client, "POST", "/containers/create", Some(body.to_string())).await?;
    serde_json::from_slice::<Created>(&bytes)
        .map(|created| created.id)
        .map_err(|error| EngineError::Protocol(error.to_string()))
}

/// Removes a helper container (its volume stays); one already gone counts as removed.
pub async fn remove(client: &EngineClient, id: &str) -> Result<(), EngineError> {
    // Helper ids come from the engine's answer to create: plain hex, safe in a path.
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(EngineError::Protocol(format!("not a container id: {id}")));
    }
    let path = format!("/containers/{id}?force=1&v=0");
    match send(client, "DELETE", &path, None).await {
        Err(EngineError::Status { status, .. }) if status == http::StatusCode::NOT_FOUND => Ok(()),
        other => other.map(drop),
    }
}

/// The ids of every helper container on the engine, such as those left by a crash.
pub async fn list(client: &EngineClient) -> Result<Vec<String>, EngineError> {
    let bytes = send(client, "GET", LIST_PATH, None).await?;
    serde_json::from_slice::<Vec<Listed>>(&bytes)
        .map(|all| all.into_iter().map(|c| c.id).collect())
        .map_err(|error| EngineError::Protocol(error.to_string()))
}

async fn send(
    client: &EngineClient,
    method: &str,
    path: &str,
    json: Option<String>,
) -> Result<bytes::Bytes, EngineError> {
    let mut request = Request::builder().method(method).uri(client.uri(path)?);
    if json.is_some() {
        request = request.header(http::header::CONTENT_TYPE, "application/json");
    }
    let request = request
        .body(json.map_or_else(Body::empty, Body::from))
        .map_err(|error| EngineError::Protocol(error.to_string()))?;
    client.exchange(request, CONTROL_TIMEOUT * 6).await
}
