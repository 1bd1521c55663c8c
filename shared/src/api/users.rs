//! Users and API tokens, as the admin pages and the account page see them.

use serde::{Deserialize, Serialize};

use crate::access::{Grant, Role};

/// The shortest password Berth accepts.
pub const PASSWORD_MIN_LENGTH: usize = 10;
/// The longest password Berth accepts, so hashing cannot be made arbitrarily expensive.
pub const PASSWORD_MAX_LENGTH: usize = 1024;

/// A user, without secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// The id.
    pub id: i64,
    /// The name.
    pub username: String,
    /// The role.
    pub role: Role,
    /// Whether TOTP is on.
    pub totp_enabled: bool,
    /// When the user was created, Unix seconds.
    pub created_at: i64,
}

/// `POST /api/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserRequest {
    /// The name.
    pub username: String,
    /// The role.
    pub role: Role,
    /// The initial password.
    pub password: String,
}

/// `PATCH /api/users/{id}`: each field changes only when present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserUpdate {
    /// A new role.
    pub role: Option<Role>,
    /// A new password; ends the user's sessions.
    pub password: Option<String>,
    /// Turns the user's TOTP off, for a user who lost their device and codes.
    pub reset_totp: bool,
}

/// What kind of credential a token record is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// A bearer secret, `Authorization: Bearer berth_…`.
    #[default]
    Token,
    /// A TLS client certificate from Berth's CA, known by its SHA-256 fingerprint.
    Certificate,
}

impl TokenKind {
    /// The word the store and the audit log use.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Token => "token",
            TokenKind::Certificate => "certificate",
        }
    }
}

/// An API token or client certificate, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    /// The id.
    pub id: i64,
    /// A bearer token or a client certificate.
    #[serde(default)]
    pub kind: TokenKind,
    /// The owner's name for it.
    pub name: String,
    /// The owner.
    pub username: String,
    /// The first characters of the token (of a certificate's fingerprint), to recognise it.
    pub prefix: String,
    /// When it was created, Unix seconds.
    pub created_at: i64,
    /// When it stops working, if ever.
    pub expires_at: Option<i64>,
    /// When it was last used.
    pub last_used_at: Option<i64>,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
}

/// `POST /api/tokens` and `POST /api/account/certificates`: a token or a client certificate
/// for the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCredentialRequest {
    /// A name, unique among the user's tokens and certificates, such as `laptop docker CLI`.
    pub name: String,
    /// Days until it stops working. Left out, a token never expires and a certificate lasts
    /// 90 days; a certificate takes 1 to 3650.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
    /// The user's password: a browser session must confirm it to create either, so a stolen
    /// session cannot be turned into a lasting credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// A new token: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    /// The stored token.
    pub token: TokenView,
    /// The secret to put in `Authorization: Bearer …`.
    pub secret: String,
}

/// A new client certificate: the only time its key is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedCertificate {
    /// The stored record.
    pub token: TokenView,
    /// `ca.pem`: Berth's CA, which signed it (and the `--tls auto` server certificate).
    pub ca_pem: String,
    /// `cert.pem`.
    pub cert_pem: String,
    /// `key.pem`, the private key.
    pub key_pem: String,
}

/// One of a user's grants: their role in one environment, which overrides their global role
/// there (`none`: the environment does not exist for them). `GET /api/users/{id}/grants`
/// lists them; environments without a grant give the global role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentGrant {
    /// The environment's id (`local` or a stored environment's).
    pub environment: String,
    /// The role there.
    pub role: Grant,
}

/// `PUT /api/users/{id}/grants/{env}`: sets the user's role in that environment. Removing the
/// grant (`DELETE` on the same path) gives them their global role there again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRequest {
    /// The role in that environment.
    pub role: Grant,
}
