//! Volumes: `GET /volumes`, inspect, and what Berth sends to create them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `GET /volumes`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VolumeList {
    /// The volumes; some engines send `null` for none.
    pub volumes: Option<Vec<Volume>>,
    /// Warnings from volume drivers.
    pub warnings: Option<Vec<String>>,
}

/// One volume.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Volume {
    /// The volume's name.
    pub name: String,
    /// The volume driver.
    pub driver: String,
    /// Where the volume is on the host.
    pub mountpoint: String,
    /// When the volume was created, RFC 3339.
    pub created_at: Option<String>,
    /// User-defined labels.
    pub labels: Option<BTreeMap<String, String>>,
    /// `local` or `global`.
    pub scope: String,
    /// Driver options.
    pub options: Option<BTreeMap<String, String>>,
    /// Size and reference count, from `/system/df` only.
    pub usage_data: Option<VolumeUsage>,
}

/// How much a volume holds and how many containers use it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VolumeUsage {
    /// Bytes used, or -1 when unknown.
    pub size: i64,
    /// How many containers reference it, or -1 when unknown.
    pub ref_count: i64,
}

impl Volume {
    /// Whether no container uses the volume, from `/system/df` usage (`None` when unknown).
    pub fn is_unused(&self) -> Option<bool> {
        self.usage_data
            .as_ref()
            .filter(|usage| usage.ref_count >= 0)
            .map(|usage| usage.ref_count == 0)
    }
}

/// `POST /volumes/create`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeCreateRequest {
    /// The new volume's name; empty lets the engine pick one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The volume driver, such as `local`.
    pub driver: String,
    /// Driver options, such as `type`, `device` and `o` for `local`.
    pub driver_opts: BTreeMap<String, String>,
    /// User-defined labels.
    pub labels: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_tells_unused_volumes() {
        let list: VolumeList = serde_json::from_str(
            r#"{"Volumes":[{"Name":"a","Driver":"local","Mountpoint":"/v/a","Scope":"local",
            "UsageData":{"Size":10,"RefCount":0}},{"Name":"b","UsageData":{"Size":-1,"RefCount":-1}},
            {"Name":"c"}],"Warnings":null}"#,
        )
        .unwrap();
        let volumes = list.volumes.unwrap();
        assert_eq!(volumes[0].is_unused(), Some(true));
        assert_eq!(volumes[1].is_unused(), None);
        assert_eq!(volumes[2].is_unused(), None);
    }

    #[test]
    fn an_unnamed_volume_leaves_the_name_out() {
        let body = serde_json::to_value(VolumeCreateRequest {
            driver: "local".into(),
            ..VolumeCreateRequest::default()
        })
        .unwrap();
        assert!(body.get("Name").is_none());
        assert_eq!(body["Driver"], "local");
    }
}
