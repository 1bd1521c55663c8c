//! Data loaded from the backend, with designed loading, ready and failed states.
//!
//! A [`Remote`] keeps showing its last value while it reloads, so refreshing never blanks a
//! page, and it aborts its request when superseded or when its component goes away.
//! [`remote_view`] draws one: placeholder rows, the error state, or the value.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{AbortController, AbortSignal};

use crate::api::ApiError;
use crate::app::engine_status::EngineStatus;
use crate::components::states::{ErrorState, LoadingRows};

/// The state of something loaded from the backend.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    /// The first load has not finished.
    Loading,
    /// The latest load succeeded.
    Ready(T),
    /// The latest load failed.
    Failed(ApiError),
}

type Fetch<T> = Rc<dyn Fn(AbortSignal) -> Pin<Box<dyn Future<Output = Result<T, ApiError>>>>>;

/// A value loaded from the backend that can be reloaded.
pub struct Remote<T: Send + Sync + 'static> {
    state: RwSignal<Loadable<T>>,
    refreshing: RwSignal<bool>,
    fetch: StoredValue<Fetch<T>, LocalStorage>,
    controller: StoredValue<Option<AbortController>, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for Remote<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Remote<T> {}

impl<T: Clone + Send + Sync + 'static> Remote<T> {
    /// Loads with `fetch` now, and again whenever a signal that `fetch` reads (before its first
    /// `.await`) changes.
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn(AbortSignal) -> Fut + 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let fetch: Fetch<T> = Rc::new(move |signal| Box::pin(fetch(signal)));
        let remote = Remote {
            state: RwSignal::new(Loadable::Loading),
            refreshing: RwSignal::new(false),
            fetch: StoredValue::new_local(fetch),
            controller: StoredValue::new_local(None),
        };
        // The effect tracks what `fetch` reads synchronously (such as the route's environment),
        // so the data follows it.
        Effect::new(move |_| remote.start());
        on_cleanup(move || remote.abort());
        remote
    }

    /// Loads again, keeping the current value on screen meanwhile.
    pub fn reload(&self) {
        untrack(|| self.start());
    }

    fn start(&self) {
        self.abort();
        let Ok(controller) = AbortController::new() else {
            return;
        };
        // A reload asked for by a request that ended after the component went away does nothing.
        let Some(future) = self
            .fetch
            .try_with_value(|fetch| fetch(controller.signal()))
        else {
            return;
        };
        let signal = controller.signal();
        self.controller.set_value(Some(controller));
        self.refreshing.set(true);
        let (state, refreshing) = (self.state, self.refreshing);
        spawn_local(async move {
            let result = future.await;
            // A superseded run never writes its result, whatever error its abort surfaced as: an
            // abort while the body is read fails the decoding, not the request.
            if signal.aborted() {
                return;
            }
            state.set(match result {
                Ok(value) => Loadable::Ready(value),
                Err(error) => Loadable::Failed(error),
            });
            refreshing.set(false);
        });
    }

    fn abort(&self) {
        if let Some(Some(controller)) = self.controller.try_update_value(Option::take) {
            controller.abort();
        }
    }

    /// Changes the loaded value in place (a row an event named, read again), without a
    /// reload; nothing when no value is loaded yet.
    pub fn patch(&self, change: impl FnOnce(&mut T)) {
        self.state.try_update(|state| {
            if let Loadable::Ready(value) = state {
                change(value);
            }
        });
    }

    /// The current state (tracked).
    pub fn get(&self) -> Loadable<T> {
        self.state.get()
    }

    /// Whether a load is under way (tracked).
    pub fn refreshing(&self) -> bool {
        self.refreshing.get()
    }

    /// The loaded value, if any (tracked).
    pub fn value(&self) -> Option<T> {
        self.state
            .try_with(|state| match state {
                Loadable::Ready(value) => Some(value.clone()),
                _ => None,
            })
            .flatten()
    }
}

/// Renders a remote list: placeholder rows while it first loads, the error state (telling the
/// shell when the engine is gone) if it fails, else `ready` with the value.
pub fn remote_view<T, V>(
    remote: Remote<T>,
    status: EngineStatus,
    what: &'static str,
    ready: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || match remote.get() {
        Loadable::Loading => view! { <LoadingRows what=what/> }.into_any(),
        Loadable::Failed(error) => failed_view(error, remote, status),
        Loadable::Ready(value) => ready(value).into_any(),
    }
}

/// Where a remote load stands, without its value.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Loading,
    Failed(ApiError),
    Ready,
}

/// [`remote_view`] for a page that draws from signals of its own, patched as things change
/// (the containers list): `ready` runs once the first value is in, and a reload that brings a
/// new value leaves its view standing, with whatever the user had open in it (a row's menu).
pub fn remote_phase_view<T, V>(
    remote: Remote<T>,
    status: EngineStatus,
    what: &'static str,
    ready: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let phase = Memo::new(move |_| {
        remote.state.with(|state| match state {
            Loadable::Loading => Phase::Loading,
            Loadable::Failed(error) => Phase::Failed(error.clone()),
            Loadable::Ready(_) => Phase::Ready,
        })
    });
    move || match phase.get() {
        Phase::Loading => view! { <LoadingRows what=what/> }.into_any(),
        Phase::Failed(error) => failed_view(error, remote, status),
        // Made once per phase: what making it reads must not make it again.
        Phase::Ready => untrack(&ready).into_any(),
    }
}

/// The error state of a failed load, telling the shell when the engine is gone.
fn failed_view<T: Clone + Send + Sync + 'static>(
    error: ApiError,
    remote: Remote<T>,
    status: EngineStatus,
) -> AnyView {
    if error.is_unreachable() {
        status.engine_lost();
    }
    let retry = Callback::new(move |()| {
        remote.reload();
        status.health.reload();
    });
    view! { <ErrorState error=error on_retry=retry/> }.into_any()
}
