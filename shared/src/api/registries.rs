//! Saved registries: addresses and credentials the console keeps (encrypted) so that pulls and
//! pushes can authenticate without the browser ever seeing a password.

use serde::{Deserialize, Serialize};

/// The console header by which a gateway request names the saved registry whose credentials
/// Berth should send to the engine as `X-Registry-Auth`. Berth removes it before forwarding.
pub const REGISTRY_HEADER: &str = "x-berth-registry";

/// A saved registry, without its password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryView {
    /// The id.
    pub id: i64,
    /// A display name.
    pub name: String,
    /// The server address as image references name it: `registry.example.com`,
    /// `127.0.0.1:5000`, or `docker.io` for Docker Hub.
    pub address: String,
    /// The user name, empty for anonymous access.
    pub username: String,
    /// Whether a password (or token) is stored.
    pub has_password: bool,
    /// When it was saved, Unix seconds.
    pub created_at: i64,
    /// When it was last changed, Unix seconds.
    pub updated_at: i64,
}

/// `POST /api/registries` and `PUT /api/registries/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistryRequest {
    /// A display name.
    pub name: String,
    /// The server address.
    pub address: String,
    /// The user name; empty for anonymous access.
    pub username: String,
    /// The password or access token. On update, `None` keeps the stored one.
    pub password: Option<String>,
    /// The environment whose engine checks the credentials with `/auth` before they are saved.
    pub environment: String,
}

impl RegistryView {
    /// Whether an image reference such as `127.0.0.1:5000/app:1` lives on this registry.
    pub fn serves(&self, reference: &str) -> bool {
        serves(&self.address, reference)
    }
}

/// Whether an image (or plugin) reference lives on the registry at `address`: the one test
/// by which the UI picks a saved registry and the backend refuses to send its credentials
/// anywhere else.
pub fn serves(address: &str, reference: &str) -> bool {
    registry_of(reference) == normalize_address(address)
}

/// The registry host of an image reference: its first path segment when the engine reads that
/// as a host (it has a dot, a colon or an upper-case letter, or is `localhost`), otherwise
/// Docker Hub.
pub fn registry_of(reference: &str) -> String {
    match reference.split_once('/') {
        Some((first, _))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            normalize_address(first)
        }
        _ => "docker.io".to_owned(),
    }
}

/// A registry address without scheme, trailing slash or Docker Hub aliases.
pub fn normalize_address(address: &str) -> String {
    let lower = address.trim().to_ascii_lowercase();
    let trimmed = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let host = trimmed.split('/').next().unwrap_or(trimmed);
    match host {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" | "" => {
            "docker.io".to_owned()
        }
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_registry_of_a_reference() {
        assert_eq!(registry_of("busybox"), "docker.io");
        assert_eq!(registry_of("library/busybox:1"), "docker.io");
        assert_eq!(registry_of("127.0.0.1:5000/app:1"), "127.0.0.1:5000");
        assert_eq!(registry_of("ghcr.io/org/app@sha256:ab"), "ghcr.io");
        assert_eq!(registry_of("localhost/app"), "localhost");
        // The engine reads an upper-case first component as a host, not a Hub namespace.
        assert_eq!(registry_of("Evil/app"), "evil");
        assert_eq!(registry_of("team/app"), "docker.io");
    }

    #[test]
    fn normalizes_addresses() {
        assert_eq!(
            normalize_address("https://index.docker.io/v1/"),
            "docker.io"
        );
        assert_eq!(
            normalize_address(" HTTP://Reg.Example.com:5000/ "),
            "reg.example.com:5000"
        );
        let view = RegistryView {
            id: 1,
            name: "local".into(),
            address: "http://127.0.0.1:5051".into(),
            username: "u".into(),
            has_password: true,
            created_at: 0,
            updated_at: 0,
        };
        assert!(view.serves("127.0.0.1:5051/app:1"));
        assert!(!view.serves("127.0.0.1:5050/app:1"));
    }
}
