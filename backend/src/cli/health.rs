//! `berth health`: asks a running Berth whether it is up, for container health checks and
//! monitors (a `scratch` image has no curl). Exits 0 when `GET /api/health` answers `up` in
//! time, and 1, saying why, when it does not.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use axum::body::Body;
use berth_shared::api::Health;
use berth_shared::api::health::UP;
use clap::Args;
use http::{Method, Request, Uri};
use http_body_util::BodyExt;

use crate::engine::{EngineClient, EngineEndpoint, EngineError};

/// Where `berth serve` listens when not told otherwise.
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Options of `berth health`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    berth health\n  \
    berth health --url http://127.0.0.1:9000\n  \
    HEALTHCHECK CMD [\"/berth\", \"health\"]")]
pub struct HealthArgs {
    /// The console to ask, as http://HOST:PORT. Defaults to the port `berth serve` listens on
    /// (BERTH_LISTEN, else 8080), on the loopback address.
    #[arg(long, env = "BERTH_HEALTH_URL", value_name = "URL")]
    url: Option<String>,
    /// How long to wait for the answer, in seconds.
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    timeout: u64,
}

/// Why Berth is not known to be up.
#[derive(Debug, thiserror::Error)]
enum HealthError {
    #[error("{0}")]
    BadUrl(String),
    #[error("no answer: {0}")]
    Unreachable(#[source] EngineError),
    #[error("no answer within {} s", .0.as_secs())]
    Timeout(Duration),
    #[error("it answered {0}")]
    Status(http::StatusCode),
    #[error("its answer is not Berth's health: {0}")]
    NotHealth(String),
    #[error("it says it is {0:?}")]
    NotUp(String),
}

/// Runs `berth health`.
pub fn run(args: HealthArgs) -> ExitCode {
    let url = args
        .url
        .clone()
        .unwrap_or_else(|| default_url(std::env::var("BERTH_LISTEN").ok().as_deref()));
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("berth health: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(check(&url, Duration::from_secs(args.timeout))) {
        Ok(()) => {
            println!("Berth is up at {url}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("berth health: {url}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The loopback URL of the port `listen` (`ADDR:PORT`, as `berth serve --listen` takes it)
/// names: a server on every address is asked on the loopback one.
fn default_url(listen: Option<&str>) -> String {
    let listen = listen.unwrap_or(DEFAULT_LISTEN);
    match listen.parse::<SocketAddr>() {
        // Linux listens on both families on `[::]`, so 127.0.0.1 reaches either.
        Ok(address) if address.ip().is_unspecified() => {
            format!("http://127.0.0.1:{}", address.port())
        }
        Ok(address) => format!("http://{address}"),
        // A host name, which the server resolved the same way.
        Err(_) => format!("http://{listen}"),
    }
}

/// The host and port of an `http://` URL, and the path Berth is served under (empty at the
/// root, `/berth` behind a proxy that serves it there).
fn endpoint(url: &str) -> Result<(EngineEndpoint, String), HealthError> {
    let uri: Uri = url
        .parse()
        .map_err(|error| HealthError::BadUrl(format!("not a URL: {error}")))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => {
            return Err(HealthError::BadUrl(
                "berth health speaks plain HTTP: ask a loopback listener".into(),
            ));
        }
        _ => return Err(HealthError::BadUrl("give an http:// URL".into())),
    }
    let host = uri
        .host()
        .ok_or_else(|| HealthError::BadUrl("the URL has no host".into()))?;
    if host.starts_with('[') {
        return Err(HealthError::BadUrl(
            "an IPv6 address: give 127.0.0.1 or a host name".into(),
        ));
    }
    let endpoint = EngineEndpoint::Tcp {
        host: host.to_owned(),
        port: uri.port_u16().unwrap_or(80),
    };
    Ok((endpoint, uri.path().trim_end_matches('/').to_owned()))
}

/// Asks `url` for `/api/health` and insists on `up` within `timeout`.
async fn check(url: &str, timeout: Duration) -> Result<(), HealthError> {
    let (endpoint, prefix) = endpoint(url)?;
    let client = EngineClient::new(endpoint);
    let uri = client
        .uri(&format!("{prefix}/api/health"))
        .map_err(|error| HealthError::BadUrl(error.to_string()))?;
    let request = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .body(Body::empty())
        .map_err(|error| HealthError::BadUrl(error.to_string()))?;
    let answer = async {
        let response = client
            .send(request)
            .await
            .map_err(HealthError::Unreachable)?;
        if !response.status().is_success() {
            return Err(HealthError::Status(response.status()));
        }
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|error| HealthError::NotHealth(error.to_string()))?
            .to_bytes();
        serde_json::from_slice::<Health>(&body)
            .map_err(|error| HealthError::NotHealth(error.to_string()))
    };
    let health = tokio::time::timeout(timeout, answer)
        .await
        .map_err(|_| HealthError::Timeout(timeout))??;
    if health.status == UP {
        Ok(())
    } else {
        Err(HealthError::NotUp(health.status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_url_is_the_listen_port_on_loopback() {
        assert_eq!(default_url(None), "http://127.0.0.1:8080");
        assert_eq!(default_url(Some("0.0.0.0:9000")), "http://127.0.0.1:9000");
        assert_eq!(default_url(Some("[::]:9000")), "http://127.0.0.1:9000");
        assert_eq!(default_url(Some("10.0.0.5:8443")), "http://10.0.0.5:8443");
        assert_eq!(default_url(Some("nas.local:80")), "http://nas.local:80");
    }

    #[test]
    fn only_plain_http_urls_are_asked() {
        assert!(matches!(
            endpoint("http://127.0.0.1:9000"),
            Ok((EngineEndpoint::Tcp { host, port: 9000 }, prefix)) if host == "127.0.0.1" && prefix.is_empty()
        ));
        assert!(matches!(
            endpoint("http://nas.local/berth/"),
            Ok((EngineEndpoint::Tcp { host, port: 80 }, prefix)) if host == "nas.local" && prefix == "/berth"
        ));
        assert!(matches!(
            endpoint("http://[::1]:80"),
            Err(HealthError::BadUrl(_))
        ));
        assert!(matches!(
            endpoint("https://127.0.0.1"),
            Err(HealthError::BadUrl(_))
        ));
        assert!(matches!(
            endpoint("127.0.0.1:8080"),
            Err(HealthError::BadUrl(_))
        ));
    }
}
