//! One container's actions as one list ([`container_commands`]): the containers list's ⋯ menu
//! on each row and the container page's "More actions" draw it as menu items
//! ([`action_items`]), and the command palette offers it by name, so all three offer the same
//! (start or restart, pause or unpause, stop with a timeout, kill, rename, update, commit,
//! export, duplicate, edit and remove; the palette also a plain stop, which the list and the
//! page have at hand).

use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;

use super::{Busy, Operation, Pending, run_operation};
use crate::api::engine::Engine;
use crate::api::engine::containers::ContainerAction;
use crate::app::engine_status::use_engine_status;
use crate::components::toast::use_toaster;

/// What choosing a command does.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Run an operation at once.
    Run(Operation),
    /// Open its dialog, for options or a confirmation.
    Ask(Box<Pending>),
    /// Go to a page of the app.
    Go(String),
    /// Download `href` as the file `file`.
    Download { href: String, file: String },
}

/// One action on one container.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerCommand {
    /// The menu's label: "Kill…".
    pub label: &'static str,
    /// The palette's phrase, `{}` standing for "container web": "Kill {}…".
    pub phrase: &'static str,
    /// What it does.
    pub step: Step,
}

impl ContainerCommand {
    /// The palette's label for the container named `name`: "Kill container web…".
    pub fn phrase_for(&self, name: &str) -> String {
        self.phrase.replace("{}", &format!("container {name}"))
    }
}

/// Every action on `container` in environment `env`, in the menu's order; `at_hand` adds the
/// plain stop that the list and the page show as a button of its own.
pub fn container_commands(
    container: &ContainerSummary,
    env: &str,
    engine: &Engine,
    at_hand: bool,
) -> Vec<ContainerCommand> {
    let base = format!("/env/{}/containers/new", crate::api::percent_encode(env));
    let id = crate::api::percent_encode(&container.id);
    let running = container.is_running();
    let paused = container.state == "paused";
    let one = || vec![container.clone()];
    let command = |label, phrase, step| ContainerCommand {
        label,
        phrase,
        step,
    };
    let simple = |action: ContainerAction, phrase| ContainerCommand {
        label: action.label(),
        phrase,
        step: Step::Run(Operation::Simple(action)),
    };
    let mut list = Vec::new();
    if running {
        if at_hand && !paused {
            list.push(simple(ContainerAction::Stop, "Stop {}"));
        }
        list.push(simple(ContainerAction::Restart, "Restart {}"));
        list.push(if paused {
            simple(ContainerAction::Unpause, "Unpause {}")
        } else {
            simple(ContainerAction::Pause, "Pause {}")
        });
        list.push(command(
            "Stop with timeout…",
            "Stop with a timeout: {}…",
            Step::Ask(Box::new(Pending::Stop(one()))),
        ));
        list.push(command(
            "Kill…",
            "Kill {}…",
            Step::Ask(Box::new(Pending::Kill(one()))),
        ));
    } else {
        list.push(simple(ContainerAction::Start, "Start {}"));
    }
    list.extend([
        command(
            "Rename…",
            "Rename {}…",
            Step::Ask(Box::new(Pending::Rename(container.clone()))),
        ),
        command(
            "Update resources…",
            "Update the resources of {}…",
            Step::Ask(Box::new(Pending::Update(container.clone()))),
        ),
        command(
            "Commit to image…",
            "Commit {} to an image…",
            Step::Ask(Box::new(Pending::Commit(container.clone()))),
        ),
        command(
            "Export as tar",
            "Export {} as tar",
            Step::Download {
                href: engine.container_export_url(&container.id),
                file: format!("{}.tar", container.display_name()),
            },
        ),
        command(
            "Duplicate",
            "Duplicate {}",
            Step::Go(format!("{base}?from={id}")),
        ),
        command(
            "Edit (recreate)",
            "Edit {} (recreate)",
            Step::Go(format!("{base}?edit={id}")),
        ),
        command(
            "Remove…",
            "Remove {}…",
            Step::Ask(Box::new(Pending::Remove(one()))),
        ),
    ]);
    list
}

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
    container_commands(&container, &env, &engine, false)
        .into_iter()
        .map(|command| match command.step {
            Step::Download { href, file } => view! {
                <a class="menu-item" role="menuitem" href=href download=file
                    on:click=move |_| close.run(())>{command.label}</a>
            }
            .into_any(),
            Step::Go(href) => {
                view! { <a class="menu-item" role="menuitem" href=href>{command.label}</a> }.into_any()
            }
            Step::Run(operation) => {
                let target = container.clone();
                view! {
                    <button class="menu-item" role="menuitem" on:click=move |_| {
                        close.run(());
                        run_operation(untrack(|| status.engine()), toaster, busy, vec![target.clone()], operation.clone());
                    }>{command.label}</button>
                }
                .into_any()
            }
            Step::Ask(open) => {
                let open = *open;
                let class = if matches!(open, Pending::Remove(_)) {
                    "menu-item containers-danger"
                } else {
                    "menu-item"
                };
                view! {
                    <button class=class role="menuitem" on:click=move |_| {
                        close.run(());
                        pending.set(Some(open.clone()));
                    }>{command.label}</button>
                }
                .into_any()
            }
        })
        .collect_view()
}
