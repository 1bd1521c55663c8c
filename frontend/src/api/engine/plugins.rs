//! Managed-plugin calls through the gateway, all eleven: list (all, or those of a kind),
//! privileges, the streamed pull, upgrade and push, inspect, enable, disable, set, create from a
//! tar and remove.

use berth_shared::engine::plugin::{Plugin, PluginKind, PluginPrivilege};
use gloo_net::http::Method;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use super::images::{Credentials, image_path};
use super::{Engine, filter, whole_list};
use crate::api::upload::{Upload, upload};
use crate::api::{ApiError, call, percent_encode, send_json_ignoring_answer};
use crate::app::undecodable::Kind;

impl Engine {
    /// `GET /plugins`: every plugin, by name.
    pub async fn plugins(&self, signal: Option<&AbortSignal>) -> Result<Vec<Plugin>, ApiError> {
        let mut all: Vec<Plugin> =
            whole_list(&self.url("/plugins"), None, Kind::Plugins, signal).await?;
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// The names of the enabled plugins that provide `kind` of driver
    /// (`GET /plugins?filters={"capability":[…]}`), for the driver lists of create forms.
    pub async fn plugin_drivers(
        &self,
        kind: PluginKind,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<String>, ApiError> {
        let url = self.url(&format!(
            "/plugins?filters={}",
            filter("capability", kind.capability())
        ));
        let plugins: Vec<Plugin> = crate::api::get_json(&url, signal).await?;
        let mut names: Vec<String> = plugins
            .into_iter()
            .filter(|plugin| plugin.enabled)
            .map(|plugin| plugin.name)
            .collect();
        names.sort();
        Ok(names)
    }

    /// `GET /plugins/{name}/json`, typed and raw.
    pub async fn plugin(
        &self,
        name: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(Plugin, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/plugins/{}/json", image_path(name)), signal)
            .await
    }

    /// `GET /plugins/privileges?remote=…`: what installing `remote` would grant it.
    async fn plugin_privileges(
        &self,
        remote: &str,
        credentials: Credentials,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<PluginPrivilege>, ApiError> {
        let url = self.url(&format!(
            "/plugins/privileges?remote={}",
            percent_encode(remote)
        ));
        let builder = credentials.apply(gloo_net::http::RequestBuilder::new(&url));
        let response = crate::api::send_body(builder, &Method::GET, None, signal).await?;
        crate::api::decode(response).await
    }

    /// The privileges installing `remote` would grant it, once the registry says it has it: the
    /// engine answers no privileges at all for a reference that is not there.
    pub async fn plugin_privileges_checked(
        &self,
        remote: &str,
        credentials: Credentials,
    ) -> Result<Vec<PluginPrivilege>, ApiError> {
        self.distribution(remote, credentials, None).await?;
        self.plugin_privileges(remote, credentials, None).await
    }

    /// `POST /plugins/pull`: installs `remote` as `alias` (its own name when empty), disabled,
    /// granting exactly `privileges`; the engine refuses if they are not what it asks now.
    pub async fn pull_plugin(
        &self,
        (remote, alias): (&str, &str),
        privileges: &[PluginPrivilege],
        credentials: Credentials,
        signal: Option<&AbortSignal>,
        on_chunk: impl FnMut(&str),
    ) -> Result<(), ApiError> {
        let mut path = format!("/plugins/pull?remote={}", percent_encode(remote));
        if !alias.is_empty() {
            path.push_str(&format!("&name={}", percent_encode(alias)));
        }
        self.stream_granting(&path, privileges, credentials, signal, on_chunk)
            .await
    }

    /// `POST /plugins/{name}/upgrade`: the disabled plugin `name` from `remote`, granting exactly
    /// `privileges`.
    pub async fn upgrade_plugin(
        &self,
        (name, remote): (&str, &str),
        privileges: &[PluginPrivilege],
        credentials: Credentials,
        signal: Option<&AbortSignal>,
        on_chunk: impl FnMut(&str),
    ) -> Result<(), ApiError> {
        let path = format!(
            "/plugins/{}/upgrade?remote={}",
            image_path(name),
            percent_encode(remote)
        );
        self.stream_granting(&path, privileges, credentials, signal, on_chunk)
            .await
    }

    /// A streamed pull or upgrade whose body is the privileges granted.
    async fn stream_granting(
        &self,
        path: &str,
        privileges: &[PluginPrivilege],
        credentials: Credentials,
        signal: Option<&AbortSignal>,
        on_chunk: impl FnMut(&str),
    ) -> Result<(), ApiError> {
        let body = serde_json::to_string(privileges)
            .map(|text| JsValue::from_str(&text))
            .map_err(|error| ApiError::Decode(error.to_string()))?;
        self.stream(
            path,
            credentials,
            Some((Some("application/json"), body)),
            signal,
            on_chunk,
        )
        .await
    }

    /// `POST /plugins/{name}/push`: to the registry its name is on.
    pub async fn push_plugin(
        &self,
        name: &str,
        credentials: Credentials,
        signal: Option<&AbortSignal>,
        on_chunk: impl FnMut(&str),
    ) -> Result<(), ApiError> {
        let path = format!("/plugins/{}/push", image_path(name));
        self.stream(&path, credentials, None, signal, on_chunk)
            .await
    }

    /// `POST /plugins/{name}/enable`, waiting at most `timeout_seconds` for it to answer.
    pub async fn enable_plugin(&self, name: &str, timeout_seconds: u32) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "/plugins/{}/enable?timeout={timeout_seconds}",
            image_path(name)
        ));
        call(Method::POST, &url).await
    }

    /// `POST /plugins/{name}/disable`; `force` even while something uses it.
    pub async fn disable_plugin(&self, name: &str, force: bool) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "/plugins/{}/disable?force={force}",
            image_path(name)
        ));
        call(Method::POST, &url).await
    }

    /// `POST /plugins/{name}/set` with `key=value` settings (`ENV=…`, `mount.source=…`,
    /// `device.path=…`, `args=…`).
    pub async fn set_plugin(&self, name: &str, settings: &[String]) -> Result<(), ApiError> {
        let url = self.url(&format!("/plugins/{}/set", image_path(name)));
        send_json_ignoring_answer(Method::POST, &url, &settings).await
    }

    /// `DELETE /plugins/{name}`; `force` removes it even while enabled.
    pub async fn remove_plugin(&self, name: &str, force: bool) -> Result<(), ApiError> {
        let url = self.url(&format!("/plugins/{}?force={force}", image_path(name)));
        call(Method::DELETE, &url).await
    }

    /// `POST /plugins/create?name=…` with a tar of `rootfs/` and `config.json`.
    pub async fn create_plugin(
        &self,
        name: &str,
        archive: &web_sys::Blob,
        on_progress: impl Fn(f64, f64) + 'static,
        started: impl FnOnce(Upload),
    ) -> Result<String, ApiError> {
        upload(
            Method::POST,
            &self.url(&format!("/plugins/create?name={}", percent_encode(name))),
            "application/x-tar",
            archive,
            on_progress,
            started,
        )
        .await
    }
}
