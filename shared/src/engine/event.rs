//! Engine events: the lines of `GET /events`, one JSON object each.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One event of `GET /events`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineEvent {
    /// The kind of object: `container`, `image`, `network`, `volume`, `daemon`, …
    #[serde(rename = "Type")]
    pub kind: String,
    /// What happened: `start`, `die`, `health_status: healthy`, `exec_start: sh`, …
    #[serde(rename = "Action")]
    pub action: String,
    /// The object it happened to.
    #[serde(rename = "Actor")]
    pub actor: EventActor,
    /// `local` or `swarm`.
    pub scope: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
    /// Nanoseconds since the Unix epoch.
    #[serde(rename = "timeNano")]
    pub time_nano: i64,
}

/// The object an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EventActor {
    /// The object's id (for images, often its reference).
    #[serde(rename = "ID")]
    pub id: String,
    /// The object's name, image, labels and whatever else the engine adds.
    pub attributes: BTreeMap<String, String>,
}

impl EngineEvent {
    /// The action without its detail: `health_status` for `health_status: healthy`.
    pub fn base_action(&self) -> &str {
        self.action
            .split_once(':')
            .map_or(self.action.as_str(), |(base, _)| base)
            .trim()
    }

    /// A readable name for the actor: its `name` attribute, else its id (shortened when it is
    /// a 64-digit hash).
    pub fn actor_name(&self) -> &str {
        if let Some(name) = self.actor.attributes.get("name") {
            return name;
        }
        let id = self.actor.id.as_str();
        if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            &id[..12]
        } else {
            id
        }
    }

    /// The event time in nanoseconds, from `timeNano`, or from `time` on engines that leave it out.
    pub fn nanos(&self) -> i64 {
        if self.time_nano > 0 {
            self.time_nano
        } else {
            self.time.saturating_mul(1_000_000_000)
        }
    }

    /// Whether this event may change how a container looks in the list (state, health, name
    /// or existence). Exec and attach events, and the like, do not.
    pub fn changes_container_row(&self) -> bool {
        self.kind == "container"
            && matches!(
                self.base_action(),
                "create"
                    | "start"
                    | "restart"
                    | "stop"
                    | "die"
                    | "kill"
                    | "oom"
                    | "pause"
                    | "unpause"
                    | "rename"
                    | "update"
                    | "destroy"
                    | "health_status"
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_container_event() {
        let event: EngineEvent = serde_json::from_str(
            r#"{"status":"health_status: healthy","id":"abc","from":"busybox","Type":"container",
            "Action":"health_status: healthy","Actor":{"ID":"abc","Attributes":{"image":"busybox",
            "name":"web"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}"#,
        )
        .expect("valid event");
        assert_eq!(event.kind, "container");
        assert_eq!(event.base_action(), "health_status");
        assert_eq!(event.actor_name(), "web");
        assert_eq!(event.nanos(), 1_700_000_000_123_456_789);
        assert!(event.changes_container_row());
    }

    #[test]
    fn exec_events_leave_rows_alone_and_hashes_are_shortened() {
        let event: EngineEvent = serde_json::from_str(
            r#"{"Type":"container","Action":"exec_start: sh","Actor":{"ID":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},"time":5}"#,
        )
        .expect("valid event");
        assert!(!event.changes_container_row());
        assert_eq!(event.actor_name(), "0123456789ab");
        assert_eq!(event.nanos(), 5_000_000_000);
    }
}
