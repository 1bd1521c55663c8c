//! Container and service logs: the streamed, virtualised viewer ([`viewer`]), whose logs it
//! reads ([`source`]), and its logic without the DOM:
//! demultiplexing the engine's stream into lines ([`lines`]), ANSI styling ([`ansi`]), finding
//! text ([`search`]) and the bounded store of lines the viewer draws from ([`buffer`]), all
//! unit-tested natively.

pub mod ansi;
pub mod buffer;
pub mod lines;
pub mod search;
pub mod source;
pub mod viewer;
