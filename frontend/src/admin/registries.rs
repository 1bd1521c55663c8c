//! `/admin/registries`: saved registries, on the resource-page kit. Admins add, change and
//! remove them (the engine checks the credentials with `/auth` first); passwords never come
//! back to the browser.

use berth_shared::access::Role;
use berth_shared::api::registries::{RegistryRequest, RegistryView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::registries::{create_registry, registries, remove_registry, update_registry};
use crate::app::engine_status::use_engine_status;
use crate::app::session::use_session;
use crate::components::fields::{ErrorAlert, PasswordField, PasswordKind};
use crate::components::icons::IconKind;
use crate::components::table::{ACTIONS, Column};
use crate::components::toast::use_toaster;
use crate::format;
use crate::resource_page::list_page::{ListOptions, ListPage};
use crate::resource_page::removal::Removable;
use crate::resource_page::{Edges, Resource, list_remote};
use crate::time::now_seconds;

impl Removable for RegistryView {
    const NOUN: &'static str = "registry";
    type Choices = ();

    fn name(&self) -> &str {
        &self.name
    }

    fn lost(&self) -> String {
        "Its saved credentials are deleted; pulls and pushes to it become anonymous.".to_owned()
    }

    async fn remove(self, _: Engine, (): ()) -> Result<(), ApiError> {
        remove_registry(self.id).await
    }
}

impl Resource for RegistryView {
    const PLURAL: &'static str = "registries";
    const TITLE: &'static str = "Registries";
    const ICON: IconKind = IconKind::Registry;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Name"),
        Column::Text("Address"),
        Column::Text("User"),
        Column::Text("Changed"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "registries-table";

    fn key(&self) -> String {
        format!("{}\n{}", self.id, self.updated_at)
    }

    fn search_text(&self) -> String {
        format!("{} {} {}", self.name, self.address, self.username)
    }

    fn row(&self, _: Option<String>, edges: Edges) -> AnyView {
        let user = if self.username.is_empty() {
            "anonymous".to_owned()
        } else {
            self.username.clone()
        };
        view! {
            <tr data-registry=self.name.clone()>
                {edges.select}
                <td><span class="cell-title cell-clip" title=self.name.clone()>{self.name.clone()}</span></td>
                <td class="mono cell-break">{self.address.clone()}</td>
                <td>{user}</td>
                <td>{format::relative_time(now_seconds(), self.updated_at)}</td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(_: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        registries(Some(&signal)).await
    }
}

/// The registry form's fields; `editing` is the id of the registry being changed, if any.
#[derive(Clone, Copy)]
struct Form {
    editing: RwSignal<Option<i64>>,
    name: RwSignal<String>,
    address: RwSignal<String>,
    username: RwSignal<String>,
    password: RwSignal<String>,
    error: RwSignal<Option<String>>,
}

impl Form {
    fn new() -> Self {
        Self {
            editing: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            address: RwSignal::new(String::new()),
            username: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            error: RwSignal::new(None),
        }
    }

    fn reset(self) {
        self.editing.set(None);
        for field in [self.name, self.address, self.username, self.password] {
            field.set(String::new());
        }
        self.error.set(None);
    }

    fn edit(self, registry: RegistryView) {
        self.editing.set(Some(registry.id));
        self.name.set(registry.name);
        self.address.set(registry.address);
        self.username.set(registry.username);
        self.password.set(String::new());
        self.error.set(None);
    }
}

/// `/admin/registries`.
#[component]
pub fn RegistriesPage() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let list = list_remote::<RegistryView>(status);
    let is_admin = session.role() == Some(Role::Admin);
    let form = Form::new();
    let edit = Callback::new(move |registry: RegistryView| {
        let label = format!("Edit {}", registry.name);
        view! {
            <button class="btn btn-small btn-ghost" aria-label=label on:click=move |_| form.edit(registry.clone())>"Edit"</button>
        }
        .into_any()
    });
    let empty = Signal::derive(|| {
        (
            "No saved registries".to_owned(),
            "Anonymous pulls and pushes work without one. Save credentials here for private registries.".to_owned(),
        )
    });
    let summary = Signal::derive(|| {
        Some("Saved credentials for pulling and pushing. Passwords are encrypted on the server and never sent back to browsers.".to_owned())
    });
    view! {
        <ListPage
            remote=list
            can_remove=is_admin
            narrow=true
            summary=summary
            options=ListOptions {
                empty: Some(empty),
                row_actions: is_admin.then_some(edit),
                ..ListOptions::default()
            }
        >
            {is_admin.then(|| view! { <RegistryForm form=form on_saved=Callback::new(move |()| list.reload())/> })}
        </ListPage>
    }
}

/// Adding a registry, or changing the one being edited; the engine checks the credentials first.
#[component]
fn RegistryForm(form: Form, on_saved: Callback<()>) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let saving = RwSignal::new(false);
    let Form {
        editing,
        name,
        address,
        username,
        password,
        error,
    } = form;
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
                    form.reset();
                    on_saved.run(());
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    view! {
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
                <PasswordField label="Password or token" value=password kind=PasswordKind::Other name="password" optional=true
                    placeholder=Signal::derive(move || if editing.get().is_some() { "unchanged".to_owned() } else { String::new() })/>
                <ErrorAlert message=error/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || saving.get()>
                        {move || if saving.get() { "Checking…" } else { "Check and save" }}
                    </button>
                    <Show when=move || editing.get().is_some()>
                        <button type="button" class="btn" on:click=move |_| form.reset()>"Cancel"</button>
                    </Show>
                </div>
            </form>
        </section>
    }
}
