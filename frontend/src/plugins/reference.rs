//! The first step of installing or upgrading a plugin: its reference, a saved registry's
//! credentials where one matches, and the engine's reading of the privileges it asks for
//! (`GetPluginPrivileges`). The install wizard and the upgrade dialog both start here, so they
//! check the reference, show the reading and refuse a second submit alike.

use berth_shared::api::registries::RegistryView;
use berth_shared::engine::plugin::PluginPrivilege;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::images::Credentials;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::components::fields::{Bound, ErrorAlert, TextField};
use crate::field_error::FieldError;
use crate::images::registry_select::RegistrySelect;

/// The reference form; `on_read` gets the privileges once the engine has read them.
#[component]
pub fn ReferenceStep(
    /// The field's label.
    label: &'static str,
    /// The input's `name`.
    name: &'static str,
    /// Example input.
    placeholder: &'static str,
    /// One line of help under the field.
    #[prop(optional)]
    hint: &'static str,
    /// The reference typed; kept by the caller for the steps after.
    reference: RwSignal<String>,
    /// The saved registries, loaded once per dialog.
    registries: Remote<Vec<RegistryView>>,
    /// The credentials chosen for it.
    credentials: RwSignal<Credentials>,
    /// Runs with the privileges the engine read for the reference.
    on_read: Callback<Vec<PluginPrivilege>>,
    /// Runs on Cancel.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let error = RwSignal::new(None::<String>);
    let field_error = RwSignal::new(None::<FieldError>);
    let busy = RwSignal::new(false);
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let remote = reference.get_untracked().trim().to_owned();
        if remote.is_empty() {
            field_error.set(Some(FieldError::new(label, "Give the plugin's reference.")));
            return;
        }
        field_error.set(None);
        error.set(None);
        busy.set(true);
        let engine = status.engine_untracked();
        let chosen = credentials.get_untracked();
        spawn_local(async move {
            let result = engine.plugin_privileges_checked(&remote, chosen).await;
            busy.set(false);
            match result {
                Ok(privileges) => on_read.run(privileges),
                Err(failure) => error.set(Some(format!(
                    "The engine could not read {remote}: {failure}"
                ))),
            }
        });
    };
    let typed = Bound::new(
        reference.into(),
        Callback::new(move |text| reference.set(text)),
    );
    view! {
        <form class="form" on:submit=submit>
            <TextField label=label name=name value=typed error=field_error required=true mono=true
                placeholder=placeholder hint=hint/>
            <RegistrySelect registries=registries reference=reference chosen=credentials/>
            <ErrorAlert message=error/>
            <div class="dialog-actions">
                <button type="button" class="btn" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Reading…" } else { "Review privileges" }}
                </button>
            </div>
        </form>
    }
}
