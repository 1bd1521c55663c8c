//! The swarm's pages follow the engine's events: `service` and `node` events name what
//! changed, and the manager's own `container` events carry the service of a task whose
//! container started or stopped; `secret` and `config` events name those objects.
//! [`use_swarm_changes`] (and [`use_swarm_events`], for the event types a page names) turn
//! them into [`SwarmChange`]s, gathered over a short pause so a burst (a scale to 100) reloads
//! once.
//!
//! A worker's tasks change state without an event reaching the manager, so a page whose swarm
//! has not settled (a task on its way, a service short of tasks, a rollout) reads it again
//! through [`use_settling`]: after 2 s, then less often, up to every 30 s, until it has settled.

use std::collections::BTreeSet;

use berth_shared::engine::event::EngineEvent;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::events::{EventQuery, StreamStatus};
use crate::app::engine_status::use_engine_status;
use crate::app::live_events::use_event_stream;
use crate::app::remote::Remote;

/// The label the engine puts on a task's container.
const SERVICE_LABEL: &str = "com.docker.swarm.service.id";

/// How long changes gather before the page hears of them.
const GATHER_MS: u32 = 60;

/// The first pause before a swarm that has not settled is read again, and the longest.
const SETTLING_FIRST_MS: u32 = 2_000;
const SETTLING_MOST_MS: u32 = 30_000;

/// The pause before the next read of a swarm that has not settled after `reads` reads.
pub fn settling_pause(reads: u32) -> u32 {
    SETTLING_FIRST_MS
        .saturating_mul(1 << reads.min(5))
        .min(SETTLING_MOST_MS)
}

/// Reads `remote` again while `settling` says its value has not settled, less often the longer
/// it takes; the count starts over once it has settled.
pub fn use_settling<T: Clone + Send + Sync + 'static>(
    remote: Remote<T>,
    settling: impl Fn(&T) -> bool + Send + Sync + 'static,
) {
    let reads = StoredValue::new(0u32);
    let alive = StoredValue::new(());
    Effect::new(move |_| {
        let Some(value) = remote.value() else {
            return;
        };
        if !settling(&value) {
            reads.set_value(0);
            return;
        }
        let pause = settling_pause(reads.get_value());
        reads.update_value(|reads| *reads += 1);
        spawn_local(async move {
            TimeoutFuture::new(pause).await;
            if alive.try_get_value().is_some() {
                remote.reload();
            }
        });
    });
}

/// What an event says changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SwarmChange {
    /// A service was created, updated or removed, or one of its tasks' containers changed.
    Service(String),
    /// A node changed (availability, role, state, labels) or left.
    Node(String),
    /// A secret or config was created, relabelled or removed.
    Stored(String),
}

/// The change an event names, if it is about the swarm.
pub fn change_of(event: &EngineEvent) -> Option<SwarmChange> {
    match event.kind.as_str() {
        "service" => Some(SwarmChange::Service(event.actor.id.clone())),
        "node" => Some(SwarmChange::Node(event.actor.id.clone())),
        "secret" | "config" => Some(SwarmChange::Stored(event.actor.id.clone())),
        "container" => event
            .actor
            .attributes
            .get(SERVICE_LABEL)
            .map(|service| SwarmChange::Service(service.clone())),
        _ => None,
    }
}

/// Follows the swarm's services, nodes and tasks while the calling component lives:
/// `on_changes` runs with what changed, a short while after the first change of a burst.
/// Returns the stream's status.
pub fn use_swarm_changes(
    on_changes: impl Fn(BTreeSet<SwarmChange>) + Clone + Send + Sync + 'static,
) -> RwSignal<StreamStatus> {
    use_swarm_events(&["service", "node", "container"], on_changes)
}

/// Follows the engine's events of `types` (such as `secret` and `service`) as
/// [`use_swarm_changes`] does.
pub fn use_swarm_events(
    types: &'static [&'static str],
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
                types.iter().map(|kind| (*kind).to_owned()).collect(),
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
    fn a_swarm_that_does_not_settle_is_read_less_and_less_often() {
        let pauses: Vec<u32> = (0..8).map(settling_pause).collect();
        assert_eq!(
            pauses,
            [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]
        );
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
        assert_eq!(
            change_of(&event("secret", "x1", &[])),
            Some(SwarmChange::Stored("x1".into()))
        );
        assert_eq!(change_of(&event("container", "c1", &[])), None);
        assert_eq!(change_of(&event("volume", "v", &[])), None);
    }
}
