//! `GET /api/overview`: one card per environment the caller may see, for the home page. Berth
//! probes every engine in the background, each with its own short timeout, and keeps what it
//! last learned; this answer only reads that, so one dead host never slows the others.

use serde::{Deserialize, Serialize};

use crate::api::environments::TransportKind;
use crate::api::health::{EngineFailure, EngineSummary};
use crate::engine::system::SwarmMembership;
use crate::version::ApiVersion;

/// `GET /api/overview`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Overview {
    /// Grows each time a card changes; `GET /api/overview?after=N` waits for a change past
    /// `N` (or a while) before it answers, so the home page follows the cards without polling.
    pub revision: u64,
    /// The environments: `local` first, then by id.
    pub environments: Vec<EnvironmentCard>,
}

/// Whether an environment's engine answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardState {
    /// Not probed yet.
    #[default]
    Checking,
    /// The engine answered the last probe.
    Online,
    /// The engine answered, but speaks only API versions older than Berth supports.
    Unsupported,
    /// The last probe failed.
    Offline,
}

/// One environment on the home page.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EnvironmentCard {
    /// The id used in `/env/{id}/…` and `/engine/{id}/…`.
    pub id: String,
    /// The display name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// How Berth reaches it.
    pub transport: TransportKind,
    /// Plain TCP, saved as insecure.
    pub insecure: bool,
    /// The engine's address in `DOCKER_HOST` form.
    pub endpoint: String,
    /// What the last probe found.
    pub state: CardState,
    /// When the last probe ended, Unix seconds.
    pub checked_at: Option<i64>,
    /// Since when the engine has failed every probe, Unix seconds.
    pub offline_since: Option<i64>,
    /// When the next probe of an offline engine is due, Unix seconds (it backs off).
    pub retry_at: Option<i64>,
    /// Why the last probe failed.
    pub error: Option<String>,
    /// The kind of failure.
    pub failure: Option<EngineFailure>,
    /// The API version Berth uses with it.
    pub api_version: Option<ApiVersion>,
    /// What the engine said about itself, last time it answered.
    pub engine: Option<EngineSummary>,
    /// The host and its objects, last time the engine answered (kept while it is offline).
    pub facts: Option<HostFacts>,
}

/// An engine's host and how many objects it has.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HostFacts {
    /// The host name.
    pub hostname: String,
    /// The operating system, such as `Debian GNU/Linux 12 (bookworm)`.
    pub operating_system: String,
    /// The CPU architecture, such as `x86_64`.
    pub architecture: String,
    /// CPUs the engine sees.
    pub cpus: u64,
    /// Memory in bytes.
    pub memory: u64,
    /// Running containers (paused ones not counted).
    pub running: u64,
    /// Paused containers.
    pub paused: u64,
    /// Stopped containers.
    pub stopped: u64,
    /// Containers whose health check fails.
    pub unhealthy: u64,
    /// Images.
    pub images: u64,
    /// Volumes.
    pub volumes: u64,
    /// Its place in a swarm.
    pub swarm: SwarmRole,
    /// Its node's id in that swarm (empty outside one): a task on this node has its container
    /// here.
    pub swarm_node: String,
}

/// An engine's place in a swarm.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwarmRole {
    /// Not in a swarm.
    #[default]
    None,
    /// A manager: the swarm's pages work through it.
    Manager,
    /// A worker.
    Worker,
    /// Joining.
    Pending,
    /// A manager whose swarm is locked until its key is given.
    Locked,
    /// The swarm is in error.
    Error,
}

impl SwarmRole {
    /// The role `GET /info`'s `Swarm` describes.
    pub fn of(membership: &SwarmMembership) -> Self {
        match membership.local_node_state.as_str() {
            "active" if membership.control_available => SwarmRole::Manager,
            "active" => SwarmRole::Worker,
            "pending" => SwarmRole::Pending,
            "locked" => SwarmRole::Locked,
            "error" => SwarmRole::Error,
            _ => SwarmRole::None,
        }
    }

    /// The role in words.
    pub fn describe(self) -> &'static str {
        match self {
            SwarmRole::None => "not in a swarm",
            SwarmRole::Manager => "swarm manager",
            SwarmRole::Worker => "swarm worker",
            SwarmRole::Pending => "joining a swarm",
            SwarmRole::Locked => "swarm locked",
            SwarmRole::Error => "swarm in error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn membership(state: &str, manager: bool) -> SwarmMembership {
        SwarmMembership {
            node_id: String::new(),
            local_node_state: state.to_owned(),
            control_available: manager,
        }
    }

    #[test]
    fn swarm_roles_come_from_the_node_state() {
        assert_eq!(SwarmRole::of(&membership("", false)), SwarmRole::None);
        assert_eq!(
            SwarmRole::of(&membership("inactive", false)),
            SwarmRole::None
        );
        assert_eq!(
            SwarmRole::of(&membership("active", true)),
            SwarmRole::Manager
        );
        assert_eq!(
            SwarmRole::of(&membership("active", false)),
            SwarmRole::Worker
        );
        assert_eq!(
            SwarmRole::of(&membership("locked", true)),
            SwarmRole::Locked
        );
        assert_eq!(
            SwarmRole::of(&membership("pending", false)),
            SwarmRole::Pending
        );
    }

    #[test]
    fn an_old_answer_without_new_fields_decodes() {
        let overview: Overview =
            serde_json::from_str(r#"{"environments":[{"id":"nas","state":"offline"}]}"#)
                .expect("decodes");
        assert_eq!(overview.environments[0].state, CardState::Offline);
        assert_eq!(overview.revision, 0);
    }
}
