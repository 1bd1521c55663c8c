//! One plugin's actions on its page, for admins: enable (with a timeout; a failure shows the
//! engine's reason), disable (forced only when asked, with a warning naming what uses it),
//! configure, and push to its registry with progress. Upgrade is its own walk
//! ([`upgrade`](crate::plugins::upgrade)).

use berth_shared::engine::plugin::Plugin;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::images::Credentials;
use crate::app::engine_status::{EngineStatus, use_engine_status};
use crate::components::confirm::ConfirmDialog;
use crate::components::fields::{Check, ErrorAlert};
use crate::components::modal::Modal;
use crate::components::toast::{Toaster, use_toaster};
use crate::images::progress_view::{JobFooter, StreamJob};
use crate::images::registry_select::{RegistrySelect, saved_registries};
use crate::plugins::install::ENABLE_TIMEOUT;
use crate::plugins::model::in_use_failure;
use crate::plugins::settings::SettingsForm;

/// Which of the page's dialogs is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// Disabling, asked first.
    Disable,
    /// The settings.
    Configure,
    /// Pushing.
    Push,
    /// Upgrading.
    Upgrade,
}

/// Enables `plugin`, or reports the engine's reason; `done` runs either way.
pub fn enable(status: EngineStatus, toaster: Toaster, plugin: &Plugin, done: Callback<()>) {
    let engine = status.engine_untracked();
    let name = plugin.name.clone();
    spawn_local(async move {
        match engine.enable_plugin(&name, ENABLE_TIMEOUT).await {
            Ok(()) => toaster.success(format!("Enabled plugin {name}")),
            Err(failure) => toaster.error(format!(
                "Plugin {name} did not start, and stays disabled: {failure}"
            )),
        }
        done.try_run(());
    });
}

/// Asks before disabling, naming what uses the plugin; force is a choice of its own.
#[component]
pub fn DisableDialog(
    /// The open dialog.
    open: RwSignal<Option<Open>>,
    /// The plugin.
    plugin: Signal<Option<Plugin>>,
    /// What uses it: "volume data", "network web".
    users: Signal<Vec<String>>,
    /// Runs once it is disabled.
    done: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let force = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let confirm = Callback::new(move |()| {
        let Some(plugin) = plugin.get_untracked() else {
            return;
        };
        let engine = status.engine_untracked();
        let forced = force.get_untracked();
        spawn_local(async move {
            match engine.disable_plugin(&plugin.name, forced).await {
                Ok(()) => {
                    toaster.success(format!("Disabled plugin {}", plugin.name));
                    force.set(false);
                    error.set(None);
                    open.set(None);
                    done.try_run(());
                }
                Err(failure) => error.set(Some(in_use_failure(
                    &failure.to_string(),
                    &users.get_untracked(),
                ))),
            }
        });
    });
    let cancel = Callback::new(move |()| {
        error.set(None);
        force.set(false);
        open.set(None);
    });
    view! {
        <ConfirmDialog
            open=Signal::derive(move || open.get() == Some(Open::Disable))
            title=Signal::derive(move || format!("Disable plugin {}?", plugin.get().map(|p| p.name).unwrap_or_default()))
            confirm_label="Disable"
            on_confirm=confirm
            on_cancel=cancel
        >
            <p>"The plugin stops, and its drivers are unavailable until it is enabled again."</p>
            {move || {
                let users = users.get();
                if users.is_empty() {
                    view! { <p class="muted">"Nothing on this engine uses it."</p> }.into_any()
                } else {
                    view! {
                        <p data-testid="plugin-users-warning">"In use: the engine refuses unless forced, and these stop working while it is disabled:"</p>
                        <ul class="dialog-list mono">{users.into_iter().map(|user| view! { <li>{user}</li> }).collect_view()}</ul>
                    }.into_any()
                }
            }}
            <Check label="Force (also while in use)" name="force" value=force/>
            <ErrorAlert message=error/>
        </ConfirmDialog>
    }
}

/// The settings dialog.
#[component]
pub fn ConfigureDialog(
    /// The open dialog.
    open: RwSignal<Option<Open>>,
    /// The plugin.
    plugin: Signal<Option<Plugin>>,
    /// Runs once the settings are set.
    done: Callback<()>,
) -> impl IntoView {
    let toaster = use_toaster();
    let close = Callback::new(move |()| open.set(None));
    view! {
        <Modal open=Signal::derive(move || open.get() == Some(Open::Configure)) title="Configure the plugin" on_close=close testid="configure-dialog">
            {move || plugin.get().filter(|_| open.get() == Some(Open::Configure)).map(|plugin| {
                let name = plugin.name.clone();
                view! {
                    <SettingsForm plugin=plugin submit="Save settings" on_saved=Callback::new(move |()| {
                        toaster.success(format!("Saved the settings of {name}"));
                        open.set(None);
                        done.run(());
                    })>
                        <button type="button" class="btn" on:click=move |_| open.set(None)>"Cancel"</button>
                    </SettingsForm>
                }
            })}
        </Modal>
    }
}

/// Pushing the plugin to the registry its name is on.
#[component]
pub fn PushPluginDialog(
    /// The open dialog.
    open: RwSignal<Option<Open>>,
    /// The plugin's name.
    name: Signal<String>,
) -> impl IntoView {
    let status = use_engine_status();
    let registries = saved_registries();
    let credentials = RwSignal::new(Credentials::Anonymous);
    let job = StreamJob::new();
    let push = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        if job.running() {
            return;
        }
        let engine = status.engine_untracked();
        let chosen = credentials.get_untracked();
        let name = name.get_untracked();
        job.start(
            move |signal, on_chunk| async move {
                engine
                    .push_plugin(&name, chosen, Some(&signal), on_chunk)
                    .await
            },
            |_| {},
        );
    };
    let close = Callback::new(move |()| {
        job.cancel();
        job.reset();
        open.set(None);
    });
    view! {
        <Modal
            open=Signal::derive(move || open.get() == Some(Open::Push))
            title=Signal::derive(move || format!("Push {}", name.get()))
            on_close=close
            testid="push-plugin-dialog"
        >
            <form class="form" on:submit=push>
                <p class="dialog-body">"The engine uploads the plugin to the registry its name is on."</p>
                <RegistrySelect registries=registries reference=name chosen=credentials/>
                <JobFooter job=job close=close action="Push" running="Pushing…"/>
            </form>
        </Modal>
    }
}
