//! The trash-can button at the end of a table row.

use leptos::prelude::*;

use crate::components::icons::{Icon, IconKind};

/// A row's remove button; the click should open a confirmation.
#[component]
pub fn RemoveButton(
    /// What the button removes, for screen readers and tests: "Remove web".
    label: String,
    /// The tooltip: what the button does, such as "Revoke".
    #[prop(default = "Remove")]
    title: &'static str,
    /// Runs on click.
    on_click: Callback<()>,
) -> impl IntoView {
    view! {
        <button
            class="btn btn-icon btn-ghost btn-danger-ghost"
            aria-label=label
            title=title
            on:click=move |_| on_click.run(())
        >
            <Icon kind=IconKind::Trash/>
        </button>
    }
}
