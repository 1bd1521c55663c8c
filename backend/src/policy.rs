//! The single access decision for every engine request.
//!
//! Architecture invariant: every request that reaches [`crate::engine`] has passed
//! [`authorize`] first, whether it comes from the UI, a terminal or a Docker client.

use http::Method;

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A client of a console that only listens on loopback and has no user accounts: whoever
    /// can reach the port is the machine's own user. [`crate::config`] refuses any other
    /// listener, which is what makes this principal safe.
    LoopbackOwner,
}

/// The facts about an engine request that the decision is made on.
#[derive(Debug, Clone, Copy)]
pub struct AccessRequest<'a> {
    /// The environment id.
    pub environment: &'a str,
    /// The HTTP method.
    pub method: &'a Method,
    /// The engine path, relative to the environment, before any version is added.
    pub path: &'a str,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Denied {
    /// A sentence naming what was refused.
    pub reason: String,
}

/// Decides whether `principal` may make `request`.
pub fn authorize(principal: &Principal, request: &AccessRequest<'_>) -> Result<(), Denied> {
    match principal {
        Principal::LoopbackOwner => {
            // Paths that only a confused or hostile client sends never reach the engine, even
            // for the machine's owner: the engine would clean them into another operation.
            if is_ambiguous(request.path) {
                return Err(Denied {
                    reason: format!("refusing the ambiguous path {}", request.path),
                });
            }
            Ok(())
        }
    }
}

/// Whether a raw path has dot segments, empty segments, or percent-encoded dots, slashes or
/// backslashes, any of which the engine's router would resolve to a different path.
fn is_ambiguous(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let encoded = ["%2e", "%2f", "%5c"]
        .iter()
        .any(|needle| lower.contains(needle));
    // A single trailing slash is harmless (the engine ignores it); an empty segment elsewhere
    // is `//`, which the engine would collapse.
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    let bad_segment = trimmed
        .split('/')
        .skip(1)
        .any(|segment| segment.is_empty() || segment == "." || segment == "..");
    encoded || bad_segment || path.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(method: &'a Method, path: &'a str) -> AccessRequest<'a> {
        AccessRequest {
            environment: "local",
            method,
            path,
        }
    }

    #[test]
    fn the_loopback_owner_may_use_the_engine() {
        let principal = Principal::LoopbackOwner;
        assert!(authorize(&principal, &request(&Method::GET, "/containers/json")).is_ok());
        assert!(authorize(&principal, &request(&Method::POST, "/containers/x/stop")).is_ok());
    }

    #[test]
    fn dot_segments_are_refused() {
        let principal = Principal::LoopbackOwner;
        let denied = authorize(
            &principal,
            &request(&Method::POST, "/containers/x/../create"),
        );
        assert!(denied.is_err());
        assert!(authorize(&principal, &request(&Method::GET, "/./info")).is_err());
        for path in [
            "/containers/x/%2E%2E/create",
            "/containers/x%2fy/json",
            "//info",
            "/a\\b",
        ] {
            assert!(
                authorize(&principal, &request(&Method::GET, path)).is_err(),
                "{path}"
            );
        }
        assert!(authorize(&principal, &request(&Method::GET, "/containers/json/")).is_ok());
    }
}
