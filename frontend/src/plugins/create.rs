//! Creating a plugin from an uploaded tar of a `rootfs/` folder and a `config.json`, as
//! `docker plugin create` does (`PluginCreate`), with upload progress. The plugin arrives
//! disabled.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::api::upload::Upload;
use crate::app::engine_status::use_engine_status;
use crate::components::chosen_files::{ArchiveField, ChosenFile};
use crate::components::modal::Modal;
use crate::format;
use crate::images::progress_view::ProgressBar;

/// Where the upload is.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    Uploading { sent: f64, total: f64 },
    Failed(String),
}

/// The create dialog.
#[component]
pub fn CreatePluginDialog(
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// Runs with the new plugin's name.
    on_created: Callback<String>,
) -> impl IntoView {
    let status = use_engine_status();
    let chosen_file = ChosenFile::new();
    let name = RwSignal::new(String::new());
    let phase = RwSignal::new(Phase::Idle);
    let upload_handle = StoredValue::new_local(None::<Upload>);
    let uploading = move || matches!(phase.get(), Phase::Uploading { .. });
    let close = Callback::new(move |()| {
        if let Some(handle) = upload_handle.get_value() {
            handle.abort();
        }
        phase.set(Phase::Idle);
        open.set(false);
    });
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let target = name.get_untracked().trim().to_owned();
        if target.is_empty() {
            phase.set(Phase::Failed("Name the plugin first.".into()));
            return;
        }
        let Some(chosen) = chosen_file.file() else {
            phase.set(Phase::Failed(
                "Choose a tar of rootfs/ and config.json first.".into(),
            ));
            return;
        };
        if uploading() {
            return;
        }
        let engine = status.engine_untracked();
        phase.set(Phase::Uploading {
            sent: 0.0,
            total: chosen.size(),
        });
        spawn_local(async move {
            let on_progress = move |sent, total| phase.set(Phase::Uploading { sent, total });
            let started = move |handle| upload_handle.set_value(Some(handle));
            let result = engine
                .create_plugin(&target, &chosen, on_progress, started)
                .await;
            upload_handle.set_value(None);
            match result {
                Ok(_) => {
                    phase.set(Phase::Idle);
                    open.set(false);
                    on_created.try_run(target);
                }
                Err(ApiError::Aborted) => phase.set(Phase::Failed("Cancelled.".into())),
                Err(error) => phase.set(Phase::Failed(format!("The engine refused: {error}"))),
            }
        });
    };
    view! {
        <Modal open=open title="Create a plugin" on_close=close testid="create-plugin-dialog">
            <form class="form" on:submit=submit>
                <p>"Upload a tar holding a rootfs/ folder and the plugin's config.json, as docker plugin create takes them. The plugin arrives disabled."</p>
                <label class="field">
                    <span class="field-label">"Name"</span>
                    <input class="mono" name="plugin-name" required placeholder="registry.example.com/team/driver:1" autocomplete="off" spellcheck="false"
                        prop:value=move || name.get() on:input=move |event| name.set(event_target_value(&event))/>
                </label>
                <ArchiveField chosen=chosen_file accept=".tar,.tar.gz,.tgz,application/x-tar,application/gzip"/>
                {move || match phase.get() {
                    Phase::Idle => ().into_any(),
                    Phase::Uploading { sent, total } => view! {
                        <ProgressBar
                            label=format!("Uploading {} of {}", format::bytes(sent as u64), format::bytes(total as u64))
                            fraction=Some(if total > 0.0 { sent / total } else { 0.0 })
                        />
                    }.into_any(),
                    Phase::Failed(message) => view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any(),
                }}
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| close.run(())>
                        {move || if uploading() { "Cancel" } else { "Close" }}
                    </button>
                    <button type="submit" class="btn btn-primary" disabled=uploading>"Create"</button>
                </div>
            </form>
        </Modal>
    }
}
