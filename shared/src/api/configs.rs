//! `POST /api/env/{env}/configs/{id}/rotate`: a config's new version, and every service that
//! used the old one moved to it, in one audited step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::secret::Driver;

/// The new version of a config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigRotateRequest {
    /// The new config's name, such as `nginx-v2`.
    pub name: String,
    /// Its data, base64-encoded.
    pub data: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// Its templating driver, if any.
    pub templating: Option<Driver>,
}

/// A service the rotation touched.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RotatedService {
    /// The service's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Why its update failed; `None` once it uses the new config.
    pub error: Option<String>,
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigRotated {
    /// The new config's id.
    pub config: String,
    /// Its name.
    pub name: String,
    /// Every service that used the old config, each updated or with its failure; a failed one
    /// still uses the old config.
    pub services: Vec<RotatedService>,
}

impl ConfigRotated {
    /// The services whose update failed.
    pub fn failed(&self) -> impl Iterator<Item = &RotatedService> {
        self.services
            .iter()
            .filter(|service| service.error.is_some())
    }

    /// Each failed service as `name: why`, as the audit record and the console say it.
    pub fn failures(&self) -> Vec<String> {
        self.failed()
            .map(|service| {
                format!(
                    "{}: {}",
                    service.name,
                    service.error.as_deref().unwrap_or_default()
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_name_each_service_and_why() {
        let service = |name: &str, error: Option<&str>| RotatedService {
            id: name.into(),
            name: name.into(),
            error: error.map(Into::into),
        };
        let rotated = ConfigRotated {
            services: vec![
                service("web", None),
                service("api", Some("update out of sequence")),
            ],
            ..ConfigRotated::default()
        };
        assert_eq!(rotated.failures(), ["api: update out of sequence"]);
        assert_eq!(rotated.failed().count(), 1);
    }
}
