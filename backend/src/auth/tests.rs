//! The sign-in flows end to end on a real store: passwords, TOTP, recovery codes, sessions and tokens.

use super::*;
use crate::store::NewUser;
use axum::http::HeaderValue;

fn client() -> ClientInfo {
    ClientInfo {
        address: "127.0.0.1".into(),
        user_agent: "test".into(),
    }
}

async fn auth_with_user(totp: bool) -> (Auth, User) {
    let store = Store::in_memory().unwrap();
    let user = store
        .create_user(NewUser {
            username: "alice".into(),
            password_hash: password::hash("a long password").unwrap(),
            role: Role::Operator,
        })
        .await
        .unwrap();
    if totp {
        store
            .enable_totp(
                user.id,
                "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
                0,
                vec![sha256_hex("abcde12345")],
            )
            .await
            .unwrap();
    }
    (Auth::new(store, false, SessionPolicy::default()), user)
}

fn login(username: &str, password: &str) -> LoginRequest {
    LoginRequest {
        username: username.into(),
        password: password.into(),
        totp_code: None,
        recovery_code: None,
    }
}

#[tokio::test]
async fn a_session_cookie_authenticates_until_it_is_deleted() {
    let (auth, _) = auth_with_user(false).await;
    let LoginOutcome::SignedIn { token, session } = auth
        .login(login("alice", "a long password"), &client())
        .await
        .unwrap()
    else {
        panic!("expected a session");
    };
    assert_eq!(session.role, Role::Operator);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("berth_session={token}")).unwrap(),
    );
    let principal = auth.authenticate(&headers).await.unwrap().unwrap();
    assert_eq!(principal.username, "alice");
    let Credential::Session {
        id_hash,
        csrf_token,
        ..
    } = principal.credential
    else {
        panic!("expected a session credential");
    };
    assert_eq!(csrf_token, session.csrf_token);
    auth.store().delete_session(&id_hash).await.unwrap();
    assert!(matches!(
        auth.authenticate(&headers).await,
        Err(AuthError::SessionEnded)
    ));
}

#[tokio::test]
async fn wrong_passwords_fail_and_are_throttled() {
    let (auth, _) = auth_with_user(false).await;
    for _ in 0..rate_limit::PER_ACCOUNT {
        assert!(matches!(
            auth.login(login("alice", "wrong password!"), &client())
                .await,
            Err(LoginError::BadCredentials)
        ));
    }
    assert!(matches!(
        auth.login(login("alice", "a long password"), &client())
            .await,
        Err(LoginError::RateLimited(_))
    ));
    assert!(matches!(
        auth.login(login("nobody", "whatever it is"), &client())
            .await,
        Err(LoginError::BadCredentials)
    ));
}

#[tokio::test]
async fn totp_users_need_a_code_that_works_once() {
    let (auth, _) = auth_with_user(true).await;
    assert!(matches!(
        auth.login(login("alice", "a long password"), &client())
            .await
            .unwrap(),
        LoginOutcome::SecondFactorRequired
    ));
    let code = totp::code_at("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", totp::step_at(now())).unwrap();
    let mut request = login("alice", "a long password");
    request.totp_code = Some(code);
    assert!(matches!(
        auth.login(request.clone(), &client()).await.unwrap(),
        LoginOutcome::SignedIn { .. }
    ));
    assert!(
        matches!(
            auth.login(request, &client()).await,
            Err(LoginError::BadSecondFactor)
        ),
        "a code is single-use"
    );
    let mut recovery = login("alice", "a long password");
    recovery.recovery_code = Some("ABCDE-12345".into());
    assert!(matches!(
        auth.login(recovery.clone(), &client()).await.unwrap(),
        LoginOutcome::SignedIn { .. }
    ));
    assert!(matches!(
        auth.login(recovery, &client()).await,
        Err(LoginError::BadSecondFactor)
    ));
}

#[tokio::test]
async fn tokens_authenticate_until_revoked_or_expired() {
    let (auth, user) = auth_with_user(false).await;
    let token = new_api_token();
    let record = auth
        .store()
        .create_token(
            user.id,
            "ci".into(),
            sha256_hex(&token),
            token_display_prefix(&token),
            None,
        )
        .await
        .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    assert_eq!(
        auth.authenticate(&headers)
            .await
            .unwrap()
            .unwrap()
            .credential,
        Credential::Token { id: record.id }
    );
    auth.store().revoke_token(record.id, None).await.unwrap();
    assert!(matches!(
        auth.authenticate(&headers).await,
        Err(AuthError::RevokedToken)
    ));

    let expired = new_api_token();
    auth.store()
        .create_token(
            user.id,
            "old".into(),
            sha256_hex(&expired),
            token_display_prefix(&expired),
            Some(now() - 1),
        )
        .await
        .unwrap();
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {expired}")).unwrap(),
    );
    assert!(matches!(
        auth.authenticate(&headers).await,
        Err(AuthError::ExpiredToken)
    ));

    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_static("Basic YWxpY2U6cHc="),
    );
    assert!(matches!(
        auth.authenticate(&headers).await,
        Err(AuthError::Malformed)
    ));
}

#[tokio::test]
async fn the_setup_token_exists_only_before_the_first_user() {
    let store = Store::in_memory().unwrap();
    let auth = Auth::new(store, false, SessionPolicy::default());
    let token = auth.prepare_setup().await.unwrap().expect("no users yet");
    assert!(auth.setup_token_matches(&token));
    assert!(!auth.setup_token_matches("guess"));
    auth.finish_setup();
    assert!(!auth.setup_token_matches(&token));
}

#[test]
fn recovery_codes_look_alike_and_normalize() {
    let codes = new_recovery_codes();
    assert_eq!(codes.len(), 10);
    assert!(
        codes
            .iter()
            .all(|code| code.len() == 11 && code.as_bytes()[5] == b'-')
    );
    assert_eq!(normalize_recovery_code(" AbCdE-12345 "), "abcde12345");
}
