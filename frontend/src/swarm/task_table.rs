//! The table of tasks the service, node and tasks pages share: slot, service, node, desired
//! and current state with how long ago, the error, and the container, linked to its page
//! where Berth reaches that node's engine: this environment's own node, or another environment
//! whose engine is that node. While a service rolls out, each task it wants running is marked
//! updated, updating or still to update.

use std::collections::BTreeMap;

use berth_shared::engine::node::Node;
use berth_shared::engine::task::Task;
use leptos::prelude::*;
use leptos_router::components::A;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::percent_encode;
use crate::app::environments::{KnownEnvironments, use_known_environments};

use crate::components::table::{Column, DataTable};
use crate::format;
use crate::services::rollout::Rollout;
use crate::swarm::map::phase_class;
use crate::time;

const COLUMNS: &[Column] = &[
    Column::Text("Task"),
    Column::Text("Node"),
    Column::Text("Desired"),
    Column::Text("State"),
    Column::Text("Error"),
    Column::Text("Container"),
];

/// Names to show for ids: services, and nodes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    /// Service names by id.
    pub services: BTreeMap<String, String>,
    /// Node names by id.
    pub nodes: BTreeMap<String, String>,
    /// The id of the node whose engine this environment is: its containers have pages here.
    pub local_node: String,
}

impl Names {
    /// `services` with the swarm's node names and the id of this environment's own node, read
    /// from `engine`; the nodes come back too.
    pub async fn read(
        engine: &Engine,
        services: BTreeMap<String, String>,
        signal: &AbortSignal,
    ) -> Result<(Self, Vec<Node>), ApiError> {
        let nodes = engine.nodes(Some(signal)).await?;
        let info = engine.info(Some(signal)).await?;
        let names = Self {
            services,
            nodes: nodes
                .iter()
                .map(|node| (node.id.clone(), node.display_name().to_owned()))
                .collect(),
            local_node: info.swarm.node_id,
        };
        Ok((names, nodes))
    }

    /// `web.3` for a replicated task, `web` and the node for a global one.
    pub fn task_label(&self, task: &Task) -> String {
        let service = self
            .services
            .get(&task.service_id)
            .cloned()
            .unwrap_or_else(|| format::short_id(&task.service_id).to_owned());
        if task.slot > 0 {
            format!("{service}.{}", task.slot)
        } else {
            format!("{service}.{}", format::short_id(&task.node_id))
        }
    }

    /// The node's name, or its short id, or "unassigned".
    pub fn node(&self, id: &str) -> String {
        if id.is_empty() {
            return "unassigned".to_owned();
        }
        self.nodes
            .get(id)
            .cloned()
            .unwrap_or_else(|| format::short_id(id).to_owned())
    }
}

/// The environment where a container on swarm node `node` has its page, if Berth reaches that
/// node (tracks the known environments): `environment` itself when `node` is `local_node`,
/// the node of this environment's engine.
pub fn container_environment(
    node: &str,
    local_node: &str,
    environment: &str,
    known: &KnownEnvironments,
) -> Option<String> {
    if node == local_node {
        return Some(environment.to_owned());
    }
    known.environment_of_node(node)
}

/// Newest first within each slot, slots in order: the current task of a slot above its history.
pub fn sort_tasks(tasks: &mut [Task], names: &Names) {
    tasks.sort_by(|a, b| {
        (names.task_label(a), b.created_at.as_deref())
            .cmp(&(names.task_label(b), a.created_at.as_deref()))
    });
}

/// The tasks, as a table. A row is drawn again only when its task changes.
#[component]
pub fn TaskTable(
    /// The tasks, in the order shown.
    #[prop(into)]
    tasks: Signal<Vec<Task>>,
    /// Names for ids.
    names: Names,
    /// The environment, for container links.
    environment: String,
    /// The `data-testid` of the table.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// The service's rollout under way, whose progress each task shows.
    #[prop(optional_no_strip)]
    rollout: Option<Rollout>,
) -> impl IntoView {
    let now = time::ticking_now();
    let known = use_known_environments();
    let row = move |task: Task| {
        let label = names.task_label(&task);
        let node = names.node(&task.node_id);
        let state = task.status.state.clone();
        let since = task
            .status
            .timestamp
            .as_deref()
            .and_then(time::rfc3339_seconds);
        let container = task.container_id().map(|id| {
            let (id, short) = (id.to_owned(), format::short_id(id).to_owned());
            let (node, local_node) = (task.node_id.clone(), names.local_node.clone());
            let environment = environment.clone();
            move || {
                let short = short.clone();
                match container_environment(&node, &local_node, &environment, &known) {
                    Some(home) => view! {
                        <A href=format!("/env/{}/containers/{id}", percent_encode(&home)) attr:class="mono cell-link">{short}</A>
                    }
                    .into_any(),
                    None => view! {
                        <span class="mono" title="On another node: add its engine as an environment to open it">{short}</span>
                    }
                    .into_any(),
                }
            }
        });
        let mark = rollout.and_then(|rollout| {
            let mark = rollout.mark(&task)?;
            Some(view! {
                <span class=format!("badge rollout-mark {}", mark.badge()) data-rollout=mark.name()>{rollout.word(mark)}</span>
            })
        });
        let problem = task.problem().map(str::to_owned).unwrap_or_default();
        let class = phase_class(task.phase());
        let (row_task, row_state, row_node, label_title, problem_title) = (
            label.clone(),
            state.clone(),
            node.clone(),
            label.clone(),
            problem.clone(),
        );
        view! {
            <tr data-task=row_task data-state=row_state data-node=row_node>
                <td>
                    <A href=format!("/env/{environment}/tasks/{}", task.id) attr:class="cell-title cell-link cell-clip" attr:title=label_title>{label}</A>
                </td>
                <td><span class="cell-clip">{node}</span></td>
                <td>{task.desired_state}</td>
                <td class="task-state-cell">
                    <span class=format!("task-state {class}")>{state}</span>
                    {since.map(|since| view! { <span class="muted">{move || format!(" {}", format::relative_time(now.get(), since))}</span> })}
                    {mark}
                </td>
                <td><span class="cell-clip task-error" title=problem_title>{problem}</span></td>
                <td>{container}</td>
            </tr>
        }
    };
    view! {
        <DataTable testid=testid.unwrap_or("tasks-table") columns=COLUMNS>
            <For each=move || tasks.get() key=|task| (task.id.clone(), task.version.index) children=row/>
        </DataTable>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_are_named_as_the_cli_names_them() {
        let names = Names {
            services: BTreeMap::from([("s1".into(), "web".into())]),
            nodes: BTreeMap::from([("n1".into(), "nas".into())]),
            local_node: String::new(),
        };
        let replicated = Task {
            service_id: "s1".into(),
            slot: 3,
            ..Task::default()
        };
        assert_eq!(names.task_label(&replicated), "web.3");
        let global = Task {
            service_id: "s1".into(),
            node_id: "abcdefghijklmnop".into(),
            ..Task::default()
        };
        assert_eq!(names.task_label(&global), "web.abcdefghijkl");
        assert_eq!(names.node("n1"), "nas");
        assert_eq!(names.node(""), "unassigned");
    }
}
