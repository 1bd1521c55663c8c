//! System calls through the gateway: `/info`, `/version`, disk usage, and pruning one category
//! of it.

use berth_shared::engine::system::{DiskUsage, PruneReport, SystemInfo, SystemVersion};
use berth_shared::version::ApiVersion;
use web_sys::AbortSignal;

use super::{Engine, filter};
use crate::api::{ApiError, post_for_json};
use crate::system::disk_usage::Category;

/// The first API version whose volume prune spares named volumes unless told `all`.
const PRUNE_ALL_VOLUMES_SINCE: ApiVersion = ApiVersion::new(1, 42);

impl Engine {
    /// `GET /info`.
    pub async fn info(&self, signal: Option<&AbortSignal>) -> Result<SystemInfo, ApiError> {
        self.get("/info", signal).await
    }

    /// `GET /version`.
    pub async fn version(&self, signal: Option<&AbortSignal>) -> Result<SystemVersion, ApiError> {
        self.get("/version", signal).await
    }

    /// `GET /system/df`.
    pub async fn disk_usage(&self, signal: Option<&AbortSignal>) -> Result<DiskUsage, ApiError> {
        self.get("/system/df", signal).await
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
