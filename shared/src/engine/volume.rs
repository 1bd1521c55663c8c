//! Volumes: `GET /volumes`.

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
