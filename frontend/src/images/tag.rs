//! Adding a tag to an image.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::modal::Modal;

/// The tag dialog for one image (by id or reference).
#[component]
pub fn TagDialog(
    /// The image to tag; `None` hides the dialog.
    image: RwSignal<Option<String>>,
    /// Runs after the tag is added.
    on_tagged: Callback<String>,
) -> impl IntoView {
    let status = use_engine_status();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let close = Callback::new(move |()| {
        image.set(None);
        name.set(String::new());
        error.set(None);
    });
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let (Some(source), target) = (
            image.get_untracked(),
            name.get_untracked().trim().to_owned(),
        ) else {
            return;
        };
        let engine = untrack(|| status.engine());
        busy.set(true);
        spawn_local(async move {
            match engine.tag_image(&source, &target).await {
                Ok(()) => {
                    on_tagged.try_run(target);
                    close.try_run(());
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <Modal
            open=Signal::derive(move || image.get().is_some())
            title="Add a tag"
            on_close=close
            testid="tag-dialog"
        >
            <form class="form" on:submit=submit>
                <label class="field">
                    <span class="field-label">"New tag"</span>
                    <input
                        name="tag"
                        required
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="registry.example.com/team/app:1.0"
                        prop:value=move || name.get()
                        on:input=move |event| name.set(event_target_value(&event))
                    />
                    <span class="field-hint">"Without “:tag”, “latest” is used."</span>
                </label>
                {move || error.get().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| close.run(())>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get()>"Add tag"</button>
                </div>
            </form>
        </Modal>
    }
}
