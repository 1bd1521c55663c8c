//! API tokens: each user manages their own; admins see and revoke everyone's.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use berth_shared::access::Role;
use berth_shared::api::users::{CreatedToken, NewCredentialRequest, TokenView};
use serde::Deserialize;

use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::audit::Action;
use crate::auth::secrets::sha256_hex;
use crate::auth::{Credential, new_api_token, token_display_prefix};
use crate::error::ApiError;
use crate::store::{TokenSummary, now};

/// `?all=true` lists every user's tokens (admins only).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    all: bool,
}

/// Converts a stored token for the wire.
pub fn token_view(summary: TokenSummary) -> TokenView {
    TokenView {
        id: summary.token.id,
        kind: summary.token.kind,
        name: summary.token.name,
        username: summary.username,
        prefix: summary.token.prefix,
        created_at: summary.token.created_at,
        expires_at: summary.token.expires_at,
        last_used_at: summary.token.last_used_at,
        revoked_at: summary.token.revoked_at,
    }
}

/// `GET /api/tokens`.
pub async fn list(
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    let principal = &caller.principal;
    if query.all && principal.role != Role::Admin {
        return Err(ApiError::Forbidden(
            "only admins see everyone's tokens".into(),
        ));
    }
    let owner = (!query.all).then_some(principal.user_id);
    let tokens = caller.state.store().tokens(owner).await?;
    Ok(Json(tokens.into_iter().map(token_view).collect()))
}

/// `POST /api/tokens`: a token for the signed-in user, with the user's role. From a browser
/// session the password must be given again; refusals are audited too.
pub async fn create(
    caller: Caller,
    ApiJson(request): ApiJson<NewCredentialRequest>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let Caller {
        state, principal, ..
    } = &caller;
    let name = request.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::BadRequest(
            "name: give the token a name of 1 to 100 characters".into(),
        ));
    }
    if request.expires_in_days == Some(0) || request.expires_in_days.is_some_and(|days| days > 3650)
    {
        return Err(ApiError::BadRequest(
            "expires_in_days: choose 1 to 3650 days, or none".into(),
        ));
    }
    let expires_at = request
        .expires_in_days
        .map(|days| now() + i64::from(days) * 86_400);
    let secret = new_api_token();
    let action = Action::console("TokenCreate", "POST", &name);
    let record = caller
        .audited(action, 201, async {
            if matches!(principal.credential, Credential::Session { .. }) {
                let user = caller.user().await?;
                caller
                    .confirm_password(&user, request.password, "password")
                    .await?;
            }
            Ok(state
                .store()
                .create_token(
                    principal.user_id,
                    name.clone(),
                    sha256_hex(&secret),
                    token_display_prefix(&secret),
                    expires_at,
                )
                .await?)
        })
        .await?;
    let token = token_view(TokenSummary {
        token: record,
        username: principal.username.clone(),
    });
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

/// `DELETE /api/tokens/{id}`: revokes one of the user's tokens, or any token for an admin.
pub async fn revoke(caller: Caller, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    let Caller {
        state, principal, ..
    } = &caller;
    let owner = (principal.role != Role::Admin).then_some(principal.user_id);
    let target = format!("token {id}");
    let action = Action::console("TokenRevoke", "DELETE", &target);
    caller
        .audited(action, 204, async {
            if state.store().revoke_token(id, owner).await? {
                state.streams().end_token(id);
                Ok(StatusCode::NO_CONTENT)
            } else {
                Err(ApiError::Missing(format!("no active token {id} of yours")))
            }
        })
        .await
}
