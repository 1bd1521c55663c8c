//! `/env/:env/events`: the engine's events as they happen, with type, action, actor and label
//! filters and a time range. Type, action and label filters and the range go to the engine;
//! the actor filter (a name or id fragment) is applied here.

use std::collections::VecDeque;

use berth_shared::engine::event::EngineEvent;
use leptos::prelude::*;

use crate::api::engine::events::EventQuery;
use crate::app::engine_status::use_engine_status;
use crate::app::live_events::{LiveIndicator, use_event_stream};
use crate::app::undecodable::{Kind, UndecodableRows};
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::components::table::{Column, DataTable};
use crate::format;
use crate::time::{self, absolute_time};

/// The most events kept on screen; older ones fall off the end.
const KEEP: usize = 2000;

/// The object types the engine reports.
const TYPES: [&str; 10] = [
    "container",
    "image",
    "network",
    "volume",
    "daemon",
    "plugin",
    "service",
    "node",
    "secret",
    "config",
];

/// `/env/:env/events`.
#[component]
pub fn EventsPage() -> impl IntoView {
    let status = use_engine_status();
    let kind = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    // The page opens on the last fifteen minutes, then stays live.
    let since = RwSignal::new(time::local_input_value(
        js_sys::Date::now() - 15.0 * 60_000.0,
    ));
    let until = RwSignal::new(String::new());
    let events = RwSignal::new(VecDeque::<(u64, EngineEvent)>::new());
    let counter = StoredValue::new(0u64);

    let live = use_event_stream(
        move || {
            let mut query = EventQuery::default();
            let list = |text: String| -> Vec<String> {
                text.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            query.filters.insert("type".into(), list(kind.get()));
            query.filters.insert("event".into(), list(action.get()));
            query.filters.insert("label".into(), list(label.get()));
            query.since = time::local_input_seconds(&since.get()).map(|s| s.to_string());
            query.until = time::local_input_seconds(&until.get()).map(|s| s.to_string());
            // A new query starts a new list.
            events.set(VecDeque::new());
            Some((status.engine(), query))
        },
        move |event| {
            let Some(id) = counter.try_get_value() else {
                return;
            };
            counter.set_value(id + 1);
            events.update(|list| {
                list.push_front((id, event));
                list.truncate(KEEP);
            });
        },
        |_| {},
    );

    let shown = Memo::new(move |_| {
        let needle = actor.get().to_lowercase();
        events.with(|list| {
            list.iter()
                .filter(|(_, e)| {
                    needle.is_empty()
                        || e.actor.id.to_lowercase().contains(&needle)
                        || e.actor_name().to_lowercase().contains(&needle)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Events"</h1>
                    <p class="page-sub">
                        {move || format::count(shown.with(Vec::len), "event", "events")}
                        <LiveIndicator status=live/>
                    </p>
                </div>
                <div class="toolbar">
                    <button class="btn" on:click=move |_| events.set(VecDeque::new())>"Clear"</button>
                </div>
            </div>
            <div class="filters containers-filters" role="group" aria-label="Filter events">
                <select aria-label="Type" on:change=move |e| kind.set(event_target_value(&e))>
                    <option value="">"Any type"</option>
                    {TYPES.iter().map(|t| view! { <option value=*t>{*t}</option> }).collect_view()}
                </select>
                <input type="text" aria-label="Action" placeholder="action: start, die…"
                    on:change=move |e| action.set(event_target_value(&e))/>
                <input type="text" aria-label="Actor" placeholder="actor name or id"
                    on:input=move |e| actor.set(event_target_value(&e))/>
                <input type="text" aria-label="Label" placeholder="label or key=value"
                    on:change=move |e| label.set(event_target_value(&e))/>
                <label class="events-range">
                    "From"
                    <input type="datetime-local" aria-label="Since" prop:value=move || since.get()
                        on:change=move |e| since.set(event_target_value(&e))/>
                </label>
                <label class="events-range">
                    "To"
                    <input type="datetime-local" aria-label="Until" prop:value=move || until.get()
                        on:change=move |e| until.set(event_target_value(&e))/>
                </label>
                <button class="btn btn-small btn-ghost" on:click=move |_| until.set(String::new())>"Live"</button>
            </div>
            <Show
                when=move || !shown.with(Vec::is_empty)
                fallback=|| view! {
                    <EmptyState icon=IconKind::Activity title="No events yet">
                        <p>"Events appear here as they happen: start or stop a container to see one."</p>
                    </EmptyState>
                }
            >
                <DataTable
                    testid="events-table"
                    class="events-table"
                    columns=&[
                        Column::Text("Time"),
                        Column::Text("Type"),
                        Column::Text("Action"),
                        Column::Text("Actor"),
                        Column::Text("Details"),
                    ]
                >
                    <For each=move || shown.get() key=|(id, _)| *id let:item>
                        <EventRow event=item.1/>
                    </For>
                    <UndecodableRows kind=Kind::Events columns=5/>
                </DataTable>
            </Show>
        </section>
    }
}

/// One event.
#[component]
fn EventRow(event: EngineEvent) -> impl IntoView {
    let details = event
        .actor
        .attributes
        .iter()
        .filter(|(key, _)| key.as_str() != "name")
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("  ");
    let time = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(event.nanos() as f64 / 1e6));
    let clock = String::from(time.to_locale_time_string("default"));
    view! {
        <tr data-event-action=event.base_action().to_owned() data-actor=event.actor_name().to_owned()>
            <td class="nowrap" title=absolute_time(event.time)>{clock}</td>
            <td><span class="badge badge-neutral">{event.kind.clone()}</span></td>
            <td class="mono">{event.action.clone()}</td>
            <td>
                <div class="cell-title cell-clip" title=event.actor_name().to_owned()>{event.actor_name().to_owned()}</div>
                <div class="cell-sub mono">{format::short_id(&event.actor.id).to_owned()}</div>
            </td>
            <td class="cell-sub events-details">{details}</td>
        </tr>
    }
}
