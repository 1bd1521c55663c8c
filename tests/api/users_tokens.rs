//! Users, API tokens and the audit log: who may manage what, and that every change is recorded.

use http::StatusCode;

use crate::support::{As, PASSWORD, TestApp};

#[tokio::test]
async fn only_admins_manage_users_and_the_last_admin_stays() {
    let (app, admin) = TestApp::with_admin().await;
    let operator = app.user(&admin, "operator").await;
    let viewer = app.user(&admin, "viewer").await;

    let listed = app.call("GET", "/api/users", &admin, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    let mut names: Vec<_> = listed
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|user| {
            (
                user["username"].as_str().unwrap(),
                user["role"].as_str().unwrap(),
            )
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("admin", "admin"),
            ("operator", "operator"),
            ("viewer", "viewer")
        ]
    );
    for who in [&operator, &viewer] {
        let denied = app.call("GET", "/api/users", who, None).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{denied:?}");
        assert!(denied.message().contains("admin"), "{denied:?}");
        let create = serde_json::json!({"username": "x", "role": "admin", "password": PASSWORD});
        let denied = app.call("POST", "/api/users", who, Some(create)).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{denied:?}");
    }

    let taken = serde_json::json!({"username": "viewer", "role": "viewer", "password": PASSWORD});
    let taken = app.call("POST", "/api/users", &admin, Some(taken)).await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{taken:?}");
    let weak = serde_json::json!({"username": "weak", "role": "viewer", "password": "short"});
    let weak = app.call("POST", "/api/users", &admin, Some(weak)).await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST, "{weak:?}");
    assert!(weak.message().starts_with("password"), "{weak:?}");

    let admin_id = listed
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["username"] == "admin")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let demote = app
        .call(
            "PATCH",
            &format!("/api/users/{admin_id}"),
            &admin,
            Some(serde_json::json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT, "{demote:?}");
    let remove = app
        .call("DELETE", &format!("/api/users/{admin_id}"), &admin, None)
        .await;
    assert_eq!(remove.status, StatusCode::CONFLICT, "{remove:?}");
}

#[tokio::test]
async fn a_token_carries_its_owner_and_stops_working_when_revoked() {
    let (app, admin) = TestApp::with_admin().await;
    let operator = app.user(&admin, "operator").await;
    let created = app
        .call(
            "POST",
            "/api/tokens",
            &operator,
            Some(serde_json::json!({"name": "ci", "expires_in_days": 7, "password": PASSWORD})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let secret = created.json["secret"].as_str().unwrap().to_owned();
    let id = created.json["token"]["id"].as_i64().unwrap();
    assert_eq!(created.json["token"]["username"], "operator");
    assert!(created.json["token"]["expires_at"].is_i64(), "{created:?}");
    let bearer = As::Bearer(secret.clone());

    let own = app.call("GET", "/api/tokens", &bearer, None).await;
    assert_eq!(own.status, StatusCode::OK, "{own:?}");
    assert_eq!(own.json.as_array().map(Vec::len), Some(1), "{own:?}");
    assert!(
        !own.json.to_string().contains(&secret),
        "the secret is shown only once"
    );
    let everyone = app.call("GET", "/api/tokens?all=true", &bearer, None).await;
    assert_eq!(everyone.status, StatusCode::FORBIDDEN, "{everyone:?}");
    let everyone = app.call("GET", "/api/tokens?all=true", &admin, None).await;
    assert_eq!(
        everyone.json.as_array().map(Vec::len),
        Some(1),
        "{everyone:?}"
    );

    let revoked = app
        .call("DELETE", &format!("/api/tokens/{id}"), &admin, None)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{revoked:?}");
    let after = app.call("GET", "/api/tokens", &bearer, None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{after:?}");
}

#[tokio::test]
async fn the_audit_log_records_console_changes_for_admins_only() {
    let (app, admin) = TestApp::with_admin().await;
    let viewer = app.user(&admin, "viewer").await;
    let denied = app.call("GET", "/api/audit", &viewer, None).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{denied:?}");
    let denied = app.call("GET", "/api/audit/export", &viewer, None).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{denied:?}");

    let operations: Vec<_> = app
        .audited(&admin)
        .await
        .into_iter()
        .map(|(operation, actor, status)| (operation, actor.unwrap_or_default(), status))
        .collect();
    let expected = [
        ("Setup", "admin", 200),
        ("UserCreate", "admin", 201),
        ("Login", "viewer", 200),
    ];
    assert_eq!(
        operations,
        expected.map(|(operation, actor, status)| (operation.to_owned(), actor.to_owned(), status))
    );
    let filtered = app
        .call("GET", "/api/audit?operation=Login", &admin, None)
        .await;
    assert_eq!(filtered.json["events"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_certificate_is_made_once_with_the_password_and_listed_and_revoked_as_a_token() {
    let (app, admin) = TestApp::with_admin().await;
    let operator = app.user(&admin, "operator").await;
    let request = |password: &str| serde_json::json!({"name": "laptop tls", "expires_in_days": 30, "password": password});
    let refused = app
        .call(
            "POST",
            "/api/account/certificates",
            &operator,
            Some(request("not the password")),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{refused:?}");
    let bad = app
        .call(
            "POST",
            "/api/account/certificates",
            &operator,
            Some(serde_json::json!({"name": "x", "expires_in_days": 0, "password": PASSWORD})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{bad:?}");

    let created = app
        .call(
            "POST",
            "/api/account/certificates",
            &operator,
            Some(request(PASSWORD)),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    assert_eq!(created.json["token"]["kind"], "certificate");
    assert_eq!(created.json["token"]["username"], "operator");
    for file in ["ca_pem", "cert_pem"] {
        assert!(
            created.json[file]
                .as_str()
                .unwrap()
                .starts_with("-----BEGIN CERTIFICATE-----"),
            "{file}"
        );
    }
    let key = created.json["key_pem"].as_str().unwrap().to_owned();
    assert!(key.contains("PRIVATE KEY"));
    let id = created.json["token"]["id"].as_i64().unwrap();
    let prefix = created.json["token"]["prefix"].as_str().unwrap().to_owned();
    assert!(prefix.starts_with("sha256:"), "{prefix}");

    let same_name = app
        .call(
            "POST",
            "/api/account/certificates",
            &operator,
            Some(request(PASSWORD)),
        )
        .await;
    assert_eq!(same_name.status, StatusCode::CONFLICT, "{same_name:?}");

    let listed = app.call("GET", "/api/tokens", &operator, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    let rows = listed.json.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{listed:?}");
    assert_eq!(rows[0]["kind"], "certificate");
    assert!(
        !listed.json.to_string().contains(&key),
        "the key is shown once"
    );

    let revoked = app
        .call("DELETE", &format!("/api/tokens/{id}"), &operator, None)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{revoked:?}");
    let listed = app.call("GET", "/api/tokens", &operator, None).await;
    assert!(listed.json[0]["revoked_at"].is_i64(), "{listed:?}");
    let audited: Vec<_> = app
        .audited(&admin)
        .await
        .into_iter()
        .map(|(operation, _, status)| (operation, status))
        .collect();
    assert!(
        audited.contains(&("CertificateCreate".to_owned(), 201)),
        "{audited:?}"
    );
}
