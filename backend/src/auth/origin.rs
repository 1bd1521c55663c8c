//! Same-origin checks: the defence against cross-site requests and cross-site WebSockets that
//! ride on the session cookie, and, with `--public-url`, against DNS rebinding.
//!
//! Without a public URL, a request's `Origin` must name the host it was sent to. A page whose
//! name an attacker re-points at Berth (DNS rebinding) passes that test, since its Origin and
//! Host agree; with a public URL, `Origin` must be exactly that URL's origin, and requests that
//! carry no API token must be addressed to its host.

use axum::http::{HeaderMap, header};

/// The console's public origin from `--public-url`: `scheme://host[:port]`, lower-case, with a
/// default port left out as browsers do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrigin {
    origin: String,
    authority: String,
}

/// Why a public URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--public-url {0}: expected the URL people open, such as https://berth.example.com or \
     http://10.0.0.5:8080, without a path"
)]
pub struct BadPublicUrl(pub String);

impl PublicOrigin {
    /// Parses `http[s]://host[:port][/]`.
    pub fn parse(url: &str) -> Result<Self, BadPublicUrl> {
        let bad = || BadPublicUrl(url.to_owned());
        let (scheme, rest) = url.trim().split_once("://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let authority = rest.strip_suffix('/').unwrap_or(rest).to_ascii_lowercase();
        let forbidden = |c: char| matches!(c, '/' | '?' | '#' | '@') || c.is_whitespace();
        if authority.is_empty() || authority.contains(forbidden) || authority.starts_with(':') {
            return Err(bad());
        }
        let authority = without_default_port(&scheme, &authority);
        if let Some((_, port)) = authority
            .rsplit_once(':')
            .filter(|_| !authority.ends_with(']'))
            && port.parse::<u16>().is_err()
        {
            return Err(bad());
        }
        Ok(Self {
            origin: format!("{scheme}://{authority}"),
            authority,
        })
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The host alone, without port or IPv6 brackets: the name a server certificate covers.
    pub fn host(&self) -> &str {
        let authority = self.authority.as_str();
        if let Some(rest) = authority.strip_prefix('[') {
            return rest.split(']').next().unwrap_or(rest);
        }
        authority.split(':').next().unwrap_or(authority)
    }

    /// Whether a request addressed to `host` (its `Host` header) is addressed to this origin.
    pub fn accepts_host(&self, host: &str) -> bool {
        let scheme = self
            .origin
            .split_once("://")
            .map_or("http", |(scheme, _)| scheme);
        without_default_port(scheme, &host.to_ascii_lowercase()) == self.authority
    }
}

fn without_default_port(scheme: &str, authority: &str) -> String {
    let default = if scheme == "https" { ":443" } else { ":80" };
    authority
        .strip_suffix(default)
        .unwrap_or(authority)
        .to_owned()
}

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

/// Compares the request's `Origin` (and `Sec-Fetch-Site`) with the public origin when there is
/// one, else with the host it was sent to.
pub fn classify(headers: &HeaderMap, public: Option<&PublicOrigin>) -> Origin {
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
    if let Some(public) = public {
        let origin_text = origin.trim_end_matches('/');
        return if PublicOrigin::parse(origin_text).is_ok_and(|parsed| parsed == *public) {
            Origin::Same
        } else {
            Origin::Foreign(origin.to_owned())
        };
    }
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
    fn the_host_is_the_authority_without_port() {
        for (url, host) in [
            ("https://berth.example:8443", "berth.example"),
            ("https://Berth.Example/", "berth.example"),
            ("http://[::1]:8080", "::1"),
            ("https://10.0.0.5", "10.0.0.5"),
        ] {
            assert_eq!(PublicOrigin::parse(url).unwrap().host(), host, "{url}");
        }
    }

    #[test]
    fn same_host_is_same_origin() {
        let same = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert_eq!(classify(&same, None), Origin::Same);
    }

    #[test]
    fn another_host_or_port_is_foreign() {
        for origin in ["http://evil.example", "http://127.0.0.1:9999", "null"] {
            let mut request = headers(&[("host", "127.0.0.1:8080")]);
            request.insert("origin", HeaderValue::from_str(origin).unwrap());
            assert!(
                matches!(classify(&request, None), Origin::Foreign(_)),
                "{origin}"
            );
        }
    }

    #[test]
    fn fetch_metadata_overrides_a_missing_origin() {
        let cross = headers(&[("host", "127.0.0.1:8080"), ("sec-fetch-site", "cross-site")]);
        assert!(matches!(classify(&cross, None), Origin::Foreign(_)));
        assert_eq!(
            classify(&headers(&[("host", "127.0.0.1:8080")]), None),
            Origin::Absent
        );
    }

    #[test]
    fn a_public_url_must_match_the_origin_exactly() {
        let public = PublicOrigin::parse("https://Berth.Example:443/").unwrap();
        assert_eq!(public.origin(), "https://berth.example");
        let cases = [
            ("https://berth.example", true),
            ("https://berth.example:443", true),
            ("http://berth.example", false),
            ("https://berth.example:8443", false),
            ("https://evil.example", false),
            ("null", false),
        ];
        for (origin, same) in cases {
            // The Host agrees with the Origin, as it does after DNS rebinding.
            let mut request = HeaderMap::new();
            let host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            request.insert("host", HeaderValue::from_str(host).unwrap());
            request.insert("origin", HeaderValue::from_str(origin).unwrap());
            assert_eq!(
                classify(&request, Some(&public)) == Origin::Same,
                same,
                "{origin}"
            );
        }
        assert!(public.accepts_host("berth.example"));
        assert!(public.accepts_host("BERTH.example:443"));
        assert!(!public.accepts_host("127.0.0.1:8080"));
    }

    #[test]
    fn public_urls_are_checked() {
        for bad in [
            "berth.example",
            "ftp://berth.example",
            "https://",
            "https://berth.example/console",
            "https://user@berth.example",
            "https://berth.example:http",
        ] {
            assert!(PublicOrigin::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            PublicOrigin::parse("http://[::1]:8080").unwrap().origin(),
            "http://[::1]:8080"
        );
    }
}
