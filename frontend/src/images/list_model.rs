//! The images list's logic, without the DOM: container counts, the dangling filter, search.

use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::image::ImageSummary;

use crate::components::toolbar::matches_search;

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
}

/// The rows to show, newest first.
pub fn image_rows(
    images: &[ImageSummary],
    containers: &[ContainerSummary],
    filter: ImageFilter,
    search: &str,
) -> Vec<ImageRow> {
    let mut rows: Vec<ImageRow> = images
        .iter()
        .map(|image| ImageRow {
            containers: containers
                .iter()
                .filter(|container| container.image_id == image.id)
                .count(),
            image: image.clone(),
        })
        .filter(|row| match filter {
            ImageFilter::All => true,
            ImageFilter::Tagged => !row.image.is_dangling(),
            ImageFilter::Dangling => row.image.is_dangling(),
            ImageFilter::Unused => row.containers == 0,
        })
        .filter(|row| {
            let tags: Vec<&str> = row.image.tags().collect();
            let digests = row.image.repo_digests.clone().unwrap_or_default().join(" ");
            matches_search(
                search,
                &format!("{} {} {digests}", tags.join(" "), row.image.id),
            )
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.image.created));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, tags: &[&str], created: i64) -> ImageSummary {
        ImageSummary {
            id: id.into(),
            repo_tags: Some(tags.iter().map(|tag| (*tag).to_owned()).collect()),
            created,
            ..ImageSummary::default()
        }
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
        let all = image_rows(&images, &containers, ImageFilter::All, "");
        assert_eq!(
            all.iter()
                .map(|row| row.image.id.as_str())
                .collect::<Vec<_>>(),
            ["sha256:c", "sha256:b", "sha256:a"]
        );
        assert_eq!(all[2].containers, 1);
        let dangling = image_rows(&images, &containers, ImageFilter::Dangling, "");
        assert_eq!(dangling.len(), 1);
        assert_eq!(
            image_rows(&images, &containers, ImageFilter::Tagged, "").len(),
            2
        );
        assert_eq!(
            image_rows(&images, &containers, ImageFilter::Unused, "").len(),
            2
        );
        assert_eq!(
            image_rows(&images, &containers, ImageFilter::All, "APP:2").len(),
            1
        );
    }
}
