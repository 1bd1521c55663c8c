//! Managed plugins: `GET /plugins`, inspect, the privileges a plugin asks for, and the kinds of
//! driver it provides.

use serde::{Deserialize, Serialize};

/// One plugin, as `GET /plugins` lists it and `GET /plugins/{name}/json` shows it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Plugin {
    /// The engine's id.
    pub id: String,
    /// The local name, `name:tag`.
    pub name: String,
    /// Whether it runs.
    pub enabled: bool,
    /// What has been set on it.
    pub settings: PluginSettings,
    /// The reference it was pulled from.
    pub plugin_reference: String,
    /// Its `config.json`.
    pub config: PluginConfig,
}

/// The values set on a plugin: `KEY=value` environment, arguments, mounts and devices.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginSettings {
    /// Mounts, with their current sources.
    pub mounts: Vec<PluginMount>,
    /// `KEY=value`.
    pub env: Vec<String>,
    /// The arguments.
    pub args: Vec<String>,
    /// Devices, with their current paths.
    pub devices: Vec<PluginDevice>,
}

/// What the plugin's author declared.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginConfig {
    /// The engine version that built it.
    pub docker_version: String,
    /// A sentence about it.
    pub description: String,
    /// A link to its documentation.
    pub documentation: String,
    /// The driver interfaces it implements and its socket.
    pub interface: PluginInterface,
    /// The command it runs.
    pub entrypoint: Vec<String>,
    /// Its working directory.
    pub work_dir: String,
    /// The network it joins: `host`, `none`, or empty for its own.
    pub network: PluginNetwork,
    /// Linux privileges.
    pub linux: PluginLinux,
    /// Where in its root file system volumes it serves are mounted.
    pub propagated_mount: String,
    /// Whether it shares the host's IPC namespace.
    pub ipc_host: bool,
    /// Whether it shares the host's PID namespace.
    pub pid_host: bool,
    /// Its mounts.
    pub mounts: Vec<PluginMount>,
    /// Its environment variables.
    pub env: Vec<PluginEnv>,
    /// Its arguments.
    pub args: PluginArgs,
}

/// The driver interfaces a plugin implements.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginInterface {
    /// Such as `docker.volumedriver/1.0`.
    pub types: Vec<String>,
    /// The socket's file name.
    pub socket: String,
}

/// A plugin's network.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginNetwork {
    /// `host`, `none`, or empty.
    #[serde(rename = "Type")]
    pub kind: String,
}

/// A plugin's Linux privileges.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginLinux {
    /// Capabilities, such as `CAP_SYS_ADMIN`.
    pub capabilities: Vec<String>,
    /// Whether it may use every device.
    pub allow_all_devices: bool,
    /// Its devices.
    pub devices: Vec<PluginDevice>,
}

/// A mount of a plugin.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginMount {
    /// Its name, which `PluginSet` keys use (`name.source=…`).
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Which of its fields may be set: `source`.
    pub settable: Vec<String>,
    /// The host path.
    pub source: String,
    /// The path in the plugin.
    pub destination: String,
    /// Such as `bind`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// Mount options.
    pub options: Vec<String>,
}

/// A device of a plugin.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginDevice {
    /// Its name, which `PluginSet` keys use (`name.path=…`).
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Which of its fields may be set: `path`.
    pub settable: Vec<String>,
    /// The device's path.
    pub path: String,
}

/// An environment variable of a plugin.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginEnv {
    /// The variable.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// `value` when it may be set.
    pub settable: Vec<String>,
    /// Its default value.
    pub value: String,
}

/// A plugin's arguments.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginArgs {
    /// The name `PluginSet` sets them by.
    pub name: String,
    /// What they are for.
    pub description: String,
    /// `value` when they may be set.
    pub settable: Vec<String>,
    /// Their default value.
    pub value: Vec<String>,
}

/// One privilege a plugin asks for, from `GET /plugins/privileges`; the install sends the ones
/// accepted back, as they came, and the engine refuses if they no longer match.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PluginPrivilege {
    /// `network`, `mount`, `device`, `capabilities`, `allow-all-devices`, `host pid`…
    pub name: String,
    /// The engine's words for it.
    pub description: String,
    /// What exactly: the network type, the mount sources, the device paths, the capabilities.
    pub value: Vec<String>,
}

/// The kinds of driver a plugin can provide, by the capability in its interface types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PluginKind {
    /// `docker.volumedriver`.
    Volume,
    /// `docker.networkdriver`.
    Network,
    /// `docker.logdriver`.
    Log,
    /// `docker.authz`.
    Authz,
    /// `docker.ipamdriver`.
    Ipam,
    /// `docker.metricscollector`.
    Metrics,
}

impl PluginKind {
    /// Every kind, in the order the list shows them.
    pub const ALL: [PluginKind; 6] = [
        PluginKind::Volume,
        PluginKind::Network,
        PluginKind::Log,
        PluginKind::Authz,
        PluginKind::Ipam,
        PluginKind::Metrics,
    ];

    /// The capability in the interface type, which `GET /plugins`' `capability` filter takes.
    pub fn capability(self) -> &'static str {
        match self {
            PluginKind::Volume => "volumedriver",
            PluginKind::Network => "networkdriver",
            PluginKind::Log => "logdriver",
            PluginKind::Authz => "authz",
            PluginKind::Ipam => "ipamdriver",
            PluginKind::Metrics => "metricscollector",
        }
    }

    /// The word the UI shows.
    pub fn label(self) -> &'static str {
        match self {
            PluginKind::Volume => "volume",
            PluginKind::Network => "network",
            PluginKind::Log => "log",
            PluginKind::Authz => "authz",
            PluginKind::Ipam => "ipam",
            PluginKind::Metrics => "metrics",
        }
    }

    /// The kind of an interface type such as `docker.volumedriver/1.0`.
    pub fn of_type(interface_type: &str) -> Option<PluginKind> {
        let capability = interface_type
            .split('/')
            .next()?
            .rsplit('.')
            .next()
            .unwrap_or_default();
        PluginKind::ALL
            .into_iter()
            .find(|kind| kind.capability() == capability)
    }
}

impl Plugin {
    /// The kinds of driver it provides.
    pub fn kinds(&self) -> Vec<PluginKind> {
        let mut kinds: Vec<PluginKind> = self
            .config
            .interface
            .types
            .iter()
            .filter_map(|kind| PluginKind::of_type(kind))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// The name without its tag, and the tag (`latest` when it has none).
    pub fn name_and_tag(&self) -> (&str, &str) {
        let slash = self.name.rfind('/').map_or(0, |index| index + 1);
        match self.name[slash..].rfind(':') {
            Some(colon) => (&self.name[..slash + colon], &self.name[slash + colon + 1..]),
            None => (&self.name, "latest"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_interface_types() {
        let plugin = Plugin {
            config: PluginConfig {
                interface: PluginInterface {
                    types: vec![
                        "docker.volumedriver/1.0".into(),
                        "docker.authz/1.0".into(),
                        "docker.unknown/1.0".into(),
                    ],
                    socket: String::new(),
                },
                ..PluginConfig::default()
            },
            ..Plugin::default()
        };
        assert_eq!(plugin.kinds(), vec![PluginKind::Volume, PluginKind::Authz]);
    }

    #[test]
    fn names_split_at_the_tag() {
        let named = |name: &str| Plugin {
            name: name.into(),
            ..Plugin::default()
        };
        assert_eq!(
            named("127.0.0.1:5050/team/driver:v1").name_and_tag(),
            ("127.0.0.1:5050/team/driver", "v1")
        );
        assert_eq!(
            named("vieux/sshfs").name_and_tag(),
            ("vieux/sshfs", "latest")
        );
    }
}
