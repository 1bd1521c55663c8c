//! Long or large answers (logs, stats, events, archives, image exports) on an engine
//! connection of their own, driven by the task that reads the answer.
//!
//! Through the pooled client, an answer's body crosses from the connection's task to the
//! reader one frame at a time, so the reader cannot tell "the engine has sent nothing more"
//! from "the other task has not run yet", and a log of 100-byte lines would leave Berth in one
//! write per line. Here the reader polls the connection itself: when its body is pending, the
//! engine's socket had nothing more to read, and [`Coalesce`] can merge exactly the frames that
//! were ready without ever holding one back. The connection (and its slot) closes when the
//! answer ends or its reader goes away.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use bytes::Bytes;
use http::{Request, Response, header};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::client::conn::http1::{self, Connection};
use tower::Service;

use super::client::EngineError;
use super::coalesce::Coalesce;
use super::transport::{EngineConnector, EngineIo};

/// The operations whose answers stream, and so get a connection of their own.
pub const STREAMING: [&str; 8] = [
    "ContainerLogs",
    "ContainerStats",
    "SystemEvents",
    "ContainerArchive",
    "ContainerExport",
    "ImageGet",
    "ImageGetAll",
    "ContainerAttach",
];

/// An answer's body together with the connection it arrives on, which it drives.
pub(crate) struct Driven {
    connection: Option<Connection<EngineIo, Body>>,
    body: Incoming,
}

impl hyper::body::Body for Driven {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = &mut *self;
        if let Some(connection) = this.connection.as_mut()
            && let Poll::Ready(result) = Pin::new(connection).poll(cx)
        {
            // The connection is done; a failure reaches the body as its error.
            if let Err(error) = result {
                tracing::debug!(%error, "a streamed answer's connection broke");
            }
            this.connection = None;
        }
        Pin::new(&mut this.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Sends `request` (with an absolute URI, as for the pooled client) on a new connection from
/// `connector`; the answer's body drives that connection, its ready frames merged.
pub(crate) async fn send(
    connector: &EngineConnector,
    request: Request<Body>,
) -> Result<Response<Body>, EngineError> {
    let (mut parts, body) = request.into_parts();
    let io = connector
        .clone()
        .call(parts.uri.clone())
        .await
        .map_err(|error| EngineError::unreachable(&error))?;
    let (mut sender, mut connection) = http1::handshake::<_, Body>(io)
        .await
        .map_err(|error| EngineError::unreachable(&error))?;
    // A connection of one's own speaks origin-form and names the host itself.
    if let Some(authority) = parts.uri.authority() {
        let host = http::HeaderValue::from_str(authority.as_str())
            .map_err(|error| EngineError::Protocol(error.to_string()))?;
        parts.headers.entry(header::HOST).or_insert(host);
    }
    parts.uri = parts
        .uri
        .path_and_query()
        .map_or("/", |path| path.as_str())
        .parse()
        .map_err(|error: http::uri::InvalidUri| EngineError::Protocol(error.to_string()))?;
    let answer = sender.send_request(Request::from_parts(parts, body));
    let mut answer = std::pin::pin!(answer);
    let mut connection_done = false;
    let response = std::future::poll_fn(|cx| {
        if let Poll::Ready(response) = answer.as_mut().poll(cx) {
            return Poll::Ready(response);
        }
        if !connection_done && let Poll::Ready(result) = Pin::new(&mut connection).poll(cx) {
            connection_done = true;
            if let Err(error) = result {
                return Poll::Ready(Err(error));
            }
            return answer.as_mut().poll(cx);
        }
        Poll::Pending
    })
    .await
    .map_err(|error| EngineError::unreachable(&error))?;
    drop(sender);
    let (parts, body) = response.into_parts();
    let driven = Driven {
        connection: (!connection_done).then_some(connection),
        body,
    };
    Ok(Response::from_parts(
        parts,
        Body::new(Coalesce::new(driven)),
    ))
}
