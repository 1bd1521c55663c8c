//! Axum extractors for the caller: [`Principal`] authenticates and guards against cross-site
//! requests; [`BeaconPrincipal`] does the same for a page's last word (`navigator.sendBeacon`,
//! which cannot set headers, so its CSRF token comes in a form body); [`ClientInfo`] gives the
//! address and browser for sessions and the audit log.

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

use super::origin::{self, Origin};
use super::secrets::constant_time_eq;
use super::{AuthError, ClientInfo, Credential, Principal};
use crate::error::ApiError;
use crate::server::PeerAddr;
use crate::state::AppState;

/// The header the UI sends its session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The form field a beacon carries the session's CSRF token in. The token is URL-safe base64,
/// which a form encoding leaves as it is.
pub const CSRF_FIELD: &str = "csrf_token";

/// The largest beacon body read: the form holds one token.
const BEACON_LIMIT: usize = 1024;

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = state
            .auth()
            .authenticate_request(&parts.headers, parts.extensions.get())
            .await?
            .ok_or_else(|| ApiError::from(AuthError::Missing))?;
        check_request_integrity(
            &principal,
            &parts.method,
            &parts.headers,
            state.auth().public_origin(),
        )?;
        Ok(principal)
    }
}

/// The caller of an endpoint a page calls with `navigator.sendBeacon` as it goes away: a
/// browser session only, from one of the console's own pages (the `Origin` must be the
/// console's), with the session's CSRF token in an `application/x-www-form-urlencoded` body
/// (field [`CSRF_FIELD`]). Nothing secret goes in the URL.
#[derive(Debug, Clone)]
pub struct BeaconPrincipal(pub Principal);

impl FromRequest<AppState> for BeaconPrincipal {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = request.into_parts();
        let form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|kind| {
                kind.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !form {
            return Err(ApiError::UnsupportedMediaType);
        }
        let body = axum::body::to_bytes(body, BEACON_LIMIT)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(BEACON_LIMIT))?;
        let presented = form_field(&body, CSRF_FIELD).unwrap_or_default();
        let principal = state
            .auth()
            .authenticate(&parts.headers)
            .await?
            .ok_or_else(|| ApiError::from(AuthError::Missing))?;
        check_beacon_integrity(
            &principal,
            &parts.headers,
            state.auth().public_origin(),
            presented,
        )?;
        Ok(BeaconPrincipal(principal))
    }
}

/// The raw value of `name` in a form body, if it is there once or more (the first wins).
fn form_field<'a>(body: &'a [u8], name: &str) -> Option<&'a str> {
    std::str::from_utf8(body)
        .ok()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A beacon is accepted only from a browser session on one of the console's own pages, with
/// that session's CSRF token.
pub fn check_beacon_integrity(
    principal: &Principal,
    headers: &HeaderMap,
    public: Option<&origin::PublicOrigin>,
    presented: &str,
) -> Result<(), ApiError> {
    match origin::classify(headers, public) {
        Origin::Same => {}
        Origin::Foreign(origin) => {
            return Err(ApiError::Forbidden(format!(
                "cross-origin request from {origin} refused"
            )));
        }
        Origin::Absent => {
            return Err(ApiError::Forbidden(
                "this endpoint takes only the console's own pages' requests, which carry an Origin"
                    .into(),
            ));
        }
    }
    let Credential::Session { csrf_token, .. } = &principal.credential else {
        return Err(ApiError::Forbidden(
            "this endpoint is for browser sessions; use the DELETE endpoint with a token".into(),
        ));
    };
    csrf_matches(csrf_token, presented)
}

/// Compares the presented CSRF token with the session's, in constant time.
fn csrf_matches(expected: &str, presented: &str) -> Result<(), ApiError> {
    if constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "missing or wrong CSRF token: reload the page and try again".into(),
        ))
    }
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(client_info(parts))
    }
}

/// The client's address (from the connection) and User-Agent.
pub fn client_info(parts: &Parts) -> ClientInfo {
    let address = parts
        .extensions
        .get::<ConnectInfo<PeerAddr>>()
        .map(|ConnectInfo(PeerAddr(address))| address.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    ClientInfo {
        address,
        user_agent,
    }
}

/// Refuses requests from other sites, and cookie-authenticated requests that change state
/// without the session's CSRF token or open a WebSocket without an Origin.
pub fn check_request_integrity(
    principal: &Principal,
    method: &Method,
    headers: &HeaderMap,
    public: Option<&origin::PublicOrigin>,
) -> Result<(), ApiError> {
    let origin = origin::classify(headers, public);
    if let Origin::Foreign(origin) = &origin {
        return Err(ApiError::Forbidden(format!(
            "cross-origin request from {origin} refused"
        )));
    }
    let Credential::Session { csrf_token, .. } = &principal.credential else {
        return Ok(());
    };
    if is_websocket_upgrade(headers) && origin == Origin::Absent {
        return Err(ApiError::Forbidden(
            "WebSocket upgrades from a browser session must carry an Origin header".into(),
        ));
    }
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let presented = headers
            .get(CSRF_HEADER)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        csrf_matches(csrf_token, presented)?;
    }
    Ok(())
}

/// With `--public-url`, refuses requests without an API token that are addressed to another
/// host: a browser sends those after DNS rebinding, with Origin and Host both naming the
/// attacker's domain. Token and client-certificate holders (the docker CLI, scripts) and
/// health probes may use any name for Berth.
pub async fn public_host_guard(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    // Health probes (a container's health check, a load balancer) use whatever address
    // reaches Berth, and the answer carries nothing a rebinding page could use.
    if let Some(public) = state.auth().public_origin()
        && !request.headers().contains_key(header::AUTHORIZATION)
        && request
            .extensions()
            .get::<crate::pki::verify::ClientCertificate>()
            .is_none()
        && request.uri().path() != "/api/health"
    {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if !public.accepts_host(host) {
            return ApiError::Misdirected(format!(
                "Berth answers browsers only at {} (--public-url); this request was addressed \
                 to '{host}'",
                public.origin()
            ))
            .into_response();
        }
    }
    next.run(request).await
}

/// Whether a request asks to become a WebSocket.
pub fn is_websocket_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("websocket"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use berth_shared::access::Role;

    fn session_principal() -> Principal {
        Principal {
            user_id: 1,
            username: "alice".into(),
            role: Role::Operator,
            credential: Credential::Session {
                id_hash: "h".into(),
                csrf_token: "csrf-secret".into(),
                expires_at: i64::MAX,
            },
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn state_changes_need_the_csrf_token() {
        let principal = session_principal();
        assert!(check_request_integrity(&principal, &Method::GET, &headers(&[]), None).is_ok());
        assert!(check_request_integrity(&principal, &Method::POST, &headers(&[]), None).is_err());
        assert!(
            check_request_integrity(
                &principal,
                &Method::POST,
                &headers(&[("x-csrf-token", "nope")]),
                None
            )
            .is_err()
        );
        assert!(
            check_request_integrity(
                &principal,
                &Method::DELETE,
                &headers(&[("x-csrf-token", "csrf-secret")]),
                None
            )
            .is_ok()
        );
    }

    #[test]
    fn other_sites_are_refused_even_with_the_token() {
        let principal = session_principal();
        let foreign = headers(&[
            ("origin", "http://evil.example"),
            ("x-csrf-token", "csrf-secret"),
        ]);
        assert!(check_request_integrity(&principal, &Method::POST, &foreign, None).is_err());
    }

    #[test]
    fn browser_websockets_need_an_origin() {
        let principal = session_principal();
        let without = headers(&[("upgrade", "websocket")]);
        assert!(check_request_integrity(&principal, &Method::GET, &without, None).is_err());
        let same = headers(&[
            ("upgrade", "websocket"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(check_request_integrity(&principal, &Method::GET, &same, None).is_ok());
    }

    #[test]
    fn beacons_need_the_token_in_the_body_and_the_console_origin() {
        let principal = session_principal();
        let same = headers(&[("origin", "http://127.0.0.1:8080")]);
        assert!(check_beacon_integrity(&principal, &same, None, "csrf-secret").is_ok());
        assert!(check_beacon_integrity(&principal, &same, None, "").is_err());
        assert!(check_beacon_integrity(&principal, &same, None, "csrf-secre").is_err());
        let foreign = headers(&[("origin", "http://evil.example")]);
        assert!(check_beacon_integrity(&principal, &foreign, None, "csrf-secret").is_err());
        assert!(check_beacon_integrity(&principal, &headers(&[]), None, "csrf-secret").is_err());
        let token = Principal {
            credential: Credential::Token { id: 3 },
            ..session_principal()
        };
        assert!(check_beacon_integrity(&token, &same, None, "").is_err());
    }

    #[test]
    fn form_fields_are_found_by_name() {
        assert_eq!(
            form_field(b"a=1&csrf_token=abc-_9&b=2", CSRF_FIELD),
            Some("abc-_9")
        );
        assert_eq!(form_field(b"csrf_token=", CSRF_FIELD), Some(""));
        assert_eq!(form_field(b"csrf=abc", CSRF_FIELD), None);
        assert_eq!(form_field(&[0xff, b'='], CSRF_FIELD), None);
    }

    #[test]
    fn tokens_need_no_csrf_header() {
        let principal = Principal {
            credential: Credential::Token { id: 3 },
            ..session_principal()
        };
        assert!(check_request_integrity(&principal, &Method::POST, &headers(&[]), None).is_ok());
    }
}
