//! The signed-in user's own account: password, TOTP second factor, and sessions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use berth_shared::api::auth::{
    PasswordChange, QrCode, RecoveryCodes, SessionView, TotpConfirm, TotpDisable, TotpSetup,
    TotpSetupRequest,
};

use crate::api::auth::{confirm_password, hash_password, signed_in_user};
use crate::api::json::ApiJson;
use crate::audit::{self, Action, AuditScope};
use crate::auth::secrets::sha256_hex;
use crate::auth::{
    ClientInfo, Credential, Principal, new_recovery_codes, normalize_recovery_code, totp,
};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::now;

/// Runs an account change between the two halves of its audit record.
async fn audited<T>(
    state: &AppState,
    principal: &Principal,
    client: &ClientInfo,
    operation: &str,
    success_status: u16,
    change: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let scope = AuditScope::console(principal, client);
    let action = Action::console(operation, "POST", &principal.username);
    audit::audited(state.store(), &scope, action, success_status, change).await
}

/// `POST /api/account/password`: needs the current password; ends every session, including
/// this one, so the user signs in again with the new password.
pub async fn change_password(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientInfo,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let user = signed_in_user(&state, principal.user_id).await?;
    confirm_password(
        &state,
        &user,
        Some(change.current_password),
        &client,
        "current password",
    )
    .await?;
    let hash = hash_password(change.new_password).await?;
    audited(&state, &principal, &client, "PasswordChange", 204, async {
        Ok(state.store().set_password(user.id, hash).await?)
    })
    .await?;
    state.streams().end_user(user.id);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/account/totp/setup`: a new secret and its QR code, pending until confirmed.
/// From a browser session the password must be given again; the attempt is audited.
pub async fn totp_setup(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientInfo,
    ApiJson(request): ApiJson<TotpSetupRequest>,
) -> Result<Json<TotpSetup>, ApiError> {
    let user = signed_in_user(&state, principal.user_id).await?;
    audited(&state, &principal, &client, "TotpSetup", 200, async {
        if matches!(principal.credential, Credential::Session { .. }) {
            confirm_password(&state, &user, request.password, &client, "password").await?;
        }
        if user.totp_secret.is_some() {
            return Err(ApiError::Conflict(
                "two-factor sign-in is already on; turn it off first".into(),
            ));
        }
        let secret = totp::new_secret();
        let otpauth_uri = totp::otpauth_uri(&secret, &user.username);
        let qr = qr_code(&otpauth_uri)?;
        state
            .store()
            .set_totp_pending(user.id, secret.clone())
            .await?;
        Ok(Json(TotpSetup {
            secret,
            otpauth_uri,
            qr,
        }))
    })
    .await
}

/// `POST /api/account/totp/enable`: confirms the pending secret with a code and returns the
/// recovery codes, once.
pub async fn totp_enable(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientInfo,
    ApiJson(confirm): ApiJson<TotpConfirm>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let user = signed_in_user(&state, principal.user_id).await?;
    let secret = user
        .totp_pending
        .ok_or_else(|| ApiError::Conflict("start two-factor set-up first".into()))?;
    let step = totp::verify(&secret, &confirm.code, now()).ok_or_else(|| {
        ApiError::BadRequest(
            "code: it does not match; check the device's clock and try the next code".into(),
        )
    })?;
    let codes = new_recovery_codes();
    let hashes = codes
        .iter()
        .map(|code| sha256_hex(&normalize_recovery_code(code)))
        .collect();
    audited(&state, &principal, &client, "TotpEnable", 200, async {
        Ok(state
            .store()
            .enable_totp(user.id, secret, step, hashes)
            .await?)
    })
    .await?;
    Ok(Json(RecoveryCodes { codes }))
}

/// `POST /api/account/totp/disable`: needs the password.
pub async fn totp_disable(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientInfo,
    ApiJson(request): ApiJson<TotpDisable>,
) -> Result<StatusCode, ApiError> {
    let user = signed_in_user(&state, principal.user_id).await?;
    confirm_password(&state, &user, Some(request.password), &client, "password").await?;
    audited(&state, &principal, &client, "TotpDisable", 204, async {
        Ok(state.store().disable_totp(user.id).await?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/account/sessions`.
pub async fn sessions(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<SessionView>>, ApiError> {
    let current = match &principal.credential {
        Credential::Session { id_hash, .. } => Some(id_hash.clone()),
        Credential::Token { .. } => None,
    };
    let sessions = state
        .store()
        .user_sessions(principal.user_id, current)
        .await?;
    Ok(Json(sessions))
}

/// `DELETE /api/account/sessions/{handle}`: ends one of the user's sessions.
pub async fn end_session(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientInfo,
    Path(handle): Path<String>,
) -> Result<StatusCode, ApiError> {
    if handle.len() < 8 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::BadRequest(
            "session handle: expected the hex handle from the list".into(),
        ));
    }
    audited(&state, &principal, &client, "SessionEnd", 204, async {
        if state
            .store()
            .delete_user_session(principal.user_id, &handle)
            .await?
        {
            state
                .streams()
                .end_session_handle(principal.user_id, &handle);
            Ok(StatusCode::NO_CONTENT)
        } else {
            Err(ApiError::Missing(format!("no session {handle}")))
        }
    })
    .await
}

fn qr_code(text: &str) -> Result<QrCode, ApiError> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let modules = code
        .to_colors()
        .into_iter()
        .map(|color| {
            if color == qrcode::Color::Dark {
                '1'
            } else {
                '0'
            }
        })
        .collect();
    Ok(QrCode {
        size: code.width() as u32,
        modules,
    })
}
