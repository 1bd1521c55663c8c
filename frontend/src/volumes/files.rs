//! A volume's files, through a short-lived helper container that Berth creates for the visit,
//! keeps alive while they are shown, and removes when they are left: by the app's own
//! navigation (or another tab of the volume's page), or by a full page load or closed tab
//! (`pagehide`, a beacon), or, should the browser vanish, after the idle timeout.
//! [`VolumeFiles`] is the volume page's Files tab; [`VolumeFilesPage`] is the same on a page of
//! its own, `/env/:env/volumes/:name/files`, where the list's Browse button leads.

use std::time::Duration;

use berth_shared::engine::archive::VolumeBrowser;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::engine::Engine;
use crate::api::{ApiError, volume_browser};
use crate::app::engine_status::use_engine_status;
use crate::components::file_browser::FileBrowser;
use crate::components::states::{ErrorState, LoadingRows};

/// `/env/:env/volumes/:name/files`.
#[component]
pub fn VolumeFilesPage() -> impl IntoView {
    let params = use_params_map();
    let status = use_engine_status();
    let volume = params.with_untracked(|p| p.get("name").unwrap_or_default());
    let environment = status.environment.get_untracked();
    view! {
        <section class="page" aria-labelledby="page-title">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href=format!("/env/{environment}/volumes")>"Volumes"</A>
                <span aria-hidden="true">"/"</span>
            </nav>
            <div class="page-head">
                <div>
                    <h1 id="page-title" class="detail-title">{volume.clone()}</h1>
                    <p class="page-sub">"Files of this volume, through a temporary helper container that is removed when you leave."</p>
                </div>
            </div>
            <VolumeFiles volume=volume/>
        </section>
    }
}

/// The files of `volume`, while shown.
#[component]
pub fn VolumeFiles(
    /// The volume's name.
    volume: String,
) -> impl IntoView {
    let status = use_engine_status();
    let environment = status.environment.get_untracked();
    let session = RwSignal::new(None::<Result<VolumeBrowser, ApiError>>);
    let attempt = RwSignal::new(0u32);

    // The helper's id, for the clean-up when the page goes away.
    let helper = StoredValue::new(None::<String>);
    {
        let (volume, environment) = (volume.clone(), environment.clone());
        Effect::new(move |_| {
            attempt.track();
            let (volume, environment) = (volume.clone(), environment.clone());
            spawn_local(async move {
                let result = volume_browser::start(&environment, &volume).await;
                if let Ok(browser) = &result {
                    // The page may already be gone: then remove the helper at once.
                    if helper
                        .try_set_value(Some(browser.container.clone()))
                        .is_some()
                    {
                        let _ = volume_browser::stop(&environment, &browser.container).await;
                        return;
                    }
                }
                session.try_set(Some(result));
            });
        });
    }
    {
        let environment = environment.clone();
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if let Some(Some(id)) = helper.try_get_value() {
                    let environment = environment.clone();
                    spawn_local(async move {
                        let _ = volume_browser::keep_alive(&environment, &id).await;
                    });
                }
            },
            Duration::from_secs(30),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    {
        // A full page load elsewhere (or a closed tab) runs no clean-up, only `pagehide`. A
        // page kept in the back-forward cache comes back without its helper: it starts another.
        let environment = environment.clone();
        let hide = window_event_listener_untyped("pagehide", move |_| {
            if let Some(Some(id)) = helper.try_get_value()
                && volume_browser::end_beacon(&environment, &id)
            {
                helper.try_set_value(None);
            }
        });
        let show = window_event_listener_untyped("pageshow", move |event| {
            let restored = js_sys::Reflect::get(&event, &"persisted".into())
                .ok()
                .and_then(|persisted| persisted.as_bool())
                .unwrap_or(false);
            if restored && helper.try_get_value().is_some_and(|id| id.is_none()) {
                session.try_set(None);
                attempt.try_update(|a| *a += 1);
            }
        });
        on_cleanup(move || {
            hide.remove();
            show.remove();
        });
    }
    on_cleanup(move || {
        if let Some(Some(id)) = helper.try_get_value() {
            spawn_local(async move {
                let _ = volume_browser::stop(&environment, &id).await;
            });
        }
    });

    move || {
        match session.get() {
                None => view! { <LoadingRows what="the volume"/> }.into_any(),
                Some(Err(error)) => view! {
                    <ErrorState error=error on_retry=Callback::new(move |()| { session.set(None); attempt.update(|a| *a += 1); })/>
                }
                .into_any(),
                Some(Ok(browser)) => view! {
                    <FileBrowser
                        engine=Engine::new(&status.environment.get_untracked())
                        container=browser.container.clone()
                        start=browser.path.clone()
                        root=browser.path
                        label=volume.clone()
                    />
                }
                .into_any(),
            }
    }
}

/// Whether the signed-in role may browse volumes (it needs operate and download).
pub fn may_browse() -> bool {
    let session = crate::app::session::use_session();
    session.can(berth_shared::access::Access::Operate)
        && session.can(berth_shared::access::Access::Download)
}

/// The volumes page's Browse action, for roles that may browse.
pub fn browse_link(environment: &str, volume: &str) -> Option<impl IntoView + use<>> {
    may_browse().then(|| {
        let href = format!(
            "/env/{}/volumes/{}/files",
            crate::api::percent_encode(environment),
            crate::api::percent_encode(volume)
        );
        view! { <A href=href attr:class="btn btn-small btn-ghost" attr:aria-label=format!("Browse {volume}")>"Browse"</A> }
    })
}
