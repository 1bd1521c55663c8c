//! The images list's logic, without the DOM: container counts, the filters, the search text,
//! and the names a row is shown and exported by.

use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::image::{ImageSummary, PruneReport};

/// Which images to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFilter {
    /// Every image.
    All,
    /// Images with at least one tag.
    Tagged,
    /// Untagged images.
    Dangling,
    /// Images no container uses.
    Unused,
}

impl ImageFilter {
    /// Every filter, in toolbar order.
    pub const ALL: [ImageFilter; 4] = [
        ImageFilter::All,
        ImageFilter::Tagged,
        ImageFilter::Dangling,
        ImageFilter::Unused,
    ];

    /// The toolbar label.
    pub fn label(self) -> &'static str {
        match self {
            ImageFilter::All => "All",
            ImageFilter::Tagged => "Tagged",
            ImageFilter::Dangling => "Dangling",
            ImageFilter::Unused => "Unused",
        }
    }
}

/// An image with the number of containers (running or not) made from it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRow {
    /// The image.
    pub image: ImageSummary,
    /// How many containers use it.
    pub containers: usize,
    /// What the user calls it: its first tag, or its short id when it has none.
    pub name: String,
}

impl ImageFilter {
    /// Whether `row` passes this filter.
    pub fn keeps(self, row: &ImageRow) -> bool {
        match self {
            ImageFilter::All => true,
            ImageFilter::Tagged => !row.image.is_dangling(),
            ImageFilter::Dangling => row.image.is_dangling(),
            ImageFilter::Unused => row.containers == 0,
        }
    }
}

impl ImageRow {
    /// What an export names it by, so the archive keeps the tag: the first tag, or the id.
    pub fn export_name(&self) -> String {
        self.image
            .tags()
            .next()
            .map_or_else(|| self.image.id.clone(), str::to_owned)
    }

    /// The text the search box looks in: tags, digests and id.
    pub fn search_text(&self) -> String {
        let tags: Vec<&str> = self.image.tags().collect();
        let digests = self
            .image
            .repo_digests
            .clone()
            .unwrap_or_default()
            .join(" ");
        format!("{} {} {digests}", tags.join(" "), self.image.id)
    }
}

/// Every image with the number of containers made from it, newest first.
pub fn image_rows(images: &[ImageSummary], containers: &[ContainerSummary]) -> Vec<ImageRow> {
    let mut rows: Vec<ImageRow> = images
        .iter()
        .map(|image| ImageRow {
            containers: containers
                .iter()
                .filter(|container| container.image_id == image.id)
                .count(),
            name: image
                .tags()
                .next()
                .map_or_else(|| image.short_id().to_owned(), str::to_owned),
            image: image.clone(),
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.image.created));
    rows
}

/// How many of the images in `rows` a prune removed. The engine lists each removed image and
/// each removed layer as `Deleted`, and each dropped reference as `Untagged`, so only the ids
/// of images the page knew count.
pub fn pruned_images(report: &PruneReport, rows: &[ImageRow]) -> usize {
    report
        .images_deleted
        .iter()
        .flatten()
        .filter_map(|item| item.get("Deleted").and_then(|id| id.as_str()))
        .filter(|id| rows.iter().any(|row| row.image.id == *id))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::toolbar::matches_search;

    fn image(id: &str, tags: &[&str], created: i64) -> ImageSummary {
        ImageSummary {
            id: id.into(),
            repo_tags: Some(tags.iter().map(|tag| (*tag).to_owned()).collect()),
            created,
            ..ImageSummary::default()
        }
    }

    /// The rows `filter` and `search` leave, as the list page filters them.
    fn shown(rows: &[ImageRow], filter: ImageFilter, search: &str) -> usize {
        rows.iter()
            .filter(|row| filter.keeps(row) && matches_search(search, &row.search_text()))
            .count()
    }

    #[test]
    fn counts_filters_and_searches() {
        let images = [
            image("sha256:a", &["busybox:latest"], 1),
            image("sha256:b", &["<none>:<none>"], 2),
            image("sha256:c", &["app:1", "app:2"], 3),
        ];
        let containers = [ContainerSummary {
            image_id: "sha256:a".into(),
            ..ContainerSummary::default()
        }];
        let all = image_rows(&images, &containers);
        assert_eq!(
            all.iter()
                .map(|row| row.image.id.as_str())
                .collect::<Vec<_>>(),
            ["sha256:c", "sha256:b", "sha256:a"]
        );
        assert_eq!(all[2].containers, 1);
        assert_eq!(shown(&all, ImageFilter::Dangling, ""), 1);
        assert_eq!(shown(&all, ImageFilter::Tagged, ""), 2);
        assert_eq!(shown(&all, ImageFilter::Unused, ""), 2);
        assert_eq!(shown(&all, ImageFilter::All, "APP:2"), 1);
        assert_eq!(shown(&all, ImageFilter::All, "sha256:b"), 1);
    }

    #[test]
    fn a_prune_counts_images_not_layers_or_tags() {
        let rows = image_rows(&[image("sha256:a", &["<none>:<none>"], 1)], &[]);
        let report: PruneReport = serde_json::from_value(serde_json::json!({
            "ImagesDeleted": [
                {"Untagged": "app@sha256:d"},
                {"Deleted": "sha256:a"},
                {"Deleted": "sha256:layer"}
            ],
            "SpaceReclaimed": 1000
        }))
        .unwrap();
        assert_eq!(pruned_images(&report, &rows), 1);
        assert_eq!(pruned_images(&PruneReport::default(), &rows), 0);
    }

    #[test]
    fn rows_are_named_and_exported_by_their_first_tag() {
        let rows = image_rows(
            &[
                image("sha256:0123456789abcdef", &["app:1", "app:2"], 1),
                image("sha256:fedcba9876543210", &["<none>:<none>"], 2),
            ],
            &[],
        );
        assert_eq!(rows[1].name, "app:1");
        assert_eq!(rows[1].export_name(), "app:1");
        assert_eq!(rows[0].name, "fedcba987654");
        assert_eq!(rows[0].export_name(), "sha256:fedcba9876543210");
    }
}
