//! System: `GET /version` and `GET /info`.

use serde::{Deserialize, Serialize};

/// `GET /version`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SystemVersion {
    /// The engine's release, such as `20.10.24`.
    pub version: String,
    /// The newest API version the engine speaks.
    pub api_version: String,
    /// The oldest API version the engine accepts.
    #[serde(rename = "MinAPIVersion")]
    pub min_api_version: Option<String>,
    /// The commit the engine was built from.
    pub git_commit: String,
    /// The Go release the engine was built with.
    pub go_version: String,
    /// `linux` or `windows`.
    pub os: String,
    /// The CPU architecture.
    pub arch: String,
    /// The host's kernel release.
    pub kernel_version: String,
    /// Whether experimental features are on.
    pub experimental: bool,
    /// When the engine was built.
    pub build_time: Option<String>,
}

/// The parts of `GET /info` that Berth shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SystemInfo {
    /// The engine's unique id.
    #[serde(rename = "ID")]
    pub id: String,
    /// The host name of the engine's machine.
    pub name: String,
    /// How many containers exist.
    pub containers: u64,
    /// How many containers are running.
    pub containers_running: u64,
    /// How many containers are paused.
    pub containers_paused: u64,
    /// How many containers are stopped.
    pub containers_stopped: u64,
    /// How many images exist.
    pub images: u64,
    /// The storage driver.
    pub driver: String,
    /// The number of CPUs the engine sees.
    #[serde(rename = "NCPU")]
    pub ncpu: u64,
    /// Total memory in bytes.
    pub mem_total: u64,
    /// The host's operating system, such as `Debian GNU/Linux 12 (bookworm)`.
    pub operating_system: String,
    /// `linux` or `windows`.
    #[serde(rename = "OSType")]
    pub os_type: String,
    /// The CPU architecture, such as `x86_64`.
    pub architecture: String,
    /// The host's kernel release.
    pub kernel_version: String,
    /// The engine's release.
    pub server_version: String,
    /// Where the engine keeps its data.
    pub docker_root_dir: String,
    /// The cgroup driver, `cgroupfs` or `systemd`.
    pub cgroup_driver: String,
    /// The cgroup version, `1` or `2`.
    pub cgroup_version: Option<String>,
    /// The logging driver new containers get.
    pub logging_driver: String,
    /// Warnings the engine has about its host.
    pub warnings: Option<Vec<String>>,
}
