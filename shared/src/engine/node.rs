//! Swarm nodes: `GET /nodes`, one node, and the spec `POST /nodes/{id}/update` sends back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::swarm::ObjectVersion;

/// One node of a swarm.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Node {
    /// The node's id.
    #[serde(rename = "ID")]
    pub id: String,
    /// What an update must name.
    pub version: ObjectVersion,
    /// When it joined, RFC 3339.
    pub created_at: Option<String>,
    /// When it last changed.
    pub updated_at: Option<String>,
    /// What the user decides: role, availability, labels.
    pub spec: NodeSpec,
    /// What the node reports about itself.
    pub description: NodeDescription,
    /// Whether it is up.
    pub status: NodeStatus,
    /// For a manager: its place in the consensus.
    pub manager_status: Option<ManagerStatus>,
}

/// `Spec` of a node: sent back whole by an update.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NodeSpec {
    /// A name given by the user, rarely set.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Labels, which placement constraints match (`node.labels.zone==a`).
    pub labels: BTreeMap<String, String>,
    /// `worker` or `manager`.
    pub role: String,
    /// `active`, `pause` or `drain`.
    pub availability: String,
}

/// `Description` of a node.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NodeDescription {
    /// The host's name.
    pub hostname: String,
    /// OS and architecture.
    pub platform: Platform,
    /// CPUs and memory.
    pub resources: NodeResources,
    /// The engine's version.
    pub engine: NodeEngine,
}

/// `Description.Platform`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Platform {
    /// `x86_64`, `aarch64`, …
    pub architecture: String,
    /// `linux`, `windows`.
    #[serde(rename = "OS")]
    pub os: String,
}

/// `Description.Resources`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NodeResources {
    /// CPUs, in billionths.
    #[serde(rename = "NanoCPUs")]
    pub nano_cpus: i64,
    /// Memory, bytes.
    pub memory_bytes: i64,
}

/// `Description.Engine`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NodeEngine {
    /// Such as `20.10.24`.
    pub engine_version: String,
    /// The engine's labels.
    pub labels: BTreeMap<String, String>,
    /// Its plugins: volume, network and log drivers.
    pub plugins: Vec<EnginePlugin>,
}

/// One of a node's plugins.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EnginePlugin {
    /// `Volume`, `Network`, `Log`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// Such as `local`, `overlay`, `json-file`.
    pub name: String,
}

/// `Status` of a node.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NodeStatus {
    /// `ready`, `down`, `disconnected` or `unknown`.
    pub state: String,
    /// Why, when it is not ready.
    pub message: String,
    /// Its address.
    pub addr: String,
}

/// `ManagerStatus` of a manager.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ManagerStatus {
    /// Whether it leads.
    pub leader: bool,
    /// `reachable`, `unreachable` or `unknown`.
    pub reachability: String,
    /// Where managers reach it, `host:2377`.
    pub addr: String,
}

impl Node {
    /// Whether the node is a manager.
    pub fn is_manager(&self) -> bool {
        self.spec.role == "manager"
    }

    /// The name to show: the user's, else the host's, else the id.
    pub fn display_name(&self) -> &str {
        [self.spec.name.as_str(), self.description.hostname.as_str()]
            .into_iter()
            .find(|name| !name.is_empty())
            .unwrap_or(&self.id)
    }
}

/// What losing or demoting managers does to a swarm's quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quorum {
    /// The managers.
    pub managers: usize,
    /// The managers that are reachable.
    pub reachable: usize,
}

impl Quorum {
    /// Of `nodes`.
    pub fn of(nodes: &[Node]) -> Self {
        let managers = nodes.iter().filter_map(|node| node.manager_status.as_ref());
        let (mut all, mut reachable) = (0, 0);
        for status in managers {
            all += 1;
            reachable += usize::from(status.reachability == "reachable");
        }
        Self {
            managers: all,
            reachable,
        }
    }

    /// The managers a swarm of `managers` needs reachable to make decisions.
    pub fn needed(managers: usize) -> usize {
        managers / 2 + 1
    }

    /// Whether the swarm keeps its quorum with one reachable manager fewer, counting the
    /// managers that remain (`shrinks`: the manager leaves the count, as a demotion or a
    /// removal does; otherwise it only stops answering).
    pub fn survives_losing_one(self, shrinks: bool) -> bool {
        let managers = if shrinks {
            self.managers.saturating_sub(1)
        } else {
            self.managers
        };
        managers > 0 && self.reachable.saturating_sub(1) >= Self::needed(managers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quorum(managers: usize, reachable: usize) -> Quorum {
        Quorum {
            managers,
            reachable,
        }
    }

    #[test]
    fn quorum_is_a_majority_of_managers() {
        // One manager: losing it loses everything.
        assert!(!quorum(1, 1).survives_losing_one(true));
        // Three: one may go; of two left, both must stay.
        assert!(quorum(3, 3).survives_losing_one(false));
        assert!(!quorum(3, 2).survives_losing_one(false));
        // Demoting one of three leaves two, which need both.
        assert!(quorum(3, 3).survives_losing_one(true));
        assert!(!quorum(2, 2).survives_losing_one(false));
        assert!(quorum(2, 2).survives_losing_one(true));
    }

    #[test]
    fn names_fall_back_to_the_host_then_the_id() {
        let mut node = Node {
            id: "abc".into(),
            ..Node::default()
        };
        assert_eq!(node.display_name(), "abc");
        node.description.hostname = "nas".into();
        assert_eq!(node.display_name(), "nas");
        node.spec.name = "storage".into();
        assert_eq!(node.display_name(), "storage");
    }
}
