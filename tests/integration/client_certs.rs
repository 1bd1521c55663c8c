//! Client certificates from Berth's CA (`berth serve --tls auto`, `berth cert create`): the
//! docker CLI through the gateway with a certificate alone and no config.json, the clear
//! refusals of expired, revoked and foreign certificates and of none at all, and revocation
//! ending the streams a certificate holds open.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::berth_cli::{add_user, berth_command, succeeded};
use crate::support::{Berth, PASSWORD, TestContainer, docker, unique_name, wait_for};

/// A `berth serve --tls auto` with an operator `ada`, and what a docker client needs to reach
/// its gateway.
struct TlsBerth {
    berth: Berth,
    /// `tcp://127.0.0.1:PORT/engine/local`.
    host: String,
    /// An empty DOCKER_CONFIG: no config.json, so no header carries a token.
    no_config: tempfile::TempDir,
    /// Where bundles are written.
    bundles: tempfile::TempDir,
}

impl TlsBerth {
    fn start() -> Self {
        let berth = Berth::start_with_args(&["--tls", "auto"]);
        assert!(berth.base.starts_with("https://"), "{}", berth.base);
        add_user(berth.data_dir(), "ada", "operator", PASSWORD);
        let host = format!(
            "tcp://{}/engine/local",
            berth.base.trim_start_matches("https://")
        );
        Self {
            berth,
            host,
            no_config: tempfile::tempdir().expect("temp dir"),
            bundles: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `berth cert create` for `user` with `extra` arguments; the bundle's folder and the
    /// certificate's id.
    fn certificate(&self, user: &str, name: &str, extra: &[&str]) -> (PathBuf, String) {
        create_certificate(
            self.berth.data_dir(),
            self.bundles.path(),
            user,
            name,
            extra,
        )
    }

    /// The docker CLI with `DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=bundle`, nothing else.
    fn docker_command(&self, bundle: &Path, args: &[&str]) -> Command {
        let mut command = Command::new("docker");
        command
            .args(args)
            .env("DOCKER_HOST", &self.host)
            .env("DOCKER_TLS_VERIFY", "1")
            .env("DOCKER_CERT_PATH", bundle)
            .env("DOCKER_CONFIG", self.no_config.path())
            .env_remove("DOCKER_CONTEXT");
        command
    }

    fn docker(&self, bundle: &Path, args: &[&str]) -> Output {
        self.docker_command(bundle, args)
            .output()
            .expect("the docker CLI runs")
    }

    fn docker_ok(&self, bundle: &Path, args: &[&str]) -> String {
        let output = succeeded(self.docker(bundle, args), &format!("docker {args:?}"));
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// `curl` against Berth, trusting its CA, as the admin's token.
    fn curl_as_admin(&self, method: &str, path: &str) -> String {
        let output = Command::new("curl")
            .args(["-s", "-X", method, "-w", "\n%{http_code}"])
            .arg("--cacert")
            .arg(self.berth.data_dir().join("ca.pem"))
            .args([
                "-H",
                &format!("authorization: Bearer {}", self.berth.admin_token),
            ])
            .arg(format!("{}{path}", self.berth.base))
            .output()
            .expect("curl runs");
        String::from_utf8_lossy(&succeeded(output, "curl").stdout).into_owned()
    }
}

/// `berth cert create --user USER --name NAME --out BUNDLES/NAME` in `data_dir`.
fn create_certificate(
    data_dir: &Path,
    bundles: &Path,
    user: &str,
    name: &str,
    extra: &[&str],
) -> (PathBuf, String) {
    let out = bundles.join(name);
    let output = berth_command(data_dir)
        .args(["cert", "create", "--user", user, "--name", name, "--out"])
        .arg(&out)
        .args(extra)
        .output()
        .expect("berth cert create runs");
    let stdout =
        String::from_utf8_lossy(&succeeded(output, "berth cert create").stdout).into_owned();
    let id = stdout
        .strip_prefix("created certificate ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no id in: {stdout}"))
        .to_owned();
    (out, id)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_docker_cli_works_with_a_client_certificate_alone() {
    let tls = TlsBerth::start();
    let (bundle, _) = tls.certificate("ada", "laptop", &["--expires", "30d"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(bundle.join("key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "key.pem is private");
    }
    assert!(!tls.no_config.path().join("config.json").exists());

    let name = unique_name("cert-cli");
    let _cleanup = TestContainer { name: name.clone() };
    let id = tls.docker_ok(
        &bundle,
        &[
            "run",
            "-d",
            "--name",
            &name,
            "busybox:latest",
            "sh",
            "-c",
            "echo hello from a certificate; sleep 3600",
        ],
    );
    assert!(!id.is_empty());
    let listed = tls.docker_ok(&bundle, &["ps", "--format", "{{.Names}}"]);
    assert!(listed.lines().any(|line| line == name), "{listed}");
    let logs = wait_for(|| {
        let logs = tls.docker_ok(&bundle, &["logs", &name]);
        logs.contains("hello from a certificate").then_some(logs)
    });
    assert_eq!(logs, "hello from a certificate");
    assert_eq!(
        tls.docker_ok(&bundle, &["exec", &name, "echo", "exec works"]),
        "exec works"
    );
    tls.docker_ok(&bundle, &["rm", "-f", &name]);
    assert_eq!(
        docker(&["ps", "-aq", "--filter", &format!("name=^{name}$")]),
        ""
    );

    // The audit log names the certificate as the credential, with the user's role.
    let audit = tls.curl_as_admin("GET", "/api/audit?limit=50");
    let body = audit
        .rsplit_once('\n')
        .map_or(audit.as_str(), |(body, _)| body);
    let events: serde_json::Value = serde_json::from_str(body).expect("audit JSON");
    let created = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| event["operation"] == "ContainerCreate" && event["actor"] == "ada")
        .unwrap_or_else(|| panic!("no ContainerCreate by ada: {body}"));
    assert_eq!(created["credential"], "certificate", "{created}");
    assert_eq!(created["role"], "operator", "{created}");
    assert_eq!(created["source"], "gateway", "{created}");

    // `berth token list` shows the certificate among the user's tokens.
    let listed = berth_command(tls.berth.data_dir())
        .args(["token", "list", "--user", "ada"])
        .output()
        .expect("berth token list runs");
    let listed =
        String::from_utf8_lossy(&succeeded(listed, "berth token list").stdout).into_owned();
    assert!(
        listed.contains("laptop") && listed.contains("sha256:"),
        "{listed}"
    );
}

#[test]
fn bad_client_certificates_are_refused_clearly() {
    let tls = TlsBerth::start();
    let past = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 3600)
        .to_string();
    let (expired, _) = tls.certificate("ada", "expired", &["--not-after", &past]);
    let refused = tls.docker(&expired, &["ps"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("the client certificate has expired"),
        "{}",
        stderr(&refused)
    );

    let (revoked, id) = tls.certificate("ada", "revoked", &[]);
    tls.docker_ok(&revoked, &["ps"]);
    let output = berth_command(tls.berth.data_dir())
        .args(["cert", "revoke", "--id", &id])
        .output()
        .expect("berth cert revoke runs");
    succeeded(output, "berth cert revoke");
    let refused = tls.docker(&revoked, &["ps"]);
    assert!(
        stderr(&refused).contains("the client certificate was revoked"),
        "{}",
        stderr(&refused)
    );

    // A certificate of another Berth's CA, with this Berth's ca.pem so the CLI trusts the server.
    let other = tempfile::tempdir().unwrap();
    add_user(other.path(), "ada", "operator", PASSWORD);
    let (foreign, _) = create_certificate(other.path(), tls.bundles.path(), "ada", "foreign", &[]);
    std::fs::copy(tls.berth.data_dir().join("ca.pem"), foreign.join("ca.pem")).unwrap();
    let refused = tls.docker(&foreign, &["ps"]);
    assert!(
        stderr(&refused).contains(
            "the client certificate was not issued by this Berth's certificate authority"
        ),
        "{}",
        stderr(&refused)
    );

    // No certificate at all: the 401 of today, naming the ways in.
    let none = tls.bundles.path().join("none");
    std::fs::create_dir_all(&none).unwrap();
    std::fs::copy(tls.berth.data_dir().join("ca.pem"), none.join("ca.pem")).unwrap();
    let refused = tls.docker(&none, &["ps"]);
    assert!(
        stderr(&refused).contains("Berth requires authentication"),
        "{}",
        stderr(&refused)
    );
    let anonymous = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert"])
        .arg(tls.berth.data_dir().join("ca.pem"))
        .arg(format!("{}/engine/local/containers/json", tls.berth.base))
        .output()
        .expect("curl runs");
    assert_eq!(String::from_utf8_lossy(&anonymous.stdout), "401");

    // The good certificate of the same user still works: nothing was lost.
    let (good, _) = tls.certificate("ada", "good", &[]);
    tls.docker_ok(&good, &["ps"]);
}

/// Spawns `command` with piped stdout and waits for its first line.
fn spawn_until_first_line(mut command: Command) -> (Child, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the docker CLI starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let line = receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("the stream sends a first line");
    (child, line)
}

#[test]
fn revoking_a_certificate_ends_its_open_streams() {
    let tls = TlsBerth::start();
    let (bundle, id) = tls.certificate("ada", "streams", &[]);
    let name = unique_name("cert-follow");
    let _cleanup = TestContainer { name: name.clone() };
    docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "busybox:latest",
        "sh",
        "-c",
        "echo following; sleep 3600",
    ]);

    let (mut follow, first) =
        spawn_until_first_line(tls.docker_command(&bundle, &["logs", "-f", &name]));
    assert_eq!(first, "following");
    let watched = unique_name("cert-events");
    let _watched = TestContainer {
        name: watched.clone(),
    };
    let mut events = tls
        .docker_command(
            &bundle,
            &["events", "--filter", &format!("container={watched}")],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("docker events starts");
    let stdout = events.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    // Containers made until the event stream reports one: then it is open.
    let mut made = 0;
    wait_for(|| {
        made += 1;
        let _ = docker(&["rm", "-f", &watched]);
        docker(&["create", "--name", &watched, "busybox:latest", "true"]);
        receiver.recv_timeout(Duration::from_millis(500)).ok()
    });
    assert!(made >= 1);

    let answer = tls.curl_as_admin("DELETE", &format!("/api/tokens/{id}"));
    assert!(answer.ends_with("204"), "{answer}");
    // Both streams end within the revalidation bound, which wait_for's ten seconds cover.
    for child in [&mut follow, &mut events] {
        wait_for(|| child.try_wait().expect("try_wait"));
    }
    let refused = tls.docker(&bundle, &["ps"]);
    assert!(
        stderr(&refused).contains("the client certificate was revoked"),
        "{}",
        stderr(&refused)
    );
}

/// docker-py through the gateway: `docker.from_env()` with the bundle, a container listed,
/// and an attach with `attach_socket`, which sends no headers of a config.json.
const DOCKER_PY_SCRIPT: &str = r#"
import sys, time
import docker
client = docker.from_env()
assert client.ping()
container = client.containers.create(
    "busybox:latest", ["sh", "-c", "read line; echo got:$line"],
    name=sys.argv[1], stdin_open=True)
try:
    assert any(c.id == container.id for c in client.containers.list(all=True))
    sock = client.api.attach_socket(
        container.id, params={"stdin": 1, "stdout": 1, "stream": 1})
    raw = getattr(sock, "_sock", sock)
    container.start()
    raw.sendall(b"hello\n")
    seen = b""
    deadline = time.time() + 20
    while b"got:hello" not in seen and time.time() < deadline:
        chunk = raw.recv(4096)
        if not chunk:
            break
        seen += chunk
    print("attached:", b"got:hello" in seen)
    container.wait(timeout=20)
    print("logs:", container.logs().decode().strip())
finally:
    container.remove(force=True)
"#;

#[test]
fn docker_py_attaches_with_a_client_certificate() {
    let tls = TlsBerth::start();
    let (bundle, _) = tls.certificate("ada", "docker-py", &[]);
    let name = unique_name("cert-py");
    let _cleanup = TestContainer { name: name.clone() };
    // Debian's python3 with Debian's python3-docker (scripts/setup.sh installs it). A
    // REQUESTS_CA_BUNDLE in the environment would replace the bundle's ca.pem in requests.
    let output = Command::new("/usr/bin/python3")
        .args(["-c", DOCKER_PY_SCRIPT, &name])
        .env("DOCKER_HOST", &tls.host)
        .env("DOCKER_TLS_VERIFY", "1")
        .env("DOCKER_CERT_PATH", &bundle)
        .env("DOCKER_CONFIG", tls.no_config.path())
        .env_remove("REQUESTS_CA_BUNDLE")
        .env_remove("CURL_CA_BUNDLE")
        .env_remove("PYTHONPATH")
        .output()
        .expect("python3 runs");
    let output = succeeded(output, "the docker-py script");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("attached: True"), "{stdout}");
    assert!(stdout.contains("logs: got:hello"), "{stdout}");
}
