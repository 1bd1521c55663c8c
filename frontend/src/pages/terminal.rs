//! `/env/:env/containers/:id/terminal`: terminals to one container (`?mode=attach` attaches to
//! its main process instead of running a new one).

use berth_shared::access::Access;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::session::use_session;
use crate::terminal::{TerminalMode, TerminalWorkspace};

/// The terminal page.
#[component]
pub fn TerminalPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let environment = move || params.with(|params| params.get("env").unwrap_or_default());
    let container = move || params.with(|params| params.get("id").unwrap_or_default());
    let mode = move || {
        if query.with(|query| query.get("mode").as_deref() == Some("attach")) {
            TerminalMode::Attach
        } else {
            TerminalMode::Exec
        }
    };
    let allowed = use_session().can(Access::Exec);
    let switch_href = move |to: TerminalMode| {
        let base = format!("/env/{}/containers/{}/terminal", environment(), container());
        match to {
            TerminalMode::Exec => base,
            TerminalMode::Attach => format!("{base}?mode=attach"),
        }
    };
    view! {
        <section class="page term-page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title" title=container>{move || format!("Terminal · {}", short_reference(&container()))}</h1>
                    <p class="page-sub">
                        <a href=move || format!("/env/{}/containers", environment())>"Containers"</a>
                    </p>
                </div>
                <nav class="toolbar" aria-label="Terminal mode">
                    <a class="btn btn-small" class:btn-primary=move || mode() == TerminalMode::Exec
                        aria-current=move || (mode() == TerminalMode::Exec).then_some("page")
                        href=move || switch_href(TerminalMode::Exec)>"Exec"</a>
                    <a class="btn btn-small" class:btn-primary=move || mode() == TerminalMode::Attach
                        aria-current=move || (mode() == TerminalMode::Attach).then_some("page")
                        href=move || switch_href(TerminalMode::Attach)>"Attach"</a>
                </nav>
            </div>
            {move || if allowed {
                let (environment, container, mode) = (environment(), container(), mode());
                view! { <TerminalWorkspace environment=environment container=container mode=mode/> }.into_any()
            } else {
                view! {
                    <EmptyState icon=IconKind::Alert title="Terminals need the operator role">
                        "Viewers can read containers but not run commands in them."
                    </EmptyState>
                }.into_any()
            }}
        </section>
    }
}

/// A full 64-character container id shortened as the docker CLI shows it; names unchanged.
fn short_reference(reference: &str) -> &str {
    let is_full_id =
        reference.len() == 64 && reference.bytes().all(|byte| byte.is_ascii_hexdigit());
    if is_full_id {
        &reference[..12]
    } else {
        reference
    }
}
