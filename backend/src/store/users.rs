//! Users, their TOTP second factor and recovery codes.

use berth_shared::access::Role;
use rusqlite::{Connection, OptionalExtension, Params, Row, params};

use super::{Store, StoreError, now};

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The row id.
    pub id: i64,
    /// The unique, case-insensitive name.
    pub username: String,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// The role.
    pub role: Role,
    /// The base32 TOTP secret, when the second factor is on.
    pub totp_secret: Option<String>,
    /// A secret being enrolled, not yet confirmed with a code.
    pub totp_pending: Option<String>,
    /// The last TOTP time step accepted, so a code cannot be replayed.
    pub totp_last_step: i64,
    /// When the user was created, Unix seconds.
    pub created_at: i64,
}

/// What creating a user needs.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The name.
    pub username: String,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// The role.
    pub role: Role,
}

const COLUMNS: &str =
    "id, username, password_hash, role, totp_secret, totp_pending, totp_last_step, created_at";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(3)?;
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        password_hash: row.get(2)?,
        role: role.parse().unwrap_or(Role::Viewer),
        totp_secret: row.get(4)?,
        totp_pending: row.get(5)?,
        totp_last_step: row.get(6)?,
        created_at: row.get(7)?,
    })
}

pub(super) fn user_by_id(connection: &Connection, id: i64) -> Result<Option<User>, StoreError> {
    Ok(connection
        .query_row(
            &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
            [id],
            user_from_row,
        )
        .optional()?)
}

/// A credential `record` (a session or a token, found by its hash) with the user it belongs to
/// (`user_id` reads its owner): `None` when there is no such record, or its user is gone.
pub(super) fn with_its_user<R>(
    connection: &Connection,
    record: Option<R>,
    user_id: impl Fn(&R) -> i64,
) -> Result<Option<(R, User)>, StoreError> {
    let Some(record) = record else {
        return Ok(None);
    };
    Ok(user_by_id(connection, user_id(&record))?.map(|user| (record, user)))
}

impl Store {
    /// Creates a user; a taken name is [`StoreError::Conflict`].
    pub async fn create_user(&self, user: NewUser) -> Result<User, StoreError> {
        self.call(move |connection| {
            let time = now();
            connection
                .execute(
                    "INSERT INTO users (username, password_hash, role, created_at, password_changed_at)
                     VALUES (?1, ?2, ?3, ?4, ?4)",
                    params![user.username, user.password_hash, user.role.as_str(), time],
                )
                .map_err(|error| {
                    StoreError::conflict_as(error, || format!("a user named '{}' already exists", user.username))
                })?;
            let id = connection.last_insert_rowid();
            user_by_id(connection, id)?.ok_or_else(|| StoreError::NotFound("the new user".into()))
        })
        .await
    }

    /// Creates the first admin, but only while no user exists at all, atomically: two racing
    /// set-up requests cannot both succeed.
    pub async fn create_first_admin(&self, user: NewUser) -> Result<Option<User>, StoreError> {
        self.call(move |connection| {
            let transaction = connection.transaction()?;
            let existing: i64 =
                transaction.query_row("SELECT count(*) FROM users", [], |row| row.get(0))?;
            if existing > 0 {
                return Ok(None);
            }
            let time = now();
            transaction.execute(
                "INSERT INTO users (username, password_hash, role, created_at, password_changed_at)
                 VALUES (?1, ?2, 'admin', ?3, ?3)",
                params![user.username, user.password_hash, time],
            )?;
            let id = transaction.last_insert_rowid();
            let created = user_by_id(&transaction, id)?;
            transaction.commit()?;
            Ok(created)
        })
        .await
    }

    /// The user with this name (case-insensitive).
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        let username = username.to_owned();
        self.call(move |connection| {
            Ok(connection
                .query_row(
                    &format!("SELECT {COLUMNS} FROM users WHERE username = ?1"),
                    [username],
                    user_from_row,
                )
                .optional()?)
        })
        .await
    }

    /// The user with this id.
    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.call(move |connection| user_by_id(connection, id))
            .await
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.call(|connection| {
            let mut statement =
                connection.prepare(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))?;
            let users = statement
                .query_map([], user_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(users)
        })
        .await
    }

    /// How many users exist.
    pub async fn user_count(&self) -> Result<i64, StoreError> {
        self.call(|connection| {
            Ok(connection.query_row("SELECT count(*) FROM users", [], |row| row.get(0))?)
        })
        .await
    }

    /// Replaces a user's password and ends all their sessions, since a password change is
    /// often a response to a stolen one.
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: String,
    ) -> Result<(), StoreError> {
        self.call(move |connection| {
            let transaction = connection.transaction()?;
            update_user(
                &transaction,
                "UPDATE users SET password_hash = ?2, password_changed_at = ?3 WHERE id = ?1",
                params![user_id, password_hash, now()],
            )?;
            transaction.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    /// Changes a user's role, refusing to demote the last admin.
    pub async fn set_role(&self, user_id: i64, role: Role) -> Result<(), StoreError> {
        self.call(move |connection| {
            let transaction = connection.transaction()?;
            if role != Role::Admin {
                refuse_losing_the_last_admin(&transaction, user_id, "changing this one's role")?;
            }
            let role = role.as_str();
            let sql = "UPDATE users SET role = ?2 WHERE id = ?1";
            update_user(&transaction, sql, params![user_id, role])?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    /// Deletes a user with their sessions and tokens, refusing to delete the last admin.
    pub async fn delete_user(&self, user_id: i64) -> Result<(), StoreError> {
        self.call(move |connection| {
            let transaction = connection.transaction()?;
            refuse_losing_the_last_admin(&transaction, user_id, "removing this one")?;
            transaction.execute("DELETE FROM users WHERE id = ?1", [user_id])?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    /// Stores a TOTP secret being enrolled (replacing any earlier one).
    pub async fn set_totp_pending(&self, user_id: i64, secret: String) -> Result<(), StoreError> {
        self.call(move |connection| {
            connection.execute(
                "UPDATE users SET totp_pending = ?2 WHERE id = ?1",
                params![user_id, secret],
            )?;
            Ok(())
        })
        .await
    }

    /// Turns TOTP on with the confirmed secret and a fresh set of recovery codes (hashed).
    pub async fn enable_totp(
        &self,
        user_id: i64,
        secret: String,
        step: i64,
        recovery_code_hashes: Vec<String>,
    ) -> Result<(), StoreError> {
        self.call(move |connection| {
            let transaction = connection.transaction()?;
            transaction.execute(
                "UPDATE users SET totp_secret = ?2, totp_pending = NULL, totp_last_step = ?3 WHERE id = ?1",
                params![user_id, secret, step],
            )?;
            transaction.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
            for hash in &recovery_code_hashes {
                transaction.execute(
                    "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
                    params![user_id, hash],
                )?;
            }
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    /// Turns TOTP off and forgets the recovery codes.
    pub async fn disable_totp(&self, user_id: i64) -> Result<(), StoreError> {
        self.call(move |connection| {
            let transaction = connection.transaction()?;
            transaction.execute(
                "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 WHERE id = ?1",
                [user_id],
            )?;
            transaction.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    /// Records that a TOTP code of `step` was used, unless that step or a later one already
    /// was: a code can be used once. Returns whether it was accepted.
    pub async fn advance_totp_step(&self, user_id: i64, step: i64) -> Result<bool, StoreError> {
        self.call(move |connection| {
            let changed = connection.execute(
                "UPDATE users SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2",
                params![user_id, step],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    /// Uses up a recovery code; returns whether it was valid and unused.
    pub async fn use_recovery_code(
        &self,
        user_id: i64,
        code_hash: String,
    ) -> Result<bool, StoreError> {
        self.call(move |connection| {
            let changed = connection.execute(
                "UPDATE recovery_codes SET used_at = ?3
                 WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
                params![user_id, code_hash, now()],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    /// How many unused recovery codes a user has left.
    pub async fn recovery_codes_left(&self, user_id: i64) -> Result<i64, StoreError> {
        self.call(move |connection| {
            Ok(connection.query_row(
                "SELECT count(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
                [user_id],
                |row| row.get(0),
            )?)
        })
        .await
    }
}

/// Refuses, before `doing` something that makes `user_id` no longer an admin, when they are the
/// last one; a user that does not exist is [`StoreError::NotFound`].
fn refuse_losing_the_last_admin(
    connection: &Connection,
    user_id: i64,
    doing: &str,
) -> Result<(), StoreError> {
    let user =
        user_by_id(connection, user_id)?.ok_or_else(|| StoreError::NotFound("the user".into()))?;
    if user.role == Role::Admin && admin_count(connection)? <= 1 {
        return Err(StoreError::Conflict(format!(
            "this is the last admin: make another user an admin before {doing}"
        )));
    }
    Ok(())
}

fn admin_count(connection: &Connection) -> Result<i64, StoreError> {
    Ok(connection.query_row(
        "SELECT count(*) FROM users WHERE role = 'admin'",
        [],
        |row| row.get(0),
    )?)
}

/// Runs `sql`, an `UPDATE` of the user whose id is `?1`, failing with `NotFound` when no user
/// has that id.
fn update_user(connection: &Connection, sql: &str, params: impl Params) -> Result<(), StoreError> {
    if connection.execute(sql, params)? == 0 {
        return Err(StoreError::NotFound("the user".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_user(username: &str, role: Role) -> NewUser {
        NewUser {
            username: username.into(),
            password_hash: "hash".into(),
            role,
        }
    }

    #[tokio::test]
    async fn names_are_unique_ignoring_case() {
        let store = Store::in_memory().unwrap();
        store
            .create_user(new_user("Alice", Role::Admin))
            .await
            .unwrap();
        let error = store
            .create_user(new_user("alice", Role::Viewer))
            .await
            .unwrap_err();
        assert!(matches!(error, StoreError::Conflict(_)), "{error}");
        assert_eq!(
            store.user_by_name("ALICE").await.unwrap().unwrap().username,
            "Alice"
        );
    }

    #[tokio::test]
    async fn the_first_admin_can_be_created_only_once() {
        let store = Store::in_memory().unwrap();
        assert!(
            store
                .create_first_admin(new_user("root", Role::Admin))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .create_first_admin(new_user("other", Role::Admin))
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(store.user_count().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn the_last_admin_cannot_be_removed_or_demoted() {
        let store = Store::in_memory().unwrap();
        let admin = store
            .create_user(new_user("root", Role::Admin))
            .await
            .unwrap();
        assert!(matches!(
            store.delete_user(admin.id).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store.set_role(admin.id, Role::Viewer).await,
            Err(StoreError::Conflict(_))
        ));
        let second = store
            .create_user(new_user("root2", Role::Admin))
            .await
            .unwrap();
        store.set_role(admin.id, Role::Operator).await.unwrap();
        assert!(matches!(
            store.delete_user(second.id).await,
            Err(StoreError::Conflict(_))
        ));
    }

    #[tokio::test]
    async fn totp_steps_and_recovery_codes_are_single_use() {
        let store = Store::in_memory().unwrap();
        let user = store
            .create_user(new_user("bob", Role::Operator))
            .await
            .unwrap();
        store
            .enable_totp(
                user.id,
                "SECRET".into(),
                100,
                vec!["h1".into(), "h2".into()],
            )
            .await
            .unwrap();
        assert!(!store.advance_totp_step(user.id, 100).await.unwrap());
        assert!(store.advance_totp_step(user.id, 101).await.unwrap());
        assert!(!store.advance_totp_step(user.id, 101).await.unwrap());
        assert!(store.use_recovery_code(user.id, "h1".into()).await.unwrap());
        assert!(!store.use_recovery_code(user.id, "h1".into()).await.unwrap());
        assert_eq!(store.recovery_codes_left(user.id).await.unwrap(), 1);
        store.disable_totp(user.id).await.unwrap();
        assert_eq!(
            store.user(user.id).await.unwrap().unwrap().totp_secret,
            None
        );
    }
}
