//! `/engine/{environment}/…`: the one path by which the UI and Docker clients reach an engine.
//!
//! Each request is authenticated, given the caller's role in its environment
//! ([`AppState::environment_for`]: an environment they may not see is a 404), checked by the
//! policy and, for non-admins, by the operator
//! guardrails, recorded in the audit log when it
//! changes state, forwarded with its normalised path, and its answer redacted where the role
//! requires ([`crate::redaction`]). Requests that switch protocols (hijacked attach and exec, the websocket attach,
//! BuildKit sessions) pass the same checks before [`hijack`] splices them to the engine.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::Method;
use axum::response::Response;

use crate::audit::{self, Action, AuditScope};
use crate::audit_fields;
use crate::auth::Principal;
use crate::auth::extract::client_info;
use crate::engine::{hijack, proxy, streamed};
use crate::error::ApiError;
use crate::guardrails;
use crate::policy::query::check_arguments;
use crate::policy::{self, Access, EngineRequest};
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

/// Authenticates, authorizes, audits and forwards an engine request.
pub async fn handle(
    State(state): State<AppState>,
    request: Request<Body>,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let signed_in = Principal::from_request_parts(&mut parts, &state).await?;
    let client = client_info(&parts);
    let raw_path = parts.uri.path().to_owned();
    let (environment_id, path) =
        split_engine_path(&raw_path).ok_or_else(|| ApiError::NotFound(raw_path.clone()))?;
    // From here on the principal acts with their role in this environment.
    let (environment, principal) = state.environment_for(&signed_in, environment_id).await?;
    let scope = AuditScope::of(&principal, &client);
    let method = parts.method.clone();
    let actor = principal.actor();
    let query = parts.uri.query().map(str::to_owned);
    let decision = policy::authorize(
        &actor,
        &EngineRequest {
            environment: environment_id,
            method: method.as_str(),
            path,
        },
    )
    .and_then(|authorized| {
        check_arguments(&actor, authorized.operation.id, query.as_deref())?;
        Ok(authorized)
    });
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
    let body = match guardrails::screen(
        &state,
        &principal,
        &environment,
        operation.id,
        &parts,
        body,
    )
    .await
    {
        Ok(body) => body,
        Err(refusal) => {
            let action =
                Action::in_environment(environment_id, operation.id, method.as_str(), path);
            let status = refusal.status().as_u16();
            audit::record(
                state.store(),
                &scope,
                action,
                status,
                Some(refusal.to_string()),
            )
            .await?;
            return Err(refusal);
        }
    };
    // Saved registry credentials are added only now, after the policy said yes.
    let body = crate::registries::inject(
        &state,
        &actor,
        operation.id,
        &authorized.path,
        query.as_deref(),
        &mut parts.headers,
        body,
    )
    .await?;
    let protocol = hijack::requested_protocol(operation.id, &parts.headers);
    let mut stream = state.streams().open_for(
        &principal,
        environment_id,
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
        None => {
            let streaming = streamed::STREAMING.contains(&operation.id);
            proxy::forward(&environment, &forwarded_path, request, streaming).await
        }
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
    let response = state
        .redactions()
        .apply(operation.id, principal.role, response)
        .await?;
    Ok(match stream {
        Some(guard) => crate::streams::bind(response, guard),
        None => response,
    })
}

fn is_read_only(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
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
