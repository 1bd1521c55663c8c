//! The list page of a [`Resource`]: header, toolbar, states, table and removal.

use leptos::prelude::*;

use super::Resource;
use super::removal::RemovalDialog;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::{Remote, remote_view};
use crate::components::remove_button::RemoveButton;
use crate::components::states::{EmptyState, SearchResults};
use crate::components::table::DataTable;
use crate::components::toolbar::{RefreshButton, SearchBox, matches_search};

/// The page listing every `T`.
///
/// The page keeps what is its own: filters go in `filters` (before the search box), buttons such
/// as "Create" and [`PruneButton`](super::prune::PruneButton) in `actions` (after refresh), and
/// whatever belongs between the header and the table (a create form, a prune's result) in the
/// children. Each row the user may remove gets a remove button; the removal asks first through
/// the one [`RemovalDialog`], then the list loads again.
#[component]
pub fn ListPage<T: Resource>(
    /// The list, usually [`list_remote`](super::list_remote); a page that filters on the
    /// engine's side makes its own.
    remote: Remote<Vec<T>>,
    /// Whether the user may remove objects.
    can_remove: bool,
    /// The line under the heading; "3 networks" by default.
    #[prop(optional, into)]
    summary: Option<Signal<Option<String>>>,
    /// The `data-testid` of that line, for tests.
    #[prop(optional)]
    summary_testid: Option<&'static str>,
    /// The empty list's title and sentence, when they depend on the page's filters; the
    /// default is "No networks" and nothing.
    #[prop(optional, into)]
    empty: Option<Signal<(String, String)>>,
    /// Fills in what the page loads beside the list (such as sizes) before the rows are drawn;
    /// the rows are drawn again when what it reads changes.
    #[prop(optional)]
    fill: Option<Callback<Vec<T>, Vec<T>>>,
    /// Runs after an object is removed, besides loading the list again.
    #[prop(optional)]
    on_removed: Option<Callback<String>>,
    /// Filters before the search box, such as "All / Unused".
    #[prop(optional)]
    filters: Option<ChildrenFn>,
    /// Buttons after the refresh button.
    #[prop(optional)]
    actions: Option<ChildrenFn>,
    /// What goes between the header and the table.
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView {
    let status = use_engine_status();
    let search = RwSignal::new(String::new());
    let pending_removal = RwSignal::new(None::<T>);
    let summary = summary.unwrap_or_else(|| {
        Signal::derive(move || {
            remote
                .value()
                .map(|all| format!("{} {}", all.len(), T::PLURAL))
        })
    });
    let empty =
        empty.unwrap_or_else(|| Signal::derive(|| (format!("No {}", T::PLURAL), String::new())));
    let removed = Callback::new(move |name: String| {
        remote.reload();
        if let Some(on_removed) = on_removed {
            on_removed.run(name);
        }
    });

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">{T::TITLE}</h1>
                    <p class="page-sub" data-testid=summary_testid>{move || summary.get()}</p>
                </div>
                <div class="toolbar">
                    {filters.map(|filters| filters())}
                    <SearchBox text=search what=T::PLURAL/>
                    <RefreshButton remote=remote/>
                    {actions.map(|actions| actions())}
                </div>
            </div>
            {children.map(|children| children())}
            {remote_view(remote, status, T::PLURAL, move |all: Vec<T>| {
                if all.is_empty() {
                    let (title, text) = empty.get_untracked();
                    return view! {
                        <EmptyState icon=T::ICON title=title>
                            {(!text.is_empty()).then(|| view! { <p>{text}</p> })}
                        </EmptyState>
                    }
                    .into_any();
                }
                let rows = Memo::new(move |_| {
                    let search = search.get();
                    let rows = all
                        .iter()
                        .filter(|object| matches_search(&search, &object.search_text()))
                        .cloned()
                        .collect::<Vec<T>>();
                    match fill {
                        Some(fill) => fill.run(rows),
                        None => rows,
                    }
                });
                view! {
                    <SearchResults what=T::PLURAL search=search empty=Signal::derive(move || rows.with(Vec::is_empty))>
                        <DataTable testid=T::TABLE_TESTID columns=T::COLUMNS>
                            <For each=move || rows.get() key=T::key let:object>
                                {
                                    let environment = status.environment.get_untracked();
                                    let link = object.link(&environment);
                                    let own = object.actions(&environment);
                                    let remove = (can_remove && object.removable()).then(|| {
                                        let label = format!("Remove {}", object.name());
                                        let removable = object.clone();
                                        view! {
                                            <RemoveButton label=label on_click=Callback::new(move |()| pending_removal.set(Some(removable.clone())))/>
                                        }
                                    });
                                    let actions = (own.is_some() || remove.is_some())
                                        .then(|| view! { <div class="row-actions">{own}{remove}</div> });
                                    object.row(link, view! { <td class="cell-actions">{actions}</td> }.into_any())
                                }
                            </For>
                        </DataTable>
                    </SearchResults>
                }
                .into_any()
            })}
            <RemovalDialog pending=pending_removal on_removed=removed/>
        </section>
    }
}
