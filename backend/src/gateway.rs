//! `/engine/{environment}/…`: the one path by which the UI and Docker clients reach an engine.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;

use crate::error::ApiError;
use crate::policy::{self, AccessRequest, Principal};
use crate::state::AppState;

/// Splits `/engine/{environment}/{path}` into the environment id and the engine path.
pub fn split_engine_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/engine/")?;
    match rest.find('/') {
        Some(slash) => Some((&rest[..slash], &rest[slash..])),
        None => Some((rest, "/")),
    }
    .filter(|(environment, _)| !environment.is_empty())
}

/// Authorizes an engine request and forwards it to its environment's engine.
pub async fn handle(
    State(state): State<AppState>,
    request: Request<Body>,
) -> Result<Response, ApiError> {
    let raw_path = request.uri().path().to_owned();
    let (environment_id, path) =
        split_engine_path(&raw_path).ok_or_else(|| ApiError::NotFound(raw_path.clone()))?;
    let environment = state
        .environments()
        .get(environment_id)
        .ok_or_else(|| ApiError::UnknownEnvironment(environment_id.to_owned()))?;
    policy::authorize(
        &Principal::LoopbackOwner,
        &AccessRequest {
            environment: environment_id,
            method: request.method(),
            path,
        },
    )
    .map_err(|denied| ApiError::Forbidden(denied.reason))?;
    crate::engine::proxy::forward(&environment, path, request)
        .await
        .map_err(|error| ApiError::from_engine(&environment, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_environment_and_path() {
        assert_eq!(
            split_engine_path("/engine/local/v1.41/containers/json"),
            Some(("local", "/v1.41/containers/json"))
        );
        assert_eq!(split_engine_path("/engine/local"), Some(("local", "/")));
        assert_eq!(split_engine_path("/engine//info"), None);
        assert_eq!(split_engine_path("/api/health"), None);
    }
}
