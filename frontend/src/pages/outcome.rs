//! Reporting the outcome of an action on the infrastructure pages: a toast, and a health
//! check when the failure says the engine is gone; removals, and going back to the list after.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::ApiError;
use crate::components::toast::Toaster;
use crate::engine_status::EngineStatus;
use crate::pages::action_failed;

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

/// Goes back to the list `section` of the current environment, such as `networks`, after the
/// object a detail page shows is removed.
pub fn back_to_list(status: EngineStatus, section: &'static str) -> Callback<String> {
    let navigate = use_navigate();
    Callback::new(move |_: String| {
        let path = format!("/env/{}/{section}", status.environment.get_untracked());
        navigate(&path, NavigateOptions::default());
    })
}
