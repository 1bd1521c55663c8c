//! A typed client for Berth's backend: the console's own `/api` and the engine gateway.
//!
//! Every request can be cancelled through an [`AbortSignal`]; errors are one typed enum, and an
//! engine that cannot be reached is its own case so pages can say so.

pub mod console;
pub mod engine;

use berth_shared::ErrorBody;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use web_sys::AbortSignal;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The browser could not reach Berth at all.
    #[error("Berth cannot be reached: {0}")]
    Network(String),
    /// Berth is up, but the Docker engine behind it is not.
    #[error("{0}")]
    EngineUnreachable(String),
    /// Berth or the engine answered with an error.
    #[error("{message}")]
    Http {
        /// The HTTP status.
        status: u16,
        /// The server's `message`.
        message: String,
    },
    /// The answer was not what the client expected.
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// The request was cancelled, usually because its page was left.
    #[error("cancelled")]
    Aborted,
}

impl ApiError {
    /// Whether this error means the engine, rather than the request, is the problem.
    pub fn is_engine_unreachable(&self) -> bool {
        matches!(self, ApiError::EngineUnreachable(_))
    }
}

/// Sends a request and turns error statuses into [`ApiError`]s.
async fn send(builder: RequestBuilder, signal: Option<&AbortSignal>) -> Result<Response, ApiError> {
    let request = builder
        .abort_signal(signal)
        .build()
        .map_err(|error| ApiError::Decode(error.to_string()))?;
    let response = request.send().await.map_err(|error| {
        if signal.is_some_and(AbortSignal::aborted) {
            ApiError::Aborted
        } else {
            ApiError::Network(error.to_string())
        }
    })?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let message = match response.json::<ErrorBody>().await {
        Ok(body) => body.message,
        Err(_) => format!("{status} {}", response.status_text()),
    };
    Err(if status == 502 {
        ApiError::EngineUnreachable(message)
    } else {
        ApiError::Http { status, message }
    })
}

/// `GET`s a URL and decodes its JSON answer.
pub async fn get_json<T: DeserializeOwned>(
    url: &str,
    signal: Option<&AbortSignal>,
) -> Result<T, ApiError> {
    let response = send(RequestBuilder::new(url).method(Method::GET), signal).await?;
    response
        .json::<T>()
        .await
        .map_err(|error| ApiError::Decode(error.to_string()))
}

/// Sends a request without a body and ignores a successful answer's body.
pub async fn call(method: Method, url: &str) -> Result<(), ApiError> {
    send(RequestBuilder::new(url).method(method), None)
        .await
        .map(drop)
}
