//! The frame around every signed-in page: sidebar navigation, the engine and the user in the
//! header, and the content. It also guards the pages: signed-out visitors are sent to sign in
//! (or to set-up on a fresh install).

use berth_shared::access::{Access, Role};
use berth_shared::api::auth::SessionState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::DEFAULT_ENVIRONMENT;
use crate::api::console;
use crate::app::engine_status::{EngineStatus, use_engine_status};
use crate::app::environments::{EnvironmentSwitcher, KnownEnvironments};
use crate::app::remote::Loadable;
use crate::app::session::use_session;
use crate::app::theme_toggle::ThemeToggle;
use crate::components::icons::{Icon, IconKind};

/// The swarm's pages of one environment, in navigation order: the first (the swarm itself) is
/// always shown, the others only where the engine is a manager.
pub(crate) const SWARM_SECTIONS: [(&str, &str, IconKind); 6] = [
    ("swarm", "Swarm", IconKind::Swarm),
    ("nodes", "Nodes", IconKind::Hosts),
    ("services", "Services", IconKind::Service),
    ("tasks", "Tasks", IconKind::Task),
    ("secrets", "Secrets", IconKind::Lock),
    ("configs", "Configs", IconKind::Document),
];

/// The pages of one environment, in navigation order (the command palette offers them too).
pub(crate) const SECTIONS: [(&str, &str, IconKind); 7] = [
    ("containers", "Containers", IconKind::Container),
    ("stats", "Stats", IconKind::Chart),
    ("images", "Images", IconKind::Image),
    ("networks", "Networks", IconKind::Network),
    ("volumes", "Volumes", IconKind::Volume),
    ("system", "System", IconKind::System),
    ("events", "Events", IconKind::Activity),
];

/// The pages of one environment for those who administer its engine (an admin there, by role
/// or grant), after [`SECTIONS`]; the command palette offers them too.
pub(crate) const ENGINE_ADMIN_SECTIONS: [(&str, &str, IconKind); 1] =
    [("plugins", "Plugins", IconKind::Plug)];

/// The administration pages, for admins: the path (`{env}` stands for the environment) and the
/// label; the command palette offers them too.
pub(crate) const ADMIN_SECTIONS: [(&str, &str, IconKind); 5] = [
    ("/admin/environments", "Environments", IconKind::Hosts),
    ("/admin/users", "Users", IconKind::Users),
    ("/admin/audit", "Audit log", IconKind::Audit),
    ("/admin/registries", "Registries", IconKind::Registry),
    ("/env/{env}/guardrails", "Guardrails", IconKind::Shield),
];

/// Whether the app may show its pages yet.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Gate {
    Loading,
    SignIn,
    SetUp,
    Open,
}

/// The environment a path is about: `/env/{id}/…`, else the default.
pub fn environment_of(path: &str) -> String {
    path.strip_prefix("/env/")
        .and_then(|rest| rest.split('/').next())
        .filter(|id| !id.is_empty())
        .unwrap_or(DEFAULT_ENVIRONMENT)
        .to_owned()
}

/// The layout of every signed-in route.
#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let gate = Memo::new(move |_| match session.state.get() {
        None => Gate::Loading,
        Some(SessionState::SignedOut {
            setup_required: true,
        }) => Gate::SetUp,
        Some(SessionState::SignedOut { .. }) => Gate::SignIn,
        Some(SessionState::SignedIn(_)) => Gate::Open,
    });
    move || match gate.get() {
        Gate::Loading => {
            view! { <div class="splash" role="status" aria-busy="true">"Loading Berth…"</div> }
                .into_any()
        }
        Gate::SetUp => view! { <Redirect path="/setup"/> }.into_any(),
        Gate::SignIn => {
            let next = location.pathname.get_untracked();
            let path = if next == "/" {
                "/login".to_owned()
            } else {
                format!("/login?next={}", crate::api::percent_encode(&next))
            };
            view! { <Redirect path=path/> }.into_any()
        }
        Gate::Open => view! { <Layout/> }.into_any(),
    }
}

#[component]
fn Layout() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let environment = Memo::new(move |_| environment_of(&location.pathname.get()));
    provide_context(EngineStatus::new(environment));
    provide_context(KnownEnvironments::new());
    let is_admin = move || session.role() == Some(Role::Admin);
    let manager = crate::swarm::gate::is_manager();
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
                    <Show when=move || session.can(Access::Admin)>
                        {ENGINE_ADMIN_SECTIONS
                            .into_iter()
                            .map(|(path, label, icon)| view! {
                                <A href=move || format!("/env/{}/{path}", environment.get())>
                                    <Icon kind=icon/>
                                    <span class="nav-label">{label}</span>
                                </A>
                            })
                            .collect_view()}
                    </Show>
                </nav>
                <nav class="nav nav-secondary" aria-label="Swarm">
                    <span class="nav-heading">"Swarm"</span>
                    {SWARM_SECTIONS
                        .into_iter()
                        .enumerate()
                        .map(|(at, (path, label, icon))| {
                            let shown = move || at == 0 || manager.get() == Some(true);
                            view! {
                                <Show when=shown>
                                    <A href=move || format!("/env/{}/{path}", environment.get())>
                                        <Icon kind=icon/>
                                        <span class="nav-label">{label}</span>
                                    </A>
                                </Show>
                            }
                        })
                        .collect_view()}
                </nav>
                <Show when=is_admin>
                    <nav class="nav nav-secondary" aria-label="Administration">
                        <span class="nav-heading">"Administration"</span>
                        {ADMIN_SECTIONS
                            .into_iter()
                            .map(|(path, label, icon)| view! {
                                <A href=move || path.replace("{env}", &environment.get())>
                                    <Icon kind=icon/>
                                    <span class="nav-label">{label}</span>
                                </A>
                            })
                            .collect_view()}
                    </nav>
                </Show>
                <div class="sidebar-foot">
                    <ThemeToggle/>
                </div>
            </aside>
            <div class="main-column">
                <header class="topbar">
                    <EngineIndicator/>
                    <UserMenu/>
                </header>
                <main id="main" class="content" tabindex="-1">
                    <Outlet/>
                </main>
                <crate::app::command_palette::CommandPalette/>
            </div>
        </div>
    }
}

/// The signed-in user, with the account page and sign-out.
#[component]
fn UserMenu() -> impl IntoView {
    let session = use_session();
    let sign_out = move |_| {
        spawn_local(async move {
            // Even if the server cannot be reached, the browser forgets the session.
            let _ = console::logout().await;
            session.signed_out(false);
        });
    };
    view! {
        <details class="user-menu">
            <summary data-testid="user-menu">
                <span class="user-name">{move || session.info().map(|i| i.username).unwrap_or_default()}</span>
                <span class="badge badge-neutral">{move || session.role().map(|r| r.as_str()).unwrap_or_default()}</span>
            </summary>
            <div class="menu" role="menu">
                <A href="/account" attr:role="menuitem">"Account"</A>
                <button class="menu-item" role="menuitem" on:click=sign_out>"Sign out"</button>
            </div>
        </details>
    }
}

/// The environment, its engine's host name and version, and the negotiated API version.
#[component]
fn EngineIndicator() -> impl IntoView {
    let status = use_engine_status();
    let host_name = move || status.info.value().map(|info| info.name);
    view! {
        <div class="engine" data-testid="engine-indicator">
            <EnvironmentSwitcher/>
            {move || match (status.health.get(), status.current()) {
                (Loadable::Loading, _) | (Loadable::Ready(_), None) if status.reachable().is_none() => view! {
                    <span class="engine-dot engine-dot-pending" aria-hidden="true"></span>
                    <span class="engine-text muted">"Connecting to the engine…"</span>
                }
                .into_any(),
                (_, Some(env)) if env.reachable => {
                    let version = env.engine.as_ref().map(|engine| engine.version.clone()).unwrap_or_default();
                    let api = env.api_version.map(|v| v.to_string()).unwrap_or_default();
                    // The whole line, for where the versions are cut away (a phone).
                    let summary = {
                        let (version, api) = (version.clone(), api.clone());
                        move || format!("{} · Docker {version} · API {api}", host_name().unwrap_or_default())
                    };
                    view! {
                        <span class="engine-dot engine-dot-ok" aria-hidden="true"></span>
                        <span class="engine-name" title=summary>{host_name}</span>
                        <span class="engine-meta">
                            <span title="Docker Engine version">{format!("Docker {version}")}</span>
                            <span class="engine-sep" aria-hidden="true">"·"</span>
                            <span title="The Engine API version Berth negotiated">{format!("API {api}")}</span>
                        </span>
                    }
                    .into_any()
                }
                (health, env) => {
                    let berth_down = matches!(health, Loadable::Failed(_));
                    let detail = match health {
                        Loadable::Failed(error) => error.to_string(),
                        _ => env.and_then(|env| env.error).unwrap_or_default(),
                    };
                    view! {
                        <span class="engine-dot engine-dot-down" aria-hidden="true"></span>
                        <span class="engine-text engine-down" title=detail>
                            {if berth_down { "Berth unreachable" } else { "Engine unreachable" }}
                        </span>
                        <span class="engine-meta muted">"retrying…"</span>
                        <button class="btn btn-small" on:click=move |_| status.health.reload()>"Retry now"</button>
                    }
                    .into_any()
                }
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::environment_of;

    #[test]
    fn the_environment_comes_from_the_path() {
        assert_eq!(environment_of("/env/nas/containers"), "nas");
        assert_eq!(environment_of("/account"), "local");
        assert_eq!(environment_of("/env/"), "local");
    }
}
