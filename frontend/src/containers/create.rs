//! `/env/:env/containers/new`: the create-container form. With `?from=<id>` it starts from an
//! existing container (duplicate); with `?edit=<id>` it recreates that container with the
//! changes; with `?image=<reference>` it starts with that image (an image's "Run a container").
//! The form's logic (validation, the request, `docker run`) is in
//! [`crate::containers::form`].

use berth_shared::access::{Access, Role};
use berth_shared::engine::container::ContainerConfig;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::engine::containers::ContainerAction;
use crate::api::guardrails::guardrails;
use crate::app::engine_status::use_engine_status;
use crate::app::session::use_session;
use crate::components::copy_button::copy_and_say;
use crate::components::fields::{Bound, Check, FieldMessage, TextField};
use crate::components::toast::use_toaster;
use crate::containers::form::guardrails::{fenced_fields, host_paths_hint};
use crate::containers::form::{ContainerForm, fixed_host_ports, parse_env_file};
use crate::field_error::FieldError;

/// Whether the form creates a container or recreates one.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    Create,
    Edit { id: String, name: String },
}

/// `/env/:env/containers/new`.
#[component]
pub fn NewContainerPage() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let toaster = use_toaster();
    let navigate = use_navigate();
    let query = use_query_map();
    let form = RwSignal::new(ContainerForm::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let mode = RwSignal::new(Mode::Create);
    let working = RwSignal::new(None::<String>);
    let loaded_from = RwSignal::new(None::<String>);
    // The host ports a duplicate leaves to the engine, since the original holds them.
    let ports_note = RwSignal::new(None::<String>);

    // Duplicate or edit: fill the form from the existing container.
    Effect::new(move |_| {
        let (from, edit, image) = query.with(|q| (q.get("from"), q.get("edit"), q.get("image")));
        let Some(id) = edit.clone().or(from) else {
            // "Run a container" from an image: only the image is filled in.
            if let Some(image) = image {
                form.update(|f| f.image = image);
            }
            return;
        };
        let engine = status.engine();
        spawn_local(async move {
            match engine.container_recipe(&id, None).await {
                Ok(recipe) => {
                    let editing = edit.is_some();
                    form.set(ContainerForm::from_recipe(&recipe, editing));
                    let fixed = fixed_host_ports(&recipe);
                    ports_note.set((!editing && !fixed.is_empty()).then(|| {
                        let noun = if fixed.len() == 1 { "port" } else { "ports" };
                        format!(
                            "{} holds host {noun} {}, so this copy publishes on ports the engine picks. Enter a free host port to choose one.",
                            recipe.display_name(),
                            fixed.join(", ")
                        )
                    }));
                    loaded_from.set(Some(recipe.display_name().to_owned()));
                    mode.set(if editing {
                        Mode::Edit {
                            id: recipe.id.clone(),
                            name: recipe.display_name().to_owned(),
                        }
                    } else {
                        Mode::Create
                    });
                }
                Err(error) => toaster.error(format!("Could not read container {id}: {error}")),
            }
        });
    });

    let images = LocalResource::new(move || {
        let engine = status.engine();
        async move { engine.images(None).await.unwrap_or_default() }
    });
    let networks = LocalResource::new(move || {
        let engine = status.engine();
        async move { engine.networks(None).await.unwrap_or_default() }
    });
    // Who is not an admin here (by their grant, as the gateway judges) is fenced by the
    // environment's guardrails: the form offers only what they allow.
    let fences = LocalResource::new(move || {
        let environment = status.environment.get();
        async move { guardrails(&environment, None).await.ok() }
    });
    let fence = move || {
        (session.role_here() != Some(Role::Admin))
            .then(|| fences.get().flatten())
            .flatten()
    };
    let image_tags = move || {
        images
            .get()
            .map(|list| {
                list.iter()
                    .flat_map(|image| image.tags().map(str::to_owned).collect::<Vec<_>>())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let image_missing = move || {
        let image = form.with(|f| f.image.trim().to_owned());
        if image.is_empty() || images.get().is_none() {
            return false;
        }
        let wanted = if image.contains(':') || image.contains('@') {
            image
        } else {
            format!("{image}:latest")
        };
        !image_tags().contains(&wanted)
    };

    let submit = Callback::new(move |()| {
        let current = form.get_untracked();
        let request = match current.build() {
            Ok(request) => request,
            Err(list) => {
                focus_field(list[0].field);
                errors.set(list);
                return;
            }
        };
        let fenced = untrack(fence)
            .map(|view| fenced_fields(&request.config.host_config, &view))
            .unwrap_or_default();
        if let Some(first) = fenced.first() {
            focus_field(first.field);
            errors.set(fenced);
            return;
        }
        errors.set(Vec::new());
        let engine = untrack(|| status.engine());
        let env = untrack(|| status.environment.get());
        let pull_first = untrack(image_missing);
        let navigate = navigate.clone();
        let current_mode = mode.get_untracked();
        spawn_local(async move {
            if pull_first {
                working.set(Some(format!("Pulling {}…", request.config.image)));
                if let Err(error) = engine.pull_image(&request.config.image).await {
                    working.set(None);
                    toaster.error(format!("Could not pull {}: {error}", request.config.image));
                    return;
                }
            }
            working.set(Some("Creating…".into()));
            let result = match &current_mode {
                Mode::Create => {
                    create(&engine, &request.name, &request.config, request.start).await
                }
                Mode::Edit { id, name } => {
                    recreate(
                        &engine,
                        id,
                        name,
                        &request.name,
                        &request.config,
                        request.start,
                    )
                    .await
                }
            };
            working.set(None);
            match result {
                Ok(warnings) => {
                    let what = if request.name.is_empty() {
                        "the container".to_owned()
                    } else {
                        request.name.clone()
                    };
                    let verb = if matches!(current_mode, Mode::Edit { .. }) {
                        "Recreated"
                    } else {
                        "Created"
                    };
                    toaster.success(format!("{verb} {what}{warnings}"));
                    navigate(&format!("/env/{env}/containers"), Default::default());
                }
                Err(error) => toaster.error(error),
            }
        });
    });

    let title = move || match mode.get() {
        Mode::Create => match loaded_from.get() {
            Some(from) => format!("New container like {from}"),
            None => "New container".to_owned(),
        },
        Mode::Edit { name, .. } => format!("Edit {name}"),
    };
    let can_create = move || session.can(Access::Operate);

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">{title}</h1>
                    <p class="page-sub">
                        {move || match mode.get() {
                            Mode::Edit { .. } => "Saving recreates the container: it is replaced by a new one with these settings. Its filesystem changes are lost; volumes are kept.",
                            Mode::Create => "Everything but the image is optional.",
                        }}
                    </p>
                </div>
            </div>
            <Show when=can_create fallback=|| view! {
                <p class="alert alert-error" role="alert">"Your role may not create containers."</p>
            }>
                <form class="form container-form" novalidate on:submit=move |e| { e.prevent_default(); submit.run(()); }>
                    <ErrorSummary errors=errors/>
                    <fieldset class="container-form-section">
                        <legend>"Image and command"</legend>
                        <div class="form-inline-grid">
                            <TextField label="Image" id="image" value=Bound::lens(form, |f| &f.image, |f| &mut f.image) error=errors unmarked=true
                                placeholder="busybox:latest" suggestions="container-form-images"/>
                            <TextField label="Name" id="name" value=Bound::lens(form, |f| &f.name, |f| &mut f.name) error=errors unmarked=true placeholder="(the engine picks one)"/>
                            <TextField label="Command" id="command" value=Bound::lens(form, |f| &f.command, |f| &mut f.command) error=errors unmarked=true placeholder="(the image's)"/>
                            <TextField label="Entrypoint" id="entrypoint" value=Bound::lens(form, |f| &f.entrypoint, |f| &mut f.entrypoint) error=errors unmarked=true placeholder="(the image's)"/>
                        </div>
                        <datalist id="container-form-images">
                            {move || image_tags().into_iter().map(|tag| view! { <option value=tag/> }).collect_view()}
                        </datalist>
                        <Show when=image_missing>
                            <p class="notice notice-warn" data-testid="pull-offer">
                                "This image is not on the engine: it will be pulled before the container is created."
                            </p>
                        </Show>
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Environment and labels"</legend>
                        <div class="container-form-two">
                            <TextField label="Environment (NAME=value, one a line)" id="env" value=Bound::lens(form, |f| &f.env, |f| &mut f.env) error=errors unmarked=true multiline=true/>
                            <TextField label="Labels (key=value, one a line)" id="labels" value=Bound::lens(form, |f| &f.labels, |f| &mut f.labels) error=errors unmarked=true multiline=true/>
                        </div>
                        <EnvFilePaste form=form/>
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Network, ports and storage"</legend>
                        <div class="container-form-two">
                            <div>
                                <TextField label="Ports ([address:]host:container[/udp], one a line)" id="ports" value=Bound::lens(form, |f| &f.ports, |f| &mut f.ports) error=errors unmarked=true multiline=true placeholder="8080:80"/>
                                {move || ports_note.get().map(|note| view! { <p class="field-hint" data-testid="ports-note">{note}</p> })}
                            </div>
                            <TextField label="Volumes (name:/path or /host:/path[:ro], one a line)" id="volumes" value=Bound::lens(form, |f| &f.volumes, |f| &mut f.volumes) error=errors unmarked=true multiline=true placeholder="data:/var/lib/data"/>
                        </div>
                        {move || fence().map(|view| view! { <p class="field-hint" data-testid="volumes-fence">{host_paths_hint(&view)}</p> })}
                        <div class="form-inline-grid">
                            <label class="field">
                                <span class="field-label">"Network"</span>
                                <select id="network" prop:value=move || form.with(|f| f.network.clone())
                                    on:change=move |e| form.update(|f| f.network = event_target_value(&e))>
                                    <option value="">"default (bridge)"</option>
                                    {move || networks.get().unwrap_or_default().into_iter()
                                        .filter(|n| n.name != "bridge")
                                        .filter(|n| n.name != "host" || fence().is_none_or(|view| view.guardrails.host_network))
                                        .map(|n| { let label = n.name.clone(); view! { <option value=n.name>{label}</option> } })
                                        .collect_view()}
                                </select>
                            </label>
                            <TextField label="Host name" id="hostname" value=Bound::lens(form, |f| &f.hostname, |f| &mut f.hostname) error=errors unmarked=true/>
                        </div>
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Restart and resources"</legend>
                        <div class="form-inline-grid">
                            <label class="field">
                                <span class="field-label">"Restart policy"</span>
                                <select id="restart" prop:value=move || form.with(|f| f.restart.clone())
                                    on:change=move |e| form.update(|f| f.restart = event_target_value(&e))>
                                    <option value="no">"no"</option>
                                    <option value="always">"always"</option>
                                    <option value="unless-stopped">"unless-stopped"</option>
                                    <option value="on-failure">"on-failure"</option>
                                </select>
                                <FieldMessage error=errors field="restart" id="restart"/>
                            </label>
                            <TextField label="Most retries (on-failure)" id="restart_max" value=Bound::lens(form, |f| &f.restart_max, |f| &mut f.restart_max) error=errors unmarked=true/>
                            <TextField label="CPUs" id="cpus" value=Bound::lens(form, |f| &f.cpus, |f| &mut f.cpus) error=errors unmarked=true placeholder="e.g. 0.5"/>
                            <TextField label="Memory" id="memory" value=Bound::lens(form, |f| &f.memory, |f| &mut f.memory) error=errors unmarked=true placeholder="e.g. 256m"/>
                            <TextField label="PIDs limit" id="pids" value=Bound::lens(form, |f| &f.pids, |f| &mut f.pids) error=errors unmarked=true/>
                        </div>
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Process"</legend>
                        <div class="form-inline-grid">
                            <TextField label="User" id="user" value=Bound::lens(form, |f| &f.user, |f| &mut f.user) error=errors unmarked=true placeholder="(the image's)"/>
                            <TextField label="Working directory" id="working_dir" value=Bound::lens(form, |f| &f.working_dir, |f| &mut f.working_dir) error=errors unmarked=true placeholder="(the image's)"/>
                            <TextField label="Add capabilities" id="cap_add" value=Bound::lens(form, |f| &f.cap_add, |f| &mut f.cap_add) error=errors unmarked=true placeholder="NET_ADMIN"/>
                            <TextField label="Drop capabilities" id="cap_drop" value=Bound::lens(form, |f| &f.cap_drop, |f| &mut f.cap_drop) error=errors unmarked=true placeholder="ALL"/>
                        </div>
                        <Check label="Keep stdin open and allocate a TTY (-it)" id="interactive" value=Bound::lens(form, |f| &f.interactive, |f| &mut f.interactive)/>
                        <Show when=move || fence().is_none_or(|view| view.guardrails.privileged)
                            fallback=|| view! { <p class="field-hint" data-testid="privileged-fence">"Privileged: an admin has not allowed privileged containers here."</p> }>
                            <Check label="Privileged" id="privileged" value=Bound::lens(form, |f| &f.privileged, |f| &mut f.privileged)/>
                        </Show>
                        <Show when=move || form.with(|f| f.privileged)>
                            <p class="notice notice-warn" role="alert">
                                "A privileged container has every capability and every device of the host: "
                                "whoever controls it controls the host. Use it only for software that needs it."
                            </p>
                        </Show>
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Healthcheck"</legend>
                        <div class="form-inline-grid">
                            <TextField label="Command (run by the shell)" id="health_cmd" value=Bound::lens(form, |f| &f.health_cmd, |f| &mut f.health_cmd) error=errors unmarked=true placeholder="wget -q -O- localhost || exit 1"/>
                            <TextField label="Interval" id="health_interval" value=Bound::lens(form, |f| &f.health_interval, |f| &mut f.health_interval) error=errors unmarked=true placeholder="30s"/>
                            <TextField label="Timeout" id="health_timeout" value=Bound::lens(form, |f| &f.health_timeout, |f| &mut f.health_timeout) error=errors unmarked=true placeholder="30s"/>
                            <TextField label="Retries" id="health_retries" value=Bound::lens(form, |f| &f.health_retries, |f| &mut f.health_retries) error=errors unmarked=true placeholder="3"/>
                            <TextField label="Start period" id="health_start_period" value=Bound::lens(form, |f| &f.health_start_period, |f| &mut f.health_start_period) error=errors unmarked=true placeholder="0s"/>
                        </div>
                    </fieldset>
                    <Check label="Start it at once" id="start" value=Bound::lens(form, |f| &f.start, |f| &mut f.start)/>
                    <details class="container-form-run">
                        <summary>"Copy as docker run"</summary>
                        <pre class="mono" data-testid="docker-run">{move || form.with(ContainerForm::docker_run)}</pre>
                        <button type="button" class="btn btn-small" on:click=move |_| {
                            copy_and_say(toaster, form.with_untracked(ContainerForm::docker_run), "the command");
                        }>"Copy"</button>
                    </details>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || working.with(Option::is_some)>
                            {move || working.get().unwrap_or_else(|| match mode.get() {
                                Mode::Create => "Create container".to_owned(),
                                Mode::Edit { .. } => "Recreate container".to_owned(),
                            })}
                        </button>
                        <a class="btn" href=move || format!("/env/{}/containers", status.environment.get())>"Cancel"</a>
                    </div>
                </form>
            </Show>
        </section>
    }
}

/// Creates (and maybe starts) a container; the `Ok` holds the engine's warnings, if any.
async fn create(
    engine: &Engine,
    name: &str,
    config: &ContainerConfig,
    start: bool,
) -> Result<String, String> {
    let created = engine
        .create_container(name, config)
        .await
        .map_err(|e| format!("Could not create the container: {e}"))?;
    if start {
        engine
            .container_action(&created.id, ContainerAction::Start)
            .await
            .map_err(|e| format!("Created, but could not start it: {e}"))?;
    }
    let warnings = created.warnings.unwrap_or_default().join(" ");
    Ok(if warnings.is_empty() {
        String::new()
    } else {
        format!(" ({warnings})")
    })
}

/// Replaces container `id` (named `old_name`) with a new one: the old one is renamed aside and
/// stopped, the new one created; only then is the old one removed. If creating fails, the old
/// one gets its name back (and is started again if it ran).
async fn recreate(
    engine: &Engine,
    id: &str,
    old_name: &str,
    name: &str,
    config: &ContainerConfig,
    start: bool,
) -> Result<String, String> {
    let aside = format!(
        "{old_name}-replaced-{}",
        (js_sys::Date::now() as u64) % 1_000_000
    );
    let step = |what: &'static str| move |e: ApiError| format!("Could not {what}: {e}");
    let was_running = engine
        .containers_filtered(
            &crate::containers::list_model::filters_for_ids("{}", &[id.to_owned()]),
            false,
            None,
        )
        .await
        .map_err(step("read the container"))?
        .first()
        .is_some_and(|c| c.is_running());
    engine
        .rename_container(id, &aside)
        .await
        .map_err(step("rename the old container aside"))?;
    if was_running {
        engine
            .stop_container(id, None)
            .await
            .map_err(step("stop the old container"))?;
    }
    match create(engine, name, config, start).await {
        Ok(warnings) => {
            engine
                .remove_container(id, true, false)
                .await
                .map_err(step("remove the old container"))?;
            Ok(warnings)
        }
        Err(error) => {
            // Put the old container back as it was.
            let _ = engine.rename_container(id, old_name).await;
            if was_running {
                let _ = engine.container_action(id, ContainerAction::Start).await;
            }
            Err(format!("{error} The old container was kept."))
        }
    }
}

pub(crate) fn focus_field(key: &str) {
    if let Some(element) = document().get_element_by_id(key)
        && let Ok(element) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element)
    {
        let _ = element.focus();
    }
}

/// Every error at the top of the form.
#[component]
pub(crate) fn ErrorSummary(errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    view! {
        <Show when=move || errors.with(|e| !e.is_empty())>
            <div class="alert alert-error" role="alert" data-testid="form-errors">
                <strong>"Please correct:"</strong>
                <ul>
                    {move || errors.get().into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

/// A box to paste an env file into, whose variables join the environment field.
#[component]
fn EnvFilePaste(form: RwSignal<ContainerForm>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    view! {
        <details class="container-form-envfile">
            <summary>"Paste an env file"</summary>
            <textarea rows="4" aria-label="Env file" placeholder="# .env\nNAME=value"
                prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e))></textarea>
            <button type="button" class="btn btn-small" on:click=move |_| {
                let lines = parse_env_file(&text.get_untracked());
                form.update(|f| {
                    let mut env: Vec<String> = f.env.lines().map(str::to_owned).filter(|l| !l.trim().is_empty()).collect();
                    env.extend(lines);
                    f.env = env.join("\n");
                });
                text.set(String::new());
            }>"Add to the environment"</button>
        </details>
    }
}
