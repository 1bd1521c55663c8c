//! A segmented control: a row of toggle buttons choosing one of a few values.

use leptos::prelude::*;

/// Buttons for each of `options`; the one matching `value` is pressed, and a click chooses it.
#[component]
pub fn Segmented<T>(
    /// The group's name for screen readers, such as "Show volumes".
    label: &'static str,
    /// The values with their button labels, in order.
    options: Vec<(T, &'static str)>,
    /// The chosen value.
    value: RwSignal<T>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <div class="segmented" role="group" aria-label=label>
            {options.into_iter().map(|(option, text)| view! {
                <button
                    type="button"
                    class="segment"
                    aria-pressed=move || (value.get() == option).to_string()
                    on:click=move |_| value.set(option)
                >
                    {text}
                </button>
            }).collect_view()}
        </div>
    }
}
