//! `/env/:env/tasks/:id`: one task: its service, slot and node, where the swarm wants it and
//! where it is, its error, its container (linked where Berth reaches the node that runs it), the
//! image and resources it was given; its logs; and its document.

use std::collections::BTreeMap;

use berth_shared::engine::service::Service;
use berth_shared::engine::task::Task;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::percent_encode;
use crate::app::engine_status::use_engine_status;
use crate::app::environments::use_known_environments;
use crate::app::remote::remote_view;
use crate::app::use_route_param;
use crate::components::facts::FactsCard;
use crate::format;
use crate::logs::source::LogSource;
use crate::logs::viewer::LogsTab;
use crate::resource_page::detail_page::{DetailPage, DetailTab};
use crate::swarm::gate::ManagerOnly;
use crate::swarm::live::{use_settling, use_swarm_changes};
use crate::swarm::task_table::{Names, container_environment};
use crate::volumes::list::short_time;

/// A task and the names to show it by.
#[derive(Debug, Clone, PartialEq)]
struct Inspected {
    task: Task,
    raw: serde_json::Value,
    names: Names,
}

/// `/env/:env/tasks/:id`.
#[component]
pub fn TaskDetailPage() -> impl IntoView {
    view! { <ManagerOnly what="tasks"><TaskDetailInner/></ManagerOnly> }
}

/// The page, on a manager.
#[component]
fn TaskDetailInner() -> impl IntoView {
    let status = use_engine_status();
    let known = use_known_environments();
    let id = use_route_param("id");
    let inspected = status.remote(move |engine, signal| {
        let id = id.get();
        async move {
            let (task, raw) = engine.task(&id, Some(&signal)).await?;
            let (service, _) = engine.service(&task.service_id, Some(&signal)).await?;
            let (names, _) = Names::read(
                &engine,
                BTreeMap::from([(service.id.clone(), service.spec.name.clone())]),
                &signal,
            )
            .await?;
            Ok(Inspected { task, raw, names })
        }
    });
    let _live = use_swarm_changes(move |_| inspected.reload());
    use_settling(inspected, |found: &Inspected| found.task.is_on_its_way());
    let title = Signal::derive(move || {
        inspected
            .value()
            .map_or_else(|| id.get(), |found| found.names.task_label(&found.task))
    });
    let subtitle = Signal::derive(move || inspected.value().map(|found| found.task.id));
    let logs = DetailTab::new("logs", "Logs", move || {
        let Some(found) = inspected.value() else {
            return view! { <p class="muted">"Loading…"</p> }.into_any();
        };
        let label = format!(
            "{}@{}",
            found.names.task_label(&found.task),
            found.names.node(&found.task.node_id)
        );
        let source = LogSource::Swarm {
            id: found.task.id.clone(),
            task: true,
            tasks: BTreeMap::from([(found.task.id.clone(), label.clone())]),
            nodes: found.names.nodes,
        };
        view! { <LogsTab engine=status.engine_untracked() source=source name=label/> }.into_any()
    });
    view! {
        <DetailPage
            section="tasks"
            section_title="Tasks"
            title=title
            subtitle=subtitle
            subtitle_class="mono"
            remote=inspected
            removable=Signal::derive(|| None::<Service>)
            raw=Signal::derive(move || inspected.value().map(|found| found.raw))
            tabs=vec![logs]
        >
            {remote_view(inspected, status, "the task", move |found: Inspected| {
                let task = found.task.clone();
                let environment = status.environment.get_untracked();
                let container = task.container_id().map(str::to_owned);
                let node_name = found.names.node(&task.node_id);
                let (node, local_node) = (task.node_id.clone(), found.names.local_node.clone());
                let spec = &task.spec;
                let service_name = found.names.services.get(&task.service_id).cloned().unwrap_or_default();
                let exit = task.status.container_status.as_ref().filter(|c| c.exit_code != 0).map(|c| c.exit_code.to_string());
                view! {
                    <div class="cards">
                        <FactsCard title="Task" rows=vec![
                            ("Service".into(), service_name),
                            ("Slot".into(), if task.slot > 0 { task.slot.to_string() } else { "one per node".into() }),
                            ("Node".into(), found.names.node(&task.node_id)),
                            ("Desired".into(), task.desired_state.clone()),
                            ("State".into(), task.status.state.clone()),
                            ("Since".into(), task.status.timestamp.as_deref().map(short_time).unwrap_or_default()),
                            ("Message".into(), task.status.message.clone()),
                            ("Error".into(), task.status.err.clone()),
                            ("Exit code".into(), exit.unwrap_or_default()),
                        ]/>
                        <FactsCard title="Container" rows=vec![
                            ("Image".into(), spec.container_spec.image.clone()),
                            ("Memory limit".into(), match spec.resources.limits.memory_bytes { 0 => String::new(), bytes => format::bytes(bytes.max(0) as u64) }),
                            ("Created".into(), task.created_at.as_deref().map(short_time).unwrap_or_default()),
                        ]/>
                    </div>
                    <p data-testid="task-container">
                        {move || match (container.clone(), container_environment(&node, &local_node, &environment, &known)) {
                            (Some(id), Some(home)) => view! {
                                "Its container: "
                                <A href=format!("/env/{}/containers/{id}", percent_encode(&home)) attr:class="mono cell-link">{format::short_id(&id).to_owned()}</A>
                            }.into_any(),
                            (Some(id), None) => view! {
                                <span class="muted">{format!("Its container {} runs on {node_name}: add that node's engine as an environment to open it.", format::short_id(&id))}</span>
                            }.into_any(),
                            (None, _) => view! { <span class="muted">"It has no container yet."</span> }.into_any(),
                        }}
                    </p>
                }
            })}
        </DetailPage>
    }
}
