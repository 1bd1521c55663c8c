//! Adding, editing and removing stored environments: the one sequence the command line and
//! the API share. The request is validated, the engine checked (for an edit, only when its
//! transport changes), and the change recorded in the audit log before it is made.

use berth_shared::api::environments::{EnvironmentRequest, EnvironmentView, LOCAL};

use super::check::{CheckError, Checked, check};
use super::input::{InputError, definition, endpoint_of, fields_of, record_view};
use crate::audit::{self, Action, AuditScope};
use crate::error::ApiError;
use crate::registries::Vault;
use crate::store::{EnvironmentRecord, Store};

/// A saved environment, and what the check found.
#[derive(Debug)]
pub struct Saved {
    /// As stored.
    pub record: EnvironmentRecord,
    /// `None` when the engine was not checked (an edit that kept the transport).
    pub checked: Option<Checked>,
}

impl From<InputError> for ApiError {
    fn from(error: InputError) -> Self {
        match error {
            InputError::Vault(vault) => ApiError::Internal(vault.to_string()),
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

impl From<CheckError> for ApiError {
    fn from(error: CheckError) -> Self {
        ApiError::BadRequest(error.to_string())
    }
}

/// Refuses to touch `local` through the store.
pub fn not_local(which: &str) -> Result<(), ApiError> {
    if which == LOCAL {
        return Err(ApiError::BadRequest(format!(
            "'{LOCAL}' is the environment of `berth serve --docker-host`: change it there, since \
             the store neither holds nor changes it"
        )));
    }
    Ok(())
}

/// What the audit record says was saved: everything but the secrets.
fn detail(view: &EnvironmentView) -> Option<String> {
    serde_json::to_string(&serde_json::json!({
        "name": view.name,
        "docker_host": view.docker_host,
        "transport": view.transport,
        "insecure": view.insecure,
        "client_certificate": view.client_certificate,
        "ssh_socket": view.ssh_socket,
        "host_key": view.host_key,
        "tags": view.tags,
    }))
    .ok()
}

/// Checks and saves a new environment; `method` is the audit record's (`POST`, or `CLI`).
pub async fn add(
    store: &Store,
    vault: &Vault,
    scope: &AuditScope,
    method: &str,
    request: &EnvironmentRequest,
) -> Result<Saved, ApiError> {
    let mut definition = definition(request, None, vault)?;
    let checked = check(&mut definition.endpoint, request.offline_ok).await?;
    let fields = fields_of(&definition, vault)?;
    let preview = record_view(&EnvironmentRecord {
        id: definition.id.clone(),
        fields: fields.clone(),
        created_at: 0,
        updated_at: 0,
    });
    let action = Action::in_environment(
        &definition.id,
        "EnvironmentCreate",
        method,
        &definition.name,
    );
    let record = audit::audited_with(store, scope, action, detail(&preview), 201, async {
        Ok(store.create_environment(&definition.id, fields).await?)
    })
    .await?;
    Ok(Saved {
        record,
        checked: Some(checked),
    })
}

/// Changes the environment with id (or name) `which`; the engine is checked again when the
/// way to reach it changes.
pub async fn edit(
    store: &Store,
    vault: &Vault,
    scope: &AuditScope,
    method: &str,
    which: &str,
    request: &EnvironmentRequest,
) -> Result<Saved, ApiError> {
    not_local(which)?;
    let stored = store.environment(which).await?;
    let mut definition = definition(request, Some(&stored), vault)?;
    let before = endpoint_of(&stored.fields.transport, vault).map_err(InputError::from)?;
    let checked = if before == definition.endpoint {
        None
    } else {
        Some(check(&mut definition.endpoint, request.offline_ok).await?)
    };
    let fields = fields_of(&definition, vault)?;
    let preview = record_view(&EnvironmentRecord {
        fields: fields.clone(),
        ..stored.clone()
    });
    let action = Action::in_environment(&stored.id, "EnvironmentUpdate", method, &definition.name);
    let record = audit::audited_with(store, scope, action, detail(&preview), 200, async {
        Ok(store.update_environment(&stored.id, fields).await?)
    })
    .await?;
    Ok(Saved { record, checked })
}

/// Removes the environment with id (or name) `which`, returning what it was.
pub async fn remove(
    store: &Store,
    scope: &AuditScope,
    method: &str,
    which: &str,
) -> Result<EnvironmentRecord, ApiError> {
    not_local(which)?;
    let stored = store.environment(which).await?;
    let action =
        Action::in_environment(&stored.id, "EnvironmentDelete", method, &stored.fields.name);
    audit::audited(store, scope, action, 204, async {
        Ok(store.delete_environment(&stored.id).await?)
    })
    .await?;
    Ok(stored)
}
