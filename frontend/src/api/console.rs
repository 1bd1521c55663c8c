//! The console's own endpoints under `/api`: health, sign-in, account, users and their grants,
//! tokens, audit,
//! and a container's environment in clear (audited).

use berth_shared::access::Grant;
use berth_shared::api::Health;
use berth_shared::api::audit::{AuditPage, AuditQuery, AuditRetention};
use berth_shared::api::auth::{
    LoginRequest, LoginResponse, PasswordChange, RecoveryCodes, SessionState, SessionView,
    SetupRequest, TotpConfirm, TotpDisable, TotpSetup, TotpSetupRequest,
};
use berth_shared::api::reveal::RevealedEnv;
use berth_shared::api::users::{
    CreatedCertificate, CreatedToken, EnvironmentGrant, GrantRequest, NewCredentialRequest,
    NewUserRequest, TokenView, UserUpdate, UserView,
};
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{
    ApiError, call, get_json, percent_encode, post_for_json, send_json, send_json_ignoring_answer,
};

/// `POST /api/env/{env}/containers/{id}/reveal`: the container's environment in clear; the
/// server records the reveal in the audit log first.
pub async fn reveal_env(environment: &str, container: &str) -> Result<RevealedEnv, ApiError> {
    post_for_json(&format!(
        "/api/env/{}/containers/{}/reveal",
        percent_encode(environment),
        percent_encode(container)
    ))
    .await
}

/// `GET /api/health?environment=…`: Berth, and the one environment the shell shows.
pub async fn health(environment: &str, signal: Option<&AbortSignal>) -> Result<Health, ApiError> {
    let url = format!("/api/health?environment={}", percent_encode(environment));
    get_json(&url, signal).await
}

/// Where the session is read; index.html's loader asks for it early (`api/early.rs`).
pub(crate) const SESSION_URL: &str = "/api/auth/session";

/// `GET /api/auth/session`.
pub async fn session() -> Result<SessionState, ApiError> {
    get_json(SESSION_URL, None).await
}

/// `POST /api/auth/login`.
pub async fn login(request: &LoginRequest) -> Result<LoginResponse, ApiError> {
    send_json(Method::POST, "/api/auth/login", request).await
}

/// `POST /api/auth/setup`.
pub async fn setup(request: &SetupRequest) -> Result<LoginResponse, ApiError> {
    send_json(Method::POST, "/api/auth/setup", request).await
}

/// `POST /api/auth/logout`.
pub async fn logout() -> Result<(), ApiError> {
    call(Method::POST, "/api/auth/logout").await
}

/// `POST /api/auth/logout-everywhere`.
pub async fn logout_everywhere() -> Result<(), ApiError> {
    call(Method::POST, "/api/auth/logout-everywhere").await
}

/// `POST /api/account/password`.
pub async fn change_password(change: &PasswordChange) -> Result<(), ApiError> {
    send_json_ignoring_answer(Method::POST, "/api/account/password", change).await
}

/// `POST /api/account/totp/setup`, confirmed with the user's password.
pub async fn totp_setup(password: &str) -> Result<TotpSetup, ApiError> {
    let request = TotpSetupRequest {
        password: Some(password.to_owned()),
    };
    send_json(Method::POST, "/api/account/totp/setup", &request).await
}

/// `POST /api/account/totp/enable`.
pub async fn totp_enable(code: &str) -> Result<RecoveryCodes, ApiError> {
    send_json(
        Method::POST,
        "/api/account/totp/enable",
        &TotpConfirm {
            code: code.to_owned(),
        },
    )
    .await
}

/// `POST /api/account/totp/disable`.
pub async fn totp_disable(password: &str) -> Result<(), ApiError> {
    send_json_ignoring_answer(
        Method::POST,
        "/api/account/totp/disable",
        &TotpDisable {
            password: password.to_owned(),
        },
    )
    .await
}

/// `GET /api/account/sessions`.
pub async fn sessions(signal: Option<&AbortSignal>) -> Result<Vec<SessionView>, ApiError> {
    get_json("/api/account/sessions", signal).await
}

/// `DELETE /api/account/sessions/{handle}`.
pub async fn end_session(handle: &str) -> Result<(), ApiError> {
    call(
        Method::DELETE,
        &format!("/api/account/sessions/{}", percent_encode(handle)),
    )
    .await
}

/// `GET /api/tokens`, the user's own or (`all`, admins) everyone's.
pub async fn tokens(all: bool, signal: Option<&AbortSignal>) -> Result<Vec<TokenView>, ApiError> {
    get_json(
        if all {
            "/api/tokens?all=true"
        } else {
            "/api/tokens"
        },
        signal,
    )
    .await
}

/// `POST /api/tokens`.
pub async fn create_token(request: &NewCredentialRequest) -> Result<CreatedToken, ApiError> {
    send_json(Method::POST, "/api/tokens", request).await
}

/// `POST /api/account/certificates`: a client certificate from Berth's CA.
pub async fn create_certificate(
    request: &NewCredentialRequest,
) -> Result<CreatedCertificate, ApiError> {
    send_json(Method::POST, "/api/account/certificates", request).await
}

/// `DELETE /api/tokens/{id}`, for tokens and certificates alike.
pub async fn revoke_token(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/tokens/{id}")).await
}

/// `GET /api/users`.
pub async fn users(signal: Option<&AbortSignal>) -> Result<Vec<UserView>, ApiError> {
    get_json("/api/users", signal).await
}

/// `POST /api/users`.
pub async fn create_user(request: &NewUserRequest) -> Result<UserView, ApiError> {
    send_json(Method::POST, "/api/users", request).await
}

/// `PATCH /api/users/{id}`.
pub async fn update_user(id: i64, update: &UserUpdate) -> Result<UserView, ApiError> {
    send_json(Method::PATCH, &format!("/api/users/{id}"), update).await
}

/// `DELETE /api/users/{id}`.
pub async fn remove_user(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/users/{id}")).await
}

/// `GET /api/users/{id}/grants`: the user's roles per environment, where they differ from
/// their global role.
pub async fn grants(id: i64) -> Result<Vec<EnvironmentGrant>, ApiError> {
    get_json(&format!("/api/users/{id}/grants"), None).await
}

/// `PUT /api/users/{id}/grants/{env}`.
pub async fn set_grant(
    id: i64,
    environment: &str,
    role: Grant,
) -> Result<EnvironmentGrant, ApiError> {
    let path = format!("/api/users/{id}/grants/{}", percent_encode(environment));
    send_json(Method::PUT, &path, &GrantRequest { role }).await
}

/// `DELETE /api/users/{id}/grants/{env}`: the user's global role holds there again.
pub async fn remove_grant(id: i64, environment: &str) -> Result<(), ApiError> {
    let path = format!("/api/users/{id}/grants/{}", percent_encode(environment));
    call(Method::DELETE, &path).await
}

/// `GET /api/audit`.
pub async fn audit(
    query: &AuditQuery,
    signal: Option<&AbortSignal>,
) -> Result<AuditPage, ApiError> {
    get_json(&format!("/api/audit?{}", audit_query_string(query)), signal).await
}

/// `GET /api/audit/retention`.
pub async fn audit_retention(signal: Option<&AbortSignal>) -> Result<AuditRetention, ApiError> {
    get_json("/api/audit/retention", signal).await
}

/// `PUT /api/audit/retention`.
pub async fn set_audit_retention(days: u32) -> Result<AuditRetention, ApiError> {
    send_json(
        Method::PUT,
        "/api/audit/retention",
        &AuditRetention { days },
    )
    .await
}

/// The query string of an audit filter, shared by the list and the export link.
pub fn audit_query_string(query: &AuditQuery) -> String {
    let mut pairs: Vec<String> = Vec::new();
    let mut push = |key: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            pairs.push(format!("{key}={}", percent_encode(&value)));
        }
    };
    push("actor", query.actor.clone());
    push("operation", query.operation.clone());
    push("environment", query.environment.clone());
    push("source", query.source.clone());
    push(
        "failed",
        query.failed.filter(|f| *f).map(|_| "true".to_owned()),
    );
    push("since_ms", query.since_ms.map(|v| v.to_string()));
    push("until_ms", query.until_ms.map(|v| v.to_string()));
    push("before_id", query.before_id.map(|v| v.to_string()));
    push("limit", query.limit.map(|v| v.to_string()));
    pairs.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_filters_become_a_query_string() {
        let query = AuditQuery {
            actor: Some("ada lovelace".into()),
            failed: Some(true),
            before_id: Some(42),
            operation: Some(String::new()),
            ..AuditQuery::default()
        };
        assert_eq!(
            audit_query_string(&query),
            "actor=ada%20lovelace&failed=true&before_id=42"
        );
    }
}
