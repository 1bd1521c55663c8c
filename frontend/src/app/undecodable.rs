//! The objects of the engine's lists that could not be decoded, and the error rows that show
//! them: one odd object never takes a page down.
//!
//! The typed client decodes each list element by element (`berth_shared::engine::listing`)
//! and reports here what it could not read, per kind of object; the page's table then shows
//! one [`UndecodableRows`] row for each, with the object's id and the reason, beside the rows
//! it could read. The store is the app's own, outside any page, so a report that arrives after
//! its page is gone is harmless.

use std::collections::BTreeMap;

use berth_shared::engine::listing::RowFailure;
use leptos::prelude::*;

/// The kinds of object whose failures are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Containers,
    Images,
    Networks,
    Volumes,
    Plugins,
    Events,
    Nodes,
    Services,
    Tasks,
    Secrets,
    Configs,
}

/// How many lines of a stream that could not be read are kept; the oldest go first.
const EVENTS_KEPT: usize = 50;

thread_local! {
    // Reference-counted, not owned by whichever page first reads it: an arena signal would
    // be disposed with that page, and every later read would panic.
    static FAILURES: ArcRwSignal<BTreeMap<Kind, Vec<RowFailure>>> = ArcRwSignal::new(BTreeMap::new());
}

fn store() -> ArcRwSignal<BTreeMap<Kind, Vec<RowFailure>>> {
    FAILURES.with(ArcRwSignal::clone)
}

/// A whole list of `kind` was read: its failures replace the ones kept.
pub fn replace(kind: Kind, failures: Vec<RowFailure>) {
    store().try_update(|all| {
        if failures.is_empty() {
            all.remove(&kind);
        } else {
            all.insert(kind, failures);
        }
    });
}

/// Some objects of `kind` were read again (`read` the ids of those that decoded): their old
/// failures go, the new ones are added.
pub fn merge(kind: Kind, read: &[String], failures: Vec<RowFailure>) {
    if failures.is_empty() && store().with_untracked(|all| !all.contains_key(&kind)) {
        return;
    }
    store().try_update(|all| {
        let kept = all.entry(kind).or_default();
        kept.retain(|old| !read.contains(&old.id) && !failures.iter().any(|new| new.id == old.id));
        kept.extend(failures);
        if kept.is_empty() {
            all.remove(&kind);
        }
    });
}

/// A line of a stream of `kind` (events) could not be read: it is added to the last ones.
pub fn append(kind: Kind, failure: RowFailure) {
    store().try_update(|all| {
        let kept = all.entry(kind).or_default();
        kept.push(failure);
        let excess = kept.len().saturating_sub(EVENTS_KEPT);
        kept.drain(..excess);
    });
}

/// One error row for each object of `kind` that could not be decoded, spanning `columns`
/// columns; nothing when there is none.
#[component]
pub fn UndecodableRows(
    /// Whose failures to show.
    kind: Kind,
    /// How many columns the table has.
    columns: usize,
) -> impl IntoView {
    let store = store();
    let failures = move || store.with(|all| all.get(&kind).cloned().unwrap_or_default());
    view! {
        <For each=failures key=|failure: &RowFailure| (failure.id.clone(), failure.reason.clone()) let:failure>
            <tr class="row-undecodable" data-testid="undecodable-row">
                <td colspan=columns.to_string()>
                    <span class="badge badge-danger">"Unreadable"</span>" "
                    <span class="mono" title=failure.id.clone()>{short(&failure.id)}</span>
                    ": Berth could not read this object: "{failure.reason}
                </td>
            </tr>
        </For>
    }
}

/// A long engine id shortened the way the lists show ids.
fn short(id: &str) -> String {
    if id.is_empty() {
        return "(no id)".to_owned();
    }
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    if id.len() > 12 && id.chars().all(|c| c.is_ascii_hexdigit()) {
        id[..12].to_owned()
    } else {
        id.to_owned()
    }
}
