//! Access per environment in process: only admins read and change grants, a grant of `none`
//! makes an environment absent from health and the home page's cards and the same 404 as a
//! missing one at the gateway and the console's per-environment API, a grant raises or lowers
//! the role in its environment only, and every change is audited with the user and the
//! environment. Against a real engine: `tests/integration/grants.rs`.

use berth_shared::access::Role;
use berth_shared::api::Health;
use http::StatusCode;
use serde_json::json;

use crate::support::{As, TestApp};

/// The user id of `username`, as an admin sees it.
async fn user_id(app: &TestApp, admin: &As, username: &str) -> i64 {
    let users = app.call("GET", "/api/users", admin, None).await;
    users
        .json
        .as_array()
        .into_iter()
        .flatten()
        .find(|user| user["username"] == username)
        .and_then(|user| user["id"].as_i64())
        .unwrap_or_else(|| panic!("no {username} in {users:?}"))
}

/// The environments `who` sees in `/api/health`, with their role there.
async fn visible(app: &TestApp, who: &As) -> Vec<(String, Option<Role>)> {
    let health = app.call("GET", "/api/health", who, None).await;
    assert_eq!(health.status, StatusCode::OK, "{health:?}");
    let health: Health = serde_json::from_value(health.json).expect("a health answer");
    health
        .environments
        .into_iter()
        .map(|env| (env.id, env.role))
        .collect()
}

/// Saves an environment whose engine is nowhere (offline), id `lab`.
async fn lab(app: &TestApp, admin: &As) {
    let created = app
        .call(
            "POST",
            "/api/environments",
            admin,
            Some(json!({"name": "lab", "docker_host": "tcp://127.0.0.1:9", "insecure": true, "offline_ok": true})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
}

#[tokio::test]
async fn only_admins_read_and_change_grants() {
    let (app, admin) = TestApp::with_admin().await;
    let operator = app.user(&admin, "operator").await;
    let id = user_id(&app, &admin, "operator").await;
    for (method, path, body) in [
        ("GET", format!("/api/users/{id}/grants"), None),
        (
            "PUT",
            format!("/api/users/{id}/grants/local"),
            Some(json!({"role": "admin"})),
        ),
        ("DELETE", format!("/api/users/{id}/grants/local"), None),
    ] {
        let reply = app.call(method, &path, &operator, body).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {reply:?}"
        );
        assert!(reply.message().contains("admin role"), "{reply:?}");
        let anonymous = app.call(method, &path, &As::Nobody, None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{anonymous:?}");
    }
    let none = app
        .call("GET", &format!("/api/users/{id}/grants"), &admin, None)
        .await;
    assert_eq!(none.status, StatusCode::OK, "{none:?}");
    assert_eq!(none.json, json!([]));

    let unknown = app
        .call(
            "PUT",
            &format!("/api/users/{id}/grants/nas"),
            &admin,
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{unknown:?}");
    assert_eq!(unknown.message(), "no such environment: nas");
    let bad = app
        .call(
            "PUT",
            &format!("/api/users/{id}/grants/local"),
            &admin,
            Some(json!({"role": "root"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{bad:?}");
    let nobody = app
        .call(
            "PUT",
            "/api/users/999/grants/local",
            &admin,
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND, "{nobody:?}");

    let set = app
        .call(
            "PUT",
            &format!("/api/users/{id}/grants/local"),
            &admin,
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{set:?}");
    assert_eq!(set.json, json!({"environment": "local", "role": "viewer"}));
    let listed = app
        .call("GET", &format!("/api/users/{id}/grants"), &admin, None)
        .await;
    assert_eq!(
        listed.json,
        json!([{"environment": "local", "role": "viewer"}])
    );
    // The operator's own view of local says viewer now; their global role is unchanged.
    assert_eq!(
        visible(&app, &operator).await,
        vec![("local".to_owned(), Some(Role::Viewer))]
    );
    let users = app.call("GET", "/api/users", &admin, None).await;
    assert!(
        users
            .json
            .as_array()
            .into_iter()
            .flatten()
            .any(|user| user["username"] == "operator" && user["role"] == "operator"),
        "{users:?}"
    );

    let removed = app
        .call(
            "DELETE",
            &format!("/api/users/{id}/grants/local"),
            &admin,
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{removed:?}");
    assert_eq!(
        visible(&app, &operator).await,
        vec![("local".to_owned(), Some(Role::Operator))]
    );

    let audit = app
        .call("GET", "/api/audit?operation=UserGrant", &admin, None)
        .await;
    let events = audit.json["events"].as_array().cloned().unwrap_or_default();
    assert!(
        events.iter().any(|event| event["environment"] == "local"
            && event["target"] == "operator: role viewer"
            && event["actor"] == "admin"
            && event["status"] == 200),
        "{audit:?}"
    );
    let audit = app
        .call("GET", "/api/audit?operation=UserGrantRemove", &admin, None)
        .await;
    let events = audit.json["events"].as_array().cloned().unwrap_or_default();
    assert!(
        events.iter().any(|event| event["environment"] == "local"
            && event["target"] == "operator: global role (operator)"
            && event["status"] == 204),
        "{audit:?}"
    );
}

#[tokio::test]
async fn an_environment_without_access_does_not_exist_for_the_user() {
    let (app, admin) = TestApp::with_admin().await;
    lab(&app, &admin).await;
    let operator = app.user(&admin, "operator").await;
    let id = user_id(&app, &admin, "operator").await;
    let put = app
        .call(
            "PUT",
            &format!("/api/users/{id}/grants/lab"),
            &admin,
            Some(json!({"role": "none"})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{put:?}");

    assert_eq!(
        visible(&app, &operator).await,
        vec![("local".to_owned(), Some(Role::Operator))]
    );
    let missing = app
        .call("GET", "/engine/nowhere/_ping", &operator, None)
        .await;
    for (method, path, body) in [
        ("GET", "/engine/lab/_ping", None),
        (
            "POST",
            "/engine/lab/v1.41/containers/create",
            Some(json!({"Image": "busybox"})),
        ),
        ("GET", "/api/env/lab/guardrails", None),
        ("POST", "/api/env/lab/containers/abc/reveal", None),
        ("POST", "/api/env/lab/volumes/data/browse", None),
        ("POST", "/api/env/lab/volume-browsers/abc/keepalive", None),
        ("DELETE", "/api/env/lab/volume-browsers/abc", None),
        ("POST", "/api/overview/lab/retry", None),
    ] {
        let reply = app.call(method, path, &operator, body).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {reply:?}"
        );
        assert_eq!(
            reply.message(),
            "no such environment: lab",
            "{method} {path}"
        );
    }
    // The home page's cards leave it out too.
    let overview = app.call("GET", "/api/overview", &operator, None).await;
    assert_eq!(overview.status, StatusCode::OK, "{overview:?}");
    let cards: Vec<_> = overview.json["environments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|card| card["id"].clone())
        .collect();
    assert_eq!(cards, vec![json!("local")], "{overview:?}");
    assert_eq!(
        missing.message(),
        "no such environment: nowhere",
        "the same answer: {missing:?}"
    );
    // A registry check in an environment the admin may not see is the same 404.
    let admin_id = user_id(&app, &admin, "admin").await;
    let hidden = app
        .call(
            "PUT",
            &format!("/api/users/{admin_id}/grants/lab"),
            &admin,
            Some(json!({"role": "none"})),
        )
        .await;
    assert_eq!(hidden.status, StatusCode::OK, "{hidden:?}");
    let registry = app
        .call(
            "POST",
            "/api/registries",
            &admin,
            Some(json!({"name": "r", "address": "127.0.0.1:9", "username": "u", "password": "p", "environment": "lab"})),
        )
        .await;
    assert_eq!(registry.status, StatusCode::NOT_FOUND, "{registry:?}");
    assert_eq!(registry.message(), "no such environment: lab");
    // Console administration stays with global admins: the environment is still theirs to manage.
    let environments = app.call("GET", "/api/environments", &admin, None).await;
    assert!(
        environments
            .json
            .as_array()
            .into_iter()
            .flatten()
            .any(|env| env["id"] == "lab"),
        "{environments:?}"
    );

    // Removing the environment removes its grants.
    let removed = app
        .call("DELETE", "/api/environments/lab", &admin, None)
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{removed:?}");
    let grants = app
        .call("GET", &format!("/api/users/{id}/grants"), &admin, None)
        .await;
    assert_eq!(grants.json, json!([]), "{grants:?}");
}

#[tokio::test]
async fn a_grant_sets_the_role_in_its_environment_only() {
    let (app, admin) = TestApp::with_admin().await;
    lab(&app, &admin).await;
    let viewer = app.user(&admin, "viewer").await;
    let id = user_id(&app, &admin, "viewer").await;
    let put = app
        .call(
            "PUT",
            &format!("/api/users/{id}/grants/lab"),
            &admin,
            Some(json!({"role": "operator"})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{put:?}");
    assert_eq!(
        visible(&app, &viewer).await,
        vec![
            ("local".to_owned(), Some(Role::Viewer)),
            ("lab".to_owned(), Some(Role::Operator))
        ]
    );
    let create = json!({"Image": "busybox"});
    let on_local = app
        .call(
            "POST",
            "/engine/local/v1.41/containers/create",
            &viewer,
            Some(create.clone()),
        )
        .await;
    assert_eq!(on_local.status, StatusCode::FORBIDDEN, "{on_local:?}");
    // In lab the policy lets the operator through; its engine is nowhere.
    let on_lab = app
        .call(
            "POST",
            "/engine/lab/v1.41/containers/create",
            &viewer,
            Some(create),
        )
        .await;
    assert_eq!(on_lab.status, StatusCode::BAD_GATEWAY, "{on_lab:?}");
    // The refusal on local is audited as the viewer there; the attempt on lab as the operator.
    let audit = app
        .call("GET", "/api/audit?operation=ContainerCreate", &admin, None)
        .await;
    let events = audit.json["events"].as_array().cloned().unwrap_or_default();
    assert!(
        events
            .iter()
            .any(|e| e["environment"] == "local" && e["role"] == "viewer" && e["status"] == 403),
        "{audit:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["environment"] == "lab" && e["role"] == "operator"),
        "{audit:?}"
    );

    // An admin by grant administers the engine, not the console.
    let put = app
        .call(
            "PUT",
            &format!("/api/users/{id}/grants/lab"),
            &admin,
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{put:?}");
    let users = app.call("GET", "/api/users", &viewer, None).await;
    assert_eq!(users.status, StatusCode::FORBIDDEN, "{users:?}");
    let guardrails = app
        .call("PUT", "/api/env/lab/guardrails", &viewer, Some(json!({})))
        .await;
    assert_eq!(guardrails.status, StatusCode::FORBIDDEN, "{guardrails:?}");
    let swarm = app
        .call("POST", "/engine/lab/v1.41/swarm/leave", &viewer, None)
        .await;
    assert_eq!(
        swarm.status,
        StatusCode::BAD_GATEWAY,
        "admin engine operations pass: {swarm:?}"
    );
    let swarm = app
        .call("POST", "/engine/local/v1.41/swarm/leave", &viewer, None)
        .await;
    assert_eq!(swarm.status, StatusCode::FORBIDDEN, "{swarm:?}");
}
