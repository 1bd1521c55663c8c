//! Helper containers for browsing volumes: a container created (never started) from a local
//! image with one volume mounted, so the archive API can list, read and write the volume's
//! files. Each carries a label, so leftovers of a crash can be found and removed.

use std::collections::HashMap;

use axum::body::Body;
use http::Request;
use http_body_util::BodyExt;
use serde::Deserialize;

use super::client::{CONTROL_TIMEOUT, EngineClient, EngineError, status_error};

/// The label every helper container carries.
pub const HELPER_LABEL: &str = "org.berth.volume-browser";

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
    let path = format!("/containers/{}?force=1&v=0", encode(id));
    match send(client, "DELETE", &path, None).await {
        Err(EngineError::Status { status, .. }) if status == http::StatusCode::NOT_FOUND => Ok(()),
        other => other.map(drop),
    }
}

/// The ids of every helper container on the engine, such as those left by a crash.
pub async fn list(client: &EngineClient) -> Result<Vec<String>, EngineError> {
    let filters: HashMap<&str, [&str; 1]> = HashMap::from([("label", [HELPER_LABEL])]);
    let filters = serde_json::to_string(&filters).unwrap_or_default();
    let path = format!("/containers/json?all=1&filters={}", encode(&filters));
    let bytes = send(client, "GET", &path, None).await?;
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
    let exchange = async {
        let response = client.send(request).await?;
        let (parts, body) = response.into_parts();
        let bytes = body
            .collect()
            .await
            .map_err(|error| EngineError::Unreachable(error.to_string()))?
            .to_bytes();
        if parts.status.is_success() {
            Ok(bytes)
        } else {
            Err(status_error(parts.status, &bytes))
        }
    };
    tokio::time::timeout(CONTROL_TIMEOUT * 6, exchange)
        .await
        .map_err(|_| EngineError::Timeout(CONTROL_TIMEOUT * 6))?
}

fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
