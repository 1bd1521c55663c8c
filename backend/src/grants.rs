//! Setting and removing a user's grant for one environment: the one audited sequence the
//! command line (`berth user grant|revoke`) and `api/grants.rs` share.
//!
//! A grant overrides the user's global role in its environment only
//! ([`berth_shared::access::effective_role`]; [`crate::state::AppState::environment_for`]
//! applies it). An admin by grant does admin engine operations in that environment (swarm,
//! plugins, no guardrails); console administration (users, environments, registries, guardrail
//! settings, the audit log) stays with global admins.

use berth_shared::access::Grant;
use berth_shared::api::environments::LOCAL;

use crate::audit::{self, Action, AuditScope};
use crate::error::ApiError;
use crate::store::{Store, StoreError, User};

/// The id of the environment named by `which` (an id, or a stored environment's name): `local`
/// or a stored one; any other is the 404 that names it.
pub async fn environment_id(store: &Store, which: &str) -> Result<String, ApiError> {
    if which == LOCAL {
        return Ok(LOCAL.to_owned());
    }
    match store.environment(which).await {
        Ok(record) => Ok(record.id),
        Err(StoreError::NotFound(_)) => Err(ApiError::UnknownEnvironment(which.to_owned())),
        Err(error) => Err(error.into()),
    }
}

/// Gives `user` the role `grant` in `environment` (an id from [`environment_id`]), or with
/// `None` removes their grant there so their global role applies again; audited in that
/// environment's name, `method` being the record's (`PUT`, `DELETE` or `CLI`). Returns whether
/// anything changed. The caller ends the user's streams there.
pub async fn change(
    store: &Store,
    scope: &AuditScope,
    method: &str,
    user: &User,
    environment: &str,
    grant: Option<Grant>,
) -> Result<bool, ApiError> {
    let (operation, target) = match grant {
        Some(grant) => ("UserGrant", format!("{}: role {grant}", user.username)),
        None => (
            "UserGrantRemove",
            format!("{}: global role ({})", user.username, user.role),
        ),
    };
    let action = Action::in_environment(environment, operation, method, &target);
    let status = if grant.is_some() { 200 } else { 204 };
    audit::audited(store, scope, action, status, async {
        Ok(match grant {
            Some(grant) => {
                store.set_grant(user.id, environment, grant).await?;
                true
            }
            None => store.remove_grant(user.id, environment).await?,
        })
    })
    .await
}
