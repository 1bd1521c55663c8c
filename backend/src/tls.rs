//! Serving HTTPS: the certificate and key (PEM files, or made by Berth's CA for `--tls auto`),
//! client certificates asked for but not required (judged by `pki/verify.rs`), and a listener
//! that completes TLS handshakes off the accept loop, so a slow or hostile client cannot stall
//! new connections.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::config::{TlsFiles, TlsSource};
use crate::pki::verify::ClientCertChecker;
use crate::pki::{Authority, PkiError};
use crate::server::ConnectionPeer;

/// How long a client gets to finish its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How many handshakes run at once at most; further clients wait in the listen queue.
const MAX_HANDSHAKES: usize = 256;

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read or parsed.
    #[error("{path}: {reason}")]
    Pem {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The certificate and key do not make a valid configuration.
    #[error("the TLS certificate and key cannot be used together: {0}")]
    Config(#[from] rustls::Error),
    /// Berth's CA could not be read or made.
    #[error(transparent)]
    Authority(#[from] PkiError),
}

/// HTTPS as configured: the server's configuration and the judge of client certificates.
#[derive(Debug, Clone)]
pub struct Https {
    /// The rustls configuration.
    pub config: Arc<rustls::ServerConfig>,
    /// Judges the certificates clients show.
    pub checker: ClientCertChecker,
}

/// Builds HTTPS from `source`: client certificates are checked against the CA in `data_dir`
/// (made there when missing) whichever certificate the server shows; `hosts` are the names
/// `--tls auto` covers besides localhost, 127.0.0.1 and ::1.
pub fn https(source: &TlsSource, data_dir: &Path, hosts: &[String]) -> Result<Https, TlsError> {
    let authority = Authority::load_or_create(data_dir)?;
    let checker = ClientCertChecker::new(authority.ca_der())?;
    let (certificates, key) = match source {
        TlsSource::Files(files) => read_pem(files)?,
        TlsSource::Auto => {
            let issued = authority.server_certificate(hosts)?;
            let key =
                PrivateKeyDer::from_pem_slice(issued.key_pem.as_bytes()).map_err(|error| {
                    TlsError::Pem {
                        path: "the certificate made by Berth's CA".into(),
                        reason: error.to_string(),
                    }
                })?;
            (vec![issued.der, authority.ca_der().clone()], key)
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(checker.handshake_verifier())
        .with_single_cert(certificates, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Https {
        config: Arc::new(config),
        checker,
    })
}

/// Reads a certificate chain and its key from PEM files.
fn read_pem(
    files: &TlsFiles,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsError> {
    let pem_error = |path: &Path, reason: String| TlsError::Pem {
        path: path.display().to_string(),
        reason,
    };
    let certificates = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|error| pem_error(&files.cert, error.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| pem_error(&files.cert, error.to_string()))?;
    if certificates.is_empty() {
        return Err(pem_error(&files.cert, "no certificate found".into()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|error| pem_error(&files.key, error.to_string()))?;
    Ok((certificates, key))
}

/// A listener that yields connections whose TLS handshake is done, with the client
/// certificate each showed, judged once at the handshake.
pub struct TlsListener {
    connections: mpsc::Receiver<(TlsStream<TcpStream>, ConnectionPeer)>,
    local: SocketAddr,
}

impl TlsListener {
    /// Accepts on `tcp` in the background and hands over completed handshakes.
    pub fn new(tcp: TcpListener, https: Https) -> io::Result<Self> {
        let local = tcp.local_addr()?;
        let Https { config, checker } = https;
        let acceptor = TlsAcceptor::from(config);
        let (sender, connections) = mpsc::channel(64);
        let handshakes = Arc::new(Semaphore::new(MAX_HANDSHAKES));
        tokio::spawn(async move {
            loop {
                let Ok(slot) = Arc::clone(&handshakes).acquire_owned().await else {
                    break;
                };
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        tracing::warn!(%error, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                if sender.is_closed() {
                    break;
                }
                let acceptor = acceptor.clone();
                let sender = sender.clone();
                let checker = checker.clone();
                tokio::spawn(async move {
                    let handshake =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await;
                    drop(slot);
                    match handshake {
                        Ok(Ok(tls)) => {
                            let certificate =
                                checker.judge(tls.get_ref().1.peer_certificates(), UnixTime::now());
                            let peer = ConnectionPeer {
                                address: peer,
                                certificate,
                            };
                            let _ = sender.send((tls, peer)).await;
                        }
                        Ok(Err(error)) => tracing::debug!(%error, %peer, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(Self { connections, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = ConnectionPeer;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            // The accept task only ends when this listener is dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local.into())
    }
}
