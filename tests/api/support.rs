//! The fixture: a fresh console in process, and requests to it.

use axum::body::Body;
use berth::AppState;
use berth::auth::{Auth, SessionPolicy};
use berth::config::Limits;
use berth::engine::Environments;
use berth::registries::Vault;
use berth::store::Store;
use berth::streams::Streams;
use http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// A console with no users yet, its set-up token, and a data directory for its vault.
pub struct TestApp {
    state: AppState,
    /// The one-time token `berth serve` would print.
    pub setup_token: String,
    _data_dir: tempfile::TempDir,
}

/// What the console answered.
#[derive(Debug)]
pub struct Reply {
    /// The status code.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as JSON (`Null` when empty or not JSON).
    pub json: Value,
}

impl Reply {
    /// The `{"message"}` of an error answer.
    pub fn message(&self) -> &str {
        self.json["message"].as_str().unwrap_or_default()
    }

    /// The session cookie (`name=value`) a sign-in set.
    pub fn session_cookie(&self) -> String {
        let set = self
            .headers
            .get(header::SET_COOKIE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_else(|| panic!("no Set-Cookie in {self:?}"));
        set.split(';').next().unwrap_or_default().to_owned()
    }
}

/// How a request proves who sends it.
#[derive(Debug, Clone, Default)]
pub enum As {
    /// No credentials.
    #[default]
    Nobody,
    /// A browser session: its cookie and, for changes, its CSRF token.
    Session {
        /// `name=value`.
        cookie: String,
        /// The token the UI sends in `X-CSRF-Token`, or `None` to leave it out.
        csrf: Option<String>,
    },
    /// An API token.
    Bearer(String),
}

impl TestApp {
    /// A fresh console whose engine is nowhere: no test here may need it.
    pub async fn new() -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let store = Store::in_memory().expect("an in-memory store");
        let auth = Auth::new(store, false, SessionPolicy::default());
        let setup_token = auth
            .prepare_setup()
            .await
            .expect("the store answers")
            .expect("no users yet, so a set-up token");
        let nowhere = "unix:///nonexistent/berth-api-test.sock".parse().unwrap();
        let state = AppState::new(
            Environments::local(nowhere),
            auth,
            Vault::new(data_dir.path()),
            data_dir.path(),
            Streams::new(Limits::default().max_streams_per_user),
        );
        Self {
            state,
            setup_token,
            _data_dir: data_dir,
        }
    }

    /// A console set up with an admin `admin`; returns it and the admin's session.
    pub async fn with_admin() -> (Self, As) {
        let app = Self::new().await;
        let reply = app
            .call(
                "POST",
                "/api/auth/setup",
                &As::Nobody,
                Some(serde_json::json!({
                    "setup_token": app.setup_token,
                    "username": "admin",
                    "password": PASSWORD,
                })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        let session = As::Session {
            cookie: reply.session_cookie(),
            csrf: reply.json["session"]["csrf_token"]
                .as_str()
                .map(str::to_owned),
        };
        (app, session)
    }

    /// Creates a user with `role` (named after it) as `admin`, and signs them in.
    pub async fn user(&self, admin: &As, role: &str) -> As {
        let created = self
            .call(
                "POST",
                "/api/users",
                admin,
                Some(serde_json::json!({"username": role, "role": role, "password": PASSWORD})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
        self.sign_in(role, PASSWORD).await
    }

    /// Signs in with a password; panics unless it works.
    pub async fn sign_in(&self, username: &str, password: &str) -> As {
        let reply = self.login(username, password).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        As::Session {
            cookie: reply.session_cookie(),
            csrf: reply.json["session"]["csrf_token"]
                .as_str()
                .map(str::to_owned),
        }
    }

    /// `POST /api/auth/login`.
    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.call(
            "POST",
            "/api/auth/login",
            &As::Nobody,
            Some(serde_json::json!({"username": username, "password": password})),
        )
        .await
    }

    /// Sends a request with a JSON body (when given) and reads the whole answer.
    pub async fn call(&self, method: &str, path: &str, who: &As, json: Option<Value>) -> Reply {
        self.send(method, path, who, &[], json).await
    }

    /// Like [`TestApp::call`], with extra headers.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        who: &As,
        extra: &[(&str, &str)],
        json: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "berth.test");
        match who {
            As::Nobody => {}
            As::Session { cookie, csrf } => {
                request = request.header(header::COOKIE, cookie);
                if let Some(csrf) = csrf {
                    request = request.header("x-csrf-token", csrf);
                }
            }
            As::Bearer(token) => {
                request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        let body = match json {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let response = berth::app(self.state.clone())
            .oneshot(request.body(body).expect("a valid request"))
            .await
            .expect("the service never fails");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("the body").to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    /// The audit log's operations, oldest first, as the admin sees them.
    pub async fn audited(&self, admin: &As) -> Vec<(String, Option<String>, u64)> {
        let reply = self.call("GET", "/api/audit", admin, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        let mut events: Vec<_> = reply.json["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|event| {
                (
                    event["operation"].as_str().unwrap_or_default().to_owned(),
                    event["actor"].as_str().map(str::to_owned),
                    event["status"].as_u64().unwrap_or_default(),
                )
            })
            .collect();
        events.reverse();
        events
    }
}
