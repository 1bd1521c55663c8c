//! The Containers page: every container of the environment, kept current by the engine's event
//! stream (only the rows an event touches are fetched again), with filters, sorting, grouping
//! by compose project, sizes on demand, and lifecycle actions on one row or a selection.
//!
//! Following the events is in [`live`], the virtualised table and the selection's bar in
//! [`table`], each row's actions and menu in [`row_menu`]; what the list shows (filtering,
//! sorting, grouping) is decided without DOM in [`list_model`](crate::containers::list_model).

mod live;
mod row_menu;
mod table;

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;

use crate::app::engine_status::use_engine_status;
use crate::app::live_events::LiveIndicator;
use crate::app::remote::remote_phase_view;
use crate::app::session::use_session;
use crate::components::fields::Check;
use crate::components::icons::IconKind;
use crate::components::segmented::Segmented;
use crate::components::states::EmptyState;
use crate::components::toolbar::{RefreshButton, SearchBox};
use crate::containers::lifecycle::{Busy, ContainerDialogs, Pending};
use crate::containers::list_model::{
    SortKey, StateFilter, engine_filters, list_items, running_count, visible_rows,
};
use crate::format;
use crate::resource_page::selection::Selection;
use live::{follow_events, row_fetcher};
use table::{BulkBar, ContainerTable};

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
    let containers = status.remote(move |engine, signal| {
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
    let fetch_row = row_fetcher(status, rows, filters, sizes);
    let live = follow_events(status, fetch_row, containers);
    // An action's outcome shows as soon as it ends, without waiting for its event.
    let busy = Busy::new(move |ids| ids.into_iter().for_each(fetch_row));
    let selected = Selection::new();
    // The rows the filters and the search leave, and the ticked ones among them: a bulk action
    // acts on exactly what the user sees ticked.
    let visible = Memo::new(move |_| {
        rows.with(|all| visible_rows(all, filter.get(), &search.get(), sort.get()))
    });
    let ticked = Memo::new(move |_| {
        visible.with(|shown| selected.ticked(shown, |c: &ContainerSummary| c.id.as_str()))
    });
    let pending = RwSignal::new(None::<Pending>);
    let can_operate = Signal::derive(move || session.can(Access::Operate));

    let summary = move || {
        let running = rows.with(|all| running_count(all));
        format!(
            "{running} running · {} shown",
            format::thousands(visible.with(Vec::len))
        )
    };
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
            <div class="filters containers-filters" role="group" aria-label="Filter containers">
                <Segmented label="Show containers" options=StateFilter::ALL.map(|option| (option, option.label())).to_vec() value=filter/>
                <SearchBox text=search what="containers"/>
                <label class="containers-select">
                    <span class="sr-only">"Status"</span>
                    <select
                        aria-label="Status"
                        on:change=move |e| status_filter.set(event_target_value(&e))
                    >
                        <option value="">"Any status"</option>
                        {STATUSES.iter().map(|s| view! { <option value=*s>{*s}</option> }).collect_view()}
                    </select>
                </label>
                <label class="containers-label-filter">
                    <span class="sr-only">"Label filter"</span>
                    <input
                        type="text"
                        aria-label="Label filter"
                        placeholder="label or key=value"
                        on:change=move |e| label_filter.set(event_target_value(&e))
                    />
                </label>
                <label class="containers-select">
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
            <Show when=move || can_operate.get() && ticked.with(|t| !t.is_empty())>
                <BulkBar ticked=ticked selected=selected busy=busy pending=pending/>
            </Show>
            // The table is drawn once and patched from `rows`: a reload (as when the event
            // stream first goes live) leaves it standing, with an open row menu.
            {remote_phase_view(containers, status, "containers", move || {
                let items = Memo::new(move |_| list_items(visible.get(), group.get()));
                view! {
                    <Show
                        when=move || !items.with(Vec::is_empty)
                        fallback=move || empty_view(rows, search, filter, status_filter, label_filter)
                    >
                        <ContainerTable items=items busy=busy selected=selected visible=visible ticked=ticked pending=pending sizes=sizes/>
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
