//! `POST /auth`: asks an engine to log in to a registry, to check credentials before Berth
//! saves them.

use std::time::Duration;

use axum::body::Body;
use berth_shared::engine::image::{AuthResponse, RegistryAuth};
use berth_shared::engine::lenient;
use http::{Request, header};

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
    let bytes = environment
        .client()
        .exchange(request, LOGIN_TIMEOUT)
        .await?;
    lenient::from_slice(&bytes).map_err(|error| EngineError::Protocol(error.to_string()))
}
