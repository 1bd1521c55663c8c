//! Lifecycle actions on containers, for one row, a selection or the container page: running
//! them with a toast per outcome ([`run_operation`]), which containers have one under way
//! ([`Busy`]), one container's menu of actions ([`menu`]), and the dialogs of those that need
//! options or a confirmation ([`dialogs`], what they take checked in [`checks`]). The list and
//! the container page use the same, so both offer, say and do the same.

mod checks;
mod dialogs;
mod menu;

pub use dialogs::{ContainerDialogs, Pending};
pub use menu::{ContainerCommand, Step, action_items, container_commands};

use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;

use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::engine::containers::ContainerAction;
use crate::components::toast::{Toaster, action_failed};
use crate::format;

/// One operation on a container.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// Start, restart, pause, unpause, or a plain stop.
    Simple(ContainerAction),
    /// Stop, killing after this many seconds.
    Stop(Option<u32>),
    /// Send this signal.
    Kill(String),
    /// Remove, stopping first; also its anonymous volumes when set.
    Remove(bool),
}

impl Operation {
    fn verb(&self) -> &'static str {
        match self {
            Operation::Simple(ContainerAction::Start) => "start",
            Operation::Simple(ContainerAction::Restart) => "restart",
            Operation::Simple(ContainerAction::Pause) => "pause",
            Operation::Simple(ContainerAction::Unpause) => "unpause",
            Operation::Simple(ContainerAction::Stop) | Operation::Stop(_) => "stop",
            Operation::Kill(_) => "kill",
            Operation::Remove(_) => "remove",
        }
    }

    fn past(&self) -> &'static str {
        match self {
            Operation::Simple(ContainerAction::Start) => "Started",
            Operation::Simple(ContainerAction::Restart) => "Restarted",
            Operation::Simple(ContainerAction::Pause) => "Paused",
            Operation::Simple(ContainerAction::Unpause) => "Unpaused",
            Operation::Simple(ContainerAction::Stop) | Operation::Stop(_) => "Stopped",
            Operation::Kill(_) => "Signalled",
            Operation::Remove(_) => "Removed",
        }
    }

    async fn run(&self, engine: &Engine, id: &str) -> Result<(), ApiError> {
        match self {
            Operation::Simple(action) => engine.container_action(id, *action).await,
            Operation::Stop(timeout) => engine.stop_container(id, *timeout).await,
            Operation::Kill(signal) => engine.kill_container(id, signal).await,
            Operation::Remove(volumes) => engine.remove_container(id, true, *volumes).await,
        }
    }
}

/// The actions under way on a page's containers: which containers have one (their buttons are
/// disabled meanwhile), and what the page does with those whose action ended, whatever its
/// outcome: the Containers page fetches their rows again, so the result shows at once even
/// while the event stream is slow or reconnecting.
#[derive(Clone, Copy)]
pub struct Busy {
    ids: RwSignal<BTreeSet<String>>,
    ended: Callback<Vec<String>>,
    removed: Option<Callback<String>>,
}

impl Busy {
    /// Nothing under way yet; `ended` gets the ids of the containers whose action ended.
    pub fn new(ended: impl Fn(Vec<String>) + Send + Sync + 'static) -> Self {
        Busy {
            ids: RwSignal::new(BTreeSet::new()),
            ended: Callback::new(ended),
            removed: None,
        }
    }

    /// Also calls `removed` with the id of each container a removal took away (the container
    /// page goes back to the list).
    pub fn on_removed(self, removed: impl Fn(String) + Send + Sync + 'static) -> Self {
        Busy {
            removed: Some(Callback::new(removed)),
            ..self
        }
    }

    /// For actions started away from a list of containers: nothing to fetch again.
    pub fn detached() -> Self {
        Busy::new(|_| {})
    }

    /// Whether `id` has an action under way (tracked).
    pub fn has(&self, id: &str) -> bool {
        self.ids.with(|ids| ids.contains(id))
    }

    fn start<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        self.ids
            .update(|busy| busy.extend(ids.into_iter().map(str::to_owned)));
    }

    /// Ends `id`'s action. The page may be gone by then: nothing happens.
    fn end(&self, id: &str) {
        self.ids.try_update(|busy| {
            busy.remove(id);
        });
        self.changed(vec![id.to_owned()]);
    }

    /// Containers that an action changed without marking them first (such as a prune).
    fn changed(&self, ids: Vec<String>) {
        self.ended.try_run(ids);
    }
}

/// Runs `operation` on every container at once, marking them busy meanwhile, and reports the
/// outcome: one toast for the successes, one per failure with the engine's message.
pub fn run_operation(
    engine: Engine,
    toaster: Toaster,
    busy: Busy,
    containers: Vec<ContainerSummary>,
    operation: Operation,
) {
    let total = containers.len();
    if total == 0 {
        return;
    }
    let succeeded = Rc::new(Cell::new(0usize));
    let finished = Rc::new(Cell::new(0usize));
    let single_name = (total == 1).then(|| containers[0].display_name().to_owned());
    let operation = Rc::new(operation);
    busy.start(containers.iter().map(|c| c.id.as_str()));
    for container in containers {
        let (engine, operation) = (engine.clone(), operation.clone());
        let (succeeded, finished, single_name) =
            (succeeded.clone(), finished.clone(), single_name.clone());
        spawn_local(async move {
            let result = operation.run(&engine, &container.id).await;
            busy.end(&container.id);
            match result {
                Ok(()) => {
                    succeeded.set(succeeded.get() + 1);
                    if let (Operation::Remove(_), Some(removed)) = (&*operation, busy.removed) {
                        removed.try_run(container.id.clone());
                    }
                }
                Err(error) => toaster.error(action_failed(
                    operation.verb(),
                    container.display_name(),
                    &error,
                )),
            }
            finished.set(finished.get() + 1);
            if finished.get() == total && succeeded.get() > 0 {
                let what = match &single_name {
                    Some(name) => name.clone(),
                    None => format::count(succeeded.get(), "container", "containers"),
                };
                toaster.success(format!("{} {what}", operation.past()));
            }
        });
    }
}
