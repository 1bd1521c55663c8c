//! The signed-in user's own account: password, TOTP second factor, and sessions.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use berth_shared::api::auth::{
    PasswordChange, QrCode, RecoveryCodes, SessionView, TotpConfirm, TotpDisable, TotpSetup,
    TotpSetupRequest,
};

use crate::api::auth::hash_password;
use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::audit::Action;
use crate::auth::secrets::sha256_hex;
use crate::auth::{Credential, new_recovery_codes, normalize_recovery_code, totp};
use crate::error::ApiError;
use crate::store::now;

/// An account change, audited as the caller's `operation` on themselves.
fn own<'a>(caller: &'a Caller, operation: &'static str) -> Action<'a> {
    Action::console(operation, "POST", &caller.principal.username)
}

/// `POST /api/account/password`: needs the current password; ends every session, including
/// this one, so the user signs in again with the new password.
pub async fn change_password(
    caller: Caller,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let user = caller.user().await?;
    let current_password = Some(change.current_password);
    caller
        .confirm_password(&user, current_password, "current password")
        .await?;
    let hash = hash_password(change.new_password).await?;
    caller
        .audited(own(&caller, "PasswordChange"), 204, async {
            Ok(caller.state.store().set_password(user.id, hash).await?)
        })
        .await?;
    caller.state.streams().end_user(user.id);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/account/totp/setup`: a new secret and its QR code, pending until confirmed.
/// From a browser session the password must be given again; the attempt is audited.
pub async fn totp_setup(
    caller: Caller,
    ApiJson(request): ApiJson<TotpSetupRequest>,
) -> Result<Json<TotpSetup>, ApiError> {
    let user = caller.user().await?;
    let state = &caller.state;
    caller
        .audited(own(&caller, "TotpSetup"), 200, async {
            if matches!(caller.principal.credential, Credential::Session { .. }) {
                caller
                    .confirm_password(&user, request.password, "password")
                    .await?;
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
    caller: Caller,
    ApiJson(confirm): ApiJson<TotpConfirm>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let user = caller.user().await?;
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
    caller
        .audited(own(&caller, "TotpEnable"), 200, async {
            Ok(caller
                .state
                .store()
                .enable_totp(user.id, secret, step, hashes)
                .await?)
        })
        .await?;
    Ok(Json(RecoveryCodes { codes }))
}

/// `POST /api/account/totp/disable`: needs the password.
pub async fn totp_disable(
    caller: Caller,
    ApiJson(request): ApiJson<TotpDisable>,
) -> Result<StatusCode, ApiError> {
    let user = caller.user().await?;
    let password = Some(request.password);
    caller.confirm_password(&user, password, "password").await?;
    caller
        .audited(own(&caller, "TotpDisable"), 204, async {
            Ok(caller.state.store().disable_totp(user.id).await?)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/account/sessions`.
pub async fn sessions(caller: Caller) -> Result<Json<Vec<SessionView>>, ApiError> {
    let Caller {
        state, principal, ..
    } = &caller;
    let current = match &principal.credential {
        Credential::Session { id_hash, .. } => Some(id_hash.clone()),
        Credential::Token { .. } | Credential::Certificate { .. } => None,
    };
    let sessions = state
        .store()
        .user_sessions(principal.user_id, current)
        .await?;
    Ok(Json(sessions))
}

/// `DELETE /api/account/sessions/{handle}`: ends one of the user's sessions.
pub async fn end_session(
    caller: Caller,
    Path(handle): Path<String>,
) -> Result<StatusCode, ApiError> {
    let Caller {
        state, principal, ..
    } = &caller;
    if handle.len() < 8 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::BadRequest(
            "session handle: expected the hex handle from the list".into(),
        ));
    }
    caller
        .audited(own(&caller, "SessionEnd"), 204, async {
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
