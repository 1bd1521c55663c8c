//! Images: list rows, inspect, history, distribution inspect, search results, prune reports,
//! build cache usage, and the registry credentials sent with pulls and pushes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One row of `GET /images/json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ImageSummary {
    /// The image id, `sha256:…`.
    pub id: String,
    /// The parent image's id, empty for most images.
    pub parent_id: String,
    /// `name:tag` references; engines send `null` or `["<none>:<none>"]` for none.
    pub repo_tags: Option<Vec<String>>,
    /// `name@sha256:…` references.
    pub repo_digests: Option<Vec<String>>,
    /// Creation time, in seconds since the Unix epoch.
    pub created: i64,
    /// The image's size in bytes, including shared layers.
    pub size: i64,
    /// Bytes shared with other images, or -1 when not computed.
    pub shared_size: i64,
    /// User-defined labels.
    pub labels: Option<BTreeMap<String, String>>,
    /// How many containers use the image, or -1 when not computed.
    pub containers: i64,
}

impl ImageSummary {
    /// The real tags, without the `<none>:<none>` placeholder.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.repo_tags
            .iter()
            .flatten()
            .map(String::as_str)
            .filter(|tag| *tag != "<none>:<none>")
    }

    /// The id without its `sha256:` prefix, cut to twelve characters.
    pub fn short_id(&self) -> &str {
        let id = self.id.strip_prefix("sha256:").unwrap_or(&self.id);
        id.get(..12).unwrap_or(id)
    }
}

/// `GET /images/{name}/json`: the fields the detail page shows; the rest is kept as raw JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ImageInspect {
    /// The image id.
    pub id: String,
    /// `name:tag` references.
    pub repo_tags: Option<Vec<String>>,
    /// `name@sha256:…` references.
    pub repo_digests: Option<Vec<String>>,
    /// Creation time, RFC 3339.
    pub created: String,
    /// The author, if set.
    pub author: String,
    /// The CPU architecture.
    pub architecture: String,
    /// The operating system.
    pub os: String,
    /// The size in bytes.
    pub size: i64,
    /// The image's default configuration.
    pub config: Option<ImageConfig>,
    /// The layer digests.
    #[serde(rename = "RootFS")]
    pub root_fs: Option<RootFs>,
}

/// The parts of an image's configuration the detail page shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ImageConfig {
    /// `KEY=value` pairs.
    pub env: Option<Vec<String>>,
    /// The default command.
    pub cmd: Option<Vec<String>>,
    /// The entrypoint.
    pub entrypoint: Option<Vec<String>>,
    /// The working directory.
    pub working_dir: String,
    /// The default user.
    pub user: String,
    /// Exposed ports, as keys such as `80/tcp`.
    pub exposed_ports: Option<BTreeMap<String, serde_json::Value>>,
    /// Labels.
    pub labels: Option<BTreeMap<String, String>>,
}

/// An image's layers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RootFs {
    /// `layers`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// The layer digests.
    pub layers: Vec<String>,
}

/// One row of `GET /images/{name}/history`: a layer and the instruction that made it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HistoryItem {
    /// The layer's image id, or `<missing>` for layers built elsewhere.
    pub id: String,
    /// When it was made, Unix seconds.
    pub created: i64,
    /// The instruction.
    pub created_by: String,
    /// Tags of the image this layer is the top of.
    pub tags: Option<Vec<String>>,
    /// The layer's size in bytes.
    pub size: i64,
    /// The instruction's comment.
    pub comment: String,
}

/// `GET /distribution/{name}/json`: what a registry says about a reference before pulling.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DistributionInspect {
    /// The manifest (or index) descriptor.
    #[serde(rename = "Descriptor")]
    pub descriptor: Descriptor,
    /// The platforms the image is available for.
    #[serde(rename = "Platforms")]
    pub platforms: Option<Vec<Platform>>,
}

/// An OCI descriptor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Descriptor {
    /// The media type.
    pub media_type: String,
    /// The content digest.
    pub digest: String,
    /// The size in bytes.
    pub size: i64,
}

/// A platform an image is built for.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Platform {
    /// The CPU architecture.
    pub architecture: String,
    /// The operating system.
    pub os: String,
    /// The architecture variant, such as `v8`.
    pub variant: Option<String>,
}

impl Platform {
    /// `os/arch[/variant]`.
    pub fn label(&self) -> String {
        match self
            .variant
            .as_deref()
            .filter(|variant| !variant.is_empty())
        {
            Some(variant) => format!("{}/{}/{variant}", self.os, self.architecture),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }
}

/// One row of `GET /images/search`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchResult {
    /// The repository name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its star count.
    pub star_count: i64,
    /// Whether it is an official image.
    pub is_official: bool,
}

/// `POST /images/prune` and `POST /build/prune`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PruneReport {
    /// What was untagged or deleted (images).
    pub images_deleted: Option<Vec<serde_json::Value>>,
    /// The cache records deleted (build cache).
    pub caches_deleted: Option<Vec<String>>,
    /// Bytes freed.
    pub space_reclaimed: i64,
}

/// The answer of `POST /commit` and of `POST /containers/{id}/exec`: the new object's id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IdResponse {
    /// The new image's or exec's id.
    #[serde(rename = "Id")]
    pub id: String,
}

/// The build cache part of `GET /system/df`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BuildCacheUsage {
    /// The cache records.
    pub build_cache: Option<Vec<BuildCacheRecord>>,
}

/// One build cache record of `GET /system/df`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BuildCacheRecord {
    /// The record id.
    #[serde(rename = "ID")]
    pub id: String,
    /// The kind of record, such as `regular` or `source.local`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// What produced it.
    pub description: String,
    /// Whether a build is using it now.
    pub in_use: bool,
    /// Whether it is shared.
    pub shared: bool,
    /// Its size in bytes.
    pub size: i64,
    /// How often it was used.
    pub usage_count: i64,
}

/// The credentials sent base64url-encoded in `X-Registry-Auth`, and the body of `POST /auth`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistryAuth {
    /// The user name.
    pub username: String,
    /// The password or token.
    pub password: String,
    /// The registry's address.
    pub serveraddress: String,
}

/// `POST /auth`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AuthResponse {
    /// What the engine said, such as `Login Succeeded`.
    pub status: String,
    /// A token to use instead of the password, when the registry issues one.
    pub identity_token: String,
}

impl ImageSummary {
    /// Whether the image has no tag: a leftover from a rebuild or an interrupted pull.
    pub fn is_dangling(&self) -> bool {
        self.tags().next().is_none()
    }

    /// The digest of the first `name@sha256:…` reference.
    pub fn digest(&self) -> Option<&str> {
        self.repo_digests
            .iter()
            .flatten()
            .filter_map(|reference| reference.split_once('@'))
            .map(|(_, digest)| digest)
            .find(|digest| *digest != "<none>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_placeholder_tags() {
        let image: ImageSummary = serde_json::from_str(
            r#"{"Id":"sha256:6ebe8eb76956aaaa","RepoTags":["<none>:<none>"],"Size":1990000}"#,
        )
        .unwrap();
        assert_eq!(image.tags().count(), 0);
        assert_eq!(image.short_id(), "6ebe8eb76956");
        let null_tags: ImageSummary = serde_json::from_str(r#"{"RepoTags":null}"#).unwrap();
        assert_eq!(null_tags.tags().count(), 0);
        assert!(null_tags.is_dangling());
        let placeholder: ImageSummary =
            serde_json::from_str(r#"{"RepoDigests":["<none>@<none>"]}"#).unwrap();
        assert_eq!(placeholder.digest(), None);
    }

    #[test]
    fn reads_digests_and_platforms() {
        let image: ImageSummary =
            serde_json::from_str(r#"{"RepoTags":["a:1"],"RepoDigests":["a@sha256:12"]}"#).unwrap();
        assert!(!image.is_dangling());
        assert_eq!(image.digest(), Some("sha256:12"));
        let distribution: DistributionInspect = serde_json::from_str(
            r#"{"Descriptor":{"mediaType":"m","digest":"sha256:ab","size":5},
                "Platforms":[{"architecture":"arm64","os":"linux","variant":"v8"},
                             {"architecture":"amd64","os":"linux"}]}"#,
        )
        .unwrap();
        assert_eq!(distribution.descriptor.digest, "sha256:ab");
        let labels: Vec<String> = distribution
            .platforms
            .unwrap()
            .iter()
            .map(Platform::label)
            .collect();
        assert_eq!(labels, ["linux/arm64/v8", "linux/amd64"]);
    }
}
