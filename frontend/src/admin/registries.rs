//! `/admin/registries`: saved registries. Admins add, change and remove them (the engine checks
//! the credentials with `/auth` first); passwords never come back to the browser.

use berth_shared::access::Role;
use berth_shared::api::registries::{RegistryRequest, RegistryView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::registries::{create_registry, registries, remove_registry, update_registry};
use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::app::remote::remote_view;
use crate::app::session::use_session;
use crate::components::confirm::ConfirmDialog;
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::components::table::{Column, DataTable};
use crate::components::toast::use_toaster;
use crate::format;
use crate::time::now_seconds;

/// `/admin/registries`.
#[component]
pub fn RegistriesPage() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let toaster = use_toaster();
    let list = Remote::new(|signal| async move { registries(Some(&signal)).await });
    let is_admin = move || session.role() == Some(Role::Admin);
    let editing = RwSignal::new(None::<i64>);
    let name = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let removing = RwSignal::new(None::<RegistryView>);

    let reset = move || {
        editing.set(None);
        for field in [name, address, username, password] {
            field.set(String::new());
        }
        error.set(None);
    };
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let typed_password = password.get_untracked();
        let request = RegistryRequest {
            name: name.get_untracked(),
            address: address.get_untracked(),
            username: username.get_untracked(),
            password: (!typed_password.is_empty()).then_some(typed_password),
            environment: status.environment.get_untracked(),
        };
        let id = editing.get_untracked();
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            let result = match id {
                Some(id) => update_registry(id, &request).await,
                None => create_registry(&request).await,
            };
            saving.set(false);
            match result {
                Ok(saved) => {
                    toaster.success(format!("Saved registry {}", saved.name));
                    reset();
                    list.reload();
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    let edit = move |registry: RegistryView| {
        editing.set(Some(registry.id));
        name.set(registry.name);
        address.set(registry.address);
        username.set(registry.username);
        password.set(String::new());
        error.set(None);
    };
    let confirm_remove = Callback::new(move |()| {
        let Some(registry) = removing.get_untracked() else {
            return;
        };
        removing.set(None);
        spawn_local(async move {
            match remove_registry(registry.id).await {
                Ok(()) => toaster.success(format!("Removed registry {}", registry.name)),
                Err(failure) => {
                    toaster.error(format!("Could not remove {}: {failure}", registry.name));
                }
            }
            list.reload();
        });
    });

    view! {
        <section class="page page-narrow" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Registries"</h1>
                    <p class="page-sub">
                        "Saved credentials for pulling and pushing. Passwords are encrypted on the server and never sent back to browsers."
                    </p>
                </div>
            </div>
            <Show when=is_admin>
                <section class="section" aria-labelledby="registry-form-title">
                    <h2 class="section-title" id="registry-form-title">
                        {move || if editing.get().is_some() { "Change registry" } else { "Add a registry" }}
                    </h2>
                    <form class="form form-inline-grid" on:submit=submit data-testid="registry-form">
                        <label class="field">
                            <span class="field-label">"Name"</span>
                            <input name="name" required autocomplete="off" prop:value=move || name.get() on:input=move |event| name.set(event_target_value(&event))/>
                        </label>
                        <label class="field">
                            <span class="field-label">"Address"</span>
                            <input name="address" required autocomplete="off" spellcheck="false" placeholder="registry.example.com or docker.io"
                                prop:value=move || address.get() on:input=move |event| address.set(event_target_value(&event))/>
                        </label>
                        <label class="field">
                            <span class="field-label">"User name"</span>
                            <input name="username" autocomplete="off" spellcheck="false" placeholder="empty for anonymous"
                                prop:value=move || username.get() on:input=move |event| username.set(event_target_value(&event))/>
                        </label>
                        <label class="field">
                            <span class="field-label">"Password or token"</span>
                            <input name="password" type="password" autocomplete="new-password"
                                placeholder=move || if editing.get().is_some() { "unchanged" } else { "" }
                                prop:value=move || password.get() on:input=move |event| password.set(event_target_value(&event))/>
                        </label>
                        {move || error.get().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" disabled=move || saving.get()>
                                {move || if saving.get() { "Checking…" } else { "Check and save" }}
                            </button>
                            <Show when=move || editing.get().is_some()>
                                <button type="button" class="btn" on:click=move |_| reset()>"Cancel"</button>
                            </Show>
                        </div>
                    </form>
                </section>
            </Show>
            {remote_view(list, status, "registries", move |all: Vec<RegistryView>| {
                if all.is_empty() {
                    return view! {
                        <EmptyState icon=IconKind::Registry title="No saved registries">
                            <p>"Anonymous pulls and pushes work without one. Save credentials here for private registries."</p>
                        </EmptyState>
                    }.into_any();
                }
                let now = now_seconds();
                view! {
                    <DataTable
                        testid="registries-table"
                        columns=&[
                            Column::Text("Name"),
                            Column::Text("Address"),
                            Column::Text("User"),
                            Column::Text("Changed"),
                            Column::HiddenNarrow("Actions"),
                        ]
                    >
                        {all.into_iter().map(|registry| {
                            let (for_edit, for_remove) = (registry.clone(), registry.clone());
                            view! {
                                <tr>
                                    <td class="cell-title">{registry.name.clone()}</td>
                                    <td class="mono">{registry.address.clone()}</td>
                                    <td>{if registry.username.is_empty() { "anonymous".to_owned() } else { registry.username.clone() }}</td>
                                    <td>{format::relative_time(now, registry.updated_at)}</td>
                                    <td class="cell-actions">
                                        <Show when=is_admin>
                                            <div class="row-actions">
                                                <button class="btn btn-small btn-ghost" on:click={
                                                    let registry = for_edit.clone();
                                                    move |_| edit(registry.clone())
                                                }>"Edit"</button>
                                                <button class="btn btn-small btn-danger-ghost" on:click={
                                                    let registry = for_remove.clone();
                                                    move |_| removing.set(Some(registry.clone()))
                                                }>"Remove"</button>
                                            </div>
                                        </Show>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            })}
            <ConfirmDialog
                open=Signal::derive(move || removing.get().is_some())
                title=Signal::derive(move || format!("Remove registry {}?", removing.get().map(|registry| registry.name).unwrap_or_default()))
                confirm_label="Remove"
                on_confirm=confirm_remove
                on_cancel=Callback::new(move |()| removing.set(None))
            >
                <p>"Its saved credentials are deleted; pulls and pushes to it become anonymous."</p>
            </ConfirmDialog>
        </section>
    }
}
