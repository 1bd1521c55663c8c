//! `berth serve` and its settings.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::config::ServeConfig;

/// Settings of `berth serve`; each flag can also be set through its environment variable.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    berth serve\n  \
    berth serve --listen 127.0.0.1:9000 --data-dir /srv/berth\n  \
    berth serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem\n  \
    berth serve --listen 0.0.0.0:8443 --tls auto --public-url https://berth.example:8443\n  \
    DOCKER_HOST=tcp://10.0.0.5:2375 berth serve\n  \
    DOCKER_HOST=tcp://10.0.0.5:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=~/.docker berth serve")]
pub struct ServeArgs {
    /// The address and port to listen on. Addresses other than loopback need TLS
    /// (--tls auto, or --tls-cert and --tls-key) or --insecure-listen.
    #[arg(
        long,
        env = "BERTH_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR:PORT"
    )]
    pub listen: String,

    /// The directory for Berth's SQLite store. Defaults to /var/lib/berth for root, else
    /// $XDG_DATA_HOME/berth or ~/.local/share/berth.
    #[arg(long, env = "BERTH_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// The Docker engine of the `local` environment: unix:///path/to/docker.sock or
    /// tcp://host:port.
    #[arg(
        long,
        env = "DOCKER_HOST",
        default_value = "unix:///var/run/docker.sock",
        value_name = "URL"
    )]
    pub docker_host: String,

    /// Connect to a tcp:// engine over TLS, verifying it against ca.pem and presenting
    /// cert.pem and key.pem from --docker-cert-path. Any non-empty value turns it on, as with
    /// the docker CLI.
    #[arg(long, env = "DOCKER_TLS_VERIFY", value_name = "1")]
    pub docker_tls_verify: Option<String>,

    /// TLS without verifying the engine (the docker CLI's DOCKER_TLS); Berth refuses it.
    #[arg(long, env = "DOCKER_TLS", value_name = "1", hide = true)]
    pub docker_tls: Option<String>,

    /// The directory with the engine's ca.pem and the client's cert.pem and key.pem.
    /// Defaults to ~/.docker.
    #[arg(long, env = "DOCKER_CERT_PATH", value_name = "DIR")]
    pub docker_cert_path: Option<PathBuf>,

    /// `auto`: serve HTTPS with a certificate from Berth's own CA (in the data directory),
    /// for the host of --public-url, localhost, 127.0.0.1 and ::1. Clients then trust the
    /// `ca.pem` of a `berth cert create` bundle.
    #[arg(
        long,
        env = "BERTH_TLS",
        value_name = "auto",
        value_parser = ["auto"],
        conflicts_with = "tls_cert"
    )]
    pub tls: Option<String>,

    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(
        long,
        env = "BERTH_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert.
    #[arg(
        long,
        env = "BERTH_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,

    /// Allow plain HTTP on a non-loopback address, for use behind a TLS-terminating proxy.
    /// Passwords and session cookies cross the network in the clear without one.
    #[arg(long, env = "BERTH_INSECURE_LISTEN")]
    pub insecure_listen: bool,

    /// The URL people open the console at, such as https://berth.example.com. When set,
    /// browsers' requests and WebSockets must come from exactly this origin and be addressed
    /// to its host, which defeats DNS rebinding; API-token clients may use any address.
    #[arg(long, env = "BERTH_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// The most client connections served at once; further clients wait to be accepted.
    #[arg(
        long,
        env = "BERTH_MAX_CONNECTIONS",
        default_value_t = 1024,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_connections: u32,

    /// The most long-lived streams (event and log follows, stats, waits, attach and exec
    /// sessions, terminals) one user may hold open at once; more are refused with a 429.
    #[arg(
        long,
        env = "BERTH_MAX_STREAMS_PER_USER",
        default_value_t = 32,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_streams_per_user: u32,

    /// The threads that serve requests and move streams; 0 for one per CPU. One is the
    /// default: Berth's work is moving bytes, which one thread does at the engine's own
    /// speed, while threads that hand a stream to each other cost twice the CPU per byte
    /// (BENCHMARKS.md). Password hashing and the store run on threads of their own.
    #[arg(
        long,
        env = "BERTH_WORKER_THREADS",
        default_value_t = 1,
        value_name = "N"
    )]
    pub worker_threads: u16,
}

/// Validates the settings and serves until a shutdown signal.
pub fn run(args: ServeArgs) -> ExitCode {
    let config = match ServeConfig::new(args) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("berth: {error}");
            return ExitCode::from(2);
        }
    };
    match crate::server::run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("berth: {error}");
            ExitCode::FAILURE
        }
    }
}
