//! Berth's backend: a thin axum server that serves the embedded UI and proxies the Docker
//! Engine API for it and for Docker-compatible clients.
//!
//! `main.rs` only parses the command line; [`app`] builds the whole HTTP service from an
//! [`AppState`], so tests can drive it without a socket.

pub mod api;
pub mod assets;
pub mod audit;
pub mod audit_fields;
pub mod auth;
pub mod cli;
pub mod config;
pub mod engine;
pub mod environments;
pub mod error;
pub mod gateway;
pub mod grants;
pub mod guardrails;
pub mod pki;
pub mod policy;
pub mod redaction;
pub mod registries;
pub mod retention;
pub mod server;
pub mod state;
pub mod store;
pub mod streams;
pub mod terminal;
pub mod tls;
pub mod volume_browser;

pub use router::app;
pub use state::AppState;

mod router;
