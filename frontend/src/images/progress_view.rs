//! Long engine work on screen: a job that feeds the engine's progress stream into
//! [`ProgressState`], and the panel that draws it (overall bar, a bar per layer, the log).

use std::future::Future;

use berth_shared::engine::progress::ProgressState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{AbortController, AbortSignal};

use crate::api::ApiError;
use crate::format;

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobPhase {
    /// Not started.
    Idle,
    /// Streaming.
    Running,
    /// Finished without an error.
    Done,
    /// The request or the engine failed.
    Failed(String),
    /// The user cancelled it.
    Cancelled,
}

/// A streamed engine operation that can be cancelled. Cheap to copy.
#[derive(Clone, Copy)]
pub struct StreamJob {
    /// The folded stream.
    pub state: RwSignal<ProgressState>,
    /// Where the job is.
    pub phase: RwSignal<JobPhase>,
    controller: StoredValue<Option<AbortController>, LocalStorage>,
}

impl StreamJob {
    /// An idle job.
    pub fn new() -> Self {
        let job = Self {
            state: RwSignal::new(ProgressState::default()),
            phase: RwSignal::new(JobPhase::Idle),
            controller: StoredValue::new_local(None),
        };
        on_cleanup(move || job.cancel());
        job
    }

    /// Whether it is streaming (tracked).
    pub fn running(&self) -> bool {
        self.phase.get() == JobPhase::Running
    }

    /// Forgets the last run.
    pub fn reset(&self) {
        self.state.set(ProgressState::default());
        self.phase.set(JobPhase::Idle);
    }

    /// Starts `work`, which streams into the `on_chunk` it is given; `done` runs after success.
    pub fn start<F, Fut>(&self, work: F, done: impl FnOnce(&ProgressState) + 'static)
    where
        F: FnOnce(AbortSignal, Box<dyn FnMut(&str)>) -> Fut + 'static,
        Fut: Future<Output = Result<(), ApiError>> + 'static,
    {
        let Ok(controller) = AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        self.controller.set_value(Some(controller));
        self.state.set(ProgressState::default());
        self.phase.set(JobPhase::Running);
        let job = *self;
        let on_chunk: Box<dyn FnMut(&str)> =
            Box::new(move |chunk: &str| job.state.update(|state| state.feed(chunk)));
        spawn_local(async move {
            let result = work(signal, on_chunk).await;
            job.state.update(ProgressState::finish);
            let error = job
                .state
                .try_with_untracked(|state| state.error.clone())
                .flatten();
            job.phase.set(match (result, error) {
                (Err(ApiError::Aborted), _) => JobPhase::Cancelled,
                (Err(error), _) => JobPhase::Failed(error.to_string()),
                (Ok(()), Some(error)) => JobPhase::Failed(error),
                (Ok(()), None) => {
                    job.state.try_with_untracked(|state| done(state));
                    JobPhase::Done
                }
            });
            job.controller.set_value(None);
        });
    }

    /// Cancels the job: the request is aborted, and the gateway drops the engine request.
    pub fn cancel(&self) {
        if let Some(Some(controller)) = self.controller.try_update_value(Option::take) {
            controller.abort();
        }
    }
}

impl Default for StreamJob {
    fn default() -> Self {
        Self::new()
    }
}

/// A labelled progress bar; `fraction` of `None` is indeterminate.
#[component]
pub fn ProgressBar(
    /// The label, for screen readers and beside the bar.
    #[prop(into)]
    label: Signal<String>,
    /// 0.0 to 1.0, or `None` while unknown.
    #[prop(into)]
    fraction: Signal<Option<f64>>,
) -> impl IntoView {
    let percent = move || {
        fraction
            .get()
            .map(|fraction| (fraction * 100.0).round() as u32)
    };
    view! {
        <div class="progress-row">
            <span class="progress-label">{move || label.get()}</span>
            <div
                class="progress"
                class:progress-indeterminate=move || fraction.get().is_none()
                role="progressbar"
                aria-label=move || label.get()
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent().map(|percent| percent.to_string())
            >
                <div class="progress-fill" style:width=move || format!("{}%", percent().unwrap_or(0))></div>
            </div>
            <span class="progress-value">{move || percent().map(|percent| format!("{percent}%")).unwrap_or_default()}</span>
        </div>
    }
}

/// The panel for a job: overall progress, each layer, the log and the outcome.
#[component]
pub fn ProgressPanel(
    /// The job to show.
    job: StreamJob,
    /// Whether to show the log open (builds) or folded (pulls).
    #[prop(default = false)]
    log_open: bool,
) -> impl IntoView {
    let overall = Signal::derive(move || job.state.with(ProgressState::overall));
    let layers = move || job.state.with(|state| state.layers.clone());
    let log = move || job.state.with(|state| state.log.join("\n"));
    let has_layers = move || job.state.with(|state| !state.layers.is_empty());
    let log_ref = NodeRef::<leptos::html::Pre>::new();
    // Keeps the newest output in view while the stream runs.
    Effect::new(move |_| {
        job.state.track();
        if let Some(pre) = log_ref.get() {
            pre.set_scroll_top(pre.scroll_height());
        }
    });
    view! {
        <div class="progress-panel" data-testid="progress-panel" aria-live="polite">
            <Show when=has_layers>
                <ProgressBar label="Overall" fraction=overall/>
                <div class="progress-layers" data-testid="progress-layers">
                    <For each=layers key=|layer| (layer.id.clone(), layer.status.clone(), layer.current) let:layer>
                        <div class="progress-layer">
                            <ProgressBar
                                label=format!("{} {}", layer.id, layer.status)
                                fraction=Some(layer.fraction)
                            />
                            <span class="progress-bytes">
                                {layer.total.map(|total| format!("{} / {}", format::bytes(layer.current), format::bytes(total)))}
                            </span>
                        </div>
                    </For>
                </div>
            </Show>
            <details class="progress-log" open=log_open>
                <summary>"Output"</summary>
                <pre node_ref=log_ref class="log-output" data-testid="progress-log">{log}</pre>
            </details>
            {move || match job.phase.get() {
                JobPhase::Failed(message) => view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any(),
                JobPhase::Cancelled => view! { <p class="alert">"Cancelled."</p> }.into_any(),
                JobPhase::Done => view! { <p class="alert alert-success" data-testid="job-done">"Done."</p> }.into_any(),
                _ => ().into_any(),
            }}
        </div>
    }
}

/// The bottom of a dialog that runs a job: its progress panel once started, then Cancel (while
/// running) or Close, any extra buttons, and the submit button.
#[component]
pub fn JobFooter(
    /// The job.
    job: StreamJob,
    /// Closes the dialog.
    close: Callback<()>,
    /// The submit button's label: "Pull".
    action: &'static str,
    /// Its label while running: "Pulling…".
    running: &'static str,
    /// The cancel button's label while running.
    #[prop(default = "Cancel")]
    cancel: &'static str,
    /// Whether the output log starts open.
    #[prop(default = false)]
    log_open: bool,
    /// Extra buttons between Close and the submit button.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <Show when=move || job.phase.get() != JobPhase::Idle>
            <ProgressPanel job=job log_open=log_open/>
        </Show>
        <div class="dialog-actions">
            <button type="button" class="btn" on:click=move |_| if job.running() { job.cancel() } else { close.run(()) }>
                {move || if job.running() { cancel } else { "Close" }}
            </button>
            {children.map(|children| children())}
            <button type="submit" class="btn btn-primary" disabled=move || job.running()>
                {move || if job.running() { running } else { action }}
            </button>
        </div>
    }
}
