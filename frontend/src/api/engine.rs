//! Engine API calls through the gateway at `/engine/{environment}/…`.

use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::image::ImageSummary;
use berth_shared::engine::network::Network;
use berth_shared::engine::system::{SystemInfo, SystemVersion};
use berth_shared::engine::volume::VolumeList;
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{ApiError, call, get_json};

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

/// The gateway of one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    base: String,
}

impl Engine {
    /// The engine of environment `id`.
    pub fn new(id: &str) -> Self {
        Self {
            base: format!("/engine/{}", percent_encode(id)),
        }
    }

    /// The gateway URL of a container's endpoint: `rest` follows `/containers/{id}`.
    pub(crate) fn container_url(&self, id: &str, rest: &str) -> String {
        self.url(&format!("/containers/{}{rest}", percent_encode(id)))
    }

    /// The gateway URL of an engine path.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every container, running or not.
    pub async fn containers(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<ContainerSummary>, ApiError> {
        get_json(&self.url("/containers/json?all=true"), signal).await
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

    /// Every image.
    pub async fn images(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<ImageSummary>, ApiError> {
        get_json(&self.url("/images/json"), signal).await
    }

    /// Every network.
    pub async fn networks(&self, signal: Option<&AbortSignal>) -> Result<Vec<Network>, ApiError> {
        get_json(&self.url("/networks"), signal).await
    }

    /// Every volume.
    pub async fn volumes(&self, signal: Option<&AbortSignal>) -> Result<VolumeList, ApiError> {
        get_json(&self.url("/volumes"), signal).await
    }

    /// `GET /info`.
    pub async fn info(&self, signal: Option<&AbortSignal>) -> Result<SystemInfo, ApiError> {
        get_json(&self.url("/info"), signal).await
    }

    /// `GET /version`.
    pub async fn version(&self, signal: Option<&AbortSignal>) -> Result<SystemVersion, ApiError> {
        get_json(&self.url("/version"), signal).await
    }
}

/// Percent-encodes everything but unreserved characters, so an id can never add a path segment.
pub fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_segment() {
        assert_eq!(percent_encode("web-1.a_b~"), "web-1.a_b~");
        assert_eq!(percent_encode("../create"), "..%2Fcreate");
        assert_eq!(percent_encode("a b?c"), "a%20b%3Fc");
    }

    #[test]
    fn urls_carry_the_environment() {
        assert_eq!(Engine::new("local").url("/info"), "/engine/local/info");
    }
}
