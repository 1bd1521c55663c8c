//! Keeping the list current: the engine's container events name the containers that changed,
//! and only their rows are fetched again, a burst of events gathered into one request.

use std::collections::BTreeSet;

use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::event::EngineEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::events::{EventQuery, StreamStatus};
use crate::app::engine_status::EngineStatus;
use crate::app::live_events::use_event_stream;
use crate::app::remote::Remote;
use crate::containers::list_model::{apply_row, filters_for_ids};

/// How long to gather events before fetching the rows they touched, so a burst (a compose
/// project starting) costs one request.
const COALESCE_MS: u32 = 50;

/// When to fetch an event's row once more, for changes the engine's list shows late.
const RECHECK_MS: u32 = 400;

/// Fetches again just the rows given to the returned function: gathered for a moment, in one
/// request with an `id` filter. One such request runs at a time, so an older answer can never
/// overwrite a newer one. Timers and requests may end after the page is gone: they then stop.
pub(super) fn row_fetcher(
    status: EngineStatus,
    rows: RwSignal<Vec<ContainerSummary>>,
    filters: Memo<String>,
    sizes: RwSignal<bool>,
) -> impl Fn(String) + Copy + Send + Sync + 'static {
    let dirty = StoredValue::new(BTreeSet::<String>::new());
    let scheduled = StoredValue::new(false);
    let in_flight = StoredValue::new(false);
    fn flush(
        status: EngineStatus,
        rows: RwSignal<Vec<ContainerSummary>>,
        filters: Memo<String>,
        sizes: RwSignal<bool>,
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
        // A row fetched again keeps its sizes while the list shows them.
        let with_sizes = sizes.try_get_untracked().unwrap_or(false);
        spawn_local(async move {
            // On failure the next full load (on reconnect or refresh) catches up.
            if let Ok(fresh) = engine.containers_named(&query, with_sizes, None).await {
                rows.update(|list| {
                    for id in &ids {
                        let found = fresh.iter().find(|c| &c.id == id).cloned();
                        apply_row(list, id, found);
                    }
                });
            }
            in_flight.set_value(false);
            flush(status, rows, filters, sizes, dirty, scheduled, in_flight);
        });
    }
    move |id: String| {
        dirty.update_value(|ids| {
            ids.insert(id);
        });
        if scheduled.try_get_value() == Some(false) {
            scheduled.set_value(true);
            set_timeout(
                move || flush(status, rows, filters, sizes, dirty, scheduled, in_flight),
                std::time::Duration::from_millis(COALESCE_MS.into()),
            );
        }
    }
}

/// Follows the engine's container events, fetching again the rows they touch with
/// `fetch_row`. Returns how the stream is doing.
pub(super) fn follow_events(
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
