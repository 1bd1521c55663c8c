//! Environments: named engines, each with its negotiated API version. `local` comes from
//! `--docker-host`; the others from the store, replaced as a whole whenever it changes
//! ([`Environments::replace_stored`]), an unchanged environment keeping its connections.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use berth_shared::ApiVersion;
use berth_shared::api::environments::TransportKind;
use berth_shared::api::{EngineSummary, EnvironmentHealth};
use berth_shared::engine::system::SystemVersion;
use hyper::Response;
use hyper::body::Incoming;

use super::client::{EngineClient, EngineError};
use super::endpoint::EngineEndpoint;

/// The id of the environment made from `DOCKER_HOST`.
pub const LOCAL: &str = berth_shared::api::environments::LOCAL;

/// What people call an environment, beside its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentInfo {
    /// The display name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// When it was saved and last changed (Unix seconds); `None` for `local`.
    pub saved: Option<(i64, i64)>,
}

/// What negotiation with an engine settled.
#[derive(Debug, Clone, PartialEq)]
pub struct Negotiated {
    /// The API version Berth uses for unversioned requests.
    pub api_version: ApiVersion,
    /// What the engine said about itself.
    pub engine: EngineSummary,
}

/// One engine Berth manages.
#[derive(Debug)]
pub struct Environment {
    id: String,
    info: EnvironmentInfo,
    client: EngineClient,
    negotiated: RwLock<Option<Negotiated>>,
}

impl Environment {
    /// An environment named after its id, whose engine has not been contacted yet.
    pub fn new(id: impl Into<String>, endpoint: EngineEndpoint) -> Self {
        let id = id.into();
        let info = EnvironmentInfo {
            name: id.clone(),
            description: String::new(),
            tags: Vec::new(),
            saved: None,
        };
        Self::with_info(id, info, endpoint)
    }

    /// An environment with its name, description and tags.
    pub fn with_info(
        id: impl Into<String>,
        info: EnvironmentInfo,
        endpoint: EngineEndpoint,
    ) -> Self {
        Self {
            id: id.into(),
            info,
            client: EngineClient::new(endpoint),
            negotiated: RwLock::new(None),
        }
    }

    /// The id used in `/engine/{id}/…`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its name, description and tags.
    pub fn info(&self) -> &EnvironmentInfo {
        &self.info
    }

    /// How Berth reaches the engine, and whether that is plain TCP.
    pub fn transport(&self) -> (TransportKind, bool) {
        match self.client.endpoint() {
            EngineEndpoint::Unix(_) => (TransportKind::Unix, false),
            EngineEndpoint::Tcp { .. } => (TransportKind::Tcp, true),
            EngineEndpoint::TcpTls { .. } => (TransportKind::Tls, false),
            EngineEndpoint::Ssh(_) => (TransportKind::Ssh, false),
        }
    }

    /// Whether `other` reaches the same engine the same way, under the same name.
    fn same_as(&self, other: &Environment) -> bool {
        self.id == other.id
            && self.info == other.info
            && self.client.endpoint() == other.client.endpoint()
    }

    /// The engine's client.
    pub fn client(&self) -> &EngineClient {
        &self.client
    }

    /// The negotiated API version and engine facts, negotiating first if that has not
    /// succeeded yet. An engine older than [`ApiVersion::MIN_SUPPORTED`] is refused with
    /// [`EngineError::Unsupported`], so nothing is sent to it that it may misread.
    pub async fn negotiated(&self) -> Result<Negotiated, EngineError> {
        let negotiated = self.facts().await?;
        if negotiated.api_version.is_supported() {
            Ok(negotiated)
        } else {
            Err(unsupported(&negotiated))
        }
    }

    /// The negotiated facts, whether or not Berth supports the engine.
    async fn facts(&self) -> Result<Negotiated, EngineError> {
        if let Some(negotiated) = self.cached() {
            return Ok(negotiated);
        }
        self.negotiate().await
    }

    /// Asks the engine which API versions it speaks, through `/_ping` and `/version` (asked at
    /// once), and settles on the lower of its newest and [`ApiVersion::MAX_SUPPORTED`].
    pub async fn negotiate(&self) -> Result<Negotiated, EngineError> {
        let (ping, version) = self.ping_and_version().await;
        self.settle(&ping?, version?)
    }

    /// `/_ping` and `/version`, asked at once.
    async fn ping_and_version(
        &self,
    ) -> (
        Result<Response<Incoming>, EngineError>,
        Result<SystemVersion, EngineError>,
    ) {
        tokio::join!(
            self.client.get("/_ping"),
            self.client.get_json::<SystemVersion>("/version")
        )
    }

    /// Settles on an API version from the engine's answers to `/_ping` and `/version`, and
    /// keeps it.
    fn settle(
        &self,
        ping: &Response<Incoming>,
        version: SystemVersion,
    ) -> Result<Negotiated, EngineError> {
        let ping_version = ping
            .headers()
            .get("api-version")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<ApiVersion>().ok());
        let engine_api = version
            .api_version
            .parse::<ApiVersion>()
            .ok()
            .or(ping_version)
            .ok_or_else(|| {
                EngineError::Protocol("the engine did not say its API version".into())
            })?;
        let api_version = ApiVersion::negotiate(engine_api);
        let negotiated = Negotiated {
            api_version,
            engine: EngineSummary {
                version: version.version,
                api_version: engine_api,
                min_api_version: version.min_api_version.and_then(|v| v.parse().ok()),
                os: version.os,
                arch: version.arch,
                supported: api_version.is_supported(),
            },
        };
        *self.negotiated.write().expect("negotiation lock") = Some(negotiated.clone());
        Ok(negotiated)
    }

    /// Drops the negotiated version, so the next request negotiates again. Called when the
    /// engine stops answering, since it may come back as a different release.
    pub fn forget_negotiation(&self) {
        *self.negotiated.write().expect("negotiation lock") = None;
    }

    fn cached(&self) -> Option<Negotiated> {
        self.negotiated.read().expect("negotiation lock").clone()
    }

    /// Pings the engine now and reports how it is doing.
    pub async fn health(&self) -> EnvironmentHealth {
        let endpoint = self.client.endpoint().to_string();
        let (transport, insecure) = self.transport();
        let name = self.info.name.clone();
        // A version already negotiated needs only the ping; otherwise the one ping also serves
        // the negotiation, asked beside `/version`: one round trip to the engine either way.
        let result = match self.cached() {
            Some(negotiated) => self
                .client
                .get("/_ping")
                .await
                .and_then(|ping| pinged(&ping))
                .map(|()| negotiated),
            None => {
                let (ping, version) = self.ping_and_version().await;
                ping.and_then(|ping| {
                    pinged(&ping)?;
                    self.settle(&ping, version?)
                })
            }
        };
        match result {
            Ok(negotiated) => EnvironmentHealth {
                id: self.id.clone(),
                name,
                transport,
                insecure,
                endpoint,
                reachable: true,
                error: (!negotiated.engine.supported).then(|| unsupported(&negotiated).to_string()),
                api_version: Some(negotiated.api_version),
                engine: Some(negotiated.engine),
                failure: None,
                role: None,
            },
            Err(error) => {
                self.forget_negotiation();
                EnvironmentHealth {
                    id: self.id.clone(),
                    name,
                    transport,
                    insecure,
                    endpoint,
                    reachable: false,
                    api_version: None,
                    engine: None,
                    error: Some(error.to_string()),
                    failure: Some(error.failure()),
                    role: None,
                }
            }
        }
    }
}

/// A `/_ping` answer that is not a success is the engine saying it is not well.
fn pinged(ping: &Response<Incoming>) -> Result<(), EngineError> {
    if ping.status().is_success() {
        Ok(())
    } else {
        Err(EngineError::Status {
            status: ping.status(),
            message: "the engine's /_ping failed".into(),
        })
    }
}

fn unsupported(negotiated: &Negotiated) -> EngineError {
    EngineError::Unsupported {
        api_version: negotiated.engine.api_version,
        release: negotiated.engine.version.clone(),
    }
}

/// What [`Environments::replace_stored`] changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Replaced {
    /// Whether an environment was added, changed or removed.
    pub changed: bool,
    /// The ids of the environments removed or moved (another address or TLS material): what
    /// was opened through them no longer leads where it did.
    pub dropped: Vec<String>,
}

/// All environments: `local`, and the stored ones by id.
#[derive(Debug)]
pub struct Environments {
    local: Arc<Environment>,
    stored: RwLock<BTreeMap<String, Arc<Environment>>>,
}

impl Environments {
    /// Just the `local` environment, for the engine at `endpoint`.
    pub fn local(endpoint: EngineEndpoint) -> Self {
        Self {
            local: Arc::new(Environment::new(LOCAL, endpoint)),
            stored: RwLock::new(BTreeMap::new()),
        }
    }

    /// Makes `stored` the environments besides `local`. One that did not change keeps its
    /// pooled connections and negotiated version; one that is not in `stored` is gone, for
    /// every request from now on.
    pub fn replace_stored(&self, stored: Vec<Environment>) -> Replaced {
        let mut current = self.stored.write().expect("environments lock");
        let mut next = BTreeMap::new();
        let mut replaced = Replaced::default();
        for environment in stored {
            if environment.id == LOCAL {
                continue;
            }
            let kept = current
                .get(&environment.id)
                .filter(|existing| existing.same_as(&environment))
                .cloned();
            replaced.changed |= kept.is_none();
            let environment = kept.unwrap_or_else(|| Arc::new(environment));
            next.insert(environment.id.clone(), environment);
        }
        for (id, old) in current.iter() {
            match next.get(id) {
                Some(new) if Arc::ptr_eq(old, new) => {}
                // Renamed or retagged: the same engine, reached the same way.
                Some(new) if new.client.endpoint() == old.client.endpoint() => {
                    replaced.changed = true;
                }
                _ => {
                    replaced.changed = true;
                    replaced.dropped.push(id.clone());
                }
            }
        }
        *current = next;
        replaced
    }

    /// The environment with this id.
    pub fn get(&self, id: &str) -> Option<Arc<Environment>> {
        if id == LOCAL {
            return Some(Arc::clone(&self.local));
        }
        self.stored
            .read()
            .expect("environments lock")
            .get(id)
            .cloned()
    }

    /// Every environment: `local` first, then the stored ones by id.
    pub fn all(&self) -> Vec<Arc<Environment>> {
        let stored = self.stored.read().expect("environments lock");
        std::iter::once(Arc::clone(&self.local))
            .chain(stored.values().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: &str, name: &str, socket: &str) -> Environment {
        let info = EnvironmentInfo {
            name: name.into(),
            description: String::new(),
            tags: vec!["t".into()],
            saved: Some((1, 1)),
        };
        Environment::with_info(id, info, EngineEndpoint::Unix(socket.into()))
    }

    #[test]
    fn stored_environments_are_replaced_keeping_the_unchanged_ones() {
        let environments = Environments::local(EngineEndpoint::Unix("/local.sock".into()));
        let added = environments.replace_stored(vec![
            stored("nas", "NAS", "/nas.sock"),
            stored("prod", "Prod", "/prod.sock"),
        ]);
        assert!(added.changed && added.dropped.is_empty(), "{added:?}");
        let nas = environments.get("nas").unwrap();
        let same = environments.replace_stored(vec![
            stored("nas", "NAS", "/nas.sock"),
            stored("prod", "Prod", "/prod.sock"),
        ]);
        assert_eq!(same, Replaced::default());
        assert!(Arc::ptr_eq(&nas, &environments.get("nas").unwrap()));
        let renamed = environments.replace_stored(vec![
            stored("nas", "Home NAS", "/nas.sock"),
            stored("prod", "Prod", "/prod.sock"),
        ]);
        assert!(renamed.changed && renamed.dropped.is_empty(), "{renamed:?}");
        assert_eq!(environments.get("nas").unwrap().info().name, "Home NAS");
        let moved = environments.replace_stored(vec![stored("nas", "NAS", "/moved.sock")]);
        assert!(moved.changed, "{moved:?}");
        assert_eq!(moved.dropped, ["nas", "prod"]);
        assert!(!Arc::ptr_eq(&nas, &environments.get("nas").unwrap()));
        assert!(environments.get("prod").is_none());
        let ids: Vec<_> = environments
            .all()
            .iter()
            .map(|environment| environment.id().to_owned())
            .collect();
        assert_eq!(ids, ["local", "nas"]);
    }

    #[test]
    fn the_store_cannot_replace_local() {
        let environments = Environments::local(EngineEndpoint::Unix("/local.sock".into()));
        environments.replace_stored(vec![stored("local", "Other", "/other.sock")]);
        let local = environments.get("local").unwrap();
        assert_eq!(
            local.client().endpoint(),
            &EngineEndpoint::Unix("/local.sock".into())
        );
        assert_eq!(environments.all().len(), 1);
    }
}
