//! `/api/env/{env}/guardrails`: what an environment lets non-admins do to its host. Everyone
//! signed in reads them; only admins save them.

use berth_shared::guardrails::{Guardrails, GuardrailsView};
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{ApiError, get_json, send_json};

fn path(environment: &str) -> String {
    format!("/api/env/{environment}/guardrails")
}

/// `GET /api/env/{env}/guardrails`.
pub async fn guardrails(
    environment: &str,
    signal: Option<&AbortSignal>,
) -> Result<GuardrailsView, ApiError> {
    get_json(&path(environment), signal).await
}

/// `PUT /api/env/{env}/guardrails`: the server normalises and answers what it saved.
pub async fn save_guardrails(
    environment: &str,
    settings: &Guardrails,
) -> Result<GuardrailsView, ApiError> {
    send_json(Method::PUT, &path(environment), settings).await
}
