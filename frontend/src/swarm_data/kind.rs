//! What secrets and configs share as the pages see them ([`SwarmData`]): their nouns, their
//! metadata, and their gateway calls (the one set in [`crate::api::engine::swarm_objects`]);
//! and [`InUse`], one of them with the services whose containers get it as a file, which every
//! list row, removal and rotation names.

use std::collections::BTreeMap;
use std::future::Future;

use berth_shared::engine::config::{Config, ConfigSpec};
use berth_shared::engine::secret::{
    Driver, ObjectCreateRequest, ObjectCreated, Secret, SecretSpec,
};
use berth_shared::engine::service::{ContainerSpec, FileReference, FileTarget, Service};
use berth_shared::engine::swarm::ObjectVersion;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::engine::swarm_objects::SwarmObject;
use crate::api::together::together;
use crate::components::icons::IconKind;

/// A secret or a config: its path and its undecodable rows' kind come with [`SwarmObject`].
pub trait SwarmData: SwarmObject + Clone + PartialEq + Send + Sync {
    /// "secret".
    const NOUN: &'static str;
    /// "Secrets".
    const TITLE: &'static str;
    /// The engine's event types its pages follow: its own, and `service` for its users.
    const EVENTS: &'static [&'static str];
    /// The list's icon.
    const ICON: IconKind;
    /// The list table's `data-testid`.
    const TABLE_TESTID: &'static str;
    /// Whether it can live in an external store's driver (secrets can).
    const HAS_DRIVER: bool;
    /// Whether the console rotates it to a new version (configs: their data can be read).
    const ROTATES: bool;

    /// Its id.
    fn id(&self) -> &str;
    /// Its name.
    fn name(&self) -> &str;
    /// Its labels.
    fn labels(&self) -> &BTreeMap<String, String>;
    /// What an update must name.
    fn version(&self) -> ObjectVersion;
    /// When it was made.
    fn created_at(&self) -> Option<&str>;
    /// When its labels last changed.
    fn updated_at(&self) -> Option<&str>;
    /// Its templating driver, if any.
    fn templating(&self) -> Option<&Driver>;
    /// Its external store's driver, if any.
    fn driver(&self) -> Option<&Driver> {
        None
    }
    /// The config this is, for what only configs have (their data, rotation).
    fn as_config(&self) -> Option<&Config> {
        None
    }
    /// A service's references to objects of this kind.
    fn references(spec: &ContainerSpec) -> &[FileReference];
    /// Its spec with `labels` in place of its own: what a relabelling sends.
    fn relabelled(self, labels: BTreeMap<String, String>) -> Self::Spec;

    /// Lists them.
    fn list(
        engine: Engine,
        signal: AbortSignal,
    ) -> impl Future<Output = Result<Vec<Self>, ApiError>> + 'static {
        async move { engine.swarm_objects(Some(&signal)).await }
    }
    /// Reads one, with the document as sent.
    fn inspect(
        engine: Engine,
        id: String,
        signal: AbortSignal,
    ) -> impl Future<Output = Result<(Self, serde_json::Value), ApiError>> + 'static {
        async move { engine.swarm_object(&id, Some(&signal)).await }
    }
    /// Creates one.
    fn create(
        engine: Engine,
        request: ObjectCreateRequest,
    ) -> impl Future<Output = Result<ObjectCreated, ApiError>> + 'static {
        async move { engine.create_swarm_object::<Self>(&request).await }
    }
    /// Gives it `labels` in place of its own (the engine changes nothing else of it).
    fn relabel(
        self,
        engine: Engine,
        labels: BTreeMap<String, String>,
    ) -> impl Future<Output = Result<(), ApiError>> + 'static {
        async move {
            let (id, version) = (self.id().to_owned(), self.version());
            let spec = self.relabelled(labels);
            engine
                .update_swarm_object::<Self>(&id, version, &spec)
                .await
        }
    }
    /// Removes it.
    fn delete(self, engine: Engine) -> impl Future<Output = Result<(), ApiError>> + 'static {
        async move { engine.remove_swarm_object::<Self>(self.id()).await }
    }
}

/// The accessors a secret and a config answer alike, from fields of the same names.
macro_rules! same_fields {
    () => {
        fn id(&self) -> &str {
            &self.id
        }
        fn name(&self) -> &str {
            &self.spec.name
        }
        fn labels(&self) -> &BTreeMap<String, String> {
            &self.spec.labels
        }
        fn version(&self) -> ObjectVersion {
            self.version
        }
        fn created_at(&self) -> Option<&str> {
            self.created_at.as_deref()
        }
        fn updated_at(&self) -> Option<&str> {
            self.updated_at.as_deref()
        }
        fn templating(&self) -> Option<&Driver> {
            self.spec.templating.as_ref()
        }
    };
}

impl SwarmData for Secret {
    const NOUN: &'static str = "secret";
    const TITLE: &'static str = "Secrets";
    const EVENTS: &'static [&'static str] = &["secret", "service"];
    const ICON: IconKind = IconKind::Lock;
    const TABLE_TESTID: &'static str = "secrets-table";
    const HAS_DRIVER: bool = true;
    const ROTATES: bool = false;

    same_fields!();
    fn driver(&self) -> Option<&Driver> {
        self.spec.driver.as_ref()
    }
    fn references(spec: &ContainerSpec) -> &[FileReference] {
        &spec.secrets
    }
    fn relabelled(self, labels: BTreeMap<String, String>) -> SecretSpec {
        SecretSpec {
            labels,
            ..self.spec
        }
    }
}

impl SwarmData for Config {
    const NOUN: &'static str = "config";
    const TITLE: &'static str = "Configs";
    const EVENTS: &'static [&'static str] = &["config", "service"];
    const ICON: IconKind = IconKind::Document;
    const TABLE_TESTID: &'static str = "configs-table";
    const HAS_DRIVER: bool = false;
    const ROTATES: bool = true;

    same_fields!();
    fn as_config(&self) -> Option<&Config> {
        Some(self)
    }
    fn references(spec: &ContainerSpec) -> &[FileReference] {
        &spec.configs
    }
    fn relabelled(self, labels: BTreeMap<String, String>) -> ConfigSpec {
        ConfigSpec {
            labels,
            ..self.spec
        }
    }
}

/// Each object of kind `T` with the services that use it; the two lists are asked for at once.
pub async fn load<T: SwarmData>(
    engine: Engine,
    signal: AbortSignal,
) -> Result<Vec<InUse<T>>, ApiError> {
    let services = {
        let (engine, signal) = (engine.clone(), signal.clone());
        async move { engine.service_specs(Some(&signal)).await }
    };
    let (objects, services) = together(T::list(engine, signal), services).await;
    Ok(with_users(objects?, &services?))
}

/// A service that gets an object as a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The service's id.
    pub service_id: String,
    /// Its name.
    pub service: String,
    /// The file it gets.
    pub file: Option<FileTarget>,
}

/// An object with the services that use it.
#[derive(Debug, Clone, PartialEq)]
pub struct InUse<T> {
    /// The secret or config.
    pub object: T,
    /// The services whose containers get it, by name.
    pub users: Vec<User>,
}

/// The services of `services` that use the object `id`, by name; a service that mounts it
/// twice is named for each file.
pub fn users_of<T: SwarmData>(id: &str, services: &[Service]) -> Vec<User> {
    let mut users: Vec<User> = services
        .iter()
        .flat_map(|service| {
            T::references(&service.spec.task_template.container_spec)
                .iter()
                .filter(move |reference| reference.id == id)
                .map(move |reference| User {
                    service_id: service.id.clone(),
                    service: service.spec.name.clone(),
                    file: reference.file.clone(),
                })
        })
        .collect();
    users.sort_by(|a, b| a.service.cmp(&b.service));
    users
}

/// Each object with its users, sorted by name.
pub fn with_users<T: SwarmData>(objects: Vec<T>, services: &[Service]) -> Vec<InUse<T>> {
    let mut all: Vec<InUse<T>> = objects
        .into_iter()
        .map(|object| InUse {
            users: users_of::<T>(object.id(), services),
            object,
        })
        .collect();
    all.sort_by(|a, b| a.object.name().cmp(b.object.name()));
    all
}

/// The distinct names of the services in `users`, in order.
pub fn service_names(users: &[User]) -> Vec<String> {
    let mut names: Vec<String> = users.iter().map(|user| user.service.clone()).collect();
    names.dedup();
    names
}

/// "web", "web and api", "web, api and db".
pub fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(id: &str, name: &str, secrets: &[(&str, &str)]) -> Service {
        let mut service = Service {
            id: id.into(),
            ..Service::default()
        };
        service.spec.name = name.into();
        service.spec.task_template.container_spec.secrets = secrets
            .iter()
            .map(|(secret, file)| FileReference {
                id: (*secret).into(),
                name: String::new(),
                file: Some(FileTarget {
                    name: (*file).into(),
                    ..FileTarget::default()
                }),
            })
            .collect();
        service
    }

    #[test]
    fn users_are_the_services_that_reference_the_id() {
        let services = [
            service("s2", "web", &[("x", "db_password")]),
            service("s1", "api", &[("x", "a"), ("x", "b"), ("y", "c")]),
            service("s3", "idle", &[]),
        ];
        let users = users_of::<Secret>("x", &services);
        let names: Vec<&str> = users.iter().map(|user| user.service.as_str()).collect();
        assert_eq!(names, ["api", "api", "web"]);
        assert_eq!(service_names(&users), ["api", "web"]);
        assert!(users_of::<Config>("x", &services).is_empty());
        assert!(users_of::<Secret>("z", &services).is_empty());
    }

    #[test]
    fn names_read_as_a_sentence() {
        let names = |all: &[&str]| all.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert_eq!(and_list(&names(&[])), "");
        assert_eq!(and_list(&names(&["web"])), "web");
        assert_eq!(and_list(&names(&["web", "api"])), "web and api");
        assert_eq!(and_list(&names(&["web", "api", "db"])), "web, api and db");
    }
}
