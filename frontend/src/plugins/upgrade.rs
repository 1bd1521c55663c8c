//! Upgrading a plugin the way the docker CLI's sequence goes, one step at a time: the new
//! reference, its privileges against the installed version's (each accepted), then disable
//! (when enabled), `PluginUpgrade` with its progress, and enable again if it was enabled.

use berth_shared::engine::plugin::{Plugin, PluginPrivilege};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::images::Credentials;
use crate::app::engine_status::use_engine_status;
use crate::components::fields::{Check, ErrorAlert};
use crate::components::modal::Modal;
use crate::images::progress_view::{JobPhase, ProgressPanel, StreamJob};
use crate::images::registry_select::saved_registries;
use crate::plugins::actions::Open;
use crate::plugins::install::ENABLE_TIMEOUT;
use crate::plugins::model::{install_failure, installed_privileges};
use crate::plugins::privileges::PrivilegeReview;
use crate::plugins::reference::ReferenceStep;

/// Where the upgrade is.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Reference,
    Review(Vec<PluginPrivilege>),
    Running,
}

/// The upgrade dialog.
#[component]
pub fn UpgradeDialog(
    /// The open dialog.
    open: RwSignal<Option<Open>>,
    /// The plugin.
    plugin: Signal<Option<Plugin>>,
    /// Runs when the plugin changed.
    done: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let registries = saved_registries();
    let credentials = RwSignal::new(Credentials::Anonymous);
    let reference = RwSignal::new(String::new());
    let step = RwSignal::new(Step::Reference);
    let accepted = RwSignal::new(false);
    let force = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let job = StreamJob::new();
    let close = Callback::new(move |()| {
        job.cancel();
        job.reset();
        step.set(Step::Reference);
        error.set(None);
        note.set(None);
        open.set(None);
    });
    let read = Callback::new(move |privileges| {
        accepted.set(false);
        error.set(None);
        step.set(Step::Review(privileges));
    });
    let upgrade = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let (Step::Review(privileges), Some(installed)) =
            (step.get_untracked(), plugin.get_untracked())
        else {
            return;
        };
        let remote = reference.get_untracked().trim().to_owned();
        let engine = status.engine_untracked();
        let chosen = credentials.get_untracked();
        let forced = force.get_untracked();
        let was_enabled = installed.enabled;
        let name = installed.name.clone();
        error.set(None);
        spawn_local(async move {
            if was_enabled && let Err(failure) = engine.disable_plugin(&name, forced).await {
                error.set(Some(format!(
                    "{name} could not be disabled for the upgrade: {failure}"
                )));
                return;
            }
            step.set(Step::Running);
            let after = engine.clone();
            job.start(
                move |signal, on_chunk| async move {
                    engine
                        .upgrade_plugin((&name, &remote), &privileges, chosen, Some(&signal), on_chunk)
                        .await
                },
                move |_| {
                    let name = installed.name.clone();
                    spawn_local(async move {
                        if was_enabled {
                            match after.enable_plugin(&name, ENABLE_TIMEOUT).await {
                                Ok(()) => note.set(Some(format!("Upgraded and enabled {name}."))),
                                Err(failure) => note.set(Some(format!(
                                    "Upgraded, but {name} did not start again and stays disabled: {failure}"
                                ))),
                            }
                        } else {
                            note.set(Some(format!("Upgraded {name}; it stays disabled.")));
                        }
                        done.try_run(());
                    });
                },
            );
        });
    };
    let installed = Signal::derive(move || plugin.get().map(|p| installed_privileges(&p)));
    let body = move || {
        match step.get() {
        Step::Reference => view! {
            <p>{move || format!("Installed from {}.", plugin.get().map(|p| p.plugin_reference).unwrap_or_default())}</p>
            <ReferenceStep label="New reference" name="upgrade-reference"
                placeholder="registry.example.com/team/driver:2"
                reference=reference registries=registries credentials=credentials on_read=read on_cancel=close/>
        }
        .into_any(),
        Step::Review(privileges) => view! {
            <form class="form" on:submit=upgrade>
                <PrivilegeReview privileges=privileges installed=installed.get_untracked().unwrap_or_default() accepted=accepted/>
                {move || plugin.get().filter(|p| p.enabled).map(|_| view! {
                    <p>"It is enabled: it is disabled for the upgrade and enabled again after."</p>
                    <Check label="Force the disable while it is in use" name="force" value=force/>
                })}
                <ErrorAlert message=error/>
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| step.set(Step::Reference)>"Back"</button>
                    <button type="submit" class="btn btn-primary" disabled=move || !accepted.get()>"Upgrade"</button>
                </div>
            </form>
        }
        .into_any(),
        Step::Running => view! {
            <ProgressPanel job=job/>
            {move || match job.phase.get() {
                JobPhase::Failed(message) => view! {
                    <p class="alert alert-error" role="alert">{install_failure(&message)}</p>
                }.into_any(),
                _ => ().into_any(),
            }}
            {move || note.get().map(|note| view! { <p class="alert" data-testid="upgrade-note">{note}</p> })}
            <div class="dialog-actions">
                <button type="button" class="btn" on:click=move |_| if job.running() { job.cancel() } else { close.run(()) }>
                    {move || if job.running() { "Cancel" } else { "Close" }}
                </button>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        <Modal open=Signal::derive(move || open.get() == Some(Open::Upgrade)) title="Upgrade the plugin" on_close=close testid="upgrade-dialog">
            {body}
        </Modal>
    }
}
