//! Signing in and out, and first-run set-up.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use berth_shared::api::auth::{
    LoginRequest, LoginResponse, SessionInfo, SessionState, SetupRequest,
};

use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::audit::{self, Action, AuditScope};
use crate::auth::{
    ClientInfo, Credential, LoginError, LoginOutcome, MAX_USERNAME_BYTES, cookie, password,
};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{NewUser, User};

/// `GET /api/auth/session`: who is signed in; never an error for a signed-out browser.
pub async fn session(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<SessionState>, ApiError> {
    let signed_out = || async {
        Ok::<_, ApiError>(Json(SessionState::SignedOut {
            setup_required: state.auth().setup_required().await?,
        }))
    };
    let principal = match state.auth().authenticate(&headers).await {
        Ok(Some(principal)) => principal,
        Ok(None) | Err(crate::auth::AuthError::SessionEnded) => return signed_out().await,
        Err(error) => return Err(error.into()),
    };
    let Credential::Session {
        csrf_token,
        expires_at,
        ..
    } = principal.credential
    else {
        return signed_out().await;
    };
    let user = signed_in_user(&state, principal.user_id).await?;
    Ok(Json(SessionState::SignedIn(SessionInfo {
        username: user.username,
        role: user.role,
        csrf_token,
        totp_enabled: user.totp_secret.is_some(),
        expires_at,
    })))
}

/// `POST /api/auth/login`.
pub async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    refuse_foreign_origin(&state, &headers)?;
    check_login_sizes(&request)?;
    let username = request.username.clone();
    let action = Action::console("Login", "POST", &username);
    let scope = AuditScope::anonymous(Some(&username), &client);
    let (outcome, refused_before) = state.auth().login_counted(request, &client).await;
    // Throttled attempts are only counted: one row each would let a flood fill the log. The
    // next attempt that is let through says how many were refused.
    let throttled = (refused_before > 0)
        .then(|| format!("{refused_before} throttled attempts refused before this one"));
    match outcome {
        Ok(LoginOutcome::SignedIn { token, session }) => {
            audit::record(state.store(), &scope, action, 200, throttled).await?;
            Ok(signed_in_response(&state, &token, session))
        }
        Ok(LoginOutcome::SecondFactorRequired) => {
            Ok(Json(LoginResponse::SecondFactorRequired).into_response())
        }
        Err(error @ LoginError::RateLimited(_)) => Err(error.into()),
        Err(error) => {
            let error = ApiError::from(error);
            let detail = match throttled {
                Some(throttled) => format!("{error}; {throttled}"),
                None => error.to_string(),
            };
            audit::record(
                state.store(),
                &scope,
                action,
                error.status().as_u16(),
                Some(detail),
            )
            .await?;
            Err(error)
        }
    }
}

/// Refuses oversized names and passwords before any work is done or anything is recorded.
fn check_login_sizes(request: &LoginRequest) -> Result<(), ApiError> {
    if request.username.len() > MAX_USERNAME_BYTES {
        return Err(ApiError::BadRequest(format!(
            "username: at most {MAX_USERNAME_BYTES} bytes"
        )));
    }
    if request.password.chars().count() > password::MAX_LENGTH {
        return Err(ApiError::BadRequest(format!(
            "password: at most {} characters",
            password::MAX_LENGTH
        )));
    }
    Ok(())
}

/// `POST /api/auth/logout`: ends this session.
pub async fn logout(caller: Caller) -> Result<Response, ApiError> {
    let Caller {
        state, principal, ..
    } = &caller;
    if let Credential::Session { id_hash, .. } = &principal.credential {
        state.store().delete_session(id_hash).await?;
        state.streams().end_session(id_hash);
    }
    let action = Action::console("Logout", "POST", &principal.username);
    caller.record(action, 204, None).await?;
    Ok(signed_out_response(state))
}

/// `POST /api/auth/logout-everywhere`: ends every session of the user.
pub async fn logout_everywhere(caller: Caller) -> Result<Response, ApiError> {
    let Caller {
        state, principal, ..
    } = &caller;
    let ended = state
        .store()
        .delete_user_sessions(principal.user_id)
        .await?;
    state.streams().end_user_sessions(principal.user_id);
    let action = Action::console("LogoutEverywhere", "POST", &principal.username);
    let detail = Some(format!("{ended} sessions ended"));
    caller.record(action, 204, detail).await?;
    Ok(signed_out_response(state))
}

/// The answer to a sign-in or set-up: the session cookie, and who is now signed in.
fn signed_in_response(state: &AppState, token: &str, session: SessionInfo) -> Response {
    let max_age = state.auth().session_policy().lifetime.as_secs() as i64;
    let cookie = cookie::set(token, max_age, state.auth().secure_cookies());
    (
        [(header::SET_COOKIE, cookie)],
        Json(LoginResponse::SignedIn { session }),
    )
        .into_response()
}

fn signed_out_response(state: &AppState) -> Response {
    (
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            cookie::clear(state.auth().secure_cookies()),
        )],
    )
        .into_response()
}

/// `POST /api/auth/setup`: creates the first admin with the set-up token, and signs in.
pub async fn setup(
    State(state): State<AppState>,
    client: ClientInfo,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SetupRequest>,
) -> Result<Response, ApiError> {
    refuse_foreign_origin(&state, &headers)?;
    if !state.auth().setup_required().await? {
        return Err(ApiError::Conflict(
            "Berth is already set up: sign in instead".into(),
        ));
    }
    if !state.auth().setup_token_matches(&request.setup_token) {
        return Err(ApiError::Forbidden(
            "wrong set-up token: use the one that berth serve printed in its terminal when it started".into(),
        ));
    }
    let username = validate_username(&request.username)?;
    let password_hash = hash_password(request.password).await?;
    let user = state
        .store()
        .create_first_admin(NewUser {
            username: username.clone(),
            password_hash,
            role: berth_shared::access::Role::Admin,
        })
        .await?
        .ok_or_else(|| ApiError::Conflict("Berth is already set up: sign in instead".into()))?;
    state.auth().finish_setup();
    let scope = AuditScope::anonymous(Some(&username), &client);
    let action = Action::console("Setup", "POST", &username);
    audit::record(
        state.store(),
        &scope,
        action,
        200,
        Some("first admin created".into()),
    )
    .await?;
    let (token, session) = state.auth().start_session(&user, &client).await?;
    Ok(signed_in_response(&state, &token, session))
}

/// The signed-in user's stored record; a user removed since signing in is unauthorized.
pub async fn signed_in_user(state: &AppState, user_id: i64) -> Result<User, ApiError> {
    state
        .store()
        .user(user_id)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("the user no longer exists".into()))
}

/// Sign-in and set-up forms may only be posted from the console's own pages.
fn refuse_foreign_origin(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    match crate::auth::origin::classify(headers, state.auth().public_origin()) {
        crate::auth::origin::Origin::Foreign(origin) => Err(ApiError::Forbidden(format!(
            "cross-origin request from {origin} refused"
        ))),
        _ => Ok(()),
    }
}

/// Checks a user name for an API request.
pub fn validate_username(username: &str) -> Result<String, ApiError> {
    crate::auth::validate_username(username)
        .map_err(|error| ApiError::BadRequest(error.to_string()))
}

/// Validates and hashes a password in a hashing slot.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    Ok(password::hash_limited(password).await?)
}
