//! Containers: `GET /containers/json` rows and the health shown for them.

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
}
