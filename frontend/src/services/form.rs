//! `/env/:env/services/new` and `/env/:env/services/:id/edit`: one form creates a service and
//! edits one. Editing starts from the spec as the engine has it and changes only what the form
//! shows ([`ServiceDraft::apply`]). Secrets and configs are named, and turned into the ids the
//! engine wants; node labels are offered for constraints. The form shows the
//! `docker service create` line it amounts to.

use berth_shared::access::Access;
use berth_shared::engine::config::Config;
use berth_shared::engine::secret::Secret;
use berth_shared::engine::service::Service;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::engine::images::Credentials;
use crate::api::engine::services::UpdateKind;
use crate::app::engine_status::use_engine_status;
use crate::app::session::use_session;
use crate::components::copy_button::copy_and_say;
use crate::components::fields::{Bound, TextField};
use crate::components::segmented::Segmented;
use crate::components::toast::use_toaster;
use crate::containers::create::ErrorSummary;
use crate::field_error::FieldError;
use crate::images::registry_select::{RegistrySelect, saved_registries};
use crate::services::draft::{self, Known, KnownFiles, ServiceDraft};
use crate::swarm::gate::ManagerOnly;

/// The swarm's secrets and configs, by name.
async fn known_files(engine: &Engine) -> Result<KnownFiles, ApiError> {
    let secrets: Vec<Secret> = engine.swarm_objects(None).await?;
    let configs: Vec<Config> = engine.swarm_objects(None).await?;
    Ok(KnownFiles {
        secrets: secrets
            .into_iter()
            .map(|secret| Known {
                id: secret.id,
                name: secret.spec.name,
            })
            .collect(),
        configs: configs
            .into_iter()
            .map(|config| Known {
                id: config.id,
                name: config.spec.name,
            })
            .collect(),
    })
}

/// What the form is doing.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    /// Making a new service.
    New,
    /// Changing `service`, whose spec as the engine sent it is `raw`.
    Existing {
        service: Box<Service>,
        raw: serde_json::Value,
    },
}

/// The form's page, for a new service or (with an `:id`) an existing one.
#[component]
pub fn ServiceFormPage() -> impl IntoView {
    view! { <ManagerOnly what="services"><ServiceFormInner/></ManagerOnly> }
}

/// The page, on a manager.
#[component]
fn ServiceFormInner() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let navigate = use_navigate();
    let params = use_params_map();
    let can_operate = use_session().can(Access::Operate);
    let draft = RwSignal::new(ServiceDraft::new_service());
    let mode = RwSignal::new("replicated");
    let restart = RwSignal::new("any");
    let update_order = RwSignal::new("stop-first");
    let update_failure = RwSignal::new("pause");
    let rollback_order = RwSignal::new("stop-first");
    let rollback_failure = RwSignal::new("pause");
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let editing = RwSignal::new(Editing::New);
    let working = RwSignal::new(None::<&'static str>);
    // A saved registry's credentials for a private image; the backend adds them, and the
    // engine hands them to the nodes that pull it (as `--with-registry-auth` does).
    let credentials = RwSignal::new(Credentials::Anonymous);
    let registries = saved_registries();
    let image = Signal::derive(move || draft.with(|typed| typed.image.trim().to_owned()));
    let known = LocalResource::new(move || {
        let engine = status.engine();
        async move { known_files(&engine).await.unwrap_or_default() }
    });
    let node_labels = LocalResource::new(move || {
        let engine = status.engine();
        async move {
            let nodes = engine.nodes(None).await.unwrap_or_default();
            let mut labels: Vec<String> = nodes
                .iter()
                .flat_map(|node| {
                    node.spec
                        .labels
                        .iter()
                        .map(|(k, v)| format!("node.labels.{k}=={v}"))
                })
                .chain([
                    "node.role==manager".to_owned(),
                    "node.role==worker".to_owned(),
                ])
                .chain(
                    nodes
                        .iter()
                        .map(|node| format!("node.hostname=={}", node.description.hostname)),
                )
                .collect();
            labels.sort();
            labels.dedup();
            labels
        }
    });
    let networks = LocalResource::new(move || {
        let engine = status.engine();
        async move {
            engine
                .networks(None)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|network| network.scope == "swarm" && network.name != "ingress")
                .map(|network| network.name)
                .collect::<Vec<_>>()
        }
    });
    // Editing: the form starts from the service.
    Effect::new(move |_| {
        let Some(id) = params.with(|p| p.get("id")) else {
            return;
        };
        let engine = status.engine();
        spawn_local(async move {
            match engine.service(&id, None).await {
                Ok((service, raw)) => {
                    let filled = ServiceDraft::of(&service.spec);
                    mode.set(match filled.mode.as_str() {
                        "global" => "global",
                        "replicated-job" => "replicated-job",
                        "global-job" => "global-job",
                        _ => "replicated",
                    });
                    restart.set(match filled.restart_condition.as_str() {
                        "none" => "none",
                        "on-failure" => "on-failure",
                        _ => "any",
                    });
                    update_order.set(if filled.update.order == "start-first" {
                        "start-first"
                    } else {
                        "stop-first"
                    });
                    update_failure.set(match filled.update.failure_action.as_str() {
                        "continue" => "continue",
                        "rollback" => "rollback",
                        _ => "pause",
                    });
                    rollback_order.set(if filled.rollback.order == "start-first" {
                        "start-first"
                    } else {
                        "stop-first"
                    });
                    rollback_failure.set(if filled.rollback.failure_action == "continue" {
                        "continue"
                    } else {
                        "pause"
                    });
                    draft.set(filled);
                    editing.set(Editing::Existing {
                        service: Box::new(service),
                        raw: raw.get("Spec").cloned().unwrap_or_default(),
                    });
                }
                Err(error) => toaster.error(format!("Could not read service {id}: {error}")),
            }
        });
    });
    let current = move || {
        let mut typed = draft.get();
        typed.mode = mode.get().to_owned();
        typed.restart_condition = restart.get().to_owned();
        typed.update.order = update_order.get().to_owned();
        typed.update.failure_action = update_failure.get().to_owned();
        // A rollback setting left at the engine's default stays unset, so an untouched form
        // adds no rollback settings to a service that had none.
        let (order, failure) = (rollback_order.get(), rollback_failure.get());
        if !(typed.rollback.order.is_empty() && order == "stop-first") {
            typed.rollback.order = order.to_owned();
        }
        if !(typed.rollback.failure_action.is_empty() && failure == "pause") {
            typed.rollback.failure_action = failure.to_owned();
        }
        typed
    };
    let submit = Callback::new(move |()| {
        let typed = untrack(current);
        let known = known.get_untracked().unwrap_or_default();
        let state = editing.get_untracked();
        let base = match &state {
            Editing::New => serde_json::Value::Null,
            Editing::Existing { raw, .. } => raw.clone(),
        };
        let spec = match typed.apply(&base, &known) {
            Ok(spec) => spec,
            Err(error) => {
                errors.set(vec![error]);
                return;
            }
        };
        errors.set(Vec::new());
        let engine = status.engine_untracked();
        let environment = status.environment.get_untracked();
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match &state {
                Editing::New => {
                    working.set(Some("Creating…"));
                    engine
                        .create_service(&spec, credentials.get_untracked())
                        .await
                        .map(|created| (created.id, created.warnings))
                }
                Editing::Existing { service, .. } => {
                    working.set(Some("Saving…"));
                    engine
                        .update_service(
                            &service.id,
                            service.version,
                            &spec,
                            UpdateKind::Spec,
                            credentials.get_untracked(),
                        )
                        .await
                        .map(|warnings| (service.id.clone(), warnings))
                }
            };
            working.set(None);
            match result {
                Ok((id, warnings)) => {
                    let verb = if matches!(state, Editing::New) {
                        "Created"
                    } else {
                        "Updating"
                    };
                    let note = if warnings.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", warnings.join(" "))
                    };
                    toaster.success(format!("{verb} service {}{note}", typed.name.trim()));
                    navigate(
                        &format!("/env/{environment}/services/{id}"),
                        Default::default(),
                    );
                }
                Err(error) => {
                    if error.is_unreachable() {
                        status.engine_lost();
                    }
                    errors.set(vec![FieldError::new(
                        "engine",
                        format!("The engine refused: {error}"),
                    )]);
                }
            }
        });
    });
    let field = move |read: fn(&ServiceDraft) -> &String,
                      write: fn(&mut ServiceDraft) -> &mut String| {
        Bound::lens(draft, read, write)
    };
    let title = move || match editing.get() {
        Editing::New => "New service".to_owned(),
        Editing::Existing { service, .. } => format!("Edit {}", service.spec.name),
    };
    let list_id = |id: &'static str, items: Vec<String>| {
        view! { <datalist id=id>{items.into_iter().map(|item| view! { <option value=item/> }).collect_view()}</datalist> }
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">{title}</h1>
                    <p class="page-sub">{move || match editing.get() {
                        Editing::New => "The swarm runs the tasks on its nodes and keeps them running.",
                        Editing::Existing { .. } => "Saving rolls the change out to the tasks as the update settings say.",
                    }}</p>
                </div>
            </div>
            <Show when=move || can_operate fallback=|| view! {
                <p class="alert alert-error" role="alert">"Your role may not create or change services."</p>
            }>
                <form class="form container-form" novalidate data-testid="service-form" on:submit=move |e| { e.prevent_default(); submit.run(()); }>
                    <ErrorSummary errors=errors/>
                    <fieldset class="container-form-section">
                        <legend>"Service"</legend>
                        <div class="form-inline-grid">
                            <TextField label=draft::NAME name="name" value=field(|d| &d.name, |d| &mut d.name) error=errors required=true mono=true placeholder="web"/>
                            <TextField label=draft::IMAGE name="image" value=field(|d| &d.image, |d| &mut d.image) error=errors required=true mono=true placeholder="nginx:1.27"
                                hint="Each node needs it: from a registry, or loaded on every node"/>
                            <RegistrySelect registries=registries reference=image chosen=credentials/>
                        </div>
                        <div class="field-row">
                            <div class="field">
                                <span class="field-label">"Mode"</span>
                                <Segmented label="Mode" options=vec![("replicated", "Replicated"), ("global", "Global"), ("replicated-job", "Job"), ("global-job", "Job per node")] value=mode/>
                            </div>
                            <Show when=move || matches!(mode.get(), "replicated" | "replicated-job")>
                                <TextField label=draft::REPLICAS name="replicas" value=field(|d| &d.replicas, |d| &mut d.replicas) error=errors unmarked=true mono=true
                                    hint="For a job: how many completions"/>
                            </Show>
                            <Show when=move || mode.get() == "replicated-job">
                                <TextField label=draft::MAX_CONCURRENT name="max-concurrent" value=field(|d| &d.max_concurrent, |d| &mut d.max_concurrent) error=errors unmarked=true mono=true
                                    placeholder="1" hint="How many of the job's tasks run at the same time"/>
                            </Show>
                        </div>
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Command and environment"</legend>
                        <div class="form-inline-grid">
                            <TextField label=draft::COMMAND value=field(|d| &d.command, |d| &mut d.command) error=errors mono=true placeholder="(the image's entrypoint)"/>
                            <TextField label=draft::ARGS name="args" value=field(|d| &d.args, |d| &mut d.args) error=errors mono=true placeholder="(the image's command)"/>
                        </div>
                        <div class="container-form-two">
                            <TextField label=draft::ENV value=field(|d| &d.env, |d| &mut d.env) error=errors multiline=true mono=true placeholder="NAME=value" hint="One NAME=value a line"/>
                            <TextField label=draft::LABELS value=field(|d| &d.labels, |d| &mut d.labels) error=errors multiline=true mono=true placeholder="tier=front" hint="One key=value a line"/>
                        </div>
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Ports and networks"</legend>
                        <div class="container-form-two">
                            <TextField label=draft::PORTS name="ports" value=field(|d| &d.ports, |d| &mut d.ports) error=errors multiline=true mono=true placeholder="8080:80\n53/udp\nmode=host,published=9000,target=9000"
                                hint="published:target[/udp] through the routing mesh, or mode=host on each node"/>
                            <TextField label=draft::NETWORKS value=field(|d| &d.networks, |d| &mut d.networks) error=errors multiline=true mono=true placeholder="backend,alias=api"
                                hint=  "Overlay networks, one a line, with aliases"/>
                        </div>
                        {move || networks.get().map(|names| (!names.is_empty()).then(|| view! {
                            <p class="field-hint">{format!("Overlay networks here: {}", names.join(", "))}</p>
                        }))}
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Storage, secrets and configs"</legend>
                        <TextField label=draft::MOUNTS name="mounts" value=field(|d| &d.mounts, |d| &mut d.mounts) error=errors multiline=true mono=true rows=3
                            placeholder="type=volume,source=data,target=/data\ntype=bind,source=/srv/site,target=/site,readonly\ntype=tmpfs,target=/tmp"/>
                        <div class="container-form-two">
                            <TextField label=draft::SECRETS name="secrets" value=field(|d| &d.secrets, |d| &mut d.secrets) error=errors multiline=true mono=true rows=3
                                placeholder="source=db,target=db_password,uid=0,gid=0,mode=0400" hint="Files under /run/secrets/"/>
                            <TextField label=draft::CONFIGS name="configs" value=field(|d| &d.configs, |d| &mut d.configs) error=errors multiline=true mono=true rows=3
                                placeholder="source=site,target=/etc/nginx/conf.d/site.conf,mode=0444"/>
                        </div>
                        {move || known.get().map(|known| view! {
                            <p class="field-hint" data-testid="known-files">
                                {if known.secrets.is_empty() { "No secrets yet".to_owned() } else { format!("Secrets: {}", known.secrets.iter().map(|k| k.name.as_str()).collect::<Vec<_>>().join(", ")) }}
                                " · "
                                {if known.configs.is_empty() { "no configs yet".to_owned() } else { format!("configs: {}", known.configs.iter().map(|k| k.name.as_str()).collect::<Vec<_>>().join(", ")) }}
                            </p>
                        })}
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Placement"</legend>
                        <div class="container-form-two">
                            <TextField label=draft::CONSTRAINTS name="constraints" value=field(|d| &d.constraints, |d| &mut d.constraints) error=errors multiline=true mono=true rows=3
                                placeholder="node.labels.zone==a" suggestions="service-constraints"/>
                            <TextField label=draft::PREFERENCES name="preferences" value=field(|d| &d.preferences, |d| &mut d.preferences) error=errors multiline=true mono=true rows=3 placeholder="spread=node.labels.zone"/>
                        </div>
                        {move || node_labels.get().map(|labels| {
                            let shown = labels.join("   ");
                            view! {
                                {list_id("service-constraints", labels)}
                                <p class="field-hint mono" data-testid="constraint-suggestions">{format!("From the nodes: {shown}")}</p>
                            }
                        })}
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Resources and restarts"</legend>
                        <div class="form-inline-grid">
                            <TextField label=draft::LIMIT_CPUS value=field(|d| &d.limit_cpus, |d| &mut d.limit_cpus) error=errors mono=true placeholder="0.5"/>
                            <TextField label=draft::LIMIT_MEMORY value=field(|d| &d.limit_memory, |d| &mut d.limit_memory) error=errors mono=true placeholder="256m"/>
                            <TextField label=draft::RESERVE_CPUS value=field(|d| &d.reserve_cpus, |d| &mut d.reserve_cpus) error=errors mono=true placeholder="0.25"/>
                            <TextField label=draft::RESERVE_MEMORY value=field(|d| &d.reserve_memory, |d| &mut d.reserve_memory) error=errors mono=true placeholder="128m"/>
                        </div>
                        <div class="field-row">
                            <div class="field">
                                <span class="field-label">"Restart"</span>
                                <Segmented label="Restart condition" options=vec![("any", "Always"), ("on-failure", "On failure"), ("none", "Never")] value=restart/>
                            </div>
                            <TextField label=draft::RESTART_DELAY value=field(|d| &d.restart_delay, |d| &mut d.restart_delay) error=errors mono=true placeholder="5s"/>
                            <TextField label=draft::RESTART_ATTEMPTS value=field(|d| &d.restart_attempts, |d| &mut d.restart_attempts) error=errors mono=true placeholder="(no limit)"/>
                        </div>
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Updates and rollbacks"</legend>
                        <div class="field-row">
                            <TextField label=draft::UPDATE_PARALLELISM value=field(|d| &d.update.parallelism, |d| &mut d.update.parallelism) error=errors mono=true placeholder="1" hint="Tasks replaced at once; 0 for all"/>
                            <TextField label=draft::UPDATE_DELAY value=field(|d| &d.update.delay, |d| &mut d.update.delay) error=errors mono=true placeholder="10s"/>
                            <div class="field">
                                <span class="field-label">"Order"</span>
                                <Segmented label="Update order" options=vec![("stop-first", "Stop first"), ("start-first", "Start first")] value=update_order/>
                            </div>
                            <div class="field">
                                <span class="field-label">"When an update fails"</span>
                                <Segmented label="Update failure action" options=vec![("pause", "Pause"), ("rollback", "Roll back"), ("continue", "Continue")] value=update_failure/>
                            </div>
                        </div>
                        <div class="form-inline-grid">
                            <TextField label=draft::ROLLBACK_PARALLELISM value=field(|d| &d.rollback.parallelism, |d| &mut d.rollback.parallelism) error=errors mono=true placeholder="1"/>
                            <TextField label=draft::ROLLBACK_DELAY value=field(|d| &d.rollback.delay, |d| &mut d.rollback.delay) error=errors mono=true placeholder="0s"/>
                            <div class="field">
                                <span class="field-label">"Rollback order"</span>
                                <Segmented label="Rollback order" options=vec![("stop-first", "Stop first"), ("start-first", "Start first")] value=rollback_order/>
                            </div>
                            <div class="field">
                                <span class="field-label">"When a rollback fails"</span>
                                <Segmented label="Rollback failure action" options=vec![("pause", "Pause"), ("continue", "Continue")] value=rollback_failure/>
                            </div>
                        </div>
                    </fieldset>
                    <fieldset class="container-form-section">
                        <legend>"Healthcheck and logs"</legend>
                        <div class="form-inline-grid">
                            <TextField label="Health command" value=field(|d| &d.health_cmd, |d| &mut d.health_cmd) error=errors mono=true placeholder="wget -q -O- localhost || exit 1"/>
                            <TextField label=draft::HEALTH_INTERVAL value=field(|d| &d.health_interval, |d| &mut d.health_interval) error=errors mono=true placeholder="30s"/>
                            <TextField label=draft::HEALTH_TIMEOUT value=field(|d| &d.health_timeout, |d| &mut d.health_timeout) error=errors mono=true placeholder="30s"/>
                            <TextField label=draft::HEALTH_RETRIES value=field(|d| &d.health_retries, |d| &mut d.health_retries) error=errors mono=true placeholder="3"/>
                            <TextField label=draft::HEALTH_START_PERIOD value=field(|d| &d.health_start_period, |d| &mut d.health_start_period) error=errors mono=true placeholder="0s"
                                hint="Failed checks while the container starts do not count"/>
                        </div>
                        <div class="container-form-two">
                            <TextField label="Log driver" value=field(|d| &d.log_driver, |d| &mut d.log_driver) error=errors mono=true placeholder="(the engine's default)"/>
                            <TextField label=draft::LOG_OPTIONS value=field(|d| &d.log_options, |d| &mut d.log_options) error=errors multiline=true mono=true rows=2 placeholder="max-size=10m"/>
                        </div>
                    </fieldset>
                    <details class="container-form-run">
                        <summary>"Copy as docker service create"</summary>
                        <pre class="mono" data-testid="service-command">{move || current().docker_service_create(credentials.get() != Credentials::Anonymous)}</pre>
                        <button type="button" class="btn btn-small" on:click=move |_| {
                            let saved = credentials.get_untracked() != Credentials::Anonymous;
                            copy_and_say(toaster, untrack(current).docker_service_create(saved), "the command");
                        }>"Copy"</button>
                    </details>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || working.with(Option::is_some)>
                            {move || working.get().map(str::to_owned).unwrap_or_else(|| match editing.get() {
                                Editing::New => "Create service".to_owned(),
                                Editing::Existing { .. } => "Save and roll out".to_owned(),
                            })}
                        </button>
                        <a class="btn" href=move || format!("/env/{}/services", status.environment.get())>"Cancel"</a>
                    </div>
                </form>
            </Show>
        </section>
    }
}
