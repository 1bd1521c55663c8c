//! Engine addresses in the docker CLI's `DOCKER_HOST` form, with its TLS conventions:
//! `DOCKER_TLS_VERIFY` (any non-empty value) turns TLS on for `tcp://` hosts, verifying the
//! engine against `ca.pem` and presenting `cert.pem` and `key.pem`, all three in
//! `DOCKER_CERT_PATH` (by default `~/.docker`). An `ssh://user@host[:port]` engine needs a
//! private key, so it exists only as a stored environment ([`SshTarget`]).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use super::ssh::SshTarget;
use super::tls::EngineTls;

/// Where an engine listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEndpoint {
    /// A unix socket, `unix:///var/run/docker.sock`.
    Unix(PathBuf),
    /// Plain TCP, `tcp://host:port`.
    Tcp {
        /// The host name or address.
        host: String,
        /// The port.
        port: u16,
    },
    /// TCP with TLS, the engine verified against the CA of `tls`
    /// (`DOCKER_HOST=tcp://host:2376 DOCKER_TLS_VERIFY=1`).
    TcpTls {
        /// The host name or address, which the engine's certificate must name.
        host: String,
        /// The port.
        port: u16,
        /// `ca.pem` and, for client authentication, `cert.pem` and `key.pem`: in a directory,
        /// or in memory.
        tls: EngineTls,
    },
    /// SSH to the engine's host, then a `direct-streamlocal` channel to its unix socket.
    Ssh(SshTarget),
}

/// The docker CLI's TLS settings, from `DOCKER_TLS_VERIFY`, `DOCKER_TLS` and `DOCKER_CERT_PATH`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerTls {
    /// `DOCKER_TLS_VERIFY`: TLS, verifying the engine's certificate.
    pub verify: bool,
    /// `DOCKER_TLS`: TLS without verifying the engine, which Berth refuses.
    pub unverified: bool,
    /// `DOCKER_CERT_PATH`; `~/.docker` when absent.
    pub cert_path: Option<PathBuf>,
}

impl DockerTls {
    /// Reads the settings as the docker CLI does: a variable counts as set when non-empty.
    pub fn new(verify: Option<&str>, tls: Option<&str>, cert_path: Option<PathBuf>) -> Self {
        let set = |value: Option<&str>| value.is_some_and(|value| !value.is_empty());
        Self {
            verify: set(verify),
            unverified: set(tls) && !set(verify),
            cert_path: cert_path.filter(|path| !path.as_os_str().is_empty()),
        }
    }
}

impl EngineEndpoint {
    /// Parses `DOCKER_HOST` with the docker CLI's TLS settings. TLS applies to `tcp://` hosts
    /// only, as in the docker CLI.
    pub fn with_docker_tls(docker_host: &str, tls: &DockerTls) -> Result<Self, EndpointError> {
        let endpoint: EngineEndpoint = docker_host.parse()?;
        let EngineEndpoint::Tcp { host, port } = endpoint else {
            return Ok(endpoint);
        };
        if tls.verify {
            let cert_path = match &tls.cert_path {
                Some(path) => path.clone(),
                None => std::env::var_os("HOME")
                    .map(|home| PathBuf::from(home).join(".docker"))
                    .ok_or_else(|| EndpointError::Tls("DOCKER_CERT_PATH is not set".into()))?,
            };
            return Ok(EngineEndpoint::TcpTls {
                host,
                port,
                tls: EngineTls::CertPath(cert_path),
            });
        }
        if tls.unverified {
            return Err(EndpointError::UnverifiedTls);
        }
        Ok(EngineEndpoint::Tcp { host, port })
    }
}

/// Why a `DOCKER_HOST` value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// The scheme is not one Berth speaks.
    #[error("`{0}` is not supported; use unix:///path/to/docker.sock or tcp://host:port")]
    UnsupportedScheme(String),
    /// The address part is missing or malformed.
    #[error("`{0}` has no usable address")]
    BadAddress(String),
    /// The engine's TLS certificates cannot be used.
    #[error("TLS: {0}")]
    Tls(String),
    /// The SSH address, key or host key cannot be used.
    #[error("SSH: {0}")]
    Ssh(String),
    /// An `ssh://` address where only unix and tcp can be used.
    #[error(
        "`{0}`: an SSH engine needs a private key, so it can only be a stored environment: \
         berth environment add --docker-host ssh://user@host --ssh-key FILE"
    )]
    SshNeedsKey(String),
    /// `DOCKER_TLS` without verification was asked for.
    #[error(
        "DOCKER_TLS without DOCKER_TLS_VERIFY would trust any engine certificate; set \
         DOCKER_TLS_VERIFY=1 and put the engine's CA in DOCKER_CERT_PATH/ca.pem"
    )]
    UnverifiedTls,
}

impl FromStr for EngineEndpoint {
    type Err = EndpointError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || EndpointError::BadAddress(text.to_owned());
        if let Some(path) = text.strip_prefix("unix://") {
            if !path.starts_with('/') {
                return Err(bad());
            }
            return Ok(EngineEndpoint::Unix(PathBuf::from(path)));
        }
        if let Some(rest) = text.strip_prefix("tcp://") {
            // The docker CLI allows a trailing path on tcp:// hosts; Berth's engines have none.
            let authority = rest.trim_end_matches('/');
            let (host, port) = match authority.rsplit_once(':') {
                Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
                    (host, port.parse::<u16>().map_err(|_| bad())?)
                }
                _ => (authority, 2375),
            };
            if host.is_empty() || authority.contains('/') {
                return Err(bad());
            }
            return Ok(EngineEndpoint::Tcp {
                host: host.to_owned(),
                port,
            });
        }
        if text.starts_with("ssh://") {
            return Err(EndpointError::SshNeedsKey(text.to_owned()));
        }
        Err(EndpointError::UnsupportedScheme(text.to_owned()))
    }
}

impl fmt::Display for EngineEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineEndpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            EngineEndpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            EngineEndpoint::TcpTls { host, port, .. } => write!(f, "tcp://{host}:{port} (TLS)"),
            EngineEndpoint::Ssh(target) => write!(f, "{target}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_docker_cli_forms() {
        assert_eq!(
            "unix:///var/run/docker.sock"
                .parse::<EngineEndpoint>()
                .unwrap(),
            EngineEndpoint::Unix("/var/run/docker.sock".into())
        );
        assert_eq!(
            "tcp://10.0.0.5:2376".parse::<EngineEndpoint>().unwrap(),
            EngineEndpoint::Tcp {
                host: "10.0.0.5".into(),
                port: 2376
            }
        );
        assert_eq!(
            "tcp://docker.internal".parse::<EngineEndpoint>().unwrap(),
            EngineEndpoint::Tcp {
                host: "docker.internal".into(),
                port: 2375
            }
        );
        assert_eq!(
            "tcp://[::1]:2375"
                .parse::<EngineEndpoint>()
                .unwrap()
                .to_string(),
            "tcp://[::1]:2375"
        );
    }

    #[test]
    fn follows_the_docker_cli_tls_conventions() {
        let verify = DockerTls::new(Some("1"), None, Some("/certs".into()));
        assert_eq!(
            EngineEndpoint::with_docker_tls("tcp://10.0.0.5:2376", &verify).unwrap(),
            EngineEndpoint::TcpTls {
                host: "10.0.0.5".into(),
                port: 2376,
                tls: EngineTls::CertPath("/certs".into())
            }
        );
        // Like the docker CLI, any non-empty value counts, and unix sockets ignore TLS.
        assert!(DockerTls::new(Some("0"), None, None).verify);
        assert!(!DockerTls::new(Some(""), None, None).verify);
        assert_eq!(
            EngineEndpoint::with_docker_tls("unix:///run/docker.sock", &verify).unwrap(),
            EngineEndpoint::Unix("/run/docker.sock".into())
        );
        let unverified = DockerTls::new(None, Some("1"), None);
        assert_eq!(
            EngineEndpoint::with_docker_tls("tcp://h:2376", &unverified),
            Err(EndpointError::UnverifiedTls)
        );
        assert_eq!(
            EngineEndpoint::with_docker_tls("tcp://h:2375", &DockerTls::default()).unwrap(),
            EngineEndpoint::Tcp {
                host: "h".into(),
                port: 2375
            }
        );
    }

    #[test]
    fn rejects_what_it_cannot_reach() {
        assert!(matches!(
            "ssh://me@host".parse::<EngineEndpoint>(),
            Err(EndpointError::SshNeedsKey(_))
        ));
        assert!(matches!(
            "npipe:////./pipe/docker".parse::<EngineEndpoint>(),
            Err(EndpointError::UnsupportedScheme(_))
        ));
        for bad in [
            "unix://relative.sock",
            "tcp://",
            "tcp://host:notaport",
            "tcp://h:1/x/y",
        ] {
            assert!(
                matches!(
                    bad.parse::<EngineEndpoint>(),
                    Err(EndpointError::BadAddress(_))
                ),
                "{bad}"
            );
        }
    }
}
