//! What the containers list shows: filtering, searching and ordering rows. Pure, tested natively.

use berth_shared::engine::container::ContainerSummary;

/// Which containers the list shows, by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    /// Every container.
    #[default]
    All,
    /// Running, paused and restarting containers.
    Running,
    /// Created, exited and dead containers.
    Stopped,
}

impl StateFilter {
    /// Every filter, in the order the UI offers them.
    pub const ALL: [StateFilter; 3] =
        [StateFilter::All, StateFilter::Running, StateFilter::Stopped];

    /// The label shown on the filter's button.
    pub fn label(self) -> &'static str {
        match self {
            StateFilter::All => "All",
            StateFilter::Running => "Running",
            StateFilter::Stopped => "Stopped",
        }
    }

    fn admits(self, container: &ContainerSummary) -> bool {
        match self {
            StateFilter::All => true,
            StateFilter::Running => container.is_running(),
            StateFilter::Stopped => !container.is_running(),
        }
    }
}

/// The rows to show: those passing the state filter whose name, image, id or status contains
/// every word of the search (ignoring case), running ones first, then by name.
pub fn visible_rows(
    containers: &[ContainerSummary],
    filter: StateFilter,
    search: &str,
) -> Vec<ContainerSummary> {
    let words: Vec<String> = search.split_whitespace().map(str::to_lowercase).collect();
    let mut rows: Vec<ContainerSummary> = containers
        .iter()
        .filter(|container| filter.admits(container))
        .filter(|container| {
            let haystack = format!(
                "{} {} {} {}",
                container.display_name(),
                container.image,
                container.id,
                container.status
            )
            .to_lowercase();
            words.iter().all(|word| haystack.contains(word.as_str()))
        })
        .cloned()
        .collect();
    rows.sort_by(|a, b| {
        b.is_running()
            .cmp(&a.is_running())
            .then_with(|| a.display_name().cmp(b.display_name()))
    });
    rows
}

/// How many containers are running, out of all of them.
pub fn running_count(containers: &[ContainerSummary]) -> usize {
    containers
        .iter()
        .filter(|container| container.is_running())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(name: &str, state: &str, image: &str) -> ContainerSummary {
        ContainerSummary {
            id: format!("{name}-0123456789abcdef"),
            names: vec![format!("/{name}")],
            image: image.into(),
            state: state.into(),
            status: if state == "running" {
                "Up 1 minute".into()
            } else {
                "Exited (0)".into()
            },
            ..ContainerSummary::default()
        }
    }

    fn names(rows: &[ContainerSummary]) -> Vec<&str> {
        rows.iter().map(ContainerSummary::display_name).collect()
    }

    #[test]
    fn filters_by_state_and_puts_running_first() {
        let all = [
            container("zeta", "running", "nginx"),
            container("alpha", "exited", "busybox"),
            container("beta", "running", "redis"),
            container("gamma", "paused", "redis"),
        ];
        assert_eq!(
            names(&visible_rows(&all, StateFilter::All, "")),
            ["beta", "gamma", "zeta", "alpha"]
        );
        assert_eq!(
            names(&visible_rows(&all, StateFilter::Running, "")),
            ["beta", "gamma", "zeta"]
        );
        assert_eq!(
            names(&visible_rows(&all, StateFilter::Stopped, "")),
            ["alpha"]
        );
        assert_eq!(running_count(&all), 3);
    }

    #[test]
    fn search_matches_every_word_in_any_field() {
        let all = [
            container("web", "running", "nginx:1.27"),
            container("cache", "running", "redis"),
        ];
        assert_eq!(
            names(&visible_rows(&all, StateFilter::All, "NGINX")),
            ["web"]
        );
        assert_eq!(
            names(&visible_rows(&all, StateFilter::All, "web nginx")),
            ["web"]
        );
        assert!(visible_rows(&all, StateFilter::All, "web redis").is_empty());
        assert_eq!(names(&visible_rows(&all, StateFilter::All, "  ")).len(), 2);
    }
}
