//! The console's own API: what `/api/…` endpoints send and accept.

pub mod audit;
pub mod auth;
pub mod configs;
pub mod environments;
pub mod health;
pub mod overview;
pub mod registries;
pub mod reveal;
pub mod users;

pub use health::{EngineFailure, EngineSummary, EnvironmentHealth, Health};
