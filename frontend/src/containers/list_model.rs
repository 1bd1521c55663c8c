//! What the containers list shows: filtering, searching, sorting and grouping rows, the engine
//! filters behind the status and label pickers, and applying one refreshed row. Pure, tested
//! natively.

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

/// The compose project label.
pub const COMPOSE_PROJECT: &str = "com.docker.compose.project";

/// What the list is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Running ones first, then by name.
    #[default]
    State,
    /// By name.
    Name,
    /// By image reference.
    Image,
    /// Newest first.
    Created,
    /// Largest writable layer first (when sizes were asked for).
    Size,
}

impl SortKey {
    /// Every order, as the UI offers them.
    pub const ALL: [SortKey; 5] = [
        SortKey::State,
        SortKey::Name,
        SortKey::Image,
        SortKey::Created,
        SortKey::Size,
    ];

    /// The option's label.
    pub fn label(self) -> &'static str {
        match self {
            SortKey::State => "State",
            SortKey::Name => "Name",
            SortKey::Image => "Image",
            SortKey::Created => "Newest",
            SortKey::Size => "Size",
        }
    }

    /// The value of the option in the sort picker.
    pub fn value(self) -> &'static str {
        match self {
            SortKey::State => "state",
            SortKey::Name => "name",
            SortKey::Image => "image",
            SortKey::Created => "created",
            SortKey::Size => "size",
        }
    }

    /// The order a picker value stands for.
    pub fn from_value(value: &str) -> SortKey {
        SortKey::ALL
            .into_iter()
            .find(|key| key.value() == value)
            .unwrap_or_default()
    }
}

/// The rows to show: those passing the state filter whose name, image, id, status or labels
/// contain every word of the search (ignoring case), in the order of `sort` (then by name).
pub fn visible_rows(
    containers: &[ContainerSummary],
    filter: StateFilter,
    search: &str,
    sort: SortKey,
) -> Vec<ContainerSummary> {
    let words: Vec<String> = search.split_whitespace().map(str::to_lowercase).collect();
    let mut rows: Vec<ContainerSummary> = containers
        .iter()
        .filter(|container| filter.admits(container))
        .filter(|container| words.is_empty() || matches_words(container, &words))
        .cloned()
        .collect();
    rows.sort_by(|a, b| {
        let by_key = match sort {
            SortKey::State => b.is_running().cmp(&a.is_running()),
            SortKey::Name => std::cmp::Ordering::Equal,
            SortKey::Image => a.image.cmp(&b.image),
            SortKey::Created => b.created.cmp(&a.created),
            SortKey::Size => b.size_rw.unwrap_or(-1).cmp(&a.size_rw.unwrap_or(-1)),
        };
        by_key.then_with(|| a.display_name().cmp(b.display_name()))
    });
    rows
}

fn matches_words(container: &ContainerSummary, words: &[String]) -> bool {
    let mut haystack = format!(
        "{} {} {} {}",
        container.display_name(),
        container.image,
        container.id,
        container.status
    );
    for (key, value) in &container.labels {
        haystack.push(' ');
        haystack.push_str(key);
        haystack.push('=');
        haystack.push_str(value);
    }
    let haystack = haystack.to_lowercase();
    words.iter().all(|word| haystack.contains(word.as_str()))
}

/// One line of the list: a compose project's heading, or a container.
#[derive(Debug, Clone, PartialEq)]
pub enum ListItem {
    /// The heading of a compose project's containers: its name, how many run, how many in all.
    Project {
        /// The project name.
        name: String,
        /// How many of its containers run.
        running: usize,
        /// How many containers it has.
        total: usize,
    },
    /// A container.
    Row(Box<ContainerSummary>),
}

impl ListItem {
    /// A key that changes whenever what the line shows changes, for keyed rendering.
    pub fn key(&self) -> String {
        match self {
            ListItem::Project {
                name,
                running,
                total,
            } => format!("project\u{0}{name}\u{0}{running}\u{0}{total}"),
            ListItem::Row(c) => format!(
                "{}\u{0}{}\u{0}{}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{}",
                c.id, c.state, c.status, c.size_rw, c.size_root_fs, c.names, c.image
            ),
        }
    }
}

/// The rows as lines: when `group` is set, containers of a compose project come together under
/// its heading (projects by name), followed by the others; otherwise the rows as they are.
pub fn list_items(rows: Vec<ContainerSummary>, group: bool) -> Vec<ListItem> {
    if !group {
        return rows
            .into_iter()
            .map(|row| ListItem::Row(Box::new(row)))
            .collect();
    }
    let mut projects: std::collections::BTreeMap<String, Vec<ContainerSummary>> =
        std::collections::BTreeMap::new();
    let mut loose = Vec::new();
    for row in rows {
        match row.labels.get(COMPOSE_PROJECT) {
            Some(project) => projects.entry(project.clone()).or_default().push(row),
            None => loose.push(row),
        }
    }
    let mut items = Vec::new();
    for (name, members) in projects {
        items.push(ListItem::Project {
            running: running_count(&members),
            total: members.len(),
            name,
        });
        items.extend(members.into_iter().map(|row| ListItem::Row(Box::new(row))));
    }
    if !items.is_empty() && !loose.is_empty() {
        items.push(ListItem::Project {
            running: running_count(&loose),
            total: loose.len(),
            name: String::new(),
        });
    }
    items.extend(loose.into_iter().map(|row| ListItem::Row(Box::new(row))));
    items
}

/// The engine `filters` (a JSON object) for a status and a label filter; `labels` holds
/// `key` or `key=value` terms separated by spaces or commas.
pub fn engine_filters(status: &str, labels: &str) -> String {
    let mut filters = std::collections::BTreeMap::<&str, Vec<&str>>::new();
    if !status.is_empty() {
        filters.insert("status", vec![status]);
    }
    let labels: Vec<&str> = labels
        .split([',', ' '])
        .map(str::trim)
        .filter(|term| !term.is_empty())
        .collect();
    if !labels.is_empty() {
        filters.insert("label", labels);
    }
    serde_json::to_string(&filters).unwrap_or_else(|_| "{}".into())
}

/// The engine filters of `filters` narrowed to some containers, to refresh just their rows.
pub fn filters_for_ids(filters: &str, ids: &[String]) -> String {
    let mut value: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(filters).unwrap_or_default();
    value.insert("id".into(), ids.to_vec());
    serde_json::to_string(&value).unwrap_or_else(|_| "{}".into())
}

/// Applies a refreshed row: replaces the container `id`, adds it, or (when `fresh` is `None`,
/// because it is gone or no longer matches the filters) removes it. Returns whether the list
/// changed.
pub fn apply_row(
    list: &mut Vec<ContainerSummary>,
    id: &str,
    fresh: Option<ContainerSummary>,
) -> bool {
    let position = list.iter().position(|c| c.id == id);
    match (position, fresh) {
        (Some(index), Some(mut fresh)) => {
            if list[index] == fresh {
                return false;
            }
            // A refresh without sizes keeps the sizes already known.
            if fresh.size_rw.is_none() {
                fresh.size_rw = list[index].size_rw;
                fresh.size_root_fs = list[index].size_root_fs;
            }
            list[index] = fresh;
            true
        }
        (None, Some(fresh)) => {
            list.push(fresh);
            true
        }
        (Some(index), None) => {
            list.remove(index);
            true
        }
        (None, None) => false,
    }
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
            names(&visible_rows(&all, StateFilter::All, "", SortKey::State)),
            ["beta", "gamma", "zeta", "alpha"]
        );
        assert_eq!(
            names(&visible_rows(
                &all,
                StateFilter::Running,
                "",
                SortKey::State
            )),
            ["beta", "gamma", "zeta"]
        );
        assert_eq!(
            names(&visible_rows(
                &all,
                StateFilter::Stopped,
                "",
                SortKey::State
            )),
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
            names(&visible_rows(
                &all,
                StateFilter::All,
                "NGINX",
                SortKey::State
            )),
            ["web"]
        );
        assert_eq!(
            names(&visible_rows(
                &all,
                StateFilter::All,
                "web nginx",
                SortKey::State
            )),
            ["web"]
        );
        assert!(visible_rows(&all, StateFilter::All, "web redis", SortKey::State).is_empty());
        assert_eq!(
            names(&visible_rows(&all, StateFilter::All, "  ", SortKey::State)).len(),
            2
        );
    }

    #[test]
    fn sorts_by_the_chosen_key() {
        let mut old = container("old", "running", "b");
        old.created = 1;
        let mut new = container("new", "exited", "a");
        new.created = 2;
        new.size_rw = Some(10);
        let all = [old, new];
        assert_eq!(
            names(&visible_rows(&all, StateFilter::All, "", SortKey::Created)),
            ["new", "old"]
        );
        assert_eq!(
            names(&visible_rows(&all, StateFilter::All, "", SortKey::Image)),
            ["new", "old"]
        );
        assert_eq!(
            names(&visible_rows(&all, StateFilter::All, "", SortKey::Name)),
            ["new", "old"]
        );
        assert_eq!(
            names(&visible_rows(&all, StateFilter::All, "", SortKey::State)),
            ["old", "new"]
        );
        assert_eq!(SortKey::from_value("size"), SortKey::Size);
        assert_eq!(SortKey::from_value("bogus"), SortKey::State);
    }

    #[test]
    fn groups_compose_projects_before_loose_containers() {
        let mut web = container("shop-web-1", "running", "nginx");
        web.labels.insert(COMPOSE_PROJECT.into(), "shop".into());
        let mut db = container("shop-db-1", "exited", "postgres");
        db.labels.insert(COMPOSE_PROJECT.into(), "shop".into());
        let loose = container("tool", "running", "busybox");
        let items = list_items(vec![loose.clone(), web.clone(), db.clone()], true);
        assert_eq!(
            items,
            [
                ListItem::Project {
                    name: "shop".into(),
                    running: 1,
                    total: 2
                },
                ListItem::Row(Box::new(web)),
                ListItem::Row(Box::new(db)),
                ListItem::Project {
                    name: String::new(),
                    running: 1,
                    total: 1
                },
                ListItem::Row(Box::new(loose.clone())),
            ]
        );
        assert_eq!(
            list_items(vec![loose.clone()], true),
            [ListItem::Row(Box::new(loose))]
        );
    }

    #[test]
    fn search_reaches_labels() {
        let mut web = container("web", "running", "nginx");
        web.labels.insert("tier".into(), "front".into());
        let all = [web, container("db", "running", "postgres")];
        assert_eq!(
            names(&visible_rows(
                &all,
                StateFilter::All,
                "tier=front",
                SortKey::State
            )),
            ["web"]
        );
    }

    #[test]
    fn builds_engine_filters() {
        assert_eq!(engine_filters("", ""), "{}");
        assert_eq!(
            engine_filters("exited", "a=1, b"),
            r#"{"label":["a=1","b"],"status":["exited"]}"#
        );
        assert_eq!(
            filters_for_ids(r#"{"status":["exited"]}"#, &["abc".to_owned()]),
            r#"{"id":["abc"],"status":["exited"]}"#
        );
    }

    #[test]
    fn applies_one_refreshed_row() {
        let mut list = vec![container("a", "running", "x")];
        let id = list[0].id.clone();
        list[0].size_rw = Some(5);
        let stopped = container("a", "exited", "x");
        assert!(apply_row(&mut list, &id, Some(stopped)));
        assert_eq!(list[0].state, "exited");
        assert_eq!(
            list[0].size_rw,
            Some(5),
            "sizes survive a refresh without them"
        );
        let same = list[0].clone();
        assert!(!apply_row(&mut list, &id, Some(same)));
        let other = container("b", "running", "x");
        assert!(apply_row(&mut list, &other.id.clone(), Some(other)));
        assert_eq!(list.len(), 2);
        assert!(apply_row(&mut list, &id, None));
        assert_eq!(names(&list), ["b"]);
        assert!(!apply_row(&mut list, "nothing", None));
    }
}
