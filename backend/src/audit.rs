//! Recording to the audit log: every state-changing operation, every terminal session, and
//! every change to users, tokens and sessions.
//!
//! Architecture invariant: a record is written before the change is made, and if it cannot be
//! written the change is not made: audit records are never lost.

use berth_shared::api::audit::AuditEvent;

use crate::auth::{ClientInfo, Principal};
use crate::error::ApiError;
use crate::store::Store;

/// Who did something, from where, and through which door.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditScope {
    actor: Option<String>,
    role: Option<String>,
    credential: &'static str,
    source: &'static str,
    remote_addr: String,
}

/// What was done, to what.
#[derive(Debug, Clone, Copy)]
pub struct Action<'a> {
    /// The environment, for engine operations.
    pub environment: Option<&'a str>,
    /// The operationId, or a console action such as `UserCreate`.
    pub operation: &'a str,
    /// The HTTP method.
    pub method: &'a str,
    /// The path or object name.
    pub target: &'a str,
}

impl<'a> Action<'a> {
    /// A console action, such as `UserCreate`: one on Berth itself, in no environment.
    pub fn console(operation: &'a str, method: &'a str, target: &'a str) -> Self {
        Self {
            environment: None,
            operation,
            method,
            target,
        }
    }

    /// An action in one environment: an engine operation, or a console action on its objects
    /// such as `VolumeBrowse`.
    pub fn in_environment(
        environment: &'a str,
        operation: &'a str,
        method: &'a str,
        target: &'a str,
    ) -> Self {
        Self {
            environment: Some(environment),
            operation,
            method,
            target,
        }
    }
}

impl AuditScope {
    /// An authenticated principal; the source follows its credential (`ui` or `gateway`).
    pub fn of(principal: &Principal, client: &ClientInfo) -> Self {
        Self {
            actor: Some(principal.username.clone()),
            role: Some(principal.role.to_string()),
            credential: principal.credential_kind(),
            source: principal.source(),
            remote_addr: client.address.clone(),
        }
    }

    /// An authenticated principal using the console's own endpoints under `/api`.
    pub fn console(principal: &Principal, client: &ClientInfo) -> Self {
        Self::of(principal, client).through("console")
    }

    /// Someone not yet authenticated, such as a failed sign-in for `claimed_name`.
    pub fn anonymous(claimed_name: Option<&str>, client: &ClientInfo) -> Self {
        Self {
            actor: claimed_name.map(str::to_owned),
            role: None,
            credential: "none",
            source: "console",
            remote_addr: client.address.clone(),
        }
    }

    /// Berth itself, acting on a schedule (pruning the audit log).
    pub fn berth() -> Self {
        Self {
            actor: Some("berth".to_owned()),
            role: None,
            credential: "none",
            source: "berth",
            remote_addr: "local".to_owned(),
        }
    }

    /// The command line, acting directly on the store.
    pub fn command_line(user: &str) -> Self {
        Self {
            actor: Some(user.to_owned()),
            role: None,
            credential: "cli",
            source: "cli",
            remote_addr: "local".to_owned(),
        }
    }

    /// Berth itself, cleaning up on its own initiative (such as removing idle volume helpers):
    /// no user, no credential.
    pub fn reaper() -> Self {
        Self {
            actor: None,
            role: None,
            credential: "none",
            source: "reaper",
            remote_addr: "local".to_owned(),
        }
    }

    /// The same scope, coming in through another door (`console`, `terminal`).
    pub fn through(mut self, source: &'static str) -> Self {
        self.source = source;
        self
    }

    fn event(&self, action: Action<'_>, status: Option<u16>, detail: Option<String>) -> AuditEvent {
        AuditEvent {
            id: 0,
            at_ms: 0,
            actor: self.actor.clone(),
            role: self.role.clone(),
            credential: self.credential.to_owned(),
            source: self.source.to_owned(),
            remote_addr: self.remote_addr.clone(),
            environment: action.environment.map(str::to_owned),
            operation: action.operation.to_owned(),
            method: action.method.to_owned(),
            target: action.target.to_owned(),
            status,
            detail,
        }
    }
}

/// Records that an action is starting; fails (so the caller does nothing) if it cannot.
pub async fn begin(store: &Store, scope: &AuditScope, action: Action<'_>) -> Result<i64, ApiError> {
    begin_with(store, scope, action, None).await
}

/// [`begin`] with what the request asked for beyond its target (the security-relevant fields
/// of its body); the outcome's detail is added to it on completion.
pub async fn begin_with(
    store: &Store,
    scope: &AuditScope,
    action: Action<'_>,
    detail: Option<String>,
) -> Result<i64, ApiError> {
    store
        .append_audit(scope.event(action, None, detail))
        .await
        .map_err(unwritable)
}

/// Completes a record with the outcome. The action already happened, so a failure here is
/// logged; the record written by [`begin`] stays as evidence that it was attempted.
pub async fn complete(store: &Store, id: i64, status: u16, detail: Option<String>) {
    if let Err(error) = store.complete_audit(id, status, detail).await {
        tracing::error!(%error, audit_id = id, "could not complete an audit record");
    }
}

/// Records a finished action in one write; fails if it cannot.
pub async fn record(
    store: &Store,
    scope: &AuditScope,
    action: Action<'_>,
    status: u16,
    detail: Option<String>,
) -> Result<(), ApiError> {
    store
        .append_audit(scope.event(action, Some(status), detail))
        .await
        .map(drop)
        .map_err(unwritable)
}

fn unwritable(error: crate::store::StoreError) -> ApiError {
    let message = format!("the audit log could not be written, so nothing was done: {error}");
    match error {
        crate::store::StoreError::DiskFull => ApiError::StorageFull(message),
        _ => ApiError::Internal(message),
    }
}

/// Runs `change` between a [`begin`] and a [`complete`]: the change happens only if it could be
/// recorded, and the record ends with `success_status` or the error's status.
pub async fn audited<T>(
    store: &Store,
    scope: &AuditScope,
    action: Action<'_>,
    success_status: u16,
    change: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    audited_with(store, scope, action, None, success_status, change).await
}

/// [`audited`], with what the change asks for recorded from the start (as [`begin_with`]).
pub async fn audited_with<T>(
    store: &Store,
    scope: &AuditScope,
    action: Action<'_>,
    detail: Option<String>,
    success_status: u16,
    change: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let id = begin_with(store, scope, action, detail).await?;
    let result = change.await;
    match &result {
        Ok(_) => complete(store, id, success_status, None).await,
        Err(error) => complete(store, id, error.status().as_u16(), Some(error.to_string())).await,
    }
    result
}
