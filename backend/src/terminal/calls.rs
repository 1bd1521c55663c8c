//! The engine requests a terminal makes (create and start an exec, attach, resize, inspect,
//! look for a shell), each checked by the policy for the signed-in user before it is sent.

use std::sync::Arc;

use axum::body::Body;
use berth_shared::engine::image::IdResponse;
use berth_shared::percent;
use berth_shared::terminal::TerminalErrorKind;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::json;

use crate::engine::client::{CONTROL_TIMEOUT, status_error};
use crate::engine::{EngineError, Environment, UpgradeOutcome};
use crate::policy::{self, Actor, EngineRequest};

/// Why a terminal could not start or went wrong, in the protocol's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TerminalFailure {
    /// How the UI should explain it.
    pub kind: TerminalErrorKind,
    /// A sentence for the user.
    pub message: String,
}

impl TerminalFailure {
    /// A failure of `kind` saying `message`.
    pub fn new(kind: TerminalErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    fn from_engine(error: EngineError) -> Self {
        match error {
            EngineError::Status { status, message } => Self::from_status(status, message),
            other => Self::new(TerminalErrorKind::Engine, other.to_string()),
        }
    }

    fn from_status(status: StatusCode, message: String) -> Self {
        let kind = match status {
            StatusCode::NOT_FOUND => TerminalErrorKind::NotFound,
            StatusCode::CONFLICT => TerminalErrorKind::NotRunning,
            StatusCode::FORBIDDEN => TerminalErrorKind::Forbidden,
            StatusCode::BAD_REQUEST => TerminalErrorKind::BadRequest,
            _ => TerminalErrorKind::Engine,
        };
        Self::new(kind, message)
    }
}

/// The raw connection to a started exec or attach.
pub type EngineStream = TokioIo<Upgraded>;

/// One user's requests to one environment's engine.
#[derive(Clone)]
pub struct EngineCalls {
    environment: Arc<Environment>,
    actor: Actor,
    version: String,
}

/// The parts of `ExecInspect` and `ContainerInspect` a terminal needs.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ExecState {
    running: bool,
    exit_code: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ContainerState {
    #[serde(default)]
    state: ExecState,
    #[serde(default)]
    config: ContainerConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ContainerConfig {
    #[serde(default)]
    tty: bool,
}

/// What the exec to create runs, and how.
#[derive(Debug, Clone)]
pub struct ExecSpec<'a> {
    /// The command and its arguments.
    pub command: &'a [String],
    /// The user, or empty.
    pub user: &'a str,
    /// The working directory, or empty.
    pub working_dir: &'a str,
    /// Extra `KEY=value` environment.
    pub env: &'a [String],
    /// Whether to allocate a TTY.
    pub tty: bool,
}

impl EngineCalls {
    /// Calls for `actor` on `environment`, whose negotiated API version they use.
    pub async fn new(environment: Arc<Environment>, actor: Actor) -> Result<Self, TerminalFailure> {
        let negotiated = environment
            .negotiated()
            .await
            .map_err(TerminalFailure::from_engine)?;
        Ok(Self {
            environment,
            actor,
            version: negotiated.api_version.to_string(),
        })
    }

    /// Checks `method path` with the policy and builds the request for it.
    fn request(
        &self,
        method: Method,
        path: &str,
        query: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Request<Body>, TerminalFailure> {
        let versioned = format!("/v{}{path}", self.version);
        let authorized = policy::authorize(
            &self.actor,
            &EngineRequest {
                environment: self.environment.id(),
                method: method.as_str(),
                path: &versioned,
            },
        )
        .map_err(|denied| TerminalFailure::new(TerminalErrorKind::Forbidden, denied.to_string()))?;
        let mut target = authorized.path.canonical();
        if !query.is_empty() {
            target.push('?');
            target.push_str(query);
        }
        self.environment
            .client()
            .request(method, &target, body.as_ref())
            .map_err(TerminalFailure::from_engine)
    }

    /// Sends a small control request and reads its answer whole, turning error statuses into
    /// failures that carry the engine's message.
    async fn control(&self, request: Request<Body>) -> Result<Bytes, TerminalFailure> {
        self.environment
            .client()
            .exchange(request, CONTROL_TIMEOUT)
            .await
            .map_err(TerminalFailure::from_engine)
    }

    /// Whether `path` exists in the container's file system (`HEAD …/archive`, which needs no
    /// process in the container).
    pub async fn path_exists(&self, container: &str, path: &str) -> Result<bool, TerminalFailure> {
        let request = self.request(
            Method::HEAD,
            &format!("/containers/{container}/archive"),
            &format!("path={}", percent::component(path)),
            None,
        )?;
        match self.control(request).await {
            Ok(_) => Ok(true),
            // Both "no such container" and "no such path" are 404; the container's absence is
            // told apart by the caller's inspect.
            Err(failure) if failure.kind == TerminalErrorKind::NotFound => Ok(false),
            Err(failure) => Err(failure),
        }
    }

    async fn inspect(&self, container: &str) -> Result<ContainerState, TerminalFailure> {
        let path = format!("/containers/{container}/json");
        let request = self.request(Method::GET, &path, "", None)?;
        decode(&self.control(request).await?)
    }

    /// Whether the container runs, and whether it has a TTY.
    pub async fn container(&self, container: &str) -> Result<(bool, bool), TerminalFailure> {
        let state = self.inspect(container).await?;
        Ok((state.state.running, state.config.tty))
    }

    /// The container's exit code once it no longer runs.
    pub async fn container_exit(&self, container: &str) -> Result<Option<i64>, TerminalFailure> {
        let state = self.inspect(container).await?;
        Ok((!state.state.running)
            .then_some(state.state.exit_code)
            .flatten())
    }

    /// Creates an exec; returns its id.
    pub async fn create_exec(
        &self,
        container: &str,
        spec: &ExecSpec<'_>,
    ) -> Result<String, TerminalFailure> {
        let body = json!({
            "AttachStdin": true,
            "AttachStdout": true,
            "AttachStderr": true,
            "Tty": spec.tty,
            "Cmd": spec.command,
            "User": spec.user,
            "WorkingDir": spec.working_dir,
            "Env": spec.env,
        });
        let request = self.request(
            Method::POST,
            &format!("/containers/{container}/exec"),
            "",
            Some(body),
        )?;
        let created: IdResponse = decode(&self.control(request).await?)?;
        Ok(created.id)
    }

    /// Starts an exec and returns its raw connection.
    pub async fn start_exec(
        &self,
        exec_id: &str,
        tty: bool,
    ) -> Result<EngineStream, TerminalFailure> {
        let body = json!({ "Detach": false, "Tty": tty });
        let request = self.request(
            Method::POST,
            &format!("/exec/{exec_id}/start"),
            "",
            Some(body),
        )?;
        self.upgrade(request).await
    }

    /// Attaches to the container's main process and returns the raw connection.
    pub async fn attach(
        &self,
        container: &str,
        detach_keys: &str,
    ) -> Result<EngineStream, TerminalFailure> {
        let mut query = String::from("stream=1&stdin=1&stdout=1&stderr=1&logs=0");
        if !detach_keys.is_empty() {
            query.push_str("&detachKeys=");
            query.push_str(&percent::component(detach_keys));
        }
        let request = self.request(
            Method::POST,
            &format!("/containers/{container}/attach"),
            &query,
            None,
        )?;
        self.upgrade(request).await
    }

    async fn upgrade(&self, request: Request<Body>) -> Result<EngineStream, TerminalFailure> {
        match self
            .environment
            .client()
            .upgrade(request, "tcp")
            .await
            .map_err(TerminalFailure::from_engine)?
        {
            UpgradeOutcome::Upgraded { io, .. } => Ok(io),
            UpgradeOutcome::Answered(response) => {
                let status = response.status();
                let bytes = response
                    .into_body()
                    .collect()
                    .await
                    .map(|collected| collected.to_bytes())
                    .unwrap_or_default();
                Err(TerminalFailure::from_engine(status_error(status, &bytes)))
            }
        }
    }

    /// Resizes an exec's TTY, or the container's when `exec_id` is `None`.
    pub async fn resize(
        &self,
        container: &str,
        exec_id: Option<&str>,
        cols: u16,
        rows: u16,
    ) -> Result<(), TerminalFailure> {
        let path = match exec_id {
            Some(id) => format!("/exec/{id}/resize"),
            None => format!("/containers/{container}/resize"),
        };
        let request = self.request(Method::POST, &path, &format!("h={rows}&w={cols}"), None)?;
        self.control(request).await.map(drop)
    }

    /// The exec's exit code, waiting briefly for the engine to record it after the stream ends.
    pub async fn exec_exit(&self, exec_id: &str) -> Result<Option<i64>, TerminalFailure> {
        for attempt in 0..50u64 {
            let request = self.request(Method::GET, &format!("/exec/{exec_id}/json"), "", None)?;
            let state: ExecState = decode(&self.control(request).await?)?;
            if !state.running {
                return Ok(state.exit_code);
            }
            tokio::time::sleep(std::time::Duration::from_millis(10 * (attempt + 1).min(10))).await;
        }
        Ok(None)
    }
}

/// Checks a container reference (an id or a name) so that it is one path segment.
pub fn valid_container(reference: &str) -> Result<&str, TerminalFailure> {
    let name = reference.strip_prefix('/').unwrap_or(reference);
    let valid = !name.is_empty()
        && name.len() <= 256
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-'));
    if valid {
        Ok(name)
    } else {
        Err(TerminalFailure::new(
            TerminalErrorKind::BadRequest,
            format!("'{reference}' is not a container id or name"),
        ))
    }
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, TerminalFailure> {
    crate::engine::client::decode(bytes).map_err(TerminalFailure::from_engine)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_references_are_one_segment() {
        assert_eq!(valid_container("/web-1").unwrap(), "web-1");
        assert_eq!(valid_container("a1b2c3").unwrap(), "a1b2c3");
        for bad in ["", "../x", "a/b", "a b", "a%2f"] {
            assert_eq!(
                valid_container(bad).unwrap_err().kind,
                TerminalErrorKind::BadRequest,
                "{bad}"
            );
        }
    }

    #[test]
    fn engine_statuses_map_to_kinds() {
        let failure = TerminalFailure::from_status(StatusCode::CONFLICT, "not running".into());
        assert_eq!(failure.kind, TerminalErrorKind::NotRunning);
        assert_eq!(failure.to_string(), "not running");
    }
}
