//! The command line: help, refusals and signals.

use std::time::Duration;

use crate::support::{Berth, berth_command, signal};

#[test]
fn help_documents_every_setting() {
    let data_dir = tempfile::tempdir().unwrap();
    let top = berth_command(data_dir.path())
        .arg("--help")
        .output()
        .unwrap();
    assert!(top.status.success());
    let top = String::from_utf8_lossy(&top.stdout);
    assert!(top.contains("serve"), "{top}");

    let serve = berth_command(data_dir.path())
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(serve.status.success());
    let serve = String::from_utf8_lossy(&serve.stdout);
    for needle in [
        "--listen",
        "BERTH_LISTEN",
        "--data-dir",
        "BERTH_DATA_DIR",
        "DOCKER_HOST",
        "127.0.0.1:8080",
    ] {
        assert!(
            serve.contains(needle),
            "serve --help lacks {needle}:\n{serve}"
        );
    }
}

#[test]
fn the_version_names_the_release_and_the_commit() {
    let data_dir = tempfile::tempdir().unwrap();
    let output = berth_command(data_dir.path())
        .arg("--version")
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    let expected_commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map_or_else(
            || "unknown".to_owned(),
            |output| String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        );
    assert_eq!(
        printed.trim(),
        format!(
            "berth {} (commit {expected_commit})",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn refuses_to_listen_beyond_loopback() {
    let data_dir = tempfile::tempdir().unwrap();
    for listen in ["0.0.0.0:0", "[::]:0"] {
        let output = berth_command(data_dir.path())
            .args(["serve", "--listen", listen])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{listen} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("refusing to listen"), "{stderr}");
    }
}

#[test]
fn the_listen_address_also_comes_from_the_environment() {
    let data_dir = tempfile::tempdir().unwrap();
    let output = berth_command(data_dir.path())
        .arg("serve")
        .env("BERTH_LISTEN", "0.0.0.0:0")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("0.0.0.0:0"));
}

#[test]
fn a_bad_docker_host_is_a_clear_error() {
    let data_dir = tempfile::tempdir().unwrap();
    let output = berth_command(data_dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DOCKER_HOST", "ssh://someone@somewhere")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DOCKER_HOST") && stderr.contains("ssh://"),
        "{stderr}"
    );
}

#[test]
fn stops_cleanly_on_sigterm_and_sigint() {
    for name in ["TERM", "INT"] {
        let mut berth = Berth::start();
        signal(berth.pid(), name);
        let status = berth
            .wait_for_exit(Duration::from_secs(15))
            .unwrap_or_else(|| panic!("berth did not stop on SIG{name}"));
        assert!(status.success(), "SIG{name} gave {status}");
    }
}

#[test]
fn creates_its_store_in_the_data_directory() {
    let data_dir = tempfile::tempdir().unwrap();
    let mut child = berth_command(data_dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !data_dir.path().join("berth.db").exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(data_dir.path().join("berth.db").exists());
}

/// `contrib/berth.service` is a unit systemd accepts whole: `systemd-analyze verify` checks
/// every directive and the command it starts (here, the binary under test).
#[test]
fn the_systemd_unit_verifies() {
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../contrib/berth.service"
    ))
    .expect("contrib/berth.service");
    assert!(
        unit.contains("ExecStart=/usr/local/bin/berth serve"),
        "{unit}"
    );
    for hardening in [
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "SupplementaryGroups=docker",
        "StateDirectory=berth",
    ] {
        assert!(unit.contains(hardening), "the unit lacks {hardening}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("berth.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/berth", env!("CARGO_BIN_EXE_berth")),
    )
    .unwrap();
    let verified = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze runs (scripts/setup.sh installs systemd)");
    let said = String::from_utf8_lossy(&verified.stderr);
    assert!(verified.status.success(), "{said}");
    let complaints: Vec<&str> = said
        .lines()
        .filter(|line| line.contains("berth.service"))
        .collect();
    assert!(complaints.is_empty(), "{complaints:?}");
}
