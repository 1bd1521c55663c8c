//! The JSON error body used by both the console's own API and the Docker engine.

use serde::{Deserialize, Serialize};

/// `{"message": "…"}`: the error shape of the Engine API, which Berth also uses for its own
/// endpoints so that the docker CLI and the UI can print any error the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A sentence meant for a person, naming what failed.
    pub message: String,
}

impl ErrorBody {
    /// Builds an error body from anything printable.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}
