//! `GET /api/health` against a reachable and an unreachable engine, with and without a session.

use std::net::TcpListener;

use serde_json::{Value, json};

use crate::support::{Berth, docker, get, tls_engine};

#[test]
fn reports_the_engine_and_the_negotiated_version_to_signed_in_users() {
    let berth = Berth::start();
    let reply = berth.admin().get("/api/health");
    assert_eq!(reply.status, 200);
    let health = reply.json();
    assert_eq!(health["status"], "up");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    let local = &health["environments"][0];
    assert_eq!(local["id"], "local");
    assert_eq!(local["reachable"], true);
    assert_eq!(local["failure"], Value::Null);
    let engine_api = docker(&["version", "--format", "{{.Server.APIVersion}}"]);
    assert_eq!(local["engine"]["api_version"], engine_api.as_str());
    // The negotiated version is the lower of the engine's and Berth's newest (1.51).
    let negotiated: berth_shared::ApiVersion =
        local["api_version"].as_str().unwrap().parse().unwrap();
    let engine: berth_shared::ApiVersion = engine_api.parse().unwrap();
    assert_eq!(negotiated, berth_shared::ApiVersion::negotiate(engine));
    let engine_version = docker(&["version", "--format", "{{.Server.Version}}"]);
    assert_eq!(local["engine"]["version"], engine_version.as_str());
}

#[test]
fn anonymous_callers_learn_only_that_berth_is_up() {
    let unreachable = "unix:///nonexistent/berth-test/docker.sock";
    for engine in [crate::support::docker_host().as_str(), unreachable] {
        let berth = Berth::start_with_engine(engine);
        let reply = get(&berth.url("/api/health"));
        assert_eq!(reply.status, 200, "{engine}");
        assert_eq!(reply.json(), json!({"status": "up"}), "{engine}");
    }
}

/// A port on which nothing listens: bound, then released.
pub(crate) fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn an_unreachable_engine_is_reported_with_the_reason() {
    // Accepts connections (the kernel completes them) but never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let refused = format!("tcp://127.0.0.1:{}", closed_port());
    let mute = format!("tcp://127.0.0.1:{silent_port}");
    // The engine's address, the failure, and words the error must contain.
    let cases = [
        (
            "unix:///nonexistent/berth-test/docker.sock".to_owned(),
            "no_socket",
            "No such file",
        ),
        (refused, "connection_refused", "connection was refused"),
        (mute, "timeout", "no answer within"),
    ];
    for (engine, failure, words) in cases {
        let berth = Berth::start_with_engine(&engine);
        let reply = berth.admin().get("/api/health");
        assert_eq!(reply.status, 200, "{engine}");
        let local = reply.json()["environments"][0].clone();
        assert_eq!(local["reachable"], false, "{engine}: {local}");
        assert_eq!(local["failure"], failure, "{engine}: {local}");
        assert!(
            local["error"].as_str().unwrap_or_default().contains(words),
            "{engine}: {local}"
        );
    }
    drop(silent);
}

#[test]
fn a_failed_tls_handshake_is_reported_as_such() {
    let (_, certs) = tls_engine();
    let certs = certs.to_str().expect("a UTF-8 path").to_owned();
    // A plain TCP peer that answers the TLS client hello with HTTP.
    let plain = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = plain.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::Write as _;
        for mut stream in plain.incoming().map_while(Result::ok) {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let berth = Berth::start_with_engine_args(
        &format!("tcp://127.0.0.1:{port}"),
        &["--docker-tls-verify", "1", "--docker-cert-path", &certs],
    );
    let local = berth.admin().get("/api/health").json()["environments"][0].clone();
    assert_eq!(local["reachable"], false, "{local}");
    assert_eq!(local["failure"], "tls", "{local}");
    assert!(
        local["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("the TLS connection failed"),
        "{local}"
    );
}

#[test]
fn the_gateway_says_why_an_engine_is_unreachable() {
    let berth = Berth::start_with_engine("unix:///nonexistent/berth-test/docker.sock");
    let proxied = berth.admin().get("/engine/local/containers/json");
    assert_eq!(proxied.status, 502);
    let message = proxied.message();
    assert!(
        message.contains("unreachable")
            && message.contains("/nonexistent/berth-test")
            && message.contains("no engine socket"),
        "{message}"
    );
}

/// A stand-in for an engine older than Berth supports (Docker 19.03, API 1.40), which cannot
/// run on this machine: it answers `/_ping` and `/version` as such an engine does, fails
/// anything else, and records every path it was asked for.
pub(crate) struct OldEngine {
    pub(crate) host: String,
    paths: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl OldEngine {
    pub(crate) fn start() -> Self {
        use std::io::{BufRead, BufReader, Write};
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let host = format!("tcp://{}", listener.local_addr().expect("its address"));
        let paths = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = paths.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().expect("a clone"));
                    let mut writer = stream;
                    loop {
                        let mut request_line = String::new();
                        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                            return;
                        }
                        // Requests without bodies: skip the headers.
                        let mut header = String::new();
                        while reader.read_line(&mut header).unwrap_or(0) > 2 {
                            header.clear();
                        }
                        let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
                        seen.lock().unwrap().push(path.clone());
                        let (status, body) = if path.ends_with("/_ping") {
                            ("200 OK", "OK".to_owned())
                        } else if path.ends_with("/version") {
                            (
                                "200 OK",
                                r#"{"Version":"19.03.15","ApiVersion":"1.40","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64"}"#
                                    .to_owned(),
                            )
                        } else {
                            (
                                "500 Internal Server Error",
                                r#"{"message":"not an engine"}"#.to_owned(),
                            )
                        };
                        let reply = format!(
                            "HTTP/1.1 {status}\r\nApi-Version: 1.40\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if writer.write_all(reply.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self { host, paths }
    }
}

#[test]
fn an_engine_older_than_api_1_41_is_told_unsupported_and_never_sent_requests() {
    let engine = OldEngine::start();
    let berth = Berth::start_with_engine(&engine.host);

    let health = berth.admin().get("/api/health");
    assert_eq!(health.status, 200);
    let local = &health.json()["environments"][0];
    assert_eq!(local["reachable"], true, "{local}");
    assert_eq!(local["engine"]["supported"], false, "{local}");
    assert_eq!(local["engine"]["api_version"], "1.40", "{local}");
    let error = local["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("1.40") && error.contains("1.41") && error.contains("19.03.15"),
        "{local}"
    );

    let proxied = berth.admin().get("/engine/local/containers/json");
    assert_eq!(proxied.status, 502, "{}", proxied.body);
    let message = proxied.message();
    assert!(
        message.contains("not supported") && message.contains("1.41"),
        "{message}"
    );
    let asked = engine.paths.lock().unwrap().clone();
    assert!(
        asked
            .iter()
            .all(|path| path.ends_with("/_ping") || path.ends_with("/version")),
        "only version negotiation reached the old engine: {asked:?}"
    );
}

#[test]
fn berth_health_exits_0_for_a_running_berth_and_1_saying_why_otherwise() {
    let berth = Berth::start();
    let data_dir = tempfile::tempdir().unwrap();
    let up = crate::support::berth_command(data_dir.path())
        .args(["health", "--url", &berth.base])
        .output()
        .unwrap();
    assert!(up.status.success(), "{up:?}");
    assert!(
        String::from_utf8_lossy(&up.stdout).contains("Berth is up"),
        "{up:?}"
    );

    let nobody = format!("http://127.0.0.1:{}", closed_port());
    let down = crate::support::berth_command(data_dir.path())
        .args(["health", "--url", &nobody])
        .output()
        .unwrap();
    assert_eq!(down.status.code(), Some(1), "{down:?}");
    let said = String::from_utf8_lossy(&down.stderr);
    assert!(
        said.contains(&nobody) && said.contains("no answer"),
        "{said}"
    );

    // A path under which Berth's health is not served: the gateway refuses a caller without
    // a token.
    let other = crate::support::berth_command(data_dir.path())
        .args(["health", "--url", &format!("{}/engine/local", berth.base)])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(1), "{other:?}");
    let said = String::from_utf8_lossy(&other.stderr);
    assert!(said.contains("it answered 401"), "{said}");
}
