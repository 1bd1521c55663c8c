//! Committing a container's file system as a new image.

use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::fields::Check;
use crate::components::modal::Modal;
use crate::format;

/// The commit dialog, choosing among `containers`.
#[component]
pub fn CommitDialog(
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// The containers to choose from.
    #[prop(into)]
    containers: Signal<Vec<ContainerSummary>>,
    /// Runs with the new image's reference after the commit.
    on_committed: Callback<String>,
) -> impl IntoView {
    let status = use_engine_status();
    let container = RwSignal::new(String::new());
    let reference = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let pause = RwSignal::new(true);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let close = Callback::new(move |()| {
        error.set(None);
        open.set(false);
    });
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let (source, target) = (
            container.get_untracked(),
            reference.get_untracked().trim().to_owned(),
        );
        if source.is_empty() {
            error.set(Some("Choose a container.".into()));
            return;
        }
        let engine = untrack(|| status.engine());
        let (note, pause_it) = (comment.get_untracked(), pause.get_untracked());
        busy.set(true);
        spawn_local(async move {
            match engine.commit(&source, &target, &note, pause_it).await {
                Ok(created) => {
                    on_committed.try_run(if target.is_empty() {
                        format::short_id(&created.id).to_owned()
                    } else {
                        target
                    });
                    close.try_run(());
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <Modal open=open title="Commit a container" on_close=close testid="commit-dialog">
            <form class="form" on:submit=submit>
                <label class="field">
                    <span class="field-label">"Container"</span>
                    <select name="container" required prop:value=move || container.get()
                        on:change=move |event| container.set(event_target_value(&event))>
                        <option value="">"Choose…"</option>
                        {move || containers.get().into_iter().map(|row| {
                            let name = row.display_name().to_owned();
                            view! { <option value=row.id>{format!("{name} ({}, {})", row.image, row.state)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">"New image"</span>
                    <input name="commit-reference" autocomplete="off" spellcheck="false" placeholder="app:snapshot (optional)"
                        prop:value=move || reference.get() on:input=move |event| reference.set(event_target_value(&event))/>
                </label>
                <label class="field">
                    <span class="field-label">"Comment"</span>
                    <input name="comment" autocomplete="off"
                        prop:value=move || comment.get() on:input=move |event| comment.set(event_target_value(&event))/>
                </label>
                <Check label="Pause the container while committing" name="pause" value=pause/>
                {move || error.get().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| close.run(())>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get()>"Commit"</button>
                </div>
            </form>
        </Modal>
    }
}
