//! Where the Terminal and Attach tabs mount the browser terminal ([`TerminalWorkspace`]). The
//! page only offers these tabs to roles that may exec; this slot is the single place the page
//! hands the container over to the terminal, and it explains the refusal to anyone else.

use berth_shared::access::Access;
use leptos::prelude::*;

use crate::app::session::use_session;
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::terminal::{TerminalMode, TerminalWorkspace};

/// The terminal of container `id` in `environment`: a shell in it, or (`attach`) its main
/// process.
#[component]
pub fn TerminalSlot(environment: String, id: String, attach: bool) -> impl IntoView {
    if !use_session().can(Access::Exec) {
        return view! {
            <EmptyState icon=IconKind::Alert title="Terminals need the operator role">
                "Viewers can read containers but not run commands in them."
            </EmptyState>
        }
        .into_any();
    }
    let mode = if attach {
        TerminalMode::Attach
    } else {
        TerminalMode::Exec
    };
    view! { <TerminalWorkspace environment=environment container=id mode=mode/> }.into_any()
}
