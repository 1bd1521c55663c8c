//! Saved registries: their sealed credentials and how the gateway lends them to the engine.
//!
//! The browser never sees a saved password. A gateway request names a saved registry in the
//! `X-Berth-Registry` header; after the policy has authorized the request, the gateway asks
//! [`inject`] to replace that header with the `X-Registry-Auth` (pull, push) or
//! `X-Registry-Config` (build) header the engine expects.

pub mod vault;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use base64::Engine as _;
use berth_shared::api::registries::{REGISTRY_HEADER, RegistryView};
use berth_shared::engine::image::RegistryAuth;

pub use vault::{Vault, VaultError};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::RegistryRecord;

/// The engine header that carries credentials for an operation, if it takes any.
fn credential_header(operation: &str) -> Option<HeaderName> {
    match operation {
        "ImageCreate" | "ImagePush" | "DistributionInspect" => {
            Some(HeaderName::from_static("x-registry-auth"))
        }
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

/// Replaces `X-Berth-Registry: {id}` with the saved registry's credentials in the header
/// `operation` takes. Requests without the header are left as they are (the docker CLI sends
/// its own `X-Registry-Auth`). Call only after the policy has authorized the request.
pub async fn inject(
    state: &AppState,
    operation: &str,
    headers: &mut HeaderMap,
) -> Result<(), ApiError> {
    let Some(value) = headers.remove(REGISTRY_HEADER) else {
        return Ok(());
    };
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
    let record = state.store().registry(id).await?;
    let auth = credentials(state.vault(), &record)?;
    headers.insert(target, header_value(operation, &auth)?);
    Ok(())
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
}
