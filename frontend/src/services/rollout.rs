//! Changing a running service as a whole: redeploying it (the image's tag resolved again to
//! its registry's current digest, as `docker service update --force` does, so nodes pull what
//! the tag names now) and rolling it back; and how far a rollout has got, per task.

use berth_shared::engine::service::Service;
use berth_shared::engine::task::{Phase, Task};
use serde_json::Value;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::engine::images::Credentials;
use crate::api::engine::services::UpdateKind;
use crate::time;

/// What a redeploy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeployed {
    /// The tag resolved to this digest, which the nodes now run.
    Resolved(String),
    /// The registry could not be asked (why): the nodes pull the tag themselves.
    Unresolved(String),
}

/// `spec` redeployed: `ForceUpdate` moved on, and the image pinned to `digest` (or, without one,
/// unpinned, so each node pulls the tag).
pub fn redeploy_spec(spec: &Value, digest: Option<&str>) -> Value {
    let mut spec = spec.clone();
    let force = spec
        .pointer("/TaskTemplate/ForceUpdate")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    spec["TaskTemplate"]["ForceUpdate"] = Value::from(force + 1);
    if let Some(image) = spec
        .pointer("/TaskTemplate/ContainerSpec/Image")
        .and_then(Value::as_str)
        .map(str::to_owned)
    {
        let tag = image.split('@').next().unwrap_or_default().to_owned();
        let pinned = match digest {
            Some(digest) => format!("{tag}@{digest}"),
            None => tag,
        };
        spec["TaskTemplate"]["ContainerSpec"]["Image"] = Value::from(pinned);
    }
    spec
}

/// Redeploys the service `id`, asking the registry for its tag's digest first.
pub async fn redeploy(engine: &Engine, id: &str) -> Result<Redeployed, ApiError> {
    let (service, raw) = engine.service(id, None).await?;
    let spec = raw.get("Spec").cloned().unwrap_or_default();
    let image = service.spec.task_template.container_spec.image;
    let tag = image.split('@').next().unwrap_or_default();
    let (digest, outcome) = match engine.distribution(tag, Credentials::Anonymous, None).await {
        Ok(found) if !found.descriptor.digest.is_empty() => {
            let digest = found.descriptor.digest;
            (Some(digest.clone()), Redeployed::Resolved(digest))
        }
        Ok(_) => (
            None,
            Redeployed::Unresolved("the registry named no digest".into()),
        ),
        Err(error) => (None, Redeployed::Unresolved(error.to_string())),
    };
    engine
        .update_service(
            id,
            service.version,
            &redeploy_spec(&spec, digest.as_deref()),
            UpdateKind::Spec,
            Credentials::Anonymous,
        )
        .await?;
    Ok(outcome)
}

/// Rolls the service `id` back to its previous spec.
pub async fn roll_back(engine: &Engine, service: &Service) -> Result<(), ApiError> {
    let (current, raw) = engine.service(&service.id, None).await?;
    let spec = raw.get("Spec").cloned().unwrap_or_default();
    engine
        .update_service(
            &service.id,
            current.version,
            &spec,
            UpdateKind::Rollback,
            Credentials::Anonymous,
        )
        .await
        .map(drop)
}

/// The rollout under way: when it began, and whether it is a rollback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rollout {
    /// When the update (or rollback) began, in seconds.
    pub started: i64,
    /// Whether it rolls back to the previous spec.
    pub rollback: bool,
}

impl Rollout {
    /// `service`'s rollout, while one is under way.
    pub fn of(service: &Service) -> Option<Self> {
        let update = service
            .update_status
            .as_ref()
            .filter(|update| update.in_progress())?;
        let started = update
            .started_at
            .as_deref()
            .and_then(time::rfc3339_seconds)?;
        Some(Self {
            started,
            rollback: update.state.starts_with("rollback"),
        })
    }

    /// Where `task`, one the swarm wants running, stands in the rollout: a task made since it
    /// began has the new spec (running, or on its way); an older one waits to be replaced.
    /// Tasks the swarm no longer wants running have no mark.
    pub fn mark(&self, task: &Task) -> Option<TaskMark> {
        let created = task.created_at.as_deref().and_then(time::rfc3339_seconds);
        self.mark_made_at(task, created)
    }

    /// [`Rollout::mark`] for a task made at `created` (seconds), when that is known.
    fn mark_made_at(&self, task: &Task, created: Option<i64>) -> Option<TaskMark> {
        if task.desired_state != "running" {
            return None;
        }
        let created = created?;
        Some(if created < self.started {
            TaskMark::Waiting
        } else if task.phase() == Phase::Running {
            TaskMark::Done
        } else {
            TaskMark::Starting
        })
    }

    /// What `mark` is called in this rollout.
    pub fn word(&self, mark: TaskMark) -> &'static str {
        match (mark, self.rollback) {
            (TaskMark::Done, false) => "updated",
            (TaskMark::Done, true) => "rolled back",
            (TaskMark::Starting, false) => "updating",
            (TaskMark::Starting, true) => "rolling back",
            (TaskMark::Waiting, false) => "to update",
            (TaskMark::Waiting, true) => "to roll back",
        }
    }

    /// How far this rollout of `service` has come over its `tasks`.
    pub fn progress(&self, service: &Service, tasks: &[Task]) -> Progress {
        let wanted = service
            .service_status
            .map(|counts| counts.desired_tasks as usize)
            .unwrap_or_default();
        let done = tasks
            .iter()
            .filter(|task| self.mark(task) == Some(TaskMark::Done))
            .count();
        Progress { done, wanted }
    }
}

/// How far the current rollout is: tasks running since it started, of those wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Tasks started since the update began, and running.
    pub done: usize,
    /// Tasks the service wants.
    pub wanted: usize,
}

/// Where one task stands in a rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskMark {
    /// Made with the new spec, and running.
    Done,
    /// Made with the new spec, on its way to running.
    Starting,
    /// Older than the rollout: still to be replaced.
    Waiting,
}

impl TaskMark {
    /// The mark's name in the page (`data-rollout`).
    pub fn name(self) -> &'static str {
        match self {
            TaskMark::Done => "done",
            TaskMark::Starting => "starting",
            TaskMark::Waiting => "waiting",
        }
    }

    /// The badge it is drawn as.
    pub fn badge(self) -> &'static str {
        match self {
            TaskMark::Done => "badge-ok",
            TaskMark::Starting => "badge-warn",
            TaskMark::Waiting => "badge-neutral",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task(desired: &str, state: &str) -> Task {
        serde_json::from_value(json!({"DesiredState": desired, "Status": {"State": state}}))
            .unwrap()
    }

    #[test]
    fn each_task_is_marked_by_when_it_was_made_and_how_far_it_got() {
        // Timestamps are read by the browser's Date (js_sys), so here they are given as seconds.
        let rollout = Rollout {
            started: 1_000,
            rollback: false,
        };
        let marks: Vec<_> = [
            (task("running", "running"), Some(1_005)),
            (task("running", "preparing"), Some(1_006)),
            (task("running", "running"), Some(900)),
            (task("shutdown", "shutdown"), Some(900)),
            (task("running", "running"), None),
        ]
        .iter()
        .map(|(task, created)| rollout.mark_made_at(task, *created))
        .collect();
        assert_eq!(
            marks,
            [
                Some(TaskMark::Done),
                Some(TaskMark::Starting),
                Some(TaskMark::Waiting),
                None,
                None
            ]
        );
        assert_eq!(rollout.word(TaskMark::Waiting), "to update");
        let back = Rollout {
            rollback: true,
            ..rollout
        };
        assert_eq!(back.word(TaskMark::Done), "rolled back");
        assert_eq!(TaskMark::Starting.badge(), "badge-warn");
    }

    #[test]
    fn a_redeploy_forces_and_repins_the_image() {
        let spec = json!({"TaskTemplate": {"ForceUpdate": 2, "ContainerSpec": {"Image": "nginx:1@sha256:old", "Env": ["A=1"]}}});
        let resolved = redeploy_spec(&spec, Some("sha256:new"));
        assert_eq!(resolved["TaskTemplate"]["ForceUpdate"], 3);
        assert_eq!(
            resolved["TaskTemplate"]["ContainerSpec"]["Image"],
            "nginx:1@sha256:new"
        );
        assert_eq!(
            resolved["TaskTemplate"]["ContainerSpec"]["Env"],
            json!(["A=1"])
        );
        let unresolved = redeploy_spec(&spec, None);
        assert_eq!(
            unresolved["TaskTemplate"]["ContainerSpec"]["Image"],
            "nginx:1"
        );
        let fresh = redeploy_spec(
            &json!({"TaskTemplate": {"ContainerSpec": {"Image": "busybox"}}}),
            None,
        );
        assert_eq!(fresh["TaskTemplate"]["ForceUpdate"], 1);
    }
}
