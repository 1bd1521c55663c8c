//! Copying text and saying whether it worked, in one toast wording for every copy in the UI:
//! [`copy_and_say`], and the button that copies a fixed piece of text (a new token, recovery
//! codes, a set-up key).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::clipboard;
use super::toast::{Toaster, use_toaster};

/// Copies `text` through the one [`copy_text`](clipboard::copy_text), then says so in a toast
/// that names `what` ("Copied the token"), or why it could not.
pub fn copy_and_say(toaster: Toaster, text: String, what: &'static str) {
    spawn_local(async move {
        match clipboard::copy_text(&text).await {
            Ok(()) => toaster.success(format!("Copied {what}")),
            Err(error) => toaster.error(format!("Could not copy {what}: {error}")),
        }
    });
}

/// A small button that copies `text`; `what` names it in the button's label and the toast
/// ("Copy the token", "Copied the token").
#[component]
pub fn CopyButton(
    /// What is copied.
    #[prop(into)]
    text: String,
    /// What it is, for the label and the toast: "the token".
    what: &'static str,
    /// The `data-testid` tests find the button by.
    #[prop(optional)]
    testid: Option<&'static str>,
) -> impl IntoView {
    let toaster = use_toaster();
    let text = StoredValue::new(text);
    let copy = move |_| {
        if let Some(text) = text.try_get_value() {
            copy_and_say(toaster, text, what);
        }
    };
    view! {
        <button type="button" class="btn btn-small" on:click=copy data-testid=testid
            aria-label=format!("Copy {what}")>"Copy"</button>
    }
}
