//! Berth's browser UI: a Leptos client-side-rendered app.
//!
//! `main.rs` only mounts [`App`]. The code is arranged by feature: each of [`containers`],
//! [`images`], [`networks`], [`volumes`], [`system`] and [`admin`] holds its pages, its
//! dialogs and its logic without DOM (tested natively), as do [`logs`] and [`terminal`]. What
//! the whole app shares (the route list, the shell, the session, the engine's status, remote
//! data, the themes) is in [`app`]; the typed backend client in [`api`]; generic components in
//! [`components`], and the list and detail pages every resource is drawn with in
//! [`resource_page`]. The few top-level modules are plain helpers used across features.

pub mod admin;
pub mod api;
pub mod app;
pub mod components;
pub mod containers;
pub mod environments;
pub mod field_error;
pub mod format;
pub mod images;
pub mod key_values;
pub mod logs;
pub mod networks;
pub mod plugins;
pub mod resource_page;
pub mod services;
pub mod shell_words;
pub mod swarm;
pub mod swarm_data;
pub mod system;
pub mod tar;
pub mod terminal;
pub mod time;
pub mod volumes;

pub use app::{App, DEFAULT_ENVIRONMENT};
