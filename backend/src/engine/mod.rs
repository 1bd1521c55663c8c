//! Everything that talks to Docker engines: addresses, transports, version negotiation and the
//! raw request forwarding.
//!
//! Architecture invariant: only this module opens connections to an engine, and it is only
//! reached through [`crate::policy`]-checked callers.

pub mod client;
mod coalesce;
pub mod endpoint;
pub mod environment;
pub mod hijack;
pub mod login;
pub mod proxy;
pub mod ssh;
pub mod streamed;
pub mod tls;
mod transport;
pub mod upgrade;

pub use client::{EngineClient, EngineError};
pub use endpoint::EngineEndpoint;
pub use environment::{Environment, Environments};
pub use upgrade::UpgradeOutcome;
