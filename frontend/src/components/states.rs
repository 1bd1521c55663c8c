//! Designed loading, empty and error states, so no page is ever blank.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::icons::{Icon, IconKind};

/// Placeholder rows shown while a list loads for the first time.
#[component]
pub fn LoadingRows(
    /// What is loading, for screen readers: "containers".
    what: &'static str,
    /// How many placeholder rows to draw.
    #[prop(default = 5)]
    rows: usize,
) -> impl IntoView {
    view! {
        <div class="skeleton" aria-busy="true" role="status">
            <span class="sr-only">{format!("Loading {what}…")}</span>
            {(0..rows)
                .map(|row| {
                    view! {
                        <div class="skeleton-row" aria-hidden="true">
                            <span class="skeleton-bar skeleton-wide"></span>
                            <span class=if row % 2 == 0 { "skeleton-bar" } else { "skeleton-bar skeleton-short" }></span>
                            <span class="skeleton-bar skeleton-short"></span>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Shown when a list has nothing in it.
#[component]
pub fn EmptyState(
    /// The icon above the title.
    icon: IconKind,
    /// A short title: "No containers yet".
    #[prop(into)]
    title: String,
    /// A hint for what to do next.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="state-panel" data-testid="empty-state">
            <div class="state-icon"><Icon kind=icon/></div>
            <h2 class="state-title">{title}</h2>
            <div class="state-text">{children()}</div>
        </div>
    }
}

/// Shown when loading failed, with a way to try again.
#[component]
pub fn ErrorState(
    /// What went wrong.
    error: ApiError,
    /// Runs when the user asks to try again.
    on_retry: Callback<()>,
) -> impl IntoView {
    let (title, hint) = if error.is_engine_unreachable() {
        (
            "Engine unreachable",
            "Berth cannot reach the Docker engine. It keeps trying in the background, and this \
             page reloads on its own when the engine is back.",
        )
    } else if matches!(error, ApiError::Network(_)) {
        (
            "Berth is unreachable",
            "The browser cannot reach Berth. Is it still running? Berth keeps trying, and this \
             page reloads on its own when it answers again.",
        )
    } else {
        (
            "Something went wrong",
            "The request failed with the message below.",
        )
    };
    view! {
        <div class="state-panel state-error" role="alert" data-testid="error-state">
            <div class="state-icon"><Icon kind=IconKind::Alert/></div>
            <h2 class="state-title">{title}</h2>
            <p class="state-text">{hint}</p>
            <pre class="state-detail">{error.to_string()}</pre>
            <button class="btn btn-primary" on:click=move |_| on_retry.run(())>
                <Icon kind=IconKind::Restart/>
                "Retry"
            </button>
        </div>
    }
}

/// Its children while a search leaves something to show; otherwise a note that nothing matches,
/// with a button that clears the search.
#[component]
pub fn SearchResults(
    /// What is listed, in the plural: "networks".
    what: &'static str,
    /// The search text.
    search: RwSignal<String>,
    /// Whether the search leaves nothing.
    #[prop(into)]
    empty: Signal<bool>,
    /// The list.
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <Show
            when=move || !empty.get()
            fallback=move || view! {
                <EmptyState icon=IconKind::Search title=format!("No {what} match")>
                    <p>"Nothing matches this search."</p>
                    <button class="btn" on:click=move |_| search.set(String::new())>{format!("Show all {what}")}</button>
                </EmptyState>
            }
        >
            {children()}
        </Show>
    }
}
