//! Pulling an image: the reference, the credentials, an optional look at the registry's digest
//! and platforms first, then per-layer progress from the engine's stream.

use berth_shared::engine::image::DistributionInspect;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::engine::images::Credentials;
use crate::app::engine_status::use_engine_status;
use crate::components::fields::{Bound, TextField};
use crate::components::modal::Modal;
use crate::images::progress_view::{JobFooter, StreamJob};
use crate::images::registry_select::{RegistrySelect, saved_registries};

/// The pull dialog; `on_pulled` runs after a successful pull.
#[component]
pub fn PullDialog(
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// A reference to start with (from a search result).
    reference: RwSignal<String>,
    /// Runs after a pull succeeds.
    on_pulled: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let registries = saved_registries();
    let credentials = RwSignal::new(Credentials::Anonymous);
    let job = StreamJob::new();
    let distribution = RwSignal::new(None::<Result<DistributionInspect, String>>);
    let inspecting = RwSignal::new(false);

    let inspect = move |_| {
        let name = reference.get_untracked().trim().to_owned();
        if name.is_empty() {
            return;
        }
        inspecting.set(true);
        let engine = untrack(|| status.engine());
        spawn_local(async move {
            let result = engine
                .distribution(&name, credentials.get_untracked(), None)
                .await
                .map_err(|error| error.to_string());
            distribution.set(Some(result));
            inspecting.set(false);
        });
    };
    let pull = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let name = reference.get_untracked().trim().to_owned();
        if name.is_empty() || job.running() {
            return;
        }
        let engine = untrack(|| status.engine());
        let chosen = credentials.get_untracked();
        job.start(
            move |signal, on_chunk| async move {
                engine.pull(&name, chosen, Some(&signal), on_chunk).await
            },
            move |_| on_pulled.run(()),
        );
    };
    // A new reference makes the registry's answer about the old one stale.
    let typed = Bound::new(
        reference.into(),
        Callback::new(move |text| {
            reference.set(text);
            distribution.set(None);
        }),
    );
    let no_error = RwSignal::new(None::<crate::field_error::FieldError>);
    let close = Callback::new(move |()| {
        job.cancel();
        job.reset();
        distribution.set(None);
        open.set(false);
    });
    view! {
        <Modal open=open title="Pull an image" on_close=close testid="pull-dialog">
            <form class="form" on:submit=pull>
                <TextField label="Image" name="reference" value=typed error=no_error required=true
                    placeholder="busybox:latest or registry.example.com/team/app:1"/>
                <RegistrySelect registries=registries reference=reference chosen=credentials/>
                {move || distribution.get().map(|result| match result {
                    Ok(found) => view! {
                        <dl class="facts" data-testid="distribution">
                            <dt>"Digest"</dt>
                            <dd class="mono">{found.descriptor.digest.clone()}</dd>
                            <dt>"Media type"</dt>
                            <dd>{found.descriptor.media_type.clone()}</dd>
                            <dt>"Platforms"</dt>
                            <dd>
                                <div class="chips">
                                    {found.platforms.iter().flatten()
                                        .map(|platform| view! { <span class="chip">{platform.label()}</span> })
                                        .collect_view()}
                                </div>
                            </dd>
                        </dl>
                    }.into_any(),
                    Err(message) => view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any(),
                })}
                <JobFooter job=job close=close action="Pull" running="Pulling…">
                    <button type="button" class="btn" disabled=move || inspecting.get() || job.running() on:click=inspect>
                        {move || if inspecting.get() { "Inspecting…" } else { "Inspect" }}
                    </button>
                </JobFooter>
            </form>
        </Modal>
    }
}
