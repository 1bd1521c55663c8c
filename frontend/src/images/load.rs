//! Uploading archives: loading images saved with `docker save` (or exported here), and importing
//! a root file system tarball as a new image, with upload progress.

use berth_shared::engine::progress::ProgressState;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::api::upload::Upload;
use crate::app::engine_status::use_engine_status;
use crate::components::chosen_files::{ArchiveField, ChosenFile};
use crate::components::modal::Modal;
use crate::components::segmented::Segmented;
use crate::format;
use crate::images::progress_view::ProgressBar;

/// What the upload becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Load,
    Import,
}

/// Where an upload is.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    Uploading { sent: f64, total: f64 },
    Done(String),
    Failed(String),
}

/// The load / import dialog.
#[component]
pub fn LoadDialog(
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// Runs after images arrived.
    on_loaded: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let mode = RwSignal::new(Mode::Load);
    let chosen_file = ChosenFile::new();
    let reference = RwSignal::new(String::new());
    let phase = RwSignal::new(Phase::Idle);
    let upload_handle = StoredValue::new_local(None::<Upload>);
    let uploading = move || matches!(phase.get(), Phase::Uploading { .. });

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Some(chosen) = chosen_file.file() else {
            phase.set(Phase::Failed("Choose an archive first.".into()));
            return;
        };
        if uploading() {
            return;
        }
        let engine = untrack(|| status.engine());
        let target = reference.get_untracked().trim().to_owned();
        let kind = mode.get_untracked();
        phase.set(Phase::Uploading {
            sent: 0.0,
            total: chosen.size(),
        });
        spawn_local(async move {
            let on_progress = move |sent, total| phase.set(Phase::Uploading { sent, total });
            let started = move |handle| upload_handle.set_value(Some(handle));
            let result = match kind {
                Mode::Load => engine.load_images(&chosen, on_progress, started).await,
                Mode::Import => {
                    engine
                        .import_image(&chosen, &target, on_progress, started)
                        .await
                }
            };
            upload_handle.set_value(None);
            phase.set(match result {
                Ok(text) => {
                    let mut state = ProgressState::default();
                    state.feed(&text);
                    state.finish();
                    match state.error {
                        Some(error) => Phase::Failed(error),
                        None => {
                            on_loaded.try_run(());
                            Phase::Done(state.log.join("\n"))
                        }
                    }
                }
                Err(ApiError::Aborted) => Phase::Failed("Cancelled.".into()),
                Err(error) => Phase::Failed(error.to_string()),
            });
        });
    };
    let close = Callback::new(move |()| {
        if let Some(handle) = upload_handle.get_value() {
            handle.abort();
        }
        phase.set(Phase::Idle);
        open.set(false);
    });
    view! {
        <Modal open=open title="Load or import images" on_close=close testid="load-dialog">
            <form class="form" on:submit=submit>
                <Segmented label="Upload as" options=vec![(Mode::Load, "Load images (docker save)"), (Mode::Import, "Import a root filesystem")] value=mode/>
                <ArchiveField chosen=chosen_file accept=".tar,.tar.gz,.tgz,.tar.xz,application/x-tar,application/gzip"/>
                <Show when=move || mode.get() == Mode::Import>
                    <label class="field">
                        <span class="field-label">"New image"</span>
                        <input name="import-reference" required placeholder="app:imported" autocomplete="off" spellcheck="false"
                            prop:value=move || reference.get() on:input=move |event| reference.set(event_target_value(&event))/>
                    </label>
                </Show>
                {move || match phase.get() {
                    Phase::Idle => ().into_any(),
                    Phase::Uploading { sent, total } => view! {
                        <ProgressBar
                            label=format!("Uploading {} of {}", format::bytes(sent as u64), format::bytes(total as u64))
                            fraction=Some(if total > 0.0 { sent / total } else { 0.0 })
                        />
                    }.into_any(),
                    Phase::Done(log) => view! {
                        <p class="alert alert-success" data-testid="job-done">"Done."</p>
                        <pre class="log-output" data-testid="progress-log">{log}</pre>
                    }.into_any(),
                    Phase::Failed(message) => view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any(),
                }}
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| close.run(())>
                        {move || if uploading() { "Cancel" } else { "Close" }}
                    </button>
                    <button type="submit" class="btn btn-primary" disabled=uploading>
                        {move || match mode.get() { Mode::Load => "Load", Mode::Import => "Import" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
