//! The swarm's pages need a manager: elsewhere [`ManagerOnly`] says what the engine is and
//! leads to the swarm page, where it can start or join one, instead of an engine error.

use berth_shared::api::overview::SwarmRole;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::engine_status::use_engine_status;
use crate::components::icons::IconKind;
use crate::components::states::{EmptyState, LoadingRows};

/// Whether the current environment's engine is a swarm manager (tracked), once known. It
/// changes only when the answer does, not each time `/info` is read again.
pub fn is_manager() -> Memo<Option<bool>> {
    let status = use_engine_status();
    Memo::new(move |_| {
        status
            .info
            .value()
            .map(|info| SwarmRole::of(&info.swarm) == SwarmRole::Manager)
    })
}

/// Its children where the engine is a swarm manager; elsewhere, why not.
#[component]
pub fn ManagerOnly(
    /// What the page lists, for the placeholder: "services".
    what: &'static str,
    /// The page.
    children: ChildrenFn,
) -> impl IntoView {
    let status = use_engine_status();
    let manager = is_manager();
    move || match manager.get() {
        None => view! { <section class="page"><LoadingRows what=what/></section> }.into_any(),
        // The page is made once: what its making reads (the session, the engine's health) must
        // not make it again, which would read its lists again.
        Some(true) => untrack(|| children()).into_any(),
        Some(false) => {
            let role = status
                .info
                .value()
                .map(|info| SwarmRole::of(&info.swarm).describe())
                .unwrap_or_default();
            view! {
                <section class="page" data-testid="not-a-manager">
                    <EmptyState icon=IconKind::Swarm title="This engine is not a swarm manager">
                        <p>{format!("It is {role}. Swarm {what} are managed through a manager.")}</p>
                        <A href=move || format!("/env/{}/swarm", status.environment.get()) attr:class="btn btn-primary">"Go to the swarm page"</A>
                    </EmptyState>
                </section>
            }
            .into_any()
        }
    }
}
