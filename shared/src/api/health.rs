//! `GET /api/health`: whether Berth is up and how each engine is doing.

use serde::{Deserialize, Serialize};

use crate::version::ApiVersion;

/// `GET /api/health`: whether Berth is up, and how each of its engines is doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Berth's own version.
    pub version: String,
    /// One entry per configured environment.
    pub environments: Vec<EnvironmentHealth>,
}

/// The state of one environment's engine, as seen from Berth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentHealth {
    /// The environment id used in `/engine/{id}/…` routes, `local` by default.
    pub id: String,
    /// Where the engine is, in `DOCKER_HOST` form.
    pub endpoint: String,
    /// Whether the engine answered `/_ping` just now.
    pub reachable: bool,
    /// The API version Berth uses with this engine: the lower of the engine's and Berth's.
    pub api_version: Option<ApiVersion>,
    /// What the engine says about itself, when it is reachable.
    pub engine: Option<EngineSummary>,
    /// Why the engine could not be reached, or why Berth cannot work with it (an API older
    /// than [`crate::ApiVersion::MIN_SUPPORTED`]).
    pub error: Option<String>,
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
