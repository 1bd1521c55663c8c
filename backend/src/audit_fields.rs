//! What an engine request's audit record says beyond its path: the query (which names the
//! image pulled, `force`, `v` and the like) and the security-relevant fields of the small JSON
//! bodies of container and exec creation (`Image`, `User`, `Privileged`, `Cmd`).
//!
//! Bodies are read only for those operations, only when they declare a small length; any
//! other body (an image upload, a build context) streams through untouched.

use axum::body::Body;
use axum::http::{HeaderMap, header};
use http_body_util::BodyExt;
use serde_json::Value;

use crate::error::ApiError;

/// The largest body that is read to be recorded.
pub const PEEK_LIMIT: usize = 256 * 1024;

/// The longest query or detail recorded; longer ones are cut with a marker.
const RECORDED_LIMIT: usize = 2048;

/// Query parameters whose values may carry secrets; their values are not recorded.
const SECRET_PARAMETERS: [&str; 1] = ["buildargs"];

/// The record's target: the path, and the query unless it is empty.
pub fn target(path: &str, query: Option<&str>) -> String {
    let Some(query) = query.filter(|query| !query.is_empty()) else {
        return path.to_owned();
    };
    let query = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMETERS.contains(&name) => {
                format!("{name}=(not recorded)")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&");
    cut(format!("{path}?{query}"))
}

/// The fields of `operation`'s body worth recording, read from a JSON body; `None` when the
/// operation has none.
fn fields_of(operation: &str) -> Option<&'static [(&'static str, &'static [&'static str])]> {
    match operation {
        "ContainerExec" => Some(&[
            ("User", &["User"]),
            ("Privileged", &["Privileged"]),
            ("Cmd", &["Cmd"]),
        ]),
        "ContainerCreate" => Some(&[
            ("Image", &["Image"]),
            ("User", &["User"]),
            ("Privileged", &["HostConfig", "Privileged"]),
            ("Cmd", &["Cmd"]),
        ]),
        _ => None,
    }
}

/// Reads `body` when `operation` has fields to record and the body is small, and returns what
/// to record with the body to forward (the same bytes, or the untouched stream).
pub async fn peek(
    operation: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Option<String>, Body), ApiError> {
    let Some(fields) = fields_of(operation) else {
        return Ok((None, body));
    };
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    match length {
        Some(0) => return Ok((None, body)),
        Some(length) if length <= PEEK_LIMIT => {}
        _ => {
            return Ok((
                Some("body not recorded: streamed or larger than 256 KiB".to_owned()),
                body,
            ));
        }
    }
    let bytes = http_body_util::Limited::new(body, PEEK_LIMIT)
        .collect()
        .await
        .map_err(|error| ApiError::BadRequest(format!("reading the request body: {error}")))?
        .to_bytes();
    let detail = match serde_json::from_slice::<Value>(&bytes) {
        Ok(value) => describe(&value, fields),
        // The engine answers malformed JSON itself; the record says what it was sent.
        Err(_) => Some("body is not JSON".to_owned()),
    };
    Ok((detail, Body::from(bytes)))
}

/// `Name=value` for each field present, in order.
fn describe(value: &Value, fields: &[(&str, &[&str])]) -> Option<String> {
    let parts: Vec<String> = fields
        .iter()
        .filter_map(|(name, path)| {
            let found = path.iter().try_fold(value, |value, key| value.get(key))?;
            (!found.is_null()).then(|| format!("{name}={found}"))
        })
        .collect();
    (!parts.is_empty()).then(|| cut(parts.join(" ")))
}

fn cut(mut text: String) -> String {
    if text.len() > RECORDED_LIMIT {
        let mut end = RECORDED_LIMIT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_query_is_recorded_without_build_arguments() {
        assert_eq!(
            target("/v1.51/containers/web", Some("force=1&v=1")),
            "/v1.51/containers/web?force=1&v=1"
        );
        assert_eq!(target("/images/create", None), "/images/create");
        assert_eq!(
            target(
                "/build",
                Some("t=app&buildargs=%7B%22TOKEN%22%3A%22s3cret%22%7D")
            ),
            "/build?t=app&buildargs=(not recorded)"
        );
        assert!(target("/x", Some(&"a".repeat(5000))).len() < RECORDED_LIMIT + 8);
    }

    #[tokio::test]
    async fn exec_fields_are_read_from_small_bodies_and_the_body_is_kept() {
        let json = r#"{"User":"root","Privileged":true,"Cmd":["sh","-c","id"],"Tty":false}"#;
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(json.len()));
        let (detail, body) = peek("ContainerExec", &headers, Body::from(json))
            .await
            .unwrap();
        assert_eq!(
            detail.as_deref(),
            Some(r#"User="root" Privileged=true Cmd=["sh","-c","id"]"#)
        );
        let forwarded = body.collect().await.unwrap().to_bytes();
        assert_eq!(forwarded, json.as_bytes());
    }

    #[tokio::test]
    async fn other_bodies_stream_through_unread() {
        let headers = HeaderMap::new();
        let (detail, _) = peek("ImageLoad", &headers, Body::from("tar"))
            .await
            .unwrap();
        assert_eq!(detail, None);
        let (detail, body) = peek("ContainerCreate", &headers, Body::from("{}"))
            .await
            .unwrap();
        assert!(detail.unwrap().contains("not recorded"));
        assert_eq!(body.collect().await.unwrap().to_bytes(), "{}".as_bytes());
    }
}
