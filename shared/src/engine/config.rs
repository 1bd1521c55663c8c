//! Swarm configs: `GET /configs`, one config with its data, and how their data reads.
//!
//! Unlike a secret, a config's data comes back on every read (base64), except to roles that
//! may not see secrets, for whom the gateway replaces it with its placeholder. The create body
//! is [`super::secret::ObjectCreateRequest`], which both kinds share.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::secret::{Driver, decode_data};
use super::swarm::ObjectVersion;

/// One config, as listed and inspected.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Config {
    /// The config's id.
    #[serde(rename = "ID")]
    pub id: String,
    /// What an update must name.
    pub version: ObjectVersion,
    /// When it was made, RFC 3339.
    pub created_at: Option<String>,
    /// When its labels last changed.
    pub updated_at: Option<String>,
    /// Its name, labels and data.
    pub spec: ConfigSpec,
}

/// `Spec` of a config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ConfigSpec {
    /// The config's name.
    pub name: String,
    /// User-defined labels.
    pub labels: BTreeMap<String, String>,
    /// The data, base64-encoded.
    pub data: String,
    /// The templating driver that fills the file in, such as `golang`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templating: Option<Driver>,
}

/// What a config's data is, for showing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigData {
    /// UTF-8 text.
    Text(String),
    /// Anything else, with its bytes.
    Binary(Vec<u8>),
    /// Not base64 at all (no engine sends this).
    Unreadable,
}

impl ConfigSpec {
    /// The data, decoded.
    pub fn decoded(&self) -> ConfigData {
        match decode_data(&self.data) {
            None => ConfigData::Unreadable,
            Some(bytes) => match String::from_utf8(bytes) {
                Ok(text) => ConfigData::Text(text),
                Err(error) => ConfigData::Binary(error.into_bytes()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_reads_as_text_or_bytes() {
        let spec = |data: &str| ConfigSpec {
            data: data.into(),
            ..ConfigSpec::default()
        };
        assert_eq!(spec("aGk=").decoded(), ConfigData::Text("hi".into()));
        assert_eq!(spec("/w==").decoded(), ConfigData::Binary(vec![0xff]));
        assert_eq!(spec("!").decoded(), ConfigData::Unreadable);
        assert_eq!(spec("").decoded(), ConfigData::Text(String::new()));
    }
}
