//! A titled card of facts (label and value pairs), used by the detail and system pages.

use leptos::prelude::*;

use crate::format;

/// A titled list of facts; empty values show as a dash.
#[component]
pub fn FactsCard(
    /// The card's heading.
    #[prop(into)]
    title: String,
    /// Label and value pairs.
    rows: Vec<(String, String)>,
    /// What to say when there are no rows at all, such as "No labels".
    #[prop(optional)]
    empty: &'static str,
    /// Whether values are code-like (ids, addresses, option values).
    #[prop(optional)]
    mono: bool,
) -> impl IntoView {
    let body = if rows.is_empty() {
        view! { <p class="muted card-empty">{empty}</p> }.into_any()
    } else {
        view! {
            <dl class="facts" class:facts-mono=mono>
                {rows
                    .into_iter()
                    .map(|(label, value)| view! {
                        <dt>{label}</dt>
                        <dd>{format::or_dash(value)}</dd>
                    })
                    .collect_view()}
            </dl>
        }
        .into_any()
    };
    view! {
        <article class="card">
            <h2 class="card-title">{title}</h2>
            {body}
        </article>
    }
}

/// Turns a map of labels or options into fact rows.
pub fn map_rows(map: Option<&std::collections::BTreeMap<String, String>>) -> Vec<(String, String)> {
    map.into_iter()
        .flatten()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}
