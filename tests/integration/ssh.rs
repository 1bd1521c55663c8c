//! An engine reachable only over SSH (`scripts/engine.sh start ssh --ssh`: an sshd of its own in
//! the engine's namespaces, its socket invisible from the host), added with `berth environment
//! add --docker-host ssh://…` while `berth serve` runs. Its host key is pinned on first connect
//! and printed; the gateway serves it at `/engine/<id>/`. A host key other than the pinned one
//! and a key the host does not accept are refused, each by name, at the check, in health and
//! at the gateway. When the SSH session drops, the next request makes a new one. The docker CLI
//! suite over SSH is in `proxy_cli.rs`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::environments::{environment, text};
use crate::health::closed_port;
use crate::support::{Berth, SshEngine, ssh_engine, wait_for};

/// `berth environment add --name NAME --id ID --docker-host <the SSH engine> --ssh-key <its key>
/// --ssh-socket <its socket> EXTRA…`.
pub(crate) fn add_ssh(berth: &Berth, id: &str, extra: &[&str]) -> Output {
    let engine = ssh_engine();
    let key = path_text(&engine.key);
    let mut args = vec![
        "add",
        "--name",
        id,
        "--id",
        id,
        "--docker-host",
        engine.host.as_str(),
        "--ssh-key",
        key,
        "--ssh-socket",
        engine.socket.as_str(),
    ];
    args.extend_from_slice(extra);
    environment(berth, &args)
}

/// Adds the SSH engine as environment `id` and waits until the running server serves it.
pub(crate) fn serve_ssh(berth: &Berth, id: &str) {
    let added = add_ssh(berth, id, &[]);
    assert!(
        added.status.success(),
        "adding the SSH engine failed: {}",
        text(&added.stderr)
    );
    let ping = format!("/engine/{id}/_ping");
    wait_for(|| (berth.admin().get(&ping).status == 200).then_some(()));
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// This environment's row in `/api/health`, once the server has loaded it.
fn health_of(berth: &Berth, id: &str) -> Option<serde_json::Value> {
    let health = berth.admin().get("/api/health").json();
    health["environments"]
        .as_array()
        .and_then(|all| all.iter().find(|one| one["id"] == id).cloned())
}

#[test]
fn an_ssh_engine_is_pinned_on_first_connect_and_served_by_the_gateway() {
    let berth = Berth::start();
    let engine = ssh_engine();
    let added = add_ssh(&berth, "remote", &[]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    let said = text(&added.stdout);
    assert!(said.contains("added environment remote (remote)"), "{said}");
    assert!(said.contains(&format!("at {}", engine.host)), "{said}");
    assert!(said.contains("engine: Docker"), "{said}");
    // Trust on first use: the key the host showed is pinned, and printed to be confirmed.
    assert!(
        said.contains(&format!("host key: {} (pinned", engine.host_key)),
        "{said}"
    );

    wait_for(|| (berth.admin().get("/engine/remote/_ping").status == 200).then_some(()));
    let ping = berth.admin().get("/engine/remote/_ping");
    assert_eq!(ping.body, "OK");
    let containers = berth.admin().get("/engine/remote/containers/json?all=1");
    assert_eq!(containers.status, 200, "{}", containers.body);
    assert!(containers.json().is_array(), "{}", containers.body);
    let images = berth.admin().get("/engine/remote/images/json").json();
    assert!(
        images
            .as_array()
            .is_some_and(|all| all.iter().any(|image| image["RepoTags"]
                .as_array()
                .is_some_and(|tags| tags.iter().any(|tag| tag == "busybox:latest")))),
        "{images}"
    );

    let listed = berth.admin().get("/api/environments").json();
    let view = listed
        .as_array()
        .and_then(|all| all.iter().find(|one| one["id"] == "remote").cloned())
        .unwrap_or_else(|| panic!("remote is not in {listed}"));
    assert_eq!(view["transport"], "ssh", "{view}");
    assert_eq!(view["docker_host"], engine.host.as_str(), "{view}");
    assert_eq!(view["host_key"], engine.host_key.as_str(), "{view}");
    assert_eq!(view["ssh_socket"], engine.socket.as_str(), "{view}");
    assert!(!view.to_string().contains("PRIVATE KEY"), "{view}");

    let health = health_of(&berth, "remote").expect("remote is in /api/health");
    assert_eq!(health["transport"], "ssh", "{health}");
    assert_eq!(health["reachable"], true, "{health}");

    let list = environment(&berth, &["list"]);
    let row = text(&list.stdout)
        .lines()
        .find(|line| line.starts_with("remote "))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no row for remote: {}", text(&list.stdout)));
    assert!(row.contains(" ssh ") && row.contains(&engine.host), "{row}");
}

#[test]
fn a_host_key_other_than_the_pinned_one_is_refused_by_name() {
    let berth = Berth::start();
    let engine = ssh_engine();
    // Pinned up front, wrongly: the check refuses it, even with --offline-ok.
    let wrong = format!("SHA256:{}", "x".repeat(43));
    let refused = add_ssh(
        &berth,
        "wrong",
        &["--ssh-host-key", wrong.as_str(), "--offline-ok"],
    );
    assert!(!refused.status.success(), "a wrong host key was saved");
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("host key changed"), "{stderr}");
    assert!(stderr.contains(&engine.host_key), "{stderr}");
    assert!(stderr.contains(&wrong), "{stderr}");

    // Saved while its address was down, pinned to the engine's key; then another host (with
    // a key of its own) answers there: health and the gateway refuse it by name.
    let port = closed_port();
    let address = format!("ssh://root@127.0.0.1:{port}");
    let saved = environment(
        &berth,
        &[
            "add",
            "--name",
            "moved",
            "--docker-host",
            address.as_str(),
            "--ssh-key",
            path_text(&engine.key),
            "--ssh-host-key",
            engine.host_key.as_str(),
            "--offline-ok",
        ],
    );
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    assert!(
        text(&saved.stdout).contains("saved offline"),
        "{}",
        text(&saved.stdout)
    );
    let impostor = Impostor::start(port, &engine);
    let health = wait_for(|| {
        health_of(&berth, "moved").filter(|health| health["failure"] == "host_key_changed")
    });
    assert_eq!(health["reachable"], false, "{health}");
    let error = health["error"].as_str().unwrap_or_default();
    assert!(error.contains(&impostor.host_key), "{health}");
    let gateway = berth.admin().get("/engine/moved/_ping");
    assert_eq!(gateway.status, 502, "{}", gateway.body);
    assert!(
        gateway.message().contains("host key changed"),
        "{}",
        gateway.body
    );
}

#[test]
fn a_key_the_host_does_not_accept_is_refused_by_name() {
    let berth = Berth::start();
    let stranger = tempfile::tempdir().expect("temp dir");
    let key = keygen(stranger.path(), "stranger");
    let engine = ssh_engine();
    let refused = environment(
        &berth,
        &[
            "add",
            "--name",
            "stranger",
            "--docker-host",
            engine.host.as_str(),
            "--ssh-key",
            path_text(&key),
            "--ssh-socket",
            engine.socket.as_str(),
            "--offline-ok",
        ],
    );
    assert!(!refused.status.success(), "a refused key was saved");
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("authentication refused"), "{stderr}");
    let list = environment(&berth, &["list"]);
    assert_eq!(text(&list.stdout).lines().count(), 1, "nothing was saved");
}

#[test]
fn a_dropped_session_is_made_again() {
    let berth = Berth::start();
    let engine = ssh_engine();
    let port = closed_port();
    // A second sshd of the engine's own (its namespaces, its host key) on another port.
    let relay = Relay::start(&engine, port);
    let added = environment(
        &berth,
        &[
            "add",
            "--name",
            "relay",
            "--docker-host",
            relay.host.as_str(),
            "--ssh-key",
            path_text(&engine.key),
            "--ssh-socket",
            engine.socket.as_str(),
        ],
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    wait_for(|| (berth.admin().get("/engine/relay/_ping").status == 200).then_some(()));

    // Its sessions end with it, and while it is down the engine is unreachable.
    drop(relay);
    let down = berth.admin().get("/engine/relay/_ping");
    assert_eq!(down.status, 502, "{}", down.body);
    let _again = Relay::start(&engine, port);
    let ping = wait_for(|| {
        let reply = berth.admin().get("/engine/relay/_ping");
        (reply.status == 200).then_some(reply)
    });
    assert_eq!(ping.body, "OK");
    let containers = berth.admin().get("/engine/relay/containers/json");
    assert_eq!(containers.status, 200, "{}", containers.body);
}

/// An sshd in the SSH engine's network and mount namespaces, with its host key, on another
/// port. Dropped, it ends with every session it served.
struct Relay {
    child: Child,
    host: String,
    _dir: tempfile::TempDir,
}

impl Relay {
    fn start(engine: &SshEngine, port: u16) -> Self {
        let keys = engine.key.parent().expect("the engine's key directory");
        let holder = std::fs::read_to_string(keys.join("holder.pid")).expect("holder.pid");
        let namespaces = format!("/proc/{}/ns", holder.trim());
        let address = engine
            .host
            .rsplit_once('@')
            .and_then(|(_, host)| host.rsplit_once(':'))
            .map(|(address, _)| address.to_owned())
            .expect("ssh://user@address:port");
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "ListenAddress {address}:{port}\nHostKey {}\nPidFile {}\n\
                 AuthorizedKeysFile {}\nPermitRootLogin prohibit-password\n\
                 PasswordAuthentication no\nUsePAM no\nStrictModes no\n",
                keys.join("host_ed25519").display(),
                dir.path().join("sshd.pid").display(),
                keys.join("authorized_keys").display()
            ),
        )
        .expect("write sshd_config");
        let child = Command::new("nsenter")
            .arg(format!("--net={namespaces}/net"))
            .arg(format!("--mount={namespaces}/mnt"))
            .args(["/usr/sbin/sshd", "-D", "-e", "-f"])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sshd runs");
        // Listening once its pid file is written.
        wait_for(|| dir.path().join("sshd.pid").exists().then_some(()));
        Self {
            child,
            host: format!("ssh://root@{address}:{port}"),
            _dir: dir,
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        // sshd gives each session a process of its own, its child: those end first.
        for session in children_of(self.child.id()) {
            let _ = Command::new("kill").arg(session.to_string()).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The processes whose parent is `pid`, from /proc.
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|candidate| {
            std::fs::read_to_string(format!("/proc/{candidate}/stat"))
                .ok()
                .and_then(|stat| {
                    let after_name = stat.rsplit_once(')')?.1.to_owned();
                    after_name.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(pid)
        })
        .collect()
}

/// Makes an ed25519 key pair `dir/NAME` and `dir/NAME.pub` with ssh-keygen.
fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(name);
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen runs");
    assert!(made.success());
    key
}

/// Another sshd, with a host key of its own, on 127.0.0.1:PORT; it accepts the SSH engine's
/// client key. Stopped when dropped.
struct Impostor {
    child: Child,
    host_key: String,
    _dir: tempfile::TempDir,
}

impl Impostor {
    fn start(port: u16, engine: &SshEngine) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let host = keygen(dir.path(), "host");
        let authorized = dir.path().join("authorized_keys");
        std::fs::copy(engine.key.with_extension("pub"), &authorized).expect("copy the key");
        let config = dir.path().join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "ListenAddress 127.0.0.1:{port}\nHostKey {}\nPidFile {}\nAuthorizedKeysFile {}\n\
                 PermitRootLogin prohibit-password\nPasswordAuthentication no\nUsePAM no\n\
                 StrictModes no\n",
                host.display(),
                dir.path().join("sshd.pid").display(),
                authorized.display()
            ),
        )
        .expect("write sshd_config");
        std::fs::create_dir_all("/run/sshd").expect("sshd's privilege separation directory");
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sshd runs");
        wait_for(|| std::net::TcpStream::connect(("127.0.0.1", port)).ok());
        let printed = Command::new("ssh-keygen")
            .arg("-lf")
            .arg(host.with_extension("pub"))
            .output()
            .expect("ssh-keygen runs");
        let host_key = text(&printed.stdout)
            .split_whitespace()
            .nth(1)
            .expect("a fingerprint")
            .to_owned();
        Self {
            child,
            host_key,
            _dir: dir,
        }
    }
}

impl Drop for Impostor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
