//! A modal dialog for forms and long work, on the native `<dialog>` element so focus, Escape
//! and the backdrop behave as the platform does.

use leptos::prelude::*;

use crate::components::confirm::NativeDialog;

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
