//! Forwarding requests that switch protocols: hijacked attach and exec (`Upgrade: tcp`, what
//! `docker run -it`, `docker exec -it` and `docker attach` use), the engine's websocket attach
//! (`Upgrade: websocket`) and the BuildKit session (`Upgrade: h2c`).
//!
//! The client's request goes to the engine with the protocol it asked for. When the engine
//! switches, the client gets the engine's own `101` head and, once both sides have handed over
//! their connections, the two are spliced byte for byte until both directions end. The copy
//! loop reads until the side it reads would block (or its buffer is full) before it writes, so
//! bursts of small frames leave in large writes while a lone keystroke's echo goes at once. Each
//! direction ends on its own: a client's half-close (stdin EOF) becomes a half-close towards
//! the engine while the process's output still drains, and the other way round. When the engine
//! answers without switching (no such container, not running), the answer is passed through
//! like any other.

use axum::body::Body;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Request, Response};
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;

use super::client::EngineError;
use super::environment::Environment;
use super::proxy;
use super::upgrade::UpgradeOutcome;

/// The operations whose engine handlers switch protocols when asked to.
const UPGRADABLE: [&str; 4] = [
    "ContainerAttach",
    "ContainerAttachWebsocket",
    "ExecStart",
    "Session",
];

/// The size of each direction's copy buffer: large enough that bulk output (a `cat` of a big
/// file through `docker exec`) moves in few system calls. Its pages become resident only as
/// data fills them, so an idle terminal costs a few kilobytes (see BENCHMARKS.md).
const SPLICE_BUFFER: usize = 64 * 1024;

/// The protocol the client asks to switch to, when `operation` is one that can switch and the
/// request says so with `Connection: Upgrade` and an `Upgrade` header.
pub fn requested_protocol(operation: &str, headers: &HeaderMap) -> Option<HeaderValue> {
    if !UPGRADABLE.contains(&operation) {
        return None;
    }
    let asks = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("upgrade"));
    let protocol = headers.get(header::UPGRADE)?;
    (asks && !protocol.is_empty()).then(|| protocol.clone())
}

/// Forwards a request that asks to switch to `protocol` (from [`requested_protocol`]). Once
/// switched, both connections are cut when `ended` resolves (the caller's access was
/// withdrawn); `ended` is kept until then, so whatever it holds lives as long as the splice.
pub async fn forward(
    environment: &Environment,
    path: &str,
    request: Request<Body>,
    protocol: &HeaderValue,
    ended: impl Future<Output = ()> + Send + 'static,
) -> Result<Response<Body>, EngineError> {
    let (mut parts, body) = request.into_parts();
    let Some(client_side) = parts.extensions.remove::<OnUpgrade>() else {
        // The client's connection cannot be taken over (not HTTP/1.1): answer as plain HTTP,
        // which the engine's handlers also speak.
        let request = Request::from_parts(parts, body);
        return proxy::forward(environment, path, request, false).await;
    };
    proxy::prepare(environment, path, &mut parts).await?;
    let protocol = protocol
        .to_str()
        .map_err(|_| EngineError::Protocol("the Upgrade header is not text".into()))?;
    let outcome = environment
        .client()
        .upgrade(Request::from_parts(parts, body), protocol)
        .await;
    match outcome {
        Ok(UpgradeOutcome::Answered(response)) => Ok(proxy::answer(response)),
        Ok(UpgradeOutcome::Upgraded { head, io }) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = head.status;
            *response.headers_mut() = head.headers;
            tokio::spawn(async move {
                tokio::select! {
                    () = splice(client_side, io) => {}
                    () = ended => tracing::debug!("upgraded stream cut: its access was withdrawn"),
                }
            });
            Ok(response)
        }
        Err(error) => {
            environment.forget_negotiation();
            Err(error)
        }
    }
}

/// Waits for the client's side of the upgrade (it comes once the `101` is written), then copies
/// both ways until both directions have ended, passing each end of stream on as a half-close.
async fn splice(client_side: OnUpgrade, mut engine: TokioIo<Upgraded>) {
    let mut client = match client_side.await {
        Ok(upgraded) => TokioIo::new(upgraded),
        Err(error) => {
            tracing::debug!(%error, "the client's connection was not handed over");
            return;
        }
    };
    let copied = tokio::io::copy_bidirectional_with_sizes(
        &mut client,
        &mut engine,
        SPLICE_BUFFER,
        SPLICE_BUFFER,
    )
    .await;
    match copied {
        Ok((to_engine, to_client)) => {
            tracing::debug!(to_engine, to_client, "upgraded stream ended");
        }
        Err(error) => tracing::debug!(%error, "upgraded stream broke"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    http::HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn only_switching_operations_that_ask_are_upgraded() {
        let asking = headers(&[("connection", "keep-alive, Upgrade"), ("upgrade", "tcp")]);
        assert_eq!(
            requested_protocol("ExecStart", &asking),
            Some(HeaderValue::from_static("tcp"))
        );
        assert!(requested_protocol("ContainerAttach", &asking).is_some());
        assert_eq!(requested_protocol("ContainerList", &asking), None);
        let no_connection = headers(&[("upgrade", "tcp")]);
        assert_eq!(requested_protocol("ExecStart", &no_connection), None);
        let no_upgrade = headers(&[("connection", "upgrade")]);
        assert_eq!(requested_protocol("ExecStart", &no_upgrade), None);
    }
}
