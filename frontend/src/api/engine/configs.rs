//! Config calls through the gateway: list, inspect (with the data, redacted for viewers),
//! create, relabel and remove; and the console's rotation of a config
//! (`POST /api/env/{env}/configs/{id}/rotate`), which moves its services to the new version.

use berth_shared::api::configs::{ConfigRotateRequest, ConfigRotated};
use berth_shared::engine::config::{Config, ConfigSpec};
use berth_shared::engine::secret::{ObjectCreateRequest, ObjectCreated};
use berth_shared::engine::swarm::ObjectVersion;
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{Engine, whole_list};
use crate::api::{ApiError, call, percent_encode, send_json, send_json_ignoring_answer};
use crate::app::undecodable::Kind;

impl Engine {
    /// `GET /configs`.
    pub async fn configs(&self, signal: Option<&AbortSignal>) -> Result<Vec<Config>, ApiError> {
        whole_list(&self.url("/configs"), None, Kind::Configs, signal).await
    }

    /// `GET /configs/{id}`, and the document as sent.
    pub async fn config(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(Config, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/configs/{}", percent_encode(id)), signal)
            .await
    }

    /// `POST /configs/create`.
    pub async fn create_config(
        &self,
        request: &ObjectCreateRequest,
    ) -> Result<ObjectCreated, ApiError> {
        send_json(Method::POST, &self.url("/configs/create"), request).await
    }

    /// `POST /configs/{id}/update` at `version`: the engine changes only the labels.
    pub async fn update_config(
        &self,
        id: &str,
        version: ObjectVersion,
        spec: &ConfigSpec,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "/configs/{}/update?version={}",
            percent_encode(id),
            version.index
        ));
        send_json_ignoring_answer(Method::POST, &url, spec).await
    }

    /// `DELETE /configs/{id}`.
    pub async fn remove_config(&self, id: &str) -> Result<(), ApiError> {
        call(
            Method::DELETE,
            &self.url(&format!("/configs/{}", percent_encode(id))),
        )
        .await
    }
}

/// `POST /api/env/{environment}/configs/{id}/rotate`.
pub async fn rotate_config(
    environment: &str,
    id: &str,
    request: &ConfigRotateRequest,
) -> Result<ConfigRotated, ApiError> {
    let url = format!(
        "/api/env/{}/configs/{}/rotate",
        percent_encode(environment),
        percent_encode(id)
    );
    send_json(Method::POST, &url, request).await
}
