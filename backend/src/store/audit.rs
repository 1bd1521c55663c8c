//! The audit log: appended to for every state-changing operation and terminal session.
//!
//! An engine operation is recorded before it is forwarded (with no status) and completed with
//! its status afterwards, so a record exists even if Berth dies mid-request; a failed write
//! fails the request.

use berth_shared::api::audit::{AuditEvent, AuditQuery};
use rusqlite::{ToSql, params};

use super::{Store, StoreError};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

impl Store {
    /// Appends a record and returns its id. `entry.id` and `entry.at_ms` are ignored.
    pub async fn append_audit(&self, entry: AuditEvent) -> Result<i64, StoreError> {
        self.call(move |connection| {
            connection.execute(
                "INSERT INTO audit (at_ms, actor, role, credential, source, remote_addr, environment,
                                    operation, method, target, status, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    now_ms(),
                    entry.actor,
                    entry.role,
                    entry.credential,
                    entry.source,
                    entry.remote_addr,
                    entry.environment,
                    entry.operation,
                    entry.method,
                    entry.target,
                    entry.status,
                    entry.detail
                ],
            )?;
            Ok(connection.last_insert_rowid())
        })
        .await
    }

    /// Completes a record with the result's status and detail.
    pub async fn complete_audit(
        &self,
        id: i64,
        status: u16,
        detail: Option<String>,
    ) -> Result<(), StoreError> {
        self.call(move |connection| {
            // What was recorded when the action began (the fields of its body) stays; the
            // outcome's detail is added after it.
            connection.execute(
                "UPDATE audit SET status = ?2,
                    detail = CASE WHEN ?3 IS NULL THEN detail
                                  WHEN detail IS NULL THEN ?3
                                  ELSE detail || '; ' || ?3 END
                 WHERE id = ?1",
                params![id, status, detail],
            )?;
            Ok(())
        })
        .await
    }

    /// Removes the records older than `before_ms` and returns how many there were. It deletes
    /// in batches, so that neither the write-ahead log nor the lock grows with the backlog.
    pub async fn prune_audit(&self, before_ms: i64) -> Result<usize, StoreError> {
        let mut removed = 0;
        loop {
            let batch = self
                .call(move |connection| {
                    Ok(connection.execute(
                        "DELETE FROM audit WHERE id IN
                            (SELECT id FROM audit WHERE at_ms < ?1 ORDER BY id LIMIT 5000)",
                        [before_ms],
                    )?)
                })
                .await?;
            removed += batch;
            if batch < 5000 {
                return Ok(removed);
            }
        }
    }

    /// Records matching `query`, newest first, at most `query.limit` (default 100, max 1000).
    pub async fn audit(&self, query: AuditQuery) -> Result<Vec<AuditEvent>, StoreError> {
        self.call(move |connection| {
            let mut sql = String::from(
                "SELECT id, at_ms, actor, role, credential, source, remote_addr, environment,
                        operation, method, target, status, detail
                 FROM audit WHERE 1 = 1",
            );
            let mut values: Vec<Box<dyn ToSql>> = Vec::new();
            let mut add = |clause: &str, value: Box<dyn ToSql>| {
                values.push(value);
                sql.push_str(&format!(" AND {clause} ?{}", values.len()));
            };
            if let Some(actor) = query.actor.filter(|a| !a.is_empty()) {
                add("actor =", Box::new(actor));
            }
            if let Some(operation) = query.operation.filter(|o| !o.is_empty()) {
                add("operation =", Box::new(operation));
            }
            if let Some(environment) = query.environment.filter(|e| !e.is_empty()) {
                add("environment =", Box::new(environment));
            }
            if let Some(source) = query.source.filter(|s| !s.is_empty()) {
                add("source =", Box::new(source));
            }
            if query.failed == Some(true) {
                add("status >=", Box::new(400));
            }
            if let Some(since) = query.since_ms {
                add("at_ms >=", Box::new(since));
            }
            if let Some(until) = query.until_ms {
                add("at_ms <", Box::new(until));
            }
            if let Some(before) = query.before_id {
                add("id <", Box::new(before));
            }
            let limit = query.limit.unwrap_or(100).clamp(1, 1000);
            sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
            let mut statement = connection.prepare(&sql)?;
            let parameters: Vec<&dyn ToSql> = values.iter().map(|value| value.as_ref()).collect();
            let records = statement
                .query_map(parameters.as_slice(), |row| {
                    Ok(AuditEvent {
                        id: row.get(0)?,
                        at_ms: row.get(1)?,
                        actor: row.get(2)?,
                        role: row.get(3)?,
                        credential: row.get(4)?,
                        source: row.get(5)?,
                        remote_addr: row.get(6)?,
                        environment: row.get(7)?,
                        operation: row.get(8)?,
                        method: row.get(9)?,
                        target: row.get(10)?,
                        status: row.get(11)?,
                        detail: row.get(12)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(records)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(actor: &str, operation: &str) -> AuditEvent {
        AuditEvent {
            id: 0,
            at_ms: 0,
            actor: Some(actor.into()),
            role: Some("operator".into()),
            credential: "session".into(),
            source: "ui".into(),
            remote_addr: "127.0.0.1".into(),
            environment: Some("local".into()),
            operation: operation.into(),
            method: "POST".into(),
            target: "/containers/web/stop".into(),
            status: None,
            detail: None,
        }
    }

    #[tokio::test]
    async fn records_are_completed_filtered_and_paged() {
        let store = Store::in_memory().unwrap();
        let first = store
            .append_audit(entry("alice", "ContainerStop"))
            .await
            .unwrap();
        store.complete_audit(first, 204, None).await.unwrap();
        let second = store
            .append_audit(entry("bob", "ContainerDelete"))
            .await
            .unwrap();
        store
            .complete_audit(second, 409, Some("conflict".into()))
            .await
            .unwrap();
        store
            .append_audit(entry("alice", "ContainerStart"))
            .await
            .unwrap();

        let all = store.audit(AuditQuery::default()).await.unwrap();
        assert_eq!(
            all.iter().map(|e| e.operation.as_str()).collect::<Vec<_>>(),
            ["ContainerStart", "ContainerDelete", "ContainerStop"]
        );
        assert_eq!(all[2].status, Some(204));
        assert_eq!(all[0].status, None);

        let alice = store
            .audit(AuditQuery {
                actor: Some("alice".into()),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(alice.len(), 2);
        let failed = store
            .audit(AuditQuery {
                failed: Some(true),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].detail.as_deref(), Some("conflict"));
        let page = store
            .audit(AuditQuery {
                limit: Some(1),
                before_id: Some(second),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(page[0].id, first);
    }

    #[tokio::test]
    async fn a_begun_detail_is_kept_when_the_outcome_adds_one() {
        let store = Store::in_memory().unwrap();
        let id = store
            .append_audit(AuditEvent {
                detail: Some("User=\"root\"".into()),
                ..entry("alice", "ContainerExec")
            })
            .await
            .unwrap();
        store
            .complete_audit(id, 404, Some("no such container".into()))
            .await
            .unwrap();
        let records = store.audit(AuditQuery::default()).await.unwrap();
        assert_eq!(
            records[0].detail.as_deref(),
            Some("User=\"root\"; no such container")
        );
    }

    #[tokio::test]
    async fn pruning_removes_only_older_records() {
        let store = Store::in_memory().unwrap();
        store
            .append_audit(entry("alice", "ContainerStop"))
            .await
            .unwrap();
        assert_eq!(store.prune_audit(0).await.unwrap(), 0);
        assert_eq!(store.prune_audit(now_ms() + 1).await.unwrap(), 1);
        assert!(store.audit(AuditQuery::default()).await.unwrap().is_empty());
    }
}
