//! Network calls through the gateway: list, inspect, create, remove, prune, and connecting and
//! disconnecting containers.

use berth_shared::engine::network::{
    ContainerEndpoints, Network, NetworkConnectRequest, NetworkCreateRequest, NetworkCreated,
    NetworkDisconnectRequest,
};
use berth_shared::engine::system::PruneReport;
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{Engine, whole_list};
use crate::api::percent_encode;
use crate::api::{ApiError, call, post_for_json, send_json, send_json_ignoring_answer};
use crate::app::undecodable::Kind;

impl Engine {
    /// Every network.
    pub async fn networks(&self, signal: Option<&AbortSignal>) -> Result<Vec<Network>, ApiError> {
        whole_list(&self.url("/networks"), None, Kind::Networks, signal).await
    }

    /// `GET /networks/{id}`: a network with its connected containers, and the document as sent.
    pub async fn network(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(Network, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/networks/{}", percent_encode(id)), signal)
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

    /// `POST /networks/prune`: removes every unused network.
    pub async fn prune_networks(&self) -> Result<PruneReport, ApiError> {
        post_for_json(&self.url("/networks/prune")).await
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
        self.get(&format!("/containers/{}/json", percent_encode(id)), signal)
            .await
    }
}
