//! Signing in and out, first-run set-up, and a user's own account: password, TOTP, sessions.

use serde::{Deserialize, Serialize};

use crate::access::Role;

/// `GET /api/auth/session`: who the browser is signed in as, if anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SessionState {
    /// Signed in.
    SignedIn(SessionInfo),
    /// Not signed in.
    SignedOut {
        /// True while no user exists: the UI offers the one-time set-up page.
        setup_required: bool,
    },
}

/// The signed-in user, as the UI needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The user's name.
    pub username: String,
    /// The user's role.
    pub role: Role,
    /// Sent back in `X-CSRF-Token` on every state-changing request.
    pub csrf_token: String,
    /// Whether the second factor is on.
    pub totp_enabled: bool,
    /// When the session ends at the latest, Unix seconds.
    pub expires_at: i64,
}

/// `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
    /// The six-digit code from the authenticator app, when TOTP is on.
    #[serde(default)]
    pub totp_code: Option<String>,
    /// A recovery code, instead of the TOTP code.
    #[serde(default)]
    pub recovery_code: Option<String>,
}

/// The answer to a login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum LoginResponse {
    /// The password (and code) were right; the session cookie is set.
    SignedIn {
        /// The new session.
        session: SessionInfo,
    },
    /// The password was right, and a TOTP or recovery code is needed too.
    SecondFactorRequired,
}

/// `POST /api/auth/setup`: creates the first admin, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupRequest {
    /// The token `berth serve` printed at start-up.
    pub setup_token: String,
    /// The admin's name.
    pub username: String,
    /// The admin's password.
    pub password: String,
}

/// `POST /api/account/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    /// The password in use now.
    pub current_password: String,
    /// The new password.
    pub new_password: String,
}

/// The body of `POST /api/account/totp/setup`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetupRequest {
    /// The user's password: a browser session must confirm it to set up two-factor sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// `POST /api/account/totp/setup`: a new secret to enrol in an authenticator app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// The base32 secret, for typing in by hand.
    pub secret: String,
    /// The `otpauth://` URI the QR code encodes.
    pub otpauth_uri: String,
    /// The QR code of the URI.
    pub qr: QrCode,
}

/// A QR code as a square of modules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrCode {
    /// Modules per side.
    pub size: u32,
    /// Row-major modules, `1` for dark and `0` for light.
    pub modules: String,
}

/// `POST /api/account/totp/enable`: confirms enrolment with a code from the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpConfirm {
    /// The six-digit code.
    pub code: String,
}

/// Recovery codes, shown once when TOTP is turned on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    /// Each code works once instead of a TOTP code.
    pub codes: Vec<String>,
}

/// `POST /api/account/totp/disable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpDisable {
    /// The password, to prove it is the user.
    pub password: String,
}

/// One of the user's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// A short handle to end it with.
    pub handle: String,
    /// When it began, Unix seconds.
    pub created_at: i64,
    /// When it was last used, Unix seconds.
    pub last_seen_at: i64,
    /// When it ends at the latest, Unix seconds.
    pub expires_at: i64,
    /// Where it signed in from.
    pub remote_addr: String,
    /// The browser.
    pub user_agent: String,
    /// Whether it is the session making this request.
    pub current: bool,
}
