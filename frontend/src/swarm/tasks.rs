//! `/env/:env/tasks`: the swarm's tasks, filtered by service, node and whether they are
//! current or history, following the swarm's events. Like every long table, it draws a page
//! of rows at a time ([`RowLimit`]), and a search redraws only the rows that change.

use berth_shared::engine::task::Task;
use leptos::prelude::*;

use crate::api::engine::services::TaskScope;
use crate::api::together::together;
use crate::app::engine_status::use_engine_status;
use crate::app::live_events::LiveIndicator;
use crate::app::remote::remote_view;
use crate::components::icons::IconKind;
use crate::components::row_limit::{MoreRows, RowLimit};
use crate::components::segmented::Segmented;
use crate::components::states::EmptyState;
use crate::components::toolbar::{RefreshButton, SearchBox, matches_search};
use crate::format;
use crate::swarm::gate::ManagerOnly;
use crate::swarm::live::{use_settling, use_swarm_changes};
use crate::swarm::task_table::{Names, TaskTable, sort_tasks};

/// Every task, and the names to show them by.
#[derive(Debug, Clone, PartialEq)]
struct AllTasks {
    tasks: Vec<Task>,
    names: Names,
}

/// The tasks that `search` finds among the current ones (or all of them, with `history`).
fn chosen<'a>(all: &'a AllTasks, search: &str, history: bool) -> Vec<&'a Task> {
    all.tasks
        .iter()
        .filter(|task| history || task.desired_state == "running")
        .filter(|task| {
            let text = format!(
                "{} {} {} {}",
                all.names.task_label(task),
                all.names.node(&task.node_id),
                task.status.state,
                task.id
            );
            matches_search(search, &text)
        })
        .collect()
}

/// `/env/:env/tasks`.
#[component]
pub fn TasksPage() -> impl IntoView {
    view! { <ManagerOnly what="tasks"><TasksInner/></ManagerOnly> }
}

/// The page, on a manager.
#[component]
fn TasksInner() -> impl IntoView {
    let status = use_engine_status();
    let search = RwSignal::new(String::new());
    let history = RwSignal::new(false);
    let tasks = status.remote(move |engine, signal| {
        async move {
            // The names (services without their counts, nodes, this node) come while the
            // engine lists the tasks, the long part.
            let names = {
                let (engine, signal) = (engine.clone(), signal.clone());
                async move {
                    let services = engine.service_specs(Some(&signal)).await?;
                    let names = services.into_iter().map(|s| (s.id, s.spec.name)).collect();
                    Names::read(&engine, names, &signal).await
                }
            };
            let (tasks, names) =
                together(engine.tasks(&TaskScope::All, Some(&signal)), names).await;
            let (mut tasks, (names, _)) = (tasks?, names?);
            sort_tasks(&mut tasks, &names);
            Ok(AllTasks { tasks, names })
        }
    });
    let live = use_swarm_changes(move |_| tasks.reload());
    use_settling(tasks, |all: &AllTasks| {
        all.tasks.iter().any(Task::is_on_its_way)
    });
    let summary = move || {
        tasks.value().map(|all| {
            let running = all
                .tasks
                .iter()
                .filter(|t| t.desired_state == "running")
                .count();
            format!(
                "{} · {} wanted running",
                format::count(all.tasks.len(), "task", "tasks"),
                format::thousands(running)
            )
        })
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Tasks"</h1>
                    <p class="page-sub" data-testid="task-summary">{summary}</p>
                </div>
                <div class="toolbar">
                    <Segmented label="Show tasks" options=vec![(false, "Current"), (true, "With history")] value=history/>
                    <SearchBox text=search what="tasks"/>
                    <RefreshButton remote=tasks/>
                    <LiveIndicator status=live/>
                </div>
            </div>
            {remote_view(tasks, status, "tasks", move |all: AllTasks| {
                if all.tasks.is_empty() {
                    return view! {
                        <EmptyState icon=IconKind::Task title="No tasks">
                            <p>"Services make tasks: one per replica, or one per node for a global service."</p>
                        </EmptyState>
                    }
                    .into_any();
                }
                let environment = status.environment.get_untracked();
                let names = all.names.clone();
                let all = StoredValue::new(all);
                let found = Memo::new(move |_| {
                    all.with_value(|all| {
                        chosen(all, &search.get(), history.get())
                            .into_iter()
                            .cloned()
                            .collect::<Vec<Task>>()
                    })
                });
                let (limit, shown) = RowLimit::first_rows(found);
                view! {
                    {move || found.with(Vec::is_empty).then(|| view! { <p class="muted">"No task matches."</p> })}
                    <TaskTable tasks=shown names=names environment=environment/>
                    <MoreRows rows=limit/>
                }
                .into_any()
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn the_search_finds_tasks_by_service_node_and_state() {
        let task = |id: &str, slot: u64, node: &str, desired: &str, state: &str| {
            let mut task = Task {
                id: id.into(),
                service_id: "s1".into(),
                slot,
                node_id: node.into(),
                desired_state: desired.into(),
                ..Task::default()
            };
            task.status.state = state.into();
            task
        };
        let all = AllTasks {
            tasks: vec![
                task("t1", 1, "n1", "running", "running"),
                task("t2", 2, "n2", "running", "preparing"),
                task("t3", 1, "n1", "shutdown", "failed"),
            ],
            names: Names {
                services: BTreeMap::from([("s1".into(), "web".into())]),
                nodes: BTreeMap::from([("n1".into(), "nas".into()), ("n2".into(), "pi".into())]),
                local_node: String::new(),
            },
        };
        let ids = |found: Vec<&Task>| found.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(chosen(&all, "", false)), ["t1", "t2"]);
        assert_eq!(ids(chosen(&all, "pi", false)), ["t2"]);
        assert_eq!(ids(chosen(&all, "web.1", true)), ["t1", "t3"]);
        assert_eq!(ids(chosen(&all, "failed", true)), ["t3"]);
    }
}
