//! What the whole app shares: the [`App`] with its route list, the shell around every
//! signed-in page ([`shell`]), sign-in and set-up ([`sign_in`]), who is signed in ([`session`]),
//! the current environment and its engine's health ([`engine_status`]), the environments the
//! user may see with the header's switcher ([`environments`]), data loaded from the
//! backend ([`remote`]), the engine's live events inside components ([`live_events`]), the
//! keyboard layer ([`command_palette`]), the themes ([`theme`], [`theme_toggle`]), and the
//! code-split page groups ([`routes`]).

pub mod command_palette;
pub mod engine_status;
pub mod environments;
pub mod live_events;
pub mod not_found;
pub mod remote;
pub mod routes;
pub mod session;
pub mod shell;
pub mod sign_in;
pub mod theme;
pub mod theme_toggle;
pub mod undecodable;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::{Lazy, path};

use crate::app::environments::HomeGate;
use crate::app::not_found::NotFound;
use crate::app::routes::*;
use crate::app::session::Session;
use crate::app::shell::Shell;
use crate::app::sign_in::{LoginPage, SetupPage};
use crate::components::toast::{ToastRegion, Toaster};

/// The environment the console opens on.
pub const DEFAULT_ENVIRONMENT: &str = "local";

/// The current route's parameter `name` (`id` in `/env/:env/services/:id`), or "" without one.
pub fn use_route_param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get(name).unwrap_or_default()))
}

/// The whole app: sign-in and set-up, the signed-in routes inside the shell, and the toasts.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Toaster::new());
    provide_context(Session::new());
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/setup") view=SetupPage/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=HomeGate/>
                    <Route path=path!("environments") view={Lazy::<HomeRoute>::new()}/>
                    <Route path=path!("admin/environments") view={Lazy::<EnvironmentsRoute>::new()}/>
                    <Route path=path!("env/:env") view=|| view! { <Redirect path="containers"/> }/>
                    <Route path=path!("env/:env/containers") view={Lazy::<ContainersRoute>::new()}/>
                    <Route path=path!("env/:env/containers/new") view={Lazy::<NewContainerRoute>::new()}/>
                    <Route path=path!("env/:env/containers/:id") view={Lazy::<ContainerRoute>::new()}/>
                    <Route path=path!("env/:env/containers/:id/:tab") view={Lazy::<ContainerRoute>::new()}/>
                    <Route path=path!("env/:env/stats") view={Lazy::<StatsRoute>::new()}/>
                    <Route path=path!("env/:env/images") view={Lazy::<ImagesRoute>::new()}/>
                    <Route path=path!("env/:env/images/:id") view={Lazy::<ImageDetailRoute>::new()}/>
                    <Route path=path!("admin/registries") view={Lazy::<RegistriesRoute>::new()}/>
                    <Route path=path!("env/:env/networks") view={Lazy::<NetworksRoute>::new()}/>
                    <Route path=path!("env/:env/networks/:id") view={Lazy::<NetworkDetailRoute>::new()}/>
                    <Route path=path!("env/:env/volumes") view={Lazy::<VolumesRoute>::new()}/>
                    <Route path=path!("env/:env/volumes/:name") view={Lazy::<VolumeDetailRoute>::new()}/>
                    <Route path=path!("env/:env/volumes/:name/files") view={Lazy::<VolumeFilesRoute>::new()}/>
                    <Route path=path!("env/:env/plugins") view={Lazy::<PluginsRoute>::new()}/>
                    <Route path=path!("env/:env/plugins/:name") view={Lazy::<PluginDetailRoute>::new()}/>
                    <Route path=path!("env/:env/system") view={Lazy::<SystemRoute>::new()}/>
                    <Route path=path!("env/:env/events") view={Lazy::<EventsRoute>::new()}/>
                    <Route path=path!("env/:env/swarm") view={Lazy::<SwarmRoute>::new()}/>
                    <Route path=path!("env/:env/nodes") view={Lazy::<NodesRoute>::new()}/>
                    <Route path=path!("env/:env/nodes/:id") view={Lazy::<NodeDetailRoute>::new()}/>
                    <Route path=path!("env/:env/services") view={Lazy::<ServicesRoute>::new()}/>
                    <Route path=path!("env/:env/services/new") view={Lazy::<ServiceFormRoute>::new()}/>
                    <Route path=path!("env/:env/services/:id") view={Lazy::<ServiceDetailRoute>::new()}/>
                    <Route path=path!("env/:env/services/:id/edit") view={Lazy::<ServiceFormRoute>::new()}/>
                    <Route path=path!("env/:env/tasks") view={Lazy::<TasksRoute>::new()}/>
                    <Route path=path!("env/:env/tasks/:id") view={Lazy::<TaskDetailRoute>::new()}/>
                    <Route path=path!("env/:env/secrets") view={Lazy::<SecretsRoute>::new()}/>
                    <Route path=path!("env/:env/secrets/:id") view={Lazy::<SecretDetailRoute>::new()}/>
                    <Route path=path!("env/:env/configs") view={Lazy::<ConfigsRoute>::new()}/>
                    <Route path=path!("env/:env/configs/:id") view={Lazy::<ConfigDetailRoute>::new()}/>
                    <Route path=path!("account") view={Lazy::<AccountRoute>::new()}/>
                    <Route path=path!("admin/users") view={Lazy::<UsersRoute>::new()}/>
                    <Route path=path!("admin/audit") view={Lazy::<AuditRoute>::new()}/>
                    <Route path=path!("env/:env/guardrails") view={Lazy::<GuardrailsRoute>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion/>
    }
}
