//! `POST /auth`: asks an engine to log in to a registry, to check credentials before Berth
//! saves them.

use std::time::Duration;

use axum::body::Body;
use berth_shared::engine::image::{AuthResponse, RegistryAuth};
use http::{Request, header};
use http_body_util::BodyExt;

use super::client::EngineError;
use super::environment::Environment;

/// How long a registry login may take: the engine talks to the registry, which may be slow.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Checks `auth` against its registry through `environment`'s engine.
pub async fn check_registry_login(
    environment: &Environment,
    auth: &RegistryAuth,
) -> Result<AuthResponse, EngineError> {
    let negotiated = environment.negotiated().await?;
    let body =
        serde_json::to_vec(auth).map_err(|error| EngineError::Protocol(error.to_string()))?;
    let request = Request::post(
        environment
            .client()
            .uri(&format!("/v{}/auth", negotiated.api_version))?,
    )
    .header(header::CONTENT_TYPE, "application/json")
    .body(Body::from(body))
    .map_err(|error| EngineError::Protocol(error.to_string()))?;
    let exchange = async {
        let response = environment.client().send(request).await?;
        let (parts, body) = response.into_parts();
        let bytes = body
            .collect()
            .await
            .map_err(|error| EngineError::Unreachable(error.to_string()))?
            .to_bytes();
        if !parts.status.is_success() {
            let message = serde_json::from_slice::<berth_shared::ErrorBody>(&bytes)
                .map(|error| error.message)
                .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).trim().to_owned());
            return Err(EngineError::Status {
                status: parts.status,
                message,
            });
        }
        serde_json::from_slice(&bytes).map_err(|error| EngineError::Protocol(error.to_string()))
    };
    tokio::time::timeout(LOGIN_TIMEOUT, exchange)
        .await
        .map_err(|_| EngineError::Timeout(LOGIN_TIMEOUT))?
}
