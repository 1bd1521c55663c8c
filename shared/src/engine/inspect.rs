//! One container in detail: `GET /containers/{id}/json`, and the `top` and `changes` answers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::container::Port;

/// The answer of `GET /containers/{id}/json`, the parts Berth shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerInspect {
    /// The full id.
    pub id: String,
    /// The name, with a leading `/`.
    pub name: String,
    /// Creation time (RFC 3339).
    pub created: String,
    /// The executable.
    pub path: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// The run state.
    pub state: ContainerState,
    /// The image id.
    pub image: String,
    /// How often the engine restarted it.
    pub restart_count: u64,
    /// The container's configuration.
    pub config: ContainerConfig,
    /// How it is run on the host.
    pub host_config: HostConfig,
    /// Volumes and bind mounts.
    pub mounts: Vec<MountPoint>,
    /// Networks and ports.
    pub network_settings: NetworkSettings,
}

impl ContainerInspect {
    /// The name without its leading `/`.
    pub fn display_name(&self) -> &str {
        self.name.trim_start_matches('/')
    }
}

/// The run state of a container.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerState {
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    pub status: String,
    /// Whether it runs.
    pub running: bool,
    /// Whether it is paused.
    pub paused: bool,
    /// Whether the kernel killed it for lack of memory.
    #[serde(rename = "OOMKilled")]
    pub oom_killed: bool,
    /// The main process id.
    pub pid: i64,
    /// The last exit code.
    pub exit_code: i64,
    /// The engine's error, if starting failed.
    pub error: String,
    /// When it last started (RFC 3339).
    pub started_at: String,
    /// When it last stopped (RFC 3339).
    pub finished_at: String,
    /// Healthcheck results, when it has a healthcheck.
    pub health: Option<HealthState>,
}

/// Healthcheck results.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HealthState {
    /// `starting`, `healthy` or `unhealthy`.
    pub status: String,
    /// Consecutive failures.
    pub failing_streak: u64,
    /// The last checks, oldest first.
    pub log: Vec<HealthCheckResult>,
}

/// One healthcheck run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HealthCheckResult {
    /// When it started (RFC 3339).
    pub start: String,
    /// When it ended (RFC 3339).
    pub end: String,
    /// Its exit code: 0 passed, 1 failed.
    pub exit_code: i64,
    /// What it printed.
    pub output: String,
}

/// The container's own configuration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerConfig {
    /// The host name.
    pub hostname: String,
    /// The user processes run as.
    pub user: String,
    /// Whether it has a TTY (then its logs are raw, not multiplexed).
    pub tty: bool,
    /// `NAME=value` entries; the gateway redacts secret-looking values for viewers.
    pub env: Option<Vec<String>>,
    /// The command.
    pub cmd: Option<Vec<String>>,
    /// The entrypoint.
    pub entrypoint: Option<Vec<String>>,
    /// The image reference it was created from.
    pub image: String,
    /// The working directory.
    pub working_dir: String,
    /// Labels.
    pub labels: Option<BTreeMap<String, String>>,
}

/// How the container is run on the host.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HostConfig {
    /// The network mode: `bridge`, `host`, `none`, `container:…` or a network name.
    pub network_mode: String,
    /// The restart policy.
    pub restart_policy: Option<RestartPolicy>,
    /// Memory limit in bytes; 0 is none.
    pub memory: i64,
    /// Memory plus swap limit in bytes; 0 is none, -1 unlimited swap.
    pub memory_swap: i64,
    /// CPU limit in billionths of a CPU; 0 is none.
    pub nano_cpus: i64,
    /// Relative CPU weight; 0 is the default.
    pub cpu_shares: i64,
    /// CPUs it may use, such as `0-3`.
    pub cpuset_cpus: String,
    /// The process limit; absent or 0 is none.
    pub pids_limit: Option<i64>,
    /// Whether it runs privileged.
    pub privileged: bool,
    /// Whether its root filesystem is read-only.
    pub readonly_rootfs: bool,
}

/// A restart policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RestartPolicy {
    /// `no`, `always`, `unless-stopped` or `on-failure`.
    pub name: String,
    /// Retries for `on-failure`.
    pub maximum_retry_count: i64,
}

/// A mount of the container.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MountPoint {
    /// `bind`, `volume`, `tmpfs`, …
    #[serde(rename = "Type")]
    pub kind: String,
    /// The volume's name.
    pub name: Option<String>,
    /// The host path or volume directory.
    pub source: String,
    /// The path inside the container.
    pub destination: String,
    /// Mount options.
    pub mode: String,
    /// Whether it is writable.
    #[serde(rename = "RW")]
    pub rw: bool,
}

/// Networks and ports.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkSettings {
    /// `"80/tcp"` → its host bindings (none when only exposed).
    pub ports: Option<BTreeMap<String, Option<Vec<PortBinding>>>>,
    /// The networks it is attached to, by name.
    pub networks: Option<BTreeMap<String, EndpointSettings>>,
}

/// A host binding of a port.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PortBinding {
    /// The host address.
    pub host_ip: String,
    /// The host port.
    pub host_port: String,
}

/// The container's endpoint on one network.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EndpointSettings {
    /// Its IPv4 address.
    #[serde(rename = "IPAddress")]
    pub ip_address: String,
    /// The gateway.
    pub gateway: String,
    /// Its MAC address.
    pub mac_address: String,
    /// Other names it answers to on the network.
    pub aliases: Option<Vec<String>>,
}

/// `GET /containers/{id}/top`: a `ps` table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ProcessList {
    /// Column names.
    pub titles: Vec<String>,
    /// One row per process.
    pub processes: Vec<Vec<String>>,
}

/// One row of `GET /containers/{id}/changes`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FilesystemChange {
    /// The changed path.
    pub path: String,
    /// 0 modified, 1 added, 2 deleted.
    pub kind: u8,
}

impl FilesystemChange {
    /// `Modified`, `Added` or `Deleted`.
    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            0 => "Modified",
            1 => "Added",
            _ => "Deleted",
        }
    }
}

/// Ports as the list rows show them, from the inspect answer.
pub fn ports_of(settings: &NetworkSettings) -> Vec<Port> {
    let mut ports = Vec::new();
    for (key, bindings) in settings.ports.iter().flatten() {
        let (number, protocol) = key.split_once('/').unwrap_or((key, "tcp"));
        let Ok(private_port) = number.parse() else {
            continue;
        };
        let bindings = bindings.as_deref().unwrap_or_default();
        if bindings.is_empty() {
            ports.push(Port {
                ip: None,
                private_port,
                public_port: None,
                protocol: protocol.to_owned(),
            });
        }
        for binding in bindings {
            ports.push(Port {
                ip: Some(binding.host_ip.clone()).filter(|ip| !ip.is_empty()),
                private_port,
                public_port: binding.host_port.parse().ok(),
                protocol: protocol.to_owned(),
            });
        }
    }
    ports.sort_by_key(|port| (port.private_port, port.public_port));
    ports
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_answer_decodes() {
        let json = r#"{"Id":"abc","Name":"/web","State":{"Status":"running","Running":true,
            "Health":{"Status":"healthy","FailingStreak":0,"Log":[{"ExitCode":0,"Output":"ok"}]}},
            "Config":{"Tty":true,"Env":["A=1"],"Cmd":["sh"]},"HostConfig":{"Memory":1048576},
            "Mounts":[{"Type":"volume","Name":"data","Destination":"/data","RW":true}],
            "NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}],"443/tcp":null},
            "Networks":{"bridge":{"IPAddress":"172.17.0.2"}}}}"#;
        let inspect: ContainerInspect = serde_json::from_str(json).unwrap();
        assert_eq!(inspect.display_name(), "web");
        assert!(inspect.config.tty);
        assert_eq!(inspect.state.health.unwrap().log[0].output, "ok");
        let ports = ports_of(&inspect.network_settings);
        assert_eq!(ports.len(), 2);
        assert_eq!(ports[0].public_port, Some(8080));
        assert_eq!(ports[1].public_port, None);
    }
}
