//! The containers table: virtualised rows (more are drawn as the end comes near), compose
//! project groups, the selection (the kit's [`Selection`]: only ticked rows that are shown
//! count) and its actions bar.

use std::collections::HashMap;

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;

use super::row_menu::{MenuAt, RowActions, row_menu};
use crate::api::engine::containers::ContainerAction;
use crate::app::engine_status::use_engine_status;
use crate::app::session::use_session;
use crate::app::undecodable::{Kind, UndecodableRows};
use crate::components::badges::{HealthBadge, StateBadge};
use crate::components::icons::{Icon, IconKind};
use crate::components::row_limit::{MoreRows, RowLimit};
use crate::components::toast::use_toaster;
use crate::containers::lifecycle::{Busy, Operation, Pending, run_operation};
use crate::containers::list_model::ListItem;
use crate::format;
use crate::resource_page::selection::{AllTicked, Selection};
use crate::time::{absolute_time, now_seconds, ticking_now};

/// The actions bar of a selection.
#[component]
pub(super) fn BulkBar(
    /// The ticked containers the list shows: what the actions act on.
    ticked: Memo<Vec<ContainerSummary>>,
    selected: Selection,
    busy: Busy,
    pending: RwSignal<Option<Pending>>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let chosen = move || ticked.get_untracked();
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
        <div class="bulk-bar" role="toolbar" aria-label="Selected containers" data-testid="bulk-bar">
            <span class="bulk-count">{move || format!("{} selected", ticked.with(Vec::len))}</span>
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
            <button class="btn btn-small btn-ghost" on:click=move |_| selected.clear()>
                "Clear selection"
            </button>
        </div>
    }
}

/// The table of containers.
#[component]
pub(super) fn ContainerTable(
    /// The lines to show, already filtered, sorted and grouped.
    items: Memo<Vec<ListItem>>,
    /// Ids of containers with an action under way.
    busy: Busy,
    /// The ticked containers.
    selected: Selection,
    /// The containers the list shows (filtered and searched), which "select all" ticks.
    visible: Memo<Vec<ContainerSummary>>,
    /// The ticked ones among them.
    ticked: Memo<Vec<ContainerSummary>>,
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
    let now = ticking_now();
    // When each status text was first seen: the engine's "Up 5 seconds" is that old then, and
    // moves on with the clock (a row drawn again later keeps its first sighting).
    let seen = StoredValue::new(HashMap::<(String, String), i64>::new());
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
            .and_then(|el| {
                el.closest(".containers-menu-anchor, .containers-menu")
                    .ok()
                    .flatten()
            })
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
    // Long lists draw a page of rows at first and the next as the end comes near.
    let (limit, shown) = RowLimit::first_rows(items);
    let scroll = window_event_listener(leptos::ev::scroll, move |_| {
        let window = window();
        let y = window.scroll_y().unwrap_or_default();
        let moved = (y - opened_at.get_value()).abs();
        if moved > 48.0 && open_menu.with_untracked(Option::is_some) {
            open_menu.set(None);
        }
    });
    on_cleanup(move || {
        outside.remove();
        escape.remove();
        scroll.remove();
    });
    let all_ticked = move || AllTicked::of(ticked.with(Vec::len), visible.with(Vec::len));
    let columns = if can_operate { 7 } else { 5 };
    view! {
        <div class="table-wrap">
            <table class="table containers-table" data-testid="containers-table">
                <thead>
                    <tr>
                        {can_operate.then(|| view! {
                            <th scope="col" class="cell-select">
                                <input
                                    type="checkbox"
                                    aria-label="Select all shown containers"
                                    prop:checked=move || all_ticked() == AllTicked::All
                                    prop:indeterminate=move || all_ticked() == AllTicked::Some
                                    on:change=move |e| {
                                        let on = event_target_checked(&e);
                                        visible.with_untracked(|rows| selected.set_all(rows.iter().map(|c| c.id.as_str()), on));
                                    }
                                />
                            </th>
                        })}
                        <th scope="col">"Name"</th>
                        <th scope="col">"State"</th>
                        <th scope="col" class="containers-col-image">"Image"</th>
                        <th scope="col" class="containers-col-ports">"Ports"</th>
                        <th scope="col" class="containers-col-created">{move || if sizes.get() { "Size" } else { "Created" }}</th>
                        {can_operate.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    <For each=move || shown.get() key=ListItem::key let:item>
                        {match item {
                            ListItem::Project { name, running, total } => view! {
                                <tr class="containers-group">
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
                                let status_seen = seen
                                    .try_update_value(|seen| {
                                        if seen.len() > 10_000 {
                                            seen.clear();
                                        }
                                        *seen
                                            .entry((container.id.clone(), container.status.clone()))
                                            .or_insert_with(now_seconds)
                                    })
                                    .unwrap_or_else(now_seconds);
                                view! {
                                    <ContainerRow
                                        container=*container
                                        env=status.environment.get_untracked()
                                        host=browser_host.clone()
                                        now=now
                                        status_seen=status_seen
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
                    <UndecodableRows kind=Kind::Containers columns=columns/>
                </tbody>
            </table>
        </div>
        <MoreRows rows=limit/>
        {move || open_menu.get().map(|at| view! {
            <div
                class="menu containers-menu"
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

/// One container's row.
#[component]
fn ContainerRow(
    container: ContainerSummary,
    env: String,
    host: String,
    now: ReadSignal<i64>,
    status_seen: i64,
    can_operate: bool,
    busy: Busy,
    selected: Selection,
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
        crate::api::percent_encode(&env),
        crate::api::percent_encode(&container.id)
    );
    let size = format::container_size(container.size_rw, container.size_root_fs)
        .unwrap_or_else(|| "…".to_owned());
    let status_text = container.status.clone();
    let created = container.created;
    let select_id = id.clone();
    let check_id = id;
    view! {
        <tr data-container=name aria-busy=move || is_busy.get().to_string()>
            {can_operate.then(|| view! {
                <td class="cell-select">
                    <input
                        type="checkbox"
                        aria-label=format!("Select {name}")
                        prop:checked=move || selected.contains(&check_id)
                        on:change=move |e| selected.set(&select_id, event_target_checked(&e))
                    />
                </td>
            })}
            <td>
                <a class="cell-title cell-clip containers-name" href=href title=name.clone()>{name.clone()}</a>
                <div class="cell-sub mono">{container.short_id().to_owned()}</div>
            </td>
            <td>
                <div class="cell-badges">
                    <StateBadge state=container.state.clone()/>
                    <HealthBadge health=container.health()/>
                </div>
                <div class="cell-sub">{move || format::status_after(&status_text, now.get() - status_seen)}</div>
            </td>
            <td class="cell-image containers-col-image" title=container.image.clone()>{container.image.clone()}</td>
            <td class="containers-col-ports">
                <div class="ports">
                    {ports.iter().map(|port| port_view(port, &host)).collect_view()}
                </div>
            </td>
            <td class="containers-col-created" title=absolute_time(created)>
                {move || if sizes.get() { size.clone() } else { format::relative_time(now.get(), created) }}
            </td>
            {can_operate.then(|| view! {
                <td class="cell-actions">
                    <RowActions container=container busy=busy menu_open=menu_open open_menu=open_menu/>
                </td>
            })}
        </tr>
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
