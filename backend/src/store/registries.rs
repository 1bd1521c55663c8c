//! Saved registries. Passwords arrive here already sealed by the registry vault: this module
//! stores and returns opaque ciphertext, never plaintext.

use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, now};

/// A saved registry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRecord {
    /// The row id.
    pub id: i64,
    /// The display name, unique.
    pub name: String,
    /// The server address.
    pub address: String,
    /// The user name, empty for anonymous access.
    pub username: String,
    /// The sealed password, if one is stored.
    pub sealed_password: Option<Vec<u8>>,
    /// When it was saved.
    pub created_at: i64,
    /// When it was last changed.
    pub updated_at: i64,
}

/// The fields a save writes; `sealed_password: None` on update keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryFields {
    /// The display name.
    pub name: String,
    /// The server address.
    pub address: String,
    /// The user name.
    pub username: String,
    /// The sealed password.
    pub sealed_password: Option<Vec<u8>>,
}

const COLUMNS: &str = "id, name, address, username, sealed_password, created_at, updated_at";

fn registry_from_row(row: &Row<'_>) -> rusqlite::Result<RegistryRecord> {
    Ok(RegistryRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        address: row.get(2)?,
        username: row.get(3)?,
        sealed_password: row.get(4)?,
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
    })
}

fn registry_by_id(connection: &rusqlite::Connection, id: i64) -> rusqlite::Result<RegistryRecord> {
    connection.query_row(
        &format!("SELECT {COLUMNS} FROM registries WHERE id = ?1"),
        [id],
        registry_from_row,
    )
}

fn taken(name: &str) -> String {
    format!("a registry named '{name}' already exists")
}

impl Store {
    /// Every saved registry, by name.
    pub async fn registries(&self) -> Result<Vec<RegistryRecord>, StoreError> {
        self.call(|connection| {
            let mut statement = connection.prepare(&format!(
                "SELECT {COLUMNS} FROM registries ORDER BY name COLLATE NOCASE"
            ))?;
            let rows = statement.query_map([], registry_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// One saved registry.
    pub async fn registry(&self, id: i64) -> Result<RegistryRecord, StoreError> {
        self.call(move |connection| {
            registry_by_id(connection, id)
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("registry {id}")))
        })
        .await
    }

    /// Saves a new registry; a taken name is [`StoreError::Conflict`].
    pub async fn create_registry(
        &self,
        fields: RegistryFields,
    ) -> Result<RegistryRecord, StoreError> {
        self.call(move |connection| {
            let at = now();
            connection
                .execute(
                    "INSERT INTO registries (name, address, username, sealed_password, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![fields.name, fields.address, fields.username, fields.sealed_password, at],
                )
                .map_err(|error| StoreError::conflict_as(error, || taken(&fields.name)))?;
            let id = connection.last_insert_rowid();
            Ok(registry_by_id(connection, id)?)
        })
        .await
    }

    /// Changes a saved registry. With `replace_password`, the stored password becomes
    /// `fields.sealed_password`, dropped when that is `None`; otherwise `None` keeps it.
    pub async fn update_registry(
        &self,
        id: i64,
        fields: RegistryFields,
        replace_password: bool,
    ) -> Result<RegistryRecord, StoreError> {
        self.call(move |connection| {
            let changed = connection
                .execute(
                    "UPDATE registries SET name = ?2, address = ?3, username = ?4,
                         sealed_password = CASE WHEN ?7 THEN ?5
                             ELSE COALESCE(?5, sealed_password) END,
                         updated_at = ?6
                     WHERE id = ?1",
                    params![
                        id,
                        fields.name,
                        fields.address,
                        fields.username,
                        fields.sealed_password,
                        now(),
                        replace_password
                    ],
                )
                .map_err(|error| StoreError::conflict_as(error, || taken(&fields.name)))?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("registry {id}")));
            }
            Ok(registry_by_id(connection, id)?)
        })
        .await
    }

    /// Forgets a saved registry.
    pub async fn delete_registry(&self, id: i64) -> Result<(), StoreError> {
        self.call(move |connection| {
            match connection.execute("DELETE FROM registries WHERE id = ?1", [id])? {
                0 => Err(StoreError::NotFound(format!("registry {id}"))),
                _ => Ok(()),
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(name: &str, password: Option<&[u8]>) -> RegistryFields {
        RegistryFields {
            name: name.into(),
            address: "127.0.0.1:5000".into(),
            username: "me".into(),
            sealed_password: password.map(<[u8]>::to_vec),
        }
    }

    #[tokio::test]
    async fn saves_updates_and_forgets_registries() {
        let store = Store::in_memory().unwrap();
        let saved = store
            .create_registry(fields("local", Some(b"sealed")))
            .await
            .unwrap();
        assert!(matches!(
            store.create_registry(fields("LOCAL", None)).await,
            Err(StoreError::Conflict(_))
        ));
        let kept = store
            .update_registry(saved.id, fields("renamed", None), false)
            .await
            .unwrap();
        assert_eq!(kept.name, "renamed");
        assert_eq!(kept.sealed_password.as_deref(), Some(&b"sealed"[..]));
        let replaced = store
            .update_registry(saved.id, fields("renamed", Some(b"other")), false)
            .await
            .unwrap();
        assert_eq!(replaced.sealed_password.as_deref(), Some(&b"other"[..]));
        let dropped = store
            .update_registry(saved.id, fields("renamed", None), true)
            .await
            .unwrap();
        assert_eq!(dropped.sealed_password, None);
        assert_eq!(store.registries().await.unwrap().len(), 1);
        store.delete_registry(saved.id).await.unwrap();
        assert!(matches!(
            store.registry(saved.id).await,
            Err(StoreError::NotFound(_))
        ));
    }
}
