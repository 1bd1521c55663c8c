//! One object's page: breadcrumbs back to its list, its name and a line about it, the page's
//! own buttons, refresh and remove, then the [`Tabs`]: Overview (the page's facts and tables),
//! the page's own tabs, and Inspect (the engine's raw document). The chosen tab is in the
//! query, `?tab=inspect`.

use leptos::prelude::*;
use leptos_router::components::A;

use super::Removable;
use super::removal::{RemovalDialog, back_to_list};
use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::components::icons::{Icon, IconKind};
use crate::components::tabs::{TabSpec, Tabs, query_tab, query_tab_href};
use crate::components::toolbar::RefreshButton;

/// A tab of a detail page besides Overview and Inspect, such as an image's history.
#[derive(Clone)]
pub struct DetailTab {
    /// The tab.
    pub spec: TabSpec,
    /// Its content.
    pub view: ViewFn,
}

impl DetailTab {
    /// A tab named `label`, at `?tab=slug`, showing `view`.
    pub fn new(
        slug: &'static str,
        label: &'static str,
        view: impl Fn() -> AnyView + Send + Sync + 'static,
    ) -> Self {
        Self {
            spec: TabSpec { slug, label },
            view: ViewFn::from(view),
        }
    }
}

const OVERVIEW: TabSpec = TabSpec {
    slug: "",
    label: "Overview",
};
const INSPECT: TabSpec = TabSpec {
    slug: "inspect",
    label: "Inspect",
};

/// The frame of a detail page. The children are the Overview tab, usually a
/// [`remote_view`](crate::app::remote::remote_view) of `remote` with facts cards and tables.
/// Removing the object asks first through the one
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
    /// The document the engine sent, shown by the last tab, Inspect.
    #[prop(optional)]
    raw: Option<Signal<Option<serde_json::Value>>>,
    /// The page's own tabs, between Overview and Inspect.
    #[prop(optional)]
    tabs: Vec<DetailTab>,
    /// The page's own buttons, before refresh.
    #[prop(optional)]
    actions: Option<ChildrenFn>,
    /// The page's own dialogs, which stay whichever tab is shown.
    #[prop(optional)]
    dialogs: Option<ChildrenFn>,
    /// The Overview tab.
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
    let specs: Vec<TabSpec> = std::iter::once(OVERVIEW)
        .chain(tabs.iter().map(|tab| tab.spec))
        .chain(raw.is_some().then_some(INSPECT))
        .collect();
    let specs = Signal::stored(specs);
    let selected = query_tab(specs);
    let panel = move || match selected.get() {
        "" => children().into_any(),
        "inspect" => raw
            .map(|raw| view! { <RawInspect raw=raw/> }.into_any())
            .unwrap_or_else(|| ().into_any()),
        slug => tabs
            .iter()
            .find(|tab| tab.spec.slug == slug)
            .map_or_else(|| ().into_any(), |tab| tab.view.run()),
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
            <Tabs label="Views" tabs=specs selected=selected href=query_tab_href()>
                {panel.clone()}
            </Tabs>
            {dialogs.map(|dialogs| dialogs())}
            <RemovalDialog pending=pending_removal on_removed=removed/>
        </section>
    }
}

/// The engine's document for the object, pretty-printed.
#[component]
fn RawInspect(raw: Signal<Option<serde_json::Value>>) -> impl IntoView {
    move || {
        raw.get().map(|raw| {
            let pretty = serde_json::to_string_pretty(&raw).unwrap_or_default();
            view! { <pre class="log-output raw-inspect" data-testid="raw-inspect">{pretty}</pre> }
        })
    }
}
