//! System: `GET /version`, `GET /info`, disk usage from `GET /system/df`, and the answer
//! every prune endpoint gives.

use serde::{Deserialize, Serialize};

use super::container::ContainerSummary;
use super::image::{BuildCacheRecord, ImageSummary};
use super::volume::Volume;

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
    /// This engine's place in a swarm.
    pub swarm: SwarmMembership,
    /// The drivers the engine has, its own and those of plugins in use.
    pub plugins: EnginePlugins,
}

/// `Plugins` of `GET /info`: the drivers of each kind the engine has; authorization plugins
/// are the ones `--authorization-plugin` made active.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EnginePlugins {
    /// Volume drivers.
    pub volume: Vec<String>,
    /// Network drivers.
    pub network: Vec<String>,
    /// Active authorization plugins.
    pub authorization: Vec<String>,
    /// Log drivers.
    pub log: Vec<String>,
}

/// The `Swarm` part of `GET /info`: whether the engine is in a swarm, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SwarmMembership {
    /// The node's id in the swarm, empty outside one.
    #[serde(rename = "NodeID")]
    pub node_id: String,
    /// `inactive`, `pending`, `active`, `error` or `locked`.
    pub local_node_state: String,
    /// Whether this node is a manager (it can answer swarm requests).
    pub control_available: bool,
}

/// `GET /system/df`: what the engine's objects take on disk.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DiskUsage {
    /// The size of all image layers, counting shared layers once.
    pub layers_size: i64,
    /// Images, with how many containers use each.
    pub images: Option<Vec<ImageSummary>>,
    /// Containers, with the size of their writable layers.
    pub containers: Option<Vec<ContainerSummary>>,
    /// Volumes, with their size and reference count.
    pub volumes: Option<Vec<Volume>>,
    /// Build cache records.
    pub build_cache: Option<Vec<BuildCacheRecord>>,
}

/// The answer of the prune endpoints (`/containers/prune`, `/images/prune`, `/volumes/prune`,
/// `/networks/prune`, `/build/prune`): each fills in its own list, and all but networks say
/// how much space they freed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PruneReport {
    /// Removed containers' ids.
    pub containers_deleted: Option<Vec<String>>,
    /// Untagged and deleted images.
    pub images_deleted: Option<Vec<ImageDeleted>>,
    /// Removed volumes' names.
    pub volumes_deleted: Option<Vec<String>>,
    /// Removed networks' names.
    pub networks_deleted: Option<Vec<String>>,
    /// Removed build cache records' ids.
    pub caches_deleted: Option<Vec<String>>,
    /// Bytes freed.
    pub space_reclaimed: u64,
}

/// One entry of an image prune: a tag removed, or an image deleted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ImageDeleted {
    /// The reference that was untagged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untagged: Option<String>,
    /// The image id that was deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<String>,
}

impl PruneReport {
    /// How many objects were removed.
    pub fn removed(&self) -> usize {
        [
            self.containers_deleted.as_ref().map(Vec::len),
            self.images_deleted.as_ref().map(Vec::len),
            self.volumes_deleted.as_ref().map(Vec::len),
            self.networks_deleted.as_ref().map(Vec::len),
            self.caches_deleted.as_ref().map(Vec::len),
        ]
        .into_iter()
        .flatten()
        .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_disk_usage_of_api_1_41() {
        let usage: DiskUsage = serde_json::from_str(
            r#"{"LayersSize":1092588,"Images":[{"Id":"sha256:1","Size":1092588,"SharedSize":0,
            "Containers":1}],"Containers":[{"Id":"c","SizeRw":12,"State":"exited"}],
            "Volumes":[{"Name":"v","UsageData":{"Size":5,"RefCount":0}}],
            "BuildCache":[{"ID":"b","Type":"regular","Size":51,"InUse":false,"Shared":true}]}"#,
        )
        .unwrap();
        assert_eq!(usage.layers_size, 1_092_588);
        assert_eq!(usage.containers.unwrap()[0].size_rw, Some(12));
        assert!(usage.build_cache.unwrap()[0].shared);
    }

    #[test]
    fn prune_reports_count_whatever_was_removed() {
        let images: PruneReport = serde_json::from_str(
            r#"{"ImagesDeleted":[{"Untagged":"a:1"},{"Deleted":"sha256:2"}],"SpaceReclaimed":2048}"#,
        )
        .unwrap();
        assert_eq!((images.removed(), images.space_reclaimed), (2, 2048));
        let networks: PruneReport = serde_json::from_str(r#"{"NetworksDeleted":null}"#).unwrap();
        assert_eq!(networks.removed(), 0);
    }
}
