//! `POST /api/account/certificates`: a client certificate from Berth's CA for the signed-in
//! user, answered once with its key. It is a token record of its own kind, so
//! `GET /api/tokens` lists it and `DELETE /api/tokens/{id}` revokes it.

use axum::Json;
use axum::http::StatusCode;
use berth_shared::api::users::{CreatedCertificate, NewCredentialRequest};

use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::api::tokens::token_view;
use crate::audit::Action;
use crate::auth::Credential;
use crate::error::ApiError;
use crate::store::{TokenSummary, now};

/// `POST /api/account/certificates`. From a browser session the password must be given again,
/// as for a token; refusals are audited too.
pub async fn create(
    caller: Caller,
    ApiJson(request): ApiJson<NewCredentialRequest>,
) -> Result<(StatusCode, Json<CreatedCertificate>), ApiError> {
    let Caller {
        state, principal, ..
    } = &caller;
    let days = request.expires_in_days.unwrap_or(90);
    if days == 0 || days > 3650 {
        return Err(ApiError::BadRequest(
            "expires_in_days: choose 1 to 3650 days".into(),
        ));
    }
    let not_after = now() + i64::from(days) * 86_400;
    let name = request.name.trim().to_owned();
    let action = Action::console("CertificateCreate", "POST", &name);
    let (record, bundle) = caller
        .audited(action, 201, async {
            let user = caller.user().await?;
            if matches!(principal.credential, Credential::Session { .. }) {
                caller
                    .confirm_password(&user, request.password, "password")
                    .await?;
            }
            crate::pki::issue(state.store(), state.data_dir(), &user, &name, not_after).await
        })
        .await?;
    let token = token_view(TokenSummary {
        token: record,
        username: principal.username.clone(),
    });
    Ok((
        StatusCode::CREATED,
        Json(CreatedCertificate {
            token,
            ca_pem: bundle.ca_pem,
            cert_pem: bundle.client.cert_pem,
            key_pem: bundle.client.key_pem,
        }),
    ))
}
