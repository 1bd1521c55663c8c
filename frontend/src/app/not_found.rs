//! The page for routes the app does not have.

use leptos::prelude::*;

use crate::components::icons::{Icon, IconKind};

/// Any unknown route.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main class="not-found">
            <div class="state-panel">
                <div class="state-icon"><Icon kind=IconKind::Logo/></div>
                <h1 class="state-title">"Page not found"</h1>
                <p class="state-text">"There is nothing at this address."</p>
                <a class="btn btn-primary" href="/env/local/containers">"Go to containers"</a>
            </div>
        </main>
    }
}
