//! The container detail page, `/env/:env/containers/:id[/:tab]`: a header with the container's
//! state and lifecycle actions, and one tab per view of it. Each tab is its own module. The code
//! of all but the overview and the terminal is split off (routes.rs) and fetched the first time
//! one of those tabs is shown: opening a container or a shell in it does not download the log
//! viewer, the charts or the file browser. Tabs that stream (logs, stats) stop streaming when
//! left.

mod changes;
mod inspect;
mod overview;
mod processes;
mod reveal;
mod stats;
mod terminal_slot;

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::inspect::ContainerInspect;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::engine::Engine;
use crate::api::engine::containers::ContainerAction;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::remote_view;
use crate::app::routes::{PageLoadError, lazy_view, load};
use crate::app::session::use_session;
use crate::app::use_route_param;
use crate::components::badges::StateBadge;
use crate::components::file_browser::FileBrowser;
use crate::components::icons::{Icon, IconKind};
use crate::components::tabs::{TabSpec, Tabs};
use crate::components::toast::use_toaster;
use crate::containers::lifecycle::{
    Busy, ContainerDialogs, Operation, Pending, action_items, run_operation,
};

pub use stats::History;

/// The tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Overview,
    Inspect,
    Logs,
    Stats,
    Processes,
    Changes,
    Files,
    Terminal,
    Attach,
}

impl Tab {
    const ALL: [Tab; 9] = [
        Tab::Overview,
        Tab::Inspect,
        Tab::Logs,
        Tab::Stats,
        Tab::Processes,
        Tab::Changes,
        Tab::Files,
        Tab::Terminal,
        Tab::Attach,
    ];

    fn slug(self) -> &'static str {
        match self {
            Tab::Overview => "",
            Tab::Inspect => "inspect",
            Tab::Logs => "logs",
            Tab::Stats => "stats",
            Tab::Processes => "processes",
            Tab::Changes => "changes",
            Tab::Files => "files",
            Tab::Terminal => "terminal",
            Tab::Attach => "attach",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Inspect => "Inspect",
            Tab::Logs => "Logs",
            Tab::Stats => "Stats",
            Tab::Processes => "Processes",
            Tab::Changes => "Changes",
            Tab::Files => "Files",
            Tab::Terminal => "Terminal",
            Tab::Attach => "Attach",
        }
    }

    fn spec(self) -> TabSpec {
        TabSpec {
            slug: self.slug(),
            label: self.label(),
        }
    }

    fn from_slug(slug: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|tab| tab.slug() == slug)
    }

    /// Terminal and attach run commands in the container: operators and admins only.
    fn needs_exec(self) -> bool {
        matches!(self, Tab::Terminal | Tab::Attach)
    }

    /// The tab's view, built by the module its code was split into (loaded first if need be).
    async fn view(self) -> AnyView {
        match self {
            Tab::Overview => load(overview_view).await,
            Tab::Inspect => load(inspect_view).await,
            Tab::Logs => load(logs_view).await,
            Tab::Stats => load(stats_view).await,
            Tab::Processes => load(processes_view).await,
            Tab::Changes => load(changes_view).await,
            Tab::Files => load(files_view).await,
            Tab::Terminal => load(terminal_view).await,
            Tab::Attach => load(attach_view).await,
        }
    }

    /// Starts fetching the tab's module while the page still waits for the container.
    fn preload(self) {
        // Overview and the terminal tabs are in the page's own module; the others share one,
        // which any of their preloads fetches.
        if !matches!(self, Tab::Overview | Tab::Terminal | Tab::Attach) {
            spawn_local(async {
                // A failure is only a missed head start: the view's own load retries.
                let _ = __wasm_split_preload_logs_view().await;
            });
        }
    }
}

/// What the tabs' views read (from the context): the container the page shows, as the page
/// last inspected it, and the id it is addressed by in the URL.
#[derive(Clone)]
struct Shown {
    engine: Engine,
    environment: String,
    id: String,
    container: ContainerInspect,
}

// The tabs' split functions. The tabs a visit most often lands on, Overview and the terminal
// ones, stay in the page's own module (`container_detail`, routes.rs), so opening a container
// or a shell in it costs one module; the other tabs share `container_views`. Finer modules
// would cost more than they save: the splitter puts the code any two of them share into a chunk
// of its own, and every chunk is one more request.

#[wasm_split(container_detail, wasm_split_path = leptos::wasm_split, fallible)]
fn overview_view() -> Result<AnyView, PageLoadError> {
    let shown = expect_context::<Shown>();
    Ok(view! { <overview::Overview container=shown.container/> }.into_any())
}

#[wasm_split(container_views, wasm_split_path = leptos::wasm_split, fallible)]
fn inspect_view() -> Result<AnyView, PageLoadError> {
    let Shown { engine, id, .. } = expect_context();
    Ok(view! { <inspect::InspectTab engine=engine id=id/> }.into_any())
}

#[wasm_split(container_views, wasm_split_path = leptos::wasm_split, fallible)]
fn processes_view() -> Result<AnyView, PageLoadError> {
    let Shown {
        engine,
        id,
        container,
        ..
    } = expect_context();
    Ok(
        view! { <processes::ProcessesTab engine=engine id=id running=container.state.running/> }
            .into_any(),
    )
}

#[wasm_split(container_views, wasm_split_path = leptos::wasm_split, fallible)]
fn changes_view() -> Result<AnyView, PageLoadError> {
    let Shown { engine, id, .. } = expect_context();
    Ok(view! { <changes::ChangesTab engine=engine id=id/> }.into_any())
}

#[wasm_split(container_views, wasm_split_path = leptos::wasm_split, fallible)]
fn logs_view() -> Result<AnyView, PageLoadError> {
    let Shown {
        engine,
        id,
        container,
        ..
    } = expect_context();
    let name = container.display_name().to_owned();
    Ok(
        view! { <crate::logs::viewer::LogsTab engine=engine source=crate::logs::source::LogSource::Container { id, tty: container.config.tty } name=name/> }
            .into_any(),
    )
}

#[wasm_split(container_views, wasm_split_path = leptos::wasm_split, fallible)]
fn stats_view() -> Result<AnyView, PageLoadError> {
    let Shown {
        engine,
        id,
        container,
        ..
    } = expect_context();
    Ok(view! { <stats::StatsTab engine=engine id=id running=container.state.running/> }.into_any())
}

#[wasm_split(container_views, wasm_split_path = leptos::wasm_split, fallible)]
fn files_view() -> Result<AnyView, PageLoadError> {
    let Shown {
        engine,
        id,
        container,
        ..
    } = expect_context();
    let label = container.display_name().to_owned();
    Ok(
        view! { <FileBrowser engine=engine container=id start="/".to_owned() label=label can_delete=container.state.running/> }
            .into_any(),
    )
}

#[wasm_split(container_detail, wasm_split_path = leptos::wasm_split, fallible)]
fn terminal_view() -> Result<AnyView, PageLoadError> {
    let Shown {
        environment, id, ..
    } = expect_context();
    Ok(
        view! { <terminal_slot::TerminalSlot environment=environment id=id attach=false/> }
            .into_any(),
    )
}

#[wasm_split(container_detail, wasm_split_path = leptos::wasm_split, fallible)]
fn attach_view() -> Result<AnyView, PageLoadError> {
    let Shown {
        environment, id, ..
    } = expect_context();
    Ok(
        view! { <terminal_slot::TerminalSlot environment=environment id=id attach=true/> }
            .into_any(),
    )
}

/// `/env/:env/containers/:id` and `/env/:env/containers/:id/:tab`.
#[component]
pub fn ContainerPage() -> impl IntoView {
    let params = use_params_map();
    let status = use_engine_status();
    let session = use_session();
    let id = use_route_param("id");
    let tab = Memo::new(move |_| {
        params.with(|p| Tab::from_slug(&p.get("tab").unwrap_or_default()).unwrap_or(Tab::Overview))
    });
    // The container's id once inspected: a page addressed by name reloads by id, so it keeps
    // showing the container after a rename.
    let resolved = StoredValue::new(None::<(String, String)>);
    let inspect = status.remote(move |engine, signal| {
        let param = id.get();
        let key = resolved
            .get_value()
            .filter(|(addressed, _)| *addressed == param)
            .map_or(param, |(_, real)| real);
        async move {
            engine
                .inspect_container::<ContainerInspect>(&key, Some(&signal))
                .await
        }
    });
    let tabs = Signal::derive(move || {
        let can_exec = session.can(Access::Exec);
        Tab::ALL
            .into_iter()
            .filter(|tab| can_exec || !tab.needs_exec())
            .map(Tab::spec)
            .collect::<Vec<_>>()
    });
    let selected = Signal::derive(move || tab.get().slug());
    let href = Callback::new(move |slug: &'static str| {
        let base = format!("/env/{}/containers/{}", status.environment.get(), id.get());
        if slug.is_empty() {
            base
        } else {
            format!("{base}/{slug}")
        }
    });
    tab.get_untracked().preload();

    view! {
        <section class="page container-page" aria-labelledby="page-title">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href=move || format!("/env/{}/containers", status.environment.get())>"Containers"</A>
                <span aria-hidden="true">"/"</span>
            </nav>
            {remote_view(inspect, status, "the container", move |container: ContainerInspect| {
                resolved.set_value(Some((id.get_untracked(), container.id.clone())));
                provide_context(Shown {
                    engine: status.engine(),
                    environment: status.environment.get_untracked(),
                    id: container.id.clone(),
                    container: container.clone(),
                });
                view! {
                    <Header container=container on_changed=Callback::new(move |()| inspect.reload())/>
                    <Tabs label="Container views" tabs=tabs selected=selected href=href>
                        {move || lazy_view("the tab", tab.get().view())}
                    </Tabs>
                }
            })}
        </section>
    }
}

/// The container's name, state and lifecycle buttons, and a "More actions" menu with the
/// list's row menu in it. The actions, the menu and the dialogs are the containers list's own
/// ([`lifecycle`](crate::containers::lifecycle)), so both offer, say and do the same; after a
/// removal the page goes back to the list.
#[component]
fn Header(container: ContainerInspect, on_changed: Callback<()>) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let navigate = use_navigate();
    let can_operate = use_session().can(Access::Operate);
    let busy = Busy::new(move |_| on_changed.run(())).on_removed(move |_| {
        navigate(
            &format!("/env/{}/containers", status.environment.get_untracked()),
            Default::default(),
        );
    });
    let pending = RwSignal::new(None::<Pending>);
    let name = container.display_name().to_owned();
    let target = as_summary(&container);
    let menu_target = target.clone();
    let menu_label = format!("More actions for {name}");
    let health = container.state.health.as_ref().map(|h| h.status.clone());
    let working = {
        let id = container.id.clone();
        Signal::derive(move || busy.has(&id))
    };
    let act = {
        let target = target.clone();
        move |action: ContainerAction| {
            run_operation(
                status.engine(),
                toaster,
                busy,
                vec![target.clone()],
                Operation::Simple(action),
            );
        }
    };
    let actions: Vec<(ContainerAction, IconKind)> = if container.state.running {
        vec![
            (ContainerAction::Stop, IconKind::Stop),
            (ContainerAction::Restart, IconKind::Restart),
        ]
    } else {
        vec![(ContainerAction::Start, IconKind::Play)]
    };
    view! {
        <div class="page-head">
            <div>
                <h1 id="page-title" class="detail-title">{name}</h1>
                <p class="page-sub detail-sub">
                    <StateBadge state=container.state.status.clone()/>
                    {health.map(|h| view! { <span class="badge badge-outline" data-testid="health">{h}</span> })}
                    <span class="mono">{crate::format::short_id(&container.id).to_owned()}</span>
                    <span class="cell-image">{container.config.image}</span>
                </p>
            </div>
            {can_operate.then(|| view! {
                <div class="toolbar" data-testid="lifecycle">
                    {actions
                        .into_iter()
                        .map(|(action, icon)| {
                            let act = act.clone();
                            view! {
                                <button class="btn" disabled=working on:click=move |_| act(action)>
                                    <Icon kind=icon/>
                                    {action.label()}
                                </button>
                            }
                        })
                        .collect_view()}
                    <button class="btn btn-danger-ghost" disabled=working on:click=move |_| pending.set(Some(Pending::Remove(vec![target.clone()])))>
                        <Icon kind=IconKind::Trash/>
                        "Remove"
                    </button>
                    <MoreActions container=menu_target label=menu_label busy=busy pending=pending/>
                </div>
            })}
            <ContainerDialogs pending=pending busy=busy/>
        </div>
    }
}

/// The page's "More actions" button and its menu, which closes on a choice, a click elsewhere
/// or Escape.
#[component]
fn MoreActions(
    container: ContainerSummary,
    label: String,
    busy: Busy,
    pending: RwSignal<Option<Pending>>,
) -> impl IntoView {
    let status = use_engine_status();
    let open = RwSignal::new(false);
    let close = Callback::new(move |()| open.set(false));
    let outside = window_event_listener(leptos::ev::click, move |event| {
        let inside = event
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest(".detail-menu-anchor").ok().flatten())
            .is_some();
        if !inside && open.get_untracked() {
            open.set(false);
        }
    });
    let escape = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || {
        outside.remove();
        escape.remove();
    });
    view! {
        <div class="containers-menu-anchor detail-menu-anchor">
            <button
                class="btn btn-icon"
                aria-label=label
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                title="More actions"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "⋯"
            </button>
            <Show when=move || open.get()>
                <div class="menu containers-menu" role="menu">
                    {action_items(container.clone(), status.environment.get_untracked(), busy, pending, close)}
                </div>
            </Show>
        </div>
    }
}

/// The list's view of the container, which the lifecycle actions take.
fn as_summary(container: &ContainerInspect) -> ContainerSummary {
    ContainerSummary {
        id: container.id.clone(),
        names: vec![container.name.clone()],
        image: container.config.image.clone(),
        state: container.state.status.clone(),
        ..ContainerSummary::default()
    }
}
