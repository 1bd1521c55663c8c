//! A list page's toolbar pieces: the search box (and the matching it does), and the refresh
//! button.

use leptos::prelude::*;

use crate::app::remote::Remote;
use crate::components::icons::{Icon, IconKind};

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
            <Icon kind=IconKind::Search/>
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
            <Icon kind=IconKind::Restart/>
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
