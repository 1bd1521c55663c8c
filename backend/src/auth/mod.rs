//! Who is making a request: users, password and TOTP sign-in, browser sessions, API tokens,
//! and first-run set-up.
//!
//! Architecture invariant: handlers learn who is calling only through the [`Principal`]
//! extractor (`extract.rs`), which authenticates, and for cookie sessions also enforces the
//! CSRF token and the same-origin rule on every state-changing request.

pub mod cookie;
pub mod extract;
pub mod origin;
pub mod password;
pub mod rate_limit;
pub mod secrets;
pub mod totp;

use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderMap, header};
use berth_shared::access::Role;
use berth_shared::api::auth::{LoginRequest, SessionInfo};

use berth_shared::api::users::TokenKind;

use crate::pki::verify::{CertRefusal, ClientCertificate};
use crate::policy::Actor;
use crate::store::{SessionRecord, Store, StoreError, User, now};

use self::rate_limit::{LoginLimiter, Reservation};
use self::secrets::{constant_time_eq, random_token, sha256_hex};

/// The prefix of every API token, so leaked tokens are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "berth_";

/// A signed-in user or a token holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user's id.
    pub user_id: i64,
    /// The user's name.
    pub username: String,
    /// The user's role.
    pub role: Role,
    /// How they proved it.
    pub credential: Credential,
}

/// How a principal authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A browser session cookie.
    Session {
        /// The session's id hash.
        id_hash: String,
        /// The CSRF token the session expects.
        csrf_token: String,
        /// When the session ends at the latest.
        expires_at: i64,
    },
    /// An API token in `Authorization: Bearer`.
    Token {
        /// The token's id.
        id: i64,
    },
    /// A TLS client certificate from Berth's CA: a token record of the certificate kind.
    Certificate {
        /// The record's id.
        id: i64,
    },
}

impl Principal {
    /// The principal as the policy sees it.
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.username.clone(),
            role: self.role,
        }
    }

    /// `session` or `token`, for the audit log.
    pub fn credential_kind(&self) -> &'static str {
        match self.credential {
            Credential::Session { .. } => "session",
            Credential::Token { .. } => "token",
            Credential::Certificate { .. } => "certificate",
        }
    }

    /// Where requests of this principal come in: the UI for sessions, the gateway for tokens
    /// and certificates.
    pub fn source(&self) -> &'static str {
        match self.credential {
            Credential::Session { .. } => "ui",
            Credential::Token { .. } | Credential::Certificate { .. } => "gateway",
        }
    }

    /// The id of the token record this principal authenticated with, token or certificate.
    pub fn token_id(&self) -> Option<i64> {
        match self.credential {
            Credential::Session { .. } => None,
            Credential::Token { id } | Credential::Certificate { id } => Some(id),
        }
    }
}

/// Why a request could not be authenticated.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No credentials at all.
    #[error(
        "Berth requires authentication: sign in to the console, or send an API token as \
         'Authorization: Bearer …' (create one with `berth token create` or on the Account page)"
    )]
    Missing,
    /// An `Authorization` header that is not a Berth token.
    #[error("the Authorization header must be 'Bearer <token>' with a Berth API token")]
    Malformed,
    /// A token that does not exist.
    #[error("the API token is not valid")]
    UnknownToken,
    /// A token past its expiry.
    #[error("the API token has expired")]
    ExpiredToken,
    /// A revoked token.
    #[error("the API token was revoked")]
    RevokedToken,
    /// A session that ended or never existed.
    #[error("the session has ended: sign in again")]
    SessionEnded,
    /// A client certificate refused before the store was asked: expired, another CA's.
    #[error(transparent)]
    Certificate(#[from] CertRefusal),
    /// A certificate of Berth's CA that no record knows (issued by a restored-over store?).
    #[error("the client certificate is not known to this Berth: create a new one")]
    UnknownCertificate,
    /// A revoked certificate.
    #[error("the client certificate was revoked")]
    RevokedCertificate,
    /// A certificate whose record has expired.
    #[error(
        "the client certificate has expired: create a new one with `berth cert create` or on the Account page"
    )]
    ExpiredCertificate,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a sign-in failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Too many failures recently.
    #[error("too many failed sign-ins; try again in {} seconds", .0.as_secs())]
    RateLimited(Duration),
    /// Wrong name or password.
    #[error("wrong user name or password")]
    BadCredentials,
    /// Wrong or reused TOTP or recovery code.
    #[error("wrong or already used code")]
    BadSecondFactor,
    /// Every password-hashing slot is busy.
    #[error(transparent)]
    Busy(#[from] password::PasswordError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a correct password leads to.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in: the cookie's token and the session.
    SignedIn {
        /// The secret for the cookie.
        token: String,
        /// The session.
        session: SessionInfo,
    },
    /// A TOTP or recovery code is needed too.
    SecondFactorRequired,
}

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Ends after this long without use.
    pub idle: Duration,
    /// Ends after this long whatever happens.
    pub lifetime: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(8 * 3600),
            lifetime: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

/// Facts about the client that sessions and the audit log record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// The peer's IP address.
    pub address: String,
    /// The User-Agent header.
    pub user_agent: String,
}

/// Authentication state shared by all requests.
#[derive(Debug)]
pub struct Auth {
    store: Store,
    limiter: LoginLimiter,
    setup_token: Mutex<Option<String>>,
    secure_cookies: bool,
    sessions: SessionPolicy,
    public_origin: Option<origin::PublicOrigin>,
}

impl Auth {
    /// Authentication over `store`; `secure_cookies` when serving HTTPS.
    pub fn new(store: Store, secure_cookies: bool, sessions: SessionPolicy) -> Self {
        Self {
            store,
            limiter: LoginLimiter::default(),
            setup_token: Mutex::new(None),
            secure_cookies,
            sessions,
            public_origin: None,
        }
    }

    /// The same, answering only at `public_origin` (from `--public-url`) when it is given.
    pub fn with_public_origin(mut self, public_origin: Option<origin::PublicOrigin>) -> Self {
        self.public_origin = public_origin;
        self
    }

    /// The public origin requests must come from, when `--public-url` is set.
    pub fn public_origin(&self) -> Option<&origin::PublicOrigin> {
        self.public_origin.as_ref()
    }

    /// Whether cookies carry `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    /// The session lifetimes.
    pub fn session_policy(&self) -> SessionPolicy {
        self.sessions
    }

    /// When no user exists yet, creates the one-time set-up token and returns it, to be
    /// printed on the console: reaching the port is not enough to claim the console.
    pub async fn prepare_setup(&self) -> Result<Option<String>, StoreError> {
        if self.store.user_count().await? > 0 {
            return Ok(None);
        }
        let token = random_token(18);
        *self.setup_token.lock().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
        Ok(Some(token))
    }

    /// Whether the set-up page should be offered.
    pub async fn setup_required(&self) -> Result<bool, StoreError> {
        Ok(self.store.user_count().await? == 0)
    }

    /// Checks a set-up token.
    pub fn setup_token_matches(&self, candidate: &str) -> bool {
        let token = self.setup_token.lock().unwrap_or_else(|p| p.into_inner());
        token
            .as_deref()
            .is_some_and(|token| constant_time_eq(token.as_bytes(), candidate.trim().as_bytes()))
    }

    /// Forgets the set-up token once the first admin exists.
    pub fn finish_setup(&self) {
        *self.setup_token.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Authenticates a request by its bearer token or session cookie; `None` when it carries
    /// neither.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Option<Principal>, AuthError> {
        self.authenticate_request(headers, None).await
    }

    /// Authenticates a request by its bearer token, session cookie or (over TLS) client
    /// certificate, in that order; `None` when it carries none of them.
    pub async fn authenticate_request(
        &self,
        headers: &HeaderMap,
        certificate: Option<&ClientCertificate>,
    ) -> Result<Option<Principal>, AuthError> {
        if let Some(authorization) = headers.get(header::AUTHORIZATION) {
            let token = authorization
                .to_str()
                .ok()
                .and_then(|value| {
                    value
                        .strip_prefix("Bearer ")
                        .or_else(|| value.strip_prefix("bearer "))
                })
                .map(str::trim)
                .filter(|token| token.starts_with(TOKEN_PREFIX))
                .ok_or(AuthError::Malformed)?;
            return self.authenticate_token(token).await.map(Some);
        }
        if let Some(token) = cookie::session_token(headers, self.secure_cookies) {
            return self.authenticate_session(&token).await.map(Some);
        }
        match certificate {
            Some(ClientCertificate::Valid { fingerprint }) => {
                self.authenticate_certificate(fingerprint).await.map(Some)
            }
            Some(ClientCertificate::Refused(refusal)) => Err(refusal.clone().into()),
            None => Ok(None),
        }
    }

    async fn authenticate_certificate(&self, fingerprint: &str) -> Result<Principal, AuthError> {
        self.authenticate_credential(fingerprint, TokenKind::Certificate)
            .await
    }

    async fn authenticate_token(&self, token: &str) -> Result<Principal, AuthError> {
        self.authenticate_credential(&sha256_hex(token), TokenKind::Token)
            .await
    }

    /// The user of the live token or certificate whose record has `hash`, marked as used. A
    /// record answers only for its own kind: a certificate's fingerprint is no bearer token.
    async fn authenticate_credential(
        &self,
        hash: &str,
        kind: TokenKind,
    ) -> Result<Principal, AuthError> {
        // What each kind of credential is refused with: unknown, revoked, expired.
        let (unknown, revoked, expired) = match kind {
            TokenKind::Certificate => (
                AuthError::UnknownCertificate,
                AuthError::RevokedCertificate,
                AuthError::ExpiredCertificate,
            ),
            TokenKind::Token => (
                AuthError::UnknownToken,
                AuthError::RevokedToken,
                AuthError::ExpiredToken,
            ),
        };
        let (record, user) = self
            .store
            .token_by_hash(hash)
            .await?
            .filter(|(record, _)| record.kind == kind)
            .ok_or(unknown)?;
        if record.revoked_at.is_some() {
            return Err(revoked);
        }
        if record.expires_at.is_some_and(|expiry| expiry <= now()) {
            return Err(expired);
        }
        self.store.touch_token(record.id).await?;
        let credential = match kind {
            TokenKind::Certificate => Credential::Certificate { id: record.id },
            TokenKind::Token => Credential::Token { id: record.id },
        };
        Ok(Principal {
            user_id: user.id,
            username: user.username,
            role: user.role,
            credential,
        })
    }

    async fn authenticate_session(&self, token: &str) -> Result<Principal, AuthError> {
        let id_hash = sha256_hex(token);
        let (session, user) = self
            .store
            .session(&id_hash)
            .await?
            .ok_or(AuthError::SessionEnded)?;
        let time = now();
        let idle_limit = self.sessions.idle.as_secs() as i64;
        if session.expires_at <= time || time - session.last_seen_at >= idle_limit {
            self.store.delete_session(&id_hash).await?;
            return Err(AuthError::SessionEnded);
        }
        // Recording every request would write to disk constantly; a minute's precision is
        // plenty for an idle timeout of hours.
        if time - session.last_seen_at >= 60 {
            self.store.touch_session(&id_hash).await?;
        }
        Ok(Principal {
            user_id: user.id,
            username: user.username,
            role: user.role,
            credential: Credential::Session {
                id_hash,
                csrf_token: session.csrf_token,
                expires_at: session.expires_at,
            },
        })
    }

    /// Signs in with a password, and a TOTP or recovery code when the user has TOTP on.
    pub async fn login(
        &self,
        request: LoginRequest,
        client: &ClientInfo,
    ) -> Result<LoginOutcome, LoginError> {
        self.login_counted(request, client).await.0
    }

    /// [`Auth::login`], also returning how many throttled attempts for the account were
    /// refused since the last one that was let through, for the audit record.
    pub async fn login_counted(
        &self,
        request: LoginRequest,
        client: &ClientInfo,
    ) -> (Result<LoginOutcome, LoginError>, u64) {
        // The attempt is reserved before anything else, so concurrent attempts cannot all pass
        // the check before the first failure is counted.
        let reservation = match self.limiter.reserve(&request.username, &client.address) {
            Ok(reservation) => reservation,
            Err(wait) => return (Err(LoginError::RateLimited(wait)), 0),
        };
        let refused_before = reservation.refused_before;
        let outcome = self.login_reserved(request, client, reservation).await;
        (outcome, refused_before)
    }

    async fn login_reserved(
        &self,
        request: LoginRequest,
        client: &ClientInfo,
        reservation: Reservation<'_>,
    ) -> Result<LoginOutcome, LoginError> {
        let user = self.store.user_by_name(&request.username).await?;
        let password = request.password.clone();
        let password_ok = match user.as_ref() {
            Some(user) => password::verify_limited(password, user.password_hash.clone()).await?,
            None => {
                password::verify_dummy_limited(password).await?;
                false
            }
        };
        let Some(user) = user.filter(|_| password_ok) else {
            return Err(LoginError::BadCredentials);
        };
        if let Some(secret) = &user.totp_secret {
            let code = request
                .totp_code
                .as_deref()
                .filter(|code| !code.trim().is_empty());
            let recovery = request
                .recovery_code
                .as_deref()
                .filter(|code| !code.trim().is_empty());
            let accepted = match (code, recovery) {
                (None, None) => {
                    reservation.release();
                    return Ok(LoginOutcome::SecondFactorRequired);
                }
                (Some(code), _) => match totp::verify(secret, code, now()) {
                    Some(step) => self.store.advance_totp_step(user.id, step).await?,
                    None => false,
                },
                (None, Some(recovery)) => {
                    self.store
                        .use_recovery_code(user.id, sha256_hex(&normalize_recovery_code(recovery)))
                        .await?
                }
            };
            if !accepted {
                return Err(LoginError::BadSecondFactor);
            }
        }
        reservation.succeeded();
        let (token, session) = self.start_session(&user, client).await?;
        Ok(LoginOutcome::SignedIn { token, session })
    }

    /// Checks the password of a signed-in user who is about to do something sensitive (change
    /// the password, create a token, set up or turn off two-factor sign-in). It is throttled
    /// like sign-in, so a stolen session cannot be used to guess the password.
    pub async fn confirm_password(
        &self,
        user: &User,
        password: String,
        client: &ClientInfo,
    ) -> Result<(), LoginError> {
        let reservation = self
            .limiter
            .reserve(&user.username, &client.address)
            .map_err(LoginError::RateLimited)?;
        if password::verify_limited(password, user.password_hash.clone()).await? {
            reservation.succeeded();
            Ok(())
        } else {
            Err(LoginError::BadCredentials)
        }
    }

    /// Starts a session for `user`: returns the cookie's secret and what the UI needs.
    pub async fn start_session(
        &self,
        user: &User,
        client: &ClientInfo,
    ) -> Result<(String, SessionInfo), StoreError> {
        let token = random_token(32);
        let csrf_token = random_token(32);
        let time = now();
        let expires_at = time + self.sessions.lifetime.as_secs() as i64;
        self.store
            .create_session(SessionRecord {
                id_hash: sha256_hex(&token),
                user_id: user.id,
                csrf_token: csrf_token.clone(),
                created_at: time,
                last_seen_at: time,
                expires_at,
                remote_addr: client.address.clone(),
                user_agent: client.user_agent.chars().take(300).collect(),
            })
            .await?;
        let session = SessionInfo {
            username: user.username.clone(),
            role: user.role,
            csrf_token,
            totp_enabled: user.totp_secret.is_some(),
            expires_at,
        };
        Ok((token, session))
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// The longest user name, in bytes; longer names are refused before any other work.
pub const MAX_USERNAME_BYTES: usize = 64;

/// Why a user name cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("username: use 1 to 64 letters, digits, dots, dashes, underscores or @")]
pub struct BadUsername;

/// Checks a user name and returns it trimmed.
pub fn validate_username(username: &str) -> Result<String, BadUsername> {
    let trimmed = username.trim();
    let valid = !trimmed.is_empty()
        && trimmed.len() <= MAX_USERNAME_BYTES
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if valid {
        Ok(trimmed.to_owned())
    } else {
        Err(BadUsername)
    }
}

/// A new API token: `berth_` and 32 random bytes.
pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_token(32))
}

/// The part of a token shown in lists: the prefix and four more characters.
pub fn token_display_prefix(token: &str) -> String {
    token.chars().take(TOKEN_PREFIX.len() + 4).collect()
}

/// Recovery codes are shown as `xxxxx-xxxxx`; people type them with any case and spacing.
pub fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Ten fresh recovery codes, as shown to the user.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..10)
        .map(|_| {
            let bytes = secrets::random_bytes(10);
            let text: String = bytes
                .iter()
                .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &text[..5], &text[5..])
        })
        .collect()
}

#[cfg(test)]
mod tests;
