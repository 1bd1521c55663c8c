//! One object's page: breadcrumbs back to its list, its name and a line about it, refresh and
//! remove, and the page's own facts and tables below.

use leptos::prelude::*;
use leptos_router::components::A;

use super::Removable;
use super::removal::{RemovalDialog, back_to_list};
use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::components::icons::{Icon, IconKind};
use crate::components::toolbar::RefreshButton;

/// The frame of a detail page. The children are the body, usually a
/// [`remote_view`](crate::app::remote::remote_view) of `remote` with facts cards and tables,
/// and any dialogs of the page's own. Removing the object asks first through the one
/// [`RemovalDialog`], then goes back to the list.
#[component]
pub fn DetailPage<T: Removable, U: Clone + Send + Sync + 'static>(
    /// The list's path in the environment, such as `networks`.
    section: &'static str,
    /// The list's title, for the breadcrumbs: "Networks".
    section_title: &'static str,
    /// The object's name, as the heading.
    #[prop(into)]
    title: Signal<String>,
    /// The line under the heading.
    #[prop(into)]
    subtitle: Signal<Option<String>>,
    /// Classes of that line, after `page-sub` (such as `mono` for an id).
    #[prop(optional)]
    subtitle_class: &'static str,
    /// The `data-testid` of that line, for tests.
    #[prop(optional)]
    subtitle_testid: Option<&'static str>,
    /// What the page shows, reloaded by the refresh button.
    remote: Remote<U>,
    /// The object the remove button removes, once loaded and when the user may remove it.
    removable: Signal<Option<T>>,
    /// The body.
    children: ChildrenFn,
) -> impl IntoView {
    let status = use_engine_status();
    let pending_removal = RwSignal::new(None::<T>);
    let back = format!("/env/{}/{section}", status.environment.get_untracked());
    let removed = back_to_list(status, section);
    let subtitle_class = if subtitle_class.is_empty() {
        "page-sub".to_owned()
    } else {
        format!("page-sub {subtitle_class}")
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <nav class="breadcrumbs" aria-label="Breadcrumbs">
                <A href=back>{section_title}</A>
                <span aria-hidden="true">"/"</span>
            </nav>
            <div class="page-head">
                <div>
                    <h1 id="page-title" class="cell-break">{move || title.get()}</h1>
                    <p class=subtitle_class data-testid=subtitle_testid>{move || subtitle.get()}</p>
                </div>
                <div class="toolbar">
                    <RefreshButton remote=remote/>
                    {move || removable.get().map(|object| view! {
                        <button class="btn btn-danger-outline" on:click=move |_| pending_removal.set(Some(object.clone()))>
                            <Icon kind=IconKind::Trash/>
                            "Remove"
                        </button>
                    })}
                </div>
            </div>
            {children()}
            <RemovalDialog pending=pending_removal on_removed=removed/>
        </section>
    }
}
