//! Coloured badges for container state and health.

use berth_shared::engine::container::Health;
use leptos::prelude::*;

/// A container's state, coloured by what it means: running is good, exited is neutral,
/// dead is bad.
#[component]
pub fn StateBadge(
    /// The engine's state word: `running`, `exited`, `paused`, …
    state: String,
) -> impl IntoView {
    let tone = match state.as_str() {
        "running" => "ok",
        "paused" | "restarting" | "removing" => "warn",
        "dead" => "danger",
        _ => "neutral",
    };
    let label = state.clone();
    view! {
        <span class=format!("badge badge-{tone}") data-state=state>
            <span class="badge-dot" aria-hidden="true"></span>
            {label}
        </span>
    }
}

/// A container's health from its healthcheck; nothing at all when it has none.
#[component]
pub fn HealthBadge(
    /// The container's health, if it has a healthcheck.
    health: Option<Health>,
) -> impl IntoView {
    health.map(|health| {
        let tone = match health {
            Health::Healthy => "ok",
            Health::Starting => "info",
            Health::Unhealthy => "danger",
        };
        view! { <span class=format!("badge badge-outline badge-{tone}")>{health.as_str()}</span> }
    })
}
