//! `/api/environments` in process: only admins manage environments, the checks refuse what
//! cannot work, and a saved environment is at once in the health list and behind the gateway,
//! with the gateway's deny-by-default policy; an SSH environment saved offline keeps the host
//! key pinned up front and never shows its private key. Its engine is nowhere: reaching real
//! engines is `tests/integration/environments.rs` (and `ssh.rs`).

use http::StatusCode;
use serde_json::json;

use crate::support::{As, TestApp};

/// A unix socket where no engine listens, so the check fails fast.
const NOWHERE: &str = "unix:///nonexistent/berth-api-env.sock";

#[tokio::test]
async fn only_admins_manage_environments() {
    let (app, admin) = TestApp::with_admin().await;
    let body = json!({"name": "NAS", "docker_host": NOWHERE, "offline_ok": true});
    for role in ["viewer", "operator"] {
        let who = app.user(&admin, role).await;
        for (method, path, body) in [
            ("GET", "/api/environments", None),
            ("POST", "/api/environments", Some(body.clone())),
            ("PUT", "/api/environments/nas", Some(body.clone())),
            ("DELETE", "/api/environments/nas", None),
        ] {
            let reply = app.call(method, path, &who, body).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{role} {method}: {reply:?}"
            );
            assert!(reply.message().contains("admin role"), "{reply:?}");
        }
    }
    let anonymous = app
        .call("GET", "/api/environments", &As::Nobody, None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let list = app.call("GET", "/api/environments", &admin, None).await;
    assert_eq!(list.status, StatusCode::OK, "{list:?}");
    assert_eq!(list.json.as_array().map(Vec::len), Some(1), "{list:?}");
    assert_eq!(list.json[0]["id"], "local");
    assert_eq!(list.json[0]["local"], true);
}

#[tokio::test]
async fn the_checks_name_what_is_wrong() {
    let (app, admin) = TestApp::with_admin().await;
    let post = |body| app.call("POST", "/api/environments", &admin, Some(body));
    let offline = post(json!({"name": "NAS", "docker_host": NOWHERE})).await;
    assert_eq!(offline.status, StatusCode::BAD_REQUEST, "{offline:?}");
    assert!(
        offline.message().contains("cannot reach the engine"),
        "{offline:?}"
    );
    assert!(
        offline.message().contains("no engine socket"),
        "{offline:?}"
    );

    let plain = post(json!({"name": "Lab", "docker_host": "tcp://127.0.0.1:9"})).await;
    assert_eq!(plain.status, StatusCode::BAD_REQUEST, "{plain:?}");
    assert!(plain.message().contains("is plain TCP"), "{plain:?}");

    let reserved = post(json!({"name": "x", "id": "local", "docker_host": NOWHERE})).await;
    assert_eq!(reserved.status, StatusCode::BAD_REQUEST, "{reserved:?}");
    let ssh = post(json!({"name": "x", "docker_host": "ssh://me@host"})).await;
    assert_eq!(ssh.status, StatusCode::BAD_REQUEST, "{ssh:?}");
    assert!(ssh.message().contains("private key"), "{ssh:?}");
    let garbled = post(json!({"name": "x", "docker_host": "ssh://me@host",
        "ssh": {"private_key_pem": "not a key"}}))
    .await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST, "{garbled:?}");
    assert!(garbled.message().contains("cannot be read"), "{garbled:?}");
    let closed = format!("ssh://me@127.0.0.1:{}", closed_port());
    let unpinned = post(
        json!({"name": "x", "docker_host": closed, "offline_ok": true,
        "ssh": {"private_key_pem": ssh_key()}}),
    )
    .await;
    assert_eq!(unpinned.status, StatusCode::BAD_REQUEST, "{unpinned:?}");
    assert!(
        unpinned.message().contains("pin its host key"),
        "{unpinned:?}"
    );
    let local = app
        .call("DELETE", "/api/environments/local", &admin, None)
        .await;
    assert_eq!(local.status, StatusCode::BAD_REQUEST, "{local:?}");
    assert!(local.message().contains("--docker-host"), "{local:?}");

    let list = app.call("GET", "/api/environments", &admin, None).await;
    assert_eq!(
        list.json.as_array().map(Vec::len),
        Some(1),
        "nothing saved: {list:?}"
    );
}

/// An OpenSSH private key, made from a fixed seed.
fn ssh_key() -> String {
    use russh::keys::ssh_key::{LineEnding, PrivateKey, private::Ed25519Keypair};
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&[9; 32]));
    key.to_openssh(LineEnding::LF).unwrap().to_string()
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn an_ssh_environment_saved_offline_keeps_its_pin_and_never_its_key() {
    let (app, admin) = TestApp::with_admin().await;
    let pin = format!("SHA256:{}", "k".repeat(43));
    let body = json!({"name": "Far", "offline_ok": true,
        "docker_host": format!("ssh://docker@127.0.0.1:{}", closed_port()),
        "ssh": {"private_key_pem": ssh_key(), "socket": "/run/docker.sock", "host_key": pin}});
    let saved = app
        .call("POST", "/api/environments", &admin, Some(body))
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{saved:?}");
    let view = &saved.json["environment"];
    assert_eq!(view["transport"], "ssh", "{saved:?}");
    assert_eq!(view["host_key"], pin.as_str(), "{saved:?}");
    assert_eq!(view["ssh_socket"], "/run/docker.sock", "{saved:?}");
    assert!(saved.json["offline"].is_string(), "{saved:?}");
    let list = app.call("GET", "/api/environments", &admin, None).await;
    assert!(
        !format!("{:?}", list.json).contains("PRIVATE KEY"),
        "{list:?}"
    );
    let audit = app.call("GET", "/api/audit", &admin, None).await;
    assert!(
        !format!("{:?}", audit.json).contains("PRIVATE KEY"),
        "{audit:?}"
    );
}

#[tokio::test]
async fn a_saved_environment_is_served_until_it_is_removed() {
    let (app, admin) = TestApp::with_admin().await;
    let viewer = app.user(&admin, "viewer").await;
    let created = app
        .call(
            "POST",
            "/api/environments",
            &admin,
            Some(json!({
                "name": "Lab box",
                "description": "the lab",
                "tags": ["lab"],
                "docker_host": "tcp://127.0.0.1:9",
                "insecure": true,
                "offline_ok": true,
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let environment = &created.json["environment"];
    assert_eq!(environment["id"], "lab-box");
    assert_eq!(environment["transport"], "tcp");
    assert_eq!(environment["insecure"], true);
    assert!(created.json["offline"].is_string(), "{created:?}");

    let duplicate = app
        .call(
            "POST",
            "/api/environments",
            &admin,
            Some(json!({"name": "lab box", "id": "other", "docker_host": NOWHERE, "offline_ok": true})),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{duplicate:?}");

    // The UI's environment list says what it is and that it is insecure.
    let health = app.call("GET", "/api/health", &viewer, None).await;
    let listed = health.json["environments"]
        .as_array()
        .and_then(|all| all.iter().find(|one| one["id"] == "lab-box").cloned())
        .unwrap_or_else(|| panic!("lab-box is not in {health:?}"));
    assert_eq!(listed["name"], "Lab box");
    assert_eq!(listed["transport"], "tcp");
    assert_eq!(listed["insecure"], true);
    assert_eq!(listed["reachable"], false);

    // The gateway knows it, and its deny-by-default policy holds there as on `local`.
    let ping = app.call("GET", "/engine/lab-box/_ping", &admin, None).await;
    assert_eq!(ping.status, StatusCode::BAD_GATEWAY, "{ping:?}");
    let create = app
        .call(
            "POST",
            "/engine/lab-box/v1.41/containers/create",
            &viewer,
            Some(json!({"Image": "busybox"})),
        )
        .await;
    assert_eq!(create.status, StatusCode::FORBIDDEN, "{create:?}");
    let unknown = app
        .call(
            "GET",
            "/engine/lab-box/v1.41/no/such/operation",
            &admin,
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::FORBIDDEN, "{unknown:?}");

    let renamed = app
        .call(
            "PUT",
            "/api/environments/lab-box",
            &admin,
            Some(json!({
                "name": "Lab",
                "docker_host": "tcp://127.0.0.1:9",
                "insecure": true,
            })),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{renamed:?}");
    assert_eq!(renamed.json["environment"]["name"], "Lab");
    assert_eq!(renamed.json["environment"]["id"], "lab-box");
    assert!(
        renamed.json["offline"].is_null(),
        "the address stayed, so the engine was not checked: {renamed:?}"
    );
    // A new address is checked again before it is saved.
    let moved = app
        .call(
            "PUT",
            "/api/environments/lab-box",
            &admin,
            Some(json!({"name": "Lab", "docker_host": NOWHERE})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::BAD_REQUEST, "{moved:?}");
    assert!(
        moved.message().contains("cannot reach the engine"),
        "{moved:?}"
    );
    let kept = app.call("GET", "/api/environments", &admin, None).await;
    assert_eq!(kept.json[1]["docker_host"], "tcp://127.0.0.1:9", "{kept:?}");

    let removed = app
        .call("DELETE", "/api/environments/lab-box", &admin, None)
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{removed:?}");
    let gone = app.call("GET", "/engine/lab-box/_ping", &admin, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{gone:?}");
    assert_eq!(gone.message(), "no such environment: lab-box");

    let audit = app
        .call(
            "GET",
            "/api/audit?operation=EnvironmentCreate",
            &admin,
            None,
        )
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{audit:?}");
    let events = audit.json["events"].as_array().cloned().unwrap_or_default();
    assert!(
        events
            .iter()
            .any(|event| event["environment"] == "lab-box" && event["status"] == 201),
        "{audit:?}"
    );
}
