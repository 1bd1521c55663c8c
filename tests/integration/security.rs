//! Security against the real engine: sessions with CSRF and Origin checks, tokens, TOTP,
//! set-up, rate limiting, redaction, the audit log, and the docker CLI under each role.

use serde_json::{Value, json};

use crate::support::{
    Berth, PASSWORD, TestContainer, docker, docker_through, docker_through_output, succeeded,
    unique_name,
};

#[test]
fn bad_tokens_are_told_apart_clearly() {
    let berth = Berth::start();
    let token = berth.token_for("operator");
    let malformed = berth.anonymous().request(
        "GET",
        "/engine/local/_ping",
        &[("authorization", "Basic b3A6cHc=")],
        None,
    );
    assert_eq!(malformed.status, 401);
    assert!(malformed.message().contains("Bearer"));
    let unknown = berth
        .with_token("berth_not-a-real-token")
        .get("/engine/local/_ping");
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.message(), "the API token is not valid");

    let listed = std::process::Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(["token", "list", "--user", "operator"])
        .env("BERTH_DATA_DIR", berth.data_dir())
        .output()
        .unwrap();
    let id = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let revoked = std::process::Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(["token", "revoke", "--id", &id])
        .env("BERTH_DATA_DIR", berth.data_dir())
        .output()
        .unwrap();
    assert!(revoked.status.success());
    let reply = berth.with_token(&token).get("/engine/local/_ping");
    assert_eq!(reply.status, 401);
    assert_eq!(reply.message(), "the API token was revoked");
}

#[test]
fn the_console_rejects_bad_input_with_json_errors() {
    let berth = Berth::start();
    let anonymous = berth.anonymous();
    let sign_in_with = |content_type: &str, body: &str| {
        let headers = [("content-type", content_type)];
        anonymous.request("POST", "/api/auth/login", &headers, Some(body))
    };
    let malformed = sign_in_with("application/json", "{not json");
    assert_eq!(malformed.status, 400);
    assert!(malformed.message().starts_with("malformed JSON"));
    let not_json = sign_in_with("text/plain", "hello");
    assert_eq!(not_json.status, 415);
    let huge = format!(r#"{{"username":"{}","password":"x"}}"#, "a".repeat(100_000));
    let oversized = sign_in_with("application/json", &huge);
    assert_eq!(oversized.status, 413);
    assert!(oversized.message().contains("larger than"));
    let missing_field = sign_in_with("application/json", r#"{"username":"a"}"#);
    assert_eq!(missing_field.status, 400);
    assert!(missing_field.message().contains("password"));
    let environment = berth.admin().get("/engine/nowhere/containers/json");
    assert_eq!(environment.status, 404);
    assert_eq!(environment.message(), "no such environment: nowhere");
}

/// Signs in through the API like the UI does; returns the cookie and the CSRF token.
/// Signs `username` in; returns the cookie pair and the CSRF token.
pub(crate) fn sign_in(berth: &Berth, username: &str) -> (String, String) {
    let reply = berth.anonymous().login(username, PASSWORD);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cookie = reply
        .header("set-cookie")
        .expect("a session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    let csrf = reply.json()["session"]["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (pair, csrf)
}

#[test]
fn sessions_need_the_csrf_token_and_the_same_origin() {
    let berth = Berth::start();
    berth.token_for("operator");
    let (cookie, csrf) = sign_in(&berth, "operator");
    let host = berth.base.trim_start_matches("http://").to_owned();
    let origin = berth.base.clone();
    let client = berth.anonymous();
    let session = client.request("GET", "/api/auth/session", &[("cookie", &cookie)], None);
    assert_eq!(session.json()["state"], "signed_in");
    assert_eq!(session.json()["role"], "operator");

    // Starting a container that does not exist: a 404 once the request reaches the engine.
    let start = |headers: &[(&str, &str)]| {
        let path = "/engine/local/containers/berth-csrf-none/start";
        client.request("POST", path, headers, None)
    };
    let without = start(&[("cookie", &cookie), ("host", &host)]);
    assert_eq!(without.status, 403);
    assert!(without.message().contains("CSRF"));
    let with = start(&[
        ("cookie", &cookie),
        ("x-csrf-token", &csrf),
        ("origin", &origin),
    ]);
    assert_eq!(
        with.status, 404,
        "the request reached the engine: {}",
        with.body
    );
    let foreign = start(&[
        ("cookie", &cookie),
        ("x-csrf-token", &csrf),
        ("origin", "http://evil.example"),
    ]);
    assert_eq!(foreign.status, 403);
    assert!(foreign.message().contains("cross-origin"));
    let websocket = client.request(
        "GET",
        "/engine/local/containers/x/attach/ws",
        &[
            ("cookie", &cookie),
            ("upgrade", "websocket"),
            ("connection", "upgrade"),
        ],
        None,
    );
    assert_eq!(
        websocket.status, 403,
        "a browser WebSocket without Origin: {}",
        websocket.body
    );

    let logout = client.request(
        "POST",
        "/api/auth/logout",
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        None,
    );
    assert_eq!(logout.status, 204);
    let after = client.request("GET", "/engine/local/_ping", &[("cookie", &cookie)], None);
    assert_eq!(after.status, 401);
}

#[test]
fn log_out_everywhere_ends_every_session() {
    let berth = Berth::start();
    berth.token_for("viewer");
    let (first, csrf) = sign_in(&berth, "viewer");
    let (second, _) = sign_in(&berth, "viewer");
    let client = berth.anonymous();
    let sessions = client.request("GET", "/api/account/sessions", &[("cookie", &first)], None);
    let listed = sessions.json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let current: Vec<_> = listed
        .iter()
        .filter(|session| session["current"] == true)
        .collect();
    assert_eq!(
        current.len(),
        1,
        "exactly the asking session is current: {listed:?}"
    );
    let reply = client.request(
        "POST",
        "/api/auth/logout-everywhere",
        &[("cookie", &first), ("x-csrf-token", &csrf)],
        None,
    );
    assert_eq!(reply.status, 204);
    for cookie in [&first, &second] {
        assert_eq!(
            client
                .request("GET", "/engine/local/_ping", &[("cookie", cookie)], None)
                .status,
            401
        );
    }
}

#[test]
fn sign_in_is_rate_limited() {
    let berth = Berth::start();
    let login = |password: &str| berth.anonymous().login("admin", password);
    for _ in 0..5 {
        let reply = login("not the password");
        assert_eq!(reply.status, 401);
        assert_eq!(reply.message(), "wrong user name or password");
    }
    let throttled = login(PASSWORD);
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    assert!(throttled.header("retry-after").is_some());
}

#[test]
fn first_run_set_up_needs_the_printed_token() {
    let (berth, token) = Berth::start_fresh();
    let client = berth.anonymous();
    let state = client.get("/api/auth/session");
    assert_eq!(
        state.json(),
        json!({"state": "signed_out", "setup_required": true})
    );
    let attempt = |setup_token: &str| {
        client.send_json(
            "POST",
            "/api/auth/setup",
            &json!({"setup_token": setup_token, "username": "root", "password": PASSWORD}),
        )
    };
    let wrong = attempt("guessed");
    assert_eq!(wrong.status, 403);
    assert!(wrong.message().contains("set-up token"));
    let right = attempt(&token);
    assert_eq!(right.status, 200, "{}", right.body);
    assert_eq!(right.json()["session"]["role"], "admin");
    assert_eq!(attempt(&token).status, 409);
    assert_eq!(
        client.get("/api/auth/session").json()["setup_required"],
        false
    );
}

#[test]
fn totp_enrolment_and_sign_in() {
    let berth = Berth::start();
    berth.token_for("operator");
    let (cookie, csrf) = sign_in(&berth, "operator");
    let client = berth.anonymous();
    let headers = [
        ("cookie", cookie.as_str()),
        ("x-csrf-token", csrf.as_str()),
        ("content-type", "application/json"),
    ];
    let confirmed = json!({ "password": PASSWORD }).to_string();
    let setup = client.request(
        "POST",
        "/api/account/totp/setup",
        &headers,
        Some(&confirmed),
    );
    assert_eq!(setup.status, 200, "{}", setup.body);
    let secret = setup.json()["secret"].as_str().unwrap().to_owned();
    let size = setup.json()["qr"]["size"].as_u64().unwrap();
    assert_eq!(
        setup.json()["qr"]["modules"].as_str().unwrap().len() as u64,
        size * size
    );
    assert!(
        setup.json()["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Berth:operator?secret=")
    );

    let wrong = client.request(
        "POST",
        "/api/account/totp/enable",
        &headers,
        Some(r#"{"code":"000000"}"#),
    );
    assert_eq!(wrong.status, 400);
    let code = totp_code(&secret, 0);
    let enabled = client.request(
        "POST",
        "/api/account/totp/enable",
        &headers,
        Some(&json!({"code": code}).to_string()),
    );
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    let recovery = enabled.json()["codes"][0].as_str().unwrap().to_owned();

    let login = |body: Value| client.send_json("POST", "/api/auth/login", &body);
    let first = login(json!({"username": "operator", "password": PASSWORD}));
    assert_eq!(first.json()["outcome"], "second_factor_required");
    let next_code = totp_code(&secret, 1);
    let signed_in =
        login(json!({"username": "operator", "password": PASSWORD, "totp_code": next_code}));
    assert_eq!(
        signed_in.json()["outcome"],
        "signed_in",
        "{}",
        signed_in.body
    );
    let replay =
        login(json!({"username": "operator", "password": PASSWORD, "totp_code": next_code}));
    assert_eq!(replay.status, 401, "a code works once");
    let by_recovery =
        login(json!({"username": "operator", "password": PASSWORD, "recovery_code": recovery}));
    assert_eq!(by_recovery.json()["outcome"], "signed_in");
}

/// The TOTP code for the step `offset` steps from now (RFC 6238, SHA-1, six digits), computed
/// here independently of Berth.
fn totp_code(secret: &str, offset: i64) -> String {
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import base64,hmac,hashlib,struct,sys,time\n\
             key=base64.b32decode(sys.argv[1]+'='*(-len(sys.argv[1])%8))\n\
             step=int(time.time())//30+int(sys.argv[2])\n\
             d=hmac.new(key,struct.pack('>q',step),hashlib.sha1).digest()\n\
             o=d[19]&15\n\
             print('%06d'%((struct.unpack('>I',d[o:o+4])[0]&0x7fffffff)%1000000))",
            secret,
            &offset.to_string(),
        ])
        .output()
        .expect("python3 runs");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn viewers_see_secret_environment_values_redacted() {
    let name = unique_name("redact");
    docker(&[
        "create",
        "--name",
        &name,
        "-e",
        "DB_PASSWORD=hunter2",
        "-e",
        "MODE=prod",
        "busybox:latest",
        "true",
    ]);
    let _cleanup = TestContainer { name: name.clone() };
    let berth = Berth::start();
    let path = format!("/engine/local/containers/{name}/json");
    let viewer = berth.with_token(&berth.token_for("viewer")).get(&path);
    let env = viewer.json()["Config"]["Env"].clone();
    assert!(
        env.as_array()
            .unwrap()
            .iter()
            .any(|e| e == "DB_PASSWORD=<redacted by Berth>"),
        "{env}"
    );
    assert!(
        env.as_array().unwrap().iter().any(|e| e == "MODE=prod"),
        "{env}"
    );
    let operator = berth.with_token(&berth.token_for("operator")).get(&path);
    assert!(operator.body.contains("DB_PASSWORD=hunter2"));
}

#[test]
fn the_docker_cli_runs_under_the_token_role_and_is_audited() {
    let berth = Berth::start();
    let name = unique_name("cli-role");
    let _cleanup = TestContainer { name: name.clone() };

    let (host, operator_config) = berth.docker_cli_config(&berth.token_for("operator"));
    docker_through(
        &host,
        operator_config.path(),
        &["create", "--name", &name, "busybox:latest", "true"],
    );

    let (host, viewer_config) = berth.docker_cli_config(&berth.token_for("viewer"));
    let listed = docker_through_output(
        &host,
        viewer_config.path(),
        &["ps", "-a", "--format", "{{.Names}}"],
    );
    assert!(
        String::from_utf8_lossy(&listed.stdout)
            .lines()
            .any(|line| line == name)
    );
    let removed = docker_through_output(&host, viewer_config.path(), &["rm", &name]);
    assert!(!removed.status.success());
    let stderr = String::from_utf8_lossy(&removed.stderr);
    assert!(
        stderr.contains("Berth denies ContainerDelete to viewer 'viewer': viewers may only read"),
        "{stderr}"
    );
    assert_eq!(
        docker(&["inspect", "-f", "{{.Name}}", &name]),
        format!("/{name}")
    );

    docker_through(&host, operator_config.path(), &["rm", &name]);

    let audit = berth.admin().get("/api/audit?limit=50").json();
    let events = audit["events"].as_array().unwrap();
    let find = |actor: &str, operation: &str, status: u64| {
        events.iter().any(|e| {
            e["actor"] == actor
                && e["operation"] == operation
                && e["status"] == status
                && e["source"] == "gateway"
        })
    };
    assert!(find("operator", "ContainerCreate", 201), "{audit}");
    assert!(find("viewer", "ContainerDelete", 403), "{audit}");
    assert!(find("operator", "ContainerDelete", 204), "{audit}");
    assert!(
        !events.iter().any(|e| e["operation"] == "ContainerList"),
        "reads are not audited"
    );
}

#[test]
fn only_admins_manage_users_and_read_the_audit_log() {
    let berth = Berth::start();
    let operator = berth.with_token(&berth.token_for("operator"));
    assert_eq!(operator.get("/api/users").status, 403);
    assert_eq!(operator.get("/api/audit").status, 403);
    let admin = berth.admin();
    let created = admin.post_json(
        "/api/users",
        &json!({"username": "dora", "role": "viewer", "password": PASSWORD}),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let duplicate = admin.post_json(
        "/api/users",
        &json!({"username": "DORA", "role": "viewer", "password": PASSWORD}),
    );
    assert_eq!(duplicate.status, 409);
    let weak = admin.post_json(
        "/api/users",
        &json!({"username": "eve", "role": "viewer", "password": "short"}),
    );
    assert_eq!(weak.status, 400);
    assert!(weak.message().starts_with("password"));
    let users = admin.get("/api/users").json();
    let admin_id = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "admin")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let last_admin = admin.delete(&format!("/api/users/{admin_id}"));
    assert_eq!(last_admin.status, 409);
    assert!(last_admin.message().contains("last admin"));
    let export = admin.get("/api/audit/export");
    assert_eq!(export.header("content-type"), Some("application/x-ndjson"));
    let lines: Vec<Value> = export
        .body
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|e| e["operation"] == "UserCreate" && e["status"] == 201)
    );
}

#[test]
fn tls_serves_https_with_secure_cookies() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    succeeded(made, "openssl req");
    let berth = Berth::start_with_args(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    assert!(berth.base.starts_with("https://"), "{}", berth.base);
    let output = std::process::Command::new("curl")
        .args([
            "-sk",
            "-D",
            "-",
            "-o",
            "/dev/null",
            "-H",
            "content-type: application/json",
            "--data",
        ])
        .arg(json!({"username": "admin", "password": PASSWORD}).to_string())
        .arg(format!("{}/api/auth/login", berth.base))
        .output()
        .expect("curl runs");
    let headers = String::from_utf8_lossy(&output.stdout);
    assert!(headers.starts_with("HTTP/1.1 200"), "{headers}");
    let cookie = headers
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie:"))
        .expect("a cookie");
    assert!(
        cookie.contains("__Host-berth_session=") && cookie.contains("Secure"),
        "{cookie}"
    );
}
