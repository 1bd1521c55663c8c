//! Ticking rows of a list for a bulk action. What counts is what the user can see ticked: a row
//! hidden by the search or a filter keeps its tick for when it shows again, but is neither
//! counted nor acted on while it is hidden.

use std::collections::BTreeSet;

use leptos::prelude::*;

/// The keys of the rows a user ticked on one list.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    keys: RwSignal<BTreeSet<String>>,
}

impl Default for Selection {
    fn default() -> Self {
        Self::new()
    }
}

impl Selection {
    /// Nothing ticked.
    pub fn new() -> Self {
        Self {
            keys: RwSignal::new(BTreeSet::new()),
        }
    }

    /// Whether the row `key` is ticked (tracked).
    pub fn contains(&self, key: &str) -> bool {
        self.keys.with(|keys| keys.contains(key))
    }

    /// Ticks or unticks the row `key`.
    pub fn set(&self, key: &str, on: bool) {
        self.keys.update(|keys| {
            if on {
                keys.insert(key.to_owned());
            } else {
                keys.remove(key);
            }
        });
    }

    /// Ticks or unticks every row in `shown`, leaving hidden rows as they are.
    pub fn set_all<'a>(&self, shown: impl IntoIterator<Item = &'a str>, on: bool) {
        let shown: Vec<&str> = shown.into_iter().collect();
        self.keys.update(|keys| {
            for key in shown {
                if on {
                    keys.insert(key.to_owned());
                } else {
                    keys.remove(key);
                }
            }
        });
    }

    /// Unticks everything.
    pub fn clear(&self) {
        self.keys.set(BTreeSet::new());
    }

    /// The ticked rows among `shown`, in `shown`'s order (tracked); `key` names a row.
    pub fn ticked<T: Clone>(&self, shown: &[T], key: impl Fn(&T) -> &str) -> Vec<T> {
        self.keys.with(|keys| ticked_rows(keys, shown, key))
    }

    /// Forgets keys that are no longer in the list at all, such as removed objects.
    pub fn retain<'a>(&self, existing: impl IntoIterator<Item = &'a str>) {
        let existing: BTreeSet<&str> = existing.into_iter().collect();
        self.keys
            .update(|keys| keys.retain(|key| existing.contains(key.as_str())));
    }
}

/// The rows of `shown` whose key is in `ticked`, in `shown`'s order.
pub fn ticked_rows<T: Clone>(
    ticked: &BTreeSet<String>,
    shown: &[T],
    key: impl Fn(&T) -> &str,
) -> Vec<T> {
    shown
        .iter()
        .filter(|row| ticked.contains(key(row)))
        .cloned()
        .collect()
}

/// The state of a "select all" box over `shown`: every shown row ticked, some, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllTicked {
    /// No row shown, or none of them ticked.
    None,
    /// Some of the shown rows are ticked.
    Some,
    /// Every shown row is ticked.
    All,
}

impl AllTicked {
    /// How many of `total` shown rows are ticked, as a box's state.
    pub fn of(ticked: usize, total: usize) -> Self {
        match ticked {
            0 => Self::None,
            n if n == total => Self::All,
            _ => Self::Some,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticked(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(|key| (*key).to_owned()).collect()
    }

    #[test]
    fn only_ticked_rows_that_are_shown_count() {
        let ticked = ticked(&["a", "b", "c"]);
        let rows = |keys: &[&str]| keys.iter().map(|key| (*key).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            ticked_rows(&ticked, &rows(&["c", "x", "a"]), String::as_str),
            rows(&["c", "a"])
        );
        assert!(ticked_rows(&ticked, &rows(&["zzz"]), String::as_str).is_empty());
        assert!(ticked_rows(&ticked, &[], String::as_str).is_empty());
    }

    #[test]
    fn the_select_all_box_follows_the_shown_rows() {
        assert_eq!(AllTicked::of(0, 0), AllTicked::None);
        assert_eq!(AllTicked::of(0, 4), AllTicked::None);
        assert_eq!(AllTicked::of(2, 4), AllTicked::Some);
        assert_eq!(AllTicked::of(4, 4), AllTicked::All);
    }
}
