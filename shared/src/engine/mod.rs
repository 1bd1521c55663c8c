//! Docker Engine API models: the subset of the v1.51 schema that Berth reads or sends.
//!
//! Every field is optional or defaulted, because engines from API 1.41 to 1.51 each leave out
//! different fields, and a missing field must never make a whole list fail to decode. Engines
//! also send `null` for many empty lists and maps, so answers are decoded through [`lenient`],
//! which reads a `null` as the empty value of the type expected there.

pub mod archive;
pub mod config;
pub mod container;
pub mod event;
pub mod exec;
pub mod image;
pub mod inspect;
pub mod lenient;
pub mod listing;
pub mod multiplexed;
pub mod network;
pub mod node;
pub mod plugin;
pub mod progress;
pub mod secret;
pub mod service;
pub mod stats;
pub mod swarm;
pub mod system;
pub mod task;
pub mod volume;
