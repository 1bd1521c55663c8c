//! The list of a [`Resource`]: [`ListPage`] is a whole page (header, toolbar, the list), and
//! [`ResourceList`] is the list alone (states, bulk bar, table, removal), for a section of
//! another page such as the API tokens on the Account page. Rows follow the list's value as it
//! changes, so a reload or a patched row redraws only the rows whose key changed, and a long
//! list draws a page of rows at a time ([`RowLimit`]).

use leptos::prelude::*;

use super::removal::RemovalDialog;
use super::selection::{AllTicked, Selection};
use super::{Edges, Resource};
use crate::app::engine_status::use_engine_status;
use crate::app::remote::{Remote, remote_phase_view};
use crate::app::undecodable::UndecodableRows;
use crate::components::remove_button::RemoveButton;
use crate::components::row_limit::{MoreRows, RowLimit};
use crate::components::states::{EmptyState, SearchResults};
use crate::components::table::{Column, DataTable};
use crate::components::toolbar::{RefreshButton, SearchBox, matches_search};
use crate::format;

/// How a [`ResourceList`] draws its rows, beyond what the [`Resource`] says; every part is
/// optional.
#[derive(Clone, Copy)]
pub struct ListOptions<T: Resource> {
    /// The empty list's title and sentence, when they depend on the page's filters; the
    /// default is "No networks" and nothing.
    pub empty: Option<Signal<(String, String)>>,
    /// Fills in what the page loads beside the list (such as sizes) before the rows are drawn;
    /// the rows are drawn again when what it reads changes.
    pub fill: Option<Callback<Vec<T>, Vec<T>>>,
    /// Which rows to show besides the search, such as the page's "All / Unused" filter; the
    /// rows are filtered again when what it reads changes.
    pub keep: Option<Callback<T, bool>>,
    /// Runs after an object is removed, besides loading the list again.
    pub on_removed: Option<Callback<String>>,
    /// The page's own buttons of a row, before its remove button.
    pub row_actions: Option<Callback<T, AnyView>>,
    /// The bulk actions for the ticked rows that are shown; rows get tick boxes when given.
    pub bulk: Option<Callback<(Vec<T>, Selection), AnyView>>,
    /// Other columns than [`Resource::COLUMNS`], for a list whose rows show more or less.
    pub columns: Option<&'static [Column]>,
}

impl<T: Resource> Default for ListOptions<T> {
    fn default() -> Self {
        Self {
            empty: None,
            fill: None,
            keep: None,
            on_removed: None,
            row_actions: None,
            bulk: None,
            columns: None,
        }
    }
}

/// The page listing every `T`.
///
/// The page keeps what is its own: filters go in `filters` (before the search box), buttons such
/// as "Create" and [`PruneButton`](super::prune::PruneButton) in `actions` (after refresh), and
/// whatever belongs between the header and the table (a create form, a prune's result) in the
/// children. The list itself is a [`ResourceList`] drawn as `options` say.
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
    /// How the rows are drawn.
    #[prop(optional)]
    options: ListOptions<T>,
    /// A narrower page, for short tables such as the console's own settings.
    #[prop(optional)]
    narrow: bool,
    /// Filters before the search box, such as "All / Unused".
    #[prop(optional)]
    filters: Option<ChildrenFn>,
    /// Buttons after the refresh button.
    #[prop(optional)]
    actions: Option<ChildrenFn>,
    /// What goes below the table, such as a related list.
    #[prop(optional)]
    after: Option<ChildrenFn>,
    /// What goes between the header and the table.
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let page_class = if narrow { "page page-narrow" } else { "page" };
    let summary = summary.unwrap_or_else(|| {
        Signal::derive(move || {
            remote
                .value()
                .map(|all| format::count(all.len(), T::NOUN, T::PLURAL))
        })
    });
    view! {
        <section class=page_class aria-labelledby="page-title">
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
            <ResourceList remote=remote can_remove=can_remove search=search options=options/>
            {after.map(|after| view! { <div class="page-after">{after()}</div> })}
        </section>
    }
}

/// The list of `T` alone: loading, error and empty states, the bulk bar, the table with each
/// row's buttons (a remove button where the user may remove it), and the one
/// [`RemovalDialog`] that asks first; the list loads again after a removal.
#[component]
pub fn ResourceList<T: Resource>(
    /// The list.
    remote: Remote<Vec<T>>,
    /// Whether the user may remove objects.
    can_remove: bool,
    /// What the user searches for; nothing by default.
    #[prop(optional)]
    search: Option<RwSignal<String>>,
    /// How the rows are drawn.
    #[prop(optional)]
    options: ListOptions<T>,
) -> impl IntoView {
    let status = use_engine_status();
    let search = search.unwrap_or_else(|| RwSignal::new(String::new()));
    let pending_removal = RwSignal::new(None::<T>);
    let selection = Selection::new();
    let ListOptions {
        empty,
        fill,
        keep,
        on_removed,
        row_actions,
        bulk,
        columns,
    } = options;
    let empty =
        empty.unwrap_or_else(|| Signal::derive(|| (format!("No {}", T::PLURAL), String::new())));
    let removed = Callback::new(move |name: String| {
        remote.reload();
        if let Some(on_removed) = on_removed {
            on_removed.run(name);
        }
    });
    view! {
        {remote_phase_view(remote, status, T::PLURAL, move || {
            // Rows are drawn from the value as it changes: a reload or a patched row redraws
            // only the rows whose key changed, and what the user has open stays.
            let all = Memo::new(move |_| remote.value().unwrap_or_default());
            Effect::new(move || all.with(|all| selection.retain(all.iter().map(T::name))));
            let rows = Memo::new(move |_| {
                let search = search.get();
                let rows = all.with(|all| {
                    all.iter()
                        .filter(|object| matches_search(&search, &object.search_text()))
                        .filter(|object| keep.is_none_or(|keep| keep.run((*object).clone())))
                        .cloned()
                        .collect::<Vec<T>>()
                });
                match fill {
                    Some(fill) => fill.run(rows),
                    None => rows,
                }
            });
            let (limit, shown) = RowLimit::first_rows(rows);
            let ticked = Memo::new(move |_| {
                rows.with(|rows| selection.ticked(rows, T::name))
            });
            let select_all = bulk.map(|_| ViewFn::from(move || {
                let state = move || AllTicked::of(ticked.with(Vec::len), rows.with(Vec::len));
                view! {
                    <input type="checkbox" aria-label=format!("Select every {} shown", T::NOUN)
                        prop:checked=move || state() == AllTicked::All
                        prop:indeterminate=move || state() == AllTicked::Some
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            rows.with_untracked(|rows| selection.set_all(rows.iter().map(T::name), on));
                        }/>
                }
            }));
            let bar = move || bulk.map(|bulk| view! {
                <Show when=move || ticked.with(|ticked| !ticked.is_empty())>
                    <div class="bulk-bar" role="toolbar" aria-label=format!("Selected {}", T::PLURAL) data-testid="bulk-bar">
                        <span class="bulk-count">{move || format!("{} selected", ticked.with(Vec::len))}</span>
                        {move || bulk.run((ticked.get(), selection))}
                        <button class="btn btn-small btn-ghost" on:click=move |_| selection.clear()>"Clear selection"</button>
                    </div>
                </Show>
            });
            let row = move |object: T| {
                let environment = status.environment.get_untracked();
                let link = object.link(&environment);
                let select = bulk.map(|_| select_cell(selection, object.name()));
                let own = object.actions(&environment);
                let page_own = row_actions.map(|actions| actions.run(object.clone()));
                let remove = (can_remove && object.removable()).then(|| {
                    let label = format!("{} {}", T::ACTION.label, object.name());
                    let removable = object.clone();
                    view! {
                        <RemoveButton label=label title=T::ACTION.label on_click=Callback::new(move |()| pending_removal.set(Some(removable.clone())))/>
                    }
                });
                let actions = (own.is_some() || page_own.is_some() || remove.is_some())
                    .then(|| view! { <div class="row-actions">{own}{page_own}{remove}</div> });
                let actions = view! { <td class="cell-actions">{actions}</td> }.into_any();
                object.row(link, Edges { select, actions })
            };
            let width = columns.unwrap_or(T::COLUMNS).len() + usize::from(bulk.is_some());
            let select_all = StoredValue::new(select_all);
            let empty_state = move || {
                let (title, text) = empty.get();
                view! {
                    <EmptyState icon=T::ICON title=title>
                        {(!text.is_empty()).then(|| view! { <p>{text}</p> })}
                    </EmptyState>
                }
            };
            // With nothing left and no search, the page's filters hid everything: say so as
            // the page's empty state, which knows its filters.
            let filtered_out = move || rows.with(Vec::is_empty) && search.with(String::is_empty);
            view! {
                <Show when=move || !all.with(Vec::is_empty) fallback=empty_state>
                    {bar()}
                    <Show when=move || !filtered_out() fallback=empty_state>
                        <SearchResults what=T::PLURAL search=search empty=Signal::derive(move || rows.with(Vec::is_empty))>
                            <DataTable testid=T::TABLE_TESTID columns=columns.unwrap_or(T::COLUMNS) lead=select_all.get_value()>
                                <For each=move || shown.get() key=T::key children=row/>
                                {T::UNDECODABLE.map(|kind| view! { <UndecodableRows kind=kind columns=width/> })}
                            </DataTable>
                            <MoreRows rows=limit/>
                        </SearchResults>
                    </Show>
                </Show>
            }
        })}
        <RemovalDialog pending=pending_removal on_removed=removed/>
    }
}

/// A row's tick box, named after the object for screen readers.
fn select_cell(selection: Selection, name: &str) -> AnyView {
    let label = format!("Select {name}");
    let (name, checked) = (name.to_owned(), name.to_owned());
    view! {
        <td class="cell-select">
            <input type="checkbox" aria-label=label
                prop:checked=move || selection.contains(&checked)
                on:change=move |event| selection.set(&name, event_target_checked(&event))/>
        </td>
    }
    .into_any()
}
