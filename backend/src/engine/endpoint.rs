//! Engine addresses in the docker CLI's `DOCKER_HOST` form.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

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
        Err(EndpointError::UnsupportedScheme(text.to_owned()))
    }
}

impl fmt::Display for EngineEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineEndpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            EngineEndpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
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
    fn rejects_what_it_cannot_reach() {
        assert!(matches!(
            "ssh://me@host".parse::<EngineEndpoint>(),
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
