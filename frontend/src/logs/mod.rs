//! Container logs without the DOM: demultiplexing the engine's stream into lines
//! ([`frames`]), ANSI styling ([`ansi`]), finding text ([`search`]) and the bounded store of
//! lines the viewer draws from ([`buffer`]). All unit-tested natively.

pub mod ansi;
pub mod buffer;
pub mod frames;
pub mod search;
