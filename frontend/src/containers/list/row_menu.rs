//! A row's actions: start, or stop and restart, at hand; the rest (the lifecycle's
//! [`action_items`]) in a menu fixed to the viewport so the table's scrolling box cannot clip
//! it.

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;

use crate::api::engine::containers::ContainerAction;
use crate::app::engine_status::use_engine_status;
use crate::app::session::use_session;
use crate::components::icons::{Icon, IconKind};
use crate::components::toast::use_toaster;
use crate::containers::lifecycle::{Busy, Operation, Pending, action_items, run_operation};

/// The row whose menu is open, and where the menu goes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct MenuAt {
    /// The row's container.
    pub(super) container: ContainerSummary,
    /// Where the menu goes.
    pub(super) place: MenuPlace,
}

/// A menu's place in the viewport, in CSS pixels: from the right edge, and from the top or the
/// bottom.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct MenuPlace {
    /// From the viewport's right edge.
    pub(super) right: i32,
    /// From the top, when the menu opens downwards.
    pub(super) top: Option<i32>,
    /// From the bottom, when it opens upwards.
    pub(super) bottom: Option<i32>,
}

/// A row's actions: start, or stop and restart, at hand; the rest in its menu. New actions
/// (such as a terminal) go in [`row_menu`].
#[component]
pub(super) fn RowActions(
    container: ContainerSummary,
    busy: Busy,
    menu_open: Signal<bool>,
    open_menu: RwSignal<Option<MenuAt>>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let name = container.display_name().to_owned();
    let quick: &[(ContainerAction, IconKind)] = if container.is_running() {
        &[
            (ContainerAction::Stop, IconKind::Stop),
            (ContainerAction::Restart, IconKind::Restart),
        ]
    } else {
        &[(ContainerAction::Start, IconKind::Play)]
    };
    let busy_id = container.id.clone();
    let is_busy = Signal::derive(move || busy.has(&busy_id));
    let menu_container = container.clone();
    // Operators and admins open terminals in running containers; viewers never see this.
    let terminal_href = (container.is_running() && use_session().can(Access::Exec)).then(|| {
        format!(
            "/env/{}/containers/{}/terminal",
            status.environment.get_untracked(),
            container.id
        )
    });
    view! {
        <div class="row-actions">
            {terminal_href.map(|href| view! {
                <a
                    class="btn btn-icon btn-ghost"
                    href=href
                    aria-label=format!("Terminal in {name}")
                    title="Terminal"
                    data-testid="row-terminal"
                >
                    <Icon kind=IconKind::Terminal/>
                </a>
            })}
            {quick
                .iter()
                .map(|&(action, icon)| {
                    let container = container.clone();
                    view! {
                        <button
                            class="btn btn-icon btn-ghost containers-quick"
                            aria-label=format!("{} {name}", action.label())
                            title=action.label()
                            disabled=move || is_busy.get()
                            on:click=move |_| run_operation(
                                untrack(|| status.engine()),
                                toaster,
                                busy,
                                vec![container.clone()],
                                Operation::Simple(action),
                            )
                        >
                            <Icon kind=icon/>
                        </button>
                    }
                })
                .collect_view()}
            <div class="containers-menu-anchor">
                <button
                    class="btn btn-icon btn-ghost"
                    aria-label=format!("More actions for {name}")
                    aria-haspopup="menu"
                    aria-expanded=move || menu_open.get().to_string()
                    title="More actions"
                    on:click=move |event| {
                        let next = if menu_open.get_untracked() {
                            None
                        } else {
                            Some(MenuAt {
                                container: menu_container.clone(),
                                place: menu_position(&event).unwrap_or_default(),
                            })
                        };
                        open_menu.set(next);
                    }
                >
                    "⋯"
                </button>
            </div>
        </div>
    }
}

/// The menu of one row: the actions the container page's menu offers too.
pub(super) fn row_menu(
    container: ContainerSummary,
    env: String,
    busy: Busy,
    pending: RwSignal<Option<Pending>>,
    open_menu: RwSignal<Option<MenuAt>>,
) -> impl IntoView {
    action_items(
        container,
        env,
        busy,
        pending,
        Callback::new(move |()| open_menu.set(None)),
    )
}

/// Where a row's menu opens: fixed to the viewport under its button (above it when there is
/// no room below), so the table's scrolling box cannot clip it.
fn menu_position(event: &web_sys::MouseEvent) -> Option<MenuPlace> {
    use wasm_bindgen::JsCast;
    let button = event
        .current_target()?
        .dyn_into::<web_sys::Element>()
        .ok()?;
    let rect = button.get_bounding_client_rect();
    let window = window();
    let height = window.inner_height().ok()?.as_f64()?;
    let width = window.inner_width().ok()?.as_f64()?;
    let right = (width - rect.right()) as i32;
    Some(if rect.bottom() + 400.0 > height && rect.top() > 400.0 {
        MenuPlace {
            right,
            top: None,
            bottom: Some((height - rect.top()) as i32 + 4),
        }
    } else {
        MenuPlace {
            right,
            top: Some(rect.bottom() as i32 + 4),
            bottom: None,
        }
    })
}
