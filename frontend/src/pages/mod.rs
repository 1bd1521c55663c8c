//! One module per route.

pub mod account;
pub mod audit;
pub mod container;
pub mod container_actions;
pub mod container_new;
pub mod containers;
pub mod events;
pub mod guardrails;
pub mod image_detail;
pub mod images;
pub mod login;
pub mod network_create;
pub mod network_detail;
pub mod networks;
pub mod not_found;
pub mod outcome;
pub mod registries;
pub mod stats;
pub mod system;
pub mod tokens;
pub mod users;
pub mod volume_create;
pub mod volume_detail;
pub mod volume_files;
pub mod volumes;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::states::{ErrorState, LoadingRows};
use crate::engine_status::EngineStatus;
use crate::remote::{Loadable, Remote};

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
        Loadable::Failed(error) => {
            if error.is_unreachable() {
                status.engine_lost();
            }
            let retry = Callback::new(move |()| {
                remote.reload();
                status.health.reload();
            });
            view! { <ErrorState error=error on_retry=retry/> }.into_any()
        }
        Loadable::Ready(value) => ready(value).into_any(),
    }
}

/// Seconds since the Unix epoch, from the browser's clock.
pub fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The message to show for a failed action on `what`.
pub fn action_failed(verb: &str, what: &str, error: &ApiError) -> String {
    format!("Could not {verb} {what}: {error}")
}

/// A Unix time in the browser's locale, for tooltips.
pub fn absolute_time(seconds: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// A search box for a page's toolbar.
#[component]
pub fn SearchBox(
    /// The search text.
    text: RwSignal<String>,
    /// What is searched, for the placeholder and label: "images".
    what: &'static str,
) -> impl IntoView {
    view! {
        <label class="search">
            <crate::components::icons::Icon kind=crate::components::icons::IconKind::Search/>
            <input
                type="search"
                placeholder=format!("Search {what}")
                aria-label=format!("Search {what}")
                prop:value=move || text.get()
                on:input=move |event| text.set(event_target_value(&event))
            />
        </label>
    }
}

/// A page's refresh button, spinning while its data reloads.
#[component]
pub fn RefreshButton<T: Clone + Send + Sync + 'static>(
    /// The data to reload.
    remote: Remote<T>,
) -> impl IntoView {
    view! {
        <button
            class="btn btn-icon"
            class:spinning=move || remote.refreshing()
            aria-label="Refresh"
            title="Refresh"
            on:click=move |_| remote.reload()
        >
            <crate::components::icons::Icon kind=crate::components::icons::IconKind::Restart/>
        </button>
    }
}

/// Whether `haystack` contains every whitespace-separated word of `search`, ignoring case.
pub fn matches_search(search: &str, haystack: &str) -> bool {
    let haystack = haystack.to_lowercase();
    search
        .split_whitespace()
        .all(|word| haystack.contains(&word.to_lowercase()))
}
