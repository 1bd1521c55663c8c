//! Form fields bound to signals, which show a validation error under themselves when the
//! form's [`FieldError`] names them; and the state, alert and button every such form shares.

use std::sync::atomic::{AtomicUsize, Ordering};

use berth_shared::api::users::{PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::app::engine_status::EngineStatus;
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

/// What a [`PasswordField`] asks for, which tells the browser's password manager what to offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordKind {
    /// The user's own password, to confirm who they are.
    Current,
    /// A new password for a console user, held to the length the server requires.
    New,
    /// The same new password again, or a secret for somewhere else (a registry).
    Other,
}

/// Numbers the password fields, so each label names its input.
static NEXT_PASSWORD_FIELD: AtomicUsize = AtomicUsize::new(0);

/// A password input with its label (and, for a new one, the rule it must meet).
#[component]
pub fn PasswordField(
    /// The label.
    label: &'static str,
    /// The password.
    value: RwSignal<String>,
    /// What it is.
    kind: PasswordKind,
    /// The input's `name`, for forms and tests.
    #[prop(optional)]
    name: Option<&'static str>,
    /// Whether it may be left empty.
    #[prop(optional)]
    optional: bool,
    /// What the empty field says, such as "unchanged".
    #[prop(optional, into)]
    placeholder: Signal<String>,
) -> impl IntoView {
    let autocomplete = match kind {
        PasswordKind::Current => "current-password",
        PasswordKind::New | PasswordKind::Other => "new-password",
    };
    let (minlength, hint) = match kind {
        PasswordKind::New => (
            Some(PASSWORD_MIN_LENGTH.to_string()),
            Some(format!("At least {PASSWORD_MIN_LENGTH} characters.")),
        ),
        _ => (None, None),
    };
    // A registry's token may be long; the console's own passwords have a limit.
    let maxlength = (kind != PasswordKind::Other).then(|| PASSWORD_MAX_LENGTH.to_string());
    // The hint sits outside the label, so the field's name is the label alone.
    let id = format!(
        "password-{}",
        NEXT_PASSWORD_FIELD.fetch_add(1, Ordering::Relaxed)
    );
    let hint_id = hint.as_ref().map(|_| format!("{id}-hint"));
    view! {
        <div class="field">
            <label class="field-label" for=id.clone()>{label}</label>
            <input id=id type="password" name=name autocomplete=autocomplete required=!optional
                minlength=minlength maxlength=maxlength aria-describedby=hint_id.clone()
                placeholder=move || placeholder.get()
                prop:value=move || value.get() on:input=move |event| value.set(event_target_value(&event))/>
            {hint.map(|hint| view! { <span class="field-hint" id=hint_id>{hint}</span> })}
        </div>
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

/// A plain checkbox with its label beside it.
#[component]
pub fn Check(
    /// The label.
    label: &'static str,
    /// Whether it is checked.
    value: RwSignal<bool>,
    /// The input's `name`, for forms and tests.
    #[prop(optional)]
    name: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                name=name
                prop:checked=move || value.get()
                on:change=move |event| value.set(event_target_checked(&event))
            />
            {label}
        </label>
    }
}

/// The state every create or connect form shares: which field is wrong, what the engine said,
/// and whether a request is under way.
#[derive(Debug, Clone, Copy)]
pub struct FormState {
    /// The field that failed validation.
    pub error: RwSignal<Option<FieldError>>,
    /// The engine's answer when it refused the request.
    pub engine_error: RwSignal<Option<String>>,
    /// Whether the request is under way.
    pub sending: RwSignal<bool>,
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

impl FormState {
    /// A form with nothing wrong yet.
    pub fn new() -> Self {
        Self {
            error: RwSignal::new(None),
            engine_error: RwSignal::new(None),
            sending: RwSignal::new(false),
        }
    }

    /// Takes the checked form: a request to send (the form is then marked as sending), or
    /// `None` with the wrong field shown.
    pub fn begin<T>(&self, checked: Result<T, FieldError>) -> Option<T> {
        self.engine_error.set(None);
        match checked {
            Ok(request) => {
                self.error.set(None);
                self.sending.set(true);
                Some(request)
            }
            Err(invalid) => {
                self.error.set(Some(invalid));
                None
            }
        }
    }

    /// Takes the engine's answer: the value, or `None` with the refusal shown (and the header
    /// told when the engine is gone).
    pub fn finish<T>(&self, status: EngineStatus, result: Result<T, ApiError>) -> Option<T> {
        self.sending.set(false);
        match result {
            Ok(value) => Some(value),
            Err(failure) => {
                if failure.is_unreachable() {
                    status.engine_lost();
                }
                self.engine_error
                    .set(Some(format!("The engine refused: {failure}")));
                None
            }
        }
    }
}

/// An error message in a red box, while there is one.
#[component]
pub fn ErrorAlert(
    /// The message, if any.
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        message
            .get()
            .map(|message| view! { <div class="alert alert-error" role="alert">{message}</div> })
    }
}

/// The engine's refusal, under a form.
#[component]
pub fn FormAlert(
    /// The form.
    form: FormState,
) -> impl IntoView {
    view! { <ErrorAlert message=form.engine_error/> }
}

/// A form's submit button, which says what it is doing while the request is under way.
#[component]
pub fn SubmitButton(
    /// The form.
    form: FormState,
    /// The label, such as "Create network".
    idle: &'static str,
    /// The label while sending, such as "Creating…".
    busy: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class="btn btn-primary" disabled=move || form.sending.get()>
            {move || if form.sending.get() { busy } else { idle }}
        </button>
    }
}
