//! Axum extractors for the caller: [`Principal`] authenticates and guards against cross-site
//! requests; [`ClientInfo`] gives the address and browser for sessions and the audit log.

use axum::extract::{ConnectInfo, FromRequestParts};
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

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = state
            .auth()
            .authenticate(&parts.headers)
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
        if !constant_time_eq(presented.as_bytes(), csrf_token.as_bytes()) {
            return Err(ApiError::Forbidden(
                "missing or wrong CSRF token: reload the page and try again".into(),
            ));
        }
    }
    Ok(())
}

/// With `--public-url`, refuses requests without an API token that are addressed to another
/// host: a browser sends those after DNS rebinding, with Origin and Host both naming the
/// attacker's domain. Token holders (the docker CLI, scripts) and health probes may use any
/// name for Berth.
pub async fn public_host_guard(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    // Health probes (a container's health check, a load balancer) use whatever address
    // reaches Berth, and the answer carries nothing a rebinding page could use.
    if let Some(public) = state.auth().public_origin()
        && !request.headers().contains_key(header::AUTHORIZATION)
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
    fn tokens_need_no_csrf_header() {
        let principal = Principal {
            credential: Credential::Token { id: 3 },
            ..session_principal()
        };
        assert!(check_request_integrity(&principal, &Method::POST, &headers(&[]), None).is_ok());
    }
}
