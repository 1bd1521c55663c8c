//! `POST /api/env/{env}/containers/{id}/reveal`: a container's environment in clear, which the
//! UI masks until asked; each answer is recorded in the audit log.

use serde::{Deserialize, Serialize};

/// A container's environment, values in clear.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RevealedEnv {
    /// The container's full id.
    pub container: String,
    /// Its `NAME=value` entries, as the engine keeps them.
    pub env: Vec<String>,
}
