//! The one form that makes a credential of the user's own, an API token or a client
//! certificate: a name, a lifetime, and the user's password again. What is made, and shown once
//! afterwards, is the caller's.

use std::future::Future;

use berth_shared::api::users::NewCredentialRequest;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::fields::{ErrorAlert, PasswordField, PasswordKind};

/// The words and choices of one kind of credential's form.
#[derive(Debug, Clone, Copy)]
pub struct CredentialKind {
    /// The name field's label, such as "Token name".
    pub name_label: &'static str,
    pub placeholder: &'static str,
    /// The submit button's words, such as "Create token".
    pub button: &'static str,
    pub testid: &'static str,
    /// The lifetimes offered, the second of them chosen first.
    pub lifetimes: &'static [(&'static str, Option<u32>)],
}

/// The form; `create` makes the credential and says why it could not. The fields are cleared
/// once it is made.
pub fn credential_form<F, Fut>(kind: CredentialKind, create: F) -> impl IntoView
where
    F: Fn(NewCredentialRequest) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<(), String>> + 'static,
{
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let lifetime = RwSignal::new(1_usize);
    let error = RwSignal::new(None::<String>);
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let request = NewCredentialRequest {
            name: name.get_untracked(),
            expires_in_days: kind.lifetimes[lifetime.get_untracked()].1,
            password: Some(password.get_untracked()),
        };
        spawn_local(async move {
            match create(request).await {
                Ok(()) => {
                    name.set(String::new());
                    password.set(String::new());
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <form class="form form-row" on:submit=submit data-testid=kind.testid>
            <label class="field field-grow">
                <span class="field-label">{kind.name_label}</span>
                <input required maxlength="100" placeholder=kind.placeholder
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
            </label>
            <label class="field">
                <span class="field-label">"Expires"</span>
                <select on:change=move |e| lifetime.set(event_target_value(&e).parse().unwrap_or(1))>
                    {kind.lifetimes.iter().enumerate().map(|(index, (label, _))| view! {
                        <option value=index.to_string() selected=index == 1>{*label}</option>
                    }).collect_view()}
                </select>
            </label>
            <PasswordField label="Your password" value=password kind=PasswordKind::Current/>
            <button type="submit" class="btn btn-primary">{kind.button}</button>
        </form>
        <ErrorAlert message=error/>
    }
}
