//! The event stream inside components: [`use_event_stream`] opens it, follows what its query
//! reads (reopening when that changes) and closes it when the component goes away;
//! [`LiveIndicator`] shows how it is doing.

use berth_shared::engine::event::EngineEvent;
use leptos::prelude::*;

use crate::api::engine::Engine;
use crate::api::engine::events::{EventQuery, EventStream, StreamStatus};

/// Follows the engine's events for as long as the calling component lives. `query` is tracked:
/// when a signal it reads changes, the stream is closed and opened again with the new query
/// (`None` keeps it closed). Returns the stream's status.
pub fn use_event_stream(
    query: impl Fn() -> Option<(Engine, EventQuery)> + 'static,
    on_event: impl Fn(EngineEvent) + Clone + 'static,
    on_status: impl Fn(&StreamStatus) + Clone + 'static,
) -> RwSignal<StreamStatus> {
    let status = RwSignal::new(StreamStatus::Connecting);
    let current = StoredValue::new_local(None::<EventStream>);
    Effect::new(move |_| {
        if let Some(Some(old)) = current.try_update_value(Option::take) {
            old.close();
        }
        let Some((engine, query)) = query() else {
            return;
        };
        let on_status = on_status.clone();
        let stream = EventStream::open(engine, query, on_event.clone(), move |state| {
            on_status(&state);
            status.set(state);
        });
        current.set_value(Some(stream));
    });
    on_cleanup(move || {
        if let Some(Some(stream)) = current.try_update_value(Option::take) {
            stream.close();
        }
    });
    status
}

/// "Live", "Reconnecting…" or "Ended", for a page's header.
#[component]
pub fn LiveIndicator(
    /// The stream's status.
    status: RwSignal<StreamStatus>,
) -> impl IntoView {
    let text = move || match status.get() {
        StreamStatus::Connecting => ("pending", "Connecting…".to_owned(), String::new()),
        StreamStatus::Live => (
            "ok",
            "Live".to_owned(),
            "Updates arrive from the engine's event stream".to_owned(),
        ),
        StreamStatus::Reconnecting(reason) => ("down", "Reconnecting…".to_owned(), reason),
        StreamStatus::Ended(None) => ("pending", "Ended".to_owned(), String::new()),
        StreamStatus::Ended(Some(reason)) => ("down", "Stopped".to_owned(), reason),
    };
    view! {
        <span class="live-indicator" data-testid="live-indicator" title=move || text().2>
            <span class=move || format!("engine-dot engine-dot-{}", text().0) aria-hidden="true"></span>
            {move || text().1}
        </span>
    }
}
