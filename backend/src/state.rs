//! The state every handler shares.

use std::sync::Arc;

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
    store: Store,
}

impl AppState {
    /// Builds the state from its parts.
    pub fn new(environments: Environments, store: Store) -> Self {
        Self {
            inner: Arc::new(Inner {
                environments,
                store,
            }),
        }
    }

    /// The engines Berth manages.
    pub fn environments(&self) -> &Environments {
        &self.inner.environments
    }

    /// The SQLite store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }
}
