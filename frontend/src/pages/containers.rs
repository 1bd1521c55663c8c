//! The Containers page: every container of the environment, kept current by the engine's event
//! stream (only the rows an event touches are fetched again), with filters, sorting, grouping
//! by compose project, sizes on demand, and lifecycle actions on one row or a selection.

use std::collections::BTreeSet;

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::event::EngineEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::ContainerAction;
use crate::api::events::{EventQuery, StreamStatus};
use crate::components::badges::{HealthBadge, StateBadge};
use crate::components::fields::Check;
use crate::components::icons::{Icon, IconKind};
use crate::components::segmented::Segmented;
use crate::components::states::EmptyState;
use crate::components::toast::use_toaster;
use crate::containers_view::{
    ListItem, SortKey, StateFilter, apply_row, engine_filters, filters_for_ids, list_items,
    running_count, visible_rows,
};
use crate::engine_status::{EngineStatus, use_engine_status};
use crate::format;
use crate::live_events::{LiveIndicator, use_event_stream};
use crate::pages::container_actions::{Busy, ContainerDialogs, Operation, Pending, run_operation};
use crate::pages::{RefreshButton, SearchBox, absolute_time, now_seconds, remote_view};
use crate::remote::Remote;
use crate::session::use_session;

/// The states the engine's `status` filter knows.
const STATUSES: [&str; 7] = [
    "created",
    "running",
    "paused",
    "restarting",
    "removing",
    "exited",
    "dead",
];

/// How long to gather events before fetching the rows they touched, so a burst (a compose
/// project starting) costs one request.
const COALESCE_MS: u32 = 50;

/// How many lines the list draws at first, and adds each time the end comes near.
const PAGE_ROWS: usize = 150;

/// When to fetch an event's row once more, for changes the engine's list shows late.
const RECHECK_MS: u32 = 400;

/// `/env/:env/containers`.
#[component]
pub fn ContainersPage() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let filter = RwSignal::new(StateFilter::All);
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new(SortKey::State);
    let group = RwSignal::new(true);
    let status_filter = RwSignal::new(String::new());
    let label_filter = RwSignal::new(String::new());
    let sizes = RwSignal::new(false);
    let filters = Memo::new(move |_| engine_filters(&status_filter.get(), &label_filter.get()));
    let containers = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        let filters = filters.get();
        let size = sizes.get();
        async move {
            engine
                .containers_filtered(&filters, size, Some(&signal))
                .await
        }
    });
    // The rows on screen: replaced by each full load, patched row by row by events.
    let rows = RwSignal::new(Vec::<ContainerSummary>::new());
    Effect::new(move |_| {
        if let Some(all) = containers.value() {
            rows.set(all);
        }
    });
    let fetch_row = row_fetcher(status, rows, filters);
    let live = follow_events(status, fetch_row, containers);
    // An action's outcome shows as soon as it ends, without waiting for its event.
    let busy = Busy::new(move |ids| ids.into_iter().for_each(fetch_row));
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let pending = RwSignal::new(None::<Pending>);
    let can_operate = Signal::derive(move || session.can(Access::Operate));

    let summary =
        move || rows.with(|all| format!("{} running · {} shown", running_count(all), all.len()));
    let env = status.environment;

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Containers"</h1>
                    <p class="page-sub">
                        <span data-testid="container-summary">{summary}</span>
                        <LiveIndicator status=live/>
                    </p>
                </div>
                <div class="toolbar">
                    <Show when=move || can_operate.get()>
                        <button class="btn" on:click=move |_| pending.set(Some(Pending::Prune))>
                            "Prune stopped"
                        </button>
                        <a class="btn btn-primary" href=move || format!("/env/{}/containers/new", env.get())>
                            "New container"
                        </a>
                    </Show>
                    <RefreshButton remote=containers/>
                </div>
            </div>
            <div class="filters clist-filters" role="group" aria-label="Filter containers">
                <Segmented label="Show containers" options=StateFilter::ALL.map(|option| (option, option.label())).to_vec() value=filter/>
                <SearchBox text=search what="containers"/>
                <label class="clist-select">
                    <span class="sr-only">"Status"</span>
                    <select
                        aria-label="Status"
                        on:change=move |e| status_filter.set(event_target_value(&e))
                    >
                        <option value="">"Any status"</option>
                        {STATUSES.iter().map(|s| view! { <option value=*s>{*s}</option> }).collect_view()}
                    </select>
                </label>
                <label class="clist-label-filter">
                    <span class="sr-only">"Label filter"</span>
                    <input
                        type="text"
                        aria-label="Label filter"
                        placeholder="label or key=value"
                        on:change=move |e| label_filter.set(event_target_value(&e))
                    />
                </label>
                <label class="clist-select">
                    <span class="sr-only">"Sort by"</span>
                    <select
                        aria-label="Sort by"
                        on:change=move |e| sort.set(SortKey::from_value(&event_target_value(&e)))
                    >
                        {SortKey::ALL
                            .iter()
                            .map(|k| view! { <option value=k.value()>{format!("Sort: {}", k.label())}</option> })
                            .collect_view()}
                    </select>
                </label>
                <Check label="Group by project" value=group/>
                <Check label="Sizes" value=sizes/>
            </div>
            <Show when=move || can_operate.get() && selected.with(|s| !s.is_empty())>
                <BulkBar rows=rows selected=selected busy=busy pending=pending/>
            </Show>
            {remote_view(containers, status, "containers", move |_: Vec<ContainerSummary>| {
                let items = Memo::new(move |_| {
                    rows.with(|all| {
                        list_items(visible_rows(all, filter.get(), &search.get(), sort.get()), group.get())
                    })
                });
                view! {
                    <Show
                        when=move || !items.with(Vec::is_empty)
                        fallback=move || empty_view(rows, search, filter, status_filter, label_filter)
                    >
                        <ContainerTable items=items busy=busy selected=selected pending=pending sizes=sizes/>
                    </Show>
                }
            })}
            <ContainerDialogs pending=pending busy=busy/>
        </section>
    }
}

fn empty_view(
    rows: RwSignal<Vec<ContainerSummary>>,
    search: RwSignal<String>,
    filter: RwSignal<StateFilter>,
    status_filter: RwSignal<String>,
    label_filter: RwSignal<String>,
) -> AnyView {
    let unfiltered = status_filter.with(String::is_empty) && label_filter.with(String::is_empty);
    if rows.with(Vec::is_empty) && unfiltered {
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
    view! {
        <EmptyState icon=IconKind::Search title="No containers match">
            <p>"Nothing matches these filters and this search."</p>
            <button class="btn" on:click=move |_| {
                search.set(String::new());
                filter.set(StateFilter::All);
            }>"Clear the search"</button>
        </EmptyState>
    }
    .into_any()
}

/// Fetches again just the rows given to the returned function: gathered for a moment, in one
/// request with an `id` filter. One such request runs at a time, so an older answer can never
/// overwrite a newer one. Timers and requests may end after the page is gone: they then stop.
fn row_fetcher(
    status: EngineStatus,
    rows: RwSignal<Vec<ContainerSummary>>,
    filters: Memo<String>,
) -> impl Fn(String) + Copy + Send + Sync + 'static {
    let dirty = StoredValue::new(BTreeSet::<String>::new());
    let scheduled = StoredValue::new(false);
    let in_flight = StoredValue::new(false);
    fn flush(
        status: EngineStatus,
        rows: RwSignal<Vec<ContainerSummary>>,
        filters: Memo<String>,
        dirty: StoredValue<BTreeSet<String>>,
        scheduled: StoredValue<bool>,
        in_flight: StoredValue<bool>,
    ) {
        scheduled.set_value(false);
        if in_flight.try_get_value().unwrap_or(true) {
            // The running request's completion flushes what gathered meanwhile.
            return;
        }
        let ids: Vec<String> = dirty
            .try_update_value(std::mem::take)
            .unwrap_or_default()
            .into_iter()
            .collect();
        let Some(current) = filters.try_get_untracked() else {
            return;
        };
        if ids.is_empty() {
            return;
        }
        in_flight.set_value(true);
        let engine = untrack(|| status.engine());
        let query = filters_for_ids(&current, &ids);
        spawn_local(async move {
            // On failure the next full load (on reconnect or refresh) catches up.
            if let Ok(fresh) = engine.containers_filtered(&query, false, None).await {
                rows.update(|list| {
                    for id in &ids {
                        let found = fresh.iter().find(|c| &c.id == id).cloned();
                        apply_row(list, id, found);
                    }
                });
            }
            in_flight.set_value(false);
            flush(status, rows, filters, dirty, scheduled, in_flight);
        });
    }
    move |id: String| {
        dirty.update_value(|ids| {
            ids.insert(id);
        });
        if scheduled.try_get_value() == Some(false) {
            scheduled.set_value(true);
            set_timeout(
                move || flush(status, rows, filters, dirty, scheduled, in_flight),
                std::time::Duration::from_millis(COALESCE_MS.into()),
            );
        }
    }
}

/// Follows the engine's container events, fetching again the rows they touch with
/// `fetch_row`. Returns how the stream is doing.
fn follow_events(
    status: EngineStatus,
    fetch_row: impl Fn(String) + Copy + 'static,
    containers: Remote<Vec<ContainerSummary>>,
) -> RwSignal<StreamStatus> {
    let was_live = StoredValue::new(false);
    // The engine announces some changes (pause, kill) a moment before its list shows them, so
    // every touched row is checked once more shortly after.
    let recheck = StoredValue::new(BTreeSet::<String>::new());
    let on_event = move |event: EngineEvent| {
        if !event.changes_container_row() {
            return;
        }
        fetch_row(event.actor.id.clone());
        let Some(first) = recheck.try_with_value(BTreeSet::is_empty) else {
            return;
        };
        recheck.update_value(|ids| {
            ids.insert(event.actor.id);
        });
        if first {
            set_timeout(
                move || {
                    for id in recheck.try_update_value(std::mem::take).unwrap_or_default() {
                        fetch_row(id);
                    }
                },
                std::time::Duration::from_millis(RECHECK_MS.into()),
            );
        }
    };
    let on_status = move |state: &StreamStatus| {
        // Events between the first list load and the stream's start would be lost: load once
        // more when it first goes live. Later reconnections resume with `since` instead.
        if *state == StreamStatus::Live && was_live.try_get_value() == Some(false) {
            was_live.set_value(true);
            if containers.value().is_some() {
                containers.reload();
            }
        }
    };
    use_event_stream(
        move || {
            let mut query = EventQuery::default();
            query
                .filters
                .insert("type".into(), vec!["container".into()]);
            Some((status.engine(), query))
        },
        on_event,
        on_status,
    )
}

/// The actions bar of a selection.
#[component]
fn BulkBar(
    rows: RwSignal<Vec<ContainerSummary>>,
    selected: RwSignal<BTreeSet<String>>,
    busy: Busy,
    pending: RwSignal<Option<Pending>>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let chosen = move || {
        let ids = selected.get_untracked();
        rows.with_untracked(|all| {
            all.iter()
                .filter(|c| ids.contains(&c.id))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let run = move |action: ContainerAction| {
        run_operation(
            untrack(|| status.engine()),
            toaster,
            busy,
            chosen(),
            Operation::Simple(action),
        );
    };
    let simple = [
        (ContainerAction::Start, IconKind::Play),
        (ContainerAction::Restart, IconKind::Restart),
        (ContainerAction::Pause, IconKind::Stop),
        (ContainerAction::Unpause, IconKind::Play),
    ];
    view! {
        <div class="clist-bulk" role="toolbar" aria-label="Selected containers" data-testid="bulk-bar">
            <span class="clist-bulk-count">{move || format!("{} selected", selected.with(BTreeSet::len))}</span>
            {simple.into_iter().map(|(action, icon)| view! {
                <button class="btn btn-small" on:click=move |_| run(action)>
                    <Icon kind=icon/>{action.label()}
                </button>
            }).collect_view()}
            <button class="btn btn-small" on:click=move |_| pending.set(Some(Pending::Stop(chosen())))>
                <Icon kind=IconKind::Stop/>"Stop…"
            </button>
            <button class="btn btn-small" on:click=move |_| pending.set(Some(Pending::Kill(chosen())))>
                "Kill…"
            </button>
            <button class="btn btn-small btn-danger" on:click=move |_| pending.set(Some(Pending::Remove(chosen())))>
                <Icon kind=IconKind::Trash/>"Remove…"
            </button>
            <button class="btn btn-small btn-ghost" on:click=move |_| selected.set(BTreeSet::new())>
                "Clear selection"
            </button>
        </div>
    }
}

/// The table of containers.
#[component]
fn ContainerTable(
    /// The lines to show, already filtered, sorted and grouped.
    items: Memo<Vec<ListItem>>,
    /// Ids of containers with an action under way.
    busy: Busy,
    /// Ids of selected containers.
    selected: RwSignal<BTreeSet<String>>,
    /// The dialog to open.
    pending: RwSignal<Option<Pending>>,
    /// Whether sizes are shown.
    sizes: RwSignal<bool>,
) -> impl IntoView {
    let status = use_engine_status();
    let browser_host = window()
        .location()
        .hostname()
        .unwrap_or_else(|_| "localhost".into());
    let now = now_seconds();
    // Viewers see no selection or lifecycle buttons: the server would refuse them anyway.
    let can_operate = use_session().can(Access::Operate);
    let open_menu = RwSignal::new(None::<MenuAt>);
    let menu_selector =
        Selector::new(move || open_menu.with(|m| m.as_ref().map(|m| m.container.id.clone())));
    // An open menu closes on a click elsewhere, on Escape, and when the page scrolls (it is
    // fixed to where its button was).
    let outside = window_event_listener(leptos::ev::click, move |event| {
        let inside = event
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest(".clist-menu-anchor, .clist-menu").ok().flatten())
            .is_some();
        if !inside && open_menu.with_untracked(Option::is_some) {
            open_menu.set(None);
        }
    });
    let escape = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" && open_menu.with_untracked(Option::is_some) {
            open_menu.set(None);
        }
    });
    // Scrolling away from a fixed menu closes it; a small shift (such as the browser bringing
    // the button into view) does not.
    let opened_at = StoredValue::new(0.0f64);
    Effect::new(move |_| {
        if open_menu.with(Option::is_some) {
            opened_at.set_value(window().scroll_y().unwrap_or_default());
        }
    });
    // Long lists render a page of rows at first and the next page as the end comes near, so
    // a thousand containers cost the first screen, not a thousand rows.
    let limit = RwSignal::new(PAGE_ROWS);
    let shown = Memo::new(move |_| {
        items.with(|all| all.iter().take(limit.get()).cloned().collect::<Vec<_>>())
    });
    let hidden = move || items.with(Vec::len).saturating_sub(limit.get());
    let scroll = window_event_listener(leptos::ev::scroll, move |_| {
        let window = window();
        let y = window.scroll_y().unwrap_or_default();
        let moved = (y - opened_at.get_value()).abs();
        if moved > 48.0 && open_menu.with_untracked(Option::is_some) {
            open_menu.set(None);
        }
        let viewport = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or_default();
        let page = document()
            .document_element()
            .map(|root| f64::from(root.scroll_height()))
            .unwrap_or_default();
        if y + viewport * 3.0 > page && untrack(hidden) > 0 {
            limit.update(|l| *l += PAGE_ROWS);
        }
    });
    on_cleanup(move || {
        outside.remove();
        escape.remove();
        scroll.remove();
    });
    let all_ids = move || {
        items.with(|items| {
            items
                .iter()
                .filter_map(|item| match item {
                    ListItem::Row(c) => Some(c.id.clone()),
                    ListItem::Project { .. } => None,
                })
                .collect::<BTreeSet<_>>()
        })
    };
    let columns = if can_operate { 7 } else { 5 };
    view! {
        <div class="table-wrap">
            <table class="table clist-table" data-testid="containers-table">
                <thead>
                    <tr>
                        {can_operate.then(|| view! {
                            <th scope="col" class="clist-check">
                                <input
                                    type="checkbox"
                                    aria-label="Select all shown containers"
                                    prop:checked=move || {
                                        let ids = all_ids();
                                        !ids.is_empty() && selected.with(|s| ids.is_subset(s))
                                    }
                                    on:change=move |e| {
                                        if event_target_checked(&e) {
                                            selected.set(all_ids());
                                        } else {
                                            selected.set(BTreeSet::new());
                                        }
                                    }
                                />
                            </th>
                        })}
                        <th scope="col">"Name"</th>
                        <th scope="col">"State"</th>
                        <th scope="col" class="clist-col-image">"Image"</th>
                        <th scope="col" class="clist-col-ports">"Ports"</th>
                        <th scope="col" class="clist-col-created">{move || if sizes.get() { "Size" } else { "Created" }}</th>
                        {can_operate.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    <For each=move || shown.get() key=ListItem::key let:item>
                        {match item {
                            ListItem::Project { name, running, total } => view! {
                                <tr class="clist-group">
                                    <th scope="rowgroup" colspan=columns>
                                        {if name.is_empty() { "Not in a compose project".to_owned() } else { name }}
                                        <span class="muted">{format!(" · {running} of {total} running")}</span>
                                    </th>
                                </tr>
                            }
                            .into_any(),
                            ListItem::Row(container) => {
                                let menu_id = Some(container.id.clone());
                                let selector = menu_selector.clone();
                                let menu_open = Signal::derive(move || selector.selected(&menu_id));
                                view! {
                                    <ContainerRow
                                        container=*container
                                        env=status.environment.get_untracked()
                                        host=browser_host.clone()
                                        now=now
                                        can_operate=can_operate
                                        busy=busy
                                        selected=selected
                                        sizes=sizes
                                        menu_open=menu_open
                                        open_menu=open_menu
                                    />
                                }
                                .into_any()
                            }
                        }}
                    </For>
                </tbody>
            </table>
        </div>
        <Show when=move || { hidden() > 0 }>
            <div class="clist-more">
                <span class="muted">{move || format!("{} more not drawn yet", hidden())}</span>
                <button class="btn btn-small" on:click=move |_| limit.set(usize::MAX)>"Show all"</button>
            </div>
        </Show>
        {move || open_menu.get().map(|at| view! {
            <div
                class="menu clist-menu"
                role="menu"
                style:position="fixed"
                style:right=format!("{}px", at.place.right)
                style:top=at.place.top.map_or_else(|| "auto".to_owned(), |top| format!("{top}px"))
                style:bottom=at.place.bottom.map_or_else(|| "auto".to_owned(), |bottom| format!("{bottom}px"))
            >
                {row_menu(at.container, status.environment.get_untracked(), busy, pending, open_menu)}
            </div>
        })}
    }
}

/// The row whose menu is open, and where the menu goes.
#[derive(Debug, Clone, PartialEq)]
struct MenuAt {
    container: ContainerSummary,
    place: MenuPlace,
}

/// A menu's place in the viewport, in CSS pixels: from the right edge, and from the top or the
/// bottom.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct MenuPlace {
    right: i32,
    top: Option<i32>,
    bottom: Option<i32>,
}

/// One container's row.
#[component]
fn ContainerRow(
    container: ContainerSummary,
    env: String,
    host: String,
    now: i64,
    can_operate: bool,
    busy: Busy,
    selected: RwSignal<BTreeSet<String>>,
    sizes: RwSignal<bool>,
    menu_open: Signal<bool>,
    open_menu: RwSignal<Option<MenuAt>>,
) -> impl IntoView {
    let id = container.id.clone();
    let busy_id = id.clone();
    let is_busy = Signal::derive(move || busy.has(&busy_id));
    let name = container.display_name().to_owned();
    let ports = format::distinct_ports(&container.ports);
    let href = format!(
        "/env/{}/containers/{}",
        crate::api::engine::percent_encode(&env),
        crate::api::engine::percent_encode(&container.id)
    );
    let size = match (container.size_rw, container.size_root_fs) {
        (Some(rw), Some(root)) => format!(
            "{} ({} virtual)",
            format::bytes(rw.max(0) as u64),
            format::bytes(root.max(0) as u64)
        ),
        (Some(rw), None) => format::bytes(rw.max(0) as u64),
        _ => "…".to_owned(),
    };
    let created = container.created;
    let select_id = id.clone();
    let check_id = id;
    view! {
        <tr data-container=name aria-busy=move || is_busy.get().to_string()>
            {can_operate.then(|| view! {
                <td class="clist-check">
                    <input
                        type="checkbox"
                        aria-label=format!("Select {name}")
                        prop:checked=move || selected.with(|s| s.contains(&check_id))
                        on:change=move |e| {
                            let on = event_target_checked(&e);
                            selected.update(|s| {
                                if on { s.insert(select_id.clone()); } else { s.remove(&select_id); }
                            });
                        }
                    />
                </td>
            })}
            <td>
                <a class="cell-title clist-name" href=href>{name.clone()}</a>
                <div class="cell-sub mono">{container.short_id().to_owned()}</div>
            </td>
            <td>
                <div class="cell-badges">
                    <StateBadge state=container.state.clone()/>
                    <HealthBadge health=container.health()/>
                </div>
                <div class="cell-sub">{container.status.clone()}</div>
            </td>
            <td class="cell-image clist-col-image" title=container.image.clone()>{container.image.clone()}</td>
            <td class="clist-col-ports">
                <div class="ports">
                    {ports.iter().map(|port| port_view(port, &host)).collect_view()}
                </div>
            </td>
            <td class="clist-col-created" title=absolute_time(created)>
                {move || if sizes.get() { size.clone() } else { format::relative_time(now, created) }}
            </td>
            {can_operate.then(|| view! {
                <td class="cell-actions">
                    <RowActions container=container busy=busy menu_open=menu_open open_menu=open_menu/>
                </td>
            })}
        </tr>
    }
}

/// A row's actions: start, or stop and restart, at hand; the rest in its menu. New actions
/// (such as a terminal) go in [`row_menu`].
#[component]
fn RowActions(
    container: ContainerSummary,
    busy: Busy,
    menu_open: Signal<bool>,
    open_menu: RwSignal<Option<MenuAt>>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let name = container.display_name().to_owned();
    let quick: &[(ContainerAction, IconKind)] = if container.is_running() {
        &[
            (ContainerAction::Stop, IconKind::Stop),
            (ContainerAction::Restart, IconKind::Restart),
        ]
    } else {
        &[(ContainerAction::Start, IconKind::Play)]
    };
    let busy_id = container.id.clone();
    let is_busy = Signal::derive(move || busy.has(&busy_id));
    let menu_container = container.clone();
    // Operators and admins open terminals in running containers; viewers never see this.
    let terminal_href = (container.is_running() && use_session().can(Access::Exec)).then(|| {
        format!(
            "/env/{}/containers/{}/terminal",
            status.environment.get_untracked(),
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
            {quick
                .iter()
                .map(|&(action, icon)| {
                    let container = container.clone();
                    view! {
                        <button
                            class="btn btn-icon btn-ghost clist-quick"
                            aria-label=format!("{} {name}", action.label())
                            title=action.label()
                            disabled=move || is_busy.get()
                            on:click=move |_| run_operation(
                                untrack(|| status.engine()),
                                toaster,
                                busy,
                                vec![container.clone()],
                                Operation::Simple(action),
                            )
                        >
                            <Icon kind=icon/>
                        </button>
                    }
                })
                .collect_view()}
            <div class="clist-menu-anchor">
                <button
                    class="btn btn-icon btn-ghost"
                    aria-label=format!("More actions for {name}")
                    aria-haspopup="menu"
                    aria-expanded=move || menu_open.get().to_string()
                    title="More actions"
                    on:click=move |event| {
                        let next = if menu_open.get_untracked() {
                            None
                        } else {
                            Some(MenuAt {
                                container: menu_container.clone(),
                                place: menu_position(&event).unwrap_or_default(),
                            })
                        };
                        open_menu.set(next);
                    }
                >
                    "⋯"
                </button>
            </div>
        </div>
    }
}

/// The menu of one row.
fn row_menu(
    container: ContainerSummary,
    env: String,
    busy: Busy,
    pending: RwSignal<Option<Pending>>,
    open_menu: RwSignal<Option<MenuAt>>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let engine = untrack(|| status.engine());
    let base = format!(
        "/env/{}/containers/new",
        crate::api::engine::percent_encode(&env)
    );
    let id = crate::api::engine::percent_encode(&container.id);
    let paused = container.state == "paused";
    let running = container.is_running();
    let item = move |label: &'static str, open: Pending| {
        let class = if matches!(open, Pending::Remove(_)) {
            "menu-item clist-danger"
        } else {
            "menu-item"
        };
        view! {
            <button class=class role="menuitem" on:click=move |_| {
                open_menu.set(None);
                pending.set(Some(open.clone()));
            }>{label}</button>
        }
    };
    let pause_action = if paused {
        ContainerAction::Unpause
    } else {
        ContainerAction::Pause
    };
    let pause_target = container.clone();
    let lifecycle: &[ContainerAction] = if running {
        &[ContainerAction::Restart]
    } else {
        &[ContainerAction::Start]
    };
    let lifecycle_views = lifecycle
        .iter()
        .map(|&action| {
            let target = container.clone();
            view! {
                <button class="menu-item" role="menuitem" on:click=move |_| {
                    open_menu.set(None);
                    run_operation(untrack(|| status.engine()), toaster, busy, vec![target.clone()], Operation::Simple(action));
                }>{action.label()}</button>
            }
        })
        .collect_view();
    view! {
        <>
            {lifecycle_views}
            {running.then(|| view! {
                <button class="menu-item" role="menuitem" on:click=move |_| {
                    open_menu.set(None);
                    run_operation(untrack(|| status.engine()), toaster, busy, vec![pause_target.clone()], Operation::Simple(pause_action));
                }>{pause_action.label()}</button>
            })}
            {running.then(|| item("Stop with timeout…", Pending::Stop(vec![container.clone()])))}
            {running.then(|| item("Kill…", Pending::Kill(vec![container.clone()])))}
            {item("Rename…", Pending::Rename(container.clone()))}
            {item("Update resources…", Pending::Update(container.clone()))}
            {item("Commit to image…", Pending::Commit(container.clone()))}
            <a class="menu-item" role="menuitem" href=engine.container_export_url(&container.id)
                download=format!("{}.tar", container.display_name())
                on:click=move |_| open_menu.set(None)>"Export as tar"</a>
            <a class="menu-item" role="menuitem" href=format!("{base}?from={id}")>"Duplicate"</a>
            <a class="menu-item" role="menuitem" href=format!("{base}?edit={id}")>"Edit (recreate)"</a>
            {item("Remove…", Pending::Remove(vec![container.clone()]))}
        </>
    }
}

/// Where a row's menu opens: fixed to the viewport under its button (above it when there is
/// no room below), so the table's scrolling box cannot clip it.
fn menu_position(event: &web_sys::MouseEvent) -> Option<MenuPlace> {
    use wasm_bindgen::JsCast;
    let button = event
        .current_target()?
        .dyn_into::<web_sys::Element>()
        .ok()?;
    let rect = button.get_bounding_client_rect();
    let window = window();
    let height = window.inner_height().ok()?.as_f64()?;
    let width = window.inner_width().ok()?.as_f64()?;
    let right = (width - rect.right()) as i32;
    Some(if rect.bottom() + 400.0 > height && rect.top() > 400.0 {
        MenuPlace {
            right,
            top: None,
            bottom: Some((height - rect.top()) as i32 + 4),
        }
    } else {
        MenuPlace {
            right,
            top: Some(rect.bottom() as i32 + 4),
            bottom: None,
        }
    })
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
