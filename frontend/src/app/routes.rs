//! Code splitting: the pages behind the shell are lazy routes. A release build splits each group
//! of pages below into a WebAssembly module of its own (scripts/build-wasm.sh), which the browser
//! fetches the first time it shows one of those pages; the first load carries only the shell.
//! Pages split further the same way (the container page's tabs), through [`load`] and
//! [`lazy_view`]. Native builds and unsplit builds call the same functions directly.
//!
//! A module can fail to load: the network drops, or Berth was upgraded while the tab was open and
//! the old modules are gone. The load is retried, and if it keeps failing the page says so and
//! offers a reload instead of the app stopping.
//!
//! Each page is made in its own route's environment ([`in_its_environment`]).

use std::future::Future;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use leptos_router::LazyRoute;
use send_wrapper::SendWrapper;

use crate::admin::account::AccountPage;
use crate::admin::audit::AuditPage;
use crate::admin::guardrails::GuardrailsPage;
use crate::admin::registries::RegistriesPage;
use crate::admin::users::UsersPage;
use crate::app::engine_status::EngineStatus;
use crate::app::use_route_param;
use crate::components::icons::IconKind;
use crate::components::states::{EmptyState, LoadingRows};
use crate::containers::create::NewContainerPage;
use crate::containers::detail::ContainerPage;
use crate::containers::list::ContainersPage;
use crate::containers::stats_overview::StatsPage;
use crate::environments::admin::EnvironmentsAdminPage;
use crate::environments::home::HomePage;
use crate::images::detail::ImageDetailPage;
use crate::images::list::ImagesPage;
use crate::networks::detail::NetworkDetailPage;
use crate::networks::list::NetworksPage;
use crate::plugins::detail::PluginDetailPage;
use crate::plugins::list::PluginsPage;
use crate::services::detail::ServiceDetailPage;
use crate::services::form::ServiceFormPage;
use crate::services::list::ServicesPage;
use crate::swarm::node_detail::NodeDetailPage;
use crate::swarm::nodes::NodesPage;
use crate::swarm::page::SwarmPage;
use crate::swarm::task_detail::TaskDetailPage;
use crate::swarm::tasks::TasksPage;
use crate::swarm_data::detail::{ConfigDetailPage, SecretDetailPage};
use crate::swarm_data::list::{ConfigsPage, SecretsPage};
use crate::system::dashboard::SystemPage;
use crate::system::events::EventsPage;
use crate::volumes::detail::VolumeDetailPage;
use crate::volumes::files::VolumeFilesPage;
use crate::volumes::list::VolumesPage;

/// How often a failed module load is tried again, and how long to wait before the first retry
/// (doubled each time).
const RETRIES: u32 = 3;
const FIRST_RETRY_MS: u32 = 400;

/// A page's module did not load.
#[derive(Debug)]
pub struct PageLoadError;

impl From<SplitLoaderError> for PageLoadError {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

/// Loads a view through its split function, retrying a failed load with back-off; the view
/// says so when the module would not load at all.
pub async fn load<Fut>(split: impl Fn() -> Fut) -> AnyView
where
    Fut: Future<Output = Result<AnyView, PageLoadError>>,
{
    let mut delay = FIRST_RETRY_MS;
    for _ in 0..RETRIES {
        if let Ok(view) = split().await {
            return view;
        }
        TimeoutFuture::new(delay).await;
        delay *= 2;
    }
    split()
        .await
        .unwrap_or_else(|PageLoadError| view! { <PageLoadFailed/> }.into_any())
}

/// Shows the view `view` resolves to (a [`load`]). Until its module has arrived, a placeholder
/// stands in for `what` ("the tab").
pub fn lazy_view(
    what: &'static str,
    view: impl Future<Output = AnyView> + 'static,
) -> impl IntoView {
    // The browser has one thread: nothing is ever sent anywhere.
    let view = SendWrapper::new(view);
    view! {
        <Suspense fallback=move || view! { <LoadingRows what=what/> }>
            {Suspend::new(view)}
        </Suspense>
    }
}

/// Shown in place of a page whose module would not load.
#[component]
fn PageLoadFailed() -> impl IntoView {
    let reload = move |_| {
        let _ = window().location().reload();
    };
    view! {
        <div role="alert" data-testid="page-load-failed">
            <EmptyState icon=IconKind::Alert title="This page could not be loaded">
                <p>
                    "The browser could not fetch this part of Berth. The connection may have \
                     dropped, or Berth was updated since this tab opened."
                </p>
                <button type="button" class="btn btn-primary" on:click=reload>"Reload Berth"</button>
            </EmptyState>
        </div>
    }
}

/// Makes a page with the engine status of its own route's environment
/// ([`EngineStatus::for_page`]); a route without one (the home page, administration) keeps the
/// shell's.
pub fn in_its_environment(page: impl FnOnce() -> AnyView) -> AnyView {
    if let Some(shell) = use_context::<EngineStatus>() {
        let route = use_route_param("env");
        let environment = Memo::new(move |_| {
            let id = route.get();
            if id.is_empty() {
                shell.environment.get()
            } else {
                id
            }
        });
        provide_context(shell.for_page(environment));
    }
    page()
}

/// Declares lazy routes: for each page, a split function in the named module (pages that share
/// a module load together) and a unit type whose view loads it.
///
/// The router asks a route to preload as soon as it matches, which on the first load is when
/// the app starts, before the session is known and the shell draws its outlet: the module is
/// fetched and compiled then, beside the session's request, rather than after it. The router
/// waits for a preload before it draws anything, so the preload is not waited for: the view
/// waits for the same load when it is drawn.
macro_rules! lazy_pages {
    ($($module:ident { $($route:ident => $page:ident),+ $(,)? })*) => {$($(
        #[doc = concat!("The lazily loaded route of [`", stringify!($page), "`].")]
        pub struct $route;

        impl $route {
            /// Loads the page's module and makes the page; only loads it when not `draw`.
            async fn split(draw: bool) -> Result<AnyView, PageLoadError> {
                // Named after the route: the splitter links split functions by name.
                #[allow(non_snake_case)]
                #[wasm_split($module, wasm_split_path = leptos::wasm_split, fallible, preload(fetch_module))]
                fn $route() -> Result<AnyView, PageLoadError> {
                    Ok(in_its_environment(|| view! { <$page/> }.into_any()))
                }
                if draw {
                    $route().await
                } else {
                    fetch_module().await.map(|()| ().into_any()).map_err(PageLoadError::from)
                }
            }
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                load(|| Self::split(true)).await
            }

            fn preload() -> impl Future<Output = ()> {
                leptos::task::spawn_local(async {
                    // A failed load is the view's to retry and report.
                    let _ = Self::split(false).await;
                });
                async {}
            }
        }
    )+)*};
}

lazy_pages! {
    containers_list {
        ContainersRoute => ContainersPage,
    }
    container_detail {
        ContainerRoute => ContainerPage,
    }
    container_create {
        NewContainerRoute => NewContainerPage,
    }
    images_pages {
        ImagesRoute => ImagesPage,
        ImageDetailRoute => ImageDetailPage,
        RegistriesRoute => RegistriesPage,
    }
    infrastructure_pages {
        StatsRoute => StatsPage,
        NetworksRoute => NetworksPage,
        NetworkDetailRoute => NetworkDetailPage,
        VolumesRoute => VolumesPage,
        VolumeDetailRoute => VolumeDetailPage,
        VolumeFilesRoute => VolumeFilesPage,
        SystemRoute => SystemPage,
        EventsRoute => EventsPage,
    }
    swarm_pages {
        SwarmRoute => SwarmPage,
        NodesRoute => NodesPage,
        NodeDetailRoute => NodeDetailPage,
        TasksRoute => TasksPage,
        TaskDetailRoute => TaskDetailPage,
    }
    service_pages {
        ServicesRoute => ServicesPage,
        ServiceDetailRoute => ServiceDetailPage,
        ServiceFormRoute => ServiceFormPage,
    }
    swarm_data_pages {
        SecretsRoute => SecretsPage,
        SecretDetailRoute => SecretDetailPage,
        ConfigsRoute => ConfigsPage,
        ConfigDetailRoute => ConfigDetailPage,
    }
    plugin_pages {
        PluginsRoute => PluginsPage,
        PluginDetailRoute => PluginDetailPage,
    }
    environment_pages {
        HomeRoute => HomePage,
        EnvironmentsRoute => EnvironmentsAdminPage,
    }
    administration_pages {
        AccountRoute => AccountPage,
        UsersRoute => UsersPage,
        AuditRoute => AuditPage,
        GuardrailsRoute => GuardrailsPage,
    }
}
