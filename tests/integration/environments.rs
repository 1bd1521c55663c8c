//! Environments added with `berth environment …` while `berth serve` runs on the same data
//! directory: the TCP+TLS engine becomes `/engine/<id>/` for the docker CLI within seconds and
//! shows that engine's containers, not the primary's; removed, it answers 404 and its open
//! streams end. Adding checks
//! the engine first, and each failure names its problem: a wrong CA, a client certificate the
//! engine refuses or that has expired, a refused address, a black-holed one (whose gateway
//! requests then fail in time), plain TCP without `--insecure`, an engine older than API 1.41.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::abuse::{authority, closed_within, raw};
use crate::health::{OldEngine, closed_port};
use crate::support::docker_on_tls;
use crate::support::{
    Berth, TestContainer, another_ca, berth_command, docker_through, docker_through_output,
    tls_engine, unique_name, wait_for,
};

/// `berth environment ARGS` on `berth`'s data directory.
pub(crate) fn environment(berth: &Berth, args: &[&str]) -> Output {
    berth_command(berth.data_dir())
        .arg("environment")
        .args(args)
        .output()
        .expect("berth environment runs")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A container created (not started) on the TLS engine, removed when dropped.
struct TlsContainer(String);

impl TlsContainer {
    fn created(prefix: &str) -> Self {
        let name = unique_name(prefix);
        let output = docker_on_tls(&["create", "--name", &name, "busybox:latest", "true"]);
        assert!(
            output.status.success(),
            "docker create on the TLS engine failed: {}",
            text(&output.stderr)
        );
        Self(name)
    }
}

impl Drop for TlsContainer {
    fn drop(&mut self) {
        let _ = docker_on_tls(&["rm", "-f", &self.0]);
    }
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

#[test]
fn a_tls_engine_added_while_serving_is_its_own_environment_until_removed() {
    let berth = Berth::start();
    let (host, certs) = tls_engine();
    let primary = TestContainer::running("env-primary");
    let remote = TlsContainer::created("env-tls");

    let added = environment(
        &berth,
        &[
            "add",
            "--name",
            "TLS engine",
            "--id",
            "tls",
            "--docker-host",
            host.as_str(),
            "--tls-verify",
            "--cert-path",
            path_text(&certs),
            "--tag",
            "test",
        ],
    );
    assert!(
        added.status.success(),
        "add failed: {}",
        text(&added.stderr)
    );
    let said = text(&added.stdout);
    assert!(
        said.contains("added environment TLS engine (tls)"),
        "{said}"
    );
    assert!(said.contains("engine: Docker"), "{said}");

    // The running server follows the store: within seconds, the gateway serves it.
    wait_for(|| (berth.admin().get("/engine/tls/_ping").status == 200).then_some(()));
    let (gateway, config) = berth.docker_cli_config_for(&berth.admin_token, "tls");
    let names = docker_through(
        &gateway,
        config.path(),
        &["ps", "-a", "--format", "{{.Names}}"],
    );
    assert!(names.lines().any(|name| name == remote.0), "{names}");
    assert!(!names.lines().any(|name| name == primary.name), "{names}");

    let list = environment(&berth, &["list"]);
    assert!(list.status.success(), "{}", text(&list.stderr));
    let row = text(&list.stdout)
        .lines()
        .find(|line| line.starts_with("tls "))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no row for tls: {}", text(&list.stdout)));
    assert!(row.contains("TLS engine") && row.contains(&host), "{row}");

    let health = berth.admin().get("/api/health").json();
    let listed = health["environments"]
        .as_array()
        .and_then(|all| all.iter().find(|one| one["id"] == "tls").cloned())
        .unwrap_or_else(|| panic!("tls is not in {health}"));
    assert_eq!(listed["transport"], "tls", "{listed}");
    assert_eq!(listed["insecure"], false, "{listed}");
    assert_eq!(listed["reachable"], true, "{listed}");

    // An edit by the command line reaches the server too.
    let edited = environment(
        &berth,
        &[
            "edit",
            "--name",
            "tls",
            "--new-name",
            "TLS two",
            "--tag",
            "edited",
        ],
    );
    assert!(edited.status.success(), "{}", text(&edited.stderr));
    wait_for(|| {
        let health = berth.admin().get("/api/health").json();
        health["environments"]
            .as_array()
            .is_some_and(|all| all.iter().any(|one| one["name"] == "TLS two"))
            .then_some(())
    });

    // An event stream through it, open when it is removed.
    let host_header = authority(&berth);
    let bearer = format!("Bearer {}", berth.admin_token);
    let (status, _, mut events) = raw(
        &berth,
        "GET",
        "/engine/tls/events",
        &[("host", &host_header), ("authorization", &bearer)],
        None,
    );
    assert_eq!(status, 200);

    let removed = environment(&berth, &["remove", "--name", "TLS two"]);
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    let gone = wait_for(|| {
        let reply = berth.admin().get("/engine/tls/_ping");
        (reply.status == 404).then_some(reply)
    });
    assert_eq!(gone.message(), "no such environment: tls");
    assert!(
        closed_within(&mut events, Duration::from_secs(5)),
        "the event stream through the removed environment is still open"
    );
    let refused = docker_through_output(&gateway, config.path(), &["ps"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("no such environment: tls"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn adding_checks_the_engine_and_names_what_is_wrong() {
    let berth = Berth::start();
    let (host, certs) = tls_engine();
    let refused = |output: &Output, words: &str| {
        assert!(!output.status.success(), "{words}: it was saved");
        let stderr = text(&output.stderr);
        assert!(stderr.contains(words), "expected {words:?} in: {stderr}");
    };

    // A CA that did not sign the engine's certificate.
    let other = tempfile::tempdir().expect("temp dir");
    another_ca(other.path());
    for file in ["cert.pem", "key.pem"] {
        std::fs::copy(certs.join(file), other.path().join(file)).expect("copy");
    }
    let tls = |dir: &Path| {
        add(
            &berth,
            dir.file_name()
                .and_then(|name| name.to_str())
                .unwrap_or("tls"),
            &[
                "--docker-host",
                host.as_str(),
                "--tls-verify",
                "--cert-path",
                path_text(dir),
            ],
        )
    };
    let wrong_ca = tls(other.path());
    refused(&wrong_ca, "unknown CA");

    // The right CA, but a client certificate that another CA signed.
    let stranger = tempfile::tempdir().expect("temp dir");
    std::fs::copy(certs.join("ca.pem"), stranger.path().join("ca.pem")).expect("copy");
    client_certificate(other.path(), stranger.path(), Validity::OneDay);
    let rejected = tls(stranger.path());
    refused(&rejected, "certificate rejected");

    // The engine's own CA, but a client certificate that has expired.
    let expired = tempfile::tempdir().expect("temp dir");
    std::fs::copy(certs.join("ca.pem"), expired.path().join("ca.pem")).expect("copy");
    client_certificate(
        &tls_engine_ca(&certs),
        expired.path(),
        Validity::ExpiredYesterday,
    );
    let too_late = tls(expired.path());
    refused(&too_late, "certificate rejected");
    refused(&too_late, "has expired");

    // Nothing listens on a port just closed.
    let port = closed_port();
    let closed = format!("tcp://127.0.0.1:{port}");
    let unreachable = add(
        &berth,
        "closed",
        &["--docker-host", closed.as_str(), "--insecure"],
    );
    refused(&unreachable, "connection was refused");
    refused(&unreachable, "--offline-ok");

    // An address whose packets are dropped (scripts/blackhole.sh) gets no answer in time.
    let dropped = format!("tcp://{}:2375", blackhole());
    let black_holed = add(
        &berth,
        "dropped",
        &["--docker-host", dropped.as_str(), "--insecure"],
    );
    refused(&black_holed, "no answer within");
    refused(&black_holed, "--offline-ok");

    // Plain TCP without --insecure, whatever the engine.
    let plain = add(&berth, "plain", &["--docker-host", closed.as_str()]);
    refused(&plain, "is plain TCP");
    assert_eq!(plain.status.code(), Some(2));

    // An engine that speaks only API 1.40.
    let old = OldEngine::start();
    let too_old = add(
        &berth,
        "old",
        &["--docker-host", old.host.as_str(), "--insecure"],
    );
    refused(&too_old, "older than 1.41");

    let list = environment(&berth, &["list"]);
    assert_eq!(text(&list.stdout).lines().count(), 1, "nothing was saved");

    // Saved offline on purpose, it is listed, and its engine is unreachable, not unknown.
    let offline = add(
        &berth,
        "closed",
        &[
            "--docker-host",
            closed.as_str(),
            "--insecure",
            "--offline-ok",
        ],
    );
    assert!(offline.status.success(), "{}", text(&offline.stderr));
    assert!(
        text(&offline.stdout).contains("saved offline"),
        "{}",
        text(&offline.stdout)
    );
    assert!(
        text(&offline.stdout).contains("insecure"),
        "{}",
        text(&offline.stdout)
    );
    let status = wait_for(|| {
        let status = berth.admin().get("/engine/closed/_ping").status;
        (status != 404).then_some(status)
    });
    assert_eq!(status, 502);

    // Saved offline, a black-holed engine fails the gateway's requests in time, naming why,
    // instead of holding them for the kernel's SYN retries.
    let saved = add(
        &berth,
        "dropped",
        &[
            "--docker-host",
            dropped.as_str(),
            "--insecure",
            "--offline-ok",
        ],
    );
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    let reply = wait_for(|| {
        let reply = berth.admin().get("/engine/dropped/containers/json");
        (reply.status != 404).then_some(reply)
    });
    assert_eq!(reply.status, 502, "{}", reply.body);
    assert!(
        reply.message().contains("no answer within"),
        "{}",
        reply.body
    );
}

/// The black-holed address `make test` routes into a namespace that drops its packets
/// (`scripts/blackhole.sh`).
pub(crate) fn blackhole() -> String {
    std::env::var("BERTH_TEST_BLACKHOLE").expect(
        "BERTH_TEST_BLACKHOLE is not set: run the integration tests through `make test`, which \
         starts scripts/blackhole.sh",
    )
}

/// `berth environment add --name NAME EXTRA…`.
fn add(berth: &Berth, name: &str, extra: &[&str]) -> Output {
    let mut args = vec!["add", "--name", name];
    args.extend_from_slice(extra);
    environment(berth, &args)
}

/// How long a test's client certificate is valid.
enum Validity {
    /// From now, for a day.
    OneDay,
    /// It ended a day before it began, so it has expired now.
    ExpiredYesterday,
}

/// The directory of the TLS engine's CA (`ca.pem`, `ca-key.pem`), beside the engine's
/// `DOCKER_CERT_PATH` (`scripts/engine.sh` keeps them there).
fn tls_engine_ca(certs: &Path) -> std::path::PathBuf {
    let dir = certs
        .parent()
        .expect("the client folder sits in the CA's")
        .to_owned();
    assert!(
        dir.join("ca-key.pem").exists(),
        "no CA key in {}",
        dir.display()
    );
    dir
}

/// Writes `cert.pem` and `key.pem` into `dir`: a client certificate signed by the CA in
/// `ca_dir` (`ca.pem`, `ca-key.pem`), valid as `validity` says.
fn client_certificate(ca_dir: &Path, dir: &Path, validity: Validity) {
    let key = dir.join("key.pem");
    let request = dir.join("client.csr");
    let made = Command::new("openssl")
        .args([
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=stranger",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&request)
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(made.success());
    // An extension makes it a v3 certificate, the only version TLS libraries accept.
    let extensions = dir.join("client.ext");
    std::fs::write(&extensions, "extendedKeyUsage=clientAuth\n").expect("write client.ext");
    let signed = Command::new("openssl")
        .args(["x509", "-req", "-days"])
        .arg(match validity {
            Validity::OneDay => "1",
            Validity::ExpiredYesterday => "-1",
        })
        .arg("-in")
        .arg(&request)
        .arg("-CA")
        .arg(ca_dir.join("ca.pem"))
        .arg("-CAkey")
        .arg(ca_dir.join("ca-key.pem"))
        .arg("-CAcreateserial")
        .arg("-extfile")
        .arg(&extensions)
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(signed.success());
}
