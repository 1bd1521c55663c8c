//! A titled card grouping one part of a settings page.

use leptos::prelude::*;

/// A card with a heading, a short description and its content.
#[component]
pub fn Section(
    /// The heading.
    title: &'static str,
    /// One sentence on what the section is for.
    #[prop(optional)]
    description: Option<&'static str>,
    /// The content.
    children: Children,
) -> impl IntoView {
    view! {
        <section class="card section">
            <h2 class="section-title">{title}</h2>
            {description.map(|text| view! { <p class="section-text">{text}</p> })}
            {children()}
        </section>
    }
}
