//! Audit retention: how long audit records are kept (an admin's setting, 400 days unless
//! changed), and the pruning it drives, which is itself recorded in the audit log.

use std::time::Duration;

use crate::audit::{self, Action, AuditScope};
use crate::error::ApiError;
use crate::store::Store;

/// The settings key of the retention, in days.
pub const SETTING: &str = "audit_retention_days";

/// The retention of a fresh install.
pub const DEFAULT_DAYS: u32 = 400;

/// The longest retention an admin may choose: a century.
pub const MAX_DAYS: u32 = 36_500;

/// How often the log is pruned.
pub const PRUNE_INTERVAL: Duration = Duration::from_secs(3600);

/// The retention in force.
pub async fn days(store: &Store) -> Result<u32, ApiError> {
    Ok(store
        .setting(SETTING)
        .await?
        .and_then(|value| value.parse().ok())
        .filter(|days| (1..=MAX_DAYS).contains(days))
        .unwrap_or(DEFAULT_DAYS))
}

/// Checks a retention an admin asked for.
pub fn validate(days: u32) -> Result<u32, ApiError> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(ApiError::BadRequest(format!(
            "days: keep audit records for 1 to {MAX_DAYS} days"
        )))
    }
}

/// Stores a validated retention.
pub async fn set_days(store: &Store, days: u32) -> Result<(), ApiError> {
    Ok(store.set_setting(SETTING, &days.to_string()).await?)
}

/// Removes the records older than the retention. When any are removed, the removal is
/// recorded (by `scope`) with how many and up to when, after the deletion, so the record
/// itself is never pruned by the pass that wrote it.
pub async fn prune(store: &Store, scope: &AuditScope) -> Result<usize, ApiError> {
    let days = days(store).await?;
    let cutoff_ms = now_ms() - i64::from(days) * 86_400_000;
    let removed = store.prune_audit(cutoff_ms).await?;
    if removed > 0 {
        let detail = format!(
            "{removed} records older than {days} days removed (before {} UTC)",
            format_ms(cutoff_ms)
        );
        let action = Action::console("AuditPrune", "DELETE", "audit log");
        audit::record(store, scope, action, 200, Some(detail)).await?;
    }
    Ok(removed)
}

/// Prunes the audit log every [`PRUNE_INTERVAL`], starting now.
pub fn spawn_pruning(store: Store) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(PRUNE_INTERVAL);
        loop {
            interval.tick().await;
            if let Err(error) = prune(&store, &AuditScope::berth()).await {
                tracing::warn!(%error, "could not prune the audit log");
            }
        }
    });
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

/// `YYYY-MM-DD HH:MM` for a time in milliseconds.
fn format_ms(ms: i64) -> String {
    crate::cli::date(ms.div_euclid(1000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_shared::api::audit::{AuditEvent, AuditQuery};

    #[tokio::test]
    async fn the_default_holds_until_an_admin_changes_it() {
        let store = Store::in_memory().unwrap();
        assert_eq!(days(&store).await.unwrap(), DEFAULT_DAYS);
        set_days(&store, validate(30).unwrap()).await.unwrap();
        assert_eq!(days(&store).await.unwrap(), 30);
        assert!(validate(0).is_err());
        assert!(validate(MAX_DAYS + 1).is_err());
    }

    #[tokio::test]
    async fn pruning_is_recorded_only_when_it_removes_something() {
        let store = Store::in_memory().unwrap();
        assert_eq!(prune(&store, &AuditScope::berth()).await.unwrap(), 0);
        assert!(store.audit(AuditQuery::default()).await.unwrap().is_empty());
        store
            .append_audit(AuditEvent {
                id: 0,
                at_ms: 0,
                actor: Some("alice".into()),
                role: None,
                credential: "session".into(),
                source: "ui".into(),
                remote_addr: "127.0.0.1".into(),
                environment: None,
                operation: "Login".into(),
                method: "POST".into(),
                target: "alice".into(),
                status: Some(200),
                detail: None,
            })
            .await
            .unwrap();
        // A record written now is not older than a day: nothing to remove.
        set_days(&store, 1).await.unwrap();
        assert_eq!(prune(&store, &AuditScope::berth()).await.unwrap(), 0);
    }
}
