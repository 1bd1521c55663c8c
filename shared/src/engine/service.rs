//! Swarm services: `GET /services?status=true`, one service, and what their pages read of the
//! spec.
//!
//! The spec is read here for display and as the form's starting values; an edit is applied to
//! the spec as the engine sent it (the frontend's `services/spec.rs`), so fields these models
//! do not know survive an update.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::swarm::ObjectVersion;

/// One service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Service {
    /// The service's id.
    #[serde(rename = "ID")]
    pub id: String,
    /// What an update must name.
    pub version: ObjectVersion,
    /// When it was made, RFC 3339.
    pub created_at: Option<String>,
    /// When its spec last changed.
    pub updated_at: Option<String>,
    /// What it should be.
    pub spec: ServiceSpec,
    /// The spec before the last update, which a rollback returns to.
    pub previous_spec: Option<ServiceSpec>,
    /// Its ports as published, and its virtual IPs.
    pub endpoint: Endpoint,
    /// How the last update went.
    pub update_status: Option<UpdateStatus>,
    /// Running and desired tasks (`?status=true`, API 1.41 and later).
    pub service_status: Option<ServiceStatus>,
}

/// `Spec` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServiceSpec {
    /// The service's name.
    pub name: String,
    /// Labels of the service (not of its containers).
    pub labels: BTreeMap<String, String>,
    /// What each task runs.
    pub task_template: TaskSpec,
    /// Replicated, global, or a job.
    pub mode: ServiceMode,
    /// How updates roll out.
    pub update_config: Option<UpdateConfig>,
    /// How a failed update rolls back.
    pub rollback_config: Option<UpdateConfig>,
    /// Networks, as the older place for them (`TaskTemplate.Networks` is the current one).
    pub networks: Vec<NetworkAttachment>,
    /// How its ports are published.
    pub endpoint_spec: EndpointSpec,
}

/// `TaskTemplate`: what every task of a service runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TaskSpec {
    /// The container.
    pub container_spec: ContainerSpec,
    /// Limits and reservations.
    pub resources: Resources,
    /// When a task that ends is replaced.
    pub restart_policy: Option<RestartPolicy>,
    /// Where tasks may run.
    pub placement: Placement,
    /// Networks with their aliases.
    pub networks: Vec<NetworkAttachment>,
    /// The log driver.
    pub log_driver: Option<LogDriver>,
    /// Changed to redeploy without another change.
    pub force_update: u64,
}

/// `TaskTemplate.ContainerSpec`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerSpec {
    /// The image, with a digest once the manager resolved it.
    pub image: String,
    /// The entrypoint, replacing the image's.
    pub command: Vec<String>,
    /// The arguments.
    pub args: Vec<String>,
    /// `NAME=value` pairs.
    pub env: Vec<String>,
    /// Labels of the containers.
    pub labels: BTreeMap<String, String>,
    /// The working directory.
    pub dir: String,
    /// The user.
    pub user: String,
    /// The host name of its containers.
    pub hostname: String,
    /// Volumes, binds and tmpfs.
    pub mounts: Vec<Mount>,
    /// Secrets as files.
    pub secrets: Vec<FileReference>,
    /// Configs as files.
    pub configs: Vec<FileReference>,
    /// The healthcheck, replacing the image's.
    pub healthcheck: Option<HealthConfig>,
}

/// One mount of a service's containers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Mount {
    /// `volume`, `bind`, `tmpfs`, `npipe` or `cluster`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// A volume's name or a host path; none for tmpfs.
    pub source: String,
    /// Where it appears in the container.
    pub target: String,
    /// Whether it is read-only.
    pub read_only: bool,
}

/// A secret or config given to a service's containers as a file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FileReference {
    /// The secret's or config's id.
    #[serde(rename = "SecretID", alias = "ConfigID")]
    pub id: String,
    /// Its name.
    #[serde(rename = "SecretName", alias = "ConfigName")]
    pub name: String,
    /// The file it becomes.
    pub file: Option<FileTarget>,
}

/// Where a secret or config appears, and as whose file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FileTarget {
    /// The file's name (under `/run/secrets/` for a secret) or absolute path (a config).
    pub name: String,
    /// Its owner's uid.
    #[serde(rename = "UID")]
    pub uid: String,
    /// Its group's gid.
    #[serde(rename = "GID")]
    pub gid: String,
    /// Its permission bits.
    pub mode: u32,
}

/// A service's healthcheck.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HealthConfig {
    /// `["CMD-SHELL", "…"]`, `["CMD", …]` or `["NONE"]`.
    pub test: Vec<String>,
    /// Nanoseconds between checks.
    pub interval: i64,
    /// Nanoseconds before a check fails.
    pub timeout: i64,
    /// Failures before unhealthy.
    pub retries: i64,
    /// Nanoseconds before failures count.
    pub start_period: i64,
}

/// Limits and reservations of each task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Resources {
    /// At most.
    pub limits: ResourceAmounts,
    /// At least, for scheduling.
    pub reservations: ResourceAmounts,
}

/// CPUs and memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ResourceAmounts {
    /// CPUs, in billionths.
    #[serde(rename = "NanoCPUs")]
    pub nano_cpus: i64,
    /// Memory, bytes.
    pub memory_bytes: i64,
}

/// When a task that ends is replaced.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RestartPolicy {
    /// `none`, `on-failure` or `any`.
    pub condition: String,
    /// Nanoseconds between restarts.
    pub delay: i64,
    /// Restarts before giving up; 0 for no limit.
    pub max_attempts: u64,
    /// Nanoseconds over which restarts are counted.
    pub window: i64,
}

/// Where tasks may run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Placement {
    /// Such as `node.role==manager` or `node.labels.zone==a`.
    pub constraints: Vec<String>,
    /// Spread preferences, kept as sent.
    pub preferences: Vec<serde_json::Value>,
    /// Tasks per node at most; 0 for no limit.
    pub max_replicas: u64,
}

/// A network a service's tasks join.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkAttachment {
    /// The network's id or name.
    pub target: String,
    /// Names the service has on it.
    pub aliases: Vec<String>,
}

/// A log driver and its options.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LogDriver {
    /// Such as `json-file`.
    pub name: String,
    /// Its options.
    pub options: BTreeMap<String, String>,
}

/// `Mode`: which one of these is present says the mode.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServiceMode {
    /// A number of replicas.
    pub replicated: Option<Replicated>,
    /// One task on each node.
    pub global: Option<serde_json::Value>,
    /// Tasks that run to completion, so many at once.
    pub replicated_job: Option<ReplicatedJob>,
    /// One task to completion on each node.
    pub global_job: Option<serde_json::Value>,
}

/// `Mode.Replicated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Replicated {
    /// How many tasks.
    pub replicas: u64,
}

/// `Mode.ReplicatedJob`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReplicatedJob {
    /// Tasks at once.
    pub max_concurrent: u64,
    /// Completions wanted.
    pub total_completions: u64,
}

impl ServiceMode {
    /// `replicated`, `global`, `replicated-job` or `global-job`, as the CLI names them.
    pub fn name(&self) -> &'static str {
        if self.global.is_some() {
            "global"
        } else if self.replicated_job.is_some() {
            "replicated-job"
        } else if self.global_job.is_some() {
            "global-job"
        } else {
            "replicated"
        }
    }

    /// The replicas of a replicated service.
    pub fn replicas(&self) -> Option<u64> {
        self.replicated.map(|mode| mode.replicas)
    }
}

/// How updates (or rollbacks) roll out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateConfig {
    /// Tasks updated at once; 0 for all.
    pub parallelism: u64,
    /// Nanoseconds between batches.
    pub delay: i64,
    /// `continue`, `pause` or `rollback`.
    pub failure_action: String,
    /// Nanoseconds each task is watched for failure.
    pub monitor: i64,
    /// The share of tasks that may fail.
    pub max_failure_ratio: f64,
    /// `stop-first` or `start-first`.
    pub order: String,
}

/// `EndpointSpec`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EndpointSpec {
    /// `vip` or `dnsrr`.
    pub mode: String,
    /// Ports to publish.
    pub ports: Vec<PortConfig>,
}

/// A published port.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PortConfig {
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
    /// The container's port.
    pub target_port: u32,
    /// The port on the swarm (ingress) or the node (host).
    pub published_port: u32,
    /// `ingress` or `host`.
    pub publish_mode: String,
}

/// `Endpoint`: what was published.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Endpoint {
    /// The ports, with those the swarm picked.
    pub ports: Vec<PortConfig>,
    /// The service's address on each network.
    #[serde(rename = "VirtualIPs")]
    pub virtual_ips: Vec<VirtualIp>,
}

/// One virtual IP of a service.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VirtualIp {
    /// The network's id.
    #[serde(rename = "NetworkID")]
    pub network_id: String,
    /// The address, CIDR.
    pub addr: String,
}

/// `UpdateStatus`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateStatus {
    /// `updating`, `paused`, `completed`, `rollback_started`, `rollback_paused` or
    /// `rollback_completed`.
    pub state: String,
    /// When it started.
    pub started_at: Option<String>,
    /// When it ended.
    pub completed_at: Option<String>,
    /// Why it paused or rolled back.
    pub message: String,
}

impl UpdateStatus {
    /// Whether the update (or rollback) is still rolling out.
    pub fn in_progress(&self) -> bool {
        matches!(self.state.as_str(), "updating" | "rollback_started")
    }
}

/// `ServiceStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServiceStatus {
    /// Tasks running.
    pub running_tasks: u64,
    /// Tasks wanted running.
    pub desired_tasks: u64,
    /// Jobs' tasks that completed.
    pub completed_tasks: u64,
}

impl Service {
    /// Whether it is a job (its tasks run to completion).
    pub fn is_job(&self) -> bool {
        self.spec.mode.replicated_job.is_some() || self.spec.mode.global_job.is_some()
    }

    /// Whether it has the tasks it wants running (a job: always) and no rollout under way;
    /// unknown counts read as settled.
    pub fn is_settled(&self) -> bool {
        let counts_match = self.is_job()
            || self
                .service_status
                .is_none_or(|counts| counts.running_tasks == counts.desired_tasks);
        counts_match
            && !self
                .update_status
                .as_ref()
                .is_some_and(UpdateStatus::in_progress)
    }

    /// The ports as published (with those the swarm picked), else as asked.
    pub fn ports(&self) -> &[PortConfig] {
        if self.endpoint.ports.is_empty() {
            &self.spec.endpoint_spec.ports
        } else {
            &self.endpoint.ports
        }
    }
}

impl PortConfig {
    /// `8080→80/tcp`, with ` (host)` for a port published on each node rather than the mesh.
    pub fn describe(&self) -> String {
        let published = match self.published_port {
            0 => String::new(),
            port => format!("{port}→"),
        };
        let protocol = if self.protocol.is_empty() {
            "tcp"
        } else {
            &self.protocol
        };
        let host = if self.publish_mode == "host" {
            " (host)"
        } else {
            ""
        };
        format!("{published}{}/{protocol}{host}", self.target_port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_is_the_field_present() {
        let mode = |json: &str| serde_json::from_str::<ServiceMode>(json).expect("decodes");
        assert_eq!(
            mode(r#"{"Replicated":{"Replicas":3}}"#).name(),
            "replicated"
        );
        assert_eq!(mode(r#"{"Replicated":{"Replicas":3}}"#).replicas(), Some(3));
        assert_eq!(mode(r#"{"Global":{}}"#).name(), "global");
        assert_eq!(mode(r#"{"Global":{}}"#).replicas(), None);
        assert_eq!(mode(r#"{"ReplicatedJob":{}}"#).name(), "replicated-job");
        assert_eq!(mode(r#"{"GlobalJob":{}}"#).name(), "global-job");
    }

    #[test]
    fn ports_read_as_the_cli_shows_them() {
        let port = PortConfig {
            protocol: "tcp".into(),
            target_port: 80,
            published_port: 8080,
            publish_mode: "ingress".into(),
        };
        assert_eq!(port.describe(), "8080→80/tcp");
        let host = PortConfig {
            publish_mode: "host".into(),
            protocol: "udp".into(),
            ..port
        };
        assert_eq!(host.describe(), "8080→80/udp (host)");
    }

    #[test]
    fn secrets_and_configs_read_alike() {
        let secret: FileReference = serde_json::from_str(
            r#"{"SecretID":"s1","SecretName":"db","File":{"Name":"db","UID":"0","GID":"0","Mode":292}}"#,
        )
        .expect("decodes");
        let config: FileReference =
            serde_json::from_str(r#"{"ConfigID":"c1","ConfigName":"nginx"}"#).expect("decodes");
        assert_eq!((secret.id.as_str(), secret.name.as_str()), ("s1", "db"));
        assert_eq!(secret.file.map(|file| file.mode), Some(0o444));
        assert_eq!((config.id.as_str(), config.name.as_str()), ("c1", "nginx"));
    }
}
