//! A pooled HTTP/1.1 client for one engine, and the typed errors of talking to it.

use std::time::Duration;

use axum::body::Body;
use berth_shared::engine::lenient;
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, Uri};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use serde::de::DeserializeOwned;

use berth_shared::api::EngineFailure;

use super::endpoint::EngineEndpoint;
use super::ssh::SshFailure;
use super::transport::{EngineConnector, TlsSetupError};

/// How long a control request (ping, version) may take before the engine counts as unreachable.
pub const CONTROL_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a request to an engine failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EngineError {
    /// No connection could be made, or it broke before an answer came: what kind of failure,
    /// and what the connection attempt said.
    #[error("{}: {}", .0.describe(), .1)]
    Unreachable(EngineFailure, String),
    /// The engine did not answer in time.
    #[error("no answer within {} s", .0.as_secs())]
    Timeout(Duration),
    /// The engine answered with an error status.
    #[error("the engine answered {status}: {message}")]
    Status {
        /// The engine's status code.
        status: StatusCode,
        /// The engine's `message`, or its raw body.
        message: String,
    },
    /// The engine's answer could not be understood.
    #[error("unexpected answer from the engine: {0}")]
    Protocol(String),
    /// The engine speaks only API versions older than Berth supports.
    #[error(
        "the engine (Docker {release}) speaks Engine API {api_version}, older than {}, the \
         oldest Berth supports: upgrade it to Docker 20.10 or newer",
        berth_shared::ApiVersion::MIN_SUPPORTED
    )]
    Unsupported {
        /// The newest API version the engine speaks.
        api_version: berth_shared::ApiVersion,
        /// The engine's release, such as `19.03.15`.
        release: String,
    },
}

/// A pooled connection to one engine. Cheap to clone.
#[derive(Clone, Debug)]
pub struct EngineClient {
    endpoint: EngineEndpoint,
    authority: String,
    client: Client<EngineConnector, Body>,
    /// The pool's connector, for answers on a connection of their own (sharing its slots).
    connector: EngineConnector,
}

impl EngineClient {
    /// Builds a client; no connection is made until the first request.
    pub fn new(endpoint: EngineEndpoint) -> Self {
        let authority = match &endpoint {
            // The docker CLI sends this host name over unix sockets; the engine ignores it.
            EngineEndpoint::Unix(_) | EngineEndpoint::Ssh(_) => "api.moby.localhost".to_owned(),
            EngineEndpoint::Tcp { host, port } | EngineEndpoint::TcpTls { host, port, .. } => {
                format!("{host}:{port}")
            }
        };
        let connector = EngineConnector::new(endpoint.clone());
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .build(connector.clone());
        Self {
            endpoint,
            authority,
            client,
            connector,
        }
    }

    /// Opens connections to this engine, within the same slots as the pool.
    pub(crate) fn connector(&self) -> &EngineConnector {
        &self.connector
    }

    /// For an SSH engine, the fingerprint of the host key its host last showed: what the check
    /// pins when no key was pinned yet.
    pub fn shown_host_key(&self) -> Option<String> {
        self.connector.shown_host_key()
    }

    /// Where this client connects.
    pub fn endpoint(&self) -> &EngineEndpoint {
        &self.endpoint
    }

    /// The absolute URI for an engine path such as `/v1.41/containers/json?all=1`.
    pub fn uri(&self, path_and_query: &str) -> Result<Uri, EngineError> {
        format!("http://{}{path_and_query}", self.authority)
            .parse()
            .map_err(|error| EngineError::Protocol(format!("bad request path: {error}")))
    }

    /// Sends a request as it is and returns the engine's streaming answer, whatever its status.
    pub async fn send(&self, request: Request<Body>) -> Result<Response<Incoming>, EngineError> {
        self.client
            .request(request)
            .await
            .map_err(|error| EngineError::unreachable(&error))
    }

    /// `GET`s a path and decodes its JSON answer, turning error statuses into
    /// [`EngineError::Status`]. For small control requests only: it gives up after
    /// [`CONTROL_TIMEOUT`].
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path_and_query: &str,
    ) -> Result<T, EngineError> {
        decode(&read_answer(self.get(path_and_query).await?).await?)
    }

    /// Sends a small request and reads its whole answer within `timeout`, turning error
    /// statuses into [`EngineError::Status`].
    pub async fn exchange(
        &self,
        request: Request<Body>,
        timeout: Duration,
    ) -> Result<Bytes, EngineError> {
        let exchange = async { read_answer(self.send(request).await?).await };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| EngineError::Timeout(timeout))?
    }

    /// Builds `method path_and_query`, with `body` serialised as its JSON body when given.
    pub fn request<B: Serialize>(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&B>,
    ) -> Result<Request<Body>, EngineError> {
        let builder = Request::builder()
            .method(method)
            .uri(self.uri(path_and_query)?);
        let built = match body {
            Some(body) => {
                let json = serde_json::to_vec(body)
                    .map_err(|error| EngineError::Protocol(error.to_string()))?;
                builder
                    .header(http::header::CONTENT_TYPE, "application/json")
                    .body(Body::from(json))
            }
            None => builder.body(Body::empty()),
        };
        built.map_err(|error| EngineError::Protocol(error.to_string()))
    }

    /// A typed call: sends `method path_and_query` with `body` as JSON (when given) and decodes
    /// the JSON answer as `T`, all within `timeout`.
    pub async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&B>,
        timeout: Duration,
    ) -> Result<T, EngineError> {
        let request = self.request(method, path_and_query, body)?;
        decode(&self.exchange(request, timeout).await?)
    }

    /// `GET`s a path with the control timeout, returning the response with its body unread.
    pub async fn get(&self, path_and_query: &str) -> Result<Response<Incoming>, EngineError> {
        let request = Request::get(self.uri(path_and_query)?)
            .body(Body::empty())
            .map_err(|error| EngineError::Protocol(error.to_string()))?;
        tokio::time::timeout(CONTROL_TIMEOUT, self.send(request))
            .await
            .map_err(|_| EngineError::Timeout(CONTROL_TIMEOUT))?
    }
}

/// Reads a small answer whole; an error status becomes [`EngineError::Status`].
pub async fn read_answer(response: Response<Incoming>) -> Result<Bytes, EngineError> {
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map_err(|error| EngineError::unreachable(&error))?
        .to_bytes();
    if parts.status.is_success() {
        Ok(bytes)
    } else {
        Err(status_error(parts.status, &bytes))
    }
}

/// Decodes a JSON answer of the engine; one that does not fit `T` is a protocol error.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, EngineError> {
    lenient::from_slice(bytes).map_err(|error| EngineError::Protocol(error.to_string()))
}

/// Builds a [`EngineError::Status`] from an engine's `{"message": …}` body, or its raw text.
pub fn status_error(status: StatusCode, body: &[u8]) -> EngineError {
    let message = serde_json::from_slice::<berth_shared::ErrorBody>(body)
        .map(|error| error.message)
        .unwrap_or_else(|_| String::from_utf8_lossy(body).trim().to_owned());
    EngineError::Status { status, message }
}

impl EngineError {
    /// An unreachable engine, with the kind of failure read from the error's sources; a TLS
    /// failure worth naming (an unknown CA, a name mismatch, a refused client certificate) is
    /// named first.
    pub fn unreachable(error: &(dyn std::error::Error + 'static)) -> Self {
        match tls_error_of(error).and_then(super::tls::explain) {
            Some(named) => EngineError::Unreachable(
                EngineFailure::Tls,
                format!("{named}: {}", error_chain(error)),
            ),
            None => EngineError::Unreachable(failure_of(error), error_chain(error)),
        }
    }

    /// The kind of failure, for health reports.
    pub fn failure(&self) -> EngineFailure {
        match self {
            EngineError::Unreachable(failure, _) => *failure,
            EngineError::Timeout(_) => EngineFailure::Timeout,
            EngineError::Status { .. } => EngineFailure::EngineError,
            EngineError::Protocol(_) => EngineFailure::Protocol,
            EngineError::Unsupported { .. } => EngineFailure::Unsupported,
        }
    }
}

/// The TLS error among the sources of `error`, also where an I/O error wraps it (an
/// `io::Error`'s `source` skips the error it wraps).
fn tls_error_of<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut source = Some(error);
    while let Some(cause) = source {
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        let wrapped = cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>());
        if wrapped.is_some() {
            return wrapped;
        }
        source = cause.source();
    }
    None
}

/// The first source of `error` that tells what kind of failure it was.
fn failure_of(error: &(dyn std::error::Error + 'static)) -> EngineFailure {
    let mut source = Some(error);
    while let Some(cause) = source {
        if cause.is::<rustls::Error>() || cause.is::<TlsSetupError>() {
            return EngineFailure::Tls;
        }
        if let Some(ssh) = cause.downcast_ref::<SshFailure>() {
            return ssh.failure;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if let Some(ssh) = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<SshFailure>())
            {
                return ssh.failure;
            }
            let inner_tls = io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>() || inner.is::<TlsSetupError>());
            match io.kind() {
                _ if inner_tls => return EngineFailure::Tls,
                std::io::ErrorKind::NotFound => return EngineFailure::NoSocket,
                std::io::ErrorKind::PermissionDenied => return EngineFailure::PermissionDenied,
                std::io::ErrorKind::ConnectionRefused => return EngineFailure::ConnectionRefused,
                std::io::ErrorKind::TimedOut => return EngineFailure::Timeout,
                _ => {}
            }
        }
        source = cause.source();
    }
    EngineFailure::Network
}

/// Joins an error and its sources: hyper's top-level messages alone ("client error (Connect)")
/// do not say what happened.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_errors_carry_the_engine_message() {
        let error = status_error(
            StatusCode::NOT_FOUND,
            br#"{"message":"No such container: x"}"#,
        );
        assert_eq!(
            error.to_string(),
            "the engine answered 404 Not Found: No such container: x"
        );
        let raw = status_error(StatusCode::BAD_GATEWAY, b"  upstream broke \n");
        assert!(raw.to_string().ends_with("upstream broke"));
    }

    #[tokio::test]
    async fn an_absent_socket_is_unreachable_with_the_reason() {
        let client = EngineClient::new(EngineEndpoint::Unix("/nonexistent/berth.sock".into()));
        let error = client.get("/_ping").await.unwrap_err();
        assert!(
            matches!(error, EngineError::Unreachable(EngineFailure::NoSocket, _)),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("no engine socket at that path: "),
            "{error}"
        );
        assert!(error.to_string().contains("No such file"), "{error}");
    }

    #[tokio::test]
    async fn a_closed_port_is_a_refused_connection() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let client = EngineClient::new(EngineEndpoint::Tcp {
            host: "127.0.0.1".into(),
            port,
        });
        let error = client.get("/_ping").await.unwrap_err();
        assert_eq!(error.failure(), EngineFailure::ConnectionRefused, "{error}");
    }
}
