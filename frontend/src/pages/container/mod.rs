//! The container detail page, `/env/:env/containers/:id[/:tab]`: a header with the container's
//! state and lifecycle actions, and one tab per view of it. Each tab is its own module; tabs
//! that stream (logs, stats) stop streaming when left.

mod changes;
mod inspect;
mod logs;
mod overview;
mod processes;
mod stats;
mod terminal_slot;

use berth_shared::access::Access;
use berth_shared::engine::inspect::ContainerInspect;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::engine::{ContainerAction, Engine};
use crate::components::badges::StateBadge;
use crate::components::confirm::ConfirmDialog;
use crate::components::file_browser::FileBrowser;
use crate::components::icons::{Icon, IconKind};
use crate::components::toast::use_toaster;
use crate::engine_status::use_engine_status;
use crate::pages::{action_failed, remote_view};
use crate::remote::Remote;
use crate::session::use_session;

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

    fn from_slug(slug: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|tab| tab.slug() == slug)
    }

    /// Terminal and attach run commands in the container: operators and admins only.
    fn needs_exec(self) -> bool {
        matches!(self, Tab::Terminal | Tab::Attach)
    }
}

/// `/env/:env/containers/:id` and `/env/:env/containers/:id/:tab`.
#[component]
pub fn ContainerPage() -> impl IntoView {
    let params = use_params_map();
    let status = use_engine_status();
    let session = use_session();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let tab = Memo::new(move |_| {
        params.with(|p| Tab::from_slug(&p.get("tab").unwrap_or_default()).unwrap_or(Tab::Overview))
    });
    let inspect = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        let id = id.get();
        async move { engine.inspect_container(&id, Some(&signal)).await }
    });
    let base = move || format!("/env/{}/containers/{}", status.environment.get(), id.get());
    let can_exec = move || session.can(Access::Exec);

    view! {
        <section class="page container-page" aria-labelledby="page-title">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href=move || format!("/env/{}/containers", status.environment.get())>"Containers"</A>
                <span aria-hidden="true">"/"</span>
            </nav>
            {remote_view(inspect, status, "the container", move |container: ContainerInspect| {
                let engine = status.engine();
                let tty = container.config.tty;
                let running = container.state.running;
                let name = container.display_name().to_owned();
                view! {
                    <Header container=container.clone() on_changed=Callback::new(move |()| inspect.reload())/>
                    <nav class="tabs" role="tablist" aria-label="Container views">
                        {Tab::ALL
                            .into_iter()
                            .map(|t| {
                                let href = move || {
                                    let slug = t.slug();
                                    if slug.is_empty() { base() } else { format!("{}/{slug}", base()) }
                                };
                                let visible = move || !t.needs_exec() || can_exec();
                                view! {
                                    <Show when=visible>
                                        <A
                                            href=href
                                            attr:class="tab"
                                            attr:role="tab"
                                            attr:data-tab=t.label()
                                            attr:aria-selected=move || (tab.get() == t).to_string()
                                        >
                                            {t.label()}
                                        </A>
                                    </Show>
                                }
                            })
                            .collect_view()}
                    </nav>
                    <div class="tab-panel" role="tabpanel">
                        {move || {
                            let id = id.get();
                            let engine = engine.clone();
                            match tab.get() {
                                Tab::Overview => view! { <overview::Overview container=container.clone()/> }.into_any(),
                                Tab::Inspect => view! { <inspect::InspectTab engine=engine id=id/> }.into_any(),
                                Tab::Logs => view! { <logs::LogsTab engine=engine id=id tty=tty name=name.clone()/> }.into_any(),
                                Tab::Stats => view! { <stats::StatsTab engine=engine id=id running=running/> }.into_any(),
                                Tab::Processes => view! { <processes::ProcessesTab engine=engine id=id running=running/> }.into_any(),
                                Tab::Changes => view! { <changes::ChangesTab engine=engine id=id/> }.into_any(),
                                Tab::Files => view! {
                                    <FileBrowser engine=engine container=id start="/".to_owned() label=name.clone()/>
                                }
                                .into_any(),
                                Tab::Terminal | Tab::Attach => {
                                    let _ = engine;
                                    view! {
                                        <terminal_slot::TerminalSlot
                                            environment=status.environment.get_untracked()
                                            id=id
                                            attach=tab.get() == Tab::Attach
                                        />
                                    }
                                    .into_any()
                                }
                            }
                        }}
                    </div>
                }
            })}
        </section>
    }
}

/// The container's name, state and lifecycle buttons.
#[component]
fn Header(container: ContainerInspect, on_changed: Callback<()>) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let navigate = use_navigate();
    let can_operate = use_session().can(Access::Operate);
    let busy = RwSignal::new(false);
    let confirm_remove = RwSignal::new(false);
    let name = container.display_name().to_owned();
    let id = container.id.clone();
    let health = container.state.health.as_ref().map(|h| h.status.clone());
    let act = {
        let (name, id) = (name.clone(), id.clone());
        move |action: ContainerAction| {
            let engine: Engine = status.engine();
            let (name, id) = (name.clone(), id.clone());
            busy.set(true);
            spawn_local(async move {
                let result = engine.container_action(&id, action).await;
                busy.set(false);
                match result {
                    Ok(()) => toaster.success(format!("{} {name}", action.label())),
                    Err(error) => {
                        toaster.error(action_failed(&action.label().to_lowercase(), &name, &error));
                    }
                }
                on_changed.try_run(());
            });
        }
    };
    let remove = {
        let (name, id) = (name.clone(), id);
        Callback::new(move |()| {
            confirm_remove.set(false);
            let engine = status.engine();
            let (name, id) = (name.clone(), id.clone());
            let navigate = navigate.clone();
            busy.set(true);
            spawn_local(async move {
                match engine.remove_container(&id, true, false).await {
                    Ok(()) => {
                        toaster.success(format!("Removed {name}"));
                        navigate(
                            &format!("/env/{}/containers", status.environment.get_untracked()),
                            Default::default(),
                        );
                    }
                    Err(error) => {
                        busy.set(false);
                        toaster.error(action_failed("remove", &name, &error));
                    }
                }
            });
        })
    };
    let actions: Vec<(ContainerAction, IconKind)> = if container.state.running {
        vec![
            (ContainerAction::Stop, IconKind::Stop),
            (ContainerAction::Restart, IconKind::Restart),
        ]
    } else {
        vec![(ContainerAction::Start, IconKind::Play)]
    };
    let title = format!("Remove container {name}?");
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
                                <button class="btn" disabled=move || busy.get() on:click=move |_| act(action)>
                                    <Icon kind=icon/>
                                    {action.label()}
                                </button>
                            }
                        })
                        .collect_view()}
                    <button class="btn btn-danger-ghost" disabled=move || busy.get() on:click=move |_| confirm_remove.set(true)>
                        <Icon kind=IconKind::Trash/>
                        "Remove"
                    </button>
                </div>
            })}
            <ConfirmDialog
                open=confirm_remove
                title=title
                confirm_label="Remove"
                on_confirm=remove
                on_cancel=Callback::new(move |()| confirm_remove.set(false))
            >
                <p>"It is stopped first if it runs. Its filesystem changes and logs are deleted for good. Named volumes are kept."</p>
            </ConfirmDialog>
        </div>
    }
}
