//! Environments: the engines Berth manages besides `local`, as `/api/environments` lists,
//! adds, edits and removes them (admins only), and the one set of rules for their ids, names
//! and tags that the command line, the API and the UI share.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::api::health::EngineSummary;

/// The id of the environment made from `berth serve --docker-host`.
pub const LOCAL: &str = "local";

/// How Berth reaches an engine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    /// A unix socket on Berth's host.
    #[default]
    Unix,
    /// Plain TCP, saved only because an admin said it is insecure: anyone on the network path
    /// can read and drive the engine.
    Tcp,
    /// TCP with TLS: the engine verified against a CA, Berth presenting a client certificate.
    Tls,
    /// SSH to the engine's host, with a sealed private key and a pinned host key, and from
    /// there a `direct-streamlocal` channel to the engine's unix socket.
    Ssh,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Unix => "unix",
            TransportKind::Tcp => "tcp",
            TransportKind::Tls => "tls",
            TransportKind::Ssh => "ssh",
        })
    }
}

/// One environment, without its secrets: `GET /api/environments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentView {
    /// The id used in `/engine/{id}/…`.
    pub id: String,
    /// The display name, unique.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Free-form labels, such as `prod` or `nas`.
    pub tags: Vec<String>,
    /// The engine's address in `DOCKER_HOST` form.
    pub docker_host: String,
    /// How Berth reaches it.
    pub transport: TransportKind,
    /// Plain TCP: nothing protects the connection.
    pub insecure: bool,
    /// Whether Berth presents a client certificate (TLS only).
    pub client_certificate: bool,
    /// SSH only: the engine's socket on the far host.
    #[serde(default)]
    pub ssh_socket: Option<String>,
    /// SSH only: the pinned host key's fingerprint, OpenSSH style (`SHA256:…`), for the admin
    /// to confirm.
    #[serde(default)]
    pub host_key: Option<String>,
    /// The `local` environment of `--docker-host`, which the store neither holds nor changes.
    pub local: bool,
    /// When it was saved, Unix seconds (`None` for `local`).
    pub created_at: Option<i64>,
    /// When it was last changed, Unix seconds (`None` for `local`).
    pub updated_at: Option<i64>,
}

/// What `POST /api/environments` and `PUT /api/environments/{id}` answer: the saved
/// environment and what its check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentSaved {
    /// As saved.
    pub environment: EnvironmentView,
    /// The engine, when it answered the check.
    pub engine: Option<EngineSummary>,
    /// Why the engine did not answer, when it was saved offline on purpose.
    pub offline: Option<String>,
}

/// PEM material for a TLS engine: the CA that signed the engine's certificate and, for client
/// authentication, a certificate with its key. The key is sealed before it is stored, and
/// never sent back.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TlsMaterial {
    /// `ca.pem`.
    pub ca_pem: String,
    /// `cert.pem`, with `key_pem`.
    pub cert_pem: Option<String>,
    /// `key.pem`, with `cert_pem`.
    pub key_pem: Option<String>,
}

impl fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("ca_pem", &self.ca_pem.len())
            .field("cert_pem", &self.cert_pem.as_ref().map(String::len))
            .field("key_pem", &self.key_pem.as_ref().map(|_| "…"))
            .finish()
    }
}

/// What SSH needs beside the `ssh://user@host[:port]` address. The private key is sealed
/// before it is stored, and never sent back.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SshMaterial {
    /// The private key, in OpenSSH's format (`-----BEGIN OPENSSH PRIVATE KEY-----`), without a
    /// passphrase. On update, `None` keeps the stored key.
    pub private_key_pem: Option<String>,
    /// The engine's socket on the far host; [`DEFAULT_SSH_SOCKET`] when absent.
    pub socket: Option<String>,
    /// The host key's expected fingerprint (`SHA256:…`), pinned up front; when absent, the key
    /// the host shows at the check is pinned (trust on first use).
    pub host_key: Option<String>,
}

/// The engine's socket on an SSH host, unless another is given.
pub const DEFAULT_SSH_SOCKET: &str = "/var/run/docker.sock";

impl fmt::Debug for SshMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SshMaterial")
            .field(
                "private_key_pem",
                &self.private_key_pem.as_ref().map(|_| "…"),
            )
            .field("socket", &self.socket)
            .field("host_key", &self.host_key)
            .finish()
    }
}

/// `POST /api/environments` and `PUT /api/environments/{id}`; `berth environment add|edit`
/// builds the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnvironmentRequest {
    /// The display name.
    pub name: String,
    /// The id; made from the name when empty. Ignored on update: ids never change.
    pub id: Option<String>,
    /// What it is for.
    pub description: String,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// `unix:///path/docker.sock`, `tcp://host:port` or `ssh://user@host[:port]`.
    pub docker_host: String,
    /// TLS, verifying the engine (`tcp://` only).
    pub tls_verify: bool,
    /// The TLS material; on update, `None` keeps the stored material.
    pub tls: Option<TlsMaterial>,
    /// The SSH key, socket and expected host key (`ssh://` only); on update, `None` keeps the
    /// stored ones.
    pub ssh: Option<SshMaterial>,
    /// Plain TCP, knowingly.
    pub insecure: bool,
    /// Save it even if its engine does not answer now.
    pub offline_ok: bool,
}

/// Why an id, a name or a tag cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvironmentFieldError {
    /// The id is not a slug.
    #[error(
        "id: '{0}' is not a slug: use 1 to 63 lower-case letters, digits and dashes, starting \
         with a letter or digit"
    )]
    BadId(String),
    /// `local` belongs to `--docker-host`.
    #[error("'{LOCAL}' is the environment of --docker-host; choose another {0}")]
    Reserved(&'static str),
    /// The name is empty or too long.
    #[error("name: give a name of 1 to 100 characters")]
    BadName,
    /// The description is too long.
    #[error("description: at most 500 characters")]
    LongDescription,
    /// A tag is empty, too long or has spaces.
    #[error("tag '{0}': use 1 to 40 characters without spaces")]
    BadTag(String),
}

/// An id made from a name: lower-case letters and digits, other runs as one dash.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    for character in name.trim().chars().flat_map(char::to_lowercase) {
        if character.is_ascii_lowercase() || character.is_ascii_digit() {
            slug.push(character);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    slug.chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// Checks an id: a slug that is not `local`.
pub fn validate_id(id: &str) -> Result<(), EnvironmentFieldError> {
    let bad = || EnvironmentFieldError::BadId(id.to_owned());
    let first = id.chars().next().ok_or_else(bad)?;
    if id.len() > 63
        || !(first.is_ascii_lowercase() || first.is_ascii_digit())
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(bad());
    }
    if id == LOCAL {
        return Err(EnvironmentFieldError::Reserved("id"));
    }
    Ok(())
}

/// Checks and trims a name, a description and tags (tags are deduplicated, in order).
pub fn validate_labels(
    name: &str,
    description: &str,
    tags: &[String],
) -> Result<(String, String, Vec<String>), EnvironmentFieldError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(EnvironmentFieldError::BadName);
    }
    if name.eq_ignore_ascii_case(LOCAL) {
        return Err(EnvironmentFieldError::Reserved("name"));
    }
    let description = description.trim();
    if description.chars().count() > 500 {
        return Err(EnvironmentFieldError::LongDescription);
    }
    let mut kept: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        if tag.is_empty() || tag.chars().count() > 40 || tag.chars().any(char::is_whitespace) {
            return Err(EnvironmentFieldError::BadTag(tag.to_owned()));
        }
        if !kept.iter().any(|seen| seen == tag) {
            kept.push(tag.to_owned());
        }
    }
    Ok((name.to_owned(), description.to_owned(), kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_made_from_names() {
        assert_eq!(slug("NAS"), "nas");
        assert_eq!(slug("  Build server #2 "), "build-server-2");
        assert_eq!(slug("été"), "t");
        assert_eq!(slug("---"), "");
        assert_eq!(slug(&"a".repeat(80)).len(), 63);
    }

    #[test]
    fn ids_are_slugs_other_than_local() {
        for good in ["nas", "prod-1", "0x"] {
            assert_eq!(validate_id(good), Ok(()), "{good}");
        }
        for bad in ["", "-x", "Nas", "a b", "a/b", &"a".repeat(64)] {
            assert!(
                matches!(validate_id(bad), Err(EnvironmentFieldError::BadId(_))),
                "{bad}"
            );
        }
        assert_eq!(
            validate_id("local"),
            Err(EnvironmentFieldError::Reserved("id"))
        );
    }

    #[test]
    fn labels_are_trimmed_and_checked() {
        let tags = vec!["prod".to_owned(), " nas ".to_owned(), "prod".to_owned()];
        assert_eq!(
            validate_labels(" NAS ", " at home ", &tags),
            Ok((
                "NAS".into(),
                "at home".into(),
                vec!["prod".into(), "nas".into()]
            ))
        );
        assert_eq!(
            validate_labels("Local", "", &[]),
            Err(EnvironmentFieldError::Reserved("name"))
        );
        assert_eq!(
            validate_labels(" ", "", &[]),
            Err(EnvironmentFieldError::BadName)
        );
        assert!(matches!(
            validate_labels("x", "", &["two words".into()]),
            Err(EnvironmentFieldError::BadTag(_))
        ));
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let material = TlsMaterial {
            ca_pem: "CA".into(),
            cert_pem: Some("CERT".into()),
            key_pem: Some("SECRET KEY".into()),
        };
        assert!(!format!("{material:?}").contains("SECRET"));
        let ssh = SshMaterial {
            private_key_pem: Some("SECRET KEY".into()),
            ..SshMaterial::default()
        };
        assert!(!format!("{ssh:?}").contains("SECRET"));
    }
}
