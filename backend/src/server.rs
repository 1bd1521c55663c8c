//! Runs `berth serve`: opens the store, binds the listener (HTTPS when configured), prints the
//! URL (and the one-time set-up token on first run), serves until SIGINT or SIGTERM, then
//! drains in-flight requests for a bounded time.
//!
//! Connections are served by hyper directly, with a timer, so that a client that never
//! finishes its headers (or leaves a keep-alive connection idle) is cut after
//! [`HEADER_READ_TIMEOUT`], and at most `--max-connections` are served at once.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use std::sync::Arc;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::serve::Listener;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tracing_subscriber::EnvFilter;

use crate::auth::{Auth, SessionPolicy};
use crate::config::ServeConfig;
use crate::engine::Environments;
use crate::pki::verify::ClientCertificate;
use crate::state::AppState;
use crate::store::{Store, StoreError};
use crate::tls::{TlsError, TlsListener};

/// How long in-flight requests (log follows, event streams, terminals) get to finish after a
/// shutdown signal before they are cut.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The tokio runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(io::Error),
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// TLS could not be set up.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The listener could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// What the OS said.
        source: io::Error,
    },
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(io::Error),
}

/// Starts the runtime and serves until a shutdown signal.
pub fn run(config: ServeConfig) -> Result<(), ServeError> {
    init_logging();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all().thread_name("berth");
    if config.worker_threads > 0 {
        builder.worker_threads(config.worker_threads);
    }
    let runtime = builder.build().map_err(ServeError::Runtime)?;
    runtime.block_on(serve(config))
}

fn init_logging() {
    let filter = EnvFilter::try_from_env("BERTH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // A second call (tests that serve twice in one process) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_target(false)
        .with_ansi(io::IsTerminal::is_terminal(&io::stderr()))
        .try_init();
}

async fn serve(config: ServeConfig) -> Result<(), ServeError> {
    // Held until the server ends: no second server, and no restore, on this store meanwhile.
    let _lock = crate::store::lock::ServeLock::acquire(&config.data_dir)?;
    let store = Store::open(&config.data_dir)?;
    let hosts: Vec<String> = config
        .public_origin
        .iter()
        .map(|origin| origin.host().to_owned())
        .chain((!config.listen.ip().is_unspecified()).then(|| config.listen.ip().to_string()))
        .collect();
    let tls = config
        .tls
        .as_ref()
        .map(|source| crate::tls::https(source, &config.data_dir, &hosts))
        .transpose()?;
    let auth = Auth::new(store, tls.is_some(), SessionPolicy::default())
        .with_public_origin(config.public_origin.clone());
    let setup_token = auth.prepare_setup().await?;
    let state = AppState::new(
        Environments::local(config.docker_host.clone()),
        auth,
        crate::registries::Vault::new(&config.data_dir),
        &config.data_dir,
        crate::streams::Streams::new(config.limits.max_streams_per_user),
    );

    let tcp = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Bind {
            address: config.listen,
            source,
        })?;
    let address = tcp.local_addr().map_err(ServeError::Serve)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(data_dir = %config.data_dir.display(), "store ready");
    if config.exposes_plain_http() {
        tracing::warn!(
            %address,
            "--insecure-listen: serving plain HTTP beyond loopback; passwords and session cookies \
             cross the network in the clear unless a TLS proxy stands in front of Berth"
        );
    }
    crate::environments::load_and_follow(&state).await?;
    report_engines(&state);
    tokio::spawn(crate::environments::probe::run(state.clone()));
    spawn_session_cleanup(&state);
    crate::retention::spawn_pruning(state.store().clone());
    state.streams().spawn_revalidation(state.store().clone());
    let signals = ShutdownSignals::install().map_err(ServeError::Serve)?;
    // Printed on stdout, on their own lines, so people and scripts can find them; the ready
    // line comes last.
    if let Some(token) = setup_token {
        println!(
            "No users yet. Open {scheme}://{address}/setup to create the first admin with this \
             one-time set-up token:\n    {token}\n(or create users with `berth user add`)"
        );
    }
    println!("Berth is ready at {scheme}://{address}/");

    let app = crate::app(state);
    let max_connections = config.limits.max_connections;
    match tls {
        Some(tls) => {
            let listener = TlsListener::new(tcp, tls).map_err(ServeError::Serve)?;
            serve_with(listener, app, signals, max_connections).await
        }
        None => serve_with(NoDelayListener(tcp), app, signals, max_connections).await,
    }
}

/// How long a client has to send a request's headers, counted from when the connection
/// starts waiting for a request: this is also how long an idle keep-alive connection stays
/// open. Without it, a client that never finishes its headers holds a connection forever.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// Serves `app` on `listener` until a signal, then drains for [`SHUTDOWN_GRACE`]. At most
/// `max_connections` connections are served at once; further clients wait in the listen
/// queue until one closes.
async fn serve_with<L>(
    mut listener: L,
    app: Router,
    signals: ShutdownSignals,
    max_connections: usize,
) -> Result<(), ServeError>
where
    L: Listener,
    L::Addr: Into<ConnectionPeer>,
{
    let slots = Arc::new(Semaphore::new(max_connections));
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    let signalled = signals.recv();
    tokio::pin!(signalled);
    loop {
        let slot = tokio::select! {
            () = &mut signalled => break,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let (io, peer) = tokio::select! {
            () = &mut signalled => break,
            accepted = listener.accept() => accepted,
        };
        let peer: ConnectionPeer = peer.into();
        let address = peer.address;
        let connection = http
            .serve_connection(TokioIo::new(io), service(app.clone(), peer))
            .with_upgrades();
        let mut shutdown = shutdown_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = shutdown.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = result {
                tracing::debug!(%error, peer = %address, "connection ended with an error");
            }
        });
    }
    tracing::info!("shutting down: finishing in-flight requests");
    let _ = shutdown_tx.send(true);
    let all = u32::try_from(max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            "requests still open after {} s were cut",
            SHUTDOWN_GRACE.as_secs()
        );
    }
    tracing::info!("stopped");
    Ok(())
}

/// The app as a hyper service for one connection, which tells handlers the client's address
/// and, over TLS, the certificate it showed.
fn service(
    app: Router,
    peer: ConnectionPeer,
) -> impl hyper::service::Service<
    http::Request<hyper::body::Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
        let mut request = request.map(axum::body::Body::new);
        request
            .extensions_mut()
            .insert(ConnectInfo(PeerAddr(peer.address)));
        if let Some(certificate) = &peer.certificate {
            request.extensions_mut().insert(certificate.clone());
        }
        tower::ServiceExt::oneshot(app.clone(), request)
    })
}

/// The client's address, recorded for every connection whatever the listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// Who is at the other end of a connection: the address, and over TLS the client certificate
/// it showed, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionPeer {
    /// The client's address.
    pub address: SocketAddr,
    /// The certificate it showed at the handshake, as judged then.
    pub certificate: Option<ClientCertificate>,
}

impl From<SocketAddr> for ConnectionPeer {
    fn from(address: SocketAddr) -> Self {
        Self {
            address,
            certificate: None,
        }
    }
}

/// Plain TCP with `TCP_NODELAY` on every connection: without it, the last small frame of a
/// streamed answer can wait for the client's delayed ACK, adding tens of milliseconds to
/// answers and terminal echo.
pub struct NoDelayListener(TcpListener);

impl Listener for NoDelayListener {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, address) = Listener::accept(&mut self.0).await;
        let _ = stream.set_nodelay(true);
        (stream, address)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Listener::local_addr(&self.0)
    }
}

/// Logs each engine's state in the background, so a slow engine never delays start-up.
fn report_engines(state: &AppState) {
    for environment in state.environments().all() {
        tokio::spawn(async move {
            let endpoint = environment.client().endpoint().to_string();
            match environment.negotiate().await {
                Ok(negotiated) => tracing::info!(
                    environment = environment.id(),
                    %endpoint,
                    engine = %negotiated.engine.version,
                    api = %negotiated.api_version,
                    "engine reachable"
                ),
                Err(error) => tracing::warn!(
                    environment = environment.id(),
                    %endpoint,
                    %error,
                    "engine unreachable; the console will retry"
                ),
            }
        });
    }
}

/// Deletes ended sessions every hour, so the table does not grow without bound.
fn spawn_session_cleanup(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(3600));
        loop {
            interval.tick().await;
            let idle = state.auth().session_policy().idle.as_secs() as i64;
            if let Err(error) = state
                .store()
                .delete_expired_sessions(crate::store::now() - idle)
                .await
            {
                tracing::warn!(%error, "could not delete ended sessions");
            }
        }
    });
}

/// SIGINT (Ctrl-C) and SIGTERM handlers, installed before Berth says it is ready, so a signal
/// sent right after the ready line is never missed.
struct ShutdownSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    fn install() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Resolves on the first of the signals.
    async fn recv(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {},
            _ = self.terminate.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
