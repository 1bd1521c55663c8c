//! The Containers page: every container of the environment, with lifecycle actions.

use std::collections::BTreeSet;

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::ContainerAction;
use crate::components::badges::{HealthBadge, StateBadge};
use crate::components::confirm::ConfirmDialog;
use crate::components::icons::{Icon, IconKind};
use crate::components::states::EmptyState;
use crate::components::toast::use_toaster;
use crate::containers_view::{StateFilter, running_count, visible_rows};
use crate::engine_status::use_engine_status;
use crate::format;
use crate::pages::{
    RefreshButton, SearchBox, absolute_time, action_failed, now_seconds, remote_view,
};
use crate::remote::Remote;
use crate::session::use_session;

/// `/env/:env/containers`.
#[component]
pub fn ContainersPage() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let containers = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        async move { engine.containers(Some(&signal)).await }
    });
    let filter = RwSignal::new(StateFilter::All);
    let search = RwSignal::new(String::new());
    // Ids of containers with an action under way: their buttons are disabled meanwhile.
    let busy = RwSignal::new(BTreeSet::<String>::new());
    let pending_removal = RwSignal::new(None::<ContainerSummary>);
    let remove_volumes = RwSignal::new(false);

    let act = move |container: ContainerSummary, action: ContainerAction| {
        let engine = status.engine();
        busy.update(|ids| {
            ids.insert(container.id.clone());
        });
        spawn_local(async move {
            let result = engine.container_action(&container.id, action).await;
            busy.update(|ids| {
                ids.remove(&container.id);
            });
            let name = container.display_name();
            match result {
                Ok(()) => toaster.success(format!("{} {name}", past_tense(action))),
                Err(error) => {
                    toaster.error(action_failed(&action.label().to_lowercase(), name, &error));
                }
            }
            containers.reload();
        });
    };

    let confirm_removal = Callback::new(move |()| {
        let Some(container) = pending_removal.get_untracked() else {
            return;
        };
        pending_removal.set(None);
        let engine = status.engine();
        let volumes = remove_volumes.get_untracked();
        busy.update(|ids| {
            ids.insert(container.id.clone());
        });
        spawn_local(async move {
            let result = engine.remove_container(&container.id, true, volumes).await;
            busy.update(|ids| {
                ids.remove(&container.id);
            });
            let name = container.display_name();
            match result {
                Ok(()) => toaster.success(format!("Removed {name}")),
                Err(error) => toaster.error(action_failed("remove", name, &error)),
            }
            containers.reload();
        });
    });

    let summary = move || {
        containers
            .value()
            .map(|all| format!("{} running · {} in all", running_count(&all), all.len()))
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Containers"</h1>
                    <p class="page-sub" data-testid="container-summary">{summary}</p>
                </div>
                <div class="toolbar">
                    <div class="segmented" role="group" aria-label="Show containers">
                        {StateFilter::ALL
                            .into_iter()
                            .map(|option| {
                                view! {
                                    <button
                                        class="segment"
                                        aria-pressed=move || (filter.get() == option).to_string()
                                        on:click=move |_| filter.set(option)
                                    >
                                        {option.label()}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                    <SearchBox text=search what="containers"/>
                    <RefreshButton remote=containers/>
                </div>
            </div>
            {remote_view(containers, status, "containers", move |all: Vec<ContainerSummary>| {
                if all.is_empty() {
                    return view! {
                        <EmptyState icon=IconKind::Container title="No containers yet">
                            <p>
                                "Containers started with the docker CLI, compose or Berth show up here. "
                                "Try " <code>"docker run -d --name web busybox httpd -f"</code> "."
                            </p>
                        </EmptyState>
                    }
                    .into_any();
                }
                let rows = Memo::new(move |_| visible_rows(&all, filter.get(), &search.get()));
                view! {
                    <Show
                        when=move || !rows.with(Vec::is_empty)
                        fallback=move || view! {
                            <EmptyState icon=IconKind::Search title="No containers match">
                                <p>"Nothing matches this filter and search."</p>
                                <button class="btn" on:click=move |_| {
                                    search.set(String::new());
                                    filter.set(StateFilter::All);
                                }>"Show all containers"</button>
                            </EmptyState>
                        }
                    >
                        <ContainerTable rows=rows busy=busy on_action=Callback::new(move |(container, action)| act(container, action)) on_remove=Callback::new(move |container: ContainerSummary| {
                            remove_volumes.set(false);
                            pending_removal.set(Some(container));
                        })/>
                    </Show>
                }
                .into_any()
            })}
            <ConfirmDialog
                open=Signal::derive(move || pending_removal.with(Option::is_some))
                title=Signal::derive(move || {
                    pending_removal
                        .with(|c| c.as_ref().map(|c| format!("Remove container {}?", c.display_name())))
                        .unwrap_or_default()
                })
                confirm_label="Remove"
                on_confirm=confirm_removal
                on_cancel=Callback::new(move |()| pending_removal.set(None))
            >
                <RemovalWarning pending=pending_removal remove_volumes=remove_volumes/>
            </ConfirmDialog>
        </section>
    }
}

/// The table of containers.
#[component]
fn ContainerTable(
    /// The rows to show, already filtered and sorted.
    rows: Memo<Vec<ContainerSummary>>,
    /// Ids of containers with an action under way.
    busy: RwSignal<BTreeSet<String>>,
    /// Runs a lifecycle action.
    on_action: Callback<(ContainerSummary, ContainerAction)>,
    /// Asks to remove a container.
    on_remove: Callback<ContainerSummary>,
) -> impl IntoView {
    let browser_host = window()
        .location()
        .hostname()
        .unwrap_or_else(|_| "localhost".into());
    let now = now_seconds();
    // Viewers see no lifecycle buttons: the server would refuse them anyway.
    let can_operate = use_session().can(Access::Operate);
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="containers-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Image"</th>
                        <th scope="col">"Ports"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get()
                        key=|c| (c.id.clone(), c.state.clone(), c.status.clone())
                        let:container
                    >
                        {
                            let id = container.id.clone();
                            let is_busy = Signal::derive(move || busy.with(|ids| ids.contains(&id)));
                            let name = container.display_name().to_owned();
                            let ports = format::distinct_ports(&container.ports);
                            let host = browser_host.clone();
                            view! {
                                <tr data-container=name aria-busy=move || is_busy.get().to_string()>
                                    <td>
                                        <div class="cell-title">{name.clone()}</div>
                                        <div class="cell-sub mono">{container.short_id().to_owned()}</div>
                                    </td>
                                    <td>
                                        <div class="cell-badges">
                                            <StateBadge state=container.state.clone()/>
                                            <HealthBadge health=container.health()/>
                                        </div>
                                        <div class="cell-sub">{container.status.clone()}</div>
                                    </td>
                                    <td class="cell-image" title=container.image.clone()>{container.image.clone()}</td>
                                    <td>
                                        <div class="ports">
                                            {ports
                                                .iter()
                                                .map(|port| port_view(port, &host))
                                                .collect_view()}
                                        </div>
                                    </td>
                                    <td title=absolute_time(container.created)>
                                        {format::relative_time(now, container.created)}
                                    </td>
                                    <td class="cell-actions">
                                        {can_operate.then(|| view! {
                                            <RowActions container=container busy=is_busy on_action=on_action on_remove=on_remove/>
                                        })}
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
    }
}

/// The buttons of one row: start or stop and restart, and remove.
#[component]
fn RowActions(
    /// The row's container.
    container: ContainerSummary,
    /// Whether an action on it is under way.
    busy: Signal<bool>,
    /// Runs a lifecycle action.
    on_action: Callback<(ContainerSummary, ContainerAction)>,
    /// Asks to remove it.
    on_remove: Callback<ContainerSummary>,
) -> impl IntoView {
    let name = container.display_name().to_owned();
    let actions: &[(ContainerAction, IconKind)] = if container.is_running() {
        &[
            (ContainerAction::Stop, IconKind::Stop),
            (ContainerAction::Restart, IconKind::Restart),
        ]
    } else {
        &[(ContainerAction::Start, IconKind::Play)]
    };
    let removable = container.clone();
    // Operators and admins open terminals in running containers; viewers never see this.
    let terminal_href = (container.is_running() && use_session().can(Access::Exec)).then(|| {
        format!(
            "/env/{}/containers/{}/terminal",
            use_engine_status().environment.get_untracked(),
            container.id
        )
    });
    view! {
        <div class="row-actions">
            {terminal_href.map(|href| view! {
                <a
                    class="btn btn-icon btn-ghost"
                    href=href
                    aria-label=format!("Terminal in {name}")
                    title="Terminal"
                    data-testid="row-terminal"
                >
                    <Icon kind=IconKind::Terminal/>
                </a>
            })}
            {actions
                .iter()
                .map(|&(action, icon)| {
                    let container = container.clone();
                    view! {
                        <button
                            class="btn btn-icon btn-ghost"
                            aria-label=format!("{} {name}", action.label())
                            title=action.label()
                            disabled=move || busy.get()
                            on:click=move |_| on_action.run((container.clone(), action))
                        >
                            <Icon kind=icon/>
                        </button>
                    }
                })
                .collect_view()}
            <button
                class="btn btn-icon btn-ghost btn-danger-ghost"
                aria-label=format!("Remove {name}")
                title="Remove"
                disabled=move || busy.get()
                on:click=move |_| on_remove.run(removable.clone())
            >
                <Icon kind=IconKind::Trash/>
            </button>
        </div>
    }
}

/// What removing the pending container loses, and the volumes option.
#[component]
fn RemovalWarning(
    /// The container about to be removed.
    pending: RwSignal<Option<ContainerSummary>>,
    /// Whether to remove its anonymous volumes too.
    remove_volumes: RwSignal<bool>,
) -> impl IntoView {
    let running = move || pending.with(|c| c.as_ref().is_some_and(ContainerSummary::is_running));
    view! {
        <p>
            {move || running().then_some("It is running and will be stopped first. ")}
            "Its filesystem changes and logs are deleted for good. Named volumes are kept."
        </p>
        <label class="check">
            <input
                type="checkbox"
                prop:checked=move || remove_volumes.get()
                on:change=move |event| remove_volumes.set(event_target_checked(&event))
            />
            "Also delete its anonymous volumes"
        </label>
    }
}

fn port_view(port: &berth_shared::engine::container::Port, browser_host: &str) -> AnyView {
    let full = format::port(port);
    let short = match port.public_port {
        Some(public) => format!("{public}→{}/{}", port.private_port, port.protocol),
        None => format!("{}/{}", port.private_port, port.protocol),
    };
    match format::port_link(port, browser_host) {
        Some(href) => view! {
            <a class="port port-link" href=href target="_blank" rel="noopener noreferrer" title=full>{short}</a>
        }
        .into_any(),
        None => view! { <span class="port" title=full>{short}</span> }.into_any(),
    }
}

fn past_tense(action: ContainerAction) -> &'static str {
    match action {
        ContainerAction::Start => "Started",
        ContainerAction::Stop => "Stopped",
        ContainerAction::Restart => "Restarted",
    }
}
