//! Lifecycle actions on containers, for one row or a selection: running them with a toast per
//! outcome, and the dialogs of those that need options or a confirmation (stop with a timeout,
//! kill with a signal, remove, rename, update, commit, prune).

use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;

use berth_shared::engine::container::{ContainerSummary, ContainerUpdate, RestartPolicy};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::api::engine::{ContainerAction, Engine};
use crate::components::confirm::ConfirmDialog;
use crate::components::fields::Check;
use crate::components::toast::{Toaster, use_toaster};
use crate::container_form::{parse_cpus, parse_memory};
use crate::engine_status::use_engine_status;
use crate::format;

/// One operation on a container.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// Start, restart, pause, unpause, or a plain stop.
    Simple(ContainerAction),
    /// Stop, killing after this many seconds.
    Stop(Option<u32>),
    /// Send this signal.
    Kill(String),
    /// Remove, stopping first; also its anonymous volumes when set.
    Remove(bool),
}

impl Operation {
    fn verb(&self) -> &'static str {
        match self {
            Operation::Simple(ContainerAction::Start) => "start",
            Operation::Simple(ContainerAction::Restart) => "restart",
            Operation::Simple(ContainerAction::Pause) => "pause",
            Operation::Simple(ContainerAction::Unpause) => "unpause",
            Operation::Simple(ContainerAction::Stop) | Operation::Stop(_) => "stop",
            Operation::Kill(_) => "kill",
            Operation::Remove(_) => "remove",
        }
    }

    fn past(&self) -> &'static str {
        match self {
            Operation::Simple(ContainerAction::Start) => "Started",
            Operation::Simple(ContainerAction::Restart) => "Restarted",
            Operation::Simple(ContainerAction::Pause) => "Paused",
            Operation::Simple(ContainerAction::Unpause) => "Unpaused",
            Operation::Simple(ContainerAction::Stop) | Operation::Stop(_) => "Stopped",
            Operation::Kill(_) => "Signalled",
            Operation::Remove(_) => "Removed",
        }
    }

    async fn run(&self, engine: &Engine, id: &str) -> Result<(), ApiError> {
        match self {
            Operation::Simple(action) => engine.container_action(id, *action).await,
            Operation::Stop(timeout) => engine.stop_container(id, *timeout).await,
            Operation::Kill(signal) => engine.kill_container(id, signal).await,
            Operation::Remove(volumes) => engine.remove_container(id, true, *volumes).await,
        }
    }
}

/// The actions under way on a page's containers: which containers have one (their buttons are
/// disabled meanwhile), and what the page does with those whose action ended, whatever its
/// outcome: the Containers page fetches their rows again, so the result shows at once even
/// while the event stream is slow or reconnecting.
#[derive(Clone, Copy)]
pub struct Busy {
    ids: RwSignal<BTreeSet<String>>,
    ended: Callback<Vec<String>>,
}

impl Busy {
    /// Nothing under way yet; `ended` gets the ids of the containers whose action ended.
    pub fn new(ended: impl Fn(Vec<String>) + Send + Sync + 'static) -> Self {
        Busy {
            ids: RwSignal::new(BTreeSet::new()),
            ended: Callback::new(ended),
        }
    }

    /// For actions started away from a list of containers: nothing to fetch again.
    pub fn detached() -> Self {
        Busy::new(|_| {})
    }

    /// Whether `id` has an action under way (tracked).
    pub fn has(&self, id: &str) -> bool {
        self.ids.with(|ids| ids.contains(id))
    }

    fn start<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        self.ids
            .update(|busy| busy.extend(ids.into_iter().map(str::to_owned)));
    }

    /// Ends `id`'s action. The page may be gone by then: nothing happens.
    fn end(&self, id: &str) {
        self.ids.update(|busy| {
            busy.remove(id);
        });
        self.changed(vec![id.to_owned()]);
    }

    /// Containers that an action changed without marking them first (such as a prune).
    fn changed(&self, ids: Vec<String>) {
        self.ended.try_run(ids);
    }
}

/// Runs `operation` on every container at once, marking them busy meanwhile, and reports the
/// outcome: one toast for the successes, one per failure with the engine's message.
pub fn run_operation(
    engine: Engine,
    toaster: Toaster,
    busy: Busy,
    containers: Vec<ContainerSummary>,
    operation: Operation,
) {
    let total = containers.len();
    if total == 0 {
        return;
    }
    let succeeded = Rc::new(Cell::new(0usize));
    let finished = Rc::new(Cell::new(0usize));
    let single_name = (total == 1).then(|| containers[0].display_name().to_owned());
    let operation = Rc::new(operation);
    busy.start(containers.iter().map(|c| c.id.as_str()));
    for container in containers {
        let (engine, operation) = (engine.clone(), operation.clone());
        let (succeeded, finished, single_name) =
            (succeeded.clone(), finished.clone(), single_name.clone());
        spawn_local(async move {
            let result = operation.run(&engine, &container.id).await;
            busy.end(&container.id);
            match result {
                Ok(()) => succeeded.set(succeeded.get() + 1),
                Err(error) => toaster.error(crate::pages::action_failed(
                    operation.verb(),
                    container.display_name(),
                    &error,
                )),
            }
            finished.set(finished.get() + 1);
            if finished.get() == total && succeeded.get() > 0 {
                let what = match &single_name {
                    Some(name) => name.clone(),
                    None => format!("{} containers", succeeded.get()),
                };
                toaster.success(format!("{} {what}", operation.past()));
            }
        });
    }
}

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
    error: RwSignal<Option<String>>,
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

/// The dialogs of the containers page. Set `pending` to open one.
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
            Err(message) => fields.error.set(Some(message)),
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
            {move || fields.error.get().map(|message| view! {
                <p class="alert alert-error" role="alert">{message}</p>
            })}
        </ConfirmDialog>
    }
}

fn names_list(list: &[ContainerSummary]) -> AnyView {
    view! {
        <ul class="clist-names">
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
                <input required pattern="[a-zA-Z0-9][a-zA-Z0-9_.-]*"
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
) -> Result<(), String> {
    match current {
        Pending::Stop(list) => {
            let text = fields.timeout.get_untracked();
            let timeout = match text.trim() {
                "" => None,
                t => Some(
                    t.parse::<u32>()
                        .map_err(|_| "Seconds: enter a whole number.".to_owned())?,
                ),
            };
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
            let name = fields.name.get_untracked().trim().to_owned();
            if name.is_empty() {
                return Err("New name: enter a name.".into());
            }
            let c = c.clone();
            busy.start([c.id.as_str()]);
            spawn_local(async move {
                let result = engine.rename_container(&c.id, &name).await;
                busy.end(&c.id);
                match result {
                    Ok(()) => toaster.success(format!("Renamed {} to {name}", c.display_name())),
                    Err(e) => {
                        toaster.error(crate::pages::action_failed("rename", c.display_name(), &e));
                    }
                }
            });
        }
        Pending::Update(c) => {
            let update = update_from(fields)?;
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
                        toaster.error(crate::pages::action_failed("update", c.display_name(), &e));
                    }
                }
            });
        }
        Pending::Commit(c) => {
            let reference = fields.repo.get_untracked().trim().to_owned();
            if reference.is_empty() {
                return Err("Image: enter a repository name.".into());
            }
            let (repo, tag) = crate::api::containers::split_reference(&reference);
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
                        toaster.error(crate::pages::action_failed("commit", c.display_name(), &e));
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

fn update_from(fields: Fields) -> Result<ContainerUpdate, String> {
    let mut update = ContainerUpdate::default();
    let restart = fields.restart.get_untracked();
    if !restart.is_empty() {
        update.restart_policy = Some(RestartPolicy {
            name: restart,
            maximum_retry_count: 0,
        });
    }
    let cpus = fields.cpus.get_untracked();
    if !cpus.trim().is_empty() {
        update.nano_cpus = Some(parse_cpus(&cpus).map_err(|e| format!("CPUs: {e}"))?);
    }
    let memory = fields.memory.get_untracked();
    if !memory.trim().is_empty() {
        let bytes = parse_memory(&memory).map_err(|e| format!("Memory limit: {e}"))?;
        update.memory = Some(bytes);
        // Without a swap limit the engine refuses a memory limit below the old swap limit.
        update.memory_swap = Some(-1);
    }
    if update == ContainerUpdate::default() {
        return Err("Change at least one field.".into());
    }
    Ok(update)
}
