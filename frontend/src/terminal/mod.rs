//! Browser terminals: xterm.js (loaded lazily) bound to the backend's terminal WebSocket.
//!
//! [`TerminalWorkspace`] is the self-contained entry point (environment, container, exec or
//! attach). [`codec`], [`status`] and [`colors`] hold the logic without DOM; [`xterm`] the
//! bindings and the loader; [`pane`] one connected terminal.

pub mod codec;
pub mod colors;
pub mod pane;
pub mod status;
pub mod workspace;
pub mod xterm;

pub use workspace::{TerminalMode, TerminalWorkspace};
