//! Stored environments: the engines Berth manages besides `local`. A TLS engine's client
//! certificate and key arrive here already sealed by the vault, as registry passwords do; the
//! CA certificate is public and kept as it is. So does an SSH engine's private key; its pinned
//! host key is a public fingerprint.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Store, StoreError, now};

/// How Berth reaches a stored engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredTransport {
    /// A unix socket on Berth's host.
    Unix {
        /// The socket's absolute path.
        path: String,
    },
    /// Plain TCP, saved only because an admin said `--insecure`.
    TcpInsecure {
        /// The host name or address.
        host: String,
        /// The port.
        port: u16,
    },
    /// TCP with TLS.
    TcpTls {
        /// The host name or address, which the engine's certificate must name.
        host: String,
        /// The port.
        port: u16,
        /// The CA certificates, PEM.
        ca_pem: String,
        /// The client certificate chain, PEM, sealed.
        sealed_cert: Option<Vec<u8>>,
        /// Its private key, PEM, sealed.
        sealed_key: Option<Vec<u8>>,
    },
    /// SSH to the host, then a channel to the engine's socket there.
    Ssh {
        /// The user to log in as.
        user: String,
        /// The host name or address.
        host: String,
        /// The SSH port.
        port: u16,
        /// The engine's socket on the host.
        socket: String,
        /// The private key, OpenSSH format, sealed.
        sealed_key: Vec<u8>,
        /// The pinned host key's fingerprint, `SHA256:…`.
        host_key: String,
    },
}

/// A stored environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentRecord {
    /// The slug in `/engine/{id}/…`; never changes.
    pub id: String,
    /// What the stored record holds besides its id and times.
    pub fields: EnvironmentFields,
    /// When it was saved.
    pub created_at: i64,
    /// When it was last changed.
    pub updated_at: i64,
}

/// What a save writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentFields {
    /// The display name, unique without regard to case.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// How to reach it.
    pub transport: StoredTransport,
}

const COLUMNS: &str = "id, name, description, tags, transport, path, host, port, ca_pem, \
                       sealed_cert, sealed_key, created_at, updated_at, ssh_user, host_key";

fn environment_from_row(row: &Row<'_>) -> rusqlite::Result<EnvironmentRecord> {
    let kind: String = row.get(4)?;
    let host = || {
        row.get::<_, Option<String>>(6)
            .map(Option::unwrap_or_default)
    };
    let port = || row.get::<_, Option<u16>>(7).map(Option::unwrap_or_default);
    let transport = match kind.as_str() {
        "unix" => StoredTransport::Unix {
            path: row.get::<_, Option<String>>(5)?.unwrap_or_default(),
        },
        "tcp" => StoredTransport::TcpInsecure {
            host: host()?,
            port: port()?,
        },
        "tls" => StoredTransport::TcpTls {
            host: host()?,
            port: port()?,
            ca_pem: row.get::<_, Option<String>>(8)?.unwrap_or_default(),
            sealed_cert: row.get(9)?,
            sealed_key: row.get(10)?,
        },
        "ssh" => StoredTransport::Ssh {
            user: row.get::<_, Option<String>>(13)?.unwrap_or_default(),
            host: host()?,
            port: port()?,
            socket: row.get::<_, Option<String>>(5)?.unwrap_or_default(),
            sealed_key: row.get::<_, Option<Vec<u8>>>(10)?.unwrap_or_default(),
            host_key: row.get::<_, Option<String>>(14)?.unwrap_or_default(),
        },
        other => {
            return Err(rusqlite::Error::FromSqlConversionFailure(
                4,
                rusqlite::types::Type::Text,
                format!("transport '{other}' is not one this Berth knows; upgrade Berth").into(),
            ));
        }
    };
    let tags: String = row.get(3)?;
    Ok(EnvironmentRecord {
        id: row.get(0)?,
        fields: EnvironmentFields {
            name: row.get(1)?,
            description: row.get(2)?,
            tags: serde_json::from_str(&tags).unwrap_or_default(),
            transport,
        },
        created_at: row.get(11)?,
        updated_at: row.get(12)?,
    })
}

/// The columns a transport fills: kind, path, host, port, CA, sealed cert, sealed key, SSH
/// user, host key.
type TransportColumns<'a> = (
    &'static str,
    Option<&'a str>,
    Option<&'a str>,
    Option<u16>,
    Option<&'a str>,
    Option<&'a [u8]>,
    Option<&'a [u8]>,
    Option<&'a str>,
    Option<&'a str>,
);

fn transport_columns(transport: &StoredTransport) -> TransportColumns<'_> {
    match transport {
        StoredTransport::Unix { path } => (
            "unix",
            Some(path.as_str()),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        StoredTransport::TcpInsecure { host, port } => (
            "tcp",
            None,
            Some(host.as_str()),
            Some(*port),
            None,
            None,
            None,
            None,
            None,
        ),
        StoredTransport::TcpTls {
            host,
            port,
            ca_pem,
            sealed_cert,
            sealed_key,
        } => (
            "tls",
            None,
            Some(host.as_str()),
            Some(*port),
            Some(ca_pem.as_str()),
            sealed_cert.as_deref(),
            sealed_key.as_deref(),
            None,
            None,
        ),
        StoredTransport::Ssh {
            user,
            host,
            port,
            socket,
            sealed_key,
            host_key,
        } => (
            "ssh",
            Some(socket.as_str()),
            Some(host.as_str()),
            Some(*port),
            None,
            None,
            Some(sealed_key.as_slice()),
            Some(user.as_str()),
            Some(host_key.as_str()),
        ),
    }
}

fn by_id(connection: &Connection, id: &str) -> rusqlite::Result<Option<EnvironmentRecord>> {
    connection
        .query_row(
            &format!("SELECT {COLUMNS} FROM environments WHERE id = ?1"),
            [id],
            environment_from_row,
        )
        .optional()
}

/// Refuses a name another environment has.
fn check_name_free(connection: &Connection, name: &str, id: &str) -> Result<(), StoreError> {
    let taken: Option<String> = connection
        .query_row(
            "SELECT id FROM environments WHERE name = ?1 COLLATE NOCASE AND id <> ?2",
            params![name, id],
            |row| row.get(0),
        )
        .optional()?;
    match taken {
        Some(other) => Err(StoreError::Conflict(format!(
            "an environment named '{name}' already exists (id '{other}')"
        ))),
        None => Ok(()),
    }
}

/// Runs an insert or update whose parameters are, in order: the id, the name, description and
/// tags, the transport's columns up to the sealed key, the time now, and the SSH user and host
/// key.
fn write(
    connection: &Connection,
    sql: &str,
    id: &str,
    fields: &EnvironmentFields,
) -> rusqlite::Result<()> {
    let (kind, path, host, port, ca, cert, key, user, host_key) =
        transport_columns(&fields.transport);
    let tags = serde_json::to_string(&fields.tags).unwrap_or_else(|_| "[]".into());
    connection.execute(
        sql,
        params![
            id,
            fields.name,
            fields.description,
            tags,
            kind,
            path,
            host,
            port,
            ca,
            cert,
            key,
            now(),
            user,
            host_key
        ],
    )?;
    Ok(())
}

fn missing(id: &str) -> StoreError {
    StoreError::NotFound(format!("environment '{id}'"))
}

impl Store {
    /// Every stored environment, by id.
    pub async fn environments(&self) -> Result<Vec<EnvironmentRecord>, StoreError> {
        self.call(|connection| {
            let mut statement =
                connection.prepare(&format!("SELECT {COLUMNS} FROM environments ORDER BY id"))?;
            let rows = statement.query_map([], environment_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// The environment with this id, or else the one with this name (without regard to
    /// case), as the command line names them.
    pub async fn environment(&self, id_or_name: &str) -> Result<EnvironmentRecord, StoreError> {
        let wanted = id_or_name.to_owned();
        self.call(move |connection| {
            if let Some(record) = by_id(connection, &wanted)? {
                return Ok(record);
            }
            connection
                .query_row(
                    &format!("SELECT {COLUMNS} FROM environments WHERE name = ?1 COLLATE NOCASE"),
                    [&wanted],
                    environment_from_row,
                )
                .optional()?
                .ok_or_else(|| missing(&wanted))
        })
        .await
    }

    /// Saves a new environment; a taken id or name is [`StoreError::Conflict`].
    pub async fn create_environment(
        &self,
        id: &str,
        fields: EnvironmentFields,
    ) -> Result<EnvironmentRecord, StoreError> {
        self.save_environment(id, fields, true).await
    }

    /// Replaces an environment's fields; its id and creation time stay.
    pub async fn update_environment(
        &self,
        id: &str,
        fields: EnvironmentFields,
    ) -> Result<EnvironmentRecord, StoreError> {
        self.save_environment(id, fields, false).await
    }

    async fn save_environment(
        &self,
        id: &str,
        fields: EnvironmentFields,
        create: bool,
    ) -> Result<EnvironmentRecord, StoreError> {
        let id = id.to_owned();
        self.call(move |connection| {
            let transaction = connection.transaction()?;
            match (create, by_id(&transaction, &id)?.is_some()) {
                (true, true) => {
                    return Err(StoreError::Conflict(format!(
                        "an environment with id '{id}' already exists"
                    )));
                }
                (false, false) => return Err(missing(&id)),
                _ => {}
            }
            check_name_free(&transaction, &fields.name, &id)?;
            let sql = if create {
                "INSERT INTO environments (id, name, description, tags, transport, path, host,
                     port, ca_pem, sealed_cert, sealed_key, created_at, updated_at, ssh_user,
                     host_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14)"
            } else {
                "UPDATE environments SET name = ?2, description = ?3, tags = ?4, transport = ?5,
                     path = ?6, host = ?7, port = ?8, ca_pem = ?9, sealed_cert = ?10,
                     sealed_key = ?11, updated_at = ?12, ssh_user = ?13, host_key = ?14
                 WHERE id = ?1"
            };
            write(&transaction, sql, &id, &fields)?;
            let record = by_id(&transaction, &id)?.ok_or_else(|| missing(&id))?;
            transaction.commit()?;
            Ok(record)
        })
        .await
    }

    /// Forgets an environment.
    pub async fn delete_environment(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.call(move |connection| {
            match connection.execute("DELETE FROM environments WHERE id = ?1", [&id])? {
                0 => Err(missing(&id)),
                _ => Ok(()),
            }
        })
        .await
    }

    /// SQLite's `PRAGMA data_version`: it changes whenever another connection (another
    /// process, such as `berth environment add`) commits, so a server polls it to learn of
    /// changes it did not make itself.
    pub async fn data_version(&self) -> Result<i64, StoreError> {
        self.call(|connection| {
            Ok(connection.pragma_query_value(None, "data_version", |row| row.get(0))?)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(name: &str, transport: StoredTransport) -> EnvironmentFields {
        EnvironmentFields {
            name: name.into(),
            description: "the NAS".into(),
            tags: vec!["home".into(), "nas".into()],
            transport,
        }
    }

    fn tls() -> StoredTransport {
        StoredTransport::TcpTls {
            host: "10.0.0.5".into(),
            port: 2376,
            ca_pem: "CA".into(),
            sealed_cert: Some(b"sealed cert".to_vec()),
            sealed_key: Some(b"sealed key".to_vec()),
        }
    }

    #[tokio::test]
    async fn saves_finds_updates_and_forgets_environments() {
        let store = Store::in_memory().unwrap();
        let unix = StoredTransport::Unix {
            path: "/run/nas.sock".into(),
        };
        let saved = store
            .create_environment("nas", fields("NAS", unix.clone()))
            .await
            .unwrap();
        assert_eq!(saved.fields.tags, ["home", "nas"]);
        assert_eq!(saved.fields.transport, unix);
        assert_eq!(store.environment("nas").await.unwrap(), saved);
        assert_eq!(store.environment("nas").await.unwrap().id, "nas");
        assert_eq!(store.environment("NAS").await.unwrap().id, "nas");

        let updated = store
            .update_environment("nas", fields("Home NAS", tls()))
            .await
            .unwrap();
        assert_eq!(updated.fields.transport, tls());
        assert_eq!(updated.created_at, saved.created_at);
        let insecure = StoredTransport::TcpInsecure {
            host: "[::1]".into(),
            port: 2375,
        };
        store
            .create_environment("lab", fields("Lab", insecure.clone()))
            .await
            .unwrap();
        let ssh = StoredTransport::Ssh {
            user: "docker".into(),
            host: "10.0.0.7".into(),
            port: 2222,
            socket: "/run/docker.sock".into(),
            sealed_key: b"sealed private key".to_vec(),
            host_key: "SHA256:pinned".into(),
        };
        let remote = store
            .create_environment("remote", fields("Remote", ssh.clone()))
            .await
            .unwrap();
        assert_eq!(remote.fields.transport, ssh);
        store.delete_environment("remote").await.unwrap();
        let all = store.environments().await.unwrap();
        let ids: Vec<_> = all.iter().map(|record| record.id.as_str()).collect();
        assert_eq!(ids, ["lab", "nas"]);
        assert_eq!(all[0].fields.transport, insecure);

        store.delete_environment("nas").await.unwrap();
        assert!(matches!(
            store.environment("nas").await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.delete_environment("nas").await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.update_environment("nas", fields("NAS", tls())).await,
            Err(StoreError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn ids_and_names_are_unique() {
        let store = Store::in_memory().unwrap();
        store
            .create_environment("nas", fields("NAS", tls()))
            .await
            .unwrap();
        store
            .create_environment("lab", fields("Lab", tls()))
            .await
            .unwrap();
        let taken_id = store
            .create_environment("nas", fields("Other", tls()))
            .await;
        assert!(
            matches!(&taken_id, Err(StoreError::Conflict(message)) if message.contains("id 'nas'")),
            "{taken_id:?}"
        );
        let taken_name = store.create_environment("nas2", fields("nas", tls())).await;
        assert!(
            matches!(&taken_name, Err(StoreError::Conflict(message)) if message.contains("named 'nas'")),
            "{taken_name:?}"
        );
        assert!(matches!(
            store.update_environment("lab", fields("NAS", tls())).await,
            Err(StoreError::Conflict(_))
        ));
        // Keeping one's own name is no conflict.
        store
            .update_environment("lab", fields("Lab", tls()))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn another_connection_s_commit_changes_the_data_version() {
        let dir = tempfile::tempdir().unwrap();
        let server = Store::open(dir.path()).unwrap();
        let before = server.data_version().await.unwrap();
        assert_eq!(server.data_version().await.unwrap(), before);
        let command_line = Store::open(dir.path()).unwrap();
        command_line
            .create_environment("nas", fields("NAS", tls()))
            .await
            .unwrap();
        assert_ne!(server.data_version().await.unwrap(), before);
        assert_eq!(server.environments().await.unwrap().len(), 1);
    }
}
