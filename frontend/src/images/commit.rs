//! Committing a container's file system as a new image.

use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::fields::{Check, FieldMessage, FormState, TextField};
use crate::components::form_frame::FormDialog;
use crate::field_error::FieldError;
use crate::format;

/// The label of the container field, which its error names.
const CONTAINER: &str = "Container";

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
    let form = FormState::new();
    let close = Callback::new(move |()| {
        form.engine_error.set(None);
        form.error.set(None);
        open.set(false);
    });
    let submit = Callback::new(move |()| {
        let (source, target) = (
            container.get_untracked(),
            reference.get_untracked().trim().to_owned(),
        );
        let chosen = if source.is_empty() {
            Err(FieldError::new(CONTAINER, "choose a container"))
        } else {
            Ok(())
        };
        let Some(()) = form.begin(chosen) else {
            return;
        };
        let engine = status.engine_untracked();
        let (note, pause_it) = (comment.get_untracked(), pause.get_untracked());
        spawn_local(async move {
            let result = engine.commit(&source, &target, &note, pause_it).await;
            if let Some(created) = form.finish(status, result) {
                on_committed.try_run(if target.is_empty() {
                    format::short_id(&created.id).to_owned()
                } else {
                    target
                });
                close.try_run(());
            }
        });
    });
    view! {
        <FormDialog open=open title="Commit a container" testid="commit-dialog" form=form
            submit_label="Commit" busy_label="Committing…" on_submit=submit on_close=close>
            <label class="field">
                <span class="field-label">{CONTAINER}</span>
                <select name="container" required prop:value=move || container.get()
                    aria-invalid=move || form.error.with(Option::is_some).to_string()
                    on:change=move |event| container.set(event_target_value(&event))>
                    <option value="">"Choose…"</option>
                    {move || containers.get().into_iter().map(|row| {
                        let name = row.display_name().to_owned();
                        view! { <option value=row.id>{format!("{name} ({}, {})", row.image, row.state)}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage error=form.error field=CONTAINER/>
            </label>
            <TextField label="New image" name="commit-reference" value=reference error=form.error placeholder="app:snapshot"/>
            <TextField label="Comment" name="comment" value=comment error=form.error/>
            <Check label="Pause the container while committing" name="pause" value=pause/>
        </FormDialog>
    }
}
