//! Containers: `GET /containers/json` rows and the health shown for them, and the bodies Berth
//! sends to create, update, commit and prune containers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One row of `GET /containers/json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerSummary {
    /// The full container id.
    pub id: String,
    /// Names, each with a leading `/`.
    pub names: Vec<String>,
    /// The image reference the container was created from.
    pub image: String,
    /// The image's id.
    #[serde(rename = "ImageID")]
    pub image_id: String,
    /// The command line, joined with spaces.
    pub command: String,
    /// Creation time, in seconds since the Unix epoch.
    pub created: i64,
    /// Exposed and published ports.
    pub ports: Vec<Port>,
    /// The size of files the container changed, when `size=true` was asked.
    pub size_rw: Option<i64>,
    /// The size of all the container's files, when `size=true` was asked.
    pub size_root_fs: Option<i64>,
    /// User-defined labels.
    pub labels: BTreeMap<String, String>,
    /// The machine state: `created`, `running`, `paused`, `restarting`, `removing`, `exited`
    /// or `dead`.
    pub state: String,
    /// The human status, such as `Up 2 minutes (healthy)`.
    pub status: String,
    /// The health summary; engines before API 1.51 leave it out.
    pub health: Option<HealthSummary>,
}

/// A port mapping of a container.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Port {
    /// The host address the port is published on.
    #[serde(rename = "IP")]
    pub ip: Option<String>,
    /// The port inside the container.
    pub private_port: u16,
    /// The host port, when published.
    pub public_port: Option<u16>,
    /// `tcp`, `udp` or `sctp`.
    #[serde(rename = "Type")]
    pub protocol: String,
}

/// The `Health` object of a container summary (API 1.51).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HealthSummary {
    /// `none`, `starting`, `healthy` or `unhealthy`.
    pub status: String,
    /// How many checks in a row have failed.
    pub failing_streak: u32,
}

/// A container's health, as the UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The healthcheck is in its start period.
    Starting,
    /// The last checks passed.
    Healthy,
    /// The last checks failed.
    Unhealthy,
}

impl Health {
    /// The engine's word for this health.
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Starting => "starting",
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
        }
    }

    fn from_word(word: &str) -> Option<Health> {
        match word {
            "starting" | "health: starting" => Some(Health::Starting),
            "healthy" => Some(Health::Healthy),
            "unhealthy" => Some(Health::Unhealthy),
            _ => None,
        }
    }
}

impl ContainerSummary {
    /// The primary name, without the leading `/`, or the short id for a nameless container.
    pub fn display_name(&self) -> &str {
        self.names
            .iter()
            .map(|name| name.trim_start_matches('/'))
            .find(|name| !name.contains('/'))
            .unwrap_or_else(|| self.short_id())
    }

    /// The first twelve characters of the id, as the docker CLI shows it.
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    /// The container's health: from the `Health` field where the engine sends it (API 1.51),
    /// else from the `(healthy)` suffix of its status, which every engine version writes.
    pub fn health(&self) -> Option<Health> {
        if let Some(health) = self
            .health
            .as_ref()
            .and_then(|h| Health::from_word(&h.status))
        {
            return Some(health);
        }
        let open = self.status.rfind('(')?;
        let inner = self.status[open + 1..].strip_suffix(')')?;
        Health::from_word(inner)
    }

    /// Whether the container's processes are up (running or paused).
    pub fn is_running(&self) -> bool {
        matches!(self.state.as_str(), "running" | "paused" | "restarting")
    }
}

/// The body of `POST /containers/create`: the container's `Config` with its `HostConfig` and
/// `NetworkingConfig` alongside. It also reads the matching parts of `GET /containers/{id}/json`,
/// so an existing container can be duplicated or recreated.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerConfig {
    /// The image reference.
    pub image: String,
    /// The host name inside the container.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    /// The user (name or uid, with an optional group) the process runs as.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// The working directory of the process.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
    /// `NAME=value` pairs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<String>,
    /// The command; `None` keeps the image's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cmd: Option<Vec<String>>,
    /// The entrypoint; `None` keeps the image's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Ports the container exposes, such as `80/tcp`, each mapped to an empty object.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub exposed_ports: BTreeMap<String, Empty>,
    /// Anonymous volumes: container paths, each mapped to an empty object.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub volumes: BTreeMap<String, Empty>,
    /// The healthcheck; `None` keeps the image's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<HealthConfig>,
    /// Whether a TTY is allocated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tty: bool,
    /// Whether stdin stays open.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub open_stdin: bool,
    /// How the container's resources and its host side are set up.
    pub host_config: HostConfig,
}

/// An empty JSON object, as the engine uses for sets (`ExposedPorts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Empty {}

/// A container's healthcheck.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HealthConfig {
    /// `["CMD-SHELL", "…"]`, `["CMD", …]`, or `["NONE"]` to turn off the image's.
    pub test: Vec<String>,
    /// Nanoseconds between checks; 0 inherits.
    #[serde(skip_serializing_if = "is_zero")]
    pub interval: i64,
    /// Nanoseconds a check may take; 0 inherits.
    #[serde(skip_serializing_if = "is_zero")]
    pub timeout: i64,
    /// Failures in a row before the container is unhealthy; 0 inherits.
    #[serde(skip_serializing_if = "is_zero")]
    pub retries: i64,
    /// Nanoseconds to wait before failures count; 0 inherits.
    #[serde(skip_serializing_if = "is_zero")]
    pub start_period: i64,
}

/// The host side of a container: mounts, ports, network, restart policy and resources.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HostConfig {
    /// Mounts in `docker run -v` form: `volume:/path[:ro]` or `/host/path:/path[:ro]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub binds: Vec<String>,
    /// Published ports: `80/tcp` → the host addresses and ports it is published on.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub port_bindings: BTreeMap<String, Vec<PortBinding>>,
    /// `bridge`, `host`, `none`, a network's name, or `container:<id>`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub network_mode: String,
    /// What the engine does when the container exits.
    pub restart_policy: RestartPolicy,
    /// Memory limit in bytes; 0 is unlimited.
    #[serde(skip_serializing_if = "is_zero")]
    pub memory: i64,
    /// CPU quota in billionths of a CPU; 0 is unlimited.
    #[serde(rename = "NanoCpus", skip_serializing_if = "is_zero")]
    pub nano_cpus: i64,
    /// The most processes the container may have; `None` (or 0) is unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pids_limit: Option<i64>,
    /// Capabilities to add.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap_add: Option<Vec<String>>,
    /// Capabilities to drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap_drop: Option<Vec<String>>,
    /// Whether the container gets every capability and every device.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub privileged: bool,
    /// Whether the container is removed when it exits.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub auto_remove: bool,
}

/// One host address and port a container port is published on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PortBinding {
    /// The host address; empty for every address.
    #[serde(rename = "HostIp")]
    pub host_ip: String,
    /// The host port; empty for any free port.
    pub host_port: String,
}

/// When the engine restarts a container.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RestartPolicy {
    /// `""` or `no`, `always`, `unless-stopped` or `on-failure`.
    pub name: String,
    /// For `on-failure`: how many times at most; 0 is without limit.
    #[serde(skip_serializing_if = "is_zero")]
    pub maximum_retry_count: i64,
}

/// The parts of `GET /containers/{id}/json` that recreate a container.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerRecipe {
    /// The full id.
    pub id: String,
    /// The name, with a leading `/`.
    pub name: String,
    /// The container's `Config` (which includes what it inherited from its image).
    pub config: ContainerConfig,
    /// Its `HostConfig`.
    pub host_config: HostConfig,
}

impl ContainerRecipe {
    /// The name without its leading `/`.
    pub fn display_name(&self) -> &str {
        self.name.trim_start_matches('/')
    }
}

/// The answer of `POST /containers/create`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerCreated {
    /// The new container's id.
    pub id: String,
    /// What the engine warns about, such as limits the kernel cannot enforce.
    pub warnings: Option<Vec<String>>,
}

/// The body of `POST /containers/{id}/update`: only what is set changes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerUpdate {
    /// The new memory limit in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// The memory plus swap limit in bytes; -1 is unlimited swap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_swap: Option<i64>,
    /// The new CPU quota in billionths of a CPU.
    #[serde(rename = "NanoCpus", skip_serializing_if = "Option::is_none")]
    pub nano_cpus: Option<i64>,
    /// The new restart policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<RestartPolicy>,
}

/// The answer of `POST /containers/{id}/update`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerUpdated {
    /// What the engine warns about.
    pub warnings: Option<Vec<String>>,
}

/// The answer of `POST /containers/prune`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainersPruned {
    /// The ids of the removed containers.
    pub containers_deleted: Option<Vec<String>>,
    /// Bytes of disk space freed.
    pub space_reclaimed: i64,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(json: &str) -> ContainerSummary {
        serde_json::from_str(json).expect("valid summary")
    }

    #[test]
    fn decodes_an_api_1_41_row() {
        let row = summary(
            r#"{"Id":"0123456789abcdef","Names":["/web"],"Image":"busybox","ImageID":"sha256:1",
            "Command":"httpd -f","Created":1700000000,"Ports":[{"IP":"0.0.0.0","PrivatePort":80,
            "PublicPort":8080,"Type":"tcp"},{"PrivatePort":443,"Type":"tcp"}],"Labels":{},
            "State":"running","Status":"Up 5 minutes (healthy)","HostConfig":{"NetworkMode":"default"},
            "NetworkSettings":{"Networks":{}},"Mounts":[]}"#,
        );
        assert_eq!(row.display_name(), "web");
        assert_eq!(row.short_id(), "0123456789ab");
        assert_eq!(row.ports[0].public_port, Some(8080));
        assert_eq!(row.ports[1].public_port, None);
        assert_eq!(row.health(), Some(Health::Healthy));
        assert!(row.is_running());
    }

    #[test]
    fn prefers_the_health_field_of_api_1_51() {
        let row = summary(
            r#"{"Id":"abc","Names":["/db"],"State":"running","Status":"Up 1 second",
            "Health":{"Status":"unhealthy","FailingStreak":3}}"#,
        );
        assert_eq!(row.health(), Some(Health::Unhealthy));
    }

    #[test]
    fn reads_starting_health_and_no_health() {
        let starting = summary(r#"{"Status":"Up 2 seconds (health: starting)"}"#);
        assert_eq!(starting.health(), Some(Health::Starting));
        let plain = summary(r#"{"Status":"Exited (0) 3 hours ago"}"#);
        assert_eq!(plain.health(), None);
    }

    #[test]
    fn nameless_and_linked_names_fall_back_sensibly() {
        let linked = summary(r#"{"Id":"fedcba9876543210aa","Names":["/app/db","/db"]}"#);
        assert_eq!(linked.display_name(), "db");
        let nameless = summary(r#"{"Id":"fedcba9876543210aa","Names":[]}"#);
        assert_eq!(nameless.display_name(), "fedcba987654");
    }

    #[test]
    fn reads_a_recipe_from_inspect_and_writes_a_minimal_create_body() {
        let recipe: ContainerRecipe = crate::engine::lenient::from_str(
            r#"{"Id":"abc","Name":"/web","Config":{"Image":"busybox","Env":["A=1"],"Cmd":["sh"],
            "Entrypoint":null,"ExposedPorts":{"80/tcp":{}},"Labels":{"k":"v"},"Volumes":null,
            "Healthcheck":null},
            "HostConfig":{"Binds":["data:/data:ro"],"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]},
            "RestartPolicy":{"Name":"always","MaximumRetryCount":0},"Memory":0,"NanoCpus":0,
            "PidsLimit":null,"NetworkMode":"default","CapAdd":null}}"#,
        )
        .expect("valid inspect");
        assert_eq!(recipe.display_name(), "web");
        assert_eq!(recipe.config.entrypoint, None);
        assert_eq!(
            recipe.host_config.port_bindings["80/tcp"][0].host_port,
            "8080"
        );
        let mut body = recipe.config.clone();
        body.host_config = recipe.host_config;
        let json = serde_json::to_value(&body).expect("serialises");
        assert_eq!(json["Image"], "busybox");
        assert_eq!(json["HostConfig"]["RestartPolicy"]["Name"], "always");
        assert!(json["HostConfig"].get("Memory").is_none());
        assert!(json.get("Entrypoint").is_none());
        assert_eq!(json["ExposedPorts"]["80/tcp"], serde_json::json!({}));
    }
}
