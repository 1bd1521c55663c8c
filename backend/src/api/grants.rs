//! A user's access per environment, for admins: `GET /api/users/{id}/grants`, and
//! `PUT`/`DELETE /api/users/{id}/grants/{env}`. Changing or removing a grant ends the user's
//! open streams in that environment at once; the change itself is [`crate::grants::change`].

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use berth_shared::api::users::{EnvironmentGrant, GrantRequest};

use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::api::users::{ADMIN_AREA, stored_user};
use crate::error::ApiError;
use crate::grants::{change, environment_id};

/// `GET /api/users/{id}/grants`: the user's grants; environments not listed give their global
/// role.
pub async fn list(
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<EnvironmentGrant>>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let user = stored_user(&caller.state, id).await?;
    let grants = caller.state.store().grants(user.id).await?;
    Ok(Json(
        grants
            .into_iter()
            .map(|(environment, role)| EnvironmentGrant { environment, role })
            .collect(),
    ))
}

/// `PUT /api/users/{id}/grants/{env}` with `{"role": "admin|operator|viewer|none"}`.
pub async fn put(
    caller: Caller,
    Path((id, environment)): Path<(i64, String)>,
    ApiJson(request): ApiJson<GrantRequest>,
) -> Result<Json<EnvironmentGrant>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    let user = stored_user(state, id).await?;
    let environment = environment_id(state.store(), &environment).await?;
    change(
        state.store(),
        &caller.scope(),
        "PUT",
        &user,
        &environment,
        Some(request.role),
    )
    .await?;
    state.streams().end_user_environment(user.id, &environment);
    Ok(Json(EnvironmentGrant {
        environment,
        role: request.role,
    }))
}

/// `DELETE /api/users/{id}/grants/{env}`: the user has their global role there again.
pub async fn remove(
    caller: Caller,
    Path((id, environment)): Path<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    let user = stored_user(state, id).await?;
    let environment = environment_id(state.store(), &environment).await?;
    if change(
        state.store(),
        &caller.scope(),
        "DELETE",
        &user,
        &environment,
        None,
    )
    .await?
    {
        state.streams().end_user_environment(user.id, &environment);
    }
    Ok(StatusCode::NO_CONTENT)
}
