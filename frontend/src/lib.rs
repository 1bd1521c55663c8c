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
pub mod theme;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::shell::Shell;
use crate::components::toast::{ToastRegion, Toaster};
use crate::pages::containers::ContainersPage;
use crate::pages::images::ImagesPage;
use crate::pages::networks::NetworksPage;
use crate::pages::not_found::NotFound;
use crate::pages::system::SystemPage;
use crate::pages::volumes::VolumesPage;

/// The environment the console opens on.
pub const DEFAULT_ENVIRONMENT: &str = "local";

/// The whole app: routes inside the shell, plus the toast region.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Toaster::new());
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/env/local/containers"/> }/>
                <ParentRoute path=path!("/env/:env") view=Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="containers"/> }/>
                    <Route path=path!("containers") view=ContainersPage/>
                    <Route path=path!("images") view=ImagesPage/>
                    <Route path=path!("networks") view=NetworksPage/>
                    <Route path=path!("volumes") view=VolumesPage/>
                    <Route path=path!("system") view=SystemPage/>
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion/>
    }
}
