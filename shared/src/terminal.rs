//! The browser terminal protocol: the messages on the WebSocket between the UI's terminals and
//! the backend's exec/attach bridge.
//!
//! - The browser opens `GET /api/env/{env}/terminal` (a WebSocket; the session cookie
//!   authenticates it and its `Origin` must be the console's own) and sends one text frame,
//!   [`ClientMessage::Open`], saying what to run.
//! - After [`ServerMessage::Started`], binary frames from the browser are the process's stdin;
//!   binary frames from the backend are its output, each starting with one [`StreamTag`] byte.
//!   Output frames always end on a UTF-8 character boundary when the output is UTF-8.
//! - Text frames carry the JSON control messages below in both directions (resize, exit,
//!   errors).
//! - The session ends with exactly one of [`ServerMessage::Exited`],
//!   [`ServerMessage::Detached`] or [`ServerMessage::Error`], then a close frame; it never
//!   closes silently. Closing the socket from the browser closes the engine connection.

use serde::{Deserialize, Serialize};

/// What a terminal runs: a new exec in the container, or an attach to its main process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TerminalTarget {
    /// A new process, as `docker exec` starts one.
    Exec {
        /// The command; empty means "detect a shell" (bash, then sh, then ash).
        #[serde(default)]
        command: Vec<String>,
        /// `user`, `user:group`, `uid` or `uid:gid`; empty means the image's default.
        #[serde(default)]
        user: String,
        /// The working directory; empty means the image's default.
        #[serde(default)]
        working_dir: String,
        /// Extra environment, as `KEY=value`.
        #[serde(default)]
        env: Vec<String>,
        /// Whether to allocate a TTY.
        #[serde(default = "yes")]
        tty: bool,
    },
    /// The container's main process, as `docker attach` reaches it.
    Attach {
        /// The key sequence that detaches without stopping the process, as `docker attach`
        /// spells it (`ctrl-p,ctrl-q`); empty means the engine's default.
        #[serde(default)]
        detach_keys: String,
    },
}

fn yes() -> bool {
    true
}

/// Messages from the browser, as JSON text frames.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// The first message: what to run, and the terminal's size.
    Open {
        /// The container's id or name.
        container: String,
        /// What to run in it.
        target: TerminalTarget,
        /// Columns.
        cols: u16,
        /// Rows.
        rows: u16,
    },
    /// The terminal changed size.
    Resize {
        /// Columns.
        cols: u16,
        /// Rows.
        rows: u16,
    },
}

/// Messages from the backend, as JSON text frames.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The process runs; binary frames follow.
    Started {
        /// The exec's id (empty for an attach).
        exec_id: String,
        /// The command that runs (the detected shell, for example).
        command: Vec<String>,
        /// Whether it has a TTY (without one, stdout and stderr are told apart).
        tty: bool,
    },
    /// The process ended.
    Exited {
        /// Its exit code, when the engine knows it.
        code: Option<i64>,
    },
    /// The attach ended while the container still runs (the detach keys, or the engine let
    /// go); the socket closes after this.
    Detached,
    /// Something went wrong; the socket closes after this.
    Error {
        /// Why.
        kind: TerminalErrorKind,
        /// A sentence for the user.
        message: String,
    },
}

/// The kinds of terminal failure the UI explains differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerminalErrorKind {
    /// No such container.
    NotFound,
    /// The container is not running.
    NotRunning,
    /// The command, or any shell, does not exist in the image.
    CommandNotFound,
    /// The user's role does not allow this.
    Forbidden,
    /// The first message was missing or malformed.
    BadRequest,
    /// The engine failed or could not be reached.
    Engine,
}

/// The first byte of every binary output frame: which stream it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum StreamTag {
    /// Standard output (and all output of a TTY).
    Stdout = 1,
    /// Standard error (only without a TTY).
    Stderr = 2,
}

impl StreamTag {
    /// The tag a frame's first byte names, if any.
    pub fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(Self::Stdout),
            2 => Some(Self::Stderr),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_messages_read_with_defaults() {
        let open: ClientMessage = serde_json::from_str(
            r#"{"type":"open","container":"web","target":{"kind":"exec"},"cols":80,"rows":24}"#,
        )
        .unwrap();
        assert_eq!(
            open,
            ClientMessage::Open {
                container: "web".into(),
                target: TerminalTarget::Exec {
                    command: vec![],
                    user: String::new(),
                    working_dir: String::new(),
                    env: vec![],
                    tty: true,
                },
                cols: 80,
                rows: 24,
            }
        );
    }

    #[test]
    fn server_messages_are_tagged() {
        let text = serde_json::to_string(&ServerMessage::Exited { code: Some(3) }).unwrap();
        assert_eq!(text, r#"{"type":"exited","code":3}"#);
        let error = ServerMessage::Error {
            kind: TerminalErrorKind::CommandNotFound,
            message: "no shell".into(),
        };
        assert!(
            serde_json::to_string(&error)
                .unwrap()
                .contains(r#""kind":"command_not_found""#)
        );
        assert_eq!(StreamTag::from_byte(2), Some(StreamTag::Stderr));
        assert_eq!(StreamTag::from_byte(0), None);
    }
}
