//! Set-up, sign-in, sessions and the checks on cookie-authenticated requests.

use http::StatusCode;

use crate::support::{As, PASSWORD, TestApp};

#[tokio::test]
async fn set_up_needs_the_printed_token_and_happens_once() {
    let app = TestApp::new().await;
    let session = app
        .call("GET", "/api/auth/session", &As::Nobody, None)
        .await;
    assert_eq!(session.json["state"], "signed_out");
    assert_eq!(session.json["setup_required"], true);

    let set_up = async |token: &str| {
        let body =
            serde_json::json!({"setup_token": token, "username": "admin", "password": PASSWORD});
        app.call("POST", "/api/auth/setup", &As::Nobody, Some(body))
            .await
    };
    let wrong = set_up("guess").await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{wrong:?}");
    assert!(wrong.message().contains("set-up token"), "{wrong:?}");

    let done = set_up(&app.setup_token).await;
    assert_eq!(done.status, StatusCode::OK, "{done:?}");
    assert_eq!(done.json["session"]["role"], "admin");
    let admin = As::Session {
        cookie: done.session_cookie(),
        csrf: None,
    };
    let again = set_up(&app.setup_token).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{again:?}");

    let session = app.call("GET", "/api/auth/session", &admin, None).await;
    assert_eq!(session.json["state"], "signed_in", "{session:?}");
    assert_eq!(session.json["username"], "admin");
    assert!(
        session.json["csrf_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{session:?}"
    );
}

#[tokio::test]
async fn sign_in_checks_the_password_and_audits_both_outcomes() {
    let (app, admin) = TestApp::with_admin().await;
    let wrong = app.login("admin", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{wrong:?}");
    assert!(wrong.headers.get(http::header::SET_COOKIE).is_none());
    let unknown = app.login("nobody", PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{unknown:?}");
    assert_eq!(
        unknown.message(),
        wrong.message(),
        "an unknown user is told the same as a wrong password"
    );
    app.sign_in("admin", PASSWORD).await;

    let logins: Vec<_> = app
        .audited(&admin)
        .await
        .into_iter()
        .filter(|(operation, ..)| operation == "Login")
        .collect();
    assert_eq!(
        logins,
        [
            ("Login".to_owned(), Some("admin".to_owned()), 401),
            ("Login".to_owned(), Some("nobody".to_owned()), 401),
            ("Login".to_owned(), Some("admin".to_owned()), 200),
        ]
    );
}

#[tokio::test]
async fn sign_in_and_set_up_refuse_other_sites() {
    let app = TestApp::new().await;
    let login = serde_json::json!({"username": "admin", "password": PASSWORD});
    let setup = serde_json::json!({
        "setup_token": app.setup_token,
        "username": "admin",
        "password": PASSWORD,
    });
    for (path, body) in [("/api/auth/login", login), ("/api/auth/setup", setup)] {
        let reply = app
            .send(
                "POST",
                path,
                &As::Nobody,
                &[("origin", "https://evil.example")],
                Some(body),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}: {reply:?}");
        assert!(reply.message().contains("cross-origin"), "{reply:?}");
    }
    let session = app
        .call("GET", "/api/auth/session", &As::Nobody, None)
        .await;
    assert_eq!(session.json["setup_required"], true, "no set-up happened");
}

#[tokio::test]
async fn cookie_sessions_change_state_only_with_their_csrf_token() {
    let (app, admin) = TestApp::with_admin().await;
    let As::Session { cookie, csrf } = admin.clone() else {
        unreachable!("with_admin signs in with a session")
    };
    let token = serde_json::json!({"name": "ci", "password": PASSWORD});
    let without = As::Session {
        cookie: cookie.clone(),
        csrf: None,
    };
    let forged = As::Session {
        cookie: cookie.clone(),
        csrf: Some("forged".to_owned()),
    };
    for who in [&without, &forged] {
        let reply = app
            .call("POST", "/api/tokens", who, Some(token.clone()))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{reply:?}");
        assert!(reply.message().contains("CSRF"), "{reply:?}");
    }
    // Reading needs no CSRF token; changing with the right one works.
    let listed = app.call("GET", "/api/tokens", &without, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    assert_eq!(listed.json, serde_json::json!([]));
    let created = app.call("POST", "/api/tokens", &admin, Some(token)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    assert!(csrf.is_some());

    // An API token is no cookie, so it needs no CSRF token.
    let bearer = As::Bearer(created.json["secret"].as_str().unwrap().to_owned());
    let another = app
        .call(
            "POST",
            "/api/tokens",
            &bearer,
            Some(serde_json::json!({"name": "two"})),
        )
        .await;
    assert_eq!(another.status, StatusCode::CREATED, "{another:?}");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let (app, admin) = TestApp::with_admin().await;
    let out = app.call("POST", "/api/auth/logout", &admin, None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{out:?}");
    let session = app.call("GET", "/api/auth/session", &admin, None).await;
    assert_eq!(session.json["state"], "signed_out", "{session:?}");
    let users = app.call("GET", "/api/users", &admin, None).await;
    assert_eq!(users.status, StatusCode::UNAUTHORIZED, "{users:?}");
}

#[tokio::test]
async fn errors_are_json_messages_with_the_right_status() {
    let (app, admin) = TestApp::with_admin().await;
    let missing = app.call("GET", "/api/no-such-endpoint", &admin, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.message().contains("/api/no-such-endpoint"),
        "{missing:?}"
    );

    let anonymous = app.call("GET", "/api/users", &As::Nobody, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{anonymous:?}");
    assert!(!anonymous.message().is_empty());

    let not_json = app
        .send(
            "POST",
            "/api/auth/login",
            &As::Nobody,
            &[("content-type", "text/plain")],
            None,
        )
        .await;
    assert_eq!(
        not_json.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{not_json:?}"
    );

    let bad_token = app
        .call(
            "GET",
            "/api/users",
            &As::Bearer("not-a-berth-token".into()),
            None,
        )
        .await;
    assert_eq!(bad_token.status, StatusCode::UNAUTHORIZED, "{bad_token:?}");
}
