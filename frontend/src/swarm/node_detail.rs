//! `/env/:env/nodes/:id`: one node's facts, labels and engine plugins, the tasks the swarm put
//! on it, and its document; the same changes as the list (availability, role, labels, removal).

use std::collections::BTreeMap;

use berth_shared::access::Access;
use berth_shared::engine::node::{Node, Quorum};
use berth_shared::engine::task::Task;
use leptos::prelude::*;

use crate::api::engine::services::TaskScope;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::remote_view;
use crate::app::session::use_session;
use crate::app::use_route_param;
use crate::components::facts::FactsCard;
use crate::format;
use crate::resource_page::detail_page::DetailPage;
use crate::swarm::gate::ManagerOnly;
use crate::swarm::live::{use_settling, use_swarm_changes};
use crate::swarm::node_change::{NodeChange, NodeChangeDialog};
use crate::swarm::task_table::{Names, TaskTable, sort_tasks};
use crate::volumes::list::short_time;

/// A node with its tasks and the names to show them by.
#[derive(Debug, Clone, PartialEq)]
struct Inspected {
    node: Node,
    raw: serde_json::Value,
    tasks: Vec<Task>,
    names: Names,
    quorum: Quorum,
}

/// `/env/:env/nodes/:id`.
#[component]
pub fn NodeDetailPage() -> impl IntoView {
    view! { <ManagerOnly what="nodes"><NodeDetailInner/></ManagerOnly> }
}

/// The page, on a manager.
#[component]
fn NodeDetailInner() -> impl IntoView {
    let status = use_engine_status();
    let is_admin = use_session().can(Access::Admin);
    let id = use_route_param("id");
    let inspected = status.remote(move |engine, signal| {
        let id = id.get();
        async move {
            let (node, raw) = engine.node(&id, Some(&signal)).await?;
            let services = engine.services(Some(&signal)).await?;
            let mut tasks = engine
                .tasks(&TaskScope::Node(node.id.clone()), Some(&signal))
                .await?;
            let (names, nodes) = Names::read(
                &engine,
                services.into_iter().map(|s| (s.id, s.spec.name)).collect(),
                &signal,
            )
            .await?;
            sort_tasks(&mut tasks, &names);
            Ok(Inspected {
                quorum: Quorum::of(&nodes),
                node,
                raw,
                tasks,
                names,
            })
        }
    });
    let _live = use_swarm_changes(move |_| inspected.reload());
    use_settling(inspected, |found: &Inspected| {
        found.tasks.iter().any(Task::is_on_its_way)
    });
    let pending = RwSignal::new(None::<NodeChange>);
    let title = Signal::derive(move || {
        inspected
            .value()
            .map_or_else(|| id.get(), |found| found.node.display_name().to_owned())
    });
    let subtitle = Signal::derive(move || inspected.value().map(|found| found.node.id));
    let removable = Signal::derive(move || {
        is_admin
            .then(|| inspected.value().map(|found| found.node))
            .flatten()
    });
    let quorum = Signal::derive(move || inspected.value().map(|found| found.quorum));
    let actions = move || {
        is_admin.then(|| {
            let node = move || inspected.value().map(|found| found.node);
            view! {
                <button type="button" class="btn" on:click=move |_| if let Some(node) = node() { pending.set(Some(NodeChange::availability_of(&node))) }>"Availability…"</button>
                <button type="button" class="btn" on:click=move |_| if let Some(node) = node() {
                    pending.set(Some(if node.is_manager() { NodeChange::Demote(node) } else { NodeChange::Promote(node) }));
                }>{move || if node().is_some_and(|n| n.is_manager()) { "Demote" } else { "Promote" }}</button>
                <button type="button" class="btn" on:click=move |_| if let Some(node) = node() { pending.set(Some(NodeChange::Labels(node))) }>"Labels…"</button>
            }
        })
    };
    let dialogs = move || view! { <NodeChangeDialog pending=pending quorum=quorum on_done=Callback::new(move |()| inspected.reload())/> };
    view! {
        <DetailPage
            section="nodes"
            section_title="Nodes"
            title=title
            subtitle=subtitle
            subtitle_class="mono"
            remote=inspected
            removable=removable
            raw=Signal::derive(move || inspected.value().map(|found| found.raw))
            actions=ToChildren::to_children(actions)
            dialogs=ToChildren::to_children(dialogs)
        >
            {remote_view(inspected, status, "the node", move |found: Inspected| {
                let node = found.node.clone();
                let manager = node.manager_status.clone().unwrap_or_default();
                let plugins: Vec<(String, String)> = {
                    let mut by_kind: BTreeMap<String, Vec<String>> = BTreeMap::new();
                    for plugin in &node.description.engine.plugins {
                        by_kind.entry(plugin.kind.clone()).or_default().push(plugin.name.clone());
                    }
                    by_kind.into_iter().map(|(kind, names)| (kind, names.join(", "))).collect()
                };
                let environment = status.environment.get_untracked();
                let running = found.tasks.iter().filter(|t| t.desired_state == "running").count();
                view! {
                    <div class="cards">
                        <FactsCard title="Node" rows=vec![
                            ("Hostname".into(), node.description.hostname.clone()),
                            ("Role".into(), if manager.leader { "manager (leader)".into() } else { node.spec.role.clone() }),
                            ("Availability".into(), node.spec.availability.clone()),
                            ("Status".into(), if node.status.message.is_empty() { node.status.state.clone() } else { format!("{}: {}", node.status.state, node.status.message) }),
                            ("Address".into(), node.status.addr.clone()),
                            ("Manager address".into(), manager.addr),
                            ("Joined".into(), node.created_at.as_deref().map(short_time).unwrap_or_default()),
                        ]/>
                        <FactsCard title="Host" rows=vec![
                            ("Engine".into(), node.description.engine.engine_version.clone()),
                            ("Platform".into(), format!("{}/{}", node.description.platform.os, node.description.platform.architecture)),
                            ("CPUs".into(), format!("{}", node.description.resources.nano_cpus as f64 / 1e9)),
                            ("Memory".into(), format::bytes(node.description.resources.memory_bytes.max(0) as u64)),
                        ]/>
                        <FactsCard title="Labels" rows=node.spec.labels.into_iter().collect() empty="No labels" mono=true/>
                        <FactsCard title="Engine plugins" rows=plugins empty="None reported" mono=true/>
                    </div>
                    <h2 class="section-title tasks-heading">{format!("Tasks · {running} wanted running here")}</h2>
                    <TaskTable tasks=found.tasks.clone() names=found.names environment=environment testid="node-tasks"/>
                }
            })}
        </DetailPage>
    }
}
