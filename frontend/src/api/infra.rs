//! Engine calls for networks, volumes, disk usage and pruning, through the gateway.

use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::network::{
    ContainerEndpoints, Network, NetworkConnectRequest, NetworkCreateRequest, NetworkCreated,
    NetworkDisconnectRequest,
};
use berth_shared::engine::system::{DiskUsage, PruneReport};
use berth_shared::engine::volume::{Volume, VolumeCreateRequest, VolumeList};
use berth_shared::version::ApiVersion;
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::engine::{Engine, percent_encode};
use super::{ApiError, call, get_json, post_for_json, send_json, send_json_ignoring_answer};
use crate::disk_usage::Category;

/// The first API version whose volume prune spares named volumes unless told `all`.
const PRUNE_ALL_VOLUMES_SINCE: ApiVersion = ApiVersion::new(1, 42);

/// A `filters` query value: `{"key":["value"]}`, percent-encoded.
fn filter(key: &str, value: &str) -> String {
    // Keys and values here are fixed words and names the engine already validated, but quote
    // them properly anyway.
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    percent_encode(&format!("{{{}:[{}]}}", quote(key), quote(value)))
}

impl Engine {
    /// `GET /networks/{id}`: a network with its connected containers.
    pub async fn network(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Network, ApiError> {
        get_json(
            &self.url(&format!("/networks/{}", percent_encode(id))),
            signal,
        )
        .await
    }

    /// `POST /networks/create`.
    pub async fn create_network(
        &self,
        request: &NetworkCreateRequest,
    ) -> Result<NetworkCreated, ApiError> {
        send_json(Method::POST, &self.url("/networks/create"), request).await
    }

    /// `DELETE /networks/{id}`.
    pub async fn remove_network(&self, id: &str) -> Result<(), ApiError> {
        call(
            Method::DELETE,
            &self.url(&format!("/networks/{}", percent_encode(id))),
        )
        .await
    }

    /// `POST /networks/{id}/connect`.
    pub async fn connect_network(
        &self,
        id: &str,
        request: &NetworkConnectRequest,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!("/networks/{}/connect", percent_encode(id)));
        send_json_ignoring_answer(Method::POST, &url, request).await
    }

    /// `POST /networks/{id}/disconnect`.
    pub async fn disconnect_network(
        &self,
        id: &str,
        request: &NetworkDisconnectRequest,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!("/networks/{}/disconnect", percent_encode(id)));
        send_json_ignoring_answer(Method::POST, &url, request).await
    }

    /// The network settings of a container, from `GET /containers/{id}/json`.
    pub async fn container_endpoints(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<ContainerEndpoints, ApiError> {
        get_json(
            &self.url(&format!("/containers/{}/json", percent_encode(id))),
            signal,
        )
        .await
    }

    /// Volumes, all of them or only those no container uses.
    pub async fn volumes_filtered(
        &self,
        unused_only: bool,
        signal: Option<&AbortSignal>,
    ) -> Result<VolumeList, ApiError> {
        let url = if unused_only {
            self.url(&format!("/volumes?filters={}", filter("dangling", "true")))
        } else {
            self.url("/volumes")
        };
        get_json(&url, signal).await
    }

    /// `GET /volumes/{name}`.
    pub async fn volume(
        &self,
        name: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Volume, ApiError> {
        get_json(
            &self.url(&format!("/volumes/{}", percent_encode(name))),
            signal,
        )
        .await
    }

    /// `POST /volumes/create`.
    pub async fn create_volume(&self, request: &VolumeCreateRequest) -> Result<Volume, ApiError> {
        send_json(Method::POST, &self.url("/volumes/create"), request).await
    }

    /// `DELETE /volumes/{name}`.
    pub async fn remove_volume(&self, name: &str) -> Result<(), ApiError> {
        call(
            Method::DELETE,
            &self.url(&format!("/volumes/{}", percent_encode(name))),
        )
        .await
    }

    /// Every container, running or not, that mounts the volume `name`.
    pub async fn containers_using_volume(
        &self,
        name: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<ContainerSummary>, ApiError> {
        let url = self.url(&format!(
            "/containers/json?all=true&filters={}",
            filter("volume", name)
        ));
        get_json(&url, signal).await
    }

    /// `GET /system/df`.
    pub async fn disk_usage(&self, signal: Option<&AbortSignal>) -> Result<DiskUsage, ApiError> {
        get_json(&self.url("/system/df"), signal).await
    }

    /// `POST /networks/prune`: removes every unused network.
    pub async fn prune_networks(&self) -> Result<PruneReport, ApiError> {
        post_for_json(&self.url("/networks/prune")).await
    }

    /// Prunes one category of disk usage the way its size was counted: unused images (not only
    /// dangling ones), stopped containers, unused volumes (named ones too, on engines that
    /// would otherwise spare them; `api` is the negotiated version) and idle build cache.
    pub async fn prune(
        &self,
        category: Category,
        api: Option<ApiVersion>,
    ) -> Result<PruneReport, ApiError> {
        let path = match category {
            Category::Images => format!("/images/prune?filters={}", filter("dangling", "false")),
            Category::Containers => "/containers/prune".to_owned(),
            Category::Volumes if api.is_some_and(|api| api >= PRUNE_ALL_VOLUMES_SINCE) => {
                format!("/volumes/prune?filters={}", filter("all", "true"))
            }
            Category::Volumes => "/volumes/prune".to_owned(),
            Category::BuildCache => "/build/prune?all=true".to_owned(),
        };
        post_for_json(&self.url(&path)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_encoded_json() {
        assert_eq!(
            filter("dangling", "true"),
            "%7B%22dangling%22%3A%5B%22true%22%5D%7D"
        );
    }
}
