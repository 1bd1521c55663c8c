//! Container calls through the gateway: the list, lifecycle, create, update, rename, remove,
//! prune and export; one container's inspect data, processes and changes; the logs and stats
//! streams; and the archive API (a tar of a path, and where to upload one).

use berth_shared::engine::archive::is_volume_browser;
use berth_shared::engine::archive::{PATH_STAT_HEADER, PathStat};
use berth_shared::engine::container::{
    ContainerConfig, ContainerCreated, ContainerRecipe, ContainerSummary, ContainerUpdate,
    ContainerUpdated, ContainersPruned,
};
use berth_shared::engine::exec::{ExecCreateRequest, ExecStartRequest};
use berth_shared::engine::image::IdResponse;
use berth_shared::engine::inspect::{FilesystemChange, ProcessList};
use berth_shared::engine::lenient;
use berth_shared::engine::multiplexed::Demuxer;
use gloo_net::http::{Method, Response};
use serde::de::DeserializeOwned;
use web_sys::AbortSignal;

use super::{Engine, filter, part_of_list, whole_list};
use crate::api::percent_encode;
use crate::api::stream::{ByteStream, stream};
use crate::api::{ApiError, call, get_json, post_for_json, send, send_json};
use crate::app::undecodable::Kind;

/// A lifecycle action on one container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerAction {
    /// `POST /containers/{id}/start`.
    Start,
    /// `POST /containers/{id}/stop`.
    Stop,
    /// `POST /containers/{id}/restart`.
    Restart,
    /// `POST /containers/{id}/pause`.
    Pause,
    /// `POST /containers/{id}/unpause`.
    Unpause,
}

impl ContainerAction {
    /// The verb shown on buttons.
    pub fn label(self) -> &'static str {
        match self {
            ContainerAction::Start => "Start",
            ContainerAction::Stop => "Stop",
            ContainerAction::Restart => "Restart",
            ContainerAction::Pause => "Pause",
            ContainerAction::Unpause => "Unpause",
        }
    }

    fn path(self) -> &'static str {
        match self {
            ContainerAction::Start => "start",
            ContainerAction::Stop => "stop",
            ContainerAction::Restart => "restart",
            ContainerAction::Pause => "pause",
            ContainerAction::Unpause => "unpause",
        }
    }
}

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

impl Engine {
    /// Every container, running or not.
    pub async fn containers(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<ContainerSummary>, ApiError> {
        whole_list(
            &self.url("/containers/json?all=true"),
            None,
            Kind::Containers,
            signal,
        )
        .await
    }

    /// The containers matching the engine's `filters` (a JSON object), with sizes when `size`.
    pub async fn containers_filtered(
        &self,
        filters: &str,
        size: bool,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<ContainerSummary>, ApiError> {
        let url = self.containers_url(filters, size);
        whole_list(&url, None, Kind::Containers, signal).await
    }

    /// The containers of the list's `filters` that a live update names (an `id` filter among
    /// them): only their error rows change.
    pub async fn containers_named(
        &self,
        filters: &str,
        size: bool,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<ContainerSummary>, ApiError> {
        let url = self.containers_url(filters, size);
        part_of_list(
            &url,
            Kind::Containers,
            |c: &ContainerSummary| c.id.clone(),
            signal,
        )
        .await
    }

    /// `GET /containers/json` of every container matching `filters` (a JSON object; empty or
    /// `{}` for all), with sizes when `size`.
    fn containers_url(&self, filters: &str, size: bool) -> String {
        let mut url = self.url("/containers/json?all=true");
        if size {
            url.push_str("&size=true");
        }
        if filters != "{}" && !filters.is_empty() {
            url.push_str("&filters=");
            url.push_str(&percent_encode(filters));
        }
        url
    }

    /// Every container, running or not, that mounts the volume `name`, but for Berth's own
    /// volume-browsing helpers, which are not users of it.
    pub async fn containers_using_volume(
        &self,
        name: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<ContainerSummary>, ApiError> {
        let url = self.url(&format!(
            "/containers/json?all=true&filters={}",
            filter("volume", name)
        ));
        let mut users: Vec<ContainerSummary> = get_json(&url, signal).await?;
        users.retain(|container| !is_volume_browser(&container.labels));
        Ok(users)
    }

    /// Starts, stops or restarts a container.
    pub async fn container_action(
        &self,
        id: &str,
        action: ContainerAction,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "/containers/{}/{}",
            percent_encode(id),
            action.path()
        ));
        call(Method::POST, &url).await
    }

    /// Stops a container, killing it after `timeout` seconds (the container's own default when
    /// `None`).
    pub async fn stop_container(&self, id: &str, timeout: Option<u32>) -> Result<(), ApiError> {
        let query = timeout.map(|t| format!("?t={t}")).unwrap_or_default();
        call(
            Method::POST,
            &self.container_url(id, &format!("/stop{query}")),
        )
        .await
    }

    /// Sends `signal` (such as `SIGKILL` or `SIGHUP`) to a container's main process.
    pub async fn kill_container(&self, id: &str, signal: &str) -> Result<(), ApiError> {
        let url = self.container_url(id, &format!("/kill?signal={}", percent_encode(signal)));
        call(Method::POST, &url).await
    }

    /// Renames a container.
    pub async fn rename_container(&self, id: &str, name: &str) -> Result<(), ApiError> {
        let url = self.container_url(id, &format!("/rename?name={}", percent_encode(name)));
        call(Method::POST, &url).await
    }

    /// Changes a running or stopped container's restart policy and limits.
    pub async fn update_container(
        &self,
        id: &str,
        update: &ContainerUpdate,
    ) -> Result<ContainerUpdated, ApiError> {
        send_json(Method::POST, &self.container_url(id, "/update"), update).await
    }

    /// The parts of a container's inspect data that recreate it.
    pub async fn container_recipe(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<ContainerRecipe, ApiError> {
        get_json(&self.container_url(id, "/json"), signal).await
    }

    /// Creates a container named `name` (or one the engine names, when empty).
    pub async fn create_container(
        &self,
        name: &str,
        config: &ContainerConfig,
    ) -> Result<ContainerCreated, ApiError> {
        let mut url = self.url("/containers/create");
        if !name.is_empty() {
            url.push_str(&format!("?name={}", percent_encode(name)));
        }
        send_json(Method::POST, &url, config).await
    }

    /// Removes a container, stopping it first when `force` is set; `volumes` also removes its
    /// anonymous volumes.
    pub async fn remove_container(
        &self,
        id: &str,
        force: bool,
        volumes: bool,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "/containers/{}?force={force}&v={volumes}",
            percent_encode(id)
        ));
        call(Method::DELETE, &url).await
    }

    /// Removes every stopped container.
    pub async fn prune_containers(&self) -> Result<ContainersPruned, ApiError> {
        post_for_json(&self.url("/containers/prune")).await
    }

    /// Where the browser downloads a container's filesystem as a tar (same-origin `GET`: the
    /// session cookie authorises it, so the URL carries no credential).
    pub fn container_export_url(&self, id: &str) -> String {
        self.container_url(id, "/export")
    }

    /// `GET /containers/{id}/json`, as a
    /// [`ContainerInspect`](berth_shared::engine::inspect::ContainerInspect) or, for the
    /// Inspect tab, as the document it is.
    pub async fn inspect_container<T: DeserializeOwned>(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<T, ApiError> {
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

    /// Deletes `path` (a file, or a folder with all it holds) in running container `id`, with
    /// the container's own `rm` run to its end (the archive API cannot delete). Done when the
    /// path is gone; otherwise the error says what `rm` printed.
    pub async fn delete_path(&self, id: &str, path: &str) -> Result<(), ApiError> {
        let created: IdResponse = send_json(
            Method::POST,
            &self.container_url(id, "/exec"),
            &ExecCreateRequest {
                attach_stdout: true,
                attach_stderr: true,
                cmd: vec!["rm".into(), "-rf".into(), "--".into(), path.to_owned()],
            },
        )
        .await?;
        let start = serde_json::to_string(&ExecStartRequest::default())
            .map_err(|error| ApiError::Decode(error.to_string()))?;
        let url = self.url(&format!("/exec/{}/start", percent_encode(&created.id)));
        // The answer streams the command's output until it ends.
        let output = send(Method::POST, &url, Some(start), None)
            .await?
            .binary()
            .await
            .map_err(|error| ApiError::Network(error.to_string()))?;
        match send(Method::HEAD, &self.archive_url(id, path), None, None).await {
            Err(ApiError::Http { status: 404, .. }) => Ok(()),
            Err(error) => Err(error),
            Ok(_) => {
                let (stdout, stderr) = Demuxer::split(&output);
                let said =
                    String::from_utf8_lossy(if stderr.is_empty() { &stdout } else { &stderr })
                        .trim()
                        .to_owned();
                Err(ApiError::Http {
                    status: 409,
                    message: if said.is_empty() {
                        format!("{path} is still there")
                    } else {
                        format!("{path} is still there: {said}")
                    },
                })
            }
        }
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
    lenient::from_slice(&bytes).map_err(|error| ApiError::Decode(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// index.html's loader asks for the Containers page's first list before the app starts
    /// (`api/early.rs`); it builds the URL in JavaScript, and the page takes its answer only if
    /// that is exactly the URL the page asks for with no filters.
    #[test]
    fn the_loaders_early_list_is_the_one_the_page_asks_for() {
        let loader = include_str!("../../../../scripts/build-wasm.sh");
        let unfiltered = crate::containers::list_model::engine_filters("", "");
        let url = Engine::new("local").containers_url(&unfiltered, false);
        let path = url
            .strip_prefix("/engine/local")
            .expect("the environment's prefix");
        assert!(
            loader.contains(&format!(r#"containers: ["{path}"]"#)),
            "scripts/build-wasm.sh does not ask for {path}"
        );
    }

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
