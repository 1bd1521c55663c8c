//! Berth's browser UI: a Leptos client-side-rendered app.
//!
//! `main.rs` only mounts [`App`]. Pages live in [`pages`], reusable pieces in [`components`],
//! the typed backend client in [`api`]; logic that needs no DOM ([`format`],
//! [`containers_view`], [`theme`]) is plain Rust with native unit tests.

pub mod api;
pub mod components;
pub mod containers_view;
pub mod engine_status;
pub mod format;
pub mod pages;
pub mod remote;
pub mod session;
pub mod terminal;
pub mod theme;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::shell::Shell;
use crate::components::toast::{ToastRegion, Toaster};
use crate::pages::account::AccountPage;
use crate::pages::audit::AuditPage;
use crate::pages::containers::ContainersPage;
use crate::pages::images::ImagesPage;
use crate::pages::login::{LoginPage, SetupPage};
use crate::pages::networks::NetworksPage;
use crate::pages::not_found::NotFound;
use crate::pages::system::SystemPage;
use crate::pages::terminal::TerminalPage;
use crate::pages::users::UsersPage;
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
                    <Route path=path!("env/:env/containers/:id/terminal") view=TerminalPage/>
                    <Route path=path!("env/:env/images") view=ImagesPage/>
                    <Route path=path!("env/:env/networks") view=NetworksPage/>
                    <Route path=path!("env/:env/volumes") view=VolumesPage/>
                    <Route path=path!("env/:env/system") view=SystemPage/>
                    <Route path=path!("account") view=AccountPage/>
                    <Route path=path!("admin/users") view=UsersPage/>
                    <Route path=path!("admin/audit") view=AuditPage/>
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion/>
    }
}
