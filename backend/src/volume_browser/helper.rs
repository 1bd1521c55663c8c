//! The engine calls behind a helper container: a container created (never started) from a
//! local image with one volume mounted, so the archive API can list, read and write the
//! volume's files. Every call is typed with the `shared` engine models.
//!
//! Each helper carries two labels: [`HELPER_LABEL`] (naming its volume) and [`INSTANCE_LABEL`]
//! (naming the Berth instance that made it), so that leftovers of a crash can be found and
//! removed without touching the helpers of another Berth that shares the engine.

use std::collections::BTreeMap;
use std::time::Duration;

use berth_shared::engine::container::{
    ContainerConfig, ContainerCreated, ContainerSummary, HostConfig,
};
use berth_shared::engine::volume::Volume;
use berth_shared::percent;
use http::{Method, StatusCode};

use crate::engine::client::CONTROL_TIMEOUT;
use crate::engine::{EngineClient, EngineError};

/// The label every helper container carries; its value is the volume's name.
pub const HELPER_LABEL: &str = berth_shared::engine::archive::VOLUME_BROWSER_LABEL;

/// The label naming the Berth instance that created a helper.
pub const INSTANCE_LABEL: &str = "org.berth.instance";

/// Where the volume is mounted in a helper.
pub const MOUNT_POINT: &str = "/volume";

/// Creating a container can take longer than a ping: the engine prepares its file system.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a helper could not be made.
#[derive(Debug, thiserror::Error)]
pub enum HelperError {
    /// The volume does not exist; a helper would silently create it.
    #[error("no such volume: {0}")]
    NoSuchVolume(String),
    /// The engine refused or could not be reached.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Checks that `volume` exists (mounting a missing volume would create it), then creates a
/// stopped helper container from `image` with it mounted at [`MOUNT_POINT`], labelled for
/// `instance`; returns the helper's id.
pub async fn create(
    client: &EngineClient,
    volume: &str,
    image: &str,
    instance: &str,
) -> Result<String, HelperError> {
    let inspected: Result<Volume, _> = client
        .call(
            Method::GET,
            &format!("/volumes/{}", percent::component(volume)),
            None::<&()>,
            CONTROL_TIMEOUT,
        )
        .await;
    match inspected {
        // A name with a `/` or `:` would turn the bind into a host path or a mount option; only
        // a volume the engine reports under exactly this name is mounted.
        Ok(found) if found.name == volume && !volume.contains(['/', ':']) => {}
        Ok(_) => return Err(HelperError::NoSuchVolume(volume.to_owned())),
        Err(EngineError::Status { status, .. }) if status == StatusCode::NOT_FOUND => {
            return Err(HelperError::NoSuchVolume(volume.to_owned()));
        }
        Err(error) => return Err(error.into()),
    }
    let body = ContainerConfig {
        image: image.to_owned(),
        cmd: Some(vec!["true".to_owned()]),
        labels: BTreeMap::from([
            (HELPER_LABEL.to_owned(), volume.to_owned()),
            (INSTANCE_LABEL.to_owned(), instance.to_owned()),
        ]),
        host_config: HostConfig {
            binds: vec![format!("{volume}:{MOUNT_POINT}")],
            network_mode: "none".to_owned(),
            ..HostConfig::default()
        },
        ..ContainerConfig::default()
    };
    let created: ContainerCreated = client
        .call(
            Method::POST,
            "/containers/create",
            Some(&body),
            CALL_TIMEOUT,
        )
        .await?;
    Ok(created.id)
}

/// Removes a helper container (its volume stays); one already gone counts as removed.
pub async fn remove(client: &EngineClient, id: &str) -> Result<(), EngineError> {
    // Helper ids come from the engine's answer to create: plain hex, safe in a path.
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(EngineError::Protocol(format!("not a container id: {id}")));
    }
    let request = client.request(
        Method::DELETE,
        &format!("/containers/{id}?force=1&v=0"),
        None::<&()>,
    )?;
    match client.exchange(request, CALL_TIMEOUT).await {
        Err(EngineError::Status { status, .. }) if status == StatusCode::NOT_FOUND => Ok(()),
        other => other.map(drop),
    }
}

/// The ids of every helper container `instance` created, such as those left by a crash.
pub async fn list(client: &EngineClient, instance: &str) -> Result<Vec<String>, EngineError> {
    let filters = BTreeMap::from([(
        "label",
        [
            HELPER_LABEL.to_owned(),
            format!("{INSTANCE_LABEL}={instance}"),
        ],
    )]);
    let filters = serde_json::to_string(&filters)
        .map_err(|error| EngineError::Protocol(error.to_string()))?;
    let path = format!(
        "/containers/json?all=1&filters={}",
        percent::component(&filters)
    );
    let listed: Vec<ContainerSummary> = client
        .call(Method::GET, &path, None::<&()>, CONTROL_TIMEOUT)
        .await?;
    Ok(listed.into_iter().map(|container| container.id).collect())
}
