//! `/env/:env/services/:id`: one service. Overview: its facts, a rollout's progress per task,
//! and its tasks (current ones first, then their history); Logs: every task's lines in one
//! followed view; Inspect: the document. Operators scale it, redeploy it (the image's tag
//! resolved again), roll it back, edit it and remove it.
//!
//! The page follows the swarm's events. A worker's task changes reach the manager's event
//! stream only as service updates, so while the service is short of its tasks, has a task on its
//! way to running, or is rolling out, the page reads it again until it has settled
//! (`swarm/live.rs`'s `use_settling`).

use std::collections::BTreeMap;

use berth_shared::access::Access;
use berth_shared::engine::service::Service;
use berth_shared::engine::task::Task;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::engine::services::TaskScope;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::remote_view;
use crate::app::session::use_session;
use crate::app::use_route_param;
use crate::components::confirm::ConfirmDialog;
use crate::components::facts::FactsCard;
use crate::components::toast::use_toaster;
use crate::format;
use crate::logs::source::LogSource;
use crate::logs::viewer::LogsTab;
use crate::resource_page::detail_page::{DetailPage, DetailTab};
use crate::resource_page::removal::report_failure;
use crate::services::list::scale_typed;
use crate::services::rollout::{Redeployed, Rollout, redeploy, roll_back};
use crate::swarm::gate::ManagerOnly;
use crate::swarm::live::{SwarmChange, use_settling, use_swarm_changes};
use crate::swarm::task_table::{Names, TaskTable, sort_tasks};
use crate::volumes::list::short_time;

/// A service with its tasks and the names to show them by.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspected {
    pub service: Service,
    pub raw: serde_json::Value,
    pub tasks: Vec<Task>,
    pub names: Names,
}

impl Inspected {
    /// Whether the service is short of tasks, has a task on its way, or is rolling out. The
    /// tasks read are checked too, not only the engine's counts: after a drain the counts can
    /// already include tasks that the list, read a moment apart, does not have yet.
    fn settling(&self) -> bool {
        let running = self
            .tasks
            .iter()
            .filter(|task| task.is_running_as_wanted())
            .count() as u64;
        let short = !self.service.is_job()
            && self
                .service
                .service_status
                .is_some_and(|counts| running < counts.desired_tasks);
        short || !self.service.is_settled() || self.tasks.iter().any(Task::is_on_its_way)
    }
}

/// A confirmation the page asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Redeploy,
    Rollback,
}

/// `/env/:env/services/:id`.
#[component]
pub fn ServiceDetailPage() -> impl IntoView {
    view! { <ManagerOnly what="services"><ServiceDetailInner/></ManagerOnly> }
}

/// The page, on a manager.
#[component]
fn ServiceDetailInner() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let can_operate = use_session().can(Access::Operate);
    let id = use_route_param("id");
    let inspected = status.remote(move |engine, signal| {
        let id = id.get();
        async move {
            let (service, raw) = engine.service(&id, Some(&signal)).await?;
            // `GET /services/{id}` has no counts: the list's row has them.
            let counted = engine.service_row(&service.id, Some(&signal)).await?;
            let service = Service {
                service_status: counted.and_then(|row| row.service_status),
                ..service
            };
            let mut tasks = engine
                .tasks(&TaskScope::Service(service.id.clone()), Some(&signal))
                .await?;
            let (names, _) = Names::read(
                &engine,
                BTreeMap::from([(service.id.clone(), service.spec.name.clone())]),
                &signal,
            )
            .await?;
            sort_tasks(&mut tasks, &names);
            Ok(Inspected {
                service,
                raw,
                tasks,
                names,
            })
        }
    });
    let _live = use_swarm_changes(move |changes| {
        let mine = id.get_untracked();
        if changes.iter().any(|change| match change {
            SwarmChange::Service(service) => *service == mine,
            SwarmChange::Node(_) => true,
            SwarmChange::Stored(_) => false,
        }) {
            inspected.reload();
        }
    });
    use_settling(inspected, Inspected::settling);
    let asked = RwSignal::new(None::<Asked>);
    let confirm = Callback::new(move |()| {
        let Some(what) = asked.get_untracked() else {
            return;
        };
        asked.set(None);
        let Some(found) = inspected.value() else {
            return;
        };
        let engine = status.engine_untracked();
        let name = found.service.spec.name.clone();
        spawn_local(async move {
            match what {
                Asked::Redeploy => match redeploy(&engine, &found.service.id).await {
                    Ok(Redeployed::Resolved(digest)) => toaster.success(format!("Redeploying {name} with {}", format::short_id(&digest))),
                    Ok(Redeployed::Unresolved(why)) => toaster.success(format!("Redeploying {name}; the registry could not be asked ({why}), so each node pulls the tag itself")),
                    Err(error) => report_failure(toaster, status, "redeploy", &format!("service {name}"), &error),
                },
                Asked::Rollback => match roll_back(&engine, &found.service).await {
                    Ok(()) => toaster.success(format!("Rolling {name} back")),
                    Err(error) => report_failure(toaster, status, "roll back", &format!("service {name}"), &error),
                },
            }
            inspected.reload();
        });
    });
    let title = Signal::derive(move || {
        inspected
            .value()
            .map_or_else(|| id.get(), |found| found.service.spec.name)
    });
    let subtitle = Signal::derive(move || inspected.value().map(|found| found.service.id));
    let removable = Signal::derive(move || {
        can_operate
            .then(|| inspected.value().map(|found| found.service))
            .flatten()
    });
    let actions = move || {
        can_operate.then(|| {
            let has_previous = move || inspected.value().is_some_and(|found| found.service.previous_spec.is_some());
            view! {
                <A href=move || format!("/env/{}/services/{}/edit", status.environment.get(), id.get()) attr:class="btn">"Edit"</A>
                <button type="button" class="btn" data-testid="redeploy" on:click=move |_| asked.set(Some(Asked::Redeploy))>"Redeploy"</button>
                <button type="button" class="btn" data-testid="rollback" disabled=move || !has_previous()
                    title=move || if has_previous() { "" } else { "No earlier version to go back to" }
                    on:click=move |_| asked.set(Some(Asked::Rollback))>"Roll back"</button>
            }
        })
    };
    let dialogs = move || {
        let name = move || {
            inspected
                .value()
                .map(|found| found.service.spec.name)
                .unwrap_or_default()
        };
        view! {
            <ConfirmDialog open=Signal::derive(move || asked.get().is_some())
                title=Signal::derive(move || match asked.get() {
                    Some(Asked::Redeploy) => format!("Redeploy {}?", name()),
                    Some(Asked::Rollback) => format!("Roll {} back?", name()),
                    None => String::new(),
                })
                confirm_label=Signal::derive(move || if asked.get() == Some(Asked::Rollback) { "Roll back".to_owned() } else { "Redeploy".to_owned() })
                on_confirm=confirm on_cancel=Callback::new(move |()| asked.set(None))>
                <p>{move || match asked.get() {
                    Some(Asked::Redeploy) => "Every task is replaced as the update settings say, with the image its tag names now in the registry. Tasks being replaced stop; their containers' writable layers are lost.",
                    _ => "The service returns to its settings before the last update, replacing its tasks as the rollback settings say.",
                }}</p>
            </ConfirmDialog>
        }
    };
    let logs = DetailTab::new("logs", "Logs", move || {
        let Some(found) = inspected.value() else {
            return view! { <p class="muted">"Loading…"</p> }.into_any();
        };
        let tasks = found
            .tasks
            .iter()
            .map(|task| {
                (
                    task.id.clone(),
                    format!(
                        "{}@{}",
                        found.names.task_label(task),
                        found.names.node(&task.node_id)
                    ),
                )
            })
            .collect();
        let source = LogSource::Swarm {
            task: false,
            id: found.service.id.clone(),
            tasks,
            nodes: found.names.nodes.clone(),
        };
        view! { <LogsTab engine=status.engine_untracked() source=source name=found.service.spec.name/> }.into_any()
    });
    view! {
        <DetailPage
            section="services"
            section_title="Services"
            title=title
            subtitle=subtitle
            subtitle_class="mono"
            remote=inspected
            removable=removable
            raw=Signal::derive(move || inspected.value().map(|found| found.raw))
            tabs=vec![logs]
            actions=ToChildren::to_children(actions)
            dialogs=ToChildren::to_children(dialogs)
        >
            {remote_view(inspected, status, "the service", move |found: Inspected| {
                view! { <Overview found=found can_operate=can_operate on_changed=Callback::new(move |()| inspected.reload())/> }
            })}
        </DetailPage>
    }
}

/// The Overview tab.
#[component]
fn Overview(found: Inspected, can_operate: bool, on_changed: Callback<()>) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let service = found.service.clone();
    let spec = &service.spec;
    let container = &spec.task_template.container_spec;
    let counts = service.service_status.unwrap_or_default();
    let ports: Vec<String> = service.ports().iter().map(|port| port.describe()).collect();
    let update = service.update_status.clone();
    let rolling = Rollout::of(&service);
    let rollout = rolling.map(|rolling| rolling.progress(&service, &found.tasks));
    let current: Vec<Task> = found
        .tasks
        .iter()
        .filter(|t| t.desired_state == "running")
        .cloned()
        .collect();
    let history: Vec<Task> = found
        .tasks
        .iter()
        .filter(|t| t.desired_state != "running")
        .cloned()
        .collect();
    let environment = status.environment.get_untracked();
    let replicas = spec.mode.replicas();
    let typed = RwSignal::new(replicas.unwrap_or_default().to_string());
    let (id, version, name) = (service.id.clone(), service.version, spec.name.clone());
    let scale = move |_| {
        scale_typed(
            status,
            toaster,
            (&id, version, &name),
            &typed.get_untracked(),
            Some(on_changed),
        );
    };
    let networks: Vec<String> = spec
        .task_template
        .networks
        .iter()
        .chain(&spec.networks)
        .map(|n| n.target.clone())
        .collect();
    view! {
        {update.map(|update| {
            let state = update.state.replace('_', " ");
            let message = update.message.clone();
            view! {
                <div class=if update.state.contains("paused") || update.state.contains("rollback") { "alert alert-warn" } else { "alert alert-note" }
                    role="status" data-testid="update-status">
                    <strong>{format!("Update {state}")}</strong>
                    {(!message.is_empty()).then(|| view! { <span>{format!(": {message}")}</span> })}
                    {rollout.map(|rollout| view! {
                        <div class="rollout-progress" aria-label="Tasks updated">
                            <progress max=rollout.wanted.max(1).to_string() value=rollout.done.to_string()></progress>
                            <span>{format!("{} of {} tasks updated", rollout.done, rollout.wanted)}</span>
                        </div>
                    })}
                </div>
            }
        })}
        <div class="cards">
            <FactsCard title="Service" rows=vec![
                ("Mode".into(), spec.mode.name().to_owned()),
                ("Tasks".into(), format!("{} running of {} wanted", counts.running_tasks, counts.desired_tasks)),
                ("Image".into(), container.image.clone()),
                ("Ports".into(), ports.join(", ")),
                ("Networks".into(), networks.join(", ")),
                ("Created".into(), service.created_at.as_deref().map(short_time).unwrap_or_default()),
                ("Updated".into(), service.updated_at.as_deref().map(short_time).unwrap_or_default()),
            ]/>
            <FactsCard title="Placement" rows=spec.task_template.placement.constraints.iter().map(|c| ("Constraint".to_owned(), c.clone())).collect() empty="Any node" mono=true/>
            <FactsCard title="Labels" rows=spec.labels.clone().into_iter().collect() empty="No labels" mono=true/>
        </div>
        {(can_operate && replicas.is_some()).then(|| view! {
            <form class="inline-form" data-testid="scale-form" on:submit=move |event| { event.prevent_default(); scale(()); }>
                <label class="field field-inline">
                    <span class="field-label">"Replicas"</span>
                    <input type="number" min="0" class="input-small" prop:value=move || typed.get() on:input=move |event| typed.set(event_target_value(&event))/>
                </label>
                <button type="submit" class="btn btn-primary">"Scale"</button>
            </form>
        })}
        <h2 class="section-title tasks-heading">{format!("Tasks · {}", current.len())}</h2>
        <TaskTable tasks=current names=found.names.clone() environment=environment.clone() testid="service-tasks" rollout=rolling/>
        {(!history.is_empty()).then(|| view! {
            <details class="task-history">
                <summary>{format!("Earlier tasks · {}", history.len())}</summary>
                <TaskTable tasks=history names=found.names.clone() environment=environment testid="service-task-history"/>
            </details>
        })}
    }
}
