//! A typed client for Berth's backend: the console's own `/api` ([`console`], [`registries`],
//! [`volume_browser`]) and the engine gateway ([`engine`], one module per resource as the Engine
//! API groups them). Streamed answers are read with [`stream`], files sent with progress with
//! [`upload`]; [`percent_encode`] is the one encoder of path segments and query values.
//!
//! A page's first `GET` may have been asked for before the app started (`early`).
//!
//! Every request can be cancelled through an [`AbortSignal`]; errors are one typed enum, and an
//! engine that cannot be reached is its own case so pages can say so. State-changing requests
//! carry the session's CSRF token, and a 401 tells the app the session has ended.

pub mod console;
mod early;
pub mod engine;
pub mod environments;
pub mod guardrails;
pub mod registries;
pub mod stream;
pub mod together;
pub mod upload;
pub mod volume_browser;

use std::cell::RefCell;
use std::rc::Rc;

use berth_shared::ErrorBody;
use berth_shared::engine::lenient;
use berth_shared::engine::listing::{self, Listing};
use gloo_net::http::{Method, RequestBuilder, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
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

    /// Whether the engine or Berth itself could not be reached, so the request may work later
    /// unchanged.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ApiError::EngineUnreachable(_) | ApiError::Network(_))
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            ApiError::EngineUnreachable(_) => Some(502),
            _ => None,
        }
    }
}

/// What [`percent_encode`] leaves alone: the unreserved characters of RFC 3986.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes everything but unreserved characters, so an id can never add a path segment
/// and a query value can never add a parameter.
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

thread_local! {
    static CSRF_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static ON_SESSION_ENDED: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// The CSRF token of the current session, sent in `X-CSRF-Token` on state-changing requests.
pub fn set_csrf_token(token: Option<String>) {
    CSRF_TOKEN.with(|cell| *cell.borrow_mut() = token);
}

/// What to do when a request answers 401: the session ended (expired, revoked, or signed out
/// elsewhere).
pub fn on_session_ended(hook: impl Fn() + 'static) {
    ON_SESSION_ENDED.with(|cell| *cell.borrow_mut() = Some(Rc::new(hook)));
}

/// Sends a request with an optional JSON body and turns error statuses into [`ApiError`]s.
pub(crate) async fn send(
    method: Method,
    url: &str,
    body: Option<String>,
    signal: Option<&AbortSignal>,
) -> Result<Response, ApiError> {
    let body = body.map(|json| (Some("application/json"), wasm_bindgen::JsValue::from(json)));
    send_body(
        RequestBuilder::new(url).method(method.clone()),
        &method,
        body,
        signal,
    )
    .await
}

/// Sends a request with any body (JSON text, a `Blob`, bytes) and its content type, and turns
/// error statuses into [`ApiError`]s. The answer's body is left unread, for streaming.
pub(crate) async fn send_body(
    builder: RequestBuilder,
    method: &Method,
    body: Option<(Option<&str>, wasm_bindgen::JsValue)>,
    signal: Option<&AbortSignal>,
) -> Result<Response, ApiError> {
    let mut builder = builder.abort_signal(signal);
    if let Some(token) = csrf_token().filter(|_| *method != Method::GET && *method != Method::HEAD)
    {
        builder = builder.header("x-csrf-token", &token);
    }
    let request = match body {
        Some((content_type, body)) => {
            if let Some(content_type) = content_type {
                builder = builder.header("content-type", content_type);
            }
            builder
                .body(body)
                .map_err(|error| ApiError::Decode(error.to_string()))?
        }
        None => builder
            .build()
            .map_err(|error| ApiError::Decode(error.to_string()))?,
    };
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
    Err(failure(status, message, &response.url()))
}

/// The session's CSRF token, for requests built outside this module (uploads with progress).
pub(crate) fn csrf_token() -> Option<String> {
    CSRF_TOKEN.with(|cell| cell.borrow().clone())
}

/// The error for an answer with `status`; a 401 (other than to a sign-in) ends the session.
pub(crate) fn failure(status: u16, message: String, url: &str) -> ApiError {
    let hook = ON_SESSION_ENDED.with(|cell| cell.borrow().clone());
    if let Some(hook) = hook.filter(|_| status == 401 && !url.ends_with("/api/auth/login")) {
        hook();
    }
    if status == 502 {
        ApiError::EngineUnreachable(message)
    } else {
        ApiError::Http { status, message }
    }
}

/// `GET`s a URL and decodes its JSON answer.
pub async fn get_json<T: DeserializeOwned>(
    url: &str,
    signal: Option<&AbortSignal>,
) -> Result<T, ApiError> {
    decode(get(url, signal).await?).await
}

/// `GET`s a URL, taking the loader's early answer where it asked for this URL.
async fn get(url: &str, signal: Option<&AbortSignal>) -> Result<Response, ApiError> {
    match early::take(url).await {
        Some(answer) => Ok(Response::from(answer)),
        None => send(Method::GET, url, None, signal).await,
    }
}

/// `GET`s a list and decodes it element by element: what cannot be read is a failure beside
/// the objects that can ([`listing`]); `field` names the list inside an object answer (the
/// `Volumes` of `GET /volumes`).
pub async fn get_list<T: DeserializeOwned>(
    url: &str,
    field: Option<&str>,
    signal: Option<&AbortSignal>,
) -> Result<Listing<T>, ApiError> {
    let text = get(url, signal)
        .await?
        .text()
        .await
        .map_err(|error| ApiError::Decode(error.to_string()))?;
    match field {
        None => listing::from_str(&text),
        Some(field) => listing::from_field(&text, field),
    }
    .map_err(|error| ApiError::Decode(error.to_string()))
}

/// `GET` a JSON answer both decoded and as the engine sent it, for pages that show the raw
/// document beside their facts.
pub async fn get_json_and_raw<T: DeserializeOwned>(
    url: &str,
    signal: Option<&AbortSignal>,
) -> Result<(T, serde_json::Value), ApiError> {
    let raw: serde_json::Value = get_json(url, signal).await?;
    let typed =
        lenient::from_value(raw.clone()).map_err(|error| ApiError::Decode(error.to_string()))?;
    Ok((typed, raw))
}

/// Sends a request without a body and ignores a successful answer's body.
pub async fn call(method: Method, url: &str) -> Result<(), ApiError> {
    send(method, url, None, None).await.map(drop)
}

/// Sends `body` as JSON and decodes the JSON answer.
pub async fn send_json<B: Serialize, T: DeserializeOwned>(
    method: Method,
    url: &str,
    body: &B,
) -> Result<T, ApiError> {
    let body = serde_json::to_string(body).map_err(|error| ApiError::Decode(error.to_string()))?;
    let response = send(method, url, Some(body), None).await?;
    decode(response).await
}

/// Sends `body` as JSON and ignores a successful answer's body.
pub async fn send_json_ignoring_answer<B: Serialize>(
    method: Method,
    url: &str,
    body: &B,
) -> Result<(), ApiError> {
    let body = serde_json::to_string(body).map_err(|error| ApiError::Decode(error.to_string()))?;
    send(method, url, Some(body), None).await.map(drop)
}

/// Reads a JSON answer leniently: engines send `null` for many empty lists and maps.
pub(crate) async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let text = response
        .text()
        .await
        .map_err(|error| ApiError::Decode(error.to_string()))?;
    lenient::from_str(&text).map_err(|error| ApiError::Decode(error.to_string()))
}

/// `GET`s a URL and hands back the response unread, for streamed answers such as events.
pub async fn get_streaming(url: &str, signal: Option<&AbortSignal>) -> Result<Response, ApiError> {
    send(Method::GET, url, None, signal).await
}

/// `POST`s without a body and decodes the JSON answer.
pub async fn post_for_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    decode(send(Method::POST, url, None, None).await?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_segment() {
        assert_eq!(percent_encode("web-1.a_b~"), "web-1.a_b~");
        assert_eq!(percent_encode("../create"), "..%2Fcreate");
        assert_eq!(percent_encode("a b?c"), "a%20b%3Fc");
        assert_eq!(percent_encode("é"), "%C3%A9");
    }
}
