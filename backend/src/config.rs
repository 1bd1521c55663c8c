//! Settings for `berth serve`, resolved from flags and environment variables and validated.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use crate::engine::endpoint::{EndpointError, EngineEndpoint};

/// Everything `berth serve` needs, already validated.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where the HTTP server listens.
    pub listen: SocketAddr,
    /// Where the SQLite store and other state live.
    pub data_dir: PathBuf,
    /// The engine of the `local` environment.
    pub docker_host: EngineEndpoint,
}

/// Why the settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--listen` is not an address.
    #[error("--listen {0}: expected an address and port such as 127.0.0.1:8080")]
    BadListen(String),
    /// `--listen` names a non-loopback address.
    #[error(
        "refusing to listen on {0}: Berth has no user authentication yet, so it only listens on \
         a loopback address such as 127.0.0.1 or [::1]"
    )]
    NonLoopbackListen(SocketAddr),
    /// `DOCKER_HOST` cannot be used.
    #[error("DOCKER_HOST: {0}")]
    DockerHost(#[from] EndpointError),
    /// No data directory was given and none could be chosen.
    #[error("no data directory: set --data-dir or BERTH_DATA_DIR")]
    NoDataDir,
}

impl ServeConfig {
    /// Validates raw settings.
    pub fn new(
        listen: &str,
        data_dir: Option<PathBuf>,
        docker_host: &str,
    ) -> Result<ServeConfig, ConfigError> {
        let listen = parse_listen(listen)?;
        if !listen.ip().is_loopback() {
            return Err(ConfigError::NonLoopbackListen(listen));
        }
        let data_dir = data_dir
            .or_else(default_data_dir)
            .ok_or(ConfigError::NoDataDir)?;
        Ok(ServeConfig {
            listen,
            data_dir,
            docker_host: docker_host.parse()?,
        })
    }
}

/// Accepts `IP:PORT`, `[IPv6]:PORT` and `localhost:PORT`; a name must resolve to one address.
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
    // A name such as `localhost` may resolve to both 127.0.0.1 and ::1; every one must pass the
    // loopback check, which the first one stands for only if they agree.
    if addresses.any(|other| other.ip().is_loopback() != first.ip().is_loopback()) {
        return Err(bad());
    }
    Ok(first)
}

/// `/var/lib/berth` for root, else the XDG data directory.
fn default_data_dir() -> Option<PathBuf> {
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

    fn config(listen: &str) -> Result<ServeConfig, ConfigError> {
        ServeConfig::new(listen, Some("/tmp/x".into()), "unix:///var/run/docker.sock")
    }

    #[test]
    fn accepts_loopback_addresses() {
        assert_eq!(config("127.0.0.1:8080").unwrap().listen.port(), 8080);
        assert!(config("[::1]:0").is_ok());
        assert!(config("localhost:9000").unwrap().listen.ip().is_loopback());
    }

    #[test]
    fn refuses_other_addresses_until_authentication_exists() {
        for listen in ["0.0.0.0:8080", "[::]:8080", "192.168.1.10:80"] {
            assert!(
                matches!(config(listen), Err(ConfigError::NonLoopbackListen(_))),
                "{listen} was accepted"
            );
        }
    }

    #[test]
    fn rejects_garbage() {
        for listen in ["", "8080", ":8080", "127.0.0.1", "127.0.0.1:http:x"] {
            assert!(
                matches!(config(listen), Err(ConfigError::BadListen(_))),
                "{listen}"
            );
        }
    }

    #[test]
    fn rejects_a_bad_docker_host() {
        let result = ServeConfig::new("127.0.0.1:1", Some("/tmp".into()), "ftp://x");
        assert!(matches!(result, Err(ConfigError::DockerHost(_))));
    }
}
