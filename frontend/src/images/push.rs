//! Pushing a tag to its registry, with per-layer progress.

use leptos::prelude::*;

use crate::api::engine::images::Credentials;
use crate::app::engine_status::use_engine_status;
use crate::components::modal::Modal;
use crate::images::progress_view::{JobFooter, StreamJob};
use crate::images::registry_select::{RegistrySelect, saved_registries};

/// The push dialog for one `name:tag`.
#[component]
pub fn PushDialog(
    /// The tag to push; `None` hides the dialog.
    target: RwSignal<Option<String>>,
) -> impl IntoView {
    let status = use_engine_status();
    let registries = saved_registries();
    let credentials = RwSignal::new(Credentials::Anonymous);
    let job = StreamJob::new();
    let reference = Signal::derive(move || target.get().unwrap_or_default());
    let push = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Some(name) = target.get_untracked() else {
            return;
        };
        if job.running() {
            return;
        }
        let engine = untrack(|| status.engine());
        let chosen = credentials.get_untracked();
        job.start(
            move |signal, on_chunk| async move {
                engine.push(&name, chosen, Some(&signal), on_chunk).await
            },
            |_| {},
        );
    };
    let close = Callback::new(move |()| {
        job.cancel();
        job.reset();
        target.set(None);
    });
    view! {
        <Modal
            open=Signal::derive(move || target.get().is_some())
            title=Signal::derive(move || format!("Push {}", reference.get()))
            on_close=close
            testid="push-dialog"
        >
            <form class="form" on:submit=push>
                <p class="dialog-body">
                    "The engine uploads the image's layers to the registry that the tag names. "
                    "Tag the image with the registry's address first to push it elsewhere."
                </p>
                <RegistrySelect registries=registries reference=reference chosen=credentials/>
                <JobFooter job=job close=close action="Push" running="Pushing…"/>
            </form>
        </Modal>
    }
}
