//! Types that cross the wire between Berth's backend, its browser UI and the Docker engine.
//!
//! Architecture invariant: if a type is serialised, it lives here. This crate does no IO and
//! builds for both `wasm32-unknown-unknown` and the native target.

pub mod access;
pub mod api;
pub mod engine;
pub mod error;
pub mod guardrails;
pub mod percent;
pub mod secrets;
pub mod terminal;
pub mod version;

pub use error::ErrorBody;
pub use version::ApiVersion;
