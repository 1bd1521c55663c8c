//! Berth under abuse, against the real binary: concurrent password guessing, oversized names,
//! connections that never finish their headers, too many streams, streams that outlive the
//! access they were opened with, re-confirmation of the password, and `--public-url` against
//! DNS rebinding.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{Value, json};

use crate::security::sign_in;
use crate::support::{
    Berth, PASSWORD, Reply, TestContainer, audit, provision, unique_name, wait_for,
};

/// The `host:port` Berth listens on.
pub(crate) fn authority(berth: &Berth) -> String {
    berth.base.trim_start_matches("http://").to_owned()
}

/// A raw HTTP/1.1 request with exactly these headers (Host included), its answer's status and
/// whatever of the answer arrived with the head, and the still open connection.
pub(crate) fn raw(
    berth: &Berth,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, String, TcpStream) {
    let mut stream = TcpStream::connect(authority(berth)).expect("connect to Berth");
    let mut request = format!("{method} {path} HTTP/1.1\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!(
            "content-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or_default());
    stream.write_all(request.as_bytes()).expect("send");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => panic!(
                "no answer head for {method} {path}: {}",
                String::from_utf8_lossy(&head)
            ),
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {head}"));
    (status, head, stream)
}

/// Reads a connection until the server closes it; false if it is still open after `limit`.
pub(crate) fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).expect("read timeout");
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            // A reset is the server closing too.
            Err(_) => return true,
        }
    }
}

#[test]
fn concurrent_guesses_cannot_pass_the_account_limit_and_are_not_all_recorded() {
    let berth = Berth::start();
    provision(berth.data_dir(), "victim", "operator");
    let url = berth.url("/api/auth/login");
    let body = json!({"username": "victim", "password": "not the password"}).to_string();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let attempts: Vec<_> = (0..40)
            .map(|_| {
                scope.spawn(|| {
                    crate::support::agent()
                        .post(&url)
                        .header("content-type", "application/json")
                        .send(body.as_str())
                        .expect("the request completes")
                        .status()
                        .as_u16()
                })
            })
            .collect();
        attempts.into_iter().map(|a| a.join().unwrap()).collect()
    });
    let checked = statuses.iter().filter(|&&status| status == 401).count();
    let throttled = statuses.iter().filter(|&&status| status == 429).count();
    assert_eq!(
        (checked, throttled),
        (5, 35),
        "only the account's five attempts reach the password check: {statuses:?}"
    );
    // The right password is throttled too, and its refusal is counted, not recorded.
    let right = berth.anonymous().login("victim", PASSWORD);
    assert_eq!(right.status, 429, "{}", right.body);
    let rows = audit(&berth, "operation=Login&actor=victim");
    assert_eq!(rows.len(), 5, "one row per checked attempt: {rows:?}");
}

#[test]
fn oversized_names_are_refused_before_any_work() {
    let berth = Berth::start();
    let cases = [
        (
            "x".repeat(60_000),
            "a".to_owned(),
            "username: at most 64 bytes",
        ),
        ("é".repeat(33), "a".to_owned(), "username: at most 64 bytes"),
        ("admin".to_owned(), "p".repeat(5000), "password: at most"),
    ];
    for (username, password, message) in cases {
        let reply = berth.anonymous().login(&username, &password);
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert!(reply.message().contains(message), "{}", reply.body);
    }
    assert!(
        audit(&berth, "operation=Login").is_empty(),
        "refused sizes leave no audit rows"
    );
}

#[test]
fn a_connection_that_never_finishes_its_headers_is_closed() {
    let berth = Berth::start();
    let mut slow = TcpStream::connect(authority(&berth)).unwrap();
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1")
        .unwrap();
    assert!(
        closed_within(&mut slow, Duration::from_secs(40)),
        "a half-sent request head still holds its connection after 40 s"
    );
    // An idle keep-alive connection is closed the same way.
    let (status, _, mut idle) = raw(
        &berth,
        "GET",
        "/api/health",
        &[("host", &authority(&berth))],
        None,
    );
    assert_eq!(status, 200);
    assert!(closed_within(&mut idle, Duration::from_secs(40)));
}

#[test]
fn each_user_may_hold_only_so_many_streams() {
    let berth = Berth::start_with_args(&["--max-streams-per-user", "2"]);
    let operator = berth.token_for("operator");
    let bearer = format!("Bearer {operator}");
    let host = authority(&berth);
    let headers = [("host", host.as_str()), ("authorization", bearer.as_str())];
    let open = |path: &str| raw(&berth, "GET", path, &headers, None);
    let container = TestContainer::running("streams");
    // Stats come every second, so a stream whose client left notices it soon.
    let (first, _, first_stream) = open(&format!(
        "/engine/local/containers/{}/stats",
        container.name
    ));
    let (second, _, _second_stream) = open(&format!(
        "/engine/local/containers/{}/logs?stdout=1&follow=1",
        container.name
    ));
    assert_eq!((first, second), (200, 200));
    let refused = berth.with_token(&operator).get("/engine/local/events");
    assert_eq!(refused.status, 429, "{}", refused.body);
    let message = refused.message();
    assert!(
        message.contains("event stream") && message.contains("--max-streams-per-user"),
        "{message}"
    );
    // Answers that end at once are not long-lived, and other users have their own limit.
    let bounded = berth.with_token(&operator).get(&format!(
        "/engine/local/containers/{}/logs?stdout=1",
        container.name
    ));
    assert_eq!(bounded.status, 200, "{}", bounded.body);
    let admin = berth.admin().get("/engine/local/events?since=0&until=1");
    assert_eq!(admin.status, 200, "{}", admin.body);
    // Closing one makes room.
    drop(first_stream);
    let again = wait_for(|| {
        let reply = berth
            .with_token(&operator)
            .get("/engine/local/events?since=0&until=1");
        (reply.status != 429).then_some(reply)
    });
    assert_eq!(again.status, 200, "{}", again.body);
}

/// How access is withdrawn from `user` (signed in with `cookie` and `csrf`, holding `token`),
/// and which of their streams must end: those opened by the session, the token, or both.
#[derive(Debug, Clone, Copy)]
enum Withdrawal {
    SignOut,
    PasswordChange,
    PasswordReset,
    Demotion,
    Removal,
    TokenRevocation,
}

/// The id of the entry of `list` (users, or tokens) that belongs to `user`.
fn id_belonging_to(list: &Value, user: &str) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["username"] == user)
        .map(|entry| entry["id"].as_i64().unwrap())
        .unwrap_or_else(|| panic!("no entry of {user} in {list}"))
}

impl Withdrawal {
    fn ends_session_streams(self) -> bool {
        !matches!(self, Withdrawal::TokenRevocation)
    }

    fn ends_token_streams(self) -> bool {
        !matches!(self, Withdrawal::SignOut)
    }

    fn apply(self, berth: &Berth, user: &str, cookie: &str, csrf: &str) {
        let session = [
            ("cookie", cookie),
            ("x-csrf-token", csrf),
            ("content-type", "application/json"),
        ];
        let id = id_belonging_to(&berth.admin().get("/api/users").json(), user);
        let reply: Reply = match self {
            Withdrawal::SignOut => {
                berth
                    .anonymous()
                    .request("POST", "/api/auth/logout", &session, None)
            }
            Withdrawal::PasswordChange => berth.anonymous().request(
                "POST",
                "/api/account/password",
                &session,
                Some(
                    &json!({"current_password": PASSWORD, "new_password": "another long password"})
                        .to_string(),
                ),
            ),
            Withdrawal::PasswordReset => berth.admin().send_json(
                "PATCH",
                &format!("/api/users/{id}"),
                &json!({"password": "another long password"}),
            ),
            Withdrawal::Demotion => berth.admin().send_json(
                "PATCH",
                &format!("/api/users/{id}"),
                &json!({"role": "viewer"}),
            ),
            Withdrawal::Removal => berth.admin().delete(&format!("/api/users/{id}")),
            Withdrawal::TokenRevocation => {
                let tokens = berth.admin().get("/api/tokens?all=true").json();
                let token = id_belonging_to(&tokens, user);
                berth.admin().delete(&format!("/api/tokens/{token}"))
            }
        };
        assert!(
            (200..300).contains(&reply.status),
            "{self:?}: {} {}",
            reply.status,
            reply.body
        );
    }
}

#[test]
fn withdrawn_access_ends_terminals_and_streams_within_a_second() {
    use crate::terminal::{connect_in, error_within, exec, open, started};

    let berth = Berth::start();
    let container = TestContainer::running("withdrawn");
    let runtime = crate::terminal::runtime();
    let withdrawals = [
        Withdrawal::SignOut,
        Withdrawal::PasswordChange,
        Withdrawal::PasswordReset,
        Withdrawal::Demotion,
        Withdrawal::Removal,
        Withdrawal::TokenRevocation,
    ];
    for withdrawal in withdrawals {
        let user = unique_name("user").replace('-', "_");
        let token = provision(berth.data_dir(), &user, "operator");
        let (cookie, csrf) = sign_in(&berth, &user);
        let host = authority(&berth);
        let bearer = format!("Bearer {token}");
        let (status, _, mut session_events) = raw(
            &berth,
            "GET",
            "/engine/local/events",
            &[("host", &host), ("cookie", &cookie)],
            None,
        );
        assert_eq!(status, 200);
        let (status, _, mut token_events) = raw(
            &berth,
            "GET",
            "/engine/local/events",
            &[("host", &host), ("authorization", &bearer)],
            None,
        );
        assert_eq!(status, 200);
        let terminal_ended = runtime.block_on(async {
            let pairs = [("cookie", cookie.as_str())];
            let mut socket = connect_in(&berth, "local", &pairs, Some(&berth.base))
                .await
                .unwrap();
            open(&mut socket, &container.name, exec(&["sh"], true)).await;
            started(&mut socket).await;
            withdrawal.apply(&berth, &user, &cookie, &csrf);
            error_within(&mut socket, Duration::from_secs(5)).await
        });
        let terminal_message = terminal_ended.unwrap_or_default();
        assert_eq!(
            terminal_message.contains("terminal was closed"),
            withdrawal.ends_session_streams(),
            "{withdrawal:?}: the terminal's end: {terminal_message:?}"
        );
        assert_eq!(
            closed_within(&mut session_events, Duration::from_secs(5)),
            withdrawal.ends_session_streams(),
            "{withdrawal:?}: the session's event stream"
        );
        assert_eq!(
            closed_within(&mut token_events, Duration::from_secs(5)),
            withdrawal.ends_token_streams(),
            "{withdrawal:?}: the token's event stream"
        );
    }
}

#[test]
fn tokens_and_two_factor_set_up_need_the_password_again_from_a_session() {
    let berth = Berth::start();
    provision(berth.data_dir(), "careful", "operator");
    let (cookie, csrf) = sign_in(&berth, "careful");
    let session = [
        ("cookie", cookie.as_str()),
        ("x-csrf-token", csrf.as_str()),
        ("content-type", "application/json"),
    ];
    let post = |path: &str, body: Value| {
        berth
            .anonymous()
            .request("POST", path, &session, Some(&body.to_string()))
    };
    let cases = [
        ("/api/tokens", json!({"name": "laptop"}), "TokenCreate"),
        ("/api/account/totp/setup", json!({}), "TotpSetup"),
    ];
    for (path, body, operation) in cases {
        let missing = post(path, body.clone());
        assert_eq!(missing.status, 403, "{path}: {}", missing.body);
        assert!(
            missing.message().contains("enter your password"),
            "{}",
            missing.body
        );
        let mut wrong_body = body.clone();
        wrong_body["password"] = json!("not the password");
        let wrong = post(path, wrong_body);
        assert_eq!(wrong.status, 403, "{path}: {}", wrong.body);
        assert!(wrong.message().contains("not the password in use"));
        let mut right_body = body.clone();
        right_body["password"] = json!(PASSWORD);
        let right = post(path, right_body);
        assert!((200..300).contains(&right.status), "{path}: {}", right.body);
        let rows = audit(&berth, &format!("operation={operation}&actor=careful"));
        let statuses: Vec<_> = rows.iter().map(|row| row["status"].as_u64()).collect();
        assert_eq!(
            statuses,
            [Some(right.status.into()), Some(403), Some(403)],
            "{operation}: {rows:?}"
        );
    }
    // A token needs no password to be used for the same: it is not a browser session.
    let token = berth.token_for("operator");
    let created = berth
        .with_token(&token)
        .post_json("/api/tokens", &json!({"name": "ci"}));
    assert_eq!(created.status, 201, "{}", created.body);
}

/// A request to a server with a public URL: what it stands for, method, path, headers,
/// body, and the status it must get.
type OriginCase<'a> = (
    &'a str,
    &'a str,
    &'a str,
    Vec<(&'a str, &'a str)>,
    Option<&'a str>,
    u16,
);

#[test]
fn a_public_url_fences_in_origins_and_hosts() {
    let berth = Berth::start_with_args(&["--public-url", "https://berth.example"]);
    let local = authority(&berth);
    let bearer = format!("Bearer {}", berth.admin_token);
    let login = json!({"username": "admin", "password": PASSWORD}).to_string();
    // (what, method, path, headers, body, status)
    let cases: [OriginCase<'_>; 8] = [
        (
            "sign-in from the public origin",
            "POST",
            "/api/auth/login",
            vec![
                ("host", "berth.example"),
                ("origin", "https://berth.example"),
            ],
            Some(&login),
            200,
        ),
        (
            "sign-in from the loopback address's page",
            "POST",
            "/api/auth/login",
            vec![("host", "berth.example"), ("origin", "http://127.0.0.1")],
            Some(&login),
            403,
        ),
        (
            "a rebound name: Origin and Host agree but are not the public URL",
            "POST",
            "/api/auth/login",
            vec![("host", "evil.example"), ("origin", "http://evil.example")],
            Some(&login),
            421,
        ),
        (
            "the UI at another address",
            "GET",
            "/",
            vec![("host", &local)],
            None,
            421,
        ),
        (
            "a health probe at any address",
            "GET",
            "/api/health",
            vec![("host", &local)],
            None,
            200,
        ),
        (
            "the docker CLI with a token at any address",
            "GET",
            "/engine/local/_ping",
            vec![("host", &local), ("authorization", &bearer)],
            None,
            200,
        ),
        (
            "a token sent by a foreign page",
            "GET",
            "/engine/local/_ping",
            vec![
                ("host", &local),
                ("authorization", &bearer),
                ("origin", "https://evil.example"),
            ],
            None,
            403,
        ),
        (
            "a terminal WebSocket from a foreign page",
            "GET",
            "/api/env/local/terminal",
            vec![
                ("host", &local),
                ("authorization", &bearer),
                ("origin", "http://127.0.0.1"),
                ("connection", "upgrade"),
                ("upgrade", "websocket"),
                ("sec-websocket-version", "13"),
                ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ],
            None,
            403,
        ),
    ];
    for (what, method, path, headers, body, status) in cases {
        let mut headers = headers;
        if !headers.iter().any(|(name, _)| *name == "connection") {
            headers.push(("connection", "close"));
        }
        let (got, head, _) = raw(&berth, method, path, &headers, body);
        assert_eq!(got, status, "{what}: {head}");
    }
    let (upgraded, head, _) = raw(
        &berth,
        "GET",
        "/api/env/local/terminal",
        &[
            ("host", &local),
            ("authorization", &bearer),
            ("origin", "https://berth.example"),
            ("connection", "upgrade"),
            ("upgrade", "websocket"),
            ("sec-websocket-version", "13"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ],
        None,
    );
    assert_eq!(upgraded, 101, "a terminal from the public origin: {head}");
}
