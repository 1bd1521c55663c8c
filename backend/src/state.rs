//! The state every handler shares.

use std::sync::Arc;

use crate::auth::Auth;
use crate::engine::Environments;
use crate::store::Store;

/// Shared, cheaply cloned application state.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    environments: Environments,
    auth: Auth,
}

impl AppState {
    /// Builds the state from its parts.
    pub fn new(environments: Environments, auth: Auth) -> Self {
        Self {
            inner: Arc::new(Inner { environments, auth }),
        }
    }

    /// The engines Berth manages.
    pub fn environments(&self) -> &Environments {
        &self.inner.environments
    }

    /// Authentication: sessions, tokens, sign-in.
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The SQLite store.
    pub fn store(&self) -> &Store {
        self.inner.auth.store()
    }
}
