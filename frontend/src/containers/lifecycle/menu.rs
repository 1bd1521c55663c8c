//! One container's actions beyond those at hand, as menu items: the containers list's ⋯ menu
//! on each row and the container page's "More actions" both list these, so both offer the same
//! (pause or unpause, stop with a timeout, kill, rename, update, commit, export, duplicate,
//! edit and remove).

use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;

use super::{Busy, Operation, Pending, run_operation};
use crate::api::engine::containers::ContainerAction;
use crate::app::engine_status::use_engine_status;
use crate::components::toast::use_toaster;

/// The menu items for `container`; `close` closes the menu when one is chosen. Those that need
/// options or a confirmation open their dialog through `pending`.
pub fn action_items(
    container: ContainerSummary,
    env: String,
    busy: Busy,
    pending: RwSignal<Option<Pending>>,
    close: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let engine = untrack(|| status.engine());
    let base = format!("/env/{}/containers/new", crate::api::percent_encode(&env));
    let id = crate::api::percent_encode(&container.id);
    let paused = container.state == "paused";
    let running = container.is_running();
    let item = move |label: &'static str, open: Pending| {
        let class = if matches!(open, Pending::Remove(_)) {
            "menu-item containers-danger"
        } else {
            "menu-item"
        };
        view! {
            <button class=class role="menuitem" on:click=move |_| {
                close.run(());
                pending.set(Some(open.clone()));
            }>{label}</button>
        }
    };
    let pause_action = if paused {
        ContainerAction::Unpause
    } else {
        ContainerAction::Pause
    };
    let pause_target = container.clone();
    let lifecycle: &[ContainerAction] = if running {
        &[ContainerAction::Restart]
    } else {
        &[ContainerAction::Start]
    };
    let lifecycle_views = lifecycle
        .iter()
        .map(|&action| {
            let target = container.clone();
            view! {
                <button class="menu-item" role="menuitem" on:click=move |_| {
                    close.run(());
                    run_operation(untrack(|| status.engine()), toaster, busy, vec![target.clone()], Operation::Simple(action));
                }>{action.label()}</button>
            }
        })
        .collect_view();
    view! {
        <>
            {lifecycle_views}
            {running.then(|| view! {
                <button class="menu-item" role="menuitem" on:click=move |_| {
                    close.run(());
                    run_operation(untrack(|| status.engine()), toaster, busy, vec![pause_target.clone()], Operation::Simple(pause_action));
                }>{pause_action.label()}</button>
            })}
            {running.then(|| item("Stop with timeout…", Pending::Stop(vec![container.clone()])))}
            {running.then(|| item("Kill…", Pending::Kill(vec![container.clone()])))}
            {item("Rename…", Pending::Rename(container.clone()))}
            {item("Update resources…", Pending::Update(container.clone()))}
            {item("Commit to image…", Pending::Commit(container.clone()))}
            <a class="menu-item" role="menuitem" href=engine.container_export_url(&container.id)
                download=format!("{}.tar", container.display_name())
                on:click=move |_| close.run(())>"Export as tar"</a>
            <a class="menu-item" role="menuitem" href=format!("{base}?from={id}")>"Duplicate"</a>
            <a class="menu-item" role="menuitem" href=format!("{base}?edit={id}")>"Edit (recreate)"</a>
            {item("Remove…", Pending::Remove(vec![container.clone()]))}
        </>
    }
}
