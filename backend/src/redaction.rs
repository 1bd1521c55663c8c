//! Applies the policy's redaction ([`crate::policy::redact`]) to engine answers with bounded
//! memory: a JSON document is read whole only up to [`WHOLE_ANSWER_LIMIT`], by at most
//! [`CONCURRENT_WHOLE_ANSWERS`] requests at once, and a stream of JSON lines (the event stream,
//! which never ends) is redacted line by line as it flows, each line at most [`LINE_LIMIT`].

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use http_body_util::BodyExt;
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::policy::Role;
use crate::policy::redact::{needs_redaction, redact, redact_event, streams_lines};

/// The largest answer read whole to be redacted. Inspect answers and the lists that need
/// redaction are far smaller; a larger one is refused rather than held in memory.
pub const WHOLE_ANSWER_LIMIT: usize = 8 * 1024 * 1024;

/// How many answers may be held whole for redaction at once, so that parallel requests cannot
/// multiply [`WHOLE_ANSWER_LIMIT`] without bound.
pub const CONCURRENT_WHOLE_ANSWERS: usize = 16;

/// How long a request waits for one of those places before it is told Berth is busy.
const WAIT_FOR_PLACE: Duration = Duration::from_secs(5);

/// The longest line of a line-delimited stream; engine events are a few hundred bytes.
pub const LINE_LIMIT: usize = 1024 * 1024;

/// The places for answers being redacted whole, shared by every request.
#[derive(Debug)]
pub struct Redactions {
    places: Semaphore,
}

impl Default for Redactions {
    fn default() -> Self {
        Self {
            places: Semaphore::new(CONCURRENT_WHOLE_ANSWERS),
        }
    }
}

impl Redactions {
    /// Redacts a successful answer of `operation` for `role` when the policy requires it, and
    /// passes every other answer through untouched.
    pub async fn apply(
        &self,
        operation: &'static str,
        role: Role,
        response: Response,
    ) -> Result<Response, ApiError> {
        if !response.status().is_success() || !needs_redaction(operation, role) {
            return Ok(response);
        }
        if streams_lines(operation) {
            return Ok(line_by_line(response));
        }
        let _place = tokio::time::timeout(WAIT_FOR_PLACE, self.places.acquire())
            .await
            .map_err(|_| ApiError::Busy {
                message: format!(
                    "Berth is already redacting {CONCURRENT_WHOLE_ANSWERS} answers for roles \
                         that may not see secrets, its limit; try again in a moment"
                ),
                retry_after: Duration::from_secs(1),
            })?
            .map_err(|error| ApiError::Internal(error.to_string()))?;
        whole(operation, response).await
    }
}

/// Reads a JSON answer whole (up to the limit), redacts it, and re-encodes it.
async fn whole(operation: &'static str, response: Response) -> Result<Response, ApiError> {
    let (mut parts, body) = response.into_parts();
    let too_large = || ApiError::AnswerTooLarge {
        operation,
        limit: WHOLE_ANSWER_LIMIT,
    };
    let announced = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if announced.is_some_and(|length| length > WHOLE_ANSWER_LIMIT) {
        return Err(too_large());
    }
    let bytes = http_body_util::Limited::new(body, WHOLE_ANSWER_LIMIT)
        .collect()
        .await
        .map_err(|error| {
            if error.is::<http_body_util::LengthLimitError>() {
                too_large()
            } else {
                ApiError::Internal(format!("reading the engine's answer: {error}"))
            }
        })?
        .to_bytes();
    let mut value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|error| ApiError::Internal(format!("the engine's answer is not JSON: {error}")))?;
    drop(bytes);
    redact(operation, &mut value);
    let encoded =
        serde_json::to_vec(&value).map_err(|error| ApiError::Internal(error.to_string()))?;
    parts.headers.remove(header::TRANSFER_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(encoded.len()));
    Ok(Response::from_parts(parts, Body::from(encoded)))
}

/// Redacts a stream of JSON lines as it flows, holding at most one line.
fn line_by_line(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let stream = redacted_lines(body.into_data_stream());
    Response::from_parts(parts, Body::from_stream(stream))
}

/// Why a line-delimited stream was cut off.
#[derive(Debug, thiserror::Error)]
enum StreamError {
    /// The engine's stream broke.
    #[error("reading the engine's stream: {0}")]
    Engine(axum::Error),
    /// A line was longer than Berth holds to redact it.
    #[error("a line of the engine's stream is longer than {LINE_LIMIT} bytes")]
    LineTooLong,
}

struct LineState<S> {
    input: S,
    pending: BytesMut,
    ended: bool,
}

/// The lines of `input`, each redacted with [`redact_event`] and re-encoded with its newline.
/// A line that is not JSON is dropped, since it cannot be judged.
fn redacted_lines<S>(input: S) -> impl Stream<Item = Result<Bytes, StreamError>>
where
    S: Stream<Item = Result<Bytes, axum::Error>> + Unpin,
{
    let state = LineState {
        input,
        pending: BytesMut::new(),
        ended: false,
    };
    futures_util::stream::try_unfold(state, |mut state| async move {
        loop {
            if let Some(newline) = state.pending.iter().position(|byte| *byte == b'\n') {
                let line = state.pending.split_to(newline + 1);
                if let Some(redacted) = redact_line(&line) {
                    return Ok(Some((redacted, state)));
                }
                continue;
            }
            if state.ended {
                let rest = std::mem::take(&mut state.pending);
                return Ok(redact_line(&rest).map(|redacted| (redacted, state)));
            }
            if state.pending.len() > LINE_LIMIT {
                return Err(StreamError::LineTooLong);
            }
            match state.input.next().await {
                Some(chunk) => state
                    .pending
                    .extend_from_slice(&chunk.map_err(StreamError::Engine)?),
                None => state.ended = true,
            }
        }
    })
}

fn redact_line(line: &[u8]) -> Option<Bytes> {
    let text = line.trim_ascii();
    if text.is_empty() {
        return None;
    }
    let mut event: serde_json::Value = serde_json::from_slice(text).ok()?;
    redact_event(&mut event);
    let mut encoded = serde_json::to_vec(&event).ok()?;
    encoded.push(b'\n');
    Some(Bytes::from(encoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn through(chunks: Vec<&'static [u8]>) -> Vec<Result<String, String>> {
        let input = futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|chunk| Ok::<_, axum::Error>(Bytes::from_static(chunk))),
        );
        redacted_lines(input)
            .map(|item| {
                item.map(|bytes| String::from_utf8(bytes.to_vec()).unwrap())
                    .map_err(|error| error.to_string())
            })
            .collect()
            .await
    }

    #[tokio::test]
    async fn redacts_lines_split_across_chunks() {
        let lines = through(vec![
            &b"{\"Action\":\"exec_cre"[..],
            &b"ate: sh -c echo hunter2\"}\n{\"Action\":\"start\"}\n\n{\"Act"[..],
            &b"ion\":\"exec_start: env\"}"[..],
        ])
        .await;
        assert_eq!(
            lines,
            [
                Ok(format!(
                    "{{\"Action\":\"exec_create: {}\"}}\n",
                    crate::policy::redact::REDACTED
                )),
                Ok("{\"Action\":\"start\"}\n".to_owned()),
                Ok(format!(
                    "{{\"Action\":\"exec_start: {}\"}}\n",
                    crate::policy::redact::REDACTED
                )),
            ]
        );
    }

    #[tokio::test]
    async fn a_line_longer_than_the_limit_ends_the_stream() {
        let long: &'static [u8] = Box::leak(vec![b'x'; LINE_LIMIT + 1].into_boxed_slice());
        let lines = through(vec![&b"{\"a\":1}\n"[..], long, &b"\n"[..]]).await;
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].is_ok());
        assert!(lines[1].as_ref().unwrap_err().contains("longer than"));
    }
}
