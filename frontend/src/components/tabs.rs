//! The one tab strip of the app: a `role="tablist"` of links, each a `role="tab"` that says
//! whether it is chosen (`aria-selected`), and the `role="tabpanel"` under them. The chosen tab
//! lives in the URL, so a reload or the back button keeps it: detail pages keep it in the query
//! (`?tab=files`, [`query_tab`]), the container page in its path. The arrow keys, Home and End
//! move between the tabs and choose the one they land on; Tab then goes into the panel.
//!
//! [`next_tab`] is the keyboard's rule, DOM-free; the terminal workspace's own tabs (which open
//! and close) use it too.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

/// One tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabSpec {
    /// Its name in the URL; the first tab's is usually empty, so the plain URL shows it.
    pub slug: &'static str,
    /// What it says, also its `data-tab`, which tests find it by.
    pub label: &'static str,
}

/// The index a key moves to from tab `at` of `count`: the arrows go round, Home and End go
/// to the ends; any other key is not the tab list's.
pub fn next_tab(key: &str, at: usize, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match key {
        "ArrowRight" => Some((at + 1) % count),
        "ArrowLeft" => Some((at + count - 1) % count),
        "Home" => Some(0),
        "End" => Some(count - 1),
        _ => None,
    }
}

/// The `?tab=` of the current URL, among `tabs`: the first tab when it is missing or names
/// none of them.
pub fn query_tab(tabs: Signal<Vec<TabSpec>>) -> Memo<&'static str> {
    let query = use_query_map();
    Memo::new(move |_| {
        let wanted = query.with(|q| q.get("tab").unwrap_or_default());
        tabs.with(|tabs| {
            tabs.iter()
                .find(|tab| tab.slug == wanted)
                .or(tabs.first())
                .map_or("", |tab| tab.slug)
        })
    })
}

/// The URL of the current page showing a tab, given its slug (by `?tab=`, none for an empty
/// slug), for [`Tabs`]' `href`.
pub fn query_tab_href() -> Callback<&'static str, String> {
    let path = use_location().pathname;
    Callback::new(move |slug: &'static str| {
        let path = path.get();
        if slug.is_empty() {
            path
        } else {
            format!("{path}?tab={slug}")
        }
    })
}

/// The tab strip and its panel; the children are the chosen tab's content.
#[component]
pub fn Tabs(
    /// What the tab list is, for screen readers: "Network views".
    label: &'static str,
    /// The tabs shown, in order.
    #[prop(into)]
    tabs: Signal<Vec<TabSpec>>,
    /// The chosen tab's slug.
    #[prop(into)]
    selected: Signal<&'static str>,
    /// The URL that shows a tab, given its slug.
    href: Callback<&'static str, String>,
    /// The chosen tab's content.
    children: ChildrenFn,
) -> impl IntoView {
    let navigate = use_navigate();
    let tab_id = |slug: &str| format!("tab-{}", if slug.is_empty() { "main" } else { slug });
    let on_key = move |event: web_sys::KeyboardEvent| {
        let slugs: Vec<&'static str> =
            tabs.with_untracked(|tabs| tabs.iter().map(|t| t.slug).collect());
        let Some(at) = slugs
            .iter()
            .position(|slug| *slug == selected.get_untracked())
        else {
            return;
        };
        let Some(next) = next_tab(&event.key(), at, slugs.len()) else {
            return;
        };
        event.prevent_default();
        let slug = slugs[next];
        navigate(&href.run(slug), Default::default());
        if let Some(element) = document().get_element_by_id(&tab_id(slug))
            && let Ok(element) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element)
        {
            let _ = element.focus();
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label=label on:keydown=on_key>
            <For each=move || tabs.get() key=|tab| tab.slug let:tab>
                {
                    let chosen = move || selected.get() == tab.slug;
                    view! {
                        <A
                            href=move || href.run(tab.slug)
                            attr:id=tab_id(tab.slug)
                            attr:class="tab"
                            attr:role="tab"
                            attr:data-tab=tab.label
                            attr:aria-controls="tab-panel"
                            attr:aria-selected=move || chosen().to_string()
                            attr:tabindex=move || if chosen() { "0" } else { "-1" }
                        >
                            {tab.label}
                        </A>
                    }
                }
            </For>
        </div>
        <div class="tab-panel" id="tab-panel" role="tabpanel" aria-labelledby=move || tab_id(selected.get())>
            {children()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::next_tab;

    #[test]
    fn keys_move_round_and_to_the_ends() {
        assert_eq!(next_tab("ArrowRight", 0, 3), Some(1));
        assert_eq!(next_tab("ArrowRight", 2, 3), Some(0));
        assert_eq!(next_tab("ArrowLeft", 0, 3), Some(2));
        assert_eq!(next_tab("Home", 2, 3), Some(0));
        assert_eq!(next_tab("End", 0, 3), Some(2));
        assert_eq!(next_tab("Enter", 0, 3), None);
        assert_eq!(next_tab("ArrowRight", 0, 0), None);
    }
}
