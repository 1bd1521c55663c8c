//! A modal confirmation for destructive actions, on the [`NativeDialog`].

use leptos::prelude::*;

use crate::components::ids::unique_id;
use crate::components::modal::NativeDialog;

/// Asks before something is lost. The body should name exactly what will be lost.
#[component]
pub fn ConfirmDialog(
    /// Whether the dialog is shown.
    #[prop(into)]
    open: Signal<bool>,
    /// The question, naming the object, such as "Remove container web?".
    #[prop(into)]
    title: Signal<String>,
    /// The label of the destructive button, such as "Remove".
    #[prop(into)]
    confirm_label: Signal<String>,
    /// Whether the action is safe (not destructive): its button is then the primary one.
    #[prop(optional, into)]
    safe: Signal<bool>,
    /// Runs when the user confirms.
    on_confirm: Callback<()>,
    /// Runs when the user cancels, by button or Escape.
    on_cancel: Callback<()>,
    /// What will be lost, and any options.
    children: ChildrenFn,
) -> impl IntoView {
    let title_id = unique_id("confirm-title");
    let labelled_by = title_id.clone();
    view! {
        <NativeDialog open=open class="dialog" on_cancel=on_cancel attr:aria-labelledby=labelled_by>
            <form on:submit=move |event| {
                event.prevent_default();
                on_confirm.run(());
            }>
                <h2 id=title_id class="dialog-title">{move || title.get()}</h2>
                <div class="dialog-body">{children()}</div>
                <div class="dialog-actions">
                    <button type="button" class="btn" autofocus on:click=move |_| on_cancel.run(())>
                        "Cancel"
                    </button>
                    <button
                        type="submit"
                        class=move || if safe.get() { "btn btn-primary" } else { "btn btn-danger" }
                    >
                        {move || confirm_label.get()}
                    </button>
                </div>
            </form>
        </NativeDialog>
    }
}
