//! The two frames a form of one request is drawn in, so every such form has the same title,
//! error, busy submit button and cancel: [`FormDialog`], a form in a [`Modal`] (tag, commit),
//! and [`FormCard`], a form in a card above a list (new network, new volume). Both take a
//! [`FormState`]: the refusal shows under the fields through [`FormAlert`], and the submit button
//! says what it is doing while the request is under way.

use leptos::prelude::*;

use crate::components::fields::{FormAlert, FormState, SubmitButton};
use crate::components::modal::Modal;

/// A titled dialog holding one form; Cancel and Escape run `on_close`.
#[component]
pub fn FormDialog(
    /// Whether it is shown.
    #[prop(into)]
    open: Signal<bool>,
    /// The title.
    title: &'static str,
    /// A `data-testid` for tests.
    testid: &'static str,
    /// The form's state.
    form: FormState,
    /// The submit button's label, such as "Add tag".
    submit_label: &'static str,
    /// Its label while the request is under way, such as "Adding…".
    busy_label: &'static str,
    /// Sends the form.
    on_submit: Callback<()>,
    /// Closes the dialog.
    on_close: Callback<()>,
    /// The fields.
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <Modal open=open title=title on_close=on_close testid=testid>
            <form class="form" on:submit=move |event| {
                event.prevent_default();
                on_submit.run(());
            }>
                {children()}
                <FormAlert form=form/>
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <SubmitButton form=form idle=submit_label busy=busy_label/>
                </div>
            </form>
        </Modal>
    }
}

/// A titled card holding one form, shown above a list; its fields are checked by the page, so
/// the browser's own checks are off.
#[component]
pub fn FormCard(
    /// The title, such as "New network".
    title: &'static str,
    /// The id of the title, which names the form.
    title_id: &'static str,
    /// A `data-testid` for tests.
    testid: &'static str,
    /// The form's state.
    form: FormState,
    /// The submit button's label, such as "Create network".
    submit_label: &'static str,
    /// Its label while the request is under way, such as "Creating…".
    busy_label: &'static str,
    /// Sends the form.
    on_submit: Callback<()>,
    /// Closes the card; a card that is the page's only content has no Cancel.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
    /// The fields.
    children: Children,
) -> impl IntoView {
    view! {
        <form class="card form create-panel" novalidate aria-labelledby=title_id data-testid=testid
            on:submit=move |event| {
                event.prevent_default();
                on_submit.run(());
            }>
            <h2 id=title_id class="card-title">{title}</h2>
            {children()}
            <FormAlert form=form/>
            <div class="form-actions">
                <SubmitButton form=form idle=submit_label busy=busy_label/>
                {on_cancel.map(|on_cancel| view! {
                    <button type="button" class="btn" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                })}
            </div>
        </form>
    }
}
