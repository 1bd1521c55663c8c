//! The audit log: who changed what, when, from where, and with what result.

use serde::{Deserialize, Serialize};

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Increasing id; pages are fetched by id.
    pub id: i64,
    /// When it happened, milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The user, or `None` for an unauthenticated attempt.
    pub actor: Option<String>,
    /// The user's role at the time.
    pub role: Option<String>,
    /// How they authenticated: `session`, `token`, `cli` or `none`.
    pub credential: String,
    /// Where the request came in: `ui`, `gateway`, `terminal`, `console` or `cli`.
    pub source: String,
    /// The client's address.
    pub remote_addr: String,
    /// The environment, for engine operations.
    pub environment: Option<String>,
    /// The Engine API operationId, or a console action such as `UserCreate` or `Login`.
    pub operation: String,
    /// The HTTP method, or `CLI`.
    pub method: String,
    /// What it was done to: the request path, or the object's name.
    pub target: String,
    /// The HTTP status of the result; `None` while it is still running.
    pub status: Option<u16>,
    /// More about the result, such as the engine's error message.
    pub detail: Option<String>,
}

/// Filters and paging for `GET /api/audit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// Only this user.
    pub actor: Option<String>,
    /// Only this operation.
    pub operation: Option<String>,
    /// Only this environment.
    pub environment: Option<String>,
    /// Only this source.
    pub source: Option<String>,
    /// Only failures (status ≥ 400) when true.
    pub failed: Option<bool>,
    /// Only at or after this time, milliseconds since the epoch.
    pub since_ms: Option<i64>,
    /// Only before this time, milliseconds since the epoch.
    pub until_ms: Option<i64>,
    /// Only records older than this id: the next page.
    pub before_id: Option<i64>,
    /// How many records (1–500, default 100).
    pub limit: Option<u32>,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The records, newest first.
    pub events: Vec<AuditEvent>,
    /// The `before_id` of the next page, when there is one.
    pub next_before_id: Option<i64>,
}

/// `GET`/`PUT /api/audit/retention`: how long audit records are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRetention {
    /// Records older than this many days are removed; the removal is itself recorded.
    pub days: u32,
}
