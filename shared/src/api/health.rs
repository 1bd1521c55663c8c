//! `GET /api/health`: whether Berth is up and how each engine is doing.

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::api::environments::TransportKind;
use crate::version::ApiVersion;

/// `GET /api/health`: whether Berth is up, and, for a signed-in caller, its version and how
/// each of its engines is doing. An anonymous caller (a load balancer, a monitor) learns only
/// that Berth is up: nothing that fingerprints it or its engines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Always `up`: that Berth answers at all is the news.
    pub status: String,
    /// Berth's own version; signed-in callers only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// One entry per configured environment; signed-in callers only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<EnvironmentHealth>,
}

/// The value of [`Health::status`].
pub const UP: &str = "up";

/// The state of one environment's engine, as seen from Berth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentHealth {
    /// The environment id used in `/engine/{id}/…` routes, `local` by default.
    pub id: String,
    /// Its display name (`local` for the environment of `--docker-host`).
    #[serde(default)]
    pub name: String,
    /// How Berth reaches it.
    #[serde(default)]
    pub transport: TransportKind,
    /// Plain TCP, saved as insecure: the UI says so.
    #[serde(default)]
    pub insecure: bool,
    /// Where the engine is, in `DOCKER_HOST` form.
    pub endpoint: String,
    /// Whether the engine answered `/_ping` just now.
    pub reachable: bool,
    /// The API version Berth uses with this engine: the lower of the engine's and Berth's.
    pub api_version: Option<ApiVersion>,
    /// What the engine says about itself, when it is reachable.
    pub engine: Option<EngineSummary>,
    /// Why the engine could not be reached (the kind of failure in words, then what the
    /// connection attempt said), or why Berth cannot work with it (an API older than
    /// [`crate::ApiVersion::MIN_SUPPORTED`]).
    pub error: Option<String>,
    /// The kind of failure, when the engine could not be reached or cannot be used.
    #[serde(default)]
    pub failure: Option<EngineFailure>,
    /// The caller's role in this environment: their grant for it, or else their global role.
    /// The UI hides what this role may not do here; environments the caller may not see are
    /// not listed at all. Absent from older servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// Why an engine could not be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineFailure {
    /// Nothing listens at the socket's path.
    NoSocket,
    /// Berth may not open the engine's socket.
    PermissionDenied,
    /// The engine's host refused the connection.
    ConnectionRefused,
    /// The TLS set-up or handshake failed: certificates, keys, names.
    Tls,
    /// The engine did not answer in time.
    Timeout,
    /// The engine answered `/_ping` with an error.
    EngineError,
    /// The engine's answer could not be understood.
    Protocol,
    /// Any other network failure.
    Network,
    /// The engine answered, but speaks only API versions older than Berth supports.
    Unsupported,
    /// The SSH host showed another host key than the one pinned: someone may be in the
    /// middle, or the host was reinstalled. Berth refuses it until an admin pins the new key.
    HostKeyChanged,
    /// The SSH host refused Berth's key (or the user).
    AuthenticationRefused,
    /// The SSH connection was made, but the host would not open a channel to the engine's
    /// socket (no socket there, no permission, or stream-local forwarding disabled).
    SshChannelRefused,
}

impl EngineFailure {
    /// The failure in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            EngineFailure::NoSocket => "no engine socket at that path",
            EngineFailure::PermissionDenied => "permission denied on the engine's socket",
            EngineFailure::ConnectionRefused => "the connection was refused",
            EngineFailure::Tls => "the TLS connection failed",
            EngineFailure::Timeout => "the engine did not answer in time",
            EngineFailure::EngineError => "the engine answered with an error",
            EngineFailure::Protocol => "the engine's answer could not be understood",
            EngineFailure::Network => "the connection failed",
            EngineFailure::Unsupported => "the engine's API is older than Berth supports",
            EngineFailure::HostKeyChanged => {
                "host key changed: the SSH host's key is not the one pinned for it"
            }
            EngineFailure::AuthenticationRefused => {
                "authentication refused: the SSH host did not accept Berth's key for this user"
            }
            EngineFailure::SshChannelRefused => {
                "the SSH host refused a channel to the engine's socket"
            }
        }
    }
}

/// The engine facts Berth shows in its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineSummary {
    /// The engine's release, such as `20.10.24`.
    pub version: String,
    /// The newest API version the engine speaks.
    pub api_version: ApiVersion,
    /// The oldest API version the engine accepts.
    pub min_api_version: Option<ApiVersion>,
    /// `linux` or `windows`.
    pub os: String,
    /// The CPU architecture, such as `amd64` or `arm64`.
    pub arch: String,
    /// Whether Berth is built for this engine's API version.
    pub supported: bool,
}
