//! Browser sessions: kept on the server, found by the hash of the cookie's token.

use berth_shared::api::auth::SessionView;
use rusqlite::{OptionalExtension, Row, params};

use super::users::with_its_user;
use super::{Store, StoreError, User, now};

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The SHA-256 of the cookie's token, hex.
    pub id_hash: String,
    /// The user.
    pub user_id: i64,
    /// The token the UI sends in `X-CSRF-Token`.
    pub csrf_token: String,
    /// When it was created, Unix seconds.
    pub created_at: i64,
    /// When it was last used, Unix seconds.
    pub last_seen_at: i64,
    /// When it ends whatever happens, Unix seconds.
    pub expires_at: i64,
    /// The client's address at sign-in.
    pub remote_addr: String,
    /// The client's User-Agent at sign-in.
    pub user_agent: String,
}

/// A session from a row of its columns, in the order they are declared.
fn session_from_row(row: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id_hash: row.get(0)?,
        user_id: row.get(1)?,
        csrf_token: row.get(2)?,
        created_at: row.get(3)?,
        last_seen_at: row.get(4)?,
        expires_at: row.get(5)?,
        remote_addr: row.get(6)?,
        user_agent: row.get(7)?,
    })
}

impl Store {
    /// Stores a new session.
    pub async fn create_session(&self, session: SessionRecord) -> Result<(), StoreError> {
        self.call(move |connection| {
            connection.execute(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at,
                                       expires_at, remote_addr, user_agent)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    session.id_hash,
                    session.user_id,
                    session.csrf_token,
                    session.created_at,
                    session.last_seen_at,
                    session.expires_at,
                    session.remote_addr,
                    session.user_agent
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// The session with this id hash, and its user.
    pub async fn session(
        &self,
        id_hash: &str,
    ) -> Result<Option<(SessionRecord, User)>, StoreError> {
        let id_hash = id_hash.to_owned();
        self.call(move |connection| {
            let session = connection
                .query_row(
                    "SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at,
                            remote_addr, user_agent
                     FROM sessions WHERE id_hash = ?1",
                    [&id_hash],
                    session_from_row,
                )
                .optional()?;
            with_its_user(connection, session, |session| session.user_id)
        })
        .await
    }

    /// Records that a session was used now.
    pub async fn touch_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let id_hash = id_hash.to_owned();
        self.call(move |connection| {
            connection.execute(
                "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
                params![id_hash, now()],
            )?;
            Ok(())
        })
        .await
    }

    /// Ends one session. Returns whether it existed.
    pub async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError> {
        let id_hash = id_hash.to_owned();
        self.call(move |connection| {
            Ok(connection.execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])? == 1)
        })
        .await
    }

    /// Ends one of a user's sessions, named by the start of its id hash. Returns whether one
    /// was ended.
    pub async fn delete_user_session(
        &self,
        user_id: i64,
        handle: &str,
    ) -> Result<bool, StoreError> {
        let pattern = format!("{}%", handle.replace(['%', '_'], ""));
        self.call(move |connection| {
            Ok(connection.execute(
                "DELETE FROM sessions WHERE user_id = ?1 AND id_hash LIKE ?2",
                params![user_id, pattern],
            )? == 1)
        })
        .await
    }

    /// Ends every session of a user. Returns how many were ended.
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<usize, StoreError> {
        self.call(move |connection| {
            Ok(connection.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])?)
        })
        .await
    }

    /// A user's sessions, most recently used first, for the user to see (no secrets); the one
    /// whose id hash is `current_id_hash` is marked current.
    pub async fn user_sessions(
        &self,
        user_id: i64,
        current_id_hash: Option<String>,
    ) -> Result<Vec<SessionView>, StoreError> {
        self.call(move |connection| {
            let mut statement = connection.prepare(
                "SELECT substr(id_hash, 1, 12), created_at, last_seen_at, expires_at, remote_addr, user_agent,
                        id_hash IS ?2
                 FROM sessions WHERE user_id = ?1 ORDER BY last_seen_at DESC",
            )?;
            let sessions = statement
                .query_map(params![user_id, current_id_hash], |row| {
                    Ok(SessionView {
                        handle: row.get(0)?,
                        created_at: row.get(1)?,
                        last_seen_at: row.get(2)?,
                        expires_at: row.get(3)?,
                        remote_addr: row.get(4)?,
                        user_agent: row.get(5)?,
                        current: row.get(6)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(sessions)
        })
        .await
    }

    /// Deletes sessions that ended before `idle_cutoff` (last use) or `now` (absolute expiry).
    pub async fn delete_expired_sessions(&self, idle_cutoff: i64) -> Result<usize, StoreError> {
        self.call(move |connection| {
            Ok(connection.execute(
                "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2",
                params![now(), idle_cutoff],
            )?)
        })
        .await
    }
}
