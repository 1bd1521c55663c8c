//! Engine calls about one container, through the gateway: inspect, processes, changes, the
//! logs and stats streams, and the archive API (stat, download, upload with progress).

use berth_shared::engine::archive::{PATH_STAT_HEADER, PathStat};
use berth_shared::engine::inspect::{ContainerInspect, FilesystemChange, ProcessList};
use gloo_net::http::{Method, Response};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader};

use super::engine::{Engine, percent_encode};
use super::{ApiError, get_json, send};

/// What part of a log to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogRange {
    /// Keep streaming new lines.
    pub follow: bool,
    /// Only the last this many lines; `None` for all.
    pub tail: Option<u32>,
    /// Only lines from this Unix time on.
    pub since: Option<i64>,
    /// Only lines before this Unix time.
    pub until: Option<i64>,
}

impl LogRange {
    /// The query string of `GET /containers/{id}/logs` for this range, with timestamps.
    pub fn query(&self) -> String {
        let mut query = format!(
            "stdout=1&stderr=1&timestamps=1&follow={}",
            u8::from(self.follow)
        );
        match self.tail {
            Some(tail) => query.push_str(&format!("&tail={tail}")),
            None => query.push_str("&tail=all"),
        }
        if let Some(since) = self.since {
            query.push_str(&format!("&since={since}"));
        }
        if let Some(until) = self.until {
            query.push_str(&format!("&until={until}"));
        }
        query
    }
}

/// The chunks of a streamed response body.
pub struct ByteStream {
    reader: ReadableStreamDefaultReader,
}

impl ByteStream {
    /// The next chunk; `None` at the end of the body.
    pub async fn next(&mut self, signal: &AbortSignal) -> Option<Result<Vec<u8>, ApiError>> {
        let result = match JsFuture::from(self.reader.read()).await {
            Ok(result) => result,
            Err(error) if signal.aborted() => {
                drop(error);
                return Some(Err(ApiError::Aborted));
            }
            Err(error) => return Some(Err(ApiError::Network(js_message(&error)))),
        };
        let done = Reflect::get(&result, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return None;
        }
        let value = Reflect::get(&result, &JsValue::from_str("value")).ok()?;
        Some(Ok(value.unchecked_into::<Uint8Array>().to_vec()))
    }
}

fn js_message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| format!("{error:?}"))
}

/// Starts a `GET` and returns its body as a stream of chunks.
async fn stream(url: &str, signal: &AbortSignal) -> Result<(Response, ByteStream), ApiError> {
    let response = send(Method::GET, url, None, Some(signal)).await?;
    let body = response
        .body()
        .ok_or_else(|| ApiError::Decode("the answer has no body".into()))?;
    let reader = body
        .get_reader()
        .unchecked_into::<ReadableStreamDefaultReader>();
    Ok((response, ByteStream { reader }))
}

impl Engine {
    /// `GET /containers/{id}/json`.
    pub async fn inspect_container(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<ContainerInspect, ApiError> {
        get_json(&self.container_url(id, "/json"), signal).await
    }

    /// `GET /containers/{id}/json` as raw JSON, for the Inspect tab.
    pub async fn inspect_container_raw(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<serde_json::Value, ApiError> {
        get_json(&self.container_url(id, "/json"), signal).await
    }

    /// `GET /containers/{id}/top`.
    pub async fn container_top(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<ProcessList, ApiError> {
        get_json(&self.container_url(id, "/top?ps_args=-ef"), signal).await
    }

    /// `GET /containers/{id}/changes`; the engine answers `null` when nothing changed.
    pub async fn container_changes(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<FilesystemChange>, ApiError> {
        get_json::<Option<Vec<FilesystemChange>>>(&self.container_url(id, "/changes"), signal)
            .await
            .map(Option::unwrap_or_default)
    }

    /// Streams `GET /containers/{id}/logs` for `range`.
    pub async fn container_logs(
        &self,
        id: &str,
        range: &LogRange,
        signal: &AbortSignal,
    ) -> Result<ByteStream, ApiError> {
        let url = self.container_url(id, &format!("/logs?{}", range.query()));
        stream(&url, signal).await.map(|(_, body)| body)
    }

    /// Streams `GET /containers/{id}/stats`: one JSON sample per line, about every second.
    pub async fn container_stats(
        &self,
        id: &str,
        signal: &AbortSignal,
    ) -> Result<ByteStream, ApiError> {
        let url = self.container_url(id, "/stats?stream=1");
        stream(&url, signal).await.map(|(_, body)| body)
    }

    /// One stats sample (`stream=false`), with the previous CPU reading for a CPU %.
    pub async fn container_stats_once(
        &self,
        id: &str,
        signal: &AbortSignal,
    ) -> Result<berth_shared::engine::stats::StatsSample, ApiError> {
        get_json(&self.container_url(id, "/stats?stream=false"), Some(signal)).await
    }

    /// Streams `GET /containers/{id}/archive`: a tar of `path`.
    pub async fn archive(
        &self,
        id: &str,
        path: &str,
        signal: &AbortSignal,
    ) -> Result<(PathStat, ByteStream), ApiError> {
        let (response, body) = stream(&self.archive_url(id, path), signal).await?;
        Ok((decode_stat(&response)?, body))
    }

    /// The URL of the archive API for `path` in container `id`.
    pub fn archive_url(&self, id: &str, path: &str) -> String {
        self.container_url(id, &format!("/archive?path={}", percent_encode(path)))
    }
}

fn decode_stat(response: &Response) -> Result<PathStat, ApiError> {
    let header = response
        .headers()
        .get(PATH_STAT_HEADER)
        .ok_or_else(|| ApiError::Decode("the engine sent no path stat".into()))?;
    let json = web_sys::window()
        .and_then(|window| window.atob(&header).ok())
        .ok_or_else(|| ApiError::Decode("the path stat is not base64".into()))?;
    // `atob` yields one char per byte: turn it back into bytes before reading UTF-8 names.
    let bytes: Vec<u8> = json.chars().map(|c| c as u32 as u8).collect();
    serde_json::from_slice(&bytes).map_err(|error| ApiError::Decode(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ranges_become_queries() {
        let range = LogRange {
            follow: true,
            tail: Some(500),
            since: Some(10),
            until: None,
        };
        assert_eq!(
            range.query(),
            "stdout=1&stderr=1&timestamps=1&follow=1&tail=500&since=10"
        );
        assert_eq!(
            LogRange::default().query(),
            "stdout=1&stderr=1&timestamps=1&follow=0&tail=all"
        );
    }
}
