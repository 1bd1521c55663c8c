//! API tokens: long-lived bearer credentials for the docker CLI and scripts, and client
//! certificates, which are tokens of another kind. Only hashes are stored: a token's SHA-256,
//! a certificate's SHA-256 fingerprint.

use berth_shared::api::users::TokenKind;
use rusqlite::{OptionalExtension, Row, params};

use super::users::with_its_user;
use super::{Store, StoreError, User, now};

/// A token as stored, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// The row id.
    pub id: i64,
    /// A bearer token or a client certificate.
    pub kind: TokenKind,
    /// Whose token it is.
    pub user_id: i64,
    /// The owner's name for it, unique per user.
    pub name: String,
    /// The SHA-256 of the token (of a certificate's DER), hex.
    pub token_hash: String,
    /// The token's first characters, to recognise it.
    pub prefix: String,
    /// When it was created.
    pub created_at: i64,
    /// When it stops working, if ever.
    pub expires_at: Option<i64>,
    /// When it was last used.
    pub last_used_at: Option<i64>,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
}

/// A token with its owner's name, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSummary {
    /// The token.
    pub token: TokenRecord,
    /// The owner's name.
    pub username: String,
}

const COLUMNS: &str = "t.id, t.user_id, t.name, t.token_hash, t.prefix, t.created_at, t.expires_at, \
                       t.last_used_at, t.revoked_at, t.kind";

fn token_from_row(row: &Row<'_>) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord {
        id: row.get(0)?,
        user_id: row.get(1)?,
        name: row.get(2)?,
        token_hash: row.get(3)?,
        prefix: row.get(4)?,
        created_at: row.get(5)?,
        expires_at: row.get(6)?,
        last_used_at: row.get(7)?,
        revoked_at: row.get(8)?,
        kind: match row.get_ref(9)?.as_str()? {
            "certificate" => TokenKind::Certificate,
            _ => TokenKind::Token,
        },
    })
}

impl Store {
    /// Stores a new token; a name the user already uses is [`StoreError::Conflict`].
    pub async fn create_token(
        &self,
        user_id: i64,
        name: String,
        token_hash: String,
        prefix: String,
        expires_at: Option<i64>,
    ) -> Result<TokenRecord, StoreError> {
        self.create_credential(
            TokenKind::Token,
            user_id,
            name,
            token_hash,
            prefix,
            expires_at,
        )
        .await
    }

    /// Stores a new token or certificate record; a name the user already uses (for either)
    /// is [`StoreError::Conflict`].
    pub async fn create_credential(
        &self,
        kind: TokenKind,
        user_id: i64,
        name: String,
        token_hash: String,
        prefix: String,
        expires_at: Option<i64>,
    ) -> Result<TokenRecord, StoreError> {
        self.call(move |connection| {
            connection
                .execute(
                    "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at, kind)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![user_id, name, token_hash, prefix, now(), expires_at, kind.as_str()],
                )
                .map_err(|error| StoreError::conflict_as(error, || format!("a token or certificate named '{name}' already exists")))?;
            let id = connection.last_insert_rowid();
            Ok(connection.query_row(
                &format!("SELECT {COLUMNS} FROM api_tokens t WHERE t.id = ?1"),
                [id],
                token_from_row,
            )?)
        })
        .await
    }

    /// The token with this hash, and its user.
    pub async fn token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<(TokenRecord, User)>, StoreError> {
        let token_hash = token_hash.to_owned();
        self.call(move |connection| {
            let token = connection
                .query_row(
                    &format!("SELECT {COLUMNS} FROM api_tokens t WHERE t.token_hash = ?1"),
                    [token_hash],
                    token_from_row,
                )
                .optional()?;
            with_its_user(connection, token, |token| token.user_id)
        })
        .await
    }

    /// Records that a token was used now (at most once a minute, to spare the disk).
    pub async fn touch_token(&self, id: i64) -> Result<(), StoreError> {
        self.call(move |connection| {
            let time = now();
            connection.execute(
                "UPDATE api_tokens SET last_used_at = ?2
                 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2 - 60)",
                params![id, time],
            )?;
            Ok(())
        })
        .await
    }

    /// Tokens, of one user or of everyone, newest first.
    pub async fn tokens(&self, user_id: Option<i64>) -> Result<Vec<TokenSummary>, StoreError> {
        self.call(move |connection| {
            let mut statement = connection.prepare(&format!(
                "SELECT {COLUMNS}, u.username FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE ?1 IS NULL OR t.user_id = ?1 ORDER BY t.created_at DESC, t.id DESC"
            ))?;
            let tokens = statement
                .query_map([user_id], |row| {
                    Ok(TokenSummary {
                        token: token_from_row(row)?,
                        username: row.get(10)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(tokens)
        })
        .await
    }

    /// Revokes a token (of `user_id` only, when given). Returns whether one was revoked now.
    pub async fn revoke_token(&self, id: i64, user_id: Option<i64>) -> Result<bool, StoreError> {
        self.call(move |connection| {
            Ok(connection.execute(
                "UPDATE api_tokens SET revoked_at = ?3
                 WHERE id = ?1 AND (?2 IS NULL OR user_id = ?2) AND revoked_at IS NULL",
                params![id, user_id, now()],
            )? == 1)
        })
        .await
    }
}
