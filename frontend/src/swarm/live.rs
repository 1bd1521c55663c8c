//! The swarm's pages follow the engine's events: `service` and `node` events name what
//! changed, and the manager's own `container` events carry the service of a task whose
//! container started or stopped. [`use_swarm_changes`] turns them into [`SwarmChange`]s,
//! gathered over a short pause so a burst (a scale to 100) reloads once.

use std::collections::BTreeSet;

use berth_shared::engine::event::EngineEvent;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::events::{EventQuery, StreamStatus};
use crate::app::engine_status::use_engine_status;
use crate::app::live_events::use_event_stream;

/// The label the engine puts on a task's container.
const SERVICE_LABEL: &str = "com.docker.swarm.service.id";

/// How long changes gather before the page hears of them.
const GATHER_MS: u32 = 250;

/// What an event says changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SwarmChange {
    /// A service was created, updated or removed, or one of its tasks' containers changed.
    Service(String),
    /// A node changed (availability, role, state, labels) or left.
    Node(String),
}

/// The change an event names, if it is about the swarm.
pub fn change_of(event: &EngineEvent) -> Option<SwarmChange> {
    match event.kind.as_str() {
        "service" => Some(SwarmChange::Service(event.actor.id.clone())),
        "node" => Some(SwarmChange::Node(event.actor.id.clone())),
        "container" => event
            .actor
            .attributes
            .get(SERVICE_LABEL)
            .map(|service| SwarmChange::Service(service.clone())),
        _ => None,
    }
}

/// Follows the swarm's events while the calling component lives: `on_changes` runs with what
/// changed, a short while after the first change of a burst. Returns the stream's status.
pub fn use_swarm_changes(
    on_changes: impl Fn(BTreeSet<SwarmChange>) + Clone + Send + Sync + 'static,
) -> RwSignal<StreamStatus> {
    let status = use_engine_status();
    let pending = StoredValue::new(BTreeSet::<SwarmChange>::new());
    let deliver = StoredValue::new(on_changes);
    use_event_stream(
        move || {
            let mut query = EventQuery::default();
            query.filters.insert(
                "type".into(),
                vec!["service".into(), "node".into(), "container".into()],
            );
            Some((status.engine(), query))
        },
        move |event| {
            let Some(change) = change_of(&event) else {
                return;
            };
            let first = pending
                .try_update_value(|pending| {
                    let first = pending.is_empty();
                    pending.insert(change);
                    first
                })
                .unwrap_or(false);
            if first {
                spawn_local(async move {
                    TimeoutFuture::new(GATHER_MS).await;
                    let Some(changes) = pending.try_update_value(std::mem::take) else {
                        return;
                    };
                    if let Some(deliver) = deliver.try_get_value() {
                        deliver(changes);
                    }
                });
            }
        },
        |_| {},
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, id: &str, labels: &[(&str, &str)]) -> EngineEvent {
        let mut event = EngineEvent {
            kind: kind.into(),
            ..EngineEvent::default()
        };
        event.actor.id = id.into();
        for (key, value) in labels {
            event
                .actor
                .attributes
                .insert((*key).into(), (*value).into());
        }
        event
    }

    #[test]
    fn events_name_the_service_or_node_that_changed() {
        assert_eq!(
            change_of(&event("service", "s1", &[])),
            Some(SwarmChange::Service("s1".into()))
        );
        assert_eq!(
            change_of(&event("node", "n1", &[])),
            Some(SwarmChange::Node("n1".into()))
        );
        assert_eq!(
            change_of(&event("container", "c1", &[(SERVICE_LABEL, "s2")])),
            Some(SwarmChange::Service("s2".into()))
        );
        // A container outside the swarm, or another kind of object, changes nothing here.
        assert_eq!(change_of(&event("container", "c1", &[])), None);
        assert_eq!(change_of(&event("volume", "v", &[])), None);
    }
}
