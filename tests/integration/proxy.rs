//! Gateway fidelity at the protocol level: hijacked exec and attach with half-close, the
//! engine's websocket attach, the BuildKit session upgrade, the engine's headers, errors and
//! API versions, unbuffered streams (a lone keystroke or log line is never held back), and
//! engine-side requests dropped with their clients.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use berth_shared::engine::multiplexed::Demuxer;

use crate::support::{Berth, TestContainer, docker, docker_host, unique_name};

/// A response head read off a raw connection.
#[derive(Debug)]
struct Head {
    status: u16,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A raw HTTP/1.1 connection, for what an HTTP client library hides: upgrades, half-closes,
/// and reading a stream while it is still open.
struct Raw<S> {
    stream: S,
    /// Bytes read past the response head.
    pending: Vec<u8>,
}

impl<S: Read + Write> Raw<S> {
    /// Sends a request and reads the response head.
    fn request(
        mut stream: S,
        host: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (Self, Head) {
        let mut text = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() {
            text.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        text.push_str("\r\n");
        stream.write_all(text.as_bytes()).expect("send the head");
        stream.write_all(body).expect("send the body");
        let mut raw = Raw {
            stream,
            pending: Vec::new(),
        };
        let head = raw.read_head();
        (raw, head)
    }

    fn read_head(&mut self) -> Head {
        let mut buffer = Vec::new();
        let end = loop {
            if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
                break end;
            }
            let mut chunk = [0u8; 4096];
            let read = self
                .stream
                .read(&mut chunk)
                .expect("read the response head");
            assert!(read > 0, "the connection closed before a response head");
            buffer.extend_from_slice(&chunk[..read]);
        };
        self.pending = buffer[end + 4..].to_vec();
        let text = String::from_utf8_lossy(&buffer[..end]).into_owned();
        let mut lines = text.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|code| code.parse().ok())
            .expect("a status line");
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
            .collect();
        Head { status, headers }
    }

    /// Reads a whole response body, by its length or its chunks.
    fn read_body(mut self, head: &Head) -> Vec<u8> {
        if let Some(length) = head.header("content-length") {
            let length: usize = length.parse().expect("a length");
            let mut body = std::mem::take(&mut self.pending);
            let mut rest = vec![0u8; length.saturating_sub(body.len())];
            self.stream.read_exact(&mut rest).expect("read the body");
            body.extend_from_slice(&rest);
            return body;
        }
        if head.header("transfer-encoding") != Some("chunked") {
            return self.read_to_end();
        }
        let mut encoded = self.read_until(b"0\r\n\r\n");
        let mut body = Vec::new();
        loop {
            let line_end = encoded
                .windows(2)
                .position(|window| window == b"\r\n")
                .expect("a chunk size");
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&encoded[..line_end]).trim(), 16)
                    .expect("a hexadecimal chunk size");
            if size == 0 {
                return body;
            }
            body.extend_from_slice(&encoded[line_end + 2..line_end + 2 + size]);
            encoded.drain(..line_end + 2 + size + 2);
        }
    }

    /// Reads until the other side closes.
    fn read_to_end(mut self) -> Vec<u8> {
        let mut all = std::mem::take(&mut self.pending);
        self.stream.read_to_end(&mut all).expect("read to the end");
        all
    }

    /// Reads until `needle` has arrived (the socket's read timeout bounds the wait).
    fn read_until(&mut self, needle: &[u8]) -> Vec<u8> {
        let mut all = std::mem::take(&mut self.pending);
        while !all.windows(needle.len()).any(|window| window == needle) {
            let mut chunk = [0u8; 8192];
            let read = self.stream.read(&mut chunk).unwrap_or_else(|error| {
                panic!(
                    "waiting for {:?}: {error}; got {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(&all)
                )
            });
            assert!(
                read > 0,
                "closed before {:?}; got {:?}",
                String::from_utf8_lossy(needle),
                String::from_utf8_lossy(&all)
            );
            all.extend_from_slice(&chunk[..read]);
        }
        all
    }
}

/// Berth's `host:port`, as a client sends it in `Host`.
fn berth_host(berth: &Berth) -> &str {
    berth.base.trim_start_matches("http://")
}

/// A TCP connection to Berth, with a read timeout so a broken stream fails the test.
fn connect(berth: &Berth) -> TcpStream {
    let stream = TcpStream::connect(berth.base.trim_start_matches("http://")).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream
}

/// A connection straight to the engine's socket.
fn connect_engine() -> UnixStream {
    let host = docker_host();
    let path = host.strip_prefix("unix://").expect("a unix:// engine");
    let stream = UnixStream::connect(path).expect("connect to the engine");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream
}

/// Splits the engine's multiplexed stdio into stdout and stderr.
fn demultiplex(bytes: &[u8]) -> (String, String) {
    let (stdout, stderr) = Demuxer::split(bytes);
    (
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Sends a request asking to switch to the raw stream (`Upgrade: tcp`), as the docker CLI
/// does for attach and exec start, with `token` and an optional JSON body.
fn hijack(berth: &Berth, token: &str, path: &str, json: &[u8]) -> (Raw<TcpStream>, Head) {
    let authorization = bearer(token);
    let mut headers = vec![
        ("Authorization", authorization.as_str()),
        ("Connection", "Upgrade"),
        ("Upgrade", "tcp"),
    ];
    if !json.is_empty() {
        headers.push(("Content-Type", "application/json"));
    }
    Raw::request(
        connect(berth),
        berth_host(berth),
        "POST",
        path,
        &headers,
        json,
    )
}

/// Opens the engine's websocket attach (stdout) of `container` as a browser at `origin` would.
fn websocket_attach(berth: &Berth, container: &str, origin: &str) -> (Raw<TcpStream>, Head) {
    let authorization = bearer(&berth.admin_token);
    Raw::request(
        connect(berth),
        berth_host(berth),
        "GET",
        &format!("/engine/local/containers/{container}/attach/ws?stream=1&stdout=1"),
        &[
            ("Authorization", &authorization),
            ("Origin", origin),
            ("Connection", "Upgrade"),
            ("Upgrade", "websocket"),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ],
        b"",
    )
}

/// A container running `script` in busybox's shell, with extra `docker run` flags.
fn shell_container(prefix: &str, flags: &[&str], script: &str) -> TestContainer {
    let name = unique_name(prefix);
    let mut args = vec!["run", "-d", "--name", &name];
    args.extend_from_slice(flags);
    args.extend_from_slice(&["busybox:latest", "sh", "-c", script]);
    docker(&args);
    TestContainer { name }
}

/// Creates an exec of `script` with every stream attached, on a TTY or not; returns its id.
fn create_exec(berth: &Berth, container: &str, script: &str, tty: bool) -> String {
    let reply = berth.admin().post_json(
        &format!("/engine/local/containers/{container}/exec"),
        &serde_json::json!({
            "AttachStdin": true,
            "AttachStdout": true,
            "AttachStderr": true,
            "Tty": tty,
            "Cmd": ["sh", "-c", script],
        }),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["Id"].as_str().unwrap().to_owned()
}

/// Starts an exec on a hijacked connection through the gateway, as the holder of `token`.
fn start_exec(berth: &Berth, token: &str, exec: &str, tty: bool) -> (Raw<TcpStream>, Head) {
    let body = serde_json::json!({ "Detach": false, "Tty": tty }).to_string();
    hijack(
        berth,
        token,
        &format!("/engine/local/exec/{exec}/start"),
        body.as_bytes(),
    )
}

#[test]
fn hijacked_exec_passes_stdin_eof_and_drains_output() {
    let container = TestContainer::running("hijack-exec");
    let berth = Berth::start();
    let exec = create_exec(
        &berth,
        &container.name,
        "cat; echo after-eof; echo to-stderr >&2; exit 3",
        false,
    );
    let (mut raw, head) = start_exec(&berth, &berth.admin_token, &exec, false);
    assert_eq!(head.status, 101, "{head:?}");
    assert_eq!(head.header("upgrade"), Some("tcp"), "{head:?}");
    assert!(head.header("api-version").is_some(), "{head:?}");
    raw.stream.write_all(b"hello through berth\n").unwrap();
    // stdin EOF: the process's `cat` ends, and what it prints afterwards still arrives.
    raw.stream.shutdown(Shutdown::Write).unwrap();
    let (stdout, stderr) = demultiplex(&raw.read_to_end());
    assert_eq!(stdout, "hello through berth\nafter-eof\n");
    assert_eq!(stderr, "to-stderr\n");
    let inspect = berth
        .admin()
        .get(&format!("/engine/local/exec/{exec}/json"));
    assert_eq!(inspect.json()["ExitCode"], 3, "{}", inspect.body);

    let audit = berth
        .admin()
        .get("/api/audit?operation=ExecStart&limit=10")
        .json();
    assert!(
        audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|event| event["status"] == 101 && event["actor"] == "admin"),
        "the upgraded exec is audited: {audit}"
    );
}

#[test]
fn viewers_cannot_hijack_an_exec() {
    let container = TestContainer::running("hijack-viewer");
    let berth = Berth::start();
    let exec = create_exec(&berth, &container.name, "echo never", false);
    let (raw, head) = start_exec(&berth, &berth.token_for("viewer"), &exec, false);
    assert_eq!(head.status, 403, "{head:?}");
    let body = String::from_utf8_lossy(&raw.read_body(&head)).into_owned();
    assert!(body.contains("ExecStart"), "{body}");
}

#[test]
fn hijacked_attach_carries_stdin_and_output() {
    let container = shell_container("hijack-attach", &["-i"], "read line; echo got-$line");
    let name = &container.name;
    let berth = Berth::start();
    let (mut raw, head) = hijack(
        &berth,
        &berth.admin_token,
        &format!("/engine/local/containers/{name}/attach?stream=1&stdin=1&stdout=1&stderr=1"),
        b"",
    );
    assert_eq!(head.status, 101, "{head:?}");
    raw.stream.write_all(b"ping\n").unwrap();
    let (stdout, _) = demultiplex(&raw.read_to_end());
    assert_eq!(stdout, "got-ping\n");
    let wait = berth
        .admin()
        .post(&format!("/engine/local/containers/{name}/wait"));
    assert_eq!(wait.json()["StatusCode"], 0, "{}", wait.body);
}

#[test]
fn upgrades_the_engine_refuses_come_back_as_its_errors() {
    let berth = Berth::start();
    let (raw, head) = hijack(
        &berth,
        &berth.admin_token,
        "/engine/local/containers/berth-no-such-container/attach?stream=1&stdout=1",
        b"",
    );
    assert_eq!(head.status, 404, "{head:?}");
    let body = String::from_utf8_lossy(&raw.read_body(&head)).into_owned();
    assert!(body.contains("No such container"), "{body}");
}

#[test]
fn the_engine_websocket_attach_is_proxied() {
    let container = shell_container(
        "ws-attach",
        &[],
        "while true; do echo tick; sleep 0.2; done",
    );
    let berth = Berth::start();
    let (mut raw, head) = websocket_attach(&berth, &container.name, &berth.base);
    assert_eq!(head.status, 101, "{head:?}");
    // RFC 6455's example key and answer: the engine's own handshake reached the client.
    assert_eq!(
        head.header("sec-websocket-accept"),
        Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        "{head:?}"
    );
    raw.read_until(b"tick");
}

#[test]
fn a_foreign_origin_cannot_open_the_websocket_attach() {
    let container = TestContainer::running("ws-foreign");
    let berth = Berth::start();
    let (_, head) = websocket_attach(&berth, &container.name, "http://evil.example");
    assert_eq!(head.status, 403, "{head:?}");
}

#[test]
fn the_buildkit_session_upgrade_passes_through() {
    let berth = Berth::start();
    let authorization = bearer(&berth.admin_token);
    let session = unique_name("session");
    let (mut raw, head) = Raw::request(
        connect(&berth),
        berth_host(&berth),
        "POST",
        "/engine/local/session",
        &[
            ("Authorization", &authorization),
            ("Connection", "Upgrade"),
            ("Upgrade", "h2c"),
            ("X-Docker-Expose-Session-Uuid", &session),
            ("X-Docker-Expose-Session-Name", "berth-test"),
            ("X-Docker-Expose-Session-Sharedkey", "berth-test-key"),
        ],
        b"",
    );
    assert_eq!(head.status, 101, "{head:?}");
    assert_eq!(head.header("upgrade"), Some("h2c"), "{head:?}");
    // The engine now speaks HTTP/2 (as the gRPC client of the session) over the spliced
    // connection: its connection preface arrives through Berth.
    raw.read_until(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
}

#[test]
fn engine_headers_errors_and_versions_come_back_as_sent() {
    let berth = Berth::start();
    let authorization = bearer(&berth.admin_token);
    let through = |path: &str| {
        let (raw, head) = Raw::request(
            connect(&berth),
            berth_host(&berth),
            "GET",
            path,
            &[("Authorization", &authorization), ("Connection", "close")],
            b"",
        );
        let body = raw.read_body(&head);
        (head, String::from_utf8_lossy(&body).into_owned())
    };
    let direct = |path: &str| {
        let (raw, head) = Raw::request(
            connect_engine(),
            "api.moby.localhost",
            "GET",
            path,
            &[("Connection", "close")],
            b"",
        );
        let body = raw.read_body(&head);
        (head, String::from_utf8_lossy(&body).into_owned())
    };

    let (berth_ping, _) = through("/engine/local/_ping");
    let (engine_ping, _) = direct("/_ping");
    assert_eq!(berth_ping.status, 200);
    for name in ["api-version", "docker-experimental", "ostype"] {
        assert!(engine_ping.header(name).is_some(), "{engine_ping:?}");
        assert_eq!(berth_ping.header(name), engine_ping.header(name), "{name}");
    }

    // Versions the engine does not speak get the engine's own 400, word for word.
    for version in ["v1.99", "v1.11"] {
        let (berth_head, berth_body) = through(&format!("/engine/local/{version}/version"));
        let (engine_head, engine_body) = direct(&format!("/{version}/version"));
        assert_eq!(engine_head.status, 400, "{engine_body}");
        assert_eq!(berth_head.status, 400, "{berth_body}");
        assert_eq!(berth_body, engine_body);
        assert_eq!(
            berth_head.header("content-type"),
            engine_head.header("content-type")
        );
        assert!(engine_body.contains("client version"), "{engine_body}");
    }
    // An older explicit version reaches the engine as it is, and the engine answers it.
    let (old, body) = through("/engine/local/v1.24/containers/json");
    assert_eq!(old.status, 200, "{body}");

    // `HEAD /_ping`, as the docker CLI sends first.
    let (raw, head) = Raw::request(
        connect(&berth),
        berth_host(&berth),
        "HEAD",
        "/engine/local/_ping",
        &[("Authorization", &authorization), ("Connection", "close")],
        b"",
    );
    drop(raw);
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("api-version"),
        engine_ping.header("api-version")
    );
}

#[test]
fn event_streams_flow_as_they_are_produced() {
    let berth = Berth::start();
    let authorization = bearer(&berth.admin_token);
    let (mut raw, head) = Raw::request(
        connect(&berth),
        berth_host(&berth),
        "GET",
        "/engine/local/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D",
        &[("Authorization", &authorization)],
        b"",
    );
    assert_eq!(head.status, 200, "{head:?}");
    let name = unique_name("events");
    docker(&["create", "--name", &name, "busybox:latest", "true"]);
    let _cleanup = TestContainer { name: name.clone() };
    raw.read_until(name.as_bytes());
}

/// The sockets a process holds open.
fn open_sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| std::fs::read_link(entry.path()).ok())
                .filter(|target| target.to_string_lossy().starts_with("socket:"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn engine_requests_end_when_their_clients_go_away() {
    let container = TestContainer::running("gone");
    let berth = Berth::start();
    // Let start-up negotiation settle, then count.
    assert_eq!(berth.admin().get("/engine/local/_ping").status, 200);
    let before = open_sockets(berth.pid());
    // Ten followers of a container that prints nothing: each holds a request to the engine.
    let followers: Vec<_> = (0..10)
        .map(|_| follow_logs(&berth, &container.name))
        .collect();
    assert!(open_sockets(berth.pid()) >= before + 10);
    drop(followers);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = open_sockets(berth.pid());
        if now <= before {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{now} sockets still open, {before} before the followers"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_hijacked_terminal_is_resized_through_the_gateway() {
    let container = TestContainer::running("resize");
    let berth = Berth::start();
    let exec = create_exec(&berth, &container.name, "read go; stty size", true);
    let (mut raw, head) = start_exec(&berth, &berth.admin_token, &exec, true);
    assert_eq!(head.status, 101, "{head:?}");
    let resized = berth
        .admin()
        .post(&format!("/engine/local/exec/{exec}/resize?h=33&w=77"));
    assert!(
        resized.status == 200 || resized.status == 201,
        "{} {}",
        resized.status,
        resized.body
    );
    raw.stream.write_all(b"\n").unwrap();
    raw.read_until(b"33 77");
}

/// Berth merges what is ready into large writes but never waits for more: a single keystroke
/// comes back as the terminal's echo while the session stays open, and so does the next. (The
/// socket's read timeout fails the test if Berth held them back.)
#[test]
fn a_single_keystroke_is_echoed_while_the_terminal_stays_open() {
    let container = TestContainer::running("keystroke");
    let berth = Berth::start();
    let exec = create_exec(&berth, &container.name, "cat", true);
    let (mut raw, head) = start_exec(&berth, &berth.admin_token, &exec, true);
    assert_eq!(head.status, 101, "{head:?}");
    raw.stream.write_all(b"q").unwrap();
    raw.read_until(b"q");
    raw.stream.write_all(b"w").unwrap();
    raw.read_until(b"w");
}

/// The same for a streamed answer: the one line a quiet container printed arrives while its
/// log's follow stays open.
#[test]
fn a_single_log_line_arrives_while_the_follow_stays_open() {
    let container = shell_container("one-line", &[], "echo the-only-line; exec sleep 3600");
    let berth = Berth::start();
    follow_logs(&berth, &container.name).read_until(b"the-only-line");
}

/// Follows `container`'s stdout through the gateway, as the admin.
fn follow_logs(berth: &Berth, container: &str) -> Raw<TcpStream> {
    let authorization = bearer(&berth.admin_token);
    let (raw, head) = Raw::request(
        connect(berth),
        berth_host(berth),
        "GET",
        &format!("/engine/local/containers/{container}/logs?follow=1&stdout=1"),
        &[("Authorization", &authorization)],
        b"",
    );
    assert_eq!(head.status, 200, "{head:?}");
    raw
}
