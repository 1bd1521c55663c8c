//! The operator guardrails around the gateway: each environment's settings in the store, the
//! host paths no non-admin may mount, and [`screen`], which reads a fenced request's body
//! (bounded) for [`crate::policy::guardrails`] to judge, looks up the containers it borrows
//! volumes or namespaces from, and hands the body on unchanged.
//!
//! Architecture invariant: a non-admin's container, exec, service or volume body reaches an
//! engine only after it was read whole and judged; admins' requests and every other body stay
//! streamed.

use std::path::Path;

use axum::body::Body;
use axum::http::header;
use axum::http::request::Parts;
use berth_shared::access::Access;
use berth_shared::guardrails::{Guardrails, normalize_host_path};
use http_body_util::BodyExt;

use crate::auth::Principal;
use crate::engine::{EngineEndpoint, Environment};
use crate::error::ApiError;
use crate::policy::guardrails::{
    Fence, Refusal, judge_body, judge_borrowed, judge_build_query, judges_body,
};
use crate::state::AppState;
use crate::store::{Store, StoreError};

/// The largest body that is judged; container and service specifications are a few kilobytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The most containers one request may borrow volumes or namespaces from, chains included.
const BORROWING_LIMIT: usize = 8;

/// Where the engine keeps its socket and its data on common installs, whatever the environment's
/// own address: a remote engine's host has them too.
const ENGINE_PATHS: &[&str] = &[
    "/run/docker.sock",
    "/run/docker",
    "/run/containerd",
    "/var/lib/docker",
    "/var/lib/containerd",
];

fn setting_key(environment: &str) -> String {
    format!("guardrails.{environment}")
}

/// An environment's settings; the restricted defaults until an admin saves some. A stored value
/// this Berth cannot read is treated as the defaults, which fence operators in.
pub async fn settings(store: &Store, environment: &str) -> Result<Guardrails, StoreError> {
    let Some(text) = store.setting(&setting_key(environment)).await? else {
        return Ok(Guardrails::default());
    };
    Ok(serde_json::from_str(&text).unwrap_or_else(|error| {
        tracing::warn!(environment, %error, "unreadable guardrails; using the restricted defaults");
        Guardrails::default()
    }))
}

/// Saves an environment's settings, already normalised.
pub async fn save(
    store: &Store,
    environment: &str,
    guardrails: &Guardrails,
) -> Result<(), StoreError> {
    let text = serde_json::to_string(guardrails)
        .map_err(|error| StoreError::Task(format!("encoding the guardrails: {error}")))?;
    store.set_setting(&setting_key(environment), &text).await
}

/// The normalised host paths no non-admin may mount on `environment`, nor any parent of them:
/// the engine's socket and data, and Berth's data directory.
pub fn protected_paths(environment: &Environment, data_dir: &Path) -> Vec<String> {
    let mut paths: Vec<String> = ENGINE_PATHS.iter().map(|path| (*path).to_owned()).collect();
    if let EngineEndpoint::Unix(socket) = environment.client().endpoint() {
        paths.push(socket.to_string_lossy().into_owned());
    }
    paths.push(data_dir.to_string_lossy().into_owned());
    let mut normalized: Vec<String> = paths
        .iter()
        .filter_map(|path| normalize_host_path(path).ok())
        .collect();
    normalized.sort();
    normalized.dedup();
    normalized
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Refused { .. } => ApiError::Forbidden(refusal.to_string()),
            Refusal::Malformed { .. } => ApiError::BadRequest(refusal.to_string()),
        }
    }
}

/// Lets `operation`'s request through the guardrails of `environment`, returning its body
/// unchanged, or the refusal (403), the unreadable body (400) or the oversized one (413).
/// Admins are not fenced, and bodies of other operations are not read.
pub async fn screen(
    state: &AppState,
    principal: &Principal,
    environment: &Environment,
    operation: &'static str,
    parts: &Parts,
    body: Body,
) -> Result<Body, ApiError> {
    let builds = operation == "ImageBuild";
    if principal.role.allows(Access::Admin) || !(builds || judges_body(operation)) {
        return Ok(body);
    }
    let settings = settings(state.store(), environment.id()).await?;
    let protected = protected_paths(environment, state.data_dir());
    let actor = principal.actor();
    let fence = Fence {
        actor: &actor,
        environment: environment.id(),
        settings: &settings,
        protected: &protected,
    };
    if builds {
        // A build's body is its context, a tar stream: only the query says how it runs.
        judge_build_query(fence, parts.uri.query().unwrap_or_default())?;
        return Ok(body);
    }
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT as u64) {
        return Err(ApiError::PayloadTooLarge(BODY_LIMIT));
    }
    let bytes = http_body_util::Limited::new(body, BODY_LIMIT)
        .collect()
        .await
        .map_err(|error| {
            if error.is::<http_body_util::LengthLimitError>() {
                ApiError::PayloadTooLarge(BODY_LIMIT)
            } else {
                ApiError::BadRequest(format!("reading the request body: {error}"))
            }
        })?
        .to_bytes();
    let mut borrowed = judge_body(fence, operation, &bytes)?;
    let mut lookups = 0;
    while let Some(next) = borrowed.pop() {
        lookups += 1;
        if lookups > BORROWING_LIMIT {
            return Err(ApiError::BadRequest(format!(
                "Berth cannot check the {operation} request: it borrows from more than \
                 {BORROWING_LIMIT} containers"
            )));
        }
        let inspect: serde_json::Value = environment
            .client()
            .get_json(&format!("/containers/{}/json", next.container))
            .await
            .map_err(|error| {
                ApiError::BadRequest(format!(
                    "Berth cannot check {} {}: {error}",
                    next.field, next.container
                ))
            })?;
        borrowed.extend(judge_borrowed(fence, operation, &next, &inspect)?);
    }
    Ok(Body::from(bytes))
}
