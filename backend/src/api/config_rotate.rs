//! `POST /api/env/{env}/configs/{id}/rotate`: creates a config's new version and moves every
//! service that uses the old one to it (same target, uid, gid and mode), in one step and one
//! audit record naming the old config, the new one and the services.
//!
//! Every engine request is authorized by the policy as the caller's own gateway request would
//! be, and a non-admin's service updates go through the operator guardrails, so the endpoint
//! lets no one do more than the gateway would. The reads come first; the record is written
//! before the config is created. A service whose update fails keeps the old config and is
//! named in the answer and the record, beside those that moved.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use berth_shared::api::configs::{ConfigRotateRequest, ConfigRotated, RotatedService};
use berth_shared::engine::secret::{ObjectCreateRequest, ObjectCreated};
use berth_shared::percent;
use http::Method;
use serde_json::Value;

use crate::api::json::ApiJson;
use crate::audit::{self, Action, AuditScope};
use crate::auth::{ClientInfo, Principal};
use crate::engine::client::CONTROL_TIMEOUT;
use crate::engine::environment::Environment;
use crate::error::ApiError;
use crate::policy::{self, EngineRequest};
use crate::state::AppState;

/// `POST /api/env/{env}/configs/{id}/rotate`.
pub async fn rotate(
    State(state): State<AppState>,
    signed_in: Principal,
    client: ClientInfo,
    Path((env_id, id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ConfigRotateRequest>,
) -> Result<Json<ConfigRotated>, ApiError> {
    let (environment, principal) = state.environment_for(&signed_in, &env_id).await?;
    let name = request.name.trim().to_owned();
    if name.is_empty() {
        return Err(ApiError::BadRequest(
            "Name: give the new config a name".into(),
        ));
    }
    let calls = Calls {
        state: &state,
        environment: &environment,
        principal: &principal,
    };
    let config_path = format!("/configs/{}", percent::component(&id));
    let old: Value = calls.send(Method::GET, &config_path, None).await?;
    let old_id = old["ID"].as_str().unwrap_or(&id).to_owned();
    let old_name = old.pointer("/Spec/Name").and_then(Value::as_str);
    let old_name = old_name.unwrap_or_default().to_owned();
    let services: Value = calls.send(Method::GET, "/services", None).await?;
    let users: Vec<&Value> = services
        .as_array()
        .into_iter()
        .flatten()
        .filter(|service| uses_config(service, &old_id))
        .collect();
    // Every request is authorized before anything changes, so a refusal changes nothing.
    calls.authorize(&Method::POST, "/configs/create")?;
    for service in &users {
        let path = update_path(service);
        calls.authorize(&Method::POST, path.split('?').next().unwrap_or(&path))?;
    }
    let names: Vec<&str> = users.iter().map(|service| service_name(service)).collect();
    let target = format!("/configs/{old_id}/rotate");
    let action = Action::in_environment(&env_id, "ConfigRotate", "POST", &target);
    let scope = AuditScope::console(&principal, &client);
    let detail = format!(
        "config {old_name} ({old_id}) to {name}; services: {}",
        list_or_none(&names)
    );
    let record = audit::begin_with(state.store(), &scope, action, Some(detail)).await?;
    let outcome = calls.rotate(&request, &name, &old_id, &users).await;
    let (status, said) = match &outcome {
        Ok(rotated) => {
            let failed = rotated.failures();
            if failed.is_empty() {
                (
                    200,
                    format!("created {} ({})", rotated.name, rotated.config),
                )
            } else {
                (
                    502,
                    format!(
                        "created {} ({}); failed: {}",
                        rotated.name,
                        rotated.config,
                        failed.join("; ")
                    ),
                )
            }
        }
        Err(error) => (error.status().as_u16(), error.to_string()),
    };
    audit::complete(state.store(), record, status, Some(said)).await;
    outcome.map(Json)
}

/// The engine requests of one rotation, each authorized as the caller's.
struct Calls<'a> {
    state: &'a AppState,
    environment: &'a Environment,
    principal: &'a Principal,
}

impl Calls<'_> {
    /// The policy's decision on `method path`, as the gateway would make it.
    fn authorize(&self, method: &Method, path: &str) -> Result<(), ApiError> {
        policy::authorize(
            &self.principal.actor(),
            &EngineRequest {
                environment: self.environment.id(),
                method: method.as_str(),
                path,
            },
        )
        .map(drop)
        .map_err(|denied| ApiError::Forbidden(denied.to_string()))
    }

    /// Authorizes and sends one small request, reading its JSON answer; `path` may end
    /// in a query, which the policy does not judge.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        self.authorize(&method, path.split('?').next().unwrap_or(path))?;
        self.environment
            .client()
            .call(method, path, body, CONTROL_TIMEOUT)
            .await
            .map_err(|error| ApiError::from_engine(self.environment, error))
    }

    /// Creates the new config and moves each service in `users` to it.
    async fn rotate(
        &self,
        request: &ConfigRotateRequest,
        name: &str,
        old_id: &str,
        users: &[&Value],
    ) -> Result<ConfigRotated, ApiError> {
        let body = serde_json::to_value(ObjectCreateRequest {
            name: name.to_owned(),
            labels: request.labels.clone(),
            data: request.data.clone(),
            driver: None,
            templating: request.templating.clone(),
        })
        .map_err(|error| ApiError::Internal(error.to_string()))?;
        let created = self
            .send(Method::POST, "/configs/create", Some(&body))
            .await?;
        let created: ObjectCreated = serde_json::from_value(created).map_err(|error| {
            ApiError::Internal(format!("the engine's answer to a config create: {error}"))
        })?;
        let mut services = Vec::new();
        for service in users {
            let error = self
                .move_service(service, old_id, (&created.id, name))
                .await
                .err()
                .map(|error| error.to_string());
            services.push(RotatedService {
                id: service["ID"].as_str().unwrap_or_default().to_owned(),
                name: service_name(service).to_owned(),
                error,
            });
        }
        Ok(ConfigRotated {
            config: created.id,
            name: name.to_owned(),
            services,
        })
    }

    /// Updates one service's spec, as the engine sent it, to use `new` where it used `old_id`.
    async fn move_service(
        &self,
        service: &Value,
        old_id: &str,
        new: (&str, &str),
    ) -> Result<(), ApiError> {
        let mut spec = service["Spec"].clone();
        if let Some(Value::Array(configs)) = spec.pointer_mut("/TaskTemplate/ContainerSpec/Configs")
        {
            for reference in configs
                .iter_mut()
                .filter(|reference| reference["ConfigID"] == old_id)
            {
                reference["ConfigID"] = Value::String(new.0.to_owned());
                reference["ConfigName"] = Value::String(new.1.to_owned());
            }
        }
        let path = update_path(service);
        let body = self.screened(&path, &spec).await?;
        self.send(Method::POST, &path, Some(&body)).await.map(drop)
    }

    /// The update body after the operator guardrails judged it, as the gateway judges it.
    async fn screened(&self, path: &str, spec: &Value) -> Result<Value, ApiError> {
        let bytes =
            serde_json::to_vec(spec).map_err(|error| ApiError::Internal(error.to_string()))?;
        let (parts, ()) = http::Request::post(path)
            .header(http::header::CONTENT_LENGTH, bytes.len())
            .body(())
            .map_err(|error| ApiError::Internal(error.to_string()))?
            .into_parts();
        let body = crate::guardrails::screen(
            self.state,
            self.principal,
            self.environment,
            "ServiceUpdate",
            &parts,
            Body::from(bytes),
        )
        .await?;
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|error| ApiError::Internal(error.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|error| ApiError::Internal(error.to_string()))
    }
}

/// Whether `service`'s containers get the config `id`.
fn uses_config(service: &Value, id: &str) -> bool {
    service
        .pointer("/Spec/TaskTemplate/ContainerSpec/Configs")
        .and_then(Value::as_array)
        .is_some_and(|configs| configs.iter().any(|reference| reference["ConfigID"] == id))
}

/// `POST /services/{id}/update` at the version the service was read at.
fn update_path(service: &Value) -> String {
    let id = service["ID"].as_str().unwrap_or_default();
    let version = service
        .pointer("/Version/Index")
        .and_then(Value::as_u64)
        .unwrap_or_default();
    format!(
        "/services/{}/update?version={version}",
        percent::component(id)
    )
}

fn service_name(service: &Value) -> &str {
    service
        .pointer("/Spec/Name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_services_that_use_a_config() {
        let service = json!({"ID": "s1", "Version": {"Index": 7}, "Spec": {"Name": "web",
            "TaskTemplate": {"ContainerSpec": {"Configs": [{"ConfigID": "c1", "ConfigName": "nginx"}]}}}});
        assert!(uses_config(&service, "c1"));
        assert!(!uses_config(&service, "c2"));
        assert!(!uses_config(
            &json!({"Spec": {"TaskTemplate": {"ContainerSpec": {"Configs": null}}}}),
            "c1"
        ));
        assert_eq!(update_path(&service), "/services/s1/update?version=7");
        assert_eq!(service_name(&service), "web");
    }
}
