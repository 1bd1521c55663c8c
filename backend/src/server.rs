//! Runs `berth serve`: opens the store, binds the listener, serves until SIGINT or SIGTERM, then
//! drains in-flight requests for a bounded time.

use std::io;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::config::ServeConfig;
use crate::engine::Environments;
use crate::state::AppState;
use crate::store::{Store, StoreError};

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
    /// The listener could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: std::net::SocketAddr,
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
    let environments = Environments::local(config.docker_host.clone());
    let state = AppState::new(environments, store);

    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Bind {
            address: config.listen,
            source,
        })?;
    let address = listener.local_addr().map_err(ServeError::Serve)?;
    tracing::info!(data_dir = %config.data_dir.display(), "store ready");
    report_engines(&state);
    // Printed on stdout, on its own line, so people and scripts can find the URL.
    println!("Berth is ready at http://{address}/");

    let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
    // Without TCP_NODELAY, the last small frame of a streamed answer can wait for the client's
    // delayed ACK, adding tens of milliseconds to responses and terminal echo.
    let listener = listener.tap_io(|stream| {
        let _ = stream.set_nodelay(true);
    });
    let server = axum::serve(listener, crate::app(state)).with_graceful_shutdown(async move {
        shutdown_signal().await;
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

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
