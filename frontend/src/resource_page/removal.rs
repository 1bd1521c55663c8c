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

/// The words of a removal: most objects are removed, tokens are revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemovalAction {
    /// The button and the dialog's title: "Remove".
    pub label: &'static str,
    /// In failures: "could not remove …".
    pub verb: &'static str,
    /// In the toast once done: "Removed".
    pub done: &'static str,
}

/// Removing, the usual [`RemovalAction`].
pub const REMOVE: RemovalAction = RemovalAction {
    label: "Remove",
    verb: "remove",
    done: "Removed",
};

/// Runs a removal of the `noun` called `name` and reports it: a toast either way, and
/// `on_removed` with the name once it is gone.
pub fn run_removal(
    status: EngineStatus,
    toaster: Toaster,
    (action, noun): (RemovalAction, &'static str),
    name: String,
    removal: impl Future<Output = Result<(), ApiError>> + 'static,
    on_removed: Callback<String>,
) {
    spawn_local(async move {
        match removal.await {
            Ok(()) => {
                toaster.success(format!("{} {noun} {name}", action.done));
                on_removed.try_run(name);
            }
            Err(error) => {
                report_failure(
                    toaster,
                    status,
                    action.verb,
                    &format!("{noun} {name}"),
                    &error,
                );
            }
        }
    });
}

/// What a [`RemovalDialog`] asks besides "are you sure", such as whether to force it; `()`
/// when it asks nothing more.
pub trait RemovalChoices: Default + Clone + Send + Sync + 'static {
    /// The dialog's controls for these choices, bound to `choices`.
    fn view(choices: RwSignal<Self>) -> AnyView;
}

impl RemovalChoices for () {
    fn view(_: RwSignal<Self>) -> AnyView {
        ().into_any()
    }
}

/// An object a [`RemovalDialog`] can remove.
pub trait Removable: Clone + Send + Sync + 'static {
    /// What it is, in titles and toasts: "network".
    const NOUN: &'static str;
    /// A second paragraph for the dialog, such as when the engine refuses.
    const NOTE: Option<&'static str> = None;
    /// The words of removing it; [`REMOVE`] unless it is revoked or the like.
    const ACTION: RemovalAction = REMOVE;
    /// What the dialog asks besides (`()` for nothing); they start at their defaults each time.
    type Choices: RemovalChoices;
    /// Its name, as the user knows it.
    fn name(&self) -> &str;
    /// What removing it loses, in a sentence or two.
    fn lost(&self) -> String;
    /// Removes it from the engine, as `choices` say.
    fn remove(
        self,
        engine: Engine,
        choices: Self::Choices,
    ) -> impl Future<Output = Result<(), ApiError>> + 'static;
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
    let choices = RwSignal::new(T::Choices::default());
    Effect::new(move || {
        if pending.with(Option::is_some) {
            choices.set(T::Choices::default());
        }
    });
    let confirm = Callback::new(move |()| {
        let Some(object) = pending.get_untracked() else {
            return;
        };
        pending.set(None);
        let name = object.name().to_owned();
        let removal = object.remove(status.engine_untracked(), choices.get_untracked());
        run_removal(
            status,
            toaster,
            (T::ACTION, T::NOUN),
            name,
            removal,
            on_removed,
        );
    });
    view! {
        <ConfirmDialog
            open=Signal::derive(move || pending.with(Option::is_some))
            title=Signal::derive(move || {
                pending.with(|o| o.as_ref().map(|o| format!("{} {} {}?", T::ACTION.label, T::NOUN, o.name()))).unwrap_or_default()
            })
            confirm_label=T::ACTION.label
            on_confirm=confirm
            on_cancel=Callback::new(move |()| pending.set(None))
        >
            <p>{move || pending.with(|o| o.as_ref().map(T::lost))}</p>
            {T::NOTE.map(|note| view! { <p>{note}</p> })}
            {T::Choices::view(choices)}
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
