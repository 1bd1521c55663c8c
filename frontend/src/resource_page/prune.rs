//! The prune button of a list page's toolbar, with the confirmation that says what goes.

use leptos::prelude::*;

use crate::components::confirm::ConfirmDialog;
use crate::components::icons::{Icon, IconKind};

/// "Prune", which asks first; the children say what pruning removes and what it keeps.
#[component]
pub fn PruneButton(
    /// The dialog's title: "Remove unused networks?".
    title: &'static str,
    /// The confirming button: "Prune networks".
    confirm_label: &'static str,
    /// Runs when the dialog opens, such as to load what pruning would reclaim.
    #[prop(optional)]
    on_open: Option<Callback<()>>,
    /// Prunes, once confirmed.
    on_confirm: Callback<()>,
    /// What pruning removes and keeps.
    children: ChildrenFn,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button class="btn" on:click=move |_| {
            if let Some(on_open) = on_open {
                on_open.run(());
            }
            open.set(true);
        }>
            <Icon kind=IconKind::Trash/>
            "Prune"
        </button>
        <ConfirmDialog
            open=open
            title=title
            confirm_label=confirm_label
            on_confirm=Callback::new(move |()| {
                open.set(false);
                on_confirm.run(());
            })
            on_cancel=Callback::new(move |()| open.set(false))
        >
            {children()}
        </ConfirmDialog>
    }
}
