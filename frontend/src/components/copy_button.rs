//! The button that copies a piece of text (a new token, recovery codes, a set-up key) through
//! the one [`copy_text`](super::clipboard::copy_text), and says whether it worked.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::clipboard;
use super::toast::use_toaster;

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
        let Some(text) = text.try_get_value() else {
            return;
        };
        spawn_local(async move {
            match clipboard::copy_text(&text).await {
                Ok(()) => toaster.success(format!("Copied {what}")),
                Err(error) => toaster.error(format!("Could not copy {what}: {error}")),
            }
        });
    };
    view! {
        <button type="button" class="btn btn-small" on:click=copy data-testid=testid
            aria-label=format!("Copy {what}")>"Copy"</button>
    }
}
