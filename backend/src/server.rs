//! Runs `berth serve`: opens the store, binds the listener (HTTPS when configured), prints the
//! URL (and the one-time set-up token on first run), serves until SIGINT or SIGTERM, then
//! drains in-flight requests for a bounded time.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::auth::{Auth, SessionPolicy};
use crate::config::ServeConfig;
use crate::engine::Environments;
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("berth")
        .build()
        .map_err(ServeError::Runtime)?;
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
    let store = Store::open(&config.data_dir)?;
    let tls = config
        .tls
        .as_ref()
        .map(crate::tls::server_config)
        .transpose()?;
    let auth = Auth::new(store, tls.is_some(), SessionPolicy::default());
    let setup_token = auth.prepare_setup().await?;
    let state = AppState::new(
        Environments::local(config.docker_host.clone()),
        auth,
        crate::registries::Vault::new(&config.data_dir),
        &config.data_dir,
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
    report_engines(&state);
    spawn_session_cleanup(&state);
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
    match tls {
        Some(tls) => {
            let listener = TlsListener::new(tcp, tls).map_err(ServeError::Serve)?;
            serve_with(listener, app, signals).await
        }
        None => serve_with(NoDelayListener(tcp), app, signals).await,
    }
}

/// Serves `app` on `listener` until a signal, then drains for [`SHUTDOWN_GRACE`].
async fn serve_with<L>(listener: L, app: Router, signals: ShutdownSignals) -> Result<(), ServeError>
where
    L: Listener<Addr = SocketAddr>,
    for<'a> PeerAddr: Connected<IncomingStream<'a, L>>,
{
    let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<PeerAddr>(),
    )
    .with_graceful_shutdown(async move {
        signals.recv().await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = signalled_tx.send(());
    });
    let deadline = async move {
        if signalled_rx.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = server => result.map_err(ServeError::Serve)?,
        () = deadline => tracing::warn!(
            "requests still open after {} s were cut", SHUTDOWN_GRACE.as_secs()
        ),
    }
    tracing::info!("stopped");
    Ok(())
}

/// The client's address, recorded for every connection whatever the listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, NoDelayListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, NoDelayListener>) -> Self {
        PeerAddr(*stream.remote_addr())
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

impl Connected<IncomingStream<'_, TlsListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

/// Logs each engine's state in the background, so a slow engine never delays start-up.
fn report_engines(state: &AppState) {
    for environment in state.environments().iter() {
        let environment = environment.clone();
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
