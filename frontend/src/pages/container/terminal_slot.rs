//! Where the Terminal and Attach tabs mount the browser terminal (`TerminalWorkspace`, from the
//! terminal module). The page only shows these tabs to roles that may exec; this slot is the
//! single place the page hands the container over to the terminal.

use leptos::prelude::*;

use crate::api::engine::Engine;
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;

/// The terminal of container `id`: a shell in it, or (`attach`) its main process.
#[component]
pub fn TerminalSlot(engine: Engine, id: String, attach: bool) -> impl IntoView {
    let _ = (engine, id);
    let title = if attach { "Attach" } else { "Terminal" };
    view! {
        <EmptyState icon=IconKind::Container title=title>
            <p>"The browser terminal is not included in this build of Berth."</p>
        </EmptyState>
    }
}
