//! Forwards one Engine API request to an engine and streams its answer back untouched.
//!
//! Bodies are never buffered: the request body is handed to hyper as a stream and the engine's
//! answer is returned as a stream, so logs, events and image transfers flow as they are made and
//! stop when either side goes away. Answers that stream (logs, stats, events, archives) come
//! on a connection of their own whose ready frames are merged into large writes
//! ([`super::streamed`]): a log of short lines does not cost one write per line.

use axum::body::Body;
use berth_shared::ApiVersion;
use http::header::{self, HeaderMap, HeaderName};
use http::{Request, Response};
use hyper::body::Incoming;

use super::client::EngineError;
use super::environment::Environment;

/// Headers that belong to one hop of a connection (RFC 9110 §7.6.1), never forwarded.
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
];

/// Headers that carry the console's own credentials; the engine must never see them.
const CONSOLE_CREDENTIALS: [HeaderName; 3] = [
    header::AUTHORIZATION,
    header::COOKIE,
    HeaderName::from_static("x-csrf-token"),
];

/// Splits an engine path into its explicit API version, if any, and the rest:
/// `/v1.41/containers/json` gives `(Some(1.41), "/containers/json")`.
pub fn split_version(path: &str) -> (Option<ApiVersion>, &str) {
    let Some(after_slash) = path.strip_prefix("/v") else {
        return (None, path);
    };
    let (segment, rest) = match after_slash.find('/') {
        Some(end) => after_slash.split_at(end),
        None => (after_slash, ""),
    };
    match segment.parse::<ApiVersion>() {
        Ok(version) => (Some(version), if rest.is_empty() { "/" } else { rest }),
        Err(_) => (None, path),
    }
}

/// The path to send upstream: a client's explicit version is kept as it is, so a 1.41 client
/// keeps speaking 1.41; an unversioned path gets the negotiated version.
pub fn upstream_path(path: &str, negotiated: ApiVersion) -> String {
    match split_version(path) {
        (Some(_), _) => path.to_owned(),
        (None, rest) => format!("/v{negotiated}{rest}"),
    }
}

/// Removes hop-by-hop headers, including any the `Connection` header names.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named.iter().chain(HOP_BY_HOP.iter()) {
        headers.remove(name);
    }
}

/// Sends `request` (whose path is `path`, relative to the environment's root) to the engine and
/// returns its answer as a stream; an answer of a `streaming` operation (one of
/// [`super::streamed::STREAMING`]) on a connection of its own.
pub async fn forward(
    environment: &Environment,
    path: &str,
    request: Request<Body>,
    streaming: bool,
) -> Result<Response<Body>, EngineError> {
    let (mut parts, body) = request.into_parts();
    prepare(environment, path, &mut parts).await?;
    let request = Request::from_parts(parts, body);
    let client = environment.client();
    let result = if streaming {
        super::streamed::send(client.connector(), request).await
    } else {
        client
            .send(request)
            .await
            .map(|response| response.map(Body::new))
    };
    match result {
        Ok(response) => Ok(strip_answer(response)),
        Err(error) => {
            environment.forget_negotiation();
            Err(error)
        }
    }
}

/// Turns a client's request head into the engine's: the versioned engine URI with the client's
/// query, without hop-by-hop headers (`Upgrade` included: callers that mean to switch protocols
/// ask for it again), the client's `Host` or the console's own credentials.
pub(super) async fn prepare(
    environment: &Environment,
    path: &str,
    parts: &mut http::request::Parts,
) -> Result<(), EngineError> {
    let negotiated = environment.negotiated().await?;
    let mut target = upstream_path(path, negotiated.api_version);
    if let Some(query) = parts.uri.query() {
        target.push('?');
        target.push_str(query);
    }
    parts.uri = environment.client().uri(&target)?;
    strip_hop_by_hop(&mut parts.headers);
    parts.headers.remove(header::UPGRADE);
    parts.headers.remove(header::HOST);
    for name in &CONSOLE_CREDENTIALS {
        parts.headers.remove(name);
    }
    Ok(())
}

/// The engine's answer for the client: status, headers (`Api-Version`, `Docker-Experimental`,
/// `Ostype` among them) and streaming body as sent, less its hop-by-hop headers.
pub(super) fn answer(response: Response<Incoming>) -> Response<Body> {
    strip_answer(response.map(Body::new))
}

fn strip_answer(mut response: Response<Body>) -> Response<Body> {
    strip_hop_by_hop(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const V141: ApiVersion = ApiVersion::new(1, 41);

    #[test]
    fn keeps_an_explicit_version() {
        assert_eq!(
            upstream_path("/v1.44/containers/json", V141),
            "/v1.44/containers/json"
        );
        assert_eq!(upstream_path("/v1.41", V141), "/v1.41");
    }

    #[test]
    fn adds_the_negotiated_version_otherwise() {
        assert_eq!(
            upstream_path("/containers/json", V141),
            "/v1.41/containers/json"
        );
        assert_eq!(upstream_path("/_ping", V141), "/v1.41/_ping");
        assert_eq!(upstream_path("/volumes", V141), "/v1.41/volumes");
    }

    #[test]
    fn splits_versions_only_when_they_are_versions() {
        assert_eq!(split_version("/v1.41/info"), (Some(V141), "/info"));
        assert_eq!(split_version("/v1.41"), (Some(V141), "/"));
        assert_eq!(split_version("/volumes/x"), (None, "/volumes/x"));
        assert_eq!(split_version("/vx/info"), (None, "/vx/info"));
    }

    #[test]
    fn strips_hop_by_hop_and_connection_named_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, x-private"),
        );
        headers.insert("keep-alive", HeaderValue::from_static("timeout=5"));
        headers.insert("x-private", HeaderValue::from_static("1"));
        headers.insert(
            header::TRANSFER_ENCODING,
            HeaderValue::from_static("chunked"),
        );
        headers.insert("x-registry-auth", HeaderValue::from_static("abc"));
        strip_hop_by_hop(&mut headers);
        assert_eq!(headers.len(), 1);
        assert!(headers.contains_key("x-registry-auth"));
    }
}
