//! Swarm secrets: `GET /secrets`, one secret, and what Berth sends to create and relabel them.
//!
//! The engine never answers a secret's data, so these models have no field for it; only the
//! create request carries it, base64-encoded. The driver and templating settings are shared
//! with configs ([`super::config`]).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::swarm::ObjectVersion;

/// One secret, as listed and inspected.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Secret {
    /// The secret's id.
    #[serde(rename = "ID")]
    pub id: String,
    /// What an update must name.
    pub version: ObjectVersion,
    /// When it was made, RFC 3339.
    pub created_at: Option<String>,
    /// When its labels last changed.
    pub updated_at: Option<String>,
    /// Its name and labels.
    pub spec: SecretSpec,
}

/// `Spec` of a secret: everything but its data, which the engine keeps to itself.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SecretSpec {
    /// The secret's name.
    pub name: String,
    /// User-defined labels.
    pub labels: BTreeMap<String, String>,
    /// An external secret store's driver, if the data lives there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
    /// The templating driver that fills the file in, such as `golang`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templating: Option<Driver>,
}

/// A named driver with its options (a secret store, or a templating engine).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Driver {
    /// The driver's name.
    pub name: String,
    /// Its options.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

/// `POST /secrets/create` (and `/configs/create`, which takes the same body less the driver).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectCreateRequest {
    /// The new object's name.
    pub name: String,
    /// User-defined labels.
    pub labels: BTreeMap<String, String>,
    /// The data, base64-encoded ([`encode_data`]).
    pub data: String,
    /// An external secret store's driver (secrets only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
    /// The templating driver, such as `golang`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templating: Option<Driver>,
}

/// What `POST /secrets/create` and `/configs/create` answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectCreated {
    /// The new object's id.
    #[serde(rename = "ID")]
    pub id: String,
}

/// `bytes` as the engine's `Data` field carries them.
pub fn encode_data(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A `Data` field's bytes, or `None` when it is not base64.
pub fn decode_data(data: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_body_leaves_out_what_is_not_set() {
        let body = serde_json::to_value(ObjectCreateRequest {
            name: "db".into(),
            data: encode_data(b"pw"),
            ..ObjectCreateRequest::default()
        })
        .unwrap();
        assert_eq!(body["Data"], "cHc=");
        assert!(body.get("Driver").is_none() && body.get("Templating").is_none());
        assert_eq!(decode_data("cHc=").as_deref(), Some(&b"pw"[..]));
        assert_eq!(decode_data("not base64!"), None);
    }

    #[test]
    fn an_update_spec_sends_no_data_field() {
        let spec = SecretSpec {
            name: "db".into(),
            ..SecretSpec::default()
        };
        let body = serde_json::to_value(&spec).unwrap();
        assert!(
            body.get("Data").is_none(),
            "the engine allows label changes only"
        );
    }
}
