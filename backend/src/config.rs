//! Settings for `berth serve`, resolved from flags and environment variables and validated.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use crate::auth::origin::{BadPublicUrl, PublicOrigin};
use crate::cli::ServeArgs;
use crate::engine::endpoint::{DockerTls, EndpointError, EngineEndpoint};

/// Everything `berth serve` needs, already validated.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where the HTTP server listens.
    pub listen: SocketAddr,
    /// Where the SQLite store and other state live.
    pub data_dir: PathBuf,
    /// The engine of the `local` environment.
    pub docker_host: EngineEndpoint,
    /// How to serve HTTPS, if at all.
    pub tls: Option<TlsSource>,
    /// Plain HTTP on a non-loopback address was asked for explicitly.
    pub insecure_listen: bool,
    /// The only origin browsers may use, from `--public-url`.
    pub public_origin: Option<PublicOrigin>,
    /// The limits that keep one client or user from exhausting the server.
    pub limits: Limits,
    /// The runtime's worker threads; 0 for one per CPU.
    pub worker_threads: usize,
}

/// How much the server serves at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Client connections served at once.
    pub max_connections: usize,
    /// Long-lived streams one user may hold open.
    pub max_streams_per_user: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            max_streams_per_user: 32,
        }
    }
}

/// Where the HTTPS server's certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSource {
    /// `--tls auto`: made at start by Berth's own CA.
    Auto,
    /// `--tls-cert` and `--tls-key`.
    Files(TlsFiles),
}

/// PEM files for HTTPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

/// Why the settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--listen` is not an address.
    #[error("--listen {0}: expected an address and port such as 127.0.0.1:8080")]
    BadListen(String),
    /// `--listen` names a non-loopback address without TLS.
    #[error(
        "refusing to listen on {0} without TLS: passwords and session cookies would cross the \
         network in the clear. Give --tls auto, or --tls-cert and --tls-key, or --insecure-listen if a \
         TLS-terminating proxy stands in front of Berth"
    )]
    PlainNonLoopback(SocketAddr),
    /// `DOCKER_HOST` cannot be used.
    #[error("DOCKER_HOST: {0}")]
    DockerHost(#[from] EndpointError),
    /// `--public-url` is not a usable URL.
    #[error(transparent)]
    PublicUrl(#[from] BadPublicUrl),
    /// No data directory was given and none could be chosen.
    #[error("no data directory: set --data-dir or BERTH_DATA_DIR")]
    NoDataDir,
}

impl ServeConfig {
    /// Validates the command line's settings.
    pub fn new(args: ServeArgs) -> Result<ServeConfig, ConfigError> {
        let listen = parse_listen(&args.listen)?;
        let docker_host = docker_host(&args)?;
        let tls = match (args.tls.as_deref(), args.tls_cert, args.tls_key) {
            (Some(_), _, _) => Some(TlsSource::Auto),
            (None, Some(cert), Some(key)) => Some(TlsSource::Files(TlsFiles { cert, key })),
            _ => None,
        };
        if !listen.ip().is_loopback() && tls.is_none() && !args.insecure_listen {
            return Err(ConfigError::PlainNonLoopback(listen));
        }
        let data_dir = args
            .data_dir
            .or_else(default_data_dir)
            .ok_or(ConfigError::NoDataDir)?;
        let public_origin = args
            .public_url
            .as_deref()
            .filter(|url| !url.is_empty())
            .map(PublicOrigin::parse)
            .transpose()?;
        Ok(ServeConfig {
            listen,
            data_dir,
            docker_host,
            tls,
            insecure_listen: args.insecure_listen,
            public_origin,
            limits: Limits {
                max_connections: args.max_connections as usize,
                max_streams_per_user: args.max_streams_per_user as usize,
            },
            worker_threads: args.worker_threads.into(),
        })
    }

    /// Whether passwords cross a network in the clear: plain HTTP beyond loopback.
    pub fn exposes_plain_http(&self) -> bool {
        self.tls.is_none() && !self.listen.ip().is_loopback()
    }
}

/// Accepts `IP:PORT`, `[IPv6]:PORT` and `localhost:PORT`; a name must resolve to addresses
/// that are all loopback or all not.
fn parse_listen(text: &str) -> Result<SocketAddr, ConfigError> {
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(address);
    }
    let bad = || ConfigError::BadListen(text.to_owned());
    let (host, _port) = text.rsplit_once(':').ok_or_else(bad)?;
    if host.is_empty() {
        return Err(bad());
    }
    let mut addresses = text.to_socket_addrs().map_err(|_| bad())?;
    let first = addresses.next().ok_or_else(bad)?;
    if addresses.any(|other| other.ip().is_loopback() != first.ip().is_loopback()) {
        return Err(bad());
    }
    Ok(first)
}

/// The engine endpoint from `DOCKER_HOST` and the docker CLI's TLS settings; a TLS engine's
/// certificates are checked now, so a bad file stops Berth at start-up.
fn docker_host(args: &ServeArgs) -> Result<EngineEndpoint, EndpointError> {
    let tls = DockerTls::new(
        args.docker_tls_verify.as_deref(),
        args.docker_tls.as_deref(),
        args.docker_cert_path.clone(),
    );
    let endpoint = EngineEndpoint::with_docker_tls(&args.docker_host, &tls)?;
    if let EngineEndpoint::TcpTls { tls, .. } = &endpoint {
        crate::engine::tls::client_config(tls)?;
    }
    Ok(endpoint)
}

/// `/var/lib/berth` for root, else the XDG data directory.
pub fn default_data_dir() -> Option<PathBuf> {
    if std::env::var_os("USER").is_some_and(|user| user == "root")
        || std::env::var_os("HOME").is_some_and(|home| home == "/root")
    {
        return Some(PathBuf::from("/var/lib/berth"));
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|dir| !dir.is_empty()) {
        return Some(PathBuf::from(xdg).join("berth"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share/berth"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(listen: &str) -> ServeArgs {
        ServeArgs {
            listen: listen.into(),
            data_dir: Some("/tmp/x".into()),
            docker_host: "unix:///var/run/docker.sock".into(),
            docker_tls_verify: None,
            docker_tls: None,
            docker_cert_path: None,
            tls: None,
            tls_cert: None,
            tls_key: None,
            insecure_listen: false,
            public_url: None,
            max_connections: 1024,
            max_streams_per_user: 32,
            worker_threads: 1,
        }
    }

    #[test]
    fn accepts_loopback_addresses() {
        assert_eq!(
            ServeConfig::new(args("127.0.0.1:8080"))
                .unwrap()
                .listen
                .port(),
            8080
        );
        assert!(ServeConfig::new(args("[::1]:0")).is_ok());
        assert!(
            ServeConfig::new(args("localhost:9000"))
                .unwrap()
                .listen
                .ip()
                .is_loopback()
        );
    }

    #[test]
    fn other_addresses_need_tls_or_an_explicit_opt_out() {
        for listen in ["0.0.0.0:8080", "[::]:8080", "192.168.1.10:80"] {
            assert!(
                matches!(
                    ServeConfig::new(args(listen)),
                    Err(ConfigError::PlainNonLoopback(_))
                ),
                "{listen} was accepted"
            );
        }
        let tls = ServeArgs {
            tls_cert: Some("c.pem".into()),
            tls_key: Some("k.pem".into()),
            ..args("0.0.0.0:8443")
        };
        assert!(ServeConfig::new(tls).unwrap().tls.is_some());
        let auto = ServeArgs {
            tls: Some("auto".into()),
            ..args("0.0.0.0:8443")
        };
        assert_eq!(ServeConfig::new(auto).unwrap().tls, Some(TlsSource::Auto));
        let insecure = ServeArgs {
            insecure_listen: true,
            ..args("0.0.0.0:8080")
        };
        assert!(ServeConfig::new(insecure).unwrap().exposes_plain_http());
    }

    #[test]
    fn rejects_garbage() {
        for listen in ["", "8080", ":8080", "127.0.0.1", "127.0.0.1:http:x"] {
            assert!(
                matches!(
                    ServeConfig::new(args(listen)),
                    Err(ConfigError::BadListen(_))
                ),
                "{listen}"
            );
        }
    }

    #[test]
    fn a_public_url_is_parsed_or_refused() {
        let public = ServeConfig::new(ServeArgs {
            public_url: Some("https://berth.example/".into()),
            ..args("127.0.0.1:1")
        })
        .unwrap();
        assert_eq!(
            public.public_origin.unwrap().origin(),
            "https://berth.example"
        );
        let bad = ServeConfig::new(ServeArgs {
            public_url: Some("berth.example".into()),
            ..args("127.0.0.1:1")
        });
        assert!(matches!(bad, Err(ConfigError::PublicUrl(_))));
    }

    #[test]
    fn rejects_a_bad_docker_host() {
        let result = ServeConfig::new(ServeArgs {
            docker_host: "ftp://x".into(),
            ..args("127.0.0.1:1")
        });
        assert!(matches!(result, Err(ConfigError::DockerHost(_))));
    }
}
