//! The check before an environment is saved: ping its engine and negotiate the API version,
//! and name what went wrong. Only an engine that cannot be reached (refused, no socket, no
//! answer in time) may be saved anyway, with `offline_ok`: a TLS failure, a changed SSH host
//! key, a key the SSH host refuses, an engine that answers as something else, or one older than
//! API 1.41 is a mistake to fix, not an outage. An SSH host key not pinned yet is pinned here,
//! as the host showed it (trust on first use), so an SSH engine saved offline needs its host
//! key given.

use berth_shared::api::EngineFailure;

use crate::engine::environment::Negotiated;
use crate::engine::{EngineEndpoint, EngineError, Environment};

/// What the check found.
#[derive(Debug)]
pub enum Checked {
    /// The engine answered and Berth supports it.
    Reachable(Negotiated),
    /// The engine did not answer, and saving it offline was asked for.
    Offline(EngineError),
}

/// Why an engine cannot be saved.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// No connection, or no answer in time.
    #[error(
        "cannot reach the engine at {endpoint}: {error}. Check the address and that the engine \
         listens there, or save it anyway as offline (--offline-ok)"
    )]
    Unreachable {
        /// The address.
        endpoint: String,
        /// What the attempt said.
        error: EngineError,
    },
    /// The TLS handshake failed, or SSH refused the host key or the login.
    #[error("cannot connect to the engine at {endpoint}: {error}")]
    Tls {
        /// The address.
        endpoint: String,
        /// What the handshake said, its failure named.
        error: EngineError,
    },
    /// The engine speaks only API versions older than Berth supports.
    #[error("the engine at {endpoint} cannot be managed: {error}")]
    Unsupported {
        /// The address.
        endpoint: String,
        /// Its version, and what to do.
        error: EngineError,
    },
    /// An SSH engine that did not answer, without a host key to pin.
    #[error(
        "cannot reach the engine at {endpoint}: {error}. To save it offline, pin its host key \
         up front (--ssh-host-key SHA256:…, as `ssh-keygen -lf` prints it on the host)"
    )]
    Unpinned {
        /// The address.
        endpoint: String,
        /// What the attempt said.
        error: EngineError,
    },
    /// Something answered, but not as a Docker engine.
    #[error("the engine at {endpoint} did not answer as a Docker engine: {error}")]
    NotAnEngine {
        /// The address.
        endpoint: String,
        /// What it answered.
        error: EngineError,
    },
}

/// Pings the engine at `endpoint` and negotiates its API version; an SSH endpoint without a
/// pinned host key gets the one its host showed.
pub async fn check(endpoint: &mut EngineEndpoint, offline_ok: bool) -> Result<Checked, CheckError> {
    let probe = Environment::new("check", endpoint.clone());
    let error = match probe.negotiated().await {
        Ok(negotiated) => {
            if let EngineEndpoint::Ssh(target) = endpoint
                && target.host_key.is_none()
            {
                target.host_key = probe.client().shown_host_key();
            }
            return Ok(Checked::Reachable(negotiated));
        }
        Err(error) => error,
    };
    let unpinned = matches!(endpoint, EngineEndpoint::Ssh(target) if target.host_key.is_none());
    let endpoint = endpoint.to_string();
    match error {
        EngineError::Unreachable(
            EngineFailure::Tls
            | EngineFailure::HostKeyChanged
            | EngineFailure::AuthenticationRefused,
            _,
        ) => Err(CheckError::Tls { endpoint, error }),
        EngineError::Unreachable(..) | EngineError::Timeout(_) if offline_ok && unpinned => {
            Err(CheckError::Unpinned { endpoint, error })
        }
        EngineError::Unreachable(..) | EngineError::Timeout(_) if offline_ok => {
            Ok(Checked::Offline(error))
        }
        EngineError::Unreachable(..) | EngineError::Timeout(_) => {
            Err(CheckError::Unreachable { endpoint, error })
        }
        EngineError::Unsupported { .. } => Err(CheckError::Unsupported { endpoint, error }),
        EngineError::Status { .. } | EngineError::Protocol(_) => {
            Err(CheckError::NotAnEngine { endpoint, error })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed_port() -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn a_refused_address_is_named_and_may_be_saved_offline() {
        let mut endpoint = EngineEndpoint::Tcp {
            host: "127.0.0.1".into(),
            port: closed_port(),
        };
        let error = check(&mut endpoint, false).await.unwrap_err();
        let message = error.to_string();
        assert!(message.contains("connection was refused"), "{message}");
        assert!(message.contains("--offline-ok"), "{message}");
        assert!(matches!(
            check(&mut endpoint, true).await,
            Ok(Checked::Offline(_))
        ));
    }
}
