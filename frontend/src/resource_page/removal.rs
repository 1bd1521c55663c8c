//! Reporting the outcome of an action on the infrastructure pages: a toast, and a health
//! check when the failure says the engine is gone; removals (with the dialog asking first), and
//! going back to the list after.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::app::engine_status::{EngineStatus, use_engine_status};
use crate::components::confirm::ConfirmDialog;
use crate::components::toast::action_failed;
use crate::components::toast::{Toaster, use_toaster};

/// Reports that `verb`ing `what` failed; an unreachable engine also updates the header.
pub fn report_failure(
    toaster: Toaster,
    status: EngineStatus,
    verb: &str,
    what: &str,
    error: &ApiError,
) {
    if error.is_unreachable() {
        status.engine_lost();
    }
    toaster.error(action_failed(verb, what, error));
}

/// Runs a removal of the `noun` called `name` and reports it: a toast either way, and
/// `on_removed` with the name once it is gone.
pub fn run_removal(
    status: EngineStatus,
    toaster: Toaster,
    noun: &'static str,
    name: String,
    removal: impl Future<Output = Result<(), ApiError>> + 'static,
    on_removed: Callback<String>,
) {
    spawn_local(async move {
        match removal.await {
            Ok(()) => {
                toaster.success(format!("Removed {noun} {name}"));
                on_removed.try_run(name);
            }
            Err(error) => {
                report_failure(toaster, status, "remove", &format!("{noun} {name}"), &error);
            }
        }
    });
}

/// An object a [`RemovalDialog`] can remove.
pub trait Removable: Clone + Send + Sync + 'static {
    /// What it is, in titles and toasts: "network".
    const NOUN: &'static str;
    /// A second paragraph for the dialog, such as when the engine refuses.
    const NOTE: Option<&'static str> = None;
    /// Its name, as the user knows it.
    fn name(&self) -> &str;
    /// What removing it loses, in a sentence or two.
    fn lost(&self) -> String;
    /// Removes it from the engine.
    fn remove(self, engine: Engine) -> impl Future<Output = Result<(), ApiError>> + 'static;
}

/// Asks before removing the object in `pending`, naming what is lost, and removes it; used by
/// the list and the detail pages.
#[component]
pub fn RemovalDialog<T: Removable>(
    /// The object about to be removed.
    pending: RwSignal<Option<T>>,
    /// Runs with the object's name once it is gone.
    on_removed: Callback<String>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let confirm = Callback::new(move |()| {
        let Some(object) = pending.get_untracked() else {
            return;
        };
        pending.set(None);
        let name = object.name().to_owned();
        let removal = object.remove(status.engine_untracked());
        run_removal(status, toaster, T::NOUN, name, removal, on_removed);
    });
    view! {
        <ConfirmDialog
            open=Signal::derive(move || pending.with(Option::is_some))
            title=Signal::derive(move || {
                pending.with(|o| o.as_ref().map(|o| format!("Remove {} {}?", T::NOUN, o.name()))).unwrap_or_default()
            })
            confirm_label="Remove"
            on_confirm=confirm
            on_cancel=Callback::new(move |()| pending.set(None))
        >
            <p>{move || pending.with(|o| o.as_ref().map(T::lost))}</p>
            {T::NOTE.map(|note| view! { <p>{note}</p> })}
        </ConfirmDialog>
    }
}

/// Goes back to the list `section` of the current environment, such as `networks`, after the
/// object a detail page shows is removed.
pub fn back_to_list(status: EngineStatus, section: &'static str) -> Callback<String> {
    let navigate = use_navigate();
    Callback::new(move |_: String| {
        let path = format!("/env/{}/{section}", status.environment.get_untracked());
        navigate(&path, NavigateOptions::default());
    })
}
