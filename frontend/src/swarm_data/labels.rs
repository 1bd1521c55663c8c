//! Editing a secret's or config's labels, the one thing of either the engine lets change.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::fields::{FormState, KeyValueField};
use crate::components::form_frame::FormDialog;
use crate::components::toast::use_toaster;
use crate::key_values;
use crate::swarm_data::create::LABELS;
use crate::swarm_data::kind::SwarmData;

/// The dialog for the labels of the object in `pending`.
#[component]
pub fn LabelsDialog<T: SwarmData>(
    /// The object whose labels are edited.
    pending: RwSignal<Option<T>>,
    /// Runs once they are saved.
    on_done: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let labels = RwSignal::new(String::new());
    let form = FormState::new();
    Effect::new(move || {
        if let Some(object) = pending.get() {
            labels.set(key_values::join(object.labels(), "\n"));
            form.error.set(None);
            form.engine_error.set(None);
        }
    });
    let submit = Callback::new(move |()| {
        let Some(object) = pending.get_untracked() else {
            return;
        };
        let Some(parsed) = form.begin(key_values::parse(LABELS, &labels.get_untracked())) else {
            return;
        };
        let engine = status.engine_untracked();
        let name = object.name().to_owned();
        spawn_local(async move {
            let result = object.relabel(engine, parsed).await;
            if form.finish(status, result).is_some() {
                pending.set(None);
                toaster.success(format!("Saved the labels of {} {name}", T::NOUN));
                on_done.run(());
            }
        });
    });
    view! {
        <FormDialog open=Signal::derive(move || pending.with(Option::is_some)) title="Labels"
            testid="labels-dialog" form=form submit_label="Save labels" busy_label="Saving…"
            on_submit=submit on_close=Callback::new(move |()| pending.set(None))>
            <p class="muted">{move || pending.with(|object| object.as_ref().map(|object| format!(
                "Labels of {} {}. Its name and data cannot change: to change those, create a new one.",
                T::NOUN,
                object.name()
            )))}</p>
            <KeyValueField label=LABELS value=labels error=form.error placeholder="app=web"/>
        </FormDialog>
    }
}
