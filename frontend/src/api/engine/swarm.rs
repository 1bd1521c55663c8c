//! Swarm calls through the gateway: the swarm itself (inspect, init, join, leave, update,
//! unlock and its key) and its nodes (list, inspect, update, remove).

use berth_shared::engine::node::{Node, NodeSpec};
use berth_shared::engine::swarm::{
    ObjectVersion, Rotate, Swarm, SwarmInitRequest, SwarmJoinRequest, SwarmSpec,
    SwarmUnlockRequest, UnlockKey,
};
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{Engine, whole_list};
use crate::api::{ApiError, call, percent_encode, send_json, send_json_ignoring_answer};
use crate::app::undecodable::Kind;

impl Engine {
    /// `GET /swarm`, and the document as sent.
    pub async fn swarm(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<(Swarm, serde_json::Value), ApiError> {
        self.get_with_raw("/swarm", signal).await
    }

    /// `POST /swarm/init`: the new node's id.
    pub async fn init_swarm(&self, request: &SwarmInitRequest) -> Result<String, ApiError> {
        send_json(Method::POST, &self.url("/swarm/init"), request).await
    }

    /// `POST /swarm/join`.
    pub async fn join_swarm(&self, request: &SwarmJoinRequest) -> Result<(), ApiError> {
        send_json_ignoring_answer(Method::POST, &self.url("/swarm/join"), request).await
    }

    /// `POST /swarm/leave`, forced for a manager.
    pub async fn leave_swarm(&self, force: bool) -> Result<(), ApiError> {
        call(
            Method::POST,
            &self.url(&format!("/swarm/leave?force={force}")),
        )
        .await
    }

    /// `POST /swarm/update`: `spec` at `version`, rotating what `rotate` says.
    pub async fn update_swarm(
        &self,
        version: ObjectVersion,
        spec: &SwarmSpec,
        rotate: Rotate,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!("/swarm/update?{}", rotate.query(version)));
        send_json_ignoring_answer(Method::POST, &url, spec).await
    }

    /// `GET /swarm/unlockkey`.
    pub async fn unlock_key(&self) -> Result<UnlockKey, ApiError> {
        self.get("/swarm/unlockkey", None).await
    }

    /// `POST /swarm/unlock`.
    pub async fn unlock_swarm(&self, key: &str) -> Result<(), ApiError> {
        let body = SwarmUnlockRequest {
            unlock_key: key.to_owned(),
        };
        send_json_ignoring_answer(Method::POST, &self.url("/swarm/unlock"), &body).await
    }

    /// `GET /nodes`.
    pub async fn nodes(&self, signal: Option<&AbortSignal>) -> Result<Vec<Node>, ApiError> {
        whole_list(&self.url("/nodes"), None, Kind::Nodes, signal).await
    }

    /// `GET /nodes/{id}`, and the document as sent.
    pub async fn node(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(Node, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/nodes/{}", percent_encode(id)), signal)
            .await
    }

    /// `POST /nodes/{id}/update`: the whole spec at `version`.
    pub async fn update_node(
        &self,
        id: &str,
        version: ObjectVersion,
        spec: &NodeSpec,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "/nodes/{}/update?version={}",
            percent_encode(id),
            version.index
        ));
        send_json_ignoring_answer(Method::POST, &url, spec).await
    }

    /// `DELETE /nodes/{id}`, forced for a node that is still up.
    pub async fn remove_node(&self, id: &str, force: bool) -> Result<(), ApiError> {
        let url = self.url(&format!("/nodes/{}?force={force}", percent_encode(id)));
        call(Method::DELETE, &url).await
    }
}
