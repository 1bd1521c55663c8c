//! Secret calls through the gateway: list, inspect, create, relabel and remove. A secret's
//! data goes out once, in the create body, and never comes back.

use berth_shared::engine::secret::{ObjectCreateRequest, ObjectCreated, Secret, SecretSpec};
use berth_shared::engine::swarm::ObjectVersion;
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{Engine, whole_list};
use crate::api::{ApiError, call, percent_encode, send_json, send_json_ignoring_answer};
use crate::app::undecodable::Kind;

impl Engine {
    /// `GET /secrets`.
    pub async fn secrets(&self, signal: Option<&AbortSignal>) -> Result<Vec<Secret>, ApiError> {
        whole_list(&self.url("/secrets"), None, Kind::Secrets, signal).await
    }

    /// `GET /secrets/{id}`, and the document as sent.
    pub async fn secret(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(Secret, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/secrets/{}", percent_encode(id)), signal)
            .await
    }

    /// `POST /secrets/create`.
    pub async fn create_secret(
        &self,
        request: &ObjectCreateRequest,
    ) -> Result<ObjectCreated, ApiError> {
        send_json(Method::POST, &self.url("/secrets/create"), request).await
    }

    /// `POST /secrets/{id}/update` at `version`: the engine changes only the labels.
    pub async fn update_secret(
        &self,
        id: &str,
        version: ObjectVersion,
        spec: &SecretSpec,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "/secrets/{}/update?version={}",
            percent_encode(id),
            version.index
        ));
        send_json_ignoring_answer(Method::POST, &url, spec).await
    }

    /// `DELETE /secrets/{id}`.
    pub async fn remove_secret(&self, id: &str) -> Result<(), ApiError> {
        call(
            Method::DELETE,
            &self.url(&format!("/secrets/{}", percent_encode(id))),
        )
        .await
    }
}
