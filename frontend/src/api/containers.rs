//! Container calls beyond the basic list: lifecycle with options, create, update, rename,
//! commit, export, prune, and refreshing a single row.

use berth_shared::engine::container::{
    ContainerConfig, ContainerCreated, ContainerRecipe, ContainerSummary, ContainerUpdate,
    ContainerUpdated, ContainersPruned,
};
use berth_shared::engine::progress::ProgressState;
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::engine::{Engine, percent_encode};
use super::images::Credentials;
use super::{ApiError, call, get_json, post_for_json, send_json};

impl Engine {
    /// The containers matching the engine's `filters` (a JSON object), with sizes when `size`.
    pub async fn containers_filtered(
        &self,
        filters: &str,
        size: bool,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<ContainerSummary>, ApiError> {
        let mut url = self.url("/containers/json?all=true");
        if size {
            url.push_str("&size=true");
        }
        if filters != "{}" && !filters.is_empty() {
            url.push_str("&filters=");
            url.push_str(&percent_encode(filters));
        }
        get_json(&url, signal).await
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

    /// Removes every stopped container.
    pub async fn prune_containers(&self) -> Result<ContainersPruned, ApiError> {
        post_for_json(&self.url("/containers/prune")).await
    }

    /// Where the browser downloads a container's filesystem as a tar (same-origin `GET`: the
    /// session cookie authorises it, so the URL carries no credential).
    pub fn container_export_url(&self, id: &str) -> String {
        self.container_url(id, "/export")
    }

    /// Pulls `image` anonymously and fails with the engine's message if the pull reports an
    /// error.
    pub async fn pull_image(&self, image: &str) -> Result<(), ApiError> {
        let mut progress = ProgressState::default();
        self.pull(image, Credentials::Anonymous, None, |chunk| {
            progress.feed(chunk);
        })
        .await?;
        progress.finish();
        match progress.error {
            Some(message) => Err(ApiError::Http {
                status: 500,
                message,
            }),
            None => Ok(()),
        }
    }
}

/// Splits `name[:tag][@digest]` into the name and its tag (or digest); `latest` by default.
pub fn split_reference(image: &str) -> (&str, &str) {
    if let Some((name, digest)) = image.split_once('@') {
        return (name, digest);
    }
    match image.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, tag),
        _ => (image, "latest"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_into_name_and_tag() {
        assert_eq!(split_reference("nginx"), ("nginx", "latest"));
        assert_eq!(split_reference("nginx:1.27"), ("nginx", "1.27"));
        assert_eq!(
            split_reference("localhost:5000/app"),
            ("localhost:5000/app", "latest")
        );
        assert_eq!(
            split_reference("localhost:5000/app:v2"),
            ("localhost:5000/app", "v2")
        );
        assert_eq!(split_reference("a@sha256:00"), ("a", "sha256:00"));
    }
}
