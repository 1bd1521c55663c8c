//! Swarm tasks: `GET /tasks`, one task, and the states a task goes through.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::service::TaskSpec;
use super::swarm::ObjectVersion;

/// One task: a slot of a service on a node.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Task {
    /// The task's id.
    #[serde(rename = "ID")]
    pub id: String,
    /// Its version.
    pub version: ObjectVersion,
    /// When it was made, RFC 3339.
    pub created_at: Option<String>,
    /// When it last changed.
    pub updated_at: Option<String>,
    /// Its name, rarely set (the CLI derives `service.slot`).
    pub name: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// What it runs.
    pub spec: TaskSpec,
    /// Its service.
    #[serde(rename = "ServiceID")]
    pub service_id: String,
    /// Its slot in a replicated service (global tasks have none).
    pub slot: u64,
    /// Its node, once scheduled.
    #[serde(rename = "NodeID")]
    pub node_id: String,
    /// Where it is.
    pub status: TaskStatus,
    /// Where the swarm wants it: `running`, `shutdown`, …
    pub desired_state: String,
}

/// `Status` of a task.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TaskStatus {
    /// When it reached this state.
    pub timestamp: Option<String>,
    /// `new`, `pending`, `assigned`, `accepted`, `preparing`, `ready`, `starting`, `running`,
    /// `complete`, `shutdown`, `failed`, `rejected`, `remove` or `orphaned`.
    pub state: String,
    /// What the agent says about it.
    pub message: String,
    /// Why it failed.
    pub err: String,
    /// Its container, once it has one.
    pub container_status: Option<TaskContainer>,
}

/// `Status.ContainerStatus`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TaskContainer {
    /// The container's id on its node.
    #[serde(rename = "ContainerID")]
    pub container_id: String,
    /// Its process's pid.
    #[serde(rename = "PID")]
    pub pid: i64,
    /// Its exit code, once it exited.
    pub exit_code: i64,
}

/// How a task's state reads, for colours and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// On its way: new to starting.
    Starting,
    /// Running.
    Running,
    /// Done well: complete, or shut down as asked.
    Ended,
    /// Failed, rejected or orphaned.
    Failed,
}

impl Task {
    /// The phase of [`TaskStatus::state`].
    pub fn phase(&self) -> Phase {
        phase_of(&self.status.state)
    }

    /// Whether the swarm wants it running and it is not there yet.
    pub fn is_on_its_way(&self) -> bool {
        self.desired_state == "running" && self.phase() == Phase::Starting
    }

    /// Whether the swarm wants it running and it runs.
    pub fn is_running_as_wanted(&self) -> bool {
        self.desired_state == "running" && self.phase() == Phase::Running
    }

    /// The container's id, once it has one.
    pub fn container_id(&self) -> Option<&str> {
        self.status
            .container_status
            .as_ref()
            .map(|container| container.container_id.as_str())
            .filter(|id| !id.is_empty())
    }

    /// What went wrong, or what the agent last said.
    pub fn problem(&self) -> Option<&str> {
        [self.status.err.as_str()]
            .into_iter()
            .find(|text| !text.is_empty())
    }
}

/// The phase of a task state.
pub fn phase_of(state: &str) -> Phase {
    match state {
        "running" => Phase::Running,
        "complete" | "shutdown" | "remove" => Phase::Ended,
        "failed" | "rejected" | "orphaned" => Phase::Failed,
        _ => Phase::Starting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_fall_into_phases() {
        assert_eq!(phase_of("preparing"), Phase::Starting);
        assert_eq!(phase_of("pending"), Phase::Starting);
        assert_eq!(phase_of("running"), Phase::Running);
        assert_eq!(phase_of("shutdown"), Phase::Ended);
        assert_eq!(phase_of("rejected"), Phase::Failed);
        // A state from a newer engine is on its way, not an error.
        assert_eq!(phase_of("unheard-of"), Phase::Starting);
    }

    #[test]
    fn a_task_runs_as_wanted_only_when_wanted_running_and_running() {
        let task = |desired: &str, state: &str| -> Task {
            serde_json::from_value(serde_json::json!({
                "ID": "t", "DesiredState": desired, "Status": { "State": state }
            }))
            .expect("a task")
        };
        assert!(task("running", "running").is_running_as_wanted());
        // Still running on a drained node, but on its way out: its replacement is not there yet.
        assert!(!task("shutdown", "running").is_running_as_wanted());
        assert!(!task("running", "preparing").is_running_as_wanted());
    }
}
