//! Modal dialogs on the native `<dialog>` element, so focus, Escape and the backdrop behave as
//! the platform does: [`NativeDialog`] itself (which [`ConfirmDialog`] builds on), and
//! [`Modal`], a titled one for forms and long work.
//!
//! [`ConfirmDialog`]: crate::components::confirm::ConfirmDialog

use leptos::html::Dialog;
use leptos::prelude::*;

/// Shows `dialog` as a modal while `open` holds, and closes it when it stops holding.
pub fn show_modal_while(dialog: NodeRef<Dialog>, open: Signal<bool>) {
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

/// A native modal `<dialog>`, shown while `open` holds; Escape runs `on_cancel` instead of closing
/// it, so `open` stays the one truth. Attributes given with `attr:` land on the `<dialog>`.
#[component]
pub fn NativeDialog(
    /// Whether the dialog is shown.
    open: Signal<bool>,
    /// Its classes, such as `dialog`.
    class: &'static str,
    /// Runs when the user presses Escape.
    on_cancel: Callback<()>,
    /// The content.
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    show_modal_while(dialog, open);
    view! {
        <dialog
            node_ref=dialog
            class=class
            on:cancel=move |event: web_sys::Event| {
                event.prevent_default();
                on_cancel.run(());
            }
        >
            {children()}
        </dialog>
    }
}

/// A dialog with a title and arbitrary content; its content supplies its own buttons.
#[component]
pub fn Modal(
    /// Whether the dialog is shown.
    #[prop(into)]
    open: Signal<bool>,
    /// The title.
    #[prop(into)]
    title: Signal<String>,
    /// Runs when the user presses Escape.
    on_close: Callback<()>,
    /// A `data-testid` for tests.
    #[prop(optional)]
    testid: &'static str,
    /// The content.
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <NativeDialog
            open=open
            class="dialog dialog-wide"
            on_cancel=on_close
            attr:data-testid=testid
            attr:aria-label=move || title.get()
        >
            <div class="dialog-content">
                <h2 class="dialog-title">{move || title.get()}</h2>
                {move || open.get().then(|| children())}
            </div>
        </NativeDialog>
    }
}
