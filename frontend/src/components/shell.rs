//! The frame around every page: sidebar navigation, the engine in the header, and the content.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_params_map;

use crate::DEFAULT_ENVIRONMENT;
use crate::components::icons::{Icon, IconKind};
use crate::components::theme_toggle::ThemeToggle;
use crate::engine_status::{EngineStatus, use_engine_status};
use crate::remote::Loadable;

/// The pages of one environment, in navigation order.
const SECTIONS: [(&str, &str, IconKind); 5] = [
    ("containers", "Containers", IconKind::Container),
    ("images", "Images", IconKind::Image),
    ("networks", "Networks", IconKind::Network),
    ("volumes", "Volumes", IconKind::Volume),
    ("system", "System", IconKind::System),
];

/// The layout of the `/env/:env/…` routes.
#[component]
pub fn Shell() -> impl IntoView {
    let params = use_params_map();
    let environment = Memo::new(move |_| {
        params.with(|params| {
            params
                .get("env")
                .unwrap_or_else(|| DEFAULT_ENVIRONMENT.to_owned())
        })
    });
    provide_context(EngineStatus::new(environment));
    view! {
        <div class="app">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <aside class="sidebar">
                <div class="brand">
                    <Icon kind=IconKind::Logo/>
                    <span class="brand-name">"Berth"</span>
                </div>
                <nav class="nav" aria-label="Sections">
                    {SECTIONS
                        .into_iter()
                        .map(|(path, label, icon)| {
                            view! {
                                <A href=move || format!("/env/{}/{path}", environment.get())>
                                    <Icon kind=icon/>
                                    <span class="nav-label">{label}</span>
                                </A>
                            }
                        })
                        .collect_view()}
                </nav>
                <div class="sidebar-foot">
                    <ThemeToggle/>
                </div>
            </aside>
            <div class="main-column">
                <header class="topbar">
                    <EngineIndicator/>
                </header>
                <main id="main" class="content" tabindex="-1">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

/// The environment, its engine's host name and version, and the negotiated API version.
#[component]
fn EngineIndicator() -> impl IntoView {
    let status = use_engine_status();
    let host_name = move || status.info.value().map(|info| info.name);
    view! {
        <div class="engine" data-testid="engine-indicator">
            {move || match (status.health.get(), status.current()) {
                (Loadable::Loading, _) => view! {
                    <span class="engine-dot engine-dot-pending" aria-hidden="true"></span>
                    <span class="engine-text muted">"Connecting to the engine…"</span>
                }
                .into_any(),
                (_, Some(env)) if env.reachable => {
                    let version = env.engine.as_ref().map(|engine| engine.version.clone()).unwrap_or_default();
                    let api = env.api_version.map(|v| v.to_string()).unwrap_or_default();
                    view! {
                        <span class="engine-dot engine-dot-ok" aria-hidden="true"></span>
                        <span class="engine-env">{env.id}</span>
                        <span class="engine-name">{host_name}</span>
                        <span class="engine-meta">
                            <span title="Docker Engine version">{format!("Docker {version}")}</span>
                            <span class="engine-sep" aria-hidden="true">"·"</span>
                            <span title="The Engine API version Berth negotiated">{format!("API {api}")}</span>
                        </span>
                    }
                    .into_any()
                }
                (_, env) => {
                    let detail = env.and_then(|env| env.error).unwrap_or_default();
                    view! {
                        <span class="engine-dot engine-dot-down" aria-hidden="true"></span>
                        <span class="engine-text engine-down" title=detail>"Engine unreachable"</span>
                        <span class="engine-meta muted">"retrying…"</span>
                        <button class="btn btn-small" on:click=move |_| status.health.reload()>"Retry now"</button>
                    }
                    .into_any()
                }
            }}
        </div>
    }
}
