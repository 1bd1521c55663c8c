//! One object's page: breadcrumbs back to its list, its name and a line about it, the page's
//! own buttons, refresh and remove, the page's facts and tables below, and the engine's raw
//! document at the end.

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
    /// The document the engine sent, shown folded at the end of the page.
    #[prop(optional)]
    raw: Option<Signal<Option<serde_json::Value>>>,
    /// The page's own buttons, before refresh.
    #[prop(optional)]
    actions: Option<ChildrenFn>,
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
                    {actions.map(|actions| actions())}
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
            {raw.map(|raw| view! { <RawInspect raw=raw/> })}
            <RemovalDialog pending=pending_removal on_removed=removed/>
        </section>
    }
}

/// The engine's document for the object, pretty-printed in a folded section.
#[component]
fn RawInspect(raw: Signal<Option<serde_json::Value>>) -> impl IntoView {
    move || {
        raw.get().map(|raw| {
            let pretty = serde_json::to_string_pretty(&raw).unwrap_or_default();
            view! {
                <details class="section raw-inspect">
                    <summary>"Inspect (JSON)"</summary>
                    <pre class="log-output" data-testid="raw-inspect">{pretty}</pre>
                </details>
            }
        })
    }
}
