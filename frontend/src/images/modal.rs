//! A modal dialog for forms and long work, on the native `<dialog>` element so focus, Escape
//! and the backdrop behave as the platform does.

use leptos::html::Dialog;
use leptos::prelude::*;

use crate::components::confirm::show_modal_while;

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
    let dialog = NodeRef::<Dialog>::new();
    show_modal_while(dialog, open);
    view! {
        <dialog
            node_ref=dialog
            class="dialog dialog-wide"
            data-testid=testid
            aria-label=move || title.get()
            on:cancel=move |event: web_sys::Event| {
                event.prevent_default();
                on_close.run(());
            }
        >
            <div class="dialog-content">
                <h2 class="dialog-title">{move || title.get()}</h2>
                {move || open.get().then(|| children())}
            </div>
        </dialog>
    }
}
