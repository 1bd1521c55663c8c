//! `POST /auth`: asks an engine to log in to a registry, to check credentials before Berth
//! saves them.

use std::time::Duration;

use axum::body::Body;
use berth_shared::engine::image::{AuthResponse, RegistryAuth};
use berth_shared::engine::lenient;
use http::{Request, header};

use super::client::EngineError;
use super::environment::Environment;

/// How long a registry login may take: the engine talks to the registry, which may be slow.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Checks `auth` against its registry through `environment`'s engine.
pub async fn check_registry_login(
    environment: &Environment,
    auth: &RegistryAuth,
) -> Result<AuthResponse, EngineError> {
    let negotiated = environment.negotiated().await?;
    let body =
        serde_json::to_vec(auth).map_err(|error| EngineError::Protocol(error.to_string()))?;
    let request = Request::post(
        environment
            .client()
            .uri(&format!("/v{}/auth", negotiated.api_version))?,
    )
    .header(header::CONTENT_TYPE, "application/json")
    .body(Body::from(body))
    .map_err(|error| EngineError::Protocol(error.to_string()))?;
    let bytes = environment
        .client()
        .exchange(request, LOGIN_TIMEOUT)
        .await?;
    lenient::from_slice(&bytes).map_err(|error| EngineError::Protocol(error.to_string()))
}

/// What a failed login means, in words, from the engine's message: a registry whose name does
/// not resolve, that does not answer or speaks another protocol did not refuse anything, so
/// only a real refusal is called one.
pub fn login_failure(message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|word| lower.contains(word));
    let what = if has(&["no such host", "server misbehaving", "lookup "]) {
        "the registry's host name could not be resolved (DNS); check the address"
    } else if has(&[
        "connection refused",
        "no route to host",
        "network is unreachable",
    ]) {
        "nothing answered at the registry's address; check the address and port"
    } else if has(&["timeout", "deadline exceeded"]) {
        "the registry did not answer in time"
    } else if has(&["server gave http response to https client"]) {
        "the registry speaks plain HTTP; the engine must list it as an insecure registry"
    } else if has(&["x509", "certificate"]) {
        "the engine does not trust the registry's TLS certificate"
    } else if has(&[
        "unauthorized",
        "incorrect username or password",
        "denied",
        "401",
    ]) {
        "the registry refused these credentials"
    } else {
        "the engine could not log in to the registry"
    };
    format!("{what}: {message}")
}

#[cfg(test)]
mod tests {
    use super::login_failure;

    #[test]
    fn only_a_refusal_is_called_one() {
        let cases = [
            (
                r#"Get "https://nosuch.invalid/v2/": dial tcp: lookup nosuch.invalid on 10.0.0.1:53: no such host"#,
                "could not be resolved (DNS)",
            ),
            (
                r#"Get "https://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused"#,
                "nothing answered",
            ),
            (
                "Get \"https://10.1.1.1/v2/\": net/http: request canceled while waiting for connection (Client.Timeout exceeded)",
                "did not answer in time",
            ),
            (
                "Get \"https://r:5000/v2/\": http: server gave HTTP response to HTTPS client",
                "plain HTTP",
            ),
            (
                "Get \"https://r/v2/\": x509: certificate signed by unknown authority",
                "TLS certificate",
            ),
            (
                "login attempt to https://r/v2/ failed with status: 401 Unauthorized",
                "refused these credentials",
            ),
            (
                "Get \"https://registry-1.docker.io/v2/\": unauthorized: incorrect username or password",
                "refused these credentials",
            ),
            ("something else", "could not log in"),
        ];
        for (message, wanted) in cases {
            let said = login_failure(message);
            assert!(said.contains(wanted), "{message} → {said}");
            assert!(said.ends_with(message));
        }
        assert!(!login_failure(cases[0].0).contains("refused"));
    }
}
