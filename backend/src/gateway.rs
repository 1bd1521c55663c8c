//! `/engine/{environment}/…`: the one path by which the UI and Docker clients reach an engine.
//!
//! Each request is authenticated, checked by the policy, recorded in the audit log when it
//! changes state, forwarded with its normalised path, and its answer redacted where the role
//! requires. Requests that switch protocols (hijacked attach and exec, the websocket attach,
//! BuildKit sessions) pass the same checks before [`hijack`] splices them to the engine.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::Response;
use http_body_util::BodyExt;

use crate::audit::{self, Action, AuditScope};
use crate::audit_fields;
use crate::auth::Principal;
use crate::auth::extract::client_info;
use crate::engine::{hijack, proxy};
use crate::error::ApiError;
use crate::policy::redact::{needs_redaction, redact};
use crate::policy::{self, Access, EngineRequest};
use crate::state::AppState;

/// The largest answer that is read whole to be redacted; inspect and list answers that need
/// redaction are far smaller.
const REDACTION_LIMIT: usize = 32 * 1024 * 1024;

/// Splits `/engine/{environment}/{path}` into the environment id and the engine path.
pub fn split_engine_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/engine/")?;
    match rest.find('/') {
        Some(slash) => Some((&rest[..slash], &rest[slash..])),
        None => Some((rest, "/")),
    }
    .filter(|(environment, _)| !environment.is_empty())
}

/// Authenticates, authorizes, audits and forwards an engine request.
pub async fn handle(
    State(state): State<AppState>,
    request: Request<Body>,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let principal = Principal::from_request_parts(&mut parts, &state).await?;
    let client = client_info(&parts);
    let raw_path = parts.uri.path().to_owned();
    let (environment_id, path) =
        split_engine_path(&raw_path).ok_or_else(|| ApiError::NotFound(raw_path.clone()))?;
    let environment = state
        .environments()
        .get(environment_id)
        .ok_or_else(|| ApiError::UnknownEnvironment(environment_id.to_owned()))?;
    let scope = AuditScope::of(&principal, &client);
    let method = parts.method.clone();
    let decision = policy::authorize(
        &principal.actor(),
        &EngineRequest {
            environment: environment_id,
            method: method.as_str(),
            path,
        },
    );
    let authorized = match decision {
        Ok(authorized) => authorized,
        Err(denied) => {
            if !is_read_only(&method) {
                let action = Action::in_environment(
                    environment_id,
                    denied.operation().unwrap_or("Unknown"),
                    method.as_str(),
                    path,
                );
                audit::record(state.store(), &scope, action, 403, Some(denied.to_string())).await?;
            }
            return Err(ApiError::Forbidden(denied.to_string()));
        }
    };
    let operation = authorized.operation;
    let forwarded_path = authorized.path.canonical();
    // Saved registry credentials are added only now, after the policy said yes.
    crate::registries::inject(&state, operation.id, &mut parts.headers).await?;
    let protocol = hijack::requested_protocol(operation.id, &parts.headers);
    let mut stream = state.streams().open_for(
        &principal,
        operation.id,
        parts.uri.query(),
        protocol.is_some(),
    )?;
    let (audit_id, body) = if operation.access == Access::Read {
        (None, body)
    } else {
        // The record names the query and the security-relevant fields of small bodies.
        let (detail, body) = audit_fields::peek(operation.id, &parts.headers, body).await?;
        let target = audit_fields::target(&forwarded_path, parts.uri.query());
        let action = Action::in_environment(environment_id, operation.id, method.as_str(), &target);
        let id = audit::begin_with(state.store(), &scope, action, detail).await?;
        (Some(id), body)
    };

    let request = Request::from_parts(parts, body);
    let result = match protocol {
        Some(protocol) => {
            let ended = crate::streams::until_ended(stream.take());
            hijack::forward(&environment, &forwarded_path, request, &protocol, ended).await
        }
        None => proxy::forward(&environment, &forwarded_path, request).await,
    };
    let response = match result {
        Ok(response) => response,
        Err(error) => {
            let error = ApiError::from_engine(&environment, error);
            if let Some(id) = audit_id {
                audit::complete(
                    state.store(),
                    id,
                    error.status().as_u16(),
                    Some(error.to_string()),
                )
                .await;
            }
            return Err(error);
        }
    };
    if let Some(id) = audit_id {
        audit::complete(state.store(), id, response.status().as_u16(), None).await;
    }
    if needs_redaction(operation.id, principal.role) && response.status().is_success() {
        return redacted(operation.id, response).await;
    }
    Ok(match stream {
        Some(guard) => crate::streams::bind(response, guard),
        None => response,
    })
}

fn is_read_only(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}

/// Reads a JSON answer whole, redacts it, and re-encodes it.
async fn redacted(operation: &str, response: Response) -> Result<Response, ApiError> {
    let (mut parts, body) = response.into_parts();
    let limited = http_body_util::Limited::new(body, REDACTION_LIMIT);
    let bytes = limited
        .collect()
        .await
        .map_err(|error| ApiError::Internal(format!("reading the engine's answer: {error}")))?
        .to_bytes();
    let mut value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|error| ApiError::Internal(format!("the engine's answer is not JSON: {error}")))?;
    redact(operation, &mut value);
    let encoded =
        serde_json::to_vec(&value).map_err(|error| ApiError::Internal(error.to_string()))?;
    parts.headers.remove(header::TRANSFER_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(encoded.len()));
    Ok(Response::from_parts(parts, Body::from(encoded)))
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
