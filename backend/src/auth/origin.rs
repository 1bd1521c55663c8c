//! Same-origin checks: the defence against cross-site requests and cross-site WebSockets that
//! ride on the session cookie.

use axum::http::{HeaderMap, header};

/// What a request says about where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// From a page of this console.
    Same,
    /// No Origin header: not a browser making a cross-origin request (the docker CLI, curl).
    Absent,
    /// From another site.
    Foreign(String),
}

/// Compares the request's `Origin` (and `Sec-Fetch-Site`) with the host it was sent to.
pub fn classify(headers: &HeaderMap) -> Origin {
    if headers
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|site| site == "cross-site" || site == "same-site")
    {
        let origin = headers
            .get(header::ORIGIN)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("another site");
        return Origin::Foreign(origin.to_owned());
    }
    let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
    else {
        return Origin::Absent;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    let authority = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    match (authority, host) {
        (Some(authority), Some(host)) if authority.eq_ignore_ascii_case(host) => Origin::Same,
        _ => Origin::Foreign(origin.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn same_host_is_same_origin() {
        let same = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert_eq!(classify(&same), Origin::Same);
    }

    #[test]
    fn another_host_or_port_is_foreign() {
        for origin in ["http://evil.example", "http://127.0.0.1:9999", "null"] {
            let mut request = headers(&[("host", "127.0.0.1:8080")]);
            request.insert("origin", HeaderValue::from_str(origin).unwrap());
            assert!(matches!(classify(&request), Origin::Foreign(_)), "{origin}");
        }
    }

    #[test]
    fn fetch_metadata_overrides_a_missing_origin() {
        let cross = headers(&[("host", "127.0.0.1:8080"), ("sec-fetch-site", "cross-site")]);
        assert!(matches!(classify(&cross), Origin::Foreign(_)));
        assert_eq!(
            classify(&headers(&[("host", "127.0.0.1:8080")])),
            Origin::Absent
        );
    }
}
