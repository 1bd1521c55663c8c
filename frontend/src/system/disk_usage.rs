//! Disk usage from `/system/df`, per category, with what pruning would reclaim, computed as
//! `docker system df` does; and the geometry of the dashboard's stacked bar. Pure, tested
//! natively.

use berth_shared::engine::system::{DiskUsage, PruneReport};

use crate::format;

/// A kind of object that takes disk space and can be pruned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Images (their layers).
    Images,
    /// Containers (their writable layers).
    Containers,
    /// Local volumes.
    Volumes,
    /// The builder's cache.
    BuildCache,
}

impl Category {
    /// Every category, in the chart's order.
    pub const ALL: [Category; 4] = [
        Category::Images,
        Category::Containers,
        Category::Volumes,
        Category::BuildCache,
    ];

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Category::Images => "Images",
            Category::Containers => "Containers",
            Category::Volumes => "Volumes",
            Category::BuildCache => "Build cache",
        }
    }

    /// A stable identifier, for CSS and tests.
    pub fn key(self) -> &'static str {
        match self {
            Category::Images => "images",
            Category::Containers => "containers",
            Category::Volumes => "volumes",
            Category::BuildCache => "build-cache",
        }
    }

    /// What pruning this category removes, for the confirmation.
    pub fn prune_scope(self) -> &'static str {
        match self {
            Category::Images => "every image that no container uses, tagged or not",
            Category::Containers => "every stopped container, with its filesystem changes and logs",
            Category::Volumes => "every volume that no container uses, with all the data in it",
            Category::BuildCache => "the build cache that no build is using",
        }
    }
}

/// One category's usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryUsage {
    /// Which category.
    pub category: Category,
    /// How many objects.
    pub count: usize,
    /// How many are in use.
    pub active: usize,
    /// Bytes on disk.
    pub size: u64,
    /// Bytes that pruning would free.
    pub reclaimable: u64,
}

fn non_negative(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// Each category's usage, in [`Category::ALL`] order.
pub fn summarize(usage: &DiskUsage) -> Vec<CategoryUsage> {
    let images = usage.images.as_deref().unwrap_or_default();
    let containers = usage.containers.as_deref().unwrap_or_default();
    let volumes = usage.volumes.as_deref().unwrap_or_default();
    let cache = usage.build_cache.as_deref().unwrap_or_default();

    // Layers of images in use stay; the rest of the layer store can go.
    let images_size = non_negative(usage.layers_size);
    let used_layers: u64 = images
        .iter()
        .filter(|image| image.containers > 0 && image.size >= 0 && image.shared_size >= 0)
        .map(|image| non_negative(image.size - image.shared_size))
        .sum();
    let is_active = |state: &str| matches!(state, "running" | "paused" | "restarting");
    let volume_size = |volume: &berth_shared::engine::volume::Volume| {
        volume
            .usage_data
            .as_ref()
            .map_or(0, |usage| non_negative(usage.size))
    };
    vec![
        CategoryUsage {
            category: Category::Images,
            count: images.len(),
            active: images.iter().filter(|image| image.containers > 0).count(),
            size: images_size,
            reclaimable: images_size.saturating_sub(used_layers),
        },
        CategoryUsage {
            category: Category::Containers,
            count: containers.len(),
            active: containers.iter().filter(|c| is_active(&c.state)).count(),
            size: containers
                .iter()
                .map(|c| non_negative(c.size_rw.unwrap_or(0)))
                .sum(),
            reclaimable: containers
                .iter()
                .filter(|c| !is_active(&c.state))
                .map(|c| non_negative(c.size_rw.unwrap_or(0)))
                .sum(),
        },
        CategoryUsage {
            category: Category::Volumes,
            count: volumes.len(),
            active: volumes
                .iter()
                .filter(|v| v.is_unused() == Some(false))
                .count(),
            size: volumes.iter().map(volume_size).sum(),
            reclaimable: volumes
                .iter()
                .filter(|v| v.is_unused() == Some(true))
                .map(volume_size)
                .sum(),
        },
        CategoryUsage {
            category: Category::BuildCache,
            count: cache.len(),
            active: cache.iter().filter(|record| record.in_use).count(),
            size: cache
                .iter()
                .filter(|record| !record.shared)
                .map(|record| non_negative(record.size))
                .sum(),
            reclaimable: cache
                .iter()
                .filter(|record| !record.shared && !record.in_use)
                .map(|record| non_negative(record.size))
                .sum(),
        },
    ]
}

/// One category's part of the stacked bar, in percent of the bar's width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Which category.
    pub category: Category,
    /// Where it starts.
    pub x: f64,
    /// How wide it is.
    pub width: f64,
    /// How wide its reclaimable part is, drawn at its right end.
    pub reclaimable_width: f64,
}

/// Lays the categories out along a bar of 100 units; empty categories take no room.
pub fn segments(usages: &[CategoryUsage]) -> Vec<Segment> {
    let total: u64 = usages.iter().map(|usage| usage.size).sum();
    if total == 0 {
        return Vec::new();
    }
    let mut x = 0.0;
    usages
        .iter()
        .filter(|usage| usage.size > 0)
        .map(|usage| {
            let width = usage.size as f64 / total as f64 * 100.0;
            let reclaimable_width =
                width * (usage.reclaimable.min(usage.size) as f64 / usage.size as f64);
            let segment = Segment {
                category: usage.category,
                x,
                width,
                reclaimable_width,
            };
            x += width;
            segment
        })
        .collect()
}

/// What a prune did, in one sentence: "Removed 2 volumes and reclaimed 1.05 MB".
/// `nouns` is the singular and plural of what was pruned.
pub fn prune_summary(nouns: (&str, &str), report: &PruneReport) -> String {
    let removed = report.removed();
    let noun = if removed == 1 { nouns.0 } else { nouns.1 };
    let reclaimed = format::bytes(report.space_reclaimed);
    match removed {
        0 if report.space_reclaimed == 0 => format!("Nothing to prune: no unused {}", nouns.1),
        0 => format!("Reclaimed {reclaimed}"),
        _ => format!("Removed {removed} {noun} and reclaimed {reclaimed}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage() -> DiskUsage {
        serde_json::from_str(
            r#"{"LayersSize":1000,
            "Images":[{"Id":"a","Size":600,"SharedSize":100,"Containers":2},
                      {"Id":"b","Size":400,"SharedSize":100,"Containers":0}],
            "Containers":[{"Id":"1","State":"running","SizeRw":10},
                          {"Id":"2","State":"exited","SizeRw":30},
                          {"Id":"3","State":"created"}],
            "Volumes":[{"Name":"used","UsageData":{"Size":200,"RefCount":1}},
                       {"Name":"free","UsageData":{"Size":50,"RefCount":0}},
                       {"Name":"unknown","UsageData":{"Size":-1,"RefCount":-1}}],
            "BuildCache":[{"ID":"x","Size":70,"InUse":false,"Shared":false},
                          {"ID":"y","Size":20,"InUse":true,"Shared":false},
                          {"ID":"z","Size":5,"InUse":false,"Shared":true}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn sums_each_category_like_the_cli() {
        let [images, containers, volumes, cache] = summarize(&usage())[..] else {
            panic!("four categories");
        };
        assert_eq!(
            (images.count, images.active, images.size, images.reclaimable),
            (2, 1, 1000, 500)
        );
        assert_eq!(
            (
                containers.count,
                containers.active,
                containers.size,
                containers.reclaimable
            ),
            (3, 1, 40, 30)
        );
        assert_eq!(
            (
                volumes.count,
                volumes.active,
                volumes.size,
                volumes.reclaimable
            ),
            (3, 1, 250, 50)
        );
        assert_eq!(
            (cache.count, cache.active, cache.size, cache.reclaimable),
            (3, 1, 90, 70)
        );
    }

    #[test]
    fn prune_summaries_count_and_size() {
        let report = PruneReport {
            volumes_deleted: Some(vec!["a".into(), "b".into()]),
            space_reclaimed: 1_050_000,
            ..PruneReport::default()
        };
        assert_eq!(
            prune_summary(("volume", "volumes"), &report),
            "Removed 2 volumes and reclaimed 1.05 MB"
        );
        assert_eq!(
            prune_summary(("network", "networks"), &PruneReport::default()),
            "Nothing to prune: no unused networks"
        );
        let cache = PruneReport {
            space_reclaimed: 2_000,
            ..PruneReport::default()
        };
        assert_eq!(
            prune_summary(("record", "records"), &cache),
            "Reclaimed 2.00 kB"
        );
    }

    #[test]
    fn an_empty_engine_has_no_segments() {
        let usages = summarize(&DiskUsage::default());
        assert!(
            usages
                .iter()
                .all(|usage| usage.size == 0 && usage.count == 0)
        );
        assert!(segments(&usages).is_empty());
    }

    #[test]
    fn segments_fill_the_bar_in_proportion() {
        let segments = segments(&summarize(&usage()));
        assert_eq!(segments.len(), 4);
        let total: f64 = segments.iter().map(|s| s.width).sum();
        assert!((total - 100.0).abs() < 1e-9);
        assert!((segments[0].width - 1000.0 / 1380.0 * 100.0).abs() < 1e-9);
        assert!((segments[0].reclaimable_width - segments[0].width / 2.0).abs() < 1e-9);
        assert!((segments[1].x - segments[0].width).abs() < 1e-9);
    }
}
