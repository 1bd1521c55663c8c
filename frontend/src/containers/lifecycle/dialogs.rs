//! The dialogs of the lifecycle actions that need options or a confirmation: stop with a
//! timeout, kill with a signal, remove, rename, update, commit and prune. What the user typed is
//! checked in [`checks`](super::checks).

use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::checks;
use super::{Busy, Operation, run_operation};
use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::components::confirm::ConfirmDialog;
use crate::components::fields::Check;
use crate::components::toast::{Toaster, action_failed, use_toaster};
use crate::field_error::FieldError;
use crate::format;

/// A dialog waiting for the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// Stop these, with a timeout.
    Stop(Vec<ContainerSummary>),
    /// Kill these, with a signal.
    Kill(Vec<ContainerSummary>),
    /// Remove these.
    Remove(Vec<ContainerSummary>),
    /// Rename this one.
    Rename(ContainerSummary),
    /// Change this one's restart policy and limits.
    Update(ContainerSummary),
    /// Save this one as an image.
    Commit(ContainerSummary),
    /// Remove every stopped container.
    Prune,
}

impl Pending {
    fn title(&self) -> String {
        let names = |list: &[ContainerSummary]| match list {
            [one] => one.display_name().to_owned(),
            many => format!("{} containers", many.len()),
        };
        match self {
            Pending::Stop(list) => format!("Stop {}?", names(list)),
            Pending::Kill(list) => format!("Send a signal to {}?", names(list)),
            Pending::Remove(list) => match list.as_slice() {
                [one] => format!("Remove container {}?", one.display_name()),
                many => format!("Remove {} containers?", many.len()),
            },
            Pending::Rename(c) => format!("Rename {}", c.display_name()),
            Pending::Update(c) => format!("Update {}", c.display_name()),
            Pending::Commit(c) => format!("Commit {} to an image", c.display_name()),
            Pending::Prune => "Remove all stopped containers?".to_owned(),
        }
    }

    fn confirm_label(&self) -> &'static str {
        match self {
            Pending::Stop(_) => "Stop",
            Pending::Kill(_) => "Send signal",
            Pending::Remove(_) => "Remove",
            Pending::Rename(_) => "Rename",
            Pending::Update(_) => "Update",
            Pending::Commit(_) => "Commit",
            Pending::Prune => "Prune",
        }
    }

    fn safe(&self) -> bool {
        matches!(
            self,
            Pending::Rename(_) | Pending::Update(_) | Pending::Commit(_)
        )
    }
}

/// The signals `kill` offers; the engine accepts any name or number.
const SIGNALS: [&str; 8] = [
    "SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH",
];

/// The values the dialogs' fields hold.
#[derive(Clone, Copy)]
struct Fields {
    timeout: RwSignal<String>,
    signal: RwSignal<String>,
    volumes: RwSignal<bool>,
    name: RwSignal<String>,
    restart: RwSignal<String>,
    cpus: RwSignal<String>,
    memory: RwSignal<String>,
    repo: RwSignal<String>,
    comment: RwSignal<String>,
    pause: RwSignal<bool>,
    error: RwSignal<Option<FieldError>>,
}

impl Fields {
    fn new() -> Self {
        Self {
            timeout: RwSignal::new(String::new()),
            signal: RwSignal::new("SIGKILL".into()),
            volumes: RwSignal::new(false),
            name: RwSignal::new(String::new()),
            restart: RwSignal::new(String::new()),
            cpus: RwSignal::new(String::new()),
            memory: RwSignal::new(String::new()),
            repo: RwSignal::new(String::new()),
            comment: RwSignal::new(String::new()),
            pause: RwSignal::new(true),
            error: RwSignal::new(None),
        }
    }

    fn reset_for(&self, pending: &Pending) {
        self.error.set(None);
        self.timeout.set(String::new());
        self.signal.set("SIGKILL".into());
        self.volumes.set(false);
        self.restart.set(String::new());
        self.cpus.set(String::new());
        self.memory.set(String::new());
        self.comment.set(String::new());
        self.pause.set(true);
        match pending {
            Pending::Rename(c) => self.name.set(c.display_name().to_owned()),
            Pending::Commit(c) => self.repo.set(format!("{}:snapshot", c.display_name())),
            _ => {}
        }
    }
}

/// The dialogs of the lifecycle actions, on the containers list and the container page. Set
/// `pending` to open one.
#[component]
pub fn ContainerDialogs(
    /// The dialog to show, if any.
    pending: RwSignal<Option<Pending>>,
    /// The containers with an action under way.
    busy: Busy,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let fields = Fields::new();
    Effect::new(move |_| {
        if let Some(current) = pending.get() {
            fields.reset_for(&current);
        }
    });
    let confirm = Callback::new(move |()| {
        let Some(current) = pending.get_untracked() else {
            return;
        };
        let engine = untrack(|| status.engine());
        match submit(&current, fields, engine, toaster, busy) {
            Ok(()) => pending.set(None),
            Err(invalid) => fields.error.set(Some(invalid)),
        }
    });
    view! {
        <ConfirmDialog
            open=Signal::derive(move || pending.with(Option::is_some))
            title=Signal::derive(move || pending.with(|p| p.as_ref().map(Pending::title).unwrap_or_default()))
            confirm_label=Signal::derive(move || {
                pending.with(|p| p.as_ref().map(Pending::confirm_label).unwrap_or_default().to_owned())
            })
            safe=Signal::derive(move || pending.with(|p| p.as_ref().is_some_and(Pending::safe)))
            on_confirm=confirm
            on_cancel=Callback::new(move |()| pending.set(None))
        >
            {move || pending.get().map(|current| dialog_body(current, fields))}
            {move || fields.error.get().map(|invalid| view! {
                <p class="alert alert-error" role="alert">{invalid.message}</p>
            })}
        </ConfirmDialog>
    }
}

fn names_list(list: &[ContainerSummary]) -> AnyView {
    view! {
        <ul class="containers-names">
            {list.iter().map(|c| view! {
                <li>
                    <span class="mono">{c.display_name().to_owned()}</span>
                    {c.is_running().then_some(view! { <span class="badge badge-warn">"running"</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

fn dialog_body(current: Pending, fields: Fields) -> AnyView {
    match current {
        Pending::Stop(list) => view! {
            {names_list(&list)}
            <label class="field">
                <span class="field-label">"Seconds to wait before killing"</span>
                <input type="number" min="0" placeholder="the container's default (10)"
                    prop:value=move || fields.timeout.get()
                    on:input=move |e| fields.timeout.set(event_target_value(&e))/>
            </label>
        }
        .into_any(),
        Pending::Kill(list) => view! {
            <p>"The process may not get to save its work or clean up."</p>
            {names_list(&list)}
            <label class="field">
                <span class="field-label">"Signal"</span>
                <select prop:value=move || fields.signal.get()
                    on:change=move |e| fields.signal.set(event_target_value(&e))>
                    {SIGNALS.iter().map(|s| view! { <option value=*s>{*s}</option> }).collect_view()}
                </select>
            </label>
        }
        .into_any(),
        Pending::Remove(list) => {
            let running = list.iter().filter(|c| c.is_running()).count();
            view! {
                <p>{removal_warning(list.len(), running)}</p>
                {names_list(&list)}
                <Check label="Also delete anonymous volumes" value=fields.volumes/>
            }
            .into_any()
        }
        Pending::Rename(_) => view! {
            <label class="field">
                <span class="field-label">"New name"</span>
                <input
                    aria-invalid=move || fields.error.with(|e| e.as_ref().is_some_and(|e| e.field == "New name")).to_string()
                    prop:value=move || fields.name.get()
                    on:input=move |e| fields.name.set(event_target_value(&e))/>
                <span class="field-hint">"Letters, digits, and _ . - after the first character."</span>
            </label>
        }
        .into_any(),
        Pending::Update(_) => view! {
            <p class="muted">"Leave a field empty to keep its current value. Changes apply at once, without a restart."</p>
            <label class="field">
                <span class="field-label">"Restart policy"</span>
                <select prop:value=move || fields.restart.get()
                    on:change=move |e| fields.restart.set(event_target_value(&e))>
                    <option value="">"(keep)"</option>
                    <option value="no">"no"</option>
                    <option value="always">"always"</option>
                    <option value="unless-stopped">"unless-stopped"</option>
                    <option value="on-failure">"on-failure"</option>
                </select>
            </label>
            <label class="field">
                <span class="field-label">"CPUs"</span>
                <input placeholder="e.g. 1.5" prop:value=move || fields.cpus.get()
                    on:input=move |e| fields.cpus.set(event_target_value(&e))/>
            </label>
            <label class="field">
                <span class="field-label">"Memory limit"</span>
                <input placeholder="e.g. 512m or 2g" prop:value=move || fields.memory.get()
                    on:input=move |e| fields.memory.set(event_target_value(&e))/>
            </label>
        }
        .into_any(),
        Pending::Commit(_) => view! {
            <label class="field">
                <span class="field-label">"Image (repository:tag)"</span>
                <input required prop:value=move || fields.repo.get()
                    on:input=move |e| fields.repo.set(event_target_value(&e))/>
            </label>
            <label class="field">
                <span class="field-label">"Comment"</span>
                <input prop:value=move || fields.comment.get()
                    on:input=move |e| fields.comment.set(event_target_value(&e))/>
            </label>
            <Check label="Pause the container while committing" value=fields.pause/>
        }
        .into_any(),
        Pending::Prune => view! {
            <p>
                "Every stopped container is removed, with its filesystem changes and logs. "
                "Running containers and all volumes are kept."
            </p>
        }
        .into_any(),
    }
}

/// What removing `count` containers, `running` of them running, loses.
fn removal_warning(count: usize, running: usize) -> String {
    let stopped_first = match (count, running) {
        (_, 0) => "",
        (1, _) => "It is running and will be stopped first. ",
        (_, r) if r == count => "They are running and will be stopped first. ",
        _ => "The running ones will be stopped first. ",
    };
    let subject = if count == 1 { "Its" } else { "Their" };
    format!(
        "{stopped_first}{subject} filesystem changes and logs are deleted for good. Named volumes are kept."
    )
}

/// Starts what the confirmed dialog asks for, or says which field is wrong.
fn submit(
    current: &Pending,
    fields: Fields,
    engine: Engine,
    toaster: Toaster,
    busy: Busy,
) -> Result<(), FieldError> {
    match current {
        Pending::Stop(list) => {
            let timeout = checks::stop_timeout(&fields.timeout.get_untracked())?;
            run_operation(
                engine,
                toaster,
                busy,
                list.clone(),
                Operation::Stop(timeout),
            );
        }
        Pending::Kill(list) => {
            let signal = fields.signal.get_untracked();
            run_operation(engine, toaster, busy, list.clone(), Operation::Kill(signal));
        }
        Pending::Remove(list) => {
            let volumes = fields.volumes.get_untracked();
            run_operation(
                engine,
                toaster,
                busy,
                list.clone(),
                Operation::Remove(volumes),
            );
        }
        Pending::Rename(c) => {
            let name = checks::new_name(&fields.name.get_untracked())?;
            let c = c.clone();
            busy.start([c.id.as_str()]);
            spawn_local(async move {
                let result = engine.rename_container(&c.id, &name).await;
                busy.end(&c.id);
                match result {
                    Ok(()) => toaster.success(format!("Renamed {} to {name}", c.display_name())),
                    Err(e) => {
                        toaster.error(action_failed("rename", c.display_name(), &e));
                    }
                }
            });
        }
        Pending::Update(c) => {
            let update = checks::update(
                &fields.restart.get_untracked(),
                &fields.cpus.get_untracked(),
                &fields.memory.get_untracked(),
            )?;
            let c = c.clone();
            busy.start([c.id.as_str()]);
            spawn_local(async move {
                let result = engine.update_container(&c.id, &update).await;
                busy.end(&c.id);
                match result {
                    Ok(answer) => {
                        let warnings = answer.warnings.unwrap_or_default().join(" ");
                        toaster.success(format!("Updated {} {warnings}", c.display_name()));
                    }
                    Err(e) => {
                        toaster.error(action_failed("update", c.display_name(), &e));
                    }
                }
            });
        }
        Pending::Commit(c) => {
            let reference = checks::image_reference(&fields.repo.get_untracked())?;
            let (repo, tag) = crate::api::engine::images::split_reference(&reference);
            let (repo, tag) = (repo.to_owned(), tag.to_owned());
            let comment = fields.comment.get_untracked();
            let pause = fields.pause.get_untracked();
            let c = c.clone();
            spawn_local(async move {
                match engine.commit(&c.id, &reference, &comment, pause).await {
                    Ok(image) => toaster.success(format!(
                        "Committed {} as {repo}:{tag} ({})",
                        c.display_name(),
                        format::short_id(image.id.trim_start_matches("sha256:"))
                    )),
                    Err(e) => {
                        toaster.error(action_failed("commit", c.display_name(), &e));
                    }
                }
            });
        }
        Pending::Prune => {
            spawn_local(async move {
                match engine.prune_containers().await {
                    Ok(report) => {
                        let deleted = report.containers_deleted.unwrap_or_default();
                        toaster.success(format!(
                            "Removed {} stopped containers, reclaiming {}",
                            deleted.len(),
                            format::bytes(report.space_reclaimed.max(0) as u64)
                        ));
                        busy.changed(deleted);
                    }
                    Err(e) => toaster.error(format!("Could not prune containers: {e}")),
                }
            });
        }
    }
    Ok(())
}
