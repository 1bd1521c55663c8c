//! `GET /api/health` against a reachable and an unreachable engine.

use crate::support::{Berth, docker, get};

#[test]
fn reports_the_engine_and_the_negotiated_version() {
    let berth = Berth::start();
    let reply = get(&berth.url("/api/health"));
    assert_eq!(reply.status, 200);
    let health = reply.json();
    let local = &health["environments"][0];
    assert_eq!(local["id"], "local");
    assert_eq!(local["reachable"], true);
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
fn anonymous_callers_see_reachability_but_no_details() {
    let berth = Berth::start_with_engine("unix:///nonexistent/berth-test/docker.sock");
    let local = get(&berth.url("/api/health")).json()["environments"][0].clone();
    assert_eq!(local["reachable"], false);
    assert_eq!(local["endpoint"], "");
    assert_eq!(local["error"], serde_json::Value::Null);
}

#[test]
fn an_unreachable_engine_is_reported_not_fatal() {
    let berth = Berth::start_with_engine("unix:///nonexistent/berth-test/docker.sock");
    let reply = berth.admin().get("/api/health");
    assert_eq!(reply.status, 200);
    let local = &reply.json()["environments"][0];
    assert_eq!(local["reachable"], false);
    assert!(
        local["error"].as_str().unwrap().contains("No such file"),
        "{local}"
    );

    let proxied = berth.admin().get("/engine/local/containers/json");
    assert_eq!(proxied.status, 502);
    let message = proxied.message();
    assert!(
        message.contains("unreachable") && message.contains("/nonexistent/berth-test"),
        "{message}"
    );
}

/// A stand-in for an engine older than Berth supports (Docker 19.03, API 1.40), which cannot
/// run on this machine: it answers `/_ping` and `/version` as such an engine does, fails
/// anything else, and records every path it was asked for.
struct OldEngine {
    host: String,
    paths: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl OldEngine {
    fn start() -> Self {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
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
