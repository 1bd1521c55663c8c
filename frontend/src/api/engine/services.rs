//! Service and task calls through the gateway: services listed with their task counts,
//! inspected, created, updated (scaled, redeployed, rolled back) and removed; tasks listed by
//! service or node; a service's aggregated logs.

use berth_shared::engine::service::Service;
use berth_shared::engine::swarm::ObjectVersion;
use berth_shared::engine::task::Task;
use gloo_net::http::{Method, RequestBuilder};
use serde::Deserialize;
use web_sys::AbortSignal;

use super::containers::LogRange;
use super::images::Credentials;
use super::{Engine, filter, part_of_list, whole_list};
use crate::api::stream::{ByteStream, stream};
use crate::api::{ApiError, call, decode, percent_encode, send_body};
use crate::app::undecodable::Kind;

/// What `POST /services/create` answers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServiceCreated {
    /// The new service's id.
    #[serde(rename = "ID")]
    pub id: String,
    /// The engine's warnings, such as an image it could not resolve.
    pub warnings: Vec<String>,
}

/// What an update rolls out: the spec as given, or back to the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateKind {
    /// The spec sent.
    Spec,
    /// The previous spec (`rollback=previous`).
    Rollback,
}

/// Which tasks to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskScope {
    /// Every task.
    All,
    /// One service's.
    Service(String),
    /// One node's.
    Node(String),
}

/// `POST`s a service spec with `credentials` and decodes the answer.
async fn post_spec<T: serde::de::DeserializeOwned>(
    url: &str,
    spec: &serde_json::Value,
    credentials: Credentials,
) -> Result<T, ApiError> {
    let builder = credentials.apply(RequestBuilder::new(url));
    let response = send_body(
        builder.method(Method::POST),
        &Method::POST,
        Some((Some("application/json"), spec.to_string().into())),
        None,
    )
    .await?;
    decode(response).await
}

impl Engine {
    /// `GET /services?status=true`: each with its running and desired task counts, so no page
    /// loads every task to count them.
    pub async fn services(&self, signal: Option<&AbortSignal>) -> Result<Vec<Service>, ApiError> {
        whole_list(
            &self.url("/services?status=true"),
            None,
            Kind::Services,
            signal,
        )
        .await
    }

    /// `GET /services` without counts, for pages that need only the specs (which services use
    /// a secret): the engine then reads no tasks.
    pub async fn service_specs(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<Service>, ApiError> {
        whole_list(&self.url("/services"), None, Kind::Services, signal).await
    }

    /// The service `id`, as the list reads it (with its counts), for refreshing one row.
    pub async fn service_row(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Option<Service>, ApiError> {
        let url = self.url(&format!(
            "/services?status=true&filters={}",
            filter("id", id)
        ));
        let found: Vec<Service> = part_of_list(
            &url,
            Kind::Services,
            |service: &Service| service.id.clone(),
            signal,
        )
        .await?;
        // The filter matches id prefixes: keep the one asked for.
        Ok(found.into_iter().find(|service| service.id == id))
    }

    /// `GET /services/{id}`, and the document as sent (whose `Spec` an edit starts from).
    pub async fn service(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(Service, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/services/{}", percent_encode(id)), signal)
            .await
    }

    /// `POST /services/create`.
    pub async fn create_service(
        &self,
        spec: &serde_json::Value,
        credentials: Credentials,
    ) -> Result<ServiceCreated, ApiError> {
        post_spec(&self.url("/services/create"), spec, credentials).await
    }

    /// `POST /services/{id}/update` at `version`: `spec`, or back to the previous spec.
    /// Returns the engine's warnings.
    pub async fn update_service(
        &self,
        id: &str,
        version: ObjectVersion,
        spec: &serde_json::Value,
        kind: UpdateKind,
        credentials: Credentials,
    ) -> Result<Vec<String>, ApiError> {
        let rollback = match kind {
            UpdateKind::Spec => "",
            UpdateKind::Rollback => "&rollback=previous",
        };
        let url = self.url(&format!(
            "/services/{}/update?version={}{rollback}",
            percent_encode(id),
            version.index
        ));
        let answer: ServiceCreated = post_spec(&url, spec, credentials).await?;
        Ok(answer.warnings)
    }

    /// `DELETE /services/{id}`.
    pub async fn remove_service(&self, id: &str) -> Result<(), ApiError> {
        call(
            Method::DELETE,
            &self.url(&format!("/services/{}", percent_encode(id))),
        )
        .await
    }

    /// `GET /tasks`, of everything or one service or node.
    pub async fn tasks(
        &self,
        scope: &TaskScope,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<Task>, ApiError> {
        let url = match scope {
            TaskScope::All => self.url("/tasks"),
            TaskScope::Service(id) => {
                self.url(&format!("/tasks?filters={}", filter("service", id)))
            }
            TaskScope::Node(id) => self.url(&format!("/tasks?filters={}", filter("node", id))),
        };
        whole_list(&url, None, Kind::Tasks, signal).await
    }

    /// `GET /tasks/{id}`, and the document as sent.
    pub async fn task(
        &self,
        id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(Task, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/tasks/{}", percent_encode(id)), signal)
            .await
    }

    /// Streams `GET /tasks/{id}/logs` for `range`, with each line's details.
    pub async fn task_logs(
        &self,
        id: &str,
        range: &LogRange,
        signal: &AbortSignal,
    ) -> Result<ByteStream, ApiError> {
        self.swarm_logs("tasks", id, range, signal).await
    }

    /// Streams `GET /services/{id}/logs` for `range`, with each line's details (its task and
    /// node), which the logs view turns into a prefix.
    pub async fn service_logs(
        &self,
        id: &str,
        range: &LogRange,
        signal: &AbortSignal,
    ) -> Result<ByteStream, ApiError> {
        self.swarm_logs("services", id, range, signal).await
    }

    /// The logs of a service or task (`kind` is `services` or `tasks`), with details.
    async fn swarm_logs(
        &self,
        kind: &str,
        id: &str,
        range: &LogRange,
        signal: &AbortSignal,
    ) -> Result<ByteStream, ApiError> {
        let url = self.url(&format!(
            "/{kind}/{}/logs?details=true&{}",
            percent_encode(id),
            range.query()
        ));
        stream(&url, signal).await.map(|(_, body)| body)
    }
}
