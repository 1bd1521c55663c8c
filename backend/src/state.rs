//! The state every handler shares.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use berth_shared::access::{Role, effective_role};

use crate::auth::{Auth, Principal};
use crate::engine::{Environment, Environments};
use crate::environments::probe::Probes;
use crate::error::ApiError;
use crate::redaction::Redactions;
use crate::registries::Vault;
use crate::store::Store;
use crate::streams::Streams;
use crate::volume_browser::VolumeBrowsers;

/// Shared, cheaply cloned application state.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    environments: Environments,
    auth: Auth,
    vault: Vault,
    volume_browsers: VolumeBrowsers,
    redactions: Redactions,
    data_dir: PathBuf,
    streams: Streams,
    probes: Arc<Probes>,
}

impl AppState {
    /// Builds the state from its parts; `data_dir` is where the store and the registry key
    /// live.
    pub fn new(
        environments: Environments,
        auth: Auth,
        vault: Vault,
        data_dir: &Path,
        streams: Streams,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                environments,
                auth,
                vault,
                volume_browsers: VolumeBrowsers::default(),
                redactions: Redactions::default(),
                data_dir: std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_owned()),
                streams,
                probes: Arc::default(),
            }),
        }
    }

    /// The open long-lived streams, for their per-user limit and for ending them when their
    /// access ends.
    pub fn streams(&self) -> &Streams {
        &self.inner.streams
    }

    /// What the background probes last learned about each engine, for the home page.
    pub fn probes(&self) -> &Arc<Probes> {
        &self.inner.probes
    }

    /// The engines Berth manages.
    pub fn environments(&self) -> &Environments {
        &self.inner.environments
    }

    /// The environment with this id, or the 404 that names it, whoever asks: for console
    /// administration and Berth's own work. A caller's request goes through
    /// [`AppState::environment_for`].
    pub fn environment(&self, id: &str) -> Result<Arc<Environment>, ApiError> {
        self.inner
            .environments
            .get(id)
            .ok_or_else(|| ApiError::UnknownEnvironment(id.to_owned()))
    }

    /// The environment with this id as `principal` may use it, with the principal as they act
    /// there: their role is their grant for it, or else their global role
    /// ([`effective_role`]). An environment they have no access to is the same 404 as one
    /// that does not exist. The one lookup of every per-environment route.
    pub async fn environment_for(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<(Arc<Environment>, Principal), ApiError> {
        let environment = self.environment(id)?;
        let grant = self
            .store()
            .grant(principal.user_id, environment.id())
            .await?;
        match effective_role(principal.role, grant) {
            Some(role) => Ok((
                environment,
                Principal {
                    role,
                    ..principal.clone()
                },
            )),
            None => Err(ApiError::UnknownEnvironment(id.to_owned())),
        }
    }

    /// Every environment `principal` may see, with their role in each, in the order of
    /// [`Environments::all`].
    pub async fn environments_for(
        &self,
        principal: &Principal,
    ) -> Result<Vec<(Arc<Environment>, Role)>, ApiError> {
        let grants = self.store().grants(principal.user_id).await?;
        Ok(self
            .inner
            .environments
            .all()
            .into_iter()
            .filter_map(|environment| {
                let grant = grants
                    .iter()
                    .find(|(id, _)| id == environment.id())
                    .map(|(_, grant)| *grant);
                effective_role(principal.role, grant).map(|role| (environment, role))
            })
            .collect())
    }

    /// Loads the stored environments again, after a change through the API.
    pub async fn reload_environments(&self) -> Result<(), ApiError> {
        Ok(crate::environments::reload(self).await?)
    }

    /// Authentication: sessions, tokens, sign-in.
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The key that seals saved registry credentials.
    pub fn vault(&self) -> &Vault {
        &self.inner.vault
    }

    /// The SQLite store.
    pub fn store(&self) -> &Store {
        self.inner.auth.store()
    }

    /// The data directory, absolute: no non-admin may mount it into a container.
    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// The helper containers of volume-browsing sessions.
    pub fn volume_browsers(&self) -> &VolumeBrowsers {
        &self.inner.volume_browsers
    }

    /// The bounded places for answers being redacted.
    pub fn redactions(&self) -> &Redactions {
        &self.inner.redactions
    }
}
