//! Secret and config calls through the gateway, the same five for both kinds at their own path:
//! list, inspect (a config with its data, redacted for viewers; a secret's data never comes
//! back), create, relabel and remove; and the console's rotation of a config
//! (`POST /api/env/{env}/configs/{id}/rotate`), which moves its services to the new version.

use berth_shared::api::configs::{ConfigRotateRequest, ConfigRotated};
use berth_shared::engine::config::{Config, ConfigSpec};
use berth_shared::engine::secret::{ObjectCreateRequest, ObjectCreated, Secret, SecretSpec};
use berth_shared::engine::swarm::ObjectVersion;
use gloo_net::http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use web_sys::AbortSignal;

use super::{Engine, whole_list};
use crate::api::{ApiError, call, percent_encode, send_json, send_json_ignoring_answer};
use crate::app::undecodable::Kind;

/// A kind of swarm object the engine keeps at `/{PLURAL}`: secrets and configs.
pub trait SwarmObject: DeserializeOwned + 'static {
    /// "secrets": the engine's path, and the console's section.
    const PLURAL: &'static str;
    /// Whose undecodable rows a list of them reports.
    const UNDECODABLE: Kind;
    /// What an update sends.
    type Spec: Serialize;
}

impl SwarmObject for Secret {
    const PLURAL: &'static str = "secrets";
    const UNDECODABLE: Kind = Kind::Secrets;
    type Spec = SecretSpec;
}

impl SwarmObject for Config {
    const PLURAL: &'static str = "configs";
    const UNDECODABLE: Kind = Kind::Configs;
    type Spec = ConfigSpec;
}

impl Engine {
    /// `GET /{kind}`.
    pub async fn swarm_objects<T: SwarmObject>(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<T>, ApiError> {
        let url = self.url(&format!("/{}", T::PLURAL));
        whole_list(&url, None, T::UNDECODABLE, signal).await
    }

    /// `GET /{kind}/{id}`, and the document as sent.
    pub async fn swarm_object<T: SwarmObject>(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(T, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/{}/{}", T::PLURAL, percent_encode(id)), signal)
            .await
    }

    /// `POST /{kind}/create`.
    pub async fn create_swarm_object<T: SwarmObject>(
        &self,
        request: &ObjectCreateRequest,
    ) -> Result<ObjectCreated, ApiError> {
        let url = self.url(&format!("/{}/create", T::PLURAL));
        send_json(Method::POST, &url, request).await
    }

    /// `POST /{kind}/{id}/update` at `version`: the engine changes only the labels.
    pub async fn update_swarm_object<T: SwarmObject>(
        &self,
        id: &str,
        version: ObjectVersion,
        spec: &T::Spec,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "/{}/{}/update?version={}",
            T::PLURAL,
            percent_encode(id),
            version.index
        ));
        send_json_ignoring_answer(Method::POST, &url, spec).await
    }

    /// `DELETE /{kind}/{id}`.
    pub async fn remove_swarm_object<T: SwarmObject>(&self, id: &str) -> Result<(), ApiError> {
        let url = self.url(&format!("/{}/{}", T::PLURAL, percent_encode(id)));
        call(Method::DELETE, &url).await
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
