//! Installing a plugin, as `docker plugin install` does but one step at a time: the reference
//! (with a saved registry's credentials where it matches), the privileges the engine says it
//! needs (`GetPluginPrivileges`), each accepted, the alias, the pull with its progress, then
//! the settings and enabling it, or leaving it disabled.
//!
//! Nothing is left half-installed: the engine refuses the pull when the privileges sent are
//! not the ones it finds (the plugin changed in the registry since the review), and installs
//! nothing; when the pull succeeded but the enable fails, the wizard says so and offers to
//! remove the plugin.

use berth_shared::engine::plugin::{Plugin, PluginPrivilege};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::images::Credentials;
use crate::app::engine_status::use_engine_status;
use crate::components::fields::{Bound, Check, ErrorAlert, TextField};
use crate::components::modal::Modal;
use crate::field_error::FieldError;
use crate::images::progress_view::{JobPhase, ProgressPanel, StreamJob};
use crate::images::registry_select::saved_registries;
use crate::plugins::model::install_failure;
use crate::plugins::privileges::PrivilegeReview;
use crate::plugins::reference::ReferenceStep;
use crate::plugins::settings::SettingsForm;

/// How long an enable waits for the plugin to answer, in seconds.
pub const ENABLE_TIMEOUT: u32 = 15;

/// Where the wizard is.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Giving the reference.
    Reference,
    /// Reviewing the privileges it asks for, choosing the alias.
    Review(Vec<PluginPrivilege>),
    /// Pulling.
    Pull,
    /// Installed, disabled: its settings, then enable or not.
    Settings(Box<Plugin>),
    /// The enable failed: the engine's reason, and whether to remove it.
    EnableFailed(Box<Plugin>, String),
}

/// The local name a pull without an alias gives: the reference, `latest` when it has no tag.
fn local_name(remote: &str, alias: &str) -> String {
    let name = if alias.is_empty() { remote } else { alias };
    let slash = name.rfind('/').map_or(0, |index| index + 1);
    if name.contains('@') || name[slash..].contains(':') {
        name.to_owned()
    } else {
        format!("{name}:latest")
    }
}

/// The install wizard.
#[component]
pub fn InstallWizard(
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// Runs with the plugin's name once it is installed (enabled or not).
    on_done: Callback<String>,
    /// Runs when the engine's plugins changed (pulled, removed) without the install finishing.
    on_changed: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let registries = saved_registries();
    let credentials = RwSignal::new(Credentials::Anonymous);
    let reference = RwSignal::new(String::new());
    let alias = RwSignal::new(String::new());
    let enable_after = RwSignal::new(true);
    let accepted = RwSignal::new(false);
    let step = RwSignal::new(Step::Reference);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let field_error = RwSignal::new(None::<FieldError>);
    let job = StreamJob::new();

    let close = Callback::new(move |()| {
        job.cancel();
        job.reset();
        step.set(Step::Reference);
        error.set(None);
        open.set(false);
    });
    let read = Callback::new(move |privileges| {
        accepted.set(false);
        error.set(None);
        step.set(Step::Review(privileges));
    });
    // Once the pull is done, the plugin is read back for its settings.
    let finish_pull = move |remote: String, alias: String| {
        let engine = status.engine_untracked();
        spawn_local(async move {
            on_changed.try_run(());
            let name = local_name(&remote, &alias);
            match engine.plugin(&name, None).await {
                Ok((plugin, _)) => {
                    step.set(Step::Settings(Box::new(plugin)));
                }
                Err(failure) => {
                    error.set(Some(format!(
                        "The pull finished, but the plugin {name} could not be read: {failure}"
                    )));
                }
            }
        });
    };
    let install = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Step::Review(privileges) = step.get_untracked() else {
            return;
        };
        if !accepted.get_untracked() {
            error.set(Some("Accept each privilege first.".to_owned()));
            return;
        }
        error.set(None);
        let remote = reference.get_untracked().trim().to_owned();
        let alias_text = alias.get_untracked().trim().to_owned();
        let engine = status.engine_untracked();
        let chosen = credentials.get_untracked();
        step.set(Step::Pull);
        let (remote_for_pull, alias_for_pull) = (remote.clone(), alias_text.clone());
        job.start(
            move |signal, on_chunk| async move {
                engine
                    .pull_plugin(
                        (&remote_for_pull, &alias_for_pull),
                        &privileges,
                        chosen,
                        Some(&signal),
                        on_chunk,
                    )
                    .await
            },
            move |_| finish_pull(remote, alias_text),
        );
    };
    let enable = move |plugin: Plugin| {
        let engine = status.engine_untracked();
        busy.set(true);
        spawn_local(async move {
            let result = engine.enable_plugin(&plugin.name, ENABLE_TIMEOUT).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    on_done.try_run(plugin.name.clone());
                    close.try_run(());
                }
                Err(failure) => {
                    step.set(Step::EnableFailed(Box::new(plugin), failure.to_string()));
                }
            }
        });
    };
    let remove = move |name: String| {
        let engine = status.engine_untracked();
        busy.set(true);
        spawn_local(async move {
            let result = engine.remove_plugin(&name, true).await;
            busy.set(false);
            on_changed.try_run(());
            match result {
                Ok(()) => close.try_run(()),
                Err(failure) => {
                    error.set(Some(format!(
                        "The plugin {name} could not be removed: {failure}"
                    )));
                    None
                }
            };
        });
    };
    let alias_bound = Bound::new(alias.into(), Callback::new(move |text| alias.set(text)));

    let body = move || {
        match step.get() {
        Step::Reference => view! {
            <ReferenceStep label="Reference" name="reference"
                placeholder="vieux/sshfs:latest or registry.example.com/team/driver:1"
                hint="The plugin's image in a registry."
                reference=reference registries=registries credentials=credentials on_read=read on_cancel=close/>
        }
        .into_any(),
        Step::Review(privileges) => view! {
            <form class="form" on:submit=install>
                <p class="mono">{move || reference.get()}</p>
                <PrivilegeReview privileges=privileges accepted=accepted/>
                <TextField label="Alias" name="alias" value=alias_bound error=field_error mono=true
                    hint="The local name; the reference by default."/>
                <Check label="Enable it once installed and set up" name="enable" value=enable_after/>
                <ErrorAlert message=error/>
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| step.set(Step::Reference)>"Back"</button>
                    <button type="submit" class="btn btn-primary" disabled=move || !accepted.get()>"Install"</button>
                </div>
            </form>
        }
        .into_any(),
        Step::Pull => view! {
            <ProgressPanel job=job/>
            {move || match job.phase.get() {
                JobPhase::Failed(message) => view! {
                    <p class="alert alert-error" role="alert" data-testid="install-failed">{install_failure(&message)}</p>
                    <div class="dialog-actions">
                        <button type="button" class="btn" on:click=move |_| close.run(())>"Close"</button>
                        <button type="button" class="btn btn-primary" on:click=move |_| { job.reset(); step.set(Step::Reference); }>
                            "Review again"
                        </button>
                    </div>
                }.into_any(),
                JobPhase::Running => view! {
                    <div class="dialog-actions">
                        <button type="button" class="btn" on:click=move |_| job.cancel()>"Cancel"</button>
                    </div>
                }.into_any(),
                _ => view! { <ErrorAlert message=error/> }.into_any(),
            }}
        }
        .into_any(),
        Step::Settings(plugin) => {
            let plugin = *plugin;
            let name = plugin.name.clone();
            let for_enable = plugin.clone();
            let saved = Callback::new(move |()| {
                if enable_after.get_untracked() {
                    enable(for_enable.clone());
                } else {
                    on_done.run(name.clone());
                    close.run(());
                }
            });
            view! {
                <p>{format!("Installed {}, disabled. Set it up before it starts:", plugin.name)}</p>
                <SettingsForm plugin=plugin submit=if enable_after.get_untracked() { "Save and enable" } else { "Save, leave disabled" } on_saved=saved/>
                <ErrorAlert message=error/>
                <Show when=move || busy.get()><p class="muted">"Enabling…"</p></Show>
            }
            .into_any()
        }
        Step::EnableFailed(plugin, reason) => {
            let name = plugin.name.clone();
            let kept = plugin.name.clone();
            view! {
                <div class="alert alert-error" role="alert" data-testid="enable-failed">
                    <p>{format!("{} was installed, but it did not start: {reason}", plugin.name)}</p>
                    <p>"It is installed and disabled. Remove it, or keep it to change its settings and enable it later."</p>
                </div>
                <ErrorAlert message=error/>
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| { on_done.run(kept.clone()); close.run(()); }>"Keep it disabled"</button>
                    <button type="button" class="btn btn-danger" disabled=move || busy.get()
                        on:click=move |_| remove(name.clone())>"Remove plugin"</button>
                </div>
            }
            .into_any()
        }
    }
    };
    view! {
        <Modal open=open title="Install a plugin" on_close=close testid="install-wizard">
            {body}
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pull_without_alias_names_the_reference_with_its_tag() {
        assert_eq!(local_name("vieux/sshfs", ""), "vieux/sshfs:latest");
        assert_eq!(
            local_name("127.0.0.1:5050/a/driver:v1", ""),
            "127.0.0.1:5050/a/driver:v1"
        );
        assert_eq!(local_name("x/y:v1", "mine"), "mine:latest");
    }
}
