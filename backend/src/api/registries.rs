//! `/api/registries`: saved registry credentials. Admins manage them; everyone signed in sees
//! the list (without passwords) so operators can pick one when pulling or pushing.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use berth_shared::api::registries::{RegistryRequest, RegistryView, normalize_address};
use berth_shared::engine::image::RegistryAuth;

use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::audit::Action;
use crate::engine::environment::LOCAL;
use crate::engine::login::check_registry_login;
use crate::error::ApiError;
use crate::registries::{credentials, view};
use crate::state::AppState;
use crate::store::RegistryFields;

/// Only admins change saved registries.
const ADMIN_AREA: &str = "registry management";

/// `GET /api/registries`.
pub async fn list(caller: Caller) -> Result<Json<Vec<RegistryView>>, ApiError> {
    let records = caller.state.store().registries().await?;
    Ok(Json(records.into_iter().map(view).collect()))
}

/// The request's fields, validated and trimmed.
fn validated(request: &RegistryRequest) -> Result<(String, String, String), ApiError> {
    let name = request.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::BadRequest(
            "name: give the registry a name of 1 to 100 characters".into(),
        ));
    }
    let address = normalize_address(&request.address);
    if request.address.trim().is_empty() || address.chars().any(|c| c.is_whitespace() || c == '@') {
        return Err(ApiError::BadRequest(
            "address: give the registry's host, such as registry.example.com or 127.0.0.1:5000"
                .into(),
        ));
    }
    let username = request.username.trim().to_owned();
    Ok((name, address, username))
}

/// Asks the engine of the request's environment to log in with `auth`; anonymous registries
/// have nothing to check. The environment must be one the caller may see.
async fn check(caller: &Caller, environment: &str, auth: &RegistryAuth) -> Result<(), ApiError> {
    let state = &caller.state;
    if auth.username.is_empty() {
        return Ok(());
    }
    let environment_id = if environment.is_empty() {
        LOCAL
    } else {
        environment
    };
    let (environment, _) = state
        .environment_for(&caller.principal, environment_id)
        .await?;
    match check_registry_login(&environment, auth).await {
        Ok(_) => Ok(()),
        Err(crate::engine::EngineError::Status { message, .. }) => Err(ApiError::BadRequest(
            crate::engine::login::login_failure(&message),
        )),
        Err(error) => Err(ApiError::from_engine(&environment, error)),
    }
}

fn seal(state: &AppState, password: &str) -> Result<Vec<u8>, ApiError> {
    state
        .vault()
        .seal(password.as_bytes())
        .map_err(|error| ApiError::Internal(error.to_string()))
}

/// `POST /api/registries`: checks the credentials with the engine, then saves them sealed.
pub async fn create(
    caller: Caller,
    ApiJson(request): ApiJson<RegistryRequest>,
) -> Result<(StatusCode, Json<RegistryView>), ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    let (name, address, username) = validated(&request)?;
    let password = request.password.clone().unwrap_or_default();
    if !username.is_empty() && password.is_empty() {
        return Err(ApiError::BadRequest(
            "password: give the password or access token for this user".into(),
        ));
    }
    let auth = RegistryAuth {
        username: username.clone(),
        password: password.clone(),
        serveraddress: address.clone(),
    };
    check(&caller, &request.environment, &auth).await?;
    let sealed_password = if username.is_empty() {
        None
    } else {
        Some(seal(state, &password)?)
    };
    let action = Action::console("RegistryCreate", "POST", &name);
    let record = caller
        .audited(action, 201, async {
            Ok(state
                .store()
                .create_registry(RegistryFields {
                    name: name.clone(),
                    address,
                    username,
                    sealed_password,
                })
                .await?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view(record))))
}

/// `PUT /api/registries/{id}`: changes a registry; without a new password the stored one is
/// kept, unless the address changes, and the resulting credentials are checked again.
pub async fn update(
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<RegistryRequest>,
) -> Result<Json<RegistryView>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let state = &caller.state;
    let (name, address, username) = validated(&request)?;
    let stored = state.store().registry(id).await?;
    let new_password = request
        .password
        .clone()
        .filter(|password| !password.is_empty());
    // The stored password belongs to the stored address: it is never checked against, nor
    // kept for, another one.
    let moved = normalize_address(&stored.address) != address;
    let password = match &new_password {
        Some(password) => password.clone(),
        None if moved => String::new(),
        None => credentials(state.vault(), &stored)?.password,
    };
    if !username.is_empty() && password.is_empty() {
        return Err(ApiError::BadRequest(if moved {
            format!(
                "password: the address changed from {} to {address}; give the password or \
                 access token again, since Berth does not send the stored one to a new address",
                stored.address
            )
        } else {
            "password: give the password or access token for this user".into()
        }));
    }
    let auth = RegistryAuth {
        username: username.clone(),
        password,
        serveraddress: address.clone(),
    };
    check(&caller, &request.environment, &auth).await?;
    let sealed_password = new_password
        .map(|password| seal(state, &password))
        .transpose()?;
    let target = format!("registry {id}");
    let action = Action::console("RegistryUpdate", "PUT", &target);
    let record = caller
        .audited(action, 200, async {
            Ok(state
                .store()
                .update_registry(
                    id,
                    RegistryFields {
                        name,
                        address,
                        username,
                        sealed_password,
                    },
                    moved,
                )
                .await?)
        })
        .await?;
    Ok(Json(view(record)))
}

/// `DELETE /api/registries/{id}`.
pub async fn remove(caller: Caller, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let target = format!("registry {id}");
    let action = Action::console("RegistryDelete", "DELETE", &target);
    caller
        .audited(action, 204, async {
            caller.state.store().delete_registry(id).await?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
