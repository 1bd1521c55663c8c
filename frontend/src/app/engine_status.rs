//! The current environment and how its engine is doing, shared by the shell and every page.
//! The shell's follows the address; each page gets a copy that follows its own route
//! ([`EngineStatus::for_page`]).
//!
//! While the engine (or Berth itself) is unreachable, health is checked every few seconds; when
//! it comes back, [`EngineStatus::reconnects`] ticks, and pages that read it reload their data
//! on their own.

use std::future::Future;
use std::time::Duration;

use berth_shared::api::{EnvironmentHealth, Health};
use berth_shared::engine::system::SystemInfo;
use leptos::prelude::*;
use web_sys::AbortSignal;

use crate::api::engine::Engine;
use crate::api::{ApiError, console};
use crate::app::remote::{Loadable, Remote};

/// How often health is checked while the engine is unreachable.
const RETRY_EVERY: Duration = Duration::from_secs(4);

/// The shell's view of the current environment.
#[derive(Clone, Copy)]
pub struct EngineStatus {
    /// The environment id from the route.
    pub environment: Memo<String>,
    /// `/api/health`.
    pub health: Remote<Health>,
    /// The engine's `/info`, for its host name.
    pub info: Remote<SystemInfo>,
    /// Ticks each time the engine becomes reachable again.
    pub reconnects: RwSignal<u32>,
}

impl EngineStatus {
    /// Starts watching the environment `environment`.
    pub fn new(environment: Memo<String>) -> Self {
        let health = Remote::new(move |signal| {
            let environment = environment.get();
            async move { console::health(&environment, Some(&signal)).await }
        });
        let info = Remote::new(move |signal| {
            let engine = Engine::new(&environment.get());
            async move { engine.info(Some(&signal)).await }
        });
        let status = Self {
            environment,
            health,
            info,
            reconnects: RwSignal::new(0),
        };
        // Count reconnections: reachable after having been unreachable (the engine, or Berth
        // itself when the health check fails).
        let was_reachable = StoredValue::new(true);
        Effect::new(move |_| {
            let Some(reachable) = status.reachable() else {
                return;
            };
            if reachable && !was_reachable.get_value() {
                status.reconnects.update(|count| *count += 1);
                status.info.reload();
            }
            was_reachable.set_value(reachable);
        });
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if status.reachable() == Some(false) {
                    status.health.reload();
                }
            },
            RETRY_EVERY,
        ) {
            on_cleanup(move || handle.clear());
        }
        status
    }

    /// The same status as a page of the environment `environment` (its own route's) sees it.
    /// The router keeps a page on screen until the next one has loaded, while the address
    /// already names the next page's environment: a page that read the shell's environment
    /// would load its data again from that engine on its way out.
    pub fn for_page(self, environment: Memo<String>) -> Self {
        Self {
            environment,
            ..self
        }
    }

    /// The health of the current environment, once known (tracked).
    pub fn current(&self) -> Option<EnvironmentHealth> {
        let environment = self.environment.get();
        match self.health.get() {
            Loadable::Ready(health) => health
                .environments
                .into_iter()
                .find(|env| env.id == environment),
            _ => None,
        }
    }

    /// Whether the current environment's engine can be reached through Berth, once known
    /// (tracked). A failed health check counts as unreachable, so it is retried too.
    pub fn reachable(&self) -> Option<bool> {
        match self.health.get() {
            Loadable::Loading => None,
            Loadable::Failed(_) => Some(false),
            // Just after a switch, the last answer is about the previous environment.
            Loadable::Ready(_) => match self.current() {
                Some(env) => Some(env.reachable),
                None if self.health.refreshing() => None,
                None => Some(false),
            },
        }
    }

    /// Called by pages whose request failed because the engine is gone: checks health now, so
    /// the header and the automatic retry catch up at once.
    pub fn engine_lost(&self) {
        self.health.reload();
    }

    /// The engine client of the current environment (tracked).
    pub fn engine(&self) -> Engine {
        Engine::new(&self.environment.get())
    }

    /// Data read from the current environment's engine with `fetch`: read again when the
    /// environment changes, when its engine comes back, and when a signal `fetch` reads before
    /// its future starts changes.
    pub fn remote<T, F, Fut>(self, fetch: F) -> Remote<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Fn(Engine, AbortSignal) -> Fut + 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        Remote::new(move |signal| {
            self.reconnects.track();
            fetch(self.engine(), signal)
        })
    }

    /// The engine client of the current environment, for event handlers (untracked).
    pub fn engine_untracked(&self) -> Engine {
        Engine::new(&self.environment.get_untracked())
    }

    /// The negotiated API version of the current environment, once known (untracked).
    pub fn api_version_untracked(&self) -> Option<berth_shared::version::ApiVersion> {
        untrack(|| self.current().and_then(|env| env.api_version))
    }
}

/// The status provided by the shell.
pub fn use_engine_status() -> EngineStatus {
    expect_context::<EngineStatus>()
}
