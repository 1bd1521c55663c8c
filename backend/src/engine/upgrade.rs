//! Upgraded engine connections: the raw bidirectional stream behind hijacked attach and exec
//! (`Upgrade: tcp`), the engine's websocket attach and the BuildKit session (`Upgrade: h2c`).
//!
//! The engine answers `101 Switching Protocols` and from then on the connection carries the
//! process's stdio (multiplexed in 8-byte-header frames when the exec or container has no TTY).
//! Any other answer is returned as it is, so callers can pass the engine's own error through.

use axum::body::Body;
use http::header::{self, HeaderValue};
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;

use super::client::{EngineClient, EngineError};

/// What the engine did with an upgrade request.
pub enum UpgradeOutcome {
    /// The engine switched protocols: its answer's head, and the raw connection.
    Upgraded {
        /// The `101` answer's status and headers.
        head: http::response::Parts,
        /// The connection, now carrying the upgraded protocol.
        io: TokioIo<Upgraded>,
    },
    /// The engine answered without switching (an error such as 404 or 409, or a plain answer).
    Answered(Response<Incoming>),
}

impl EngineClient {
    /// Sends `request` asking the engine to switch to `protocol` (`tcp` for attach and exec,
    /// `websocket`, or `h2c`). Headers the caller set (for websocket keys, say) are kept.
    pub async fn upgrade(
        &self,
        mut request: Request<Body>,
        protocol: &str,
    ) -> Result<UpgradeOutcome, EngineError> {
        let headers = request.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
        headers.insert(
            header::UPGRADE,
            HeaderValue::from_str(protocol)
                .map_err(|error| EngineError::Protocol(error.to_string()))?,
        );
        let response = self.send(request).await?;
        if response.status() != StatusCode::SWITCHING_PROTOCOLS {
            return Ok(UpgradeOutcome::Answered(response));
        }
        let (head, body) = response.into_parts();
        let upgraded = hyper::upgrade::on(Response::from_parts(head.clone(), body))
            .await
            .map_err(|error| {
                EngineError::Unreachable(
                    berth_shared::api::EngineFailure::Network,
                    format!("upgrade failed: {error}"),
                )
            })?;
        Ok(UpgradeOutcome::Upgraded {
            head,
            io: TokioIo::new(upgraded),
        })
    }
}
