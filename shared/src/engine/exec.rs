//! Running one command in a container to its end (`POST /containers/{id}/exec`, then
//! `POST /exec/{id}/start` without detaching), as the file browser does to delete a file.

use serde::{Deserialize, Serialize};

/// The body of `POST /containers/{id}/exec` for a command whose output is read, not typed into.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ExecCreateRequest {
    /// Whether its standard output is sent back.
    pub attach_stdout: bool,
    /// Whether its standard error is sent back.
    pub attach_stderr: bool,
    /// The command and its arguments, run without a shell.
    pub cmd: Vec<String>,
}

/// The body of `POST /exec/{id}/start`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ExecStartRequest {
    /// Whether to return at once instead of streaming the output until the command ends.
    pub detach: bool,
    /// Whether the output is a TTY's (raw) rather than multiplexed.
    pub tty: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_use_the_engine_names() {
        let create = ExecCreateRequest {
            attach_stdout: true,
            attach_stderr: true,
            cmd: vec!["rm".into(), "--".into(), "/tmp/x".into()],
        };
        assert_eq!(
            serde_json::to_value(&create).unwrap(),
            serde_json::json!({"AttachStdout": true, "AttachStderr": true, "Cmd": ["rm", "--", "/tmp/x"]})
        );
        assert_eq!(
            serde_json::to_value(ExecStartRequest::default()).unwrap(),
            serde_json::json!({"Detach": false, "Tty": false})
        );
    }
}
