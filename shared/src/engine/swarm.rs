//! The swarm itself: `GET /swarm`, and what Berth sends to init, join, update and unlock one.
//!
//! Join tokens and the unlock key are read only by admins; the gateway blanks them for
//! everyone else (`policy/redact.rs`), so a model here never decides who sees them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An object's version, which every swarm update must name (optimistic locking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ObjectVersion {
    /// The store's index when the object last changed.
    pub index: u64,
}

/// `GET /swarm`, from a manager.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Swarm {
    /// The cluster's id.
    #[serde(rename = "ID")]
    pub id: String,
    /// What [`SwarmUpdateQuery`] must name.
    pub version: ObjectVersion,
    /// When the swarm was made, RFC 3339.
    pub created_at: Option<String>,
    /// When its settings last changed.
    pub updated_at: Option<String>,
    /// Its settings.
    pub spec: SwarmSpec,
    /// Whether the root CA is being rotated.
    pub root_rotation_in_progress: bool,
    /// The address pools overlay networks take subnets from.
    pub default_addr_pool: Vec<String>,
    /// The size of each subnet taken from them.
    pub subnet_size: u32,
    /// The UDP port of overlay traffic (VXLAN).
    pub data_path_port: u32,
    /// The tokens that join a node as a worker or a manager; blank for non-admins.
    pub join_tokens: JoinTokens,
    /// The root CA's certificate.
    #[serde(rename = "TLSInfo")]
    pub tls_info: TlsInfo,
}

/// The tokens of `docker swarm join`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct JoinTokens {
    /// Joins a node as a worker.
    pub worker: String,
    /// Joins a node as a manager.
    pub manager: String,
}

/// A swarm's (or a node's) trust root.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TlsInfo {
    /// The root CA certificate, PEM.
    pub trust_root: String,
}

/// The settings of a swarm: what `POST /swarm/update` sends back whole.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SwarmSpec {
    /// Always `default` on dockerd.
    pub name: String,
    /// User-defined labels.
    pub labels: BTreeMap<String, String>,
    /// How much task history is kept.
    pub orchestration: Orchestration,
    /// The managers' consensus settings.
    pub raft: Raft,
    /// How often nodes report in.
    pub dispatcher: Dispatcher,
    /// Node certificates.
    #[serde(rename = "CAConfig")]
    pub ca_config: CaConfig,
    /// Whether managers lock their keys at rest.
    pub encryption_config: EncryptionConfig,
    /// Defaults for every task, such as its log driver.
    pub task_defaults: serde_json::Value,
}

/// `Spec.Orchestration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Orchestration {
    /// Tasks kept per slot once they end.
    pub task_history_retention_limit: i64,
}

/// `Spec.Raft`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Raft {
    /// Log entries between snapshots.
    pub snapshot_interval: u64,
    /// Snapshots kept besides the current one.
    pub keep_old_snapshots: u64,
    /// Log entries kept for followers that lag.
    pub log_entries_for_slow_followers: u64,
    /// Ticks without a leader before an election.
    pub election_tick: u64,
    /// Ticks between heartbeats.
    pub heartbeat_tick: u64,
}

/// `Spec.Dispatcher`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Dispatcher {
    /// Nanoseconds between a node's heartbeats.
    pub heartbeat_period: i64,
}

/// `Spec.CAConfig`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CaConfig {
    /// Nanoseconds a node certificate is valid.
    pub node_cert_expiry: i64,
    /// External CAs, kept as sent.
    #[serde(rename = "ExternalCAs", skip_serializing_if = "Vec::is_empty")]
    pub external_cas: Vec<serde_json::Value>,
}

/// `Spec.EncryptionConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EncryptionConfig {
    /// Whether a restarted manager needs the unlock key.
    pub auto_lock_managers: bool,
}

/// `POST /swarm/init`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SwarmInitRequest {
    /// Where other nodes reach this one (`192.168.1.10` or an interface such as `eth0`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub advertise_addr: String,
    /// Where managers listen: `0.0.0.0:2377` by default.
    pub listen_addr: String,
    /// Where overlay traffic goes, if not the advertised address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub data_path_addr: String,
    /// The UDP port of overlay traffic; 0 for the default 4789.
    #[serde(skip_serializing_if = "is_zero")]
    pub data_path_port: u32,
    /// Address pools for overlay networks, in CIDR.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub default_addr_pool: Vec<String>,
    /// The size of each network taken from them; 0 for the default 24.
    #[serde(skip_serializing_if = "is_zero")]
    pub subnet_size: u32,
    /// Whether to make a new swarm from a manager's old state, as its only manager.
    pub force_new_cluster: bool,
    /// The swarm's first settings: only what the user set, since a zero the engine is sent is
    /// taken as meant (a task history of 0 keeps none); `null` leaves all to the engine.
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub spec: serde_json::Value,
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// `POST /swarm/join`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SwarmJoinRequest {
    /// Where this node listens, `0.0.0.0:2377` by default.
    pub listen_addr: String,
    /// Where other nodes reach this one; empty lets the engine choose.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub advertise_addr: String,
    /// Where overlay traffic goes, if not the advertised address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub data_path_addr: String,
    /// Managers of the swarm to join, `host:2377`.
    pub remote_addrs: Vec<String>,
    /// A worker's or a manager's join token: which one decides the new node's role.
    pub join_token: String,
}

/// `POST /swarm/unlock`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SwarmUnlockRequest {
    /// The key from `GET /swarm/unlockkey`.
    pub unlock_key: String,
}

/// `GET /swarm/unlockkey`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UnlockKey {
    /// The key; empty when managers do not lock.
    pub unlock_key: String,
}

/// The query of `POST /swarm/update` besides the version: what to rotate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rotate {
    /// A new worker join token.
    pub worker_token: bool,
    /// A new manager join token.
    pub manager_token: bool,
    /// A new unlock key.
    pub unlock_key: bool,
}

impl Rotate {
    /// The query string of `POST /swarm/update` at `version`.
    pub fn query(self, version: ObjectVersion) -> String {
        format!(
            "version={}&rotateWorkerToken={}&rotateManagerToken={}&rotateManagerUnlockKey={}",
            version.index, self.worker_token, self.manager_token, self.unlock_key
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_name_the_version_and_what_rotates() {
        let query = Rotate {
            worker_token: true,
            ..Rotate::default()
        }
        .query(ObjectVersion { index: 12 });
        assert_eq!(
            query,
            "version=12&rotateWorkerToken=true&rotateManagerToken=false&rotateManagerUnlockKey=false"
        );
    }

    #[test]
    fn init_leaves_out_what_the_engine_defaults() {
        let body = serde_json::to_value(SwarmInitRequest {
            listen_addr: "0.0.0.0:2377".into(),
            ..SwarmInitRequest::default()
        })
        .expect("serialises");
        assert!(body.get("AdvertiseAddr").is_none());
        assert!(body.get("DataPathPort").is_none());
        assert_eq!(body["ListenAddr"], "0.0.0.0:2377");
    }
}
