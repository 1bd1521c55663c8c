//! Berth's SQLite store: one database file in the data directory, in WAL mode, upgraded by
//! numbered migrations. Users, sessions, API tokens, the audit log, saved registries, stored
//! environments, grants and settings live here.
//!
//! Architecture invariant: only this module runs SQL. Callers get typed methods, and the
//! blocking SQLite calls run on tokio's blocking pool, never on a reactor thread.

mod audit;
pub mod backup;
mod environments;
mod grants;
pub mod lock;
mod registries;
mod sessions;
mod tokens;
mod users;

pub use environments::{EnvironmentFields, EnvironmentRecord, StoredTransport};
pub use registries::{RegistryFields, RegistryRecord};
pub use sessions::SessionRecord;
pub use tokens::{TokenRecord, TokenSummary};
pub use users::{NewUser, User};

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};

/// The database's file name inside the data directory.
pub const DATABASE_FILE: &str = "berth.db";

/// Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
/// Never edit a released migration: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: settings, a small key-value table for console-wide preferences.
    "CREATE TABLE settings (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL DEFAULT (unixepoch())
    ) STRICT;",
    // 2: users with optional TOTP, their recovery codes, browser sessions, API tokens, audit.
    "CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
        totp_secret TEXT,
        totp_pending TEXT,
        totp_last_step INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        password_changed_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE recovery_codes (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        used_at INTEGER,
        PRIMARY KEY (user_id, code_hash)
    ) STRICT;
    CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        remote_addr TEXT NOT NULL,
        user_agent TEXT NOT NULL
    ) STRICT;
    CREATE INDEX sessions_by_user ON sessions(user_id);
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        last_used_at INTEGER,
        revoked_at INTEGER,
        UNIQUE (user_id, name)
    ) STRICT;
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        actor TEXT,
        role TEXT,
        credential TEXT NOT NULL,
        source TEXT NOT NULL,
        remote_addr TEXT NOT NULL,
        environment TEXT,
        operation TEXT NOT NULL,
        method TEXT NOT NULL,
        target TEXT NOT NULL,
        status INTEGER,
        detail TEXT
    ) STRICT;
    CREATE INDEX audit_by_time ON audit(at_ms);
    CREATE INDEX audit_by_actor ON audit(actor, at_ms);",
    // 3: saved registries; passwords are sealed by the registry vault before they get here.
    "CREATE TABLE registries (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        address TEXT NOT NULL,
        username TEXT NOT NULL,
        sealed_password BLOB,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    ) STRICT;",
    // 4: environments besides `local`. `transport` is `unix` (path), `tcp` (host, port; saved
    // as insecure) or `tls` (host, port, the CA, and the client certificate and key sealed by
    // the vault); it has no CHECK, so that a later transport (SSH) needs no table rebuild.
    "CREATE TABLE environments (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        description TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        transport TEXT NOT NULL,
        path TEXT,
        host TEXT,
        port INTEGER,
        ca_pem TEXT,
        sealed_cert BLOB,
        sealed_key BLOB,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    ) STRICT;",
    // 5: SSH environments, `transport = 'ssh'`: the user and the pinned host key's fingerprint
    // here, the host and port as for TCP, the engine's socket on that host in `path`, and the
    // private key, sealed, in `sealed_key`.
    "ALTER TABLE environments ADD COLUMN ssh_user TEXT;
     ALTER TABLE environments ADD COLUMN host_key TEXT;",
    // 6: grants, a user's role in one environment (`none`: no access), overriding their global
    // role there. `local` is no row of `environments`, so the environment is no foreign key:
    // a trigger removes a stored environment's grants with it.
    "CREATE TABLE grants (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        environment TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer', 'none')),
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, environment)
    ) STRICT;
    CREATE TRIGGER grants_leave_with_their_environment AFTER DELETE ON environments
    BEGIN
        DELETE FROM grants WHERE environment = OLD.id;
    END;",
    // 7: client certificates as a kind of API token, known by their SHA-256 fingerprint,
    // which `token_hash` holds.
    "ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'token'
        CHECK (kind IN ('token', 'certificate'));",
];

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be prepared.
    #[error("data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// SQLite failed.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer Berth.
    #[error(
        "the database is at schema version {found}, newer than this Berth's {known}; upgrade Berth"
    )]
    TooNew {
        /// The version found.
        found: usize,
        /// The newest version this build knows.
        known: usize,
    },
    /// Another process (a `berth serve`) holds the data directory.
    #[error(
        "the data directory {} is in use by a running berth serve; stop it first",
        .0.display()
    )]
    InUse(PathBuf),
    /// A backup could not be made or read; the text says why.
    #[error("{0}")]
    Backup(String),
    /// A blocking task was cancelled or panicked.
    #[error("database task failed: {0}")]
    Task(String),
    /// A unique name is taken, or the change would break a rule (such as removing the last
    /// admin); the text says which.
    #[error("{0}")]
    Conflict(String),
    /// The named object does not exist.
    #[error("{0} does not exist")]
    NotFound(String),
    /// The disk holding the data directory is full. SQLite rolled the change back, so the
    /// store is as it was before.
    #[error(
        "the disk holding Berth's data directory is full, so nothing was written (the store is \
         unchanged): free some space or shorten the audit retention"
    )]
    DiskFull,
}

impl StoreError {
    /// Names a full disk as such: SQLite reports a write that fails for want of space as
    /// `SQLITE_FULL`.
    fn disk_full_named(error: StoreError) -> StoreError {
        match &error {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == rusqlite::ErrorCode::DiskFull =>
            {
                StoreError::DiskFull
            }
            _ => error,
        }
    }

    /// Maps a unique-constraint violation to [`StoreError::Conflict`] naming `what`.
    fn conflict_as(error: rusqlite::Error, what: impl FnOnce() -> String) -> StoreError {
        match error {
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                StoreError::Conflict(what())
            }
            other => StoreError::Sqlite(other),
        }
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// A handle to the store. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        prepare_data_dir(data_dir)?;
        let connection = Connection::open(data_dir.join(DATABASE_FILE))?;
        Self::configure(connection)
    }

    /// An in-memory store, for unit tests.
    pub fn in_memory() -> Result<Store, StoreError> {
        Self::configure(Connection::open_in_memory()?)
    }

    fn configure(mut connection: Connection) -> Result<Store, StoreError> {
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut connection)?;
        Ok(Store {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// Runs `work` with the connection on the blocking pool.
    async fn call<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let mut connection = connection
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            work(&mut connection).map_err(StoreError::disk_full_named)
        })
        .await
        .map_err(|error| StoreError::Task(error.to_string()))?
    }

    /// The value of a console setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let key = key.to_owned();
        self.call(move |connection| {
            Ok(connection
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
                    row.get(0)
                })
                .optional()?)
        })
        .await
    }

    /// Sets a console setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.call(move |connection| {
            connection.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = unixepoch()",
                params![key, value],
            )?;
            Ok(())
        })
        .await
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> Result<usize, StoreError> {
        self.call(|connection| Ok(user_version(connection)?)).await
    }
}

/// Creates the data directory, readable only by its owner: it will hold password hashes.
fn prepare_data_dir(data_dir: &Path) -> Result<(), StoreError> {
    let error = |source| StoreError::DataDir {
        path: data_dir.to_owned(),
        source,
    };
    fs::create_dir_all(data_dir).map_err(error)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(data_dir, fs::Permissions::from_mode(0o700)).map_err(error)?;
    }
    Ok(())
}

/// The number of migrations the database has run, from `PRAGMA user_version`.
fn user_version(connection: &Connection) -> Result<usize, rusqlite::Error> {
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    // A negative user_version is not one Berth wrote; treat it as "newer than known".
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

/// Applies every migration the database has not seen, each in its own transaction.
fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let current = user_version(connection)?;
    if current > MIGRATIONS.len() {
        return Err(StoreError::TooNew {
            found: current,
            known: MIGRATIONS.len(),
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(
            None,
            "user_version",
            i64::try_from(index + 1).unwrap_or(i64::MAX),
        )?;
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn migrates_and_keeps_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().await.unwrap(), MIGRATIONS.len());
        store.set_setting("theme", "dark").await.unwrap();
        store.set_setting("theme", "light").await.unwrap();
        drop(store);
        let reopened = Store::open(dir.path()).unwrap();
        assert_eq!(
            reopened.setting("theme").await.unwrap().as_deref(),
            Some("light")
        );
        assert_eq!(reopened.setting("missing").await.unwrap(), None);
    }

    #[test]
    fn refuses_a_database_from_a_newer_berth() {
        let dir = tempfile::tempdir().unwrap();
        let connection = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        connection.pragma_update(None, "user_version", 999).unwrap();
        drop(connection);
        assert!(matches!(
            Store::open(dir.path()),
            Err(StoreError::TooNew { found: 999, .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn the_data_directory_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        Store::open(&data).unwrap();
        let mode = fs::metadata(&data).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}
