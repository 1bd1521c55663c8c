//! What a terminal is doing, as its tab and status bar show it. No DOM.

use berth_shared::terminal::TerminalErrorKind;

/// The state of one terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaneStatus {
    /// xterm.js is loading.
    Loading,
    /// The socket is opening, or the process is starting.
    Connecting,
    /// The process runs.
    Running {
        /// What runs ("/bin/sh", or "attached").
        command: String,
    },
    /// The process ended.
    Exited(Option<i64>),
    /// The attach ended; the container still runs.
    Detached,
    /// The backend refused or failed.
    Failed {
        /// Its kind, when the backend said.
        kind: Option<TerminalErrorKind>,
        /// What it said.
        message: String,
    },
    /// The connection broke without a last word.
    Lost,
}

impl PaneStatus {
    /// Whether the session is over (so reconnecting makes sense).
    pub fn ended(&self) -> bool {
        !matches!(
            self,
            PaneStatus::Loading | PaneStatus::Connecting | PaneStatus::Running { .. }
        )
    }

    /// A short label for the status bar.
    pub fn label(&self) -> String {
        match self {
            PaneStatus::Loading => "Loading terminal…".into(),
            PaneStatus::Connecting => "Connecting…".into(),
            PaneStatus::Running { command } => format!("Running {command}"),
            PaneStatus::Exited(Some(code)) => format!("Exited with code {code}"),
            PaneStatus::Exited(None) => "Exited".into(),
            PaneStatus::Detached => "Detached; the container still runs".into(),
            PaneStatus::Failed { kind, .. } => match kind {
                Some(TerminalErrorKind::CommandNotFound) => "Command not found".into(),
                Some(TerminalErrorKind::NotRunning) => "Container not running".into(),
                Some(TerminalErrorKind::NotFound) => "No such container".into(),
                Some(TerminalErrorKind::Forbidden) => "Not allowed".into(),
                _ => "Failed".into(),
            },
            PaneStatus::Lost => "Connection lost".into(),
        }
    }

    /// The badge class for the status.
    pub fn tone(&self) -> &'static str {
        match self {
            PaneStatus::Loading | PaneStatus::Connecting => "badge-info",
            PaneStatus::Running { .. } => "badge-ok",
            PaneStatus::Exited(Some(0)) | PaneStatus::Detached => "badge-neutral",
            PaneStatus::Exited(_) | PaneStatus::Lost => "badge-warn",
            PaneStatus::Failed { .. } => "badge-danger",
        }
    }

    /// A longer explanation shown above the terminal, for failures.
    pub fn explanation(&self) -> Option<String> {
        match self {
            PaneStatus::Failed { kind, message } => Some(match kind {
                Some(TerminalErrorKind::CommandNotFound) => {
                    format!("{message} New terminal lets you choose another.")
                }
                _ => message.clone(),
            }),
            PaneStatus::Lost => {
                Some("The connection to Berth broke. Reconnect to start a new session.".to_owned())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_ends() {
        assert!(!PaneStatus::Connecting.ended());
        assert!(PaneStatus::Exited(Some(3)).ended());
        assert_eq!(PaneStatus::Exited(Some(3)).label(), "Exited with code 3");
        let failed = PaneStatus::Failed {
            kind: Some(TerminalErrorKind::CommandNotFound),
            message: "The image has no shell.".into(),
        };
        assert_eq!(failed.label(), "Command not found");
        assert!(failed.explanation().unwrap().contains("New terminal"));
        assert_eq!(PaneStatus::Lost.tone(), "badge-warn");
    }
}
