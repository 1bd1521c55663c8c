//! Backups of a data directory as one file: a consistent online copy of the database made with
//! SQLite's backup API while Berth runs, with the data directory's key files (`registry.key`,
//! which seals registry passwords and environments' TLS and SSH keys, and Berth's CA, `ca.key`
//! and `ca.pem`) stored inside it in a table of their own. The file is an SQLite database, so it is checked as one before anything is
//! restored.
//!
//! Restoring refuses a data directory a `berth serve` holds ([`super::lock`]), and loses
//! nothing: a database and key files already there are moved aside with the time in their
//! names before the backup's take their place.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags, params};

use super::{DATABASE_FILE, MIGRATIONS, Store, StoreError, lock, now, user_version};

/// The table of the data directory's files inside a backup.
const FILES_TABLE: &str = "berth_backup_files";

/// The files of the data directory a backup carries besides the database.
pub const KEY_FILES: &[&str] = &[
    crate::registries::KEY_FILE,
    crate::pki::CA_KEY_FILE,
    crate::pki::CA_CERT_FILE,
];

/// What a backup or a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// The schema version of the database copied.
    pub schema: usize,
    /// The key files carried.
    pub files: Vec<String>,
    /// Where what was there before went (restore only).
    pub moved_aside: Vec<PathBuf>,
}

impl Store {
    /// Writes a backup of the store and of `data_dir`'s key files to `to`, which must not
    /// exist. The database is copied with the backup API, so changes made meanwhile (by this
    /// server or another process) are either in the copy whole or not at all.
    pub async fn backup_to(&self, data_dir: &Path, to: &Path) -> Result<BackupReport, StoreError> {
        if to.exists() {
            return Err(StoreError::Backup(format!(
                "{} already exists; give a new file",
                to.display()
            )));
        }
        let (data_dir, to) = (data_dir.to_owned(), to.to_owned());
        self.call(move |connection| {
            let mut copy = Connection::open(&to)?;
            Backup::new(connection, &mut copy)?.run_to_completion(256, Duration::ZERO, None)?;
            let schema = user_version(&copy)?;
            copy.execute_batch(&format!(
                "CREATE TABLE {FILES_TABLE} (name TEXT PRIMARY KEY, content BLOB NOT NULL) STRICT;"
            ))?;
            let mut files = Vec::new();
            for name in KEY_FILES {
                match fs::read(data_dir.join(name)) {
                    Ok(content) => {
                        copy.execute(
                            &format!("INSERT INTO {FILES_TABLE} (name, content) VALUES (?1, ?2)"),
                            params![name, content],
                        )?;
                        files.push((*name).to_owned());
                    }
                    // No registry password or key was ever sealed: there is no key yet.
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(source) => {
                        return Err(StoreError::DataDir {
                            path: data_dir.join(name),
                            source,
                        });
                    }
                }
            }
            restrict(&to)?;
            Ok(BackupReport {
                schema,
                files,
                moved_aside: Vec::new(),
            })
        })
        .await
    }
}

/// Makes `path` readable by its owner only: a backup holds password hashes and keys.
fn restrict(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(|source| {
            StoreError::DataDir {
                path: path.to_owned(),
                source,
            }
        })?;
    }
    Ok(())
}

/// Puts the backup `from` into `data_dir`, which no `berth serve` may be using.
pub fn restore(from: &Path, data_dir: &Path) -> Result<BackupReport, StoreError> {
    let _held = lock::ServeLock::acquire(data_dir)?;
    let backup = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|error| not_a_backup(from, &error.to_string()))?;
    let integrity: String = backup
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|error| not_a_backup(from, &error.to_string()))?;
    if integrity != "ok" {
        return Err(not_a_backup(from, &format!("it is damaged ({integrity})")));
    }
    let schema = user_version(&backup)?;
    if schema > MIGRATIONS.len() {
        return Err(StoreError::TooNew {
            found: schema,
            known: MIGRATIONS.len(),
        });
    }
    let files: Vec<(String, Vec<u8>)> = backup
        .prepare(&format!(
            "SELECT name, content FROM {FILES_TABLE} ORDER BY name"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect()
        })
        .map_err(|_| not_a_backup(from, "it has no table of Berth's key files"))?;
    if let Some((name, _)) = files
        .iter()
        .find(|(name, _)| !KEY_FILES.contains(&name.as_str()))
    {
        return Err(not_a_backup(
            from,
            &format!("it carries an unknown file {name}"),
        ));
    }

    super::prepare_data_dir(data_dir)?;
    let staged = data_dir.join(format!("{DATABASE_FILE}.restoring"));
    let _ = fs::remove_file(&staged);
    {
        let mut copy = Connection::open(&staged)?;
        Backup::new(&backup, &mut copy)?.run_to_completion(256, Duration::ZERO, None)?;
        copy.execute_batch(&format!("DROP TABLE {FILES_TABLE};"))?;
    }
    restrict(&staged)?;

    let stamp = now();
    let mut moved_aside = Vec::new();
    let mut set_aside = |name: &str| -> Result<(), StoreError> {
        let path = data_dir.join(name);
        if path.exists() {
            let aside = data_dir.join(format!("{name}.before-restore-{stamp}"));
            fs::rename(&path, &aside).map_err(|source| StoreError::DataDir {
                path: path.clone(),
                source,
            })?;
            moved_aside.push(aside);
        }
        Ok(())
    };
    // The database's write-ahead log goes with it, so the old database stays whole aside.
    for suffix in ["", "-wal", "-shm"] {
        set_aside(&format!("{DATABASE_FILE}{suffix}"))?;
    }
    for (name, _) in &files {
        set_aside(name)?;
    }
    for (name, content) in &files {
        let path = data_dir.join(name);
        fs::write(&path, content).map_err(|source| StoreError::DataDir {
            path: path.clone(),
            source,
        })?;
        restrict(&path)?;
    }
    let database = data_dir.join(DATABASE_FILE);
    fs::rename(&staged, &database).map_err(|source| StoreError::DataDir {
        path: database,
        source,
    })?;
    Ok(BackupReport {
        schema,
        files: files.into_iter().map(|(name, _)| name).collect(),
        moved_aside,
    })
}

fn not_a_backup(from: &Path, why: &str) -> StoreError {
    StoreError::Backup(format!("{} is not a Berth backup: {why}", from.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_backup_restores_the_store_and_its_key_with_the_old_one_kept_aside() {
        let source = tempfile::tempdir().unwrap();
        let store = Store::open(source.path()).unwrap();
        store
            .set_setting("marker", "from the backup")
            .await
            .unwrap();
        fs::write(source.path().join(crate::registries::KEY_FILE), [7u8; 32]).unwrap();
        let file = source.path().join("backup.berth");
        let made = store.backup_to(source.path(), &file).await.unwrap();
        assert_eq!(made.files, [crate::registries::KEY_FILE]);
        assert!(
            store.backup_to(source.path(), &file).await.is_err(),
            "never overwrites"
        );

        let target = tempfile::tempdir().unwrap();
        let old = Store::open(target.path()).unwrap();
        old.set_setting("marker", "before").await.unwrap();
        drop(old);
        let restored = restore(&file, target.path()).unwrap();
        assert_eq!(restored.schema, MIGRATIONS.len());
        assert!(restored.moved_aside.iter().any(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("berth.db.before-restore-")
        }));
        let back = Store::open(target.path()).unwrap();
        assert_eq!(
            back.setting("marker").await.unwrap().as_deref(),
            Some("from the backup")
        );
        assert_eq!(
            fs::read(target.path().join(crate::registries::KEY_FILE)).unwrap(),
            [7u8; 32]
        );
    }

    #[tokio::test]
    async fn a_backup_carries_the_certificate_authority() {
        let source = tempfile::tempdir().unwrap();
        let store = Store::open(source.path()).unwrap();
        let ca = crate::pki::Authority::load_or_create(source.path()).unwrap();
        let file = source.path().join("backup.berth");
        let made = store.backup_to(source.path(), &file).await.unwrap();
        assert_eq!(
            made.files,
            [crate::pki::CA_KEY_FILE, crate::pki::CA_CERT_FILE]
        );
        let target = tempfile::tempdir().unwrap();
        restore(&file, target.path()).unwrap();
        let back = crate::pki::Authority::load_or_create(target.path()).unwrap();
        assert_eq!(back.ca_pem(), ca.ca_pem());
        assert_eq!(
            fs::read(target.path().join(crate::pki::CA_KEY_FILE)).unwrap(),
            fs::read(source.path().join(crate::pki::CA_KEY_FILE)).unwrap()
        );
    }

    #[test]
    fn a_file_that_is_not_a_backup_is_refused_and_changes_nothing() {
        let target = tempfile::tempdir().unwrap();
        let bogus = target.path().join("notes.txt");
        fs::write(&bogus, "not a database at all, just some text").unwrap();
        let error = restore(&bogus, target.path()).unwrap_err().to_string();
        assert!(error.contains("is not a Berth backup"), "{error}");
        assert!(!target.path().join(DATABASE_FILE).exists());
    }
}
