//! The session cookie: HttpOnly, SameSite=Strict, and under TLS Secure with the `__Host-`
//! prefix, which also forbids a Domain attribute.

use axum::http::{HeaderMap, HeaderValue, header};

/// The cookie's name over plain HTTP (loopback only, or `--insecure-listen`).
pub const PLAIN_NAME: &str = "berth_session";
/// The cookie's name over HTTPS.
pub const SECURE_NAME: &str = "__Host-berth_session";

/// The cookie's name for this server.
pub fn name(secure: bool) -> &'static str {
    if secure { SECURE_NAME } else { PLAIN_NAME }
}

/// The session token from the request's cookies.
pub fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    let wanted = name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == wanted)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// `Set-Cookie` for a new session lasting `max_age_seconds`.
pub fn set(token: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure_attribute = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={token}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Strict{secure_attribute}",
        name(secure)
    ))
    .expect("tokens are base64url")
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear(secure: bool) -> HeaderValue {
    let secure_attribute = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure_attribute}",
        name(secure)
    ))
    .expect("static cookie")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; berth_session=abc123; x=y"),
        );
        assert_eq!(session_token(&headers, false).as_deref(), Some("abc123"));
        assert_eq!(session_token(&headers, true), None);
    }

    #[test]
    fn cookies_are_http_only_and_strict() {
        let plain = set("tok", 60, false);
        assert_eq!(
            plain,
            "berth_session=tok; Path=/; Max-Age=60; HttpOnly; SameSite=Strict"
        );
        let secure = set("tok", 60, true);
        assert_eq!(
            secure,
            "__Host-berth_session=tok; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(clear(false).to_str().unwrap().contains("Max-Age=0"));
    }
}
