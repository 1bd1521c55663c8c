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
pub mod images;
pub mod key_values;
pub mod live_events;
pub mod logs;
pub mod network_form;
pub mod pages;
pub mod remote;
pub mod session;
pub mod stats_math;
pub mod tar;
pub mod terminal;
pub mod theme;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::shell::Shell;
use crate::components::toast::{ToastRegion, Toaster};
use crate::pages::account::AccountPage;
use crate::pages::audit::AuditPage;
use crate::pages::container::ContainerPage;
use crate::pages::container_new::NewContainerPage;
use crate::pages::containers::ContainersPage;
use crate::pages::events::EventsPage;
use crate::pages::image_detail::ImageDetailPage;
use crate::pages::images::ImagesPage;
use crate::pages::login::{LoginPage, SetupPage};
use crate::pages::network_detail::NetworkDetailPage;
use crate::pages::networks::NetworksPage;
use crate::pages::not_found::NotFound;
use crate::pages::registries::RegistriesPage;
use crate::pages::stats::StatsPage;
use crate::pages::system::SystemPage;
use crate::pages::users::UsersPage;
use crate::pages::volume_detail::VolumeDetailPage;
use crate::pages::volume_files::VolumeFilesPage;
use crate::pages::volumes::VolumesPage;
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
                    <Route path=path!("env/:env/containers") view=ContainersPage/>
                    <Route path=path!("env/:env/containers/new") view=NewContainerPage/>
                    <Route path=path!("env/:env/containers/:id") view=ContainerPage/>
                    <Route path=path!("env/:env/containers/:id/:tab") view=ContainerPage/>
                    <Route path=path!("env/:env/stats") view=StatsPage/>
                    <Route path=path!("env/:env/images") view=ImagesPage/>
                    <Route path=path!("env/:env/images/:id") view=ImageDetailPage/>
                    <Route path=path!("admin/registries") view=RegistriesPage/>
                    <Route path=path!("env/:env/networks") view=NetworksPage/>
                    <Route path=path!("env/:env/networks/:id") view=NetworkDetailPage/>
                    <Route path=path!("env/:env/volumes") view=VolumesPage/>
                    <Route path=path!("env/:env/volumes/:name") view=VolumeDetailPage/>
                    <Route path=path!("env/:env/volumes/:name/files") view=VolumeFilesPage/>
                    <Route path=path!("env/:env/system") view=SystemPage/>
                    <Route path=path!("env/:env/events") view=EventsPage/>
                    <Route path=path!("account") view=AccountPage/>
                    <Route path=path!("admin/users") view=UsersPage/>
                    <Route path=path!("admin/audit") view=AuditPage/>
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion/>
    }
}
