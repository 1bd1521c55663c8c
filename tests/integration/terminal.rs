//! The browser terminal endpoint against the real engine: shells and commands with output,
//! stdin, resize and exit codes; stdout and stderr told apart without a TTY; images without a
//! shell; attach and detach; who may open one; its audit record; and a shell on the engine that
//! is reachable only over SSH.

use berth_shared::terminal::{ClientMessage, ServerMessage, TerminalErrorKind, TerminalTarget};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::support::{
    Berth, TestContainer, docker, docker_through, docker_through_output, sleeper_args, unique_name,
};

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the terminal socket with `token` and, when given, an `Origin`.
async fn connect(berth: &Berth, token: &str, origin: Option<&str>) -> Result<Socket, WsError> {
    let bearer = format!("Bearer {token}");
    connect_with(berth, &[("authorization", &bearer)], origin).await
}

/// Opens the terminal socket with these headers and, when given, an `Origin`.
async fn connect_with(
    berth: &Berth,
    pairs: &[(&'static str, &str)],
    origin: Option<&str>,
) -> Result<Socket, WsError> {
    connect_in(berth, "local", pairs, origin).await
}

/// Opens the terminal socket of `environment` with these headers and, when given, an
/// `Origin`.
pub(crate) async fn connect_in(
    berth: &Berth,
    environment: &str,
    pairs: &[(&'static str, &str)],
    origin: Option<&str>,
) -> Result<Socket, WsError> {
    let url = berth
        .url(&format!("/api/env/{environment}/terminal"))
        .replace("http://", "ws://");
    let mut request = url.into_client_request().unwrap();
    let headers = request.headers_mut();
    for (name, value) in pairs {
        headers.insert(*name, value.parse().unwrap());
    }
    if let Some(origin) = origin {
        headers.insert("origin", origin.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

/// Signs `username` (created with the test password) in; returns the session cookie.
fn session_cookie(berth: &Berth, username: &str) -> String {
    berth.token_for(username);
    let reply = berth.anonymous().login(username, crate::support::PASSWORD);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cookie = reply.header("set-cookie").expect("a session cookie");
    cookie.split(';').next().unwrap().to_owned()
}

pub(crate) async fn open(socket: &mut Socket, container: &str, target: TerminalTarget) {
    let open = ClientMessage::Open {
        container: container.to_owned(),
        target,
        cols: 80,
        rows: 24,
    };
    send(socket, &open).await;
}

/// Reads until the session says it started; panics on anything else but output.
pub(crate) async fn started(socket: &mut Socket) {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                let message: ServerMessage = serde_json::from_str(&text).unwrap();
                assert!(
                    matches!(message, ServerMessage::Started { .. }),
                    "{message:?}"
                );
                return;
            }
            Some(Ok(_)) => continue,
            other => panic!("the terminal did not start: {other:?}"),
        }
    }
}

/// The error message the session ends with, if one comes within `limit`.
pub(crate) async fn error_within(
    socket: &mut Socket,
    limit: std::time::Duration,
) -> Option<String> {
    let ended = tokio::time::timeout(limit, async {
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message
                && let ServerMessage::Error { message, .. } = serde_json::from_str(&text).unwrap()
            {
                return Some(message);
            }
        }
        None
    })
    .await;
    ended.ok().flatten()
}

/// Sends a control message as the browser does: JSON in a text frame.
async fn send(socket: &mut Socket, message: &ClientMessage) {
    socket
        .send(Message::text(serde_json::to_string(message).unwrap()))
        .await
        .unwrap();
}

pub(crate) fn exec(command: &[&str], tty: bool) -> TerminalTarget {
    TerminalTarget::Exec {
        command: command.iter().map(|part| part.to_string()).collect(),
        user: String::new(),
        working_dir: String::new(),
        env: vec!["GREETING=hé".into()],
        tty,
    }
}

/// What a session produced: output per stream, and its control messages.
#[derive(Default, Debug)]
struct Transcript {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    messages: Vec<ServerMessage>,
}

impl Transcript {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    fn last(&self) -> &ServerMessage {
        self.messages.last().expect("a control message")
    }
}

/// Reads one message into the transcript; false when the socket closed.
async fn read_one(socket: &mut Socket, transcript: &mut Transcript) -> bool {
    match socket.next().await {
        Some(Ok(Message::Binary(frame))) => {
            assert!(!frame.is_empty(), "an empty output frame");
            assert!(
                std::str::from_utf8(&frame[1..]).is_ok(),
                "a frame ends inside a character: {frame:?}"
            );
            match frame[0] {
                1 => transcript.stdout.extend_from_slice(&frame[1..]),
                2 => transcript.stderr.extend_from_slice(&frame[1..]),
                tag => panic!("unknown stream tag {tag}"),
            }
            true
        }
        Some(Ok(Message::Text(text))) => {
            transcript
                .messages
                .push(serde_json::from_str(&text).expect("a server message"));
            true
        }
        Some(Ok(Message::Close(_))) | None => false,
        Some(Ok(_)) => true,
        Some(Err(error)) => panic!("socket error: {error}"),
    }
}

/// Reads until stdout contains `needle`.
async fn read_until(socket: &mut Socket, transcript: &mut Transcript, needle: &str) {
    while !transcript.stdout().contains(needle) {
        assert!(
            read_one(socket, transcript).await,
            "closed before {needle:?}: {transcript:?}"
        );
    }
}

/// Reads until the socket closes.
async fn read_to_end(socket: &mut Socket, transcript: &mut Transcript) {
    while read_one(socket, transcript).await {}
}

async fn stdin(socket: &mut Socket, text: &str) {
    socket
        .send(Message::binary(text.as_bytes().to_vec()))
        .await
        .unwrap();
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_detected_shell_takes_input_resizes_and_reports_its_exit_code() {
    let berth = Berth::start();
    let container = TestContainer::running("term-shell");
    runtime().block_on(async {
        let mut socket = connect(&berth, &berth.admin_token, None).await.unwrap();
        open(&mut socket, &container.name, exec(&[], true)).await;
        let mut transcript = Transcript::default();
        assert!(read_one(&mut socket, &mut transcript).await);
        // busybox has no bash: sh is found next.
        assert_eq!(
            transcript.messages[0],
            ServerMessage::Started {
                exec_id: match &transcript.messages[0] {
                    ServerMessage::Started { exec_id, .. } => exec_id.clone(),
                    other => panic!("{other:?}"),
                },
                command: vec!["/bin/sh".into()],
                tty: true,
            }
        );
        stdin(&mut socket, "echo \"sum-$((40+2)) $GREETING\"\n").await;
        read_until(&mut socket, &mut transcript, "sum-42 hé").await;
        stdin(&mut socket, "stty size\n").await;
        read_until(&mut socket, &mut transcript, "24 80").await;
        let resize = ClientMessage::Resize {
            cols: 132,
            rows: 43,
        };
        send(&mut socket, &resize).await;
        stdin(&mut socket, "stty size\n").await;
        read_until(&mut socket, &mut transcript, "43 132").await;
        stdin(&mut socket, "exit 7\n").await;
        read_to_end(&mut socket, &mut transcript).await;
        assert_eq!(transcript.last(), &ServerMessage::Exited { code: Some(7) });
    });
    let audit = berth
        .admin()
        .get("/api/audit?operation=ContainerExec&source=terminal")
        .json();
    let event = &audit["events"][0];
    assert_eq!(event["actor"], "admin", "{audit}");
    assert_eq!(
        event["target"],
        json!(format!("{}: /bin/sh", container.name))
    );
    assert_eq!(event["status"], 200);
    assert_eq!(event["detail"], "exit code 7");
}

#[test]
fn without_a_tty_stdout_and_stderr_are_told_apart() {
    let berth = Berth::start();
    let container = TestContainer::running("term-demux");
    runtime().block_on(async {
        let mut socket = connect(&berth, &berth.admin_token, None).await.unwrap();
        let script = "printf 'out é€😀\\n'; echo err >&2; read line; echo \"got $line\"; exit 3";
        open(
            &mut socket,
            &container.name,
            exec(&["sh", "-c", script], false),
        )
        .await;
        let mut transcript = Transcript::default();
        read_until(&mut socket, &mut transcript, "out é€😀\n").await;
        stdin(&mut socket, "typed\n").await;
        read_to_end(&mut socket, &mut transcript).await;
        assert_eq!(transcript.stdout(), "out é€😀\ngot typed\n");
        assert_eq!(transcript.stderr, b"err\n");
        assert_eq!(transcript.last(), &ServerMessage::Exited { code: Some(3) });
    });
}

#[test]
fn missing_commands_and_shells_are_reported_clearly() {
    let berth = Berth::start();
    let container = TestContainer::running("term-missing");
    // An image holding one static binary and no shell at all.
    let image = unique_name("noshell");
    let root = tempfile::tempdir().unwrap();
    std::fs::copy("/usr/bin/busybox", root.path().join("busybox")).unwrap();
    let tar = std::process::Command::new("tar")
        .args(["-C", root.path().to_str().unwrap(), "-cf", "-", "busybox"])
        .output()
        .unwrap();
    assert!(tar.status.success());
    let mut import = std::process::Command::new("docker")
        .args(["import", "-", &image])
        .env("DOCKER_HOST", crate::support::docker_host())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    import.stdin.take().unwrap().write_all(&tar.stdout).unwrap();
    assert!(import.wait().unwrap().success());
    let bare = unique_name("noshell");
    docker(&[
        "run", "-d", "--name", &bare, &image, "/busybox", "sleep", "3600",
    ]);
    runtime().block_on(async {
        let mut socket = connect(&berth, &berth.admin_token, None).await.unwrap();
        open(
            &mut socket,
            &container.name,
            exec(&["no-such-program"], true),
        )
        .await;
        let mut transcript = Transcript::default();
        read_to_end(&mut socket, &mut transcript).await;
        match transcript.last() {
            ServerMessage::Error { kind, message } => {
                assert_eq!(*kind, TerminalErrorKind::CommandNotFound);
                assert!(
                    message.contains("no-such-program does not exist"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }

        let mut socket = connect(&berth, &berth.admin_token, None).await.unwrap();
        open(&mut socket, &bare, exec(&[], true)).await;
        let mut transcript = Transcript::default();
        read_to_end(&mut socket, &mut transcript).await;
        match transcript.last() {
            ServerMessage::Error { kind, message } => {
                assert_eq!(*kind, TerminalErrorKind::CommandNotFound);
                assert!(message.contains("has no shell"), "{message}");
            }
            other => panic!("{other:?}"),
        }

        let mut socket = connect(&berth, &berth.admin_token, None).await.unwrap();
        open(&mut socket, "berth-it-no-such-container", exec(&[], true)).await;
        let mut transcript = Transcript::default();
        read_to_end(&mut socket, &mut transcript).await;
        assert!(
            matches!(
                transcript.last(),
                ServerMessage::Error {
                    kind: TerminalErrorKind::NotFound,
                    ..
                }
            ),
            "{transcript:?}"
        );
    });
    docker(&["rm", "-f", &bare]);
    docker(&["rmi", &image]);
}

#[test]
fn attach_reaches_the_main_process_and_detaches_with_the_keys() {
    let berth = Berth::start();
    let name = unique_name("term-attach");
    docker(&["run", "-dit", "--name", &name, "busybox:latest", "sh"]);
    let _container = TestContainer { name: name.clone() };
    runtime().block_on(async {
        let mut socket = connect(&berth, &berth.admin_token, None).await.unwrap();
        let target = TerminalTarget::Attach {
            detach_keys: "ctrl-x,x".into(),
        };
        open(&mut socket, &name, target).await;
        let mut transcript = Transcript::default();
        stdin(&mut socket, "echo attached-$((6*7))\n").await;
        read_until(&mut socket, &mut transcript, "attached-42").await;
        stdin(&mut socket, "\u{18}x").await;
        read_to_end(&mut socket, &mut transcript).await;
        assert_eq!(transcript.last(), &ServerMessage::Detached);
    });
    let running = docker(&["inspect", "-f", "{{.State.Running}}", &name]);
    assert_eq!(running.trim(), "true");
}

#[test]
fn viewers_and_other_sites_are_refused_before_the_upgrade() {
    let berth = Berth::start();
    let viewer = berth.token_for("viewer");
    runtime().block_on(async {
        for (token, origin) in [
            (viewer.as_str(), None),
            (berth.admin_token.as_str(), Some("http://evil.example")),
        ] {
            match connect(&berth, token, origin).await {
                Err(WsError::Http(response)) => assert_eq!(response.status(), 403),
                Err(other) => panic!("unexpected error: {other}"),
                Ok(_) => panic!("the handshake was accepted for {origin:?}"),
            }
        }
        let own = berth.base.clone();
        assert!(
            connect(&berth, &berth.admin_token, Some(&own))
                .await
                .is_ok()
        );
        // A browser session: refused from another site, and without an Origin.
        let cookie = session_cookie(&berth, "operator");
        for origin in [Some("http://evil.example"), None] {
            match connect_with(&berth, &[("cookie", &cookie)], origin).await {
                Err(WsError::Http(response)) => assert_eq!(response.status(), 403),
                Err(other) => panic!("unexpected error: {other}"),
                Ok(_) => panic!("a session handshake was accepted for {origin:?}"),
            }
        }
        assert!(
            connect_with(&berth, &[("cookie", &cookie)], Some(&own))
                .await
                .is_ok()
        );
    });
}

#[test]
fn a_shell_runs_on_the_engine_behind_ssh() {
    let berth = Berth::start();
    crate::ssh::serve_ssh(&berth, "ssh");
    let (gateway, config) = berth.docker_cli_config_for(&berth.admin_token, "ssh");
    let name = unique_name("term-ssh");
    docker_through(&gateway, config.path(), &sleeper_args(&name));
    let bearer = format!("Bearer {}", berth.admin_token);
    runtime().block_on(async {
        let mut socket = connect_in(&berth, "ssh", &[("authorization", &bearer)], None)
            .await
            .unwrap();
        open(&mut socket, &name, exec(&[], true)).await;
        let mut transcript = Transcript::default();
        stdin(&mut socket, "echo \"over-ssh-$((6*7))\"\n").await;
        read_until(&mut socket, &mut transcript, "over-ssh-42").await;
        stdin(&mut socket, "exit 5\n").await;
        read_to_end(&mut socket, &mut transcript).await;
        assert_eq!(transcript.last(), &ServerMessage::Exited { code: Some(5) });
    });
    let removed = docker_through_output(&gateway, config.path(), &["rm", "-f", &name]);
    assert!(removed.status.success(), "{removed:?}");
}
