//! Saved registries: their sealed credentials and how the gateway lends them to the engine.
//!
//! The browser never sees a saved password. A gateway request names a saved registry in the
//! `X-Berth-Registry` header; after the policy has authorized the request, the gateway asks
//! [`inject`] to replace that header with the `X-Registry-Auth` (pull, push, a service's
//! create or update) or `X-Registry-Config` (build) header the engine expects.
//!
//! Credentials go only where they belong: the image or plugin reference a request names (in its
//! path or query, or a service spec's image) must live on the saved registry's address, and a
//! role that may only read never borrows them.

pub mod vault;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use base64::Engine as _;
use berth_shared::api::registries::{REGISTRY_HEADER, RegistryView, registry_of, serves};
use berth_shared::engine::image::RegistryAuth;
use http_body_util::{BodyExt as _, Limited};

pub use vault::{KEY_FILE, Vault, VaultError};

use crate::error::ApiError;
use crate::policy::Actor;
use crate::policy::normalize::NormalizedPath;
use crate::policy::query::Query;
use crate::state::AppState;
use crate::store::RegistryRecord;

/// The engine header that carries credentials for an operation, if it takes any.
fn credential_header(operation: &str) -> Option<HeaderName> {
    match operation {
        "ImageCreate"
        | "ImagePush"
        | "DistributionInspect"
        | "GetPluginPrivileges"
        | "PluginPull"
        | "PluginUpgrade"
        | "PluginPush"
        | "ServiceCreate"
        | "ServiceUpdate" => Some(HeaderName::from_static("x-registry-auth")),
        "ImageBuild" => Some(HeaderName::from_static("x-registry-config")),
        _ => None,
    }
}

/// The registry's credentials, unsealed.
pub fn credentials(vault: &Vault, record: &RegistryRecord) -> Result<RegistryAuth, ApiError> {
    let password = match &record.sealed_password {
        Some(sealed) => {
            let plain = vault.open(sealed).map_err(internal)?;
            String::from_utf8(plain).map_err(|_| internal(VaultError::Corrupt))?
        }
        None => String::new(),
    };
    Ok(RegistryAuth {
        username: record.username.clone(),
        password,
        serveraddress: record.address.clone(),
    })
}

fn internal(error: VaultError) -> ApiError {
    ApiError::Internal(error.to_string())
}

/// The header value the engine expects: base64url JSON of the credentials, or for builds a map
/// from registry address to credentials.
fn header_value(operation: &str, auth: &RegistryAuth) -> Result<HeaderValue, ApiError> {
    let json = if operation == "ImageBuild" {
        serde_json::to_vec(&std::collections::BTreeMap::from([(
            &auth.serveraddress,
            auth,
        )]))
    } else {
        serde_json::to_vec(auth)
    }
    .map_err(|error| ApiError::Internal(error.to_string()))?;
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(json);
    HeaderValue::from_str(&encoded).map_err(|error| ApiError::Internal(error.to_string()))
}

/// The image or plugin reference whose registry an operation talks to, from its path or query.
/// `None` for a build: its credentials travel as a map keyed by registry address, and the
/// engine sends each only to the registry it is keyed by.
fn reference(
    operation: &str,
    path: &NormalizedPath,
    query: &Query,
) -> Result<Option<String>, ApiError> {
    let from_query = |key: &str| -> Result<Option<String>, ApiError> {
        let value = query
            .single(key)
            .map_err(|repeated| ApiError::BadRequest(format!("{REGISTRY_HEADER}: {repeated}")))?
            .filter(|value| !value.is_empty())
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "{REGISTRY_HEADER}: {operation} takes saved credentials only with {key}, \
                     the reference they are for"
                ))
            })?;
        Ok(Some(value.to_owned()))
    };
    match operation {
        "ImageCreate" => from_query("fromImage"),
        "GetPluginPrivileges" | "PluginPull" | "PluginUpgrade" => from_query("remote"),
        "ImageBuild" => Ok(None),
        // `/distribution/{name}/json`, `/images/{name}/push`, `/plugins/{name}/push`: the
        // reference is everything between the first segment and the last.
        "DistributionInspect" | "ImagePush" | "PluginPush" => match path.segments.as_slice() {
            [_, name @ .., _] if !name.is_empty() => Ok(Some(name.join("/"))),
            _ => Err(ApiError::BadRequest(format!(
                "{REGISTRY_HEADER}: {operation} names no image"
            ))),
        },
        // An operation that takes credentials without a known reference never gets them.
        _ => Err(ApiError::BadRequest(format!(
            "{REGISTRY_HEADER}: {operation} does not take registry credentials"
        ))),
    }
}

/// The largest service spec read for its image: specs are a few KiB.
const SPEC_LIMIT: usize = 1024 * 1024;

/// The image a service spec runs (`TaskTemplate.ContainerSpec.Image`), read from the body,
/// with the body to forward (the same bytes).
async fn service_image(operation: &str, body: Body) -> Result<(String, Body), ApiError> {
    let bytes = Limited::new(body, SPEC_LIMIT)
        .collect()
        .await
        .map_err(|error| {
            ApiError::BadRequest(format!(
                "{REGISTRY_HEADER}: reading the service spec (at most 1 MiB): {error}"
            ))
        })?
        .to_bytes();
    let spec: serde_json::Value = serde_json::from_slice(&bytes).map_err(|error| {
        ApiError::BadRequest(format!(
            "{REGISTRY_HEADER}: the service spec is not JSON: {error}"
        ))
    })?;
    let image = spec
        .pointer("/TaskTemplate/ContainerSpec/Image")
        .and_then(serde_json::Value::as_str)
        .filter(|image| !image.is_empty())
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "{REGISTRY_HEADER}: {operation} takes saved credentials only with \
                 TaskTemplate.ContainerSpec.Image, the image they are for"
            ))
        })?;
    Ok((image.to_owned(), Body::from(bytes)))
}

/// Replaces `X-Berth-Registry: {id}` with the saved registry's credentials in the header
/// `operation` takes, and gives back the body to forward. Requests without the header are left
/// as they are (the docker CLI sends its own `X-Registry-Auth`). Call only after the policy has
/// authorized the request; `path` is the normalised path it authorized and `query` the raw
/// query. A service's image is in its spec, so for those alone the body is read (it is small).
pub async fn inject(
    state: &AppState,
    actor: &Actor,
    operation: &str,
    path: &NormalizedPath,
    query: Option<&str>,
    headers: &mut HeaderMap,
    body: Body,
) -> Result<Body, ApiError> {
    let Some(value) = headers.remove(REGISTRY_HEADER) else {
        return Ok(body);
    };
    if !actor.role.borrows_credentials() {
        return Err(ApiError::Forbidden(format!(
            "Berth lends saved registry credentials only to roles that may pull and push; {} '{}' \
             may only read",
            actor.role, actor.name
        )));
    }
    let id: i64 = value
        .to_str()
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .ok_or_else(|| ApiError::BadRequest(format!("{REGISTRY_HEADER}: not a registry id")))?;
    let target = credential_header(operation).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "{REGISTRY_HEADER}: {operation} does not take registry credentials"
        ))
    })?;
    let query = Query::parse(query).map_err(|_| {
        ApiError::BadRequest(format!(
            "{REGISTRY_HEADER}: the query has malformed percent-encoding"
        ))
    })?;
    let (reference, body) = if matches!(operation, "ServiceCreate" | "ServiceUpdate") {
        let (image, body) = service_image(operation, body).await?;
        (Some(image), body)
    } else {
        (reference(operation, path, &query)?, body)
    };
    let record = state.store().registry(id).await?;
    if let Some(reference) = reference
        && !serves(&record.address, &reference)
    {
        return Err(ApiError::BadRequest(format!(
            "{REGISTRY_HEADER}: the saved registry '{}' is for {}, but {reference} is on {}; \
             Berth sends saved credentials only to their own registry",
            record.name,
            record.address,
            registry_of(&reference)
        )));
    }
    let auth = credentials(state.vault(), &record)?;
    headers.insert(target, header_value(operation, &auth)?);
    Ok(body)
}

/// A stored registry as the UI sees it: no password, only whether one is stored.
pub fn view(record: RegistryRecord) -> RegistryView {
    RegistryView {
        id: record.id,
        name: record.name,
        address: record.address,
        username: record.username,
        has_password: record.sealed_password.is_some(),
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_credentials_the_way_the_engine_reads_them() {
        let auth = RegistryAuth {
            username: "u".into(),
            password: "p?>".into(),
            serveraddress: "127.0.0.1:5051".into(),
        };
        let decode = |value: HeaderValue| -> serde_json::Value {
            let bytes = base64::engine::general_purpose::URL_SAFE
                .decode(value.as_bytes())
                .unwrap();
            serde_json::from_slice(&bytes).unwrap()
        };
        let pull = decode(header_value("ImageCreate", &auth).unwrap());
        assert_eq!(pull["password"], "p?>");
        assert_eq!(pull["serveraddress"], "127.0.0.1:5051");
        let build = decode(header_value("ImageBuild", &auth).unwrap());
        assert_eq!(build["127.0.0.1:5051"]["username"], "u");
        assert_eq!(credential_header("ContainerCreate"), None);
    }

    #[tokio::test]
    async fn a_service_spec_names_its_image_and_is_forwarded_unchanged() {
        let spec = r#"{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"h:5/a:1"}}}"#;
        let (image, body) = service_image("ServiceCreate", Body::from(spec))
            .await
            .unwrap();
        assert_eq!(image, "h:5/a:1");
        assert_eq!(body.collect().await.unwrap().to_bytes(), spec.as_bytes());
        assert_eq!(
            credential_header("ServiceUpdate"),
            Some(HeaderName::from_static("x-registry-auth"))
        );
        for refused in [
            r#"{"Name":"web"}"#,
            r#"{"TaskTemplate":{"ContainerSpec":{"Image":""}}}"#,
            "not json",
        ] {
            let error = service_image("ServiceCreate", Body::from(refused))
                .await
                .unwrap_err();
            assert!(
                matches!(error, ApiError::BadRequest(_)),
                "{refused}: {error:?}"
            );
        }
    }

    #[test]
    fn finds_the_reference_each_operation_sends_credentials_for() {
        let cases = [
            (
                "DistributionInspect",
                "/v1.51/distribution/h:5/a/b:1/json",
                None,
                Some("h:5/a/b:1"),
            ),
            (
                "ImagePush",
                "/images/h:5/a/push",
                Some("tag=1"),
                Some("h:5/a"),
            ),
            ("PluginPush", "/plugins/h:5/p/push", None, Some("h:5/p")),
            (
                "ImageCreate",
                "/images/create",
                Some("fromImage=h%3A5/a&tag=1"),
                Some("h:5/a"),
            ),
            (
                "PluginPull",
                "/plugins/pull",
                Some("remote=h:5/p"),
                Some("h:5/p"),
            ),
            (
                "PluginUpgrade",
                "/plugins/p/upgrade",
                Some("remote=h:5/p"),
                Some("h:5/p"),
            ),
            ("ImageBuild", "/build", Some("t=x"), None),
        ];
        for (operation, path, query, expected) in cases {
            let path = crate::policy::normalize::normalize(path).unwrap();
            let found = reference(operation, &path, &Query::parse(query).unwrap()).unwrap();
            assert_eq!(found.as_deref(), expected, "{operation}");
        }
        let create = crate::policy::normalize::normalize("/images/create").unwrap();
        for query in [
            Some("fromSrc=-"),
            Some("fromImage="),
            Some("fromImage=a&fromImage=b"),
        ] {
            assert!(
                reference("ImageCreate", &create, &Query::parse(query).unwrap()).is_err(),
                "{query:?}"
            );
        }
    }
}
