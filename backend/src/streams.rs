//! Long-lived streams: event and log follows, stats streams, waits, hijacked attach and exec
//! sessions, and browser terminals.
//!
//! Each one is registered under its user, the credential it was opened with and its
//! environment, so that (1) one user cannot hold more than a set number open at once, (2)
//! signing out, a password change, a role change (global, or the user's grant for the stream's
//! environment), deleting the user or revoking the token ends them at once, instead of leaving a revoked user attached to a container's shell, and (3)
//! removing an environment, or moving it to another address, ends the streams opened through
//! it.
//!
//! Architecture invariant: every stream that can outlive its request holds a [`StreamGuard`],
//! and stops when [`StreamGuard::ended`] resolves.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use futures_util::StreamExt;
use tokio::sync::watch;

use berth_shared::access::effective_role;

use crate::auth::{Credential, Principal};
use crate::error::ApiError;
use crate::policy::Role;
use crate::store::{Store, StoreError, now};

/// How often open streams' credentials are checked against the store, which catches what
/// this process was not told about: `berth user …` and `berth token …` run as other
/// processes, and sessions that expire.
pub const REVALIDATION_INTERVAL: Duration = Duration::from_secs(1);

/// Which credential a stream was opened with.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CredentialKey {
    Session(String),
    Token(i64),
}

impl CredentialKey {
    fn of(principal: &Principal) -> Self {
        match &principal.credential {
            Credential::Session { id_hash, .. } => CredentialKey::Session(id_hash.clone()),
            // A certificate is a token record: revoking it ends its streams the same way.
            Credential::Token { id } | Credential::Certificate { id } => CredentialKey::Token(*id),
        }
    }
}

#[derive(Debug)]
struct Open {
    user_id: i64,
    role: Role,
    credential: CredentialKey,
    environment: String,
    end: watch::Sender<bool>,
}

#[derive(Debug, Default)]
struct Registry {
    next_id: u64,
    open: HashMap<u64, Open>,
}

/// The open streams of every user. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Streams {
    per_user: usize,
    registry: Arc<Mutex<Registry>>,
}

/// A registered stream; dropping it unregisters the stream.
#[derive(Debug)]
pub struct StreamGuard {
    id: u64,
    ended: watch::Receiver<bool>,
    registry: Arc<Mutex<Registry>>,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        lock(&self.registry).open.remove(&self.id);
    }
}

impl StreamGuard {
    /// Resolves when the stream must end because its credential or its user's access ended.
    pub fn ended(&self) -> impl Future<Output = ()> + Send + use<> {
        let mut ended = self.ended.clone();
        async move {
            // An error means the registry entry is gone, which only happens with the guard.
            let _ = ended.wait_for(|ended| *ended).await;
        }
    }

    /// Resolves like [`StreamGuard::ended`], keeping the stream registered until then or
    /// until the future is dropped.
    pub fn into_ended(self) -> impl Future<Output = ()> + Send + 'static {
        let ended = self.ended();
        async move {
            let _guard = self;
            ended.await;
        }
    }
}

/// Resolves when `guard`'s stream must end, or never without a guard; holds the guard until
/// then.
pub async fn until_ended(guard: Option<StreamGuard>) {
    match guard {
        Some(guard) => guard.into_ended().await,
        None => std::future::pending().await,
    }
}

fn lock(registry: &Mutex<Registry>) -> std::sync::MutexGuard<'_, Registry> {
    registry.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl Streams {
    /// A registry allowing `per_user` open streams per user.
    pub fn new(per_user: usize) -> Self {
        Self {
            per_user: per_user.max(1),
            registry: Arc::default(),
        }
    }

    /// Registers a stream of `kind` (such as "event stream") for `principal` in `environment`,
    /// or refuses with a 429 that names the limit.
    pub fn open(
        &self,
        principal: &Principal,
        environment: &str,
        kind: &str,
    ) -> Result<StreamGuard, ApiError> {
        let mut registry = lock(&self.registry);
        let held = registry
            .open
            .values()
            .filter(|open| open.user_id == principal.user_id)
            .count();
        if held >= self.per_user {
            return Err(ApiError::TooManyRequests {
                message: format!(
                    "Berth refuses another {kind} for '{}': the limit of {} long-lived streams \
                     per user (--max-streams-per-user) is reached; close an event or log \
                     follow, stats stream, attach, exec or terminal first",
                    principal.username, self.per_user
                ),
                retry_after: Duration::from_secs(1),
            });
        }
        let id = registry.next_id;
        registry.next_id += 1;
        let (end, ended) = watch::channel(false);
        registry.open.insert(
            id,
            Open {
                user_id: principal.user_id,
                role: principal.role,
                credential: CredentialKey::of(principal),
                environment: environment.to_owned(),
                end,
            },
        );
        Ok(StreamGuard {
            id,
            ended,
            registry: Arc::clone(&self.registry),
        })
    }

    /// Registers a stream when the operation and its query make one; see [`stream_kind`].
    pub fn open_for(
        &self,
        principal: &Principal,
        environment: &str,
        operation: &str,
        query: Option<&str>,
        upgrade: bool,
    ) -> Result<Option<StreamGuard>, ApiError> {
        stream_kind(operation, query, upgrade)
            .map(|kind| self.open(principal, environment, kind))
            .transpose()
    }

    fn end_where(&self, matches: impl Fn(&Open) -> bool) -> usize {
        let registry = lock(&self.registry);
        let mut ended = 0;
        for open in registry.open.values().filter(|open| matches(open)) {
            open.end.send_replace(true);
            ended += 1;
        }
        if ended > 0 {
            tracing::info!(ended, "ended streams whose access was withdrawn");
        }
        ended
    }

    /// Ends every stream of a user: after a password change, a role change or removal.
    pub fn end_user(&self, user_id: i64) -> usize {
        self.end_where(|open| open.user_id == user_id)
    }

    /// Ends every stream a user opened through a browser session (signing out everywhere).
    pub fn end_user_sessions(&self, user_id: i64) -> usize {
        self.end_where(|open| {
            open.user_id == user_id && matches!(open.credential, CredentialKey::Session(_))
        })
    }

    /// Ends the streams of one session (signing out).
    pub fn end_session(&self, id_hash: &str) -> usize {
        self.end_where(
            |open| matches!(&open.credential, CredentialKey::Session(hash) if hash == id_hash),
        )
    }

    /// Ends the streams of a user's session named by its handle, the start of its id hash.
    pub fn end_session_handle(&self, user_id: i64, handle: &str) -> usize {
        self.end_where(|open| {
            open.user_id == user_id
                && matches!(&open.credential, CredentialKey::Session(hash) if hash.starts_with(handle))
        })
    }

    /// Ends the streams opened with an API token (revoking it).
    pub fn end_token(&self, token_id: i64) -> usize {
        self.end_where(|open| open.credential == CredentialKey::Token(token_id))
    }

    /// Ends a user's streams in one environment: their grant there changed or was removed.
    pub fn end_user_environment(&self, user_id: i64, environment: &str) -> usize {
        self.end_where(|open| open.user_id == user_id && open.environment == environment)
    }

    /// Ends the streams opened through an environment that was removed or moved.
    pub fn end_environment(&self, environment: &str) -> usize {
        self.end_where(|open| open.environment == environment)
    }

    /// How many streams are open.
    pub fn open_count(&self) -> usize {
        lock(&self.registry).open.len()
    }

    /// Checks every open stream's credential against the store every
    /// [`REVALIDATION_INTERVAL`], and ends those whose credential ended or whose user's role in
    /// the stream's environment (their grant there, or else their global role) changed.
    pub fn spawn_revalidation(&self, store: Store) {
        let streams = self.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(REVALIDATION_INTERVAL);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                if let Err(error) = streams.revalidate(&store).await {
                    tracing::warn!(%error, "could not check open streams' credentials");
                }
            }
        });
    }

    async fn revalidate(&self, store: &Store) -> Result<(), StoreError> {
        type Held = (i64, Role, CredentialKey, String);
        let mut held: Vec<Held> = Vec::new();
        for open in lock(&self.registry).open.values() {
            let key = (
                open.user_id,
                open.role,
                open.credential.clone(),
                open.environment.clone(),
            );
            if !held.contains(&key) {
                held.push(key);
            }
        }
        for (user_id, role, credential, environment) in held {
            let user = match &credential {
                CredentialKey::Session(id_hash) => store
                    .session(id_hash)
                    .await?
                    .filter(|(session, _)| session.expires_at > now())
                    .map(|(_, user)| user),
                CredentialKey::Token(id) => {
                    let live = store.tokens(Some(user_id)).await?.iter().any(|summary| {
                        summary.token.id == *id
                            && summary.token.revoked_at.is_none()
                            && summary.token.expires_at.is_none_or(|at| at > now())
                    });
                    if live {
                        store.user(user_id).await?
                    } else {
                        None
                    }
                }
            };
            let valid = match user {
                Some(user) => {
                    let grant = store.grant(user.id, &environment).await?;
                    effective_role(user.role, grant) == Some(role)
                }
                None => false,
            };
            if !valid {
                self.end_where(|open| {
                    open.user_id == user_id
                        && open.credential == credential
                        && open.environment == environment
                });
            }
        }
        Ok(())
    }
}

/// What kind of long-lived stream an engine operation opens, if any: events, follows, stats
/// streams, waits, and every connection that switches protocols.
pub fn stream_kind(operation: &str, query: Option<&str>, upgrade: bool) -> Option<&'static str> {
    let flag = |name: &str| query_flag(query, name);
    match operation {
        _ if upgrade => Some("attach or exec session"),
        "SystemEvents" => Some("event stream"),
        "ContainerLogs" | "ServiceLogs" | "TaskLogs" if flag("follow") == Some(true) => {
            Some("log follow")
        }
        // The engine streams stats unless told not to.
        "ContainerStats" if flag("stream") != Some(false) => Some("stats stream"),
        "ContainerWait" => Some("container wait"),
        "ContainerAttach" | "ContainerAttachWebsocket" | "Session" => {
            Some("attach or exec session")
        }
        _ => None,
    }
}

/// A boolean query parameter as the engine reads it: `1`/`true` or `0`/`false`.
fn query_flag(query: Option<&str>, name: &str) -> Option<bool> {
    let value = query?
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .next_back()?;
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" | "" => Some(false),
        _ => None,
    }
}

/// A response whose body stops, with an error that cuts the connection, when the stream's
/// access ends; the stream stays registered until its body is done or dropped.
pub fn bind(response: Response, guard: StreamGuard) -> Response {
    let (parts, body) = response.into_parts();
    let ended = Box::pin(guard.ended());
    let state = Some((body.into_data_stream(), ended, guard));
    let stream = futures_util::stream::unfold(state, |state| async move {
        let (mut data, mut ended, guard) = state?;
        tokio::select! {
            chunk = data.next() => chunk.map(|chunk| (chunk, Some((data, ended, guard)))),
            () = &mut ended => Some((
                Err(axum::Error::new(
                    "the stream was ended: the session or token it was opened with is no \
                     longer valid",
                )),
                None,
            )),
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_shared::access::Role;

    fn principal(user_id: i64, credential: Credential) -> Principal {
        Principal {
            user_id,
            username: format!("user{user_id}"),
            role: Role::Operator,
            credential,
        }
    }

    fn session(id_hash: &str) -> Credential {
        Credential::Session {
            id_hash: id_hash.into(),
            csrf_token: String::new(),
            expires_at: i64::MAX,
        }
    }

    #[test]
    fn each_user_has_a_limit() {
        let streams = Streams::new(2);
        let ada = principal(1, session("aa"));
        let first = streams.open(&ada, "local", "event stream").unwrap();
        let _second = streams.open(&ada, "local", "log follow").unwrap();
        let refused = streams.open(&ada, "local", "stats stream").unwrap_err();
        assert_eq!(refused.status(), http::StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.to_string().contains("stats stream"), "{refused}");
        assert!(
            streams
                .open(&principal(2, session("bb")), "local", "event stream")
                .is_ok()
        );
        drop(first);
        assert!(streams.open(&ada, "local", "stats stream").is_ok());
    }

    #[tokio::test]
    async fn ending_a_credential_ends_only_its_streams() {
        let streams = Streams::new(10);
        let by_session = streams
            .open(&principal(1, session("aa11")), "local", "event stream")
            .unwrap();
        let by_token = streams
            .open(
                &principal(1, Credential::Token { id: 7 }),
                "nas",
                "event stream",
            )
            .unwrap();
        let other = streams
            .open(&principal(2, session("bb22")), "local", "event stream")
            .unwrap();
        assert_eq!(streams.end_token(7), 1);
        by_token.ended().await;
        assert_eq!(streams.end_session_handle(1, "aa"), 1);
        by_session.ended().await;
        assert_eq!(streams.end_user(1), 2, "both were still registered");
        assert!(!*other.ended.borrow());
        assert_eq!(
            streams.end_environment("nas"),
            1,
            "only the token's was there"
        );
        assert_eq!(streams.end_environment("local"), 2);
        other.ended().await;
        drop((by_session, by_token));
        assert_eq!(streams.open_count(), 1);
    }

    #[test]
    fn long_streams_are_recognised() {
        let cases = [
            ("SystemEvents", None, false, true),
            ("ContainerLogs", Some("stdout=1&follow=1"), false, true),
            ("ContainerLogs", Some("follow=false"), false, false),
            ("ContainerLogs", None, false, false),
            ("ContainerStats", None, false, true),
            ("ContainerStats", Some("stream=0"), false, false),
            ("ContainerWait", None, false, true),
            ("ExecStart", None, true, true),
            ("ExecStart", None, false, false),
            ("ContainerList", None, false, false),
        ];
        for (operation, query, upgrade, long) in cases {
            assert_eq!(
                stream_kind(operation, query, upgrade).is_some(),
                long,
                "{operation} {query:?}"
            );
        }
    }
}
