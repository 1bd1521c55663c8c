//! The light/dark switch in the sidebar.

use leptos::prelude::*;

use crate::app::theme::{self, Theme};
use crate::components::icons::{Icon, IconKind};

/// A switch between the light and dark themes; the choice is remembered in this browser.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let current = RwSignal::new(theme::current());
    let toggle = move |_| {
        let next = current.get_untracked().toggled();
        theme::apply(next);
        current.set(next);
    };
    view! {
        <button
            class="theme-toggle"
            role="switch"
            aria-checked=move || (current.get() == Theme::Dark).to_string()
            title="Dark theme"
            on:click=toggle
        >
            {move || match current.get() {
                Theme::Dark => view! { <Icon kind=IconKind::Moon/> },
                Theme::Light => view! { <Icon kind=IconKind::Sun/> },
            }}
            <span class="theme-toggle-label">"Dark theme"</span>
        </button>
    }
}
