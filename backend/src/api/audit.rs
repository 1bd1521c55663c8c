//! The audit log, for admins: a filtered, paged view and a JSON-lines export.

use axum::Json;
use axum::body::Body;
use axum::extract::Query;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use berth_shared::api::audit::{AuditPage, AuditQuery, AuditRetention};

use crate::api::caller::Caller;
use crate::api::json::ApiJson;
use crate::audit::Action;
use crate::error::ApiError;

/// Only admins read the audit log.
const ADMIN_AREA: &str = "the audit log";

/// `GET /api/audit`: newest first; `before_id` pages.
pub async fn list(
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    // One more than asked tells whether another page exists.
    let mut events = caller
        .state
        .store()
        .audit(AuditQuery {
            limit: Some(limit + 1),
            ..query
        })
        .await?;
    let next_before_id = if events.len() > limit as usize {
        events.truncate(limit as usize);
        events.last().map(|event| event.id)
    } else {
        None
    };
    Ok(Json(AuditPage {
        events,
        next_before_id,
    }))
}

/// `GET /api/audit/retention`: how many days records are kept.
pub async fn retention(caller: Caller) -> Result<Json<AuditRetention>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let days = crate::retention::days(caller.state.store()).await?;
    Ok(Json(AuditRetention { days }))
}

/// `PUT /api/audit/retention`: changes the retention, recorded, and prunes at once what it no
/// longer keeps (that pruning is recorded too, under the admin's name).
pub async fn set_retention(
    caller: Caller,
    ApiJson(request): ApiJson<AuditRetention>,
) -> Result<Json<AuditRetention>, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let store = caller.state.store();
    let days = crate::retention::validate(request.days)?;
    let before = crate::retention::days(store).await?;
    let target = format!("audit retention: {before} to {days} days");
    let action = Action::console("AuditRetentionSet", "PUT", &target);
    caller
        .audited(action, 200, crate::retention::set_days(store, days))
        .await?;
    crate::retention::prune(store, &caller.scope()).await?;
    Ok(Json(AuditRetention { days }))
}

/// `GET /api/audit/export`: every matching record as JSON lines, streamed page by page so a
/// large log never sits in memory.
pub async fn export(caller: Caller, Query(query): Query<AuditQuery>) -> Result<Response, ApiError> {
    caller.require_admin(ADMIN_AREA)?;
    let store = caller.state.store().clone();
    let stream = futures_util::stream::unfold(Some(query), move |cursor| {
        let store = store.clone();
        async move {
            let query = cursor?;
            let page = match store
                .audit(AuditQuery {
                    limit: Some(1000),
                    ..query.clone()
                })
                .await
            {
                Ok(page) => page,
                Err(error) => return Some((Err(std::io::Error::other(error.to_string())), None)),
            };
            if page.is_empty() {
                return None;
            }
            let mut lines = Vec::new();
            for event in &page {
                if serde_json::to_writer(&mut lines, event).is_err() {
                    return Some((Err(std::io::Error::other("encoding an audit record")), None));
                }
                lines.push(b'\n');
            }
            let next = (page.len() == 1000).then(|| AuditQuery {
                before_id: page.last().map(|e| e.id),
                ..query
            });
            Some((Ok::<_, std::io::Error>(bytes::Bytes::from(lines)), next))
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"berth-audit.jsonl\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
