//! Form fields bound to signals, which show a validation error under themselves when the
//! form's [`FieldError`] names them; and the state, alert and button every such form shares.
//!
//! A field is [`Bound`] to what it edits: a signal of its own (most dialogs), or one field of
//! a form model in a signal, through a lens (the create-container form). Its error comes from
//! [`FormErrors`]: a form's one error, or all its errors at once.

use berth_shared::api::users::{PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::app::engine_status::EngineStatus;
use crate::components::ids::unique_id;
use crate::field_error::FieldError;

/// What a field reads and writes.
pub struct Bound<T: Send + Sync + 'static> {
    get: Signal<T>,
    set: Callback<T>,
}

impl<T: Send + Sync + 'static> Clone for Bound<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Bound<T> {}

impl<T: Clone + Send + Sync + 'static> Bound<T> {
    /// A value read from `get` and written by `set`, for a field whose edits do more than
    /// store the text.
    pub fn new(get: Signal<T>, set: Callback<T>) -> Self {
        Self { get, set }
    }

    /// One field of the form `model`: `read` finds it, `write` finds it to change it.
    pub fn lens<M: Send + Sync + 'static>(
        model: RwSignal<M>,
        read: fn(&M) -> &T,
        write: fn(&mut M) -> &mut T,
    ) -> Self {
        Self {
            get: Signal::derive(move || model.with(|model| read(model).clone())),
            set: Callback::new(move |value| model.update(|model| *write(model) = value)),
        }
    }

    fn get(&self) -> T {
        self.get.get()
    }

    fn set(&self, value: T) {
        self.set.run(value);
    }
}

impl<T: Clone + Send + Sync + 'static> From<RwSignal<T>> for Bound<T> {
    fn from(signal: RwSignal<T>) -> Self {
        Self {
            get: signal.into(),
            set: Callback::new(move |value| signal.set(value)),
        }
    }
}

/// The errors a form shows under its fields, each naming its field.
#[derive(Clone, Copy)]
pub struct FormErrors(Signal<Vec<FieldError>>);

impl FormErrors {
    /// The message about `field`, if one of the errors names it (tracked).
    pub fn message(self, field: &str) -> Option<String> {
        self.0.with(|errors| {
            errors
                .iter()
                .find(|error| error.field == field)
                .map(|error| error.message.clone())
        })
    }
}

impl From<RwSignal<Option<FieldError>>> for FormErrors {
    fn from(error: RwSignal<Option<FieldError>>) -> Self {
        Self(Signal::derive(move || error.get().into_iter().collect()))
    }
}

impl From<RwSignal<Vec<FieldError>>> for FormErrors {
    fn from(errors: RwSignal<Vec<FieldError>>) -> Self {
        Self(errors.into())
    }
}

/// The error under a field, when one of the form's errors names it (for a control of a
/// form's own, such as a `<select>`; the fields here show theirs).
#[component]
pub fn FieldMessage(
    /// The form's errors.
    #[prop(into)]
    error: FormErrors,
    /// The name the errors know the field by.
    field: &'static str,
    /// The field's input, whose `aria-describedby` names the message as `{id}-error`.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    field_message(error, field, id)
}

fn field_message(
    error: FormErrors,
    field: &'static str,
    id: Option<&'static str>,
) -> impl IntoView {
    move || {
        error.message(field).map(|message| {
            view! { <span class="field-error" id=id.map(|id| format!("{id}-error")) role="alert">{message}</span> }
        })
    }
}

fn is_invalid(errors: FormErrors, field: &'static str) -> bool {
    errors.message(field).is_some()
}

/// A text input (one line, or a text area) with its label, hint and error.
#[component]
pub fn TextField(
    /// The label; also the name validation errors use, unless the field has an `id`.
    label: &'static str,
    /// The text.
    #[prop(into)]
    value: Bound<String>,
    /// The form's errors.
    #[prop(into)]
    error: FormErrors,
    /// The input's id, which is then the name validation errors use (for long labels).
    #[prop(optional)]
    id: Option<&'static str>,
    /// The input's `name`, for forms and tests.
    #[prop(optional)]
    name: Option<&'static str>,
    /// Example input.
    #[prop(optional)]
    placeholder: &'static str,
    /// One line of help under the field.
    #[prop(optional)]
    hint: &'static str,
    /// Whether the field may be left empty.
    #[prop(optional)]
    required: bool,
    /// Leaves out the "(optional)" mark, on a form that says once what is optional.
    #[prop(optional)]
    unmarked: bool,
    /// Whether the field holds code-like text (addresses, names).
    #[prop(optional)]
    mono: bool,
    /// A text area of several lines instead of one line.
    #[prop(optional)]
    multiline: bool,
    /// How many lines the text area shows (4 unless said).
    #[prop(optional)]
    rows: Option<u32>,
    /// The id of a `<datalist>` of options the browser offers while typing.
    #[prop(optional)]
    suggestions: Option<&'static str>,
) -> impl IntoView {
    let known_as = id.unwrap_or(label);
    let invalid = move || is_invalid(error, known_as).to_string();
    let described = id.map(|id| format!("{id}-error"));
    let input = move |event: web_sys::Event| value.set(event_target_value(&event));
    let control = if multiline {
        view! {
            <textarea id=id name=name rows=rows.unwrap_or(4) class:mono=mono placeholder=placeholder spellcheck="false"
                required=required aria-invalid=invalid aria-describedby=described
                prop:value=move || value.get() on:input=input></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id name=name type="text" class:mono=mono placeholder=placeholder list=suggestions
                autocomplete="off" spellcheck="false" required=required aria-invalid=invalid
                aria-describedby=described prop:value=move || value.get() on:input=input/>
        }
        .into_any()
    };
    let optional_mark = (!required && !unmarked)
        .then_some(view! { <span class="field-optional">" (optional)"</span> });
    view! {
        <label class="field">
            <span class="field-label">{label}{optional_mark}</span>
            {control}
            {(!hint.is_empty()).then_some(view! { <span class="field-hint">{hint}</span> })}
            {field_message(error, known_as, id)}
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
    let id = unique_id("password");
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
    #[prop(into)]
    value: Bound<String>,
    /// The form's errors.
    #[prop(into)]
    error: FormErrors,
    /// Example input.
    #[prop(optional)]
    placeholder: &'static str,
) -> impl IntoView {
    view! {
        <TextField label=label value=value error=error placeholder=placeholder multiline=true rows=3 mono=true
            hint="One key=value a line"/>
    }
}

/// A checkbox with a label and a short explanation.
#[component]
pub fn CheckField(
    /// The label.
    label: &'static str,
    /// Whether it is checked.
    #[prop(into)]
    value: Bound<bool>,
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
    #[prop(into)]
    value: Bound<bool>,
    /// The input's `name`, for forms and tests.
    #[prop(optional)]
    name: Option<&'static str>,
    /// The input's id.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                id=id
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
