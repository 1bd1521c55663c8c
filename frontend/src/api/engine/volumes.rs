//! Volume calls through the gateway: list (all or only the unused), inspect, create and remove.

use berth_shared::engine::volume::{Volume, VolumeCreateRequest, VolumeList};
use gloo_net::http::Method;
use web_sys::AbortSignal;

use super::{Engine, filter, whole_list};
use crate::api::percent_encode;
use crate::api::{ApiError, call, send_json};
use crate::app::undecodable::Kind;

impl Engine {
    /// Every volume.
    pub async fn volumes(&self, signal: Option<&AbortSignal>) -> Result<VolumeList, ApiError> {
        self.volume_list(&self.url("/volumes"), signal).await
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
        self.volume_list(&url, signal).await
    }

    /// The volumes of `url`, decoded one by one; the drivers' warnings are not read.
    async fn volume_list(
        &self,
        url: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<VolumeList, ApiError> {
        let volumes = whole_list(url, Some("Volumes"), Kind::Volumes, signal).await?;
        Ok(VolumeList {
            volumes: Some(volumes),
            warnings: None,
        })
    }

    /// `GET /volumes/{name}`, and the document as sent.
    pub async fn volume(
        &self,
        name: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(Volume, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/volumes/{}", percent_encode(name)), signal)
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
}
