//! The cluster map: one column per node (its role, availability and state), and in it a card
//! for each task the swarm wants running there, coloured by its service and marked by its
//! state; tasks no node has taken wait in a column of their own. It follows the swarm's events,
//! so a drain or a scale is seen as it happens.

use std::collections::BTreeMap;

use berth_shared::engine::node::Node;
use berth_shared::engine::service::Service;
use berth_shared::engine::task::{Phase, Task};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::engine::services::TaskScope;
use crate::app::engine_status::use_engine_status;
use crate::app::live_events::LiveIndicator;
use crate::app::remote::remote_view;
use crate::swarm::live::{use_settling, use_swarm_changes};

/// What the map draws.
#[derive(Debug, Clone, PartialEq)]
struct MapData {
    nodes: Vec<Node>,
    services: BTreeMap<String, String>,
    tasks: Vec<Task>,
}

/// A hue for a service, the same on every load.
pub fn service_hue(id: &str) -> u32 {
    id.bytes().fold(7u32, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(u32::from(byte))
    }) % 360
}

/// The class of a task's state.
pub fn phase_class(phase: Phase) -> &'static str {
    match phase {
        Phase::Starting => "task-starting",
        Phase::Running => "task-running",
        Phase::Ended => "task-ended",
        Phase::Failed => "task-failed",
    }
}

/// The tasks of `node` the swarm wants running, by service name then slot.
fn tasks_on<'a>(data: &'a MapData, node: &str) -> Vec<&'a Task> {
    let mut tasks: Vec<&Task> = data
        .tasks
        .iter()
        .filter(|task| task.node_id == node && task.desired_state == "running")
        .collect();
    tasks.sort_by_key(|task| (data.services.get(&task.service_id), task.slot));
    tasks
}

/// How many of the tasks no node has taken are named.
const WAITING_SHOWN: usize = 20;

/// The tasks the swarm wants running that no node has taken, named, by service then slot.
fn waiting(data: &MapData) -> Vec<(String, u64)> {
    let mut tasks: Vec<(String, u64)> = data
        .tasks
        .iter()
        .filter(|task| task.node_id.is_empty() && task.desired_state == "running")
        .map(|task| {
            let name = data
                .services
                .get(&task.service_id)
                .cloned()
                .unwrap_or_else(|| task.service_id.clone());
            let label = if task.slot > 0 {
                format!("{name}.{}", task.slot)
            } else {
                name
            };
            (label, task.slot)
        })
        .collect();
    tasks.sort();
    tasks
}

/// The map of the swarm's nodes and their tasks.
#[component]
pub fn ClusterMap() -> impl IntoView {
    let status = use_engine_status();
    let data = status.remote(move |engine, signal| async move {
        let nodes = engine.nodes(Some(&signal)).await?;
        let services: Vec<Service> = engine.services(Some(&signal)).await?;
        let tasks = engine.tasks(&TaskScope::All, Some(&signal)).await?;
        Ok(MapData {
            nodes,
            services: services
                .into_iter()
                .map(|service| (service.id, service.spec.name))
                .collect(),
            tasks,
        })
    });
    let live = use_swarm_changes(move |_| data.reload());
    use_settling(data, |found: &MapData| {
        found.tasks.iter().any(Task::is_on_its_way)
    });
    view! {
        <section class="cluster-map-section" aria-labelledby="cluster-map-title">
            <div class="section-head">
                <h2 id="cluster-map-title" class="section-title">"Cluster map"</h2>
                <LiveIndicator status=live/>
            </div>
            {remote_view(data, status, "the cluster", move |found: MapData| {
                let environment = status.environment.get_untracked();
                let columns = found.nodes.iter().map(|node| {
                            let tasks = tasks_on(&found, &node.id);
                            let count = tasks.len();
                            let role = if node.manager_status.as_ref().is_some_and(|m| m.leader) {
                                "leader".to_owned()
                            } else {
                                node.spec.role.clone()
                            };
                            let down = node.status.state != "ready";
                            let (name, testid) = (node.display_name().to_owned(), node.display_name().to_owned());
                            view! {
                                <div class="map-node" class:map-node-down=down data-node=testid>
                                    <div class="map-node-head">
                                        <A href=format!("/env/{environment}/nodes/{}", node.id) attr:class="cell-title cell-link cell-clip">{name}</A>
                                        <span class="muted">{format!("{role} · {} · {}", node.spec.availability, node.status.state)}</span>
                                        <span class="muted">{format!("{count} task{}", if count == 1 { "" } else { "s" })}</span>
                                    </div>
                                    <ul class="map-tasks">
                                        {tasks.into_iter().map(|task| {
                                            let name = found.services.get(&task.service_id).cloned().unwrap_or_else(|| task.service_id.clone());
                                            let label = if task.slot > 0 { format!("{name}.{}", task.slot) } else { name };
                                            let hue = service_hue(&task.service_id);
                                            let colour = format!("hsl({hue} 65% 50%)");
                                            let tint = format!("color-mix(in srgb, hsl({hue} 65% 50%) 12%, var(--surface))");
                                            let state = task.status.state.clone();
                                            let title = format!("{label}: {state}");
                                            let testid = label.clone();
                                            view! {
                                                <li class=format!("map-task {}", phase_class(task.phase())) style:border-left-color=colour style:background-color=tint
                                                    data-task=testid title=title>
                                                    <span class="map-task-name">{label}</span>
                                                    <span class="map-task-state">{state}</span>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </div>
                            }
                        }).collect::<Vec<_>>();
                let waiting = waiting(&found);
                let waiting = (!waiting.is_empty()).then(|| {
                    let count = waiting.len();
                    let shown: Vec<String> = waiting.iter().take(WAITING_SHOWN).map(|(label, _)| label.clone()).collect();
                    view! {
                        <div class="map-node map-node-waiting" data-node="unassigned">
                            <div class="map-node-head">
                                <span class="cell-title">"Waiting for a node"</span>
                                <span class="muted">{format!("{count} task{} no node can take (constraints, resources or availability)", if count == 1 { "" } else { "s" })}</span>
                            </div>
                            <ul class="map-tasks">
                                {shown.into_iter().map(|label| view! {
                                    <li class="map-task task-starting"><span class="map-task-name">{label}</span><span class="map-task-state">"pending"</span></li>
                                }).collect_view()}
                                {(count > WAITING_SHOWN).then(|| view! { <li class="muted">{format!("and {} more", count - WAITING_SHOWN)}</li> })}
                            </ul>
                        </div>
                    }
                });
                view! { <div class="cluster-map" data-testid="cluster-map">{columns}{waiting}</div> }
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_keeps_its_hue() {
        assert_eq!(service_hue("abc"), service_hue("abc"));
        assert!(service_hue("abc") < 360);
        assert_ne!(service_hue("abc"), service_hue("abd"));
    }

    #[test]
    fn a_node_shows_what_should_run_on_it_in_order() {
        let task = |id: &str, service: &str, node: &str, slot: u64, desired: &str| Task {
            id: id.into(),
            service_id: service.into(),
            node_id: node.into(),
            slot,
            desired_state: desired.into(),
            ..Task::default()
        };
        let data = MapData {
            nodes: Vec::new(),
            services: BTreeMap::from([("s1".into(), "web".into()), ("s2".into(), "api".into())]),
            tasks: vec![
                task("t1", "s1", "n1", 2, "running"),
                task("t2", "s2", "n1", 1, "running"),
                task("t3", "s1", "n1", 1, "running"),
                task("t4", "s1", "n1", 3, "shutdown"),
                task("t5", "s1", "n2", 4, "running"),
            ],
        };
        let ids: Vec<&str> = tasks_on(&data, "n1")
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(ids, ["t2", "t3", "t1"]);
    }
}
