//! Images: `GET /images/json` rows.

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
    }
}
