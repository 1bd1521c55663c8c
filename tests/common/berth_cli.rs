//! The `berth` binary's command line, as the integration tests and the benchmarks drive it:
//! a private data directory, users, tokens, and the one check that a command succeeded. Both
//! include this file with `#[path]`, so they cannot drift apart.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The `berth` binary with a private data directory and no inherited Berth settings.
pub fn berth_command(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_berth"));
    command
        .env_remove("BERTH_LISTEN")
        .env("BERTH_DATA_DIR", data_dir)
        .env("BERTH_LOG", "warn");
    command
}

/// `output`, failing with `what` and its stderr unless the command succeeded.
pub fn succeeded(output: Output, what: &str) -> Output {
    assert!(
        output.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Adds user `username` with `role` and `password` through `berth user add --password-stdin`.
pub fn add_user(data_dir: &Path, username: &str, role: &str, password: &str) {
    let mut child = berth_command(data_dir)
        .args(["user", "add", "--username", username, "--role", role])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("berth user add runs");
    writeln!(child.stdin.take().expect("stdin"), "{password}").expect("write the password");
    assert!(
        child.wait().expect("berth user add").success(),
        "berth user add {username} failed"
    );
}

/// Creates a token called `name` for `username` and returns it (the last line `berth token
/// create` prints).
pub fn create_token(data_dir: &Path, username: &str, name: &str) -> String {
    let output = berth_command(data_dir)
        .args(["token", "create", "--user", username, "--name", name])
        .output()
        .expect("berth token create runs");
    let output = succeeded(output, "berth token create");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .expect("the token is the last line")
        .trim()
        .to_owned()
}
