//! A modal confirmation for destructive actions, on the native `<dialog>` element so focus,
//! Escape and the backdrop behave as the platform does.

use leptos::html::Dialog;
use leptos::prelude::*;

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
    confirm_label: String,
    /// Runs when the user confirms.
    on_confirm: Callback<()>,
    /// Runs when the user cancels, by button or Escape.
    on_cancel: Callback<()>,
    /// What will be lost, and any options.
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    follow_open(dialog, open);
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby="confirm-title"
            on:cancel=move |event: web_sys::Event| {
                event.prevent_default();
                on_cancel.run(());
            }
        >
            <form on:submit=move |event| {
                event.prevent_default();
                on_confirm.run(());
            }>
                <h2 id="confirm-title" class="dialog-title">{move || title.get()}</h2>
                <div class="dialog-body">{children()}</div>
                <div class="dialog-actions">
                    <button type="button" class="btn" autofocus on:click=move |_| on_cancel.run(())>
                        "Cancel"
                    </button>
                    <button type="submit" class="btn btn-danger">{confirm_label}</button>
                </div>
            </form>
        </dialog>
    }
}

/// Shows `dialog` as a modal while `open` is true and closes it otherwise.
pub fn follow_open(dialog: NodeRef<Dialog>, open: Signal<bool>) {
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else {
            return;
        };
        if open.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        } else if dialog.open() {
            dialog.close();
        }
    });
}
