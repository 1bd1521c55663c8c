//! Environments: named engines (`local` by default), each with its negotiated API version.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use berth_shared::ApiVersion;
use berth_shared::api::{EngineSummary, EnvironmentHealth};
use berth_shared::engine::system::SystemVersion;

use super::client::{EngineClient, EngineError};
use super::endpoint::EngineEndpoint;

/// The id of the environment made from `DOCKER_HOST`.
pub const LOCAL: &str = "local";

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
    client: EngineClient,
    negotiated: RwLock<Option<Negotiated>>,
}

impl Environment {
    /// An environment whose engine has not been contacted yet.
    pub fn new(id: impl Into<String>, endpoint: EngineEndpoint) -> Self {
        Self {
            id: id.into(),
            client: EngineClient::new(endpoint),
            negotiated: RwLock::new(None),
        }
    }

    /// The id used in `/engine/{id}/…`.
    pub fn id(&self) -> &str {
        &self.id
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

    /// Asks the engine which API versions it speaks, through `/_ping` and `/version`, and settles
    /// on the lower of its newest and [`ApiVersion::MAX_SUPPORTED`].
    pub async fn negotiate(&self) -> Result<Negotiated, EngineError> {
        let ping = self.client.get("/_ping").await?;
        let ping_version = ping
            .headers()
            .get("api-version")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<ApiVersion>().ok());
        drop(ping);
        let version: SystemVersion = self.client.get_json("/version").await?;
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
        let result = match self.client.get("/_ping").await {
            Ok(ping) if ping.status().is_success() => self.facts().await,
            Ok(ping) => Err(EngineError::Status {
                status: ping.status(),
                message: "the engine's /_ping failed".into(),
            }),
            Err(error) => Err(error),
        };
        match result {
            Ok(negotiated) => EnvironmentHealth {
                id: self.id.clone(),
                endpoint,
                reachable: true,
                error: (!negotiated.engine.supported).then(|| unsupported(&negotiated).to_string()),
                api_version: Some(negotiated.api_version),
                engine: Some(negotiated.engine),
                failure: None,
            },
            Err(error) => {
                self.forget_negotiation();
                EnvironmentHealth {
                    id: self.id.clone(),
                    endpoint,
                    reachable: false,
                    api_version: None,
                    engine: None,
                    error: Some(error.to_string()),
                    failure: Some(error.failure()),
                }
            }
        }
    }
}

fn unsupported(negotiated: &Negotiated) -> EngineError {
    EngineError::Unsupported {
        api_version: negotiated.engine.api_version,
        release: negotiated.engine.version.clone(),
    }
}

/// All environments, by id.
#[derive(Debug, Default)]
pub struct Environments {
    by_id: BTreeMap<String, Arc<Environment>>,
}

impl Environments {
    /// Just the `local` environment, for the engine at `endpoint`.
    pub fn local(endpoint: EngineEndpoint) -> Self {
        let mut environments = Self::default();
        environments.insert(Environment::new(LOCAL, endpoint));
        environments
    }

    /// Adds or replaces an environment.
    pub fn insert(&mut self, environment: Environment) {
        self.by_id
            .insert(environment.id().to_owned(), Arc::new(environment));
    }

    /// The environment with this id.
    pub fn get(&self, id: &str) -> Option<Arc<Environment>> {
        self.by_id.get(id).cloned()
    }

    /// Every environment, ordered by id.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Environment>> {
        self.by_id.values()
    }
}
