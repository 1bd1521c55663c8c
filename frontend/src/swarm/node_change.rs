//! Changing one node, asked first in one dialog: its availability (a drain names the tasks
//! that will move), promotion and demotion (with what they do to the quorum), and its labels.
//! Each sends the node's whole spec at the version it was read at, so a change made meanwhile
//! by someone else is refused rather than overwritten.

use berth_shared::engine::node::{Node, NodeSpec, Quorum};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::services::TaskScope;
use crate::app::engine_status::use_engine_status;
use crate::components::confirm::ConfirmDialog;
use crate::components::fields::{FormErrors, KeyValueField};
use crate::components::segmented::Segmented;
use crate::components::toast::use_toaster;
use crate::field_error::FieldError;
use crate::key_values;
use crate::resource_page::removal::report_failure;
use crate::swarm::nodes::with_availability;

const LABELS: &str = "Labels";

/// A change an admin asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeChange {
    /// Another availability.
    Availability(Node),
    /// Make it a manager.
    Promote(Node),
    /// Make it a worker.
    Demote(Node),
    /// Edit its labels.
    Labels(Node),
}

/// The availabilities a node can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Availability {
    Active,
    Pause,
    Drain,
}

impl Availability {
    fn of(text: &str) -> Self {
        match text {
            "drain" => Self::Drain,
            "pause" => Self::Pause,
            _ => Self::Active,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pause => "pause",
            Self::Drain => "drain",
        }
    }
}

impl NodeChange {
    /// The availability change of `node`, to whatever it is not.
    pub fn availability_of(node: &Node) -> Self {
        Self::Availability(node.clone())
    }

    fn node(&self) -> &Node {
        match self {
            Self::Availability(node)
            | Self::Promote(node)
            | Self::Demote(node)
            | Self::Labels(node) => node,
        }
    }
}

/// What demoting a manager does to the quorum, in a sentence.
pub fn demotion_warning(quorum: Option<Quorum>) -> String {
    match quorum {
        Some(quorum) if quorum.managers <= 1 => {
            "This is the only manager: the engine refuses to demote it.".to_owned()
        }
        Some(quorum) if quorum.survives_losing_one(true) => format!(
            "The swarm keeps {} managers, and its quorum.",
            quorum.managers - 1
        ),
        Some(quorum) => format!(
            "Quorum at stake: of {} managers, {} are reachable; with one fewer the swarm cannot make changes until another manager is back.",
            quorum.managers, quorum.reachable
        ),
        None => String::new(),
    }
}

/// The dialog of the change in `pending`.
#[component]
pub fn NodeChangeDialog(
    /// The change asked for.
    pending: RwSignal<Option<NodeChange>>,
    /// The quorum, from the nodes list.
    #[prop(into)]
    quorum: Signal<Option<Quorum>>,
    /// Runs once a change is made.
    on_done: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let availability = RwSignal::new(Availability::Active);
    let labels = RwSignal::new(String::new());
    let error = RwSignal::new(None::<FieldError>);
    let moving = RwSignal::new(None::<Vec<String>>);
    Effect::new(move || {
        let Some(change) = pending.get() else {
            return;
        };
        error.set(None);
        moving.set(None);
        let node = change.node().clone();
        let current = Availability::of(&node.spec.availability);
        availability.set(if current == Availability::Active {
            Availability::Drain
        } else {
            Availability::Active
        });
        labels.set(key_values::join(&node.spec.labels, "\n"));
        if matches!(change, NodeChange::Availability(_)) {
            let engine = status.engine_untracked();
            spawn_local(async move {
                let tasks = engine.tasks(&TaskScope::Node(node.id.clone()), None).await;
                let services = engine.service_specs(None).await.unwrap_or_default();
                let names: Vec<String> = tasks
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|task| task.desired_state == "running")
                    .map(|task| {
                        let service = services
                            .iter()
                            .find(|service| service.id == task.service_id)
                            .map_or(task.service_id.clone(), |service| service.spec.name.clone());
                        if task.slot > 0 {
                            format!("{service}.{}", task.slot)
                        } else {
                            service
                        }
                    })
                    .collect();
                moving.set(Some(names));
            });
        }
    });
    let title = Signal::derive(move || {
        pending.with(|change| match change {
            Some(NodeChange::Availability(node)) => {
                format!("Change the availability of {}?", node.display_name())
            }
            Some(NodeChange::Promote(node)) => {
                format!("Promote {} to manager?", node.display_name())
            }
            Some(NodeChange::Demote(node)) => format!("Demote {} to worker?", node.display_name()),
            Some(NodeChange::Labels(node)) => format!("Labels of {}", node.display_name()),
            None => String::new(),
        })
    });
    let confirm_label = Signal::derive(move || {
        pending.with(|change| {
            match change {
                Some(NodeChange::Availability(_)) => match availability.get() {
                    Availability::Drain => "Drain node",
                    Availability::Pause => "Pause node",
                    Availability::Active => "Activate node",
                },
                Some(NodeChange::Promote(_)) => "Promote",
                Some(NodeChange::Demote(_)) => "Demote",
                Some(NodeChange::Labels(_)) => "Save labels",
                None => "",
            }
            .to_owned()
        })
    });
    let safe = Signal::derive(move || {
        pending.with(|change| match change {
            Some(NodeChange::Availability(_)) => availability.get() == Availability::Active,
            Some(NodeChange::Labels(_) | NodeChange::Promote(_)) => true,
            _ => false,
        })
    });
    let confirm = Callback::new(move |()| {
        let Some(change) = pending.get_untracked() else {
            return;
        };
        let node = change.node().clone();
        let spec: NodeSpec = match &change {
            NodeChange::Availability(_) => {
                with_availability(&node.spec, availability.get_untracked().word())
            }
            NodeChange::Promote(_) => NodeSpec {
                role: "manager".into(),
                ..node.spec.clone()
            },
            NodeChange::Demote(_) => NodeSpec {
                role: "worker".into(),
                ..node.spec.clone()
            },
            NodeChange::Labels(_) => match key_values::parse(LABELS, &labels.get_untracked()) {
                Ok(parsed) => NodeSpec {
                    labels: parsed,
                    ..node.spec.clone()
                },
                Err(invalid) => {
                    error.set(Some(invalid));
                    return;
                }
            },
        };
        pending.set(None);
        let engine = status.engine_untracked();
        let name = node.display_name().to_owned();
        spawn_local(async move {
            match engine.update_node(&node.id, node.version, &spec).await {
                Ok(()) => {
                    toaster.success(match change {
                        NodeChange::Availability(_) => {
                            format!("{name} is now {}", spec.availability)
                        }
                        NodeChange::Promote(_) => format!("Promoted {name} to manager"),
                        NodeChange::Demote(_) => format!("Demoted {name} to worker"),
                        NodeChange::Labels(_) => format!("Saved the labels of {name}"),
                    });
                    on_done.run(());
                }
                Err(failure) => {
                    report_failure(toaster, status, "change", &format!("node {name}"), &failure);
                }
            }
        });
    });
    let body = move || {
        let change = pending.get()?;
        Some(match change {
            NodeChange::Availability(_) => view! {
                <Segmented label="Availability" options=vec![
                    (Availability::Active, "Active"),
                    (Availability::Pause, "Pause"),
                    (Availability::Drain, "Drain"),
                ] value=availability/>
                <p>{move || match availability.get() {
                    Availability::Active => "The node takes new tasks again.",
                    Availability::Pause => "The node keeps its tasks but takes no new ones.",
                    Availability::Drain => "The node's tasks are stopped and started on other nodes, and it takes no new ones.",
                }}</p>
                {move || (availability.get() == Availability::Drain).then(|| match moving.get() {
                    None => view! { <p class="muted">"Finding the tasks on this node…"</p> }.into_any(),
                    Some(names) if names.is_empty() => view! { <p class="muted">"No tasks run on it now."</p> }.into_any(),
                    Some(names) => view! {
                        <p>{format!("{} task{} will move:", names.len(), if names.len() == 1 { "" } else { "s" })}</p>
                        <ul class="dialog-list mono" data-testid="moving-tasks">
                            {names.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            }
            .into_any(),
            NodeChange::Promote(_) => view! {
                <p>"A manager takes part in the swarm's decisions and can serve its API. An odd number of managers (3 or 5) keeps a quorum through failures."</p>
            }
            .into_any(),
            NodeChange::Demote(_) => view! {
                <p>"The node stops taking part in the swarm's decisions."</p>
                <p data-testid="quorum-warning">{move || demotion_warning(quorum.get())}</p>
            }
            .into_any(),
            NodeChange::Labels(_) => view! {
                <p class="muted">"Placement constraints match labels, such as node.labels.zone==a."</p>
                <KeyValueField label=LABELS value=labels error=FormErrors::from(error) placeholder="zone=a\ndisk=ssd"/>
            }
            .into_any(),
        })
    };
    view! {
        <ConfirmDialog open=Signal::derive(move || pending.with(Option::is_some)) title=title
            confirm_label=confirm_label safe=safe on_confirm=confirm
            on_cancel=Callback::new(move |()| pending.set(None))>
            {body}
        </ConfirmDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demotion_warns_when_the_quorum_is_at_stake() {
        let quorum = |managers, reachable| {
            Some(Quorum {
                managers,
                reachable,
            })
        };
        assert!(demotion_warning(quorum(1, 1)).contains("only manager"));
        assert!(demotion_warning(quorum(3, 3)).contains("keeps 2 managers"));
        assert!(demotion_warning(quorum(3, 2)).contains("Quorum at stake"));
    }
}
