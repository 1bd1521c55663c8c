//! Byte streams to an engine: a unix socket, TCP, TCP with TLS or a channel of an SSH session,
//! behind one type that hyper can pool.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::endpoint::EngineEndpoint;
use super::ssh::{SshSessions, SshStream};

/// The most connections open to one engine at once, pooled, streaming or upgraded: each
/// long-lived stream holds one, so without a bound a few clients could exhaust the engine's
/// (or Berth's) file descriptors.
pub const MAX_ENGINE_CONNECTIONS: usize = 512;

/// How long a request waits for a free connection before it fails.
const CONNECTION_WAIT: Duration = Duration::from_secs(10);

/// How long a TCP connection to an engine, with its TLS handshake, may take. Without it, an
/// address whose packets are dropped holds a request for the kernel's SYN retries (about two
/// minutes), and a listener that never speaks TLS holds it for ever.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens connections to one engine, whatever URI hyper asks for: the URI only carries the
/// request path, the endpoint decides where bytes go.
#[derive(Debug, Clone)]
pub(crate) struct EngineConnector {
    endpoint: Arc<EngineEndpoint>,
    /// One permit per open connection, held by the connection until it closes.
    slots: Arc<Semaphore>,
    /// For TLS endpoints, the client configuration, or why it could not be built (reported on
    /// every connection attempt, since the files may be fixed while Berth runs).
    tls: Option<Result<Arc<rustls::ClientConfig>, String>>,
    /// For SSH endpoints, the session its channels share.
    ssh: Option<Arc<SshSessions>>,
}

impl EngineConnector {
    pub(crate) fn new(endpoint: EngineEndpoint) -> Self {
        let tls = match &endpoint {
            EngineEndpoint::TcpTls { tls, .. } => {
                Some(super::tls::client_config(tls).map_err(|error| error.to_string()))
            }
            _ => None,
        };
        let ssh = match &endpoint {
            EngineEndpoint::Ssh(target) => Some(Arc::new(SshSessions::new(target))),
            _ => None,
        };
        Self {
            endpoint: Arc::new(endpoint),
            slots: Arc::new(Semaphore::new(MAX_ENGINE_CONNECTIONS)),
            tls,
            ssh,
        }
    }

    /// For an SSH endpoint, the fingerprint of the host key the host last showed.
    pub(crate) fn shown_host_key(&self) -> Option<String> {
        self.ssh.as_ref().and_then(|ssh| ssh.shown_host_key())
    }
}

/// The TLS configuration for an engine could not be built (unreadable certificates or keys).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TlsSetupError(pub String);

async fn connect_tcp(host: &str, port: u16) -> io::Result<TcpStream> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let stream = TcpStream::connect((host, port)).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// `connecting` (a TCP connection, and its handshake for TLS) to `host:port`, or a timed-out
/// error naming the address after [`CONNECT_TIMEOUT`].
async fn within_connect_timeout<T>(
    host: &str,
    port: u16,
    connecting: impl Future<Output = io::Result<T>>,
) -> io::Result<T> {
    tokio::time::timeout(CONNECT_TIMEOUT, connecting)
        .await
        .unwrap_or_else(|_| {
            Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "no connection to {host}:{port} within {} s: the host is down, or something \
                     on the way drops the packets",
                    CONNECT_TIMEOUT.as_secs()
                ),
            ))
        })
}

impl tower::Service<Uri> for EngineConnector {
    type Response = EngineIo;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<EngineIo>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Uri) -> Self::Future {
        let endpoint = Arc::clone(&self.endpoint);
        let tls = self.tls.clone();
        let ssh = self.ssh.clone();
        let slots = Arc::clone(&self.slots);
        Box::pin(async move {
            let slot = tokio::time::timeout(CONNECTION_WAIT, slots.acquire_owned())
                .await
                .ok()
                .and_then(Result::ok)
                .ok_or_else(|| {
                    io::Error::other(format!(
                        "all {MAX_ENGINE_CONNECTIONS} connections to the engine are in use by \
                         open streams"
                    ))
                })?;
            let stream = match &*endpoint {
                EngineEndpoint::Unix(path) => EngineStream::Unix(UnixStream::connect(path).await?),
                EngineEndpoint::Tcp { host, port } => EngineStream::Tcp(
                    within_connect_timeout(host, *port, connect_tcp(host, *port)).await?,
                ),
                EngineEndpoint::TcpTls { host, port, .. } => {
                    let connector = match tls {
                        Some(Ok(config)) => TlsConnector::from(config),
                        Some(Err(reason)) => return Err(io::Error::other(TlsSetupError(reason))),
                        None => {
                            return Err(io::Error::other(TlsSetupError(
                                "no TLS configuration".into(),
                            )));
                        }
                    };
                    let name = ServerName::try_from(
                        host.trim_start_matches('[')
                            .trim_end_matches(']')
                            .to_owned(),
                    )
                    .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
                    let handshake = async {
                        let tcp = connect_tcp(host, *port).await?;
                        connector.connect(name, tcp).await
                    };
                    let tls = within_connect_timeout(host, *port, handshake).await?;
                    EngineStream::Tls(Box::new(tls))
                }
                EngineEndpoint::Ssh(_) => match ssh {
                    Some(sessions) => EngineStream::Ssh(Box::new(sessions.open().await?)),
                    None => return Err(io::Error::other("no SSH sessions for this engine")),
                },
            };
            Ok(EngineIo {
                io: TokioIo::new(stream),
                _slot: slot,
            })
        })
    }
}

/// A connected stream to an engine.
#[derive(Debug)]
pub(crate) enum EngineStream {
    Unix(UnixStream),
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    Ssh(Box<SshStream>),
}

impl AsyncRead for EngineStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            EngineStream::Unix(stream) => Pin::new(stream).poll_read(cx, buf),
            EngineStream::Tcp(stream) => Pin::new(stream).poll_read(cx, buf),
            EngineStream::Tls(stream) => Pin::new(stream).poll_read(cx, buf),
            EngineStream::Ssh(stream) => Pin::new(&mut stream.0).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for EngineStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            EngineStream::Unix(stream) => Pin::new(stream).poll_write(cx, buf),
            EngineStream::Tcp(stream) => Pin::new(stream).poll_write(cx, buf),
            EngineStream::Tls(stream) => Pin::new(stream).poll_write(cx, buf),
            EngineStream::Ssh(stream) => Pin::new(&mut stream.0).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            EngineStream::Unix(stream) => Pin::new(stream).poll_flush(cx),
            EngineStream::Tcp(stream) => Pin::new(stream).poll_flush(cx),
            EngineStream::Tls(stream) => Pin::new(stream).poll_flush(cx),
            EngineStream::Ssh(stream) => Pin::new(&mut stream.0).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            EngineStream::Unix(stream) => Pin::new(stream).poll_shutdown(cx),
            EngineStream::Tcp(stream) => Pin::new(stream).poll_shutdown(cx),
            EngineStream::Tls(stream) => Pin::new(stream).poll_shutdown(cx),
            EngineStream::Ssh(stream) => Pin::new(&mut stream.0).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            EngineStream::Unix(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            EngineStream::Tcp(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            EngineStream::Tls(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            EngineStream::Ssh(stream) => Pin::new(&mut stream.0).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            EngineStream::Unix(stream) => stream.is_write_vectored(),
            EngineStream::Tcp(stream) => stream.is_write_vectored(),
            EngineStream::Tls(stream) => stream.is_write_vectored(),
            EngineStream::Ssh(stream) => stream.0.is_write_vectored(),
        }
    }
}

/// The hyper-facing side of an [`EngineStream`], holding its connection slot until it closes.
#[derive(Debug)]
pub(crate) struct EngineIo {
    io: TokioIo<EngineStream>,
    _slot: OwnedSemaphorePermit,
}

impl Connection for EngineIo {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl hyper::rt::Read for EngineIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for EngineIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_connection_that_never_completes_fails_naming_the_address() {
        let never = std::future::pending::<io::Result<()>>();
        let error = within_connect_timeout("198.51.100.7", 2375, never)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(
            error.to_string().contains("198.51.100.7:2375 within 10 s"),
            "{error}"
        );
    }
}
