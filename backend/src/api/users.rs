//! User administration, for admins.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use berth_shared::api::users::{NewUserRequest, UserUpdate, UserView};

use crate::api::auth::{hash_password, validate_username};
use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::audit::Action;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{NewUser, User};

/// Only admins manage users.
pub const ADMIN_AREA: &str = "user administration";

/// The stored user with this id.
pub async fn stored_user(state: &AppState, id: i64) -> Result<User, ApiError> {
    state
        .store()
        .user(id)
        .await?
        .ok_or_else(|| ApiError::Missing(format!("no user {id}")))
}

/// Converts a stored user for the wire.
pub fn user_view(user: User) -> UserView {
    UserView {
        id: user.id,
        username: user.username,
        role: user.role,
        totp_enabled: user.totp_secret.is_some(),
        created_at: user.created_at,
    }
}

/// `GET /api/users`.
pub async fn list(caller: Caller) -> Result<Json<Vec<UserView>>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    Ok(Json(
        caller
            .state
            .store()
            .users()
            .await?
            .into_iter()
            .map(user_view)
            .collect(),
    ))
}

/// `POST /api/users`.
pub async fn create(
    caller: Caller,
    ApiJson(request): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let username = validate_username(&request.username)?;
    let password_hash = hash_password(request.password).await?;
    let detail_target = format!("{username} ({})", request.role);
    let action = Action::console("UserCreate", "POST", &detail_target);
    let user = caller
        .audited(action, 201, async {
            Ok(caller
                .state
                .store()
                .create_user(NewUser {
                    username: username.clone(),
                    password_hash,
                    role: request.role,
                })
                .await?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(user_view(user))))
}

/// `PATCH /api/users/{id}`: role, password, or a TOTP reset.
pub async fn update(
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(update): ApiJson<UserUpdate>,
) -> Result<Json<UserView>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    let user = stored_user(state, id).await?;
    let password_hash = match update.password {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    let mut changes = Vec::new();
    if let Some(role) = update.role {
        changes.push(format!("role {role}"));
    }
    if password_hash.is_some() {
        changes.push("password reset".to_owned());
    }
    if update.reset_totp {
        changes.push("two-factor reset".to_owned());
    }
    if changes.is_empty() {
        return Err(ApiError::BadRequest(
            "nothing to change: give role, password or reset_totp".into(),
        ));
    }
    // A new role or password withdraws what the user's open streams were opened with.
    let ends_streams = update.role.is_some_and(|role| role != user.role) || password_hash.is_some();
    let target = format!("{}: {}", user.username, changes.join(", "));
    let action = Action::console("UserUpdate", "PATCH", &target);
    caller
        .audited(action, 200, async {
            if let Some(role) = update.role {
                state.store().set_role(id, role).await?;
            }
            if let Some(hash) = password_hash {
                state.store().set_password(id, hash).await?;
            }
            if update.reset_totp {
                state.store().disable_totp(id).await?;
            }
            Ok(())
        })
        .await?;
    if ends_streams {
        state.streams().end_user(id);
    }
    let updated = stored_user(state, id).await?;
    Ok(Json(user_view(updated)))
}

/// `DELETE /api/users/{id}`: removes the user with their sessions and tokens.
pub async fn remove(caller: Caller, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    let user = stored_user(state, id).await?;
    let action = Action::console("UserDelete", "DELETE", &user.username);
    caller
        .audited(action, 204, async {
            Ok(state.store().delete_user(id).await?)
        })
        .await?;
    state.streams().end_user(id);
    Ok(StatusCode::NO_CONTENT)
}
