//! Berth's browser UI: a Leptos client-side-rendered app.
//!
//! `main.rs` only mounts [`App`]. Pages live in [`pages`], reusable pieces in [`components`],
//! the typed backend client in [`api`]; logic that needs no DOM ([`format`],
//! [`containers_view`], [`theme`]) is plain Rust with native unit tests.

pub mod api;
pub mod cidr;
pub mod components;
pub mod container_form;
pub mod containers_view;
pub mod disk_usage;
pub mod download;
pub mod engine_status;
pub mod field_error;
pub mod files_view;
pub mod format;
pub mod guardrails_form;
pub mod images;
pub mod key_values;
pub mod live_events;
pub mod logs;
pub mod network_form;
pub mod pages;
pub mod remote;
pub mod routes;
pub mod session;
pub mod stats_math;
pub mod tar;
pub mod terminal;
pub mod theme;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{Lazy, path};

use crate::components::shell::Shell;
use crate::components::toast::{ToastRegion, Toaster};
use crate::pages::login::{LoginPage, SetupPage};
use crate::pages::not_found::NotFound;
use crate::routes::*;
use crate::session::Session;

/// The environment the console opens on.
pub const DEFAULT_ENVIRONMENT: &str = "local";

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
                    <Route path=path!("") view=|| view! { <Redirect path="/env/local/containers"/> }/>
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
                    <Route path=path!("env/:env/system") view={Lazy::<SystemRoute>::new()}/>
                    <Route path=path!("env/:env/events") view={Lazy::<EventsRoute>::new()}/>
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
