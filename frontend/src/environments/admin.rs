//! `/admin/environments`: the engines Berth manages, on the resource-page kit. Admins add one
//! (a socket, TCP with TLS and client certificates chosen as files, SSH with a private key and
//! the host key pinned on first connect and shown, or plain TCP said to be insecure), change or
//! remove it. Berth checks the engine before saving; one that does not
//! answer is saved only when the admin ticks that they mean it. `local` comes from
//! `--docker-host` and cannot be changed here.

use berth_shared::access::Role;
use berth_shared::api::environments::{
    DEFAULT_SSH_SOCKET, EnvironmentSaved, EnvironmentView, TransportKind,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::environments::{
    create_environment, environments, remove_environment, update_environment,
};
use crate::app::engine_status::use_engine_status;
use crate::app::environments::use_known_environments;
use crate::app::session::use_session;
use crate::components::chosen_files::{bytes_of, files_of};
use crate::components::fields::{Check, FieldMessage, FormErrors, FormState, TextField};
use crate::components::form_frame::FormCard;
use crate::components::icons::IconKind;
use crate::components::segmented::Segmented;
use crate::components::table::{ACTIONS, Column};
use crate::components::toast::use_toaster;
use crate::environments::form::{
    ADDRESS, CA, CERT, DESCRIPTION, EnvironmentDraft, HOST_KEY, ID, KEY, NAME, SSH_KEY, SSH_SOCKET,
    TAGS,
};
use crate::format;
use crate::resource_page::list_page::{ListOptions, ListPage};
use crate::resource_page::removal::Removable;
use crate::resource_page::{Edges, Resource, list_remote};
use crate::time::now_seconds;

impl Removable for EnvironmentView {
    const NOUN: &'static str = "environment";
    type Choices = ();

    fn name(&self) -> &str {
        &self.name
    }

    fn lost(&self) -> String {
        format!(
            "Berth forgets how to reach {} and its TLS keys; its guardrail settings go, and \
             streams open through it end. The engine and its containers are not touched, and \
             the audit log keeps its records.",
            self.docker_host
        )
    }

    async fn remove(self, _: Engine, (): ()) -> Result<(), ApiError> {
        remove_environment(&self.id).await
    }
}

/// How the table words a transport.
fn transport_words(view: &EnvironmentView) -> (&'static str, &'static str) {
    match view.transport {
        TransportKind::Unix => ("Socket", "badge-outline"),
        TransportKind::Tls if view.client_certificate => {
            ("TLS, client certificate", "badge-outline")
        }
        TransportKind::Tls => ("TLS", "badge-outline"),
        TransportKind::Tcp => ("Insecure TCP", "badge-warn"),
        TransportKind::Ssh => ("SSH", "badge-outline"),
    }
}

impl Resource for EnvironmentView {
    const PLURAL: &'static str = "environments";
    const TITLE: &'static str = "Environments";
    const ICON: IconKind = IconKind::Hosts;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Name"),
        Column::Text("Connection"),
        Column::Text("Address"),
        Column::Text("Tags"),
        Column::Text("Changed"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "environments-table";

    fn key(&self) -> String {
        format!("{}\n{:?}", self.id, self.updated_at)
    }

    fn search_text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.name,
            self.id,
            self.docker_host,
            self.tags.join(" ")
        )
    }

    fn removable(&self) -> bool {
        !self.local
    }

    fn row(&self, _: Option<String>, edges: Edges) -> AnyView {
        let (transport, tone) = transport_words(self);
        let changed = match self.updated_at {
            Some(at) => format::relative_time(now_seconds(), at),
            None => "—".to_owned(),
        };
        let tags = self
            .tags
            .iter()
            .map(|tag| view! { <span class="badge badge-neutral">{tag.clone()}</span> })
            .collect_view();
        let home = format!("/env/{}/containers", crate::api::percent_encode(&self.id));
        view! {
            <tr data-environment=self.id.clone()>
                {edges.select}
                <td>
                    <a class="cell-title cell-clip" href=home title=self.name.clone()>{self.name.clone()}</a>
                    <div class="mono muted cell-clip" title="The id, in /env/… and /engine/… addresses">{self.id.clone()}</div>
                    {(!self.description.is_empty()).then(|| view! { <div class="muted cell-clip" title=self.description.clone()>{self.description.clone()}</div> })}
                </td>
                <td><span class=format!("badge {tone}")>{transport}</span></td>
                <td class="mono cell-break env-address">
                    {self.docker_host.clone()}
                    {self.ssh_socket.clone().map(|socket| view! { <div class="muted">{format!("socket {socket}")}</div> })}
                    {self.host_key.clone().map(|pin| view! {
                        <div class="muted cell-clip" title=format!("Pinned host key {pin}") data-testid="host-key">{format!("host key {pin}")}</div>
                    })}
                </td>
                <td><div class="env-tags-cell">{tags}</div></td>
                <td>{changed}</td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(_: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        environments(Some(&signal)).await
    }
}

/// `/admin/environments`.
#[component]
pub fn EnvironmentsAdminPage() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let known = use_known_environments();
    let toaster = use_toaster();
    let list = list_remote::<EnvironmentView>(status);
    let is_admin = session.role() == Some(Role::Admin);
    // The environment being changed, or a new one (`Some(None)`); no form when `None`.
    let editing = RwSignal::new(None::<Option<EnvironmentView>>);
    let edit = Callback::new(move |environment: EnvironmentView| {
        let label = format!("Edit {}", environment.name);
        let local = environment.local;
        view! {
            <button class="btn btn-small btn-ghost" aria-label=label disabled=local
                title=local.then_some("local comes from berth serve --docker-host")
                on:click=move |_| editing.set(Some(Some(environment.clone())))>"Edit"</button>
        }
        .into_any()
    });
    let empty = Signal::derive(|| {
        (
            "Only the local engine".to_owned(),
            "Add a NAS, a server or a swarm manager to manage it from this console.".to_owned(),
        )
    });
    let summary = Signal::derive(|| {
        Some(
            "The engines this console manages. Berth checks each one before saving it; TLS and \
             SSH keys are encrypted on the server and never sent back to browsers."
                .to_owned(),
        )
    });
    let saved = Callback::new(move |saved: EnvironmentSaved| {
        let name = saved.environment.name.clone();
        let said = match (&saved.engine, &saved.offline) {
            (Some(engine), _) => format!(
                "Saved {name}: Docker {} (API {}){}",
                engine.version,
                engine.api_version,
                saved
                    .environment
                    .host_key
                    .as_ref()
                    .map(|pin| format!(
                        "; host key {pin} pinned: compare it with ssh-keygen -lf on the host"
                    ))
                    .unwrap_or_default()
            ),
            (None, Some(offline)) => format!("Saved {name}, offline for now: {offline}"),
            (None, None) => format!("Saved {name}"),
        };
        toaster.success(said);
        editing.set(None);
        list.reload();
        known.0.reload();
    });
    let actions = move || {
        is_admin.then(|| view! {
            <button class="btn btn-primary" aria-expanded=move || matches!(editing.get(), Some(None)).to_string()
                on:click=move |_| editing.update(|open| *open = if matches!(open, Some(None)) { None } else { Some(None) })>
                "Add an environment"
            </button>
        })
    };
    view! {
        <ListPage
            remote=list
            can_remove=is_admin
            summary=summary
            options=ListOptions {
                empty: Some(empty),
                row_actions: is_admin.then_some(edit),
                on_removed: Some(Callback::new(move |_| known.0.reload())),
                ..ListOptions::default()
            }
            actions=ToChildren::to_children(actions)
        >
            {move || editing.get().map(|target| view! {
                <EnvironmentForm target=target on_saved=saved on_cancel=Callback::new(move |()| editing.set(None))/>
            })}
        </ListPage>
    }
}

/// Reads the file chosen in `event`'s input as text into `into`, its name into `chosen`.
fn read_file(event: &web_sys::Event, into: RwSignal<String>, chosen: RwSignal<String>) {
    let Some(file) = files_of(event).into_iter().next() else {
        into.set(String::new());
        chosen.set(String::new());
        return;
    };
    chosen.set(file.name());
    spawn_local(async move {
        if let Ok(bytes) = bytes_of(&file).await {
            into.try_set(String::from_utf8_lossy(&bytes).into_owned());
        }
    });
}

/// A file input for one PEM file, with the name of the chosen file.
#[component]
fn PemField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    error: FormErrors,
    hint: &'static str,
) -> impl IntoView {
    let chosen = RwSignal::new(String::new());
    let invalid = move || error.message(label).is_some().to_string();
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <input type="file" name=name aria-invalid=invalid
                on:change=move |event| read_file(&event, value, chosen)/>
            <span class="field-hint">{hint}</span>
            <FieldMessage error=error field=label/>
        </label>
    }
}

/// Adding an environment (`target` is `None`) or changing one.
#[component]
fn EnvironmentForm(
    target: Option<EnvironmentView>,
    on_saved: Callback<EnvironmentSaved>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let editing = target.as_ref().map(|view| view.id.clone());
    let draft = target
        .as_ref()
        .map(EnvironmentDraft::of)
        .unwrap_or_default();
    let name = RwSignal::new(draft.name);
    let id = RwSignal::new(draft.id);
    let description = RwSignal::new(draft.description);
    let tags = RwSignal::new(draft.tags);
    let transport = RwSignal::new(draft.transport);
    let address = RwSignal::new(draft.address);
    let (ca, cert, key) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let ssh_key = RwSignal::new(String::new());
    let ssh_socket = RwSignal::new(draft.ssh_socket);
    let ssh_host_key = RwSignal::new(draft.ssh_host_key);
    let offline_ok = RwSignal::new(false);
    let form = FormState::new();
    let error = form.error;
    let errors = FormErrors::from(error);
    let editing_ssh = target
        .as_ref()
        .is_some_and(|view| view.transport == TransportKind::Ssh);
    let has_stored_tls = target
        .as_ref()
        .is_some_and(|view| view.transport == TransportKind::Tls);
    let id_hint = Signal::derive(move || {
        let typed = EnvironmentDraft {
            name: name.get(),
            id: id.get(),
            ..EnvironmentDraft::default()
        };
        typed.id_to_be()
    });
    let editing_id = editing.clone();
    let submit = Callback::new(move |()| {
        let draft = EnvironmentDraft {
            name: name.get_untracked(),
            id: id.get_untracked(),
            description: description.get_untracked(),
            tags: tags.get_untracked(),
            transport: transport.get_untracked(),
            address: address.get_untracked(),
            ca_pem: ca.get_untracked(),
            cert_pem: cert.get_untracked(),
            key_pem: key.get_untracked(),
            ssh_key_pem: ssh_key.get_untracked(),
            ssh_socket: ssh_socket.get_untracked(),
            ssh_host_key: ssh_host_key.get_untracked(),
            offline_ok: offline_ok.get_untracked(),
        };
        let Some(request) = form.begin(draft.request(editing_id.is_some())) else {
            return;
        };
        let editing = editing_id.clone();
        spawn_local(async move {
            let result = match &editing {
                Some(id) => update_environment(id, &request).await,
                None => create_environment(&request).await,
            };
            form.sending.set(false);
            match result {
                Ok(saved) => on_saved.run(saved),
                Err(failure) => form.engine_error.set(Some(failure.to_string())),
            }
        });
    });
    let title = if editing.is_some() {
        "Change environment"
    } else {
        "New environment"
    };
    let submit_label = if editing.is_some() {
        "Check and save"
    } else {
        "Check and add"
    };
    let placeholder = move || match transport.get() {
        TransportKind::Unix => "unix:///var/run/docker.sock",
        TransportKind::Tls => "tcp://nas.example.com:2376",
        TransportKind::Tcp => "tcp://192.0.2.10:2375",
        TransportKind::Ssh => "ssh://docker@nas.example.com:22",
    };
    view! {
        <FormCard title=title title_id="environment-form-title" testid="environment-form" form=form
            submit_label=submit_label busy_label="Checking the engine…" on_submit=submit on_cancel=on_cancel>
            <div class="form-inline-grid">
                <TextField label=NAME value=name error=errors required=true placeholder="NAS"/>
                {editing.is_none().then(|| view! {
                    <label class="field">
                        <span class="field-label">{ID}<span class="field-optional">" (optional)"</span></span>
                        <input name="id" class="mono" autocomplete="off" spellcheck="false"
                            placeholder=move || id_hint.get() aria-invalid=move || errors.message(ID).is_some().to_string()
                            prop:value=move || id.get() on:input=move |event| id.set(event_target_value(&event))/>
                        <span class="field-hint">{move || format!("In addresses: /env/{}/…", id_hint.get())}</span>
                        <FieldMessage error=errors field=ID/>
                    </label>
                })}
                <TextField label=TAGS value=tags error=errors placeholder="prod, arm64" hint="Separated by commas or spaces"/>
                <TextField label=DESCRIPTION value=description error=errors placeholder="The NAS in the hall cupboard"/>
            </div>
            <div class="field">
                <span class="field-label">"Connection"</span>
                <Segmented label="Connection" value=transport options=vec![
                    (TransportKind::Unix, "Unix socket"),
                    (TransportKind::Tls, "TCP with TLS"),
                    (TransportKind::Ssh, "SSH"),
                    (TransportKind::Tcp, "Plain TCP"),
                ]/>
                <span class="field-hint">{move || match transport.get() {
                    TransportKind::Unix => "An engine on this host, through its socket",
                    TransportKind::Tls => "The engine verified by its CA; Berth shows a client certificate if you give one",
                    TransportKind::Tcp => "Unencrypted and unauthenticated: insecure",
                    TransportKind::Ssh => "Through SSH to the engine's socket on the host; the host needs no docker CLI",
                }}</span>
            </div>
            <label class="field">
                <span class="field-label">{ADDRESS}</span>
                <input name="address" class="mono" autocomplete="off" spellcheck="false" placeholder=placeholder
                    aria-invalid=move || errors.message(ADDRESS).is_some().to_string()
                    prop:value=move || address.get() on:input=move |event| address.set(event_target_value(&event))/>
                <FieldMessage error=errors field=ADDRESS/>
            </label>
            <Show when=move || transport.get() == TransportKind::Tls>
                <div class="form-inline-grid">
                    <PemField label=CA name="ca" value=ca error=errors
                        hint=if has_stored_tls { "ca.pem; leave all three empty to keep the saved files" } else { "ca.pem, which signed the engine's certificate" }/>
                    <PemField label=CERT name="cert" value=cert error=errors hint="cert.pem, if the engine asks for one"/>
                    <PemField label=KEY name="key" value=key error=errors hint="key.pem, encrypted once saved"/>
                </div>
            </Show>
            <Show when=move || transport.get() == TransportKind::Ssh>
                <div class="form-inline-grid">
                    <PemField label=SSH_KEY name="ssh-key" value=ssh_key error=errors
                        hint=if editing_ssh { "Leave empty to keep the saved key" } else { "An OpenSSH key without a passphrase, encrypted once saved" }/>
                    <TextField label=SSH_SOCKET value=ssh_socket error=errors mono=true placeholder=DEFAULT_SSH_SOCKET
                        hint="The engine's socket on that host"/>
                    <TextField label=HOST_KEY value=ssh_host_key error=errors mono=true placeholder="SHA256:…"
                        hint="Empty: the key the host shows now is pinned, and shown for you to compare"/>
                </div>
            </Show>
            <Show when=move || transport.get() == TransportKind::Tcp>
                <p class="alert alert-warn">"Plain TCP sends every request, secrets included, unencrypted, and anyone who can reach the port controls the engine. Use it only on a network you trust."</p>
            </Show>
            <Check label="Save it even if the engine does not answer now" value=offline_ok/>
        </FormCard>
    }
}
