//! Adding a tag to an image.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::fields::{FormState, TextField};
use crate::components::form_frame::FormDialog;

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
    let form = FormState::new();
    let close = Callback::new(move |()| {
        image.set(None);
        name.set(String::new());
        form.engine_error.set(None);
    });
    let submit = Callback::new(move |()| {
        let (Some(source), target) = (
            image.get_untracked(),
            name.get_untracked().trim().to_owned(),
        ) else {
            return;
        };
        let Some(()) = form.begin(Ok(())) else {
            return;
        };
        let engine = status.engine_untracked();
        spawn_local(async move {
            let result = engine.tag_image(&source, &target).await;
            if form.finish(status, result).is_some() {
                on_tagged.try_run(target);
                close.try_run(());
            }
        });
    });
    view! {
        <FormDialog
            open=Signal::derive(move || image.get().is_some())
            title="Add a tag"
            testid="tag-dialog"
            form=form
            submit_label="Add tag"
            busy_label="Adding…"
            on_submit=submit
            on_close=close
        >
            <TextField label="New tag" name="tag" value=name error=form.error required=true
                placeholder="registry.example.com/team/app:1.0" hint="Without “:tag”, “latest” is used."/>
        </FormDialog>
    }
}
