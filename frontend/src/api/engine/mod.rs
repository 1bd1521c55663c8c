//! The engine of one environment, through the gateway at `/engine/{environment}/…`: an
//! [`Engine`] handle whose calls live one module per resource, as the Engine API groups them.

pub mod containers;
pub mod events;
pub mod images;
pub mod networks;
pub mod plugins;
pub mod services;
pub mod swarm;
pub mod swarm_objects;
pub mod system;
pub mod volumes;

use serde::de::DeserializeOwned;
use web_sys::AbortSignal;

use crate::api::{ApiError, get_json, get_json_and_raw, get_list, percent_encode};
use crate::app::undecodable::{self, Kind};

/// The gateway of one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    base: String,
}

impl Engine {
    /// The engine of environment `id`.
    pub fn new(id: &str) -> Self {
        Self {
            base: format!("/engine/{}", percent_encode(id)),
        }
    }

    /// The gateway URL of a container's endpoint: `rest` follows `/containers/{id}`.
    pub(crate) fn container_url(&self, id: &str, rest: &str) -> String {
        self.url(&format!("/containers/{}{rest}", percent_encode(id)))
    }

    /// The gateway URL of an engine path.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET` of an engine path, decoded: the one shape of the resource modules' reads.
    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<T, ApiError> {
        get_json(&self.url(path), signal).await
    }

    /// `GET` of an engine path, decoded and as the engine sent it, for a detail page's Inspect
    /// tab.
    async fn get_with_raw<T: DeserializeOwned>(
        &self,
        path: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(T, serde_json::Value), ApiError> {
        get_json_and_raw(&self.url(path), signal).await
    }
}

/// A whole list of `kind` (the list under `field` of an object answer), decoded element by
/// element; what cannot be read replaces `kind`'s error rows.
async fn whole_list<T: DeserializeOwned>(
    url: &str,
    field: Option<&str>,
    kind: Kind,
    signal: Option<&AbortSignal>,
) -> Result<Vec<T>, ApiError> {
    let listing = get_list(url, field, signal).await?;
    undecodable::replace(kind, listing.failures);
    Ok(listing.items)
}

/// A part of a list of `kind` (the objects a filter names), decoded element by element: the
/// error rows of the objects read again are updated.
async fn part_of_list<T: DeserializeOwned>(
    url: &str,
    kind: Kind,
    id: impl Fn(&T) -> String,
    signal: Option<&AbortSignal>,
) -> Result<Vec<T>, ApiError> {
    let listing = get_list(url, None, signal).await?;
    let read: Vec<String> = listing.items.iter().map(id).collect();
    undecodable::merge(kind, &read, listing.failures);
    Ok(listing.items)
}

/// A `filters` query value: `{"key":["value"]}`, percent-encoded.
fn filter(key: &str, value: &str) -> String {
    // Keys and values here are fixed words and names the engine already validated, but quote
    // them properly anyway.
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    percent_encode(&format!("{{{}:[{}]}}", quote(key), quote(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_the_environment() {
        assert_eq!(Engine::new("local").url("/info"), "/engine/local/info");
    }

    #[test]
    fn filters_are_encoded_json() {
        assert_eq!(
            filter("dangling", "true"),
            "%7B%22dangling%22%3A%5B%22true%22%5D%7D"
        );
    }
}
