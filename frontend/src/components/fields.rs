//! Form fields bound to signals, which show a validation error under themselves when the
//! form's [`FieldError`] names them.

use leptos::prelude::*;

use crate::field_error::FieldError;

/// The error under a field, when the form's error is about it.
fn field_message(error: RwSignal<Option<FieldError>>, label: &'static str) -> impl IntoView {
    move || {
        error.with(|error| {
            error
                .as_ref()
                .filter(|error| error.field == label)
                .map(|error| view! { <span class="field-error" role="alert">{error.message.clone()}</span> })
        })
    }
}

fn is_invalid(error: RwSignal<Option<FieldError>>, label: &'static str) -> bool {
    error.with(|error| error.as_ref().is_some_and(|error| error.field == label))
}

/// A one-line text input with its label, hint and error.
#[component]
pub fn TextField(
    /// The label, which is also the name validation errors use.
    label: &'static str,
    /// The text.
    value: RwSignal<String>,
    /// The form's current error.
    error: RwSignal<Option<FieldError>>,
    /// Example input.
    #[prop(optional)]
    placeholder: &'static str,
    /// One line of help under the field.
    #[prop(optional)]
    hint: &'static str,
    /// Whether the field may be left empty.
    #[prop(optional)]
    required: bool,
    /// Whether the field holds code-like text (addresses, names).
    #[prop(optional)]
    mono: bool,
    /// Options the browser offers while typing, such as known drivers.
    #[prop(optional)]
    suggestions: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field-label">{label}{(!required).then_some(view! { <span class="field-optional">" (optional)"</span> })}</span>
            <input
                type="text"
                class:mono=mono
                placeholder=placeholder
                list=suggestions
                autocomplete="off"
                spellcheck="false"
                required=required
                aria-invalid=move || is_invalid(error, label).to_string()
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
            {(!hint.is_empty()).then_some(view! { <span class="field-hint">{hint}</span> })}
            {field_message(error, label)}
        </label>
    }
}

/// A text area for `key=value` lines, with its label, hint and error.
#[component]
pub fn KeyValueField(
    /// The label, which is also the name validation errors use.
    label: &'static str,
    /// The text.
    value: RwSignal<String>,
    /// The form's current error.
    error: RwSignal<Option<FieldError>>,
    /// Example input.
    #[prop(optional)]
    placeholder: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field-label">{label}<span class="field-optional">" (optional)"</span></span>
            <textarea
                class="mono"
                rows="3"
                placeholder=placeholder
                spellcheck="false"
                aria-invalid=move || is_invalid(error, label).to_string()
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            ></textarea>
            <span class="field-hint">"One key=value a line"</span>
            {field_message(error, label)}
        </label>
    }
}

/// A checkbox with a label and a short explanation.
#[component]
pub fn CheckField(
    /// The label.
    label: &'static str,
    /// Whether it is checked.
    value: RwSignal<bool>,
    /// What it does.
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView {
    view! {
        <label class="check check-field">
            <input
                type="checkbox"
                prop:checked=move || value.get()
                on:change=move |event| value.set(event_target_checked(&event))
            />
            <span>
                <span class="check-label">{label}</span>
                {(!hint.is_empty()).then_some(view! { <span class="field-hint">{hint}</span> })}
            </span>
        </label>
    }
}
