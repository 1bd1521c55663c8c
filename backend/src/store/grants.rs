//! Grants: a user's role in one environment, overriding their global role there
//! ([`berth_shared::access::effective_role`] is the rule). A grant goes with its user (a
//! foreign key) and with its stored environment (a trigger), so neither leaves one behind.

use berth_shared::access::Grant;
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now};

impl Store {
    /// The user's grant for `environment`, if they have one.
    pub async fn grant(
        &self,
        user_id: i64,
        environment: &str,
    ) -> Result<Option<Grant>, StoreError> {
        let environment = environment.to_owned();
        self.call(move |connection| {
            let role: Option<String> = connection
                .query_row(
                    "SELECT role FROM grants WHERE user_id = ?1 AND environment = ?2",
                    params![user_id, environment],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(role.map(|role| parse(&role)))
        })
        .await
    }

    /// Every grant of a user, by environment id.
    pub async fn grants(&self, user_id: i64) -> Result<Vec<(String, Grant)>, StoreError> {
        self.call(move |connection| {
            let mut statement = connection.prepare(
                "SELECT environment, role FROM grants WHERE user_id = ?1 ORDER BY environment",
            )?;
            let rows = statement.query_map([user_id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            let mut grants = Vec::new();
            for row in rows {
                let (environment, role) = row?;
                grants.push((environment, parse(&role)));
            }
            Ok(grants)
        })
        .await
    }

    /// Sets the user's role in `environment`; the caller has checked that it exists.
    pub async fn set_grant(
        &self,
        user_id: i64,
        environment: &str,
        grant: Grant,
    ) -> Result<(), StoreError> {
        let environment = environment.to_owned();
        self.call(move |connection| {
            let changed = connection.execute(
                "INSERT INTO grants (user_id, environment, role, updated_at)
                 SELECT id, ?2, ?3, ?4 FROM users WHERE id = ?1
                 ON CONFLICT(user_id, environment)
                 DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at",
                params![user_id, environment, grant.as_str(), now()],
            )?;
            match changed {
                0 => Err(StoreError::NotFound(format!("user {user_id}"))),
                _ => Ok(()),
            }
        })
        .await
    }

    /// Removes the user's grant for `environment`, giving them their global role there again;
    /// whether there was one.
    pub async fn remove_grant(&self, user_id: i64, environment: &str) -> Result<bool, StoreError> {
        let environment = environment.to_owned();
        self.call(move |connection| {
            Ok(connection.execute(
                "DELETE FROM grants WHERE user_id = ?1 AND environment = ?2",
                params![user_id, environment],
            )? > 0)
        })
        .await
    }
}

/// A stored grant; the table's CHECK admits only the four names, and anything else would
/// read as no access rather than as more.
fn parse(role: &str) -> Grant {
    role.parse().unwrap_or(Grant::None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{EnvironmentFields, NewUser, StoredTransport};
    use berth_shared::access::Role;

    async fn user(store: &Store, name: &str) -> i64 {
        store
            .create_user(NewUser {
                username: name.into(),
                password_hash: "x".into(),
                role: Role::Viewer,
            })
            .await
            .unwrap()
            .id
    }

    #[tokio::test]
    async fn grants_are_set_replaced_and_removed() {
        let store = Store::in_memory().unwrap();
        let ada = user(&store, "ada").await;
        assert_eq!(store.grant(ada, "local").await.unwrap(), None);
        store
            .set_grant(ada, "local", Grant::Operator)
            .await
            .unwrap();
        store.set_grant(ada, "local", Grant::None).await.unwrap();
        store.set_grant(ada, "nas", Grant::Admin).await.unwrap();
        assert_eq!(store.grant(ada, "local").await.unwrap(), Some(Grant::None));
        assert_eq!(
            store.grants(ada).await.unwrap(),
            vec![
                ("local".to_owned(), Grant::None),
                ("nas".to_owned(), Grant::Admin)
            ]
        );
        assert!(store.remove_grant(ada, "local").await.unwrap());
        assert!(!store.remove_grant(ada, "local").await.unwrap());
        assert!(matches!(
            store.set_grant(999, "local", Grant::Viewer).await,
            Err(StoreError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn grants_go_with_their_user_and_their_environment() {
        let store = Store::in_memory().unwrap();
        let ada = user(&store, "ada").await;
        let bob = user(&store, "bob").await;
        store
            .create_environment(
                "nas",
                EnvironmentFields {
                    name: "nas".into(),
                    description: String::new(),
                    tags: Vec::new(),
                    transport: StoredTransport::Unix {
                        path: "/run/docker.sock".into(),
                    },
                },
            )
            .await
            .unwrap();
        store.set_grant(ada, "nas", Grant::Operator).await.unwrap();
        store.set_grant(ada, "local", Grant::None).await.unwrap();
        store.set_grant(bob, "nas", Grant::Viewer).await.unwrap();
        store.delete_environment("nas").await.unwrap();
        assert_eq!(
            store.grants(ada).await.unwrap(),
            vec![("local".to_owned(), Grant::None)]
        );
        assert_eq!(store.grants(bob).await.unwrap(), Vec::new());
        store.delete_user(ada).await.unwrap();
        assert_eq!(store.grants(ada).await.unwrap(), Vec::new());
    }
}
