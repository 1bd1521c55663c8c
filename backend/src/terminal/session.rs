//! One terminal session: read the opening message, find the shell, record the session in the
//! audit log, start the exec (or attach), bridge it, and end with the exit code or a clear
//! error, never a silent close.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use berth_shared::terminal::{ClientMessage, ServerMessage, TerminalErrorKind, TerminalTarget};
use futures_util::{Sink, SinkExt, Stream, StreamExt};

use super::bridge::{BridgeEnd, bridge};
use super::calls::{EngineCalls, ExecSpec, TerminalFailure, valid_container};
use crate::audit::{self, Action, AuditScope};
use crate::auth::{ClientInfo, Principal};
use crate::engine::Environment;
use crate::state::AppState;
use crate::streams::StreamGuard;

/// How long the browser has to say what to run.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);

/// The shells tried, in order, when no command is given.
pub const SHELLS: [&str; 3] = ["/bin/bash", "/bin/sh", "/bin/ash"];

/// Runs a session on an upgraded socket.
pub async fn run(
    socket: WebSocket,
    state: AppState,
    environment: Arc<Environment>,
    principal: Principal,
    client: ClientInfo,
    stream: StreamGuard,
) {
    let (mut outgoing, mut incoming) = socket.split();
    let result = serve(
        &mut outgoing,
        &mut incoming,
        &state,
        environment,
        &principal,
        &client,
        &stream,
    )
    .await;
    let last = match result {
        Ok(Some(message)) => message,
        Ok(None) => return, // the browser left
        Err(failure) => ServerMessage::Error {
            kind: failure.kind,
            message: failure.message,
        },
    };
    let _ = send(&mut outgoing, &last).await;
    let _ = outgoing
        .send(Message::Close(Some(CloseFrame {
            code: close_code::NORMAL,
            reason: "".into(),
        })))
        .await;
}

/// Everything between the opening message and the last message; `None` when the browser left.
async fn serve<Out, In, E>(
    outgoing: &mut Out,
    incoming: &mut In,
    state: &AppState,
    environment: Arc<Environment>,
    principal: &Principal,
    client: &ClientInfo,
    stream: &StreamGuard,
) -> Result<Option<ServerMessage>, TerminalFailure>
where
    Out: Sink<Message> + Unpin,
    In: Stream<Item = Result<Message, E>> + Unpin,
{
    let Some((container, target, cols, rows)) = until_revoked(stream, opening(incoming)).await?
    else {
        return Ok(None);
    };
    let container = valid_container(&container)?.to_owned();
    let calls = EngineCalls::new(environment.clone(), principal.actor()).await?;
    let (running, container_tty) = calls.container(&container).await?;
    if !running {
        return Err(TerminalFailure::new(
            TerminalErrorKind::NotRunning,
            format!("Container {container} is not running: start it to open a terminal."),
        ));
    }
    let scope = AuditScope::of(principal, client).through("terminal");
    match target {
        TerminalTarget::Exec {
            command,
            user,
            working_dir,
            env,
            tty,
        } => {
            let command = if command.is_empty() {
                vec![detect_shell(&calls, &container).await?]
            } else {
                command
            };
            let described = format!("{container}: {}", command.join(" "));
            let audit_id =
                begin(state, &scope, environment.id(), "ContainerExec", &described).await?;
            let spec = ExecSpec {
                command: &command,
                user: &user,
                working_dir: &working_dir,
                env: &env,
                tty,
            };
            let outcome = until_revoked(stream, async {
                let exec_id = calls.create_exec(&container, &spec).await?;
                let stream = calls.start_exec(&exec_id, tty).await?;
                let started = ServerMessage::Started {
                    exec_id: exec_id.clone(),
                    command: command.clone(),
                    tty,
                };
                if send(outgoing, &started).await.is_err() {
                    return Ok(None);
                }
                if tty {
                    let _ = calls.resize(&container, Some(&exec_id), cols, rows).await;
                }
                let end = bridge(outgoing, incoming, stream, tty, |cols, rows| {
                    calls.resize(&container, Some(&exec_id), cols, rows)
                })
                .await;
                let BridgeEnd::EngineClosed { head } = end else {
                    return Ok(None);
                };
                let code = calls.exec_exit(&exec_id).await?;
                Ok(Some(exec_ended(&command, code, &head)))
            })
            .await;
            finish(state, audit_id, &outcome).await;
            outcome
        }
        TerminalTarget::Attach { detach_keys } => {
            let described = format!("{container}: attach");
            let audit_id = begin(
                state,
                &scope,
                environment.id(),
                "ContainerAttach",
                &described,
            )
            .await?;
            let outcome = until_revoked(stream, async {
                let stream = calls.attach(&container, &detach_keys).await?;
                let started = ServerMessage::Started {
                    exec_id: String::new(),
                    command: Vec::new(),
                    tty: container_tty,
                };
                if send(outgoing, &started).await.is_err() {
                    return Ok(None);
                }
                if container_tty {
                    let _ = calls.resize(&container, None, cols, rows).await;
                }
                let end = bridge(outgoing, incoming, stream, container_tty, |cols, rows| {
                    calls.resize(&container, None, cols, rows)
                })
                .await;
                if end == BridgeEnd::BrowserClosed {
                    return Ok(None);
                }
                Ok(Some(match calls.container_exit(&container).await? {
                    Some(code) => ServerMessage::Exited { code: Some(code) },
                    None => ServerMessage::Detached,
                }))
            })
            .await;
            finish(state, audit_id, &outcome).await;
            outcome
        }
    }
}

/// Runs `work` unless the terminal's access is withdrawn first (sign-out, a password or role
/// change, a revoked token), which ends it with a message that says so.
async fn until_revoked<T>(
    stream: &StreamGuard,
    work: impl Future<Output = Result<T, TerminalFailure>>,
) -> Result<T, TerminalFailure> {
    tokio::select! {
        outcome = work => outcome,
        () = stream.ended() => Err(TerminalFailure::new(
            TerminalErrorKind::Forbidden,
            "The terminal was closed: the session or token it was opened with has ended, or \
             the user's access changed.",
        )),
    }
}

/// Waits for the [`ClientMessage::Open`] message; `None` when the browser left first.
async fn opening<In, E>(
    incoming: &mut In,
) -> Result<Option<(String, TerminalTarget, u16, u16)>, TerminalFailure>
where
    In: Stream<Item = Result<Message, E>> + Unpin,
{
    let bad = |message: &str| TerminalFailure::new(TerminalErrorKind::BadRequest, message);
    let first = tokio::time::timeout(OPEN_TIMEOUT, incoming.next())
        .await
        .map_err(|_| bad("no open message within 30 seconds"))?;
    match first {
        Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMessage>(&text) {
            Ok(ClientMessage::Open {
                container,
                target,
                cols,
                rows,
            }) => Ok(Some((container, target, cols.max(1), rows.max(1)))),
            Ok(_) => Err(bad("the first message must be an open message")),
            Err(error) => Err(bad(&format!("malformed open message: {error}"))),
        },
        Some(Ok(_)) => Err(bad("the first message must be a JSON text frame")),
        Some(Err(_)) | None => Ok(None),
    }
}

/// The first of [`SHELLS`] that exists in the container.
async fn detect_shell(calls: &EngineCalls, container: &str) -> Result<String, TerminalFailure> {
    for shell in SHELLS {
        if calls.path_exists(container, shell).await? {
            return Ok(shell.to_owned());
        }
    }
    Err(TerminalFailure::new(
        TerminalErrorKind::CommandNotFound,
        format!(
            "The image of {container} has no shell (none of {}). Run a command that exists in \
             the image instead, or attach to the main process.",
            SHELLS.join(", ")
        ),
    ))
}

/// How an exec ended. dockerd reports a command that cannot start by writing
/// `OCI runtime exec failed: …` to the stream and exit code 126 (or 127).
fn exec_ended(command: &[String], code: Option<i64>, head: &[u8]) -> ServerMessage {
    let output = String::from_utf8_lossy(head);
    let start_failed =
        matches!(code, Some(126 | 127)) && output.contains("OCI runtime exec failed");
    if start_failed {
        let missing = output.contains("not found") || output.contains("no such file or directory");
        let program = command.first().map(String::as_str).unwrap_or_default();
        return ServerMessage::Error {
            kind: if missing {
                TerminalErrorKind::CommandNotFound
            } else {
                TerminalErrorKind::Engine
            },
            message: if missing {
                format!("{program} does not exist in this container's image.")
            } else {
                format!("{program} could not be started: {}", output.trim())
            },
        };
    }
    ServerMessage::Exited { code }
}

async fn begin(
    state: &AppState,
    scope: &AuditScope,
    environment: &str,
    operation: &str,
    target: &str,
) -> Result<i64, TerminalFailure> {
    let action = Action::in_environment(environment, operation, "GET", target);
    audit::begin(state.store(), scope, action)
        .await
        .map_err(|error| TerminalFailure::new(TerminalErrorKind::Engine, error.to_string()))
}

/// Completes the audit record: 200 with the exit code, or the failure.
async fn finish(
    state: &AppState,
    audit_id: i64,
    outcome: &Result<Option<ServerMessage>, TerminalFailure>,
) {
    let (status, detail) = match outcome {
        Ok(Some(ServerMessage::Exited { code: Some(code) })) => (200, format!("exit code {code}")),
        Ok(Some(ServerMessage::Exited { code: None })) => (200, "exit code unknown".to_owned()),
        Ok(Some(ServerMessage::Detached)) => (200, "detached".to_owned()),
        Ok(Some(ServerMessage::Error { message, .. })) => (500, message.clone()),
        Ok(Some(ServerMessage::Started { .. })) | Ok(None) => {
            (200, "closed by the browser".to_owned())
        }
        Err(failure) => (failure_status(failure.kind), failure.message.clone()),
    };
    audit::complete(state.store(), audit_id, status, Some(detail)).await;
}

fn failure_status(kind: TerminalErrorKind) -> u16 {
    match kind {
        TerminalErrorKind::NotFound | TerminalErrorKind::CommandNotFound => 404,
        TerminalErrorKind::NotRunning => 409,
        TerminalErrorKind::Forbidden => 403,
        TerminalErrorKind::BadRequest => 400,
        TerminalErrorKind::Engine => 502,
    }
}

async fn send<Out: Sink<Message> + Unpin>(
    outgoing: &mut Out,
    message: &ServerMessage,
) -> Result<(), Out::Error> {
    let text = serde_json::to_string(message).unwrap_or_default();
    outgoing.send(Message::Text(text.into())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_command_is_told_apart_from_a_failing_one() {
        let command = vec!["nope".to_owned()];
        let head = b"OCI runtime exec failed: exec failed: unable to start container process: \
                     exec: \"nope\": executable file not found in $PATH: unknown\r\n";
        match exec_ended(&command, Some(126), head) {
            ServerMessage::Error { kind, message } => {
                assert_eq!(kind, TerminalErrorKind::CommandNotFound);
                assert!(message.starts_with("nope does not exist"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            exec_ended(&command, Some(126), b"permission denied"),
            ServerMessage::Exited { code: Some(126) }
        );
        assert_eq!(
            exec_ended(&command, Some(0), head),
            ServerMessage::Exited { code: Some(0) }
        );
    }
}
