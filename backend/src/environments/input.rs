//! From what an admin asked for (an [`EnvironmentRequest`], from the API or built by the
//! command line) to a checked [`Definition`], and between definitions and stored records: the
//! TLS client certificate and key, and the SSH private key, are sealed by the vault on the way
//! in and opened on the way out. Plain `tcp://` is refused unless the request says it is
//! insecure. An SSH host key stays pinned while the host and port stay.

use berth_shared::api::environments::{
    DEFAULT_SSH_SOCKET, EnvironmentFieldError, EnvironmentRequest, EnvironmentView, TlsMaterial,
    TransportKind, slug, validate_id, validate_labels,
};

use crate::engine::environment::EnvironmentInfo;
use crate::engine::ssh::{SshTarget, fingerprint_text, parse_address, private_key};
use crate::engine::tls::{EngineTls, TlsPem, client_config};
use crate::engine::{EngineEndpoint, Environment, endpoint::EndpointError};
use crate::registries::vault::{Purpose, Vault, VaultError};
use crate::store::{EnvironmentFields, EnvironmentRecord, StoredTransport};

/// A valid environment, ready to be checked and saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The slug.
    pub id: String,
    /// The display name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// How to reach it, with the TLS material in memory.
    pub endpoint: EngineEndpoint,
}

/// Why a request does not define a usable environment.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// An id, name, description or tag.
    #[error(transparent)]
    Field(#[from] EnvironmentFieldError),
    /// The address cannot be parsed, or its TLS material cannot be used.
    #[error("docker host: {0}")]
    Address(#[from] EndpointError),
    /// Plain TCP without the insecure flag.
    #[error(
        "{0} is plain TCP: anyone on the network path could read and drive this engine, which \
         is root on its host. Use TLS (--tls-verify with --cert-path, or tls_verify with the \
         certificates), or, on a network you trust, say it is insecure (--insecure)"
    )]
    PlainTcp(String),
    /// The transport's options do not go together.
    #[error("{0}")]
    Options(&'static str),
    /// Stored TLS material cannot be opened.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// Checks `request`; `stored` is the record being edited, whose id stays and whose TLS material
/// is kept when the request brings none.
pub fn definition(
    request: &EnvironmentRequest,
    stored: Option<&EnvironmentRecord>,
    vault: &Vault,
) -> Result<Definition, InputError> {
    let (name, description, tags) =
        validate_labels(&request.name, &request.description, &request.tags)?;
    let id = match stored {
        Some(record) => record.id.clone(),
        None => {
            let id = match request.id.as_deref().map(str::trim) {
                Some(id) if !id.is_empty() => id.to_owned(),
                _ => slug(&name),
            };
            validate_id(&id)?;
            id
        }
    };
    let docker_host = request.docker_host.trim();
    if docker_host.starts_with("ssh://") {
        return Ok(Definition {
            id,
            name,
            description,
            tags,
            endpoint: EngineEndpoint::Ssh(ssh_target(request, stored, vault)?),
        });
    }
    if request.ssh.is_some() {
        return Err(InputError::Options(
            "an SSH key, socket or host key is for ssh:// addresses only",
        ));
    }
    let endpoint = match docker_host.parse::<EngineEndpoint>()? {
        EngineEndpoint::Unix(path) => {
            if request.tls_verify || request.tls.is_some() {
                return Err(InputError::Options(
                    "TLS is for tcp:// addresses: a unix socket needs no certificates",
                ));
            }
            if request.insecure {
                return Err(InputError::Options(
                    "insecure is for plain tcp:// addresses only, not for a unix socket",
                ));
            }
            EngineEndpoint::Unix(path)
        }
        EngineEndpoint::Tcp { host, port } if request.tls_verify || request.tls.is_some() => {
            if request.insecure {
                return Err(InputError::Options(
                    "choose TLS or insecure plain TCP, not both",
                ));
            }
            let pem = match (&request.tls, stored.map(|record| &record.fields.transport)) {
                (Some(material), _) => pem_of(material)?,
                (None, Some(transport @ StoredTransport::TcpTls { .. })) => {
                    match endpoint_of(transport, vault)? {
                        EngineEndpoint::TcpTls {
                            tls: EngineTls::Pem(pem),
                            ..
                        } => pem,
                        _ => return Err(InputError::Options("the stored TLS material is missing")),
                    }
                }
                (None, _) => {
                    return Err(InputError::Options(
                        "TLS needs the engine's CA: give --cert-path DIR with ca.pem (and \
                         cert.pem with key.pem), or the certificates in tls",
                    ));
                }
            };
            let tls = EngineTls::Pem(pem);
            client_config(&tls)?;
            EngineEndpoint::TcpTls { host, port, tls }
        }
        EngineEndpoint::Tcp { host, port } if request.insecure => {
            EngineEndpoint::Tcp { host, port }
        }
        plain @ EngineEndpoint::Tcp { .. } => return Err(InputError::PlainTcp(plain.to_string())),
        other @ (EngineEndpoint::TcpTls { .. } | EngineEndpoint::Ssh(_)) => other,
    };
    Ok(Definition {
        id,
        name,
        description,
        tags,
        endpoint,
    })
}

/// The SSH target of a `ssh://user@host[:port]` request. What the request leaves out comes
/// from the stored record: its key and socket, and its pinned host key while the host and port
/// stay the same.
fn ssh_target(
    request: &EnvironmentRequest,
    stored: Option<&EnvironmentRecord>,
    vault: &Vault,
) -> Result<SshTarget, InputError> {
    if request.tls_verify || request.tls.is_some() || request.insecure {
        return Err(InputError::Options(
            "TLS and insecure are for tcp:// addresses: SSH protects the connection itself",
        ));
    }
    let (user, host, port) = parse_address(request.docker_host.trim())?;
    let before = match stored.map(|record| &record.fields.transport) {
        Some(transport @ StoredTransport::Ssh { .. }) => match endpoint_of(transport, vault)? {
            EngineEndpoint::Ssh(target) => Some(target),
            _ => None,
        },
        _ => None,
    };
    let material = request.ssh.clone().unwrap_or_default();
    let given = |text: &Option<String>| text.clone().filter(|text| !text.trim().is_empty());
    let private = match (given(&material.private_key_pem), &before) {
        (Some(pem), _) => pem,
        (None, Some(before)) => before.private_key.clone(),
        (None, None) => {
            return Err(InputError::Options(
                "SSH needs a private key: give --ssh-key FILE (an OpenSSH private key without a \
                 passphrase), or private_key_pem in ssh",
            ));
        }
    };
    private_key(&private)?;
    let socket = match (given(&material.socket), &before) {
        (Some(socket), _) => socket.trim().to_owned(),
        (None, Some(before)) => before.socket.clone(),
        (None, None) => DEFAULT_SSH_SOCKET.to_owned(),
    };
    if !socket.starts_with('/') {
        return Err(InputError::Options(
            "the engine's socket on the SSH host must be an absolute path, such as \
             /var/run/docker.sock",
        ));
    }
    let host_key = match (given(&material.host_key), before) {
        (Some(expected), _) => Some(fingerprint_text(&expected)?),
        (None, Some(before)) if before.host == host && before.port == port => before.host_key,
        (None, _) => None,
    };
    Ok(SshTarget {
        user,
        host,
        port,
        socket,
        private_key: private,
        host_key,
    })
}

/// The request's PEM text; a certificate needs its key and the other way round.
fn pem_of(material: &TlsMaterial) -> Result<TlsPem, InputError> {
    let present = |text: &Option<String>| text.clone().filter(|text| !text.trim().is_empty());
    let client = match (present(&material.cert_pem), present(&material.key_pem)) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        _ => {
            return Err(InputError::Options(
                "a client certificate (cert.pem) and its key (key.pem) go together: give both \
                 or neither",
            ));
        }
    };
    Ok(TlsPem {
        ca: material.ca_pem.clone(),
        client,
    })
}

/// The request's TLS material from a `DOCKER_CERT_PATH`-style directory.
pub fn material_of_dir(dir: &std::path::Path) -> Result<TlsMaterial, EndpointError> {
    let pem = TlsPem::read_dir(dir)?;
    let (cert_pem, key_pem) = match pem.client {
        Some((cert, key)) => (Some(cert), Some(key)),
        None => (None, None),
    };
    Ok(TlsMaterial {
        ca_pem: pem.ca,
        cert_pem,
        key_pem,
    })
}

/// The stored form of a definition, its client certificate and key sealed.
pub fn fields_of(definition: &Definition, vault: &Vault) -> Result<EnvironmentFields, InputError> {
    let seal = |text: &str| vault.seal_for(Purpose::EnvironmentTls, text.as_bytes());
    let transport = match &definition.endpoint {
        EngineEndpoint::Unix(path) => StoredTransport::Unix {
            path: path.to_string_lossy().into_owned(),
        },
        EngineEndpoint::Tcp { host, port } => StoredTransport::TcpInsecure {
            host: host.clone(),
            port: *port,
        },
        EngineEndpoint::TcpTls { host, port, tls } => {
            let pem = match tls {
                EngineTls::Pem(pem) => pem.clone(),
                EngineTls::CertPath(dir) => TlsPem::read_dir(dir)?,
            };
            let (sealed_cert, sealed_key) = match &pem.client {
                Some((cert, key)) => (Some(seal(cert.as_str())?), Some(seal(key.as_str())?)),
                None => (None, None),
            };
            StoredTransport::TcpTls {
                host: host.clone(),
                port: *port,
                ca_pem: pem.ca,
                sealed_cert,
                sealed_key,
            }
        }
        EngineEndpoint::Ssh(target) => StoredTransport::Ssh {
            user: target.user.clone(),
            host: target.host.clone(),
            port: target.port,
            socket: target.socket.clone(),
            sealed_key: vault.seal_for(Purpose::EnvironmentSsh, target.private_key.as_bytes())?,
            host_key: target.host_key.clone().ok_or(InputError::Options(
                "the SSH host key is not pinned: give --ssh-host-key SHA256:…",
            ))?,
        },
    };
    Ok(EnvironmentFields {
        name: definition.name.clone(),
        description: definition.description.clone(),
        tags: definition.tags.clone(),
        transport,
    })
}

/// The endpoint of a stored transport, its client certificate and key opened.
pub fn endpoint_of(
    transport: &StoredTransport,
    vault: &Vault,
) -> Result<EngineEndpoint, VaultError> {
    let open_for = |purpose: Purpose, sealed: &[u8]| {
        let text = vault.open_for(purpose, sealed)?;
        String::from_utf8(text).map_err(|_| VaultError::Corrupt)
    };
    let open = |sealed: &[u8]| open_for(Purpose::EnvironmentTls, sealed);
    Ok(match transport {
        StoredTransport::Unix { path } => EngineEndpoint::Unix(path.into()),
        StoredTransport::TcpInsecure { host, port } => EngineEndpoint::Tcp {
            host: host.clone(),
            port: *port,
        },
        StoredTransport::TcpTls {
            host,
            port,
            ca_pem,
            sealed_cert,
            sealed_key,
        } => {
            let client = match (sealed_cert, sealed_key) {
                (Some(cert), Some(key)) => Some((open(cert.as_slice())?, open(key.as_slice())?)),
                _ => None,
            };
            EngineEndpoint::TcpTls {
                host: host.clone(),
                port: *port,
                tls: EngineTls::Pem(TlsPem {
                    ca: ca_pem.clone(),
                    client,
                }),
            }
        }
        StoredTransport::Ssh {
            user,
            host,
            port,
            socket,
            sealed_key,
            host_key,
        } => EngineEndpoint::Ssh(SshTarget {
            user: user.clone(),
            host: host.clone(),
            port: *port,
            socket: socket.clone(),
            private_key: open_for(Purpose::EnvironmentSsh, sealed_key)?,
            host_key: Some(host_key.clone()),
        }),
    })
}

/// The running environment of a stored record.
pub fn environment_of(
    record: &EnvironmentRecord,
    vault: &Vault,
) -> Result<Environment, VaultError> {
    let info = EnvironmentInfo {
        name: record.fields.name.clone(),
        description: record.fields.description.clone(),
        tags: record.fields.tags.clone(),
        saved: Some((record.created_at, record.updated_at)),
    };
    let endpoint = endpoint_of(&record.fields.transport, vault)?;
    Ok(Environment::with_info(&record.id, info, endpoint))
}

/// A stored environment for the wire, without its secrets.
pub fn record_view(record: &EnvironmentRecord) -> EnvironmentView {
    let (docker_host, transport, client_certificate) = match &record.fields.transport {
        StoredTransport::Unix { path } => (format!("unix://{path}"), TransportKind::Unix, false),
        StoredTransport::TcpInsecure { host, port } => {
            (format!("tcp://{host}:{port}"), TransportKind::Tcp, false)
        }
        StoredTransport::TcpTls {
            host,
            port,
            sealed_cert,
            ..
        } => (
            format!("tcp://{host}:{port}"),
            TransportKind::Tls,
            sealed_cert.is_some(),
        ),
        StoredTransport::Ssh {
            user, host, port, ..
        } => (
            format!("ssh://{user}@{host}:{port}"),
            TransportKind::Ssh,
            false,
        ),
    };
    let (ssh_socket, host_key) = match &record.fields.transport {
        StoredTransport::Ssh {
            socket, host_key, ..
        } => (Some(socket.clone()), Some(host_key.clone())),
        _ => (None, None),
    };
    EnvironmentView {
        id: record.id.clone(),
        name: record.fields.name.clone(),
        description: record.fields.description.clone(),
        tags: record.fields.tags.clone(),
        docker_host,
        insecure: transport == TransportKind::Tcp,
        transport,
        client_certificate,
        ssh_socket,
        host_key,
        local: false,
        created_at: Some(record.created_at),
        updated_at: Some(record.updated_at),
    }
}

/// The `local` environment for the wire.
pub fn local_view(local: &Environment) -> EnvironmentView {
    let (transport, insecure) = local.transport();
    let client_certificate = match local.client().endpoint() {
        EngineEndpoint::TcpTls { tls, .. } => match tls {
            EngineTls::Pem(pem) => pem.client.is_some(),
            EngineTls::CertPath(dir) => dir.join("cert.pem").is_file(),
        },
        _ => false,
    };
    let docker_host = match local.client().endpoint() {
        EngineEndpoint::TcpTls { host, port, .. } => format!("tcp://{host}:{port}"),
        other => other.to_string(),
    };
    EnvironmentView {
        id: local.id().to_owned(),
        name: local.info().name.clone(),
        description: "the engine of --docker-host".to_owned(),
        tags: Vec::new(),
        docker_host,
        transport,
        insecure,
        client_certificate,
        ssh_socket: None,
        host_key: None,
        local: true,
        created_at: None,
        updated_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(docker_host: &str) -> EnvironmentRequest {
        EnvironmentRequest {
            name: "Build Server".into(),
            docker_host: docker_host.into(),
            ..EnvironmentRequest::default()
        }
    }

    #[test]
    fn ids_come_from_names_unless_given() {
        let vault = Vault::new(std::path::Path::new("/nonexistent"));
        let made = definition(&request("unix:///run/build.sock"), None, &vault).unwrap();
        assert_eq!(made.id, "build-server");
        assert_eq!(
            made.endpoint,
            EngineEndpoint::Unix("/run/build.sock".into())
        );
        let given = EnvironmentRequest {
            id: Some("ci".into()),
            ..request("unix:///run/build.sock")
        };
        assert_eq!(definition(&given, None, &vault).unwrap().id, "ci");
        let reserved = EnvironmentRequest {
            id: Some("local".into()),
            ..request("unix:///run/build.sock")
        };
        assert!(matches!(
            definition(&reserved, None, &vault),
            Err(InputError::Field(EnvironmentFieldError::Reserved("id")))
        ));
    }

    #[test]
    fn plain_tcp_needs_the_insecure_flag() {
        let vault = Vault::new(std::path::Path::new("/nonexistent"));
        let error = definition(&request("tcp://10.0.0.5:2375"), None, &vault).unwrap_err();
        assert!(matches!(error, InputError::PlainTcp(_)), "{error}");
        assert!(error.to_string().contains("--insecure"), "{error}");
        let insecure = EnvironmentRequest {
            insecure: true,
            ..request("tcp://10.0.0.5:2375")
        };
        assert_eq!(
            definition(&insecure, None, &vault).unwrap().endpoint,
            EngineEndpoint::Tcp {
                host: "10.0.0.5".into(),
                port: 2375
            }
        );
    }

    #[test]
    fn options_that_do_not_fit_the_address_are_refused() {
        let vault = Vault::new(std::path::Path::new("/nonexistent"));
        for bad in [
            EnvironmentRequest {
                tls_verify: true,
                ..request("unix:///run/x.sock")
            },
            EnvironmentRequest {
                insecure: true,
                ..request("unix:///run/x.sock")
            },
            EnvironmentRequest {
                tls_verify: true,
                ..request("tcp://h:2376")
            },
            EnvironmentRequest {
                tls: Some(TlsMaterial {
                    ca_pem: "x".into(),
                    cert_pem: Some("c".into()),
                    key_pem: None,
                }),
                ..request("tcp://h:2376")
            },
        ] {
            assert!(
                matches!(definition(&bad, None, &vault), Err(InputError::Options(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            definition(&request("npipe:////./pipe/docker"), None, &vault),
            Err(InputError::Address(EndpointError::UnsupportedScheme(_)))
        ));
        let keyless = definition(&request("ssh://me@host"), None, &vault).unwrap_err();
        assert!(keyless.to_string().contains("--ssh-key"), "{keyless}");
    }

    #[test]
    fn stored_tls_material_is_sealed_and_opened_again() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path());
        let pem = TlsPem {
            ca: "CA PEM".into(),
            client: Some(("CERT PEM".into(), "KEY PEM".into())),
        };
        let endpoint = EngineEndpoint::TcpTls {
            host: "10.0.0.5".into(),
            port: 2376,
            tls: EngineTls::Pem(pem),
        };
        let definition = Definition {
            id: "nas".into(),
            name: "NAS".into(),
            description: String::new(),
            tags: Vec::new(),
            endpoint: endpoint.clone(),
        };
        let fields = fields_of(&definition, &vault).unwrap();
        let StoredTransport::TcpTls {
            sealed_key: Some(sealed_key),
            ..
        } = &fields.transport
        else {
            panic!("{:?}", fields.transport);
        };
        assert!(!sealed_key.windows(7).any(|window| window == b"KEY PEM"));
        assert_eq!(endpoint_of(&fields.transport, &vault).unwrap(), endpoint);
    }

    /// An OpenSSH private key, made from a fixed seed.
    fn ssh_key() -> String {
        use russh::keys::ssh_key::{LineEnding, PrivateKey, private::Ed25519Keypair};
        let key = PrivateKey::from(Ed25519Keypair::from_seed(&[7; 32]));
        key.to_openssh(LineEnding::LF).unwrap().to_string()
    }

    #[test]
    fn ssh_keys_are_sealed_and_host_keys_stay_pinned_while_the_host_does() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path());
        let pin = format!("SHA256:{}", "p".repeat(43));
        let add = EnvironmentRequest {
            ssh: Some(berth_shared::api::environments::SshMaterial {
                private_key_pem: Some(ssh_key()),
                socket: None,
                host_key: Some(pin.clone()),
            }),
            ..request("ssh://docker@10.0.0.7:2222")
        };
        let made = definition(&add, None, &vault).unwrap();
        let EngineEndpoint::Ssh(target) = &made.endpoint else {
            panic!("{:?}", made.endpoint);
        };
        assert_eq!(target.socket, "/var/run/docker.sock");
        assert_eq!(target.host_key.as_deref(), Some(pin.as_str()));
        let fields = fields_of(&made, &vault).unwrap();
        let StoredTransport::Ssh { sealed_key, .. } = &fields.transport else {
            panic!("{:?}", fields.transport);
        };
        assert!(!sealed_key.windows(7).any(|window| window == b"OPENSSH"));
        assert_eq!(
            endpoint_of(&fields.transport, &vault).unwrap(),
            made.endpoint
        );
        let record = EnvironmentRecord {
            id: made.id.clone(),
            fields,
            created_at: 1,
            updated_at: 1,
        };
        let view = record_view(&record);
        assert_eq!(view.transport, TransportKind::Ssh);
        assert_eq!(view.docker_host, "ssh://docker@10.0.0.7:2222");
        assert_eq!(view.host_key.as_deref(), Some(pin.as_str()));

        // An edit without SSH settings keeps the key, the socket and the pin...
        let same = definition(
            &request("ssh://docker@10.0.0.7:2222"),
            Some(&record),
            &vault,
        );
        assert_eq!(same.unwrap().endpoint, made.endpoint);
        // ...but another host must show its own key.
        let moved = definition(&request("ssh://docker@10.0.0.8"), Some(&record), &vault).unwrap();
        let EngineEndpoint::Ssh(moved) = moved.endpoint else {
            panic!("not SSH");
        };
        assert_eq!(moved.host_key, None);
        assert_eq!(moved.private_key, ssh_key());

        let with_tls = EnvironmentRequest {
            insecure: true,
            ..add.clone()
        };
        assert!(matches!(
            definition(&with_tls, None, &vault),
            Err(InputError::Options(_))
        ));
        let on_unix = EnvironmentRequest {
            docker_host: "unix:///run/x.sock".into(),
            ..add
        };
        assert!(matches!(
            definition(&on_unix, None, &vault),
            Err(InputError::Options(_))
        ));
    }
}
