//! Test fixtures: the private engine, a running `berth serve`, and small HTTP helpers.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::berth_cli::{add_user, create_token};
pub use crate::berth_cli::{berth_command, succeeded};

/// The private engine's address, from `make test`.
pub fn docker_host() -> String {
    std::env::var("BERTH_TEST_DOCKER_HOST").expect(
        "BERTH_TEST_DOCKER_HOST is not set: run the integration tests through `make test`, \
         which starts a private engine with scripts/engine.sh",
    )
}

/// The TCP+TLS engine that `make test` starts (`scripts/engine.sh start tls --tls`): its
/// `tcp://` address and the `DOCKER_CERT_PATH` directory of its CA and a client certificate.
pub fn tls_engine() -> (String, PathBuf) {
    let host = std::env::var("BERTH_TEST_TLS_DOCKER_HOST").expect(
        "BERTH_TEST_TLS_DOCKER_HOST is not set: run the integration tests through `make test`, \
         which starts a TLS engine with `scripts/engine.sh start tls --tls`",
    );
    let certs = std::env::var("BERTH_TEST_TLS_CERT_PATH")
        .expect("BERTH_TEST_TLS_CERT_PATH is not set: run the tests through `make test`");
    (host, PathBuf::from(certs))
}

/// The TLS engine's `docker` CLI, talking to it directly.
pub fn docker_on_tls(args: &[&str]) -> Output {
    let (host, certs) = tls_engine();
    Command::new("docker")
        .args(args)
        .env("DOCKER_HOST", host)
        .env("DOCKER_TLS_VERIFY", "1")
        .env("DOCKER_CERT_PATH", certs)
        .env_remove("DOCKER_CONFIG")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .expect("the docker CLI runs")
}

/// The engine reachable only over SSH that `make test` starts (`scripts/engine.sh start ssh
/// --ssh`).
pub struct SshEngine {
    /// `ssh://root@ADDRESS:22`.
    pub host: String,
    /// The private key its sshd accepts.
    pub key: PathBuf,
    /// The engine's socket on that side.
    pub socket: String,
    /// Its sshd's host key fingerprint, `SHA256:…`.
    pub host_key: String,
}

/// The SSH engine's address, key, socket and host key, from `make test`.
pub fn ssh_engine() -> SshEngine {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set: run the integration tests through `make test`, which starts \
                 an SSH engine with `scripts/engine.sh start ssh --ssh`"
            )
        })
    };
    SshEngine {
        host: var("BERTH_TEST_SSH_DOCKER_HOST"),
        key: PathBuf::from(var("BERTH_TEST_SSH_KEY")),
        socket: var("BERTH_TEST_SSH_SOCKET"),
        host_key: var("BERTH_TEST_SSH_HOST_KEY"),
    }
}

/// Makes a CA of its own in `dir` (`ca.pem`, `ca-key.pem`), which signed nothing the TLS
/// engine knows.
pub fn another_ca(dir: &Path) {
    let status = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=another CA"])
        .arg("-keyout")
        .arg(dir.join("ca-key.pem"))
        .arg("-out")
        .arg(dir.join("ca.pem"))
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl could not make a CA");
}

/// Runs the docker CLI against the private engine and returns its trimmed stdout.
pub fn docker(args: &[&str]) -> String {
    docker_at(&docker_host(), args)
}

/// Runs the docker CLI against `host` and returns its trimmed stdout, failing on error.
pub fn docker_at(host: &str, args: &[&str]) -> String {
    let output = Command::new("docker")
        .args(args)
        .env("DOCKER_HOST", host)
        .env_remove("DOCKER_CONFIG")
        .output()
        .expect("the docker CLI runs");
    let output = succeeded(output, &format!("docker {args:?}"));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Runs the docker CLI through Berth's gateway (`host` from [`Berth::docker_cli_config`]) and
/// returns its trimmed stdout, failing on error.
pub fn docker_through(host: &str, config: &Path, args: &[&str]) -> String {
    let output = docker_through_output(host, config, args);
    let output = succeeded(output, &format!("docker {args:?} through Berth"));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Runs the docker CLI through Berth's gateway and returns its whole output, whatever the
/// exit status.
pub fn docker_through_output(host: &str, config: &Path, args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .env("DOCKER_HOST", host)
        .env("DOCKER_CONFIG", config)
        .output()
        .expect("the docker CLI runs")
}

/// Percent-encodes a query value, such as a JSON `filters` argument.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-_.".contains(&byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// A unique name for a test's engine objects, so tests never see each other's.
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!(
        "berth-it-{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A container on the private engine, removed when dropped.
pub struct TestContainer {
    /// The container's name.
    pub name: String,
}

impl TestContainer {
    /// Starts a long-running busybox container.
    pub fn running(prefix: &str) -> Self {
        let name = unique_name(prefix);
        docker(&sleeper_args(&name));
        Self { name }
    }
}

/// `docker run` arguments for a detached busybox container `name` that sleeps for an hour.
pub fn sleeper_args(name: &str) -> [&str; 7] {
    [
        "run",
        "-d",
        "--name",
        name,
        "busybox:latest",
        "sleep",
        "3600",
    ]
}

impl Drop for TestContainer {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-f", "-v", &self.name])
            .env("DOCKER_HOST", docker_host())
            .output();
    }
}

/// A `berth serve` process on an ephemeral loopback port, killed when dropped. It starts with
/// an admin user and an admin API token; [`Berth::token_for`] adds users of other roles.
pub struct Berth {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    data_dir: tempfile::TempDir,
    /// The admin's API token.
    pub admin_token: String,
}

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery staple";

impl Berth {
    /// Serves against the private engine.
    pub fn start() -> Self {
        Self::start_with_engine(&docker_host())
    }

    /// Serves against the engine at `docker_host`, which need not be reachable.
    pub fn start_with_engine(docker_host: &str) -> Self {
        Self::start_with_engine_args(docker_host, &[])
    }

    /// Serves against the engine at `docker_host` with extra `serve` arguments (such as the
    /// engine's TLS settings), with an admin provisioned.
    pub fn start_with_engine_args(docker_host: &str, args: &[&str]) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let admin_token = provision(data_dir.path(), "admin", "admin");
        let (child, base, _) = spawn_serve(data_dir.path(), docker_host, args);
        Self {
            child,
            base,
            data_dir,
            admin_token,
        }
    }

    /// Serves with no users at all, returning the set-up token it printed.
    pub fn start_fresh() -> (Self, String) {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let (child, base, setup_token) = spawn_serve(data_dir.path(), &docker_host(), &[]);
        let setup_token = setup_token.expect("a fresh Berth prints a set-up token");
        let berth = Self {
            child,
            base,
            data_dir,
            admin_token: String::new(),
        };
        (berth, setup_token)
    }

    /// Serves with extra `serve` arguments (such as TLS files), with an admin provisioned.
    pub fn start_with_args(args: &[&str]) -> Self {
        Self::start_in(tempfile::tempdir().expect("temp dir"), args)
    }

    /// Serves with its store in `data_dir` (a small file system, say), with an admin
    /// provisioned.
    pub fn start_in(data_dir: tempfile::TempDir, args: &[&str]) -> Self {
        let admin_token = provision(data_dir.path(), "admin", "admin");
        let (child, base, _) = spawn_serve(data_dir.path(), &docker_host(), args);
        Self {
            child,
            base,
            data_dir,
            admin_token,
        }
    }

    /// Creates a user named after `role` (once) and returns a new API token of theirs.
    pub fn token_for(&self, role: &str) -> String {
        provision(self.data_dir.path(), role, role)
    }

    /// The data directory, for running `berth` subcommands against this server's store.
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// `berth environment add ARGS` on this server's data directory, which must succeed.
    pub fn add_environment(&self, args: &[&str]) {
        let output = berth_command(self.data_dir())
            .args(["environment", "add"])
            .args(args)
            .output()
            .expect("berth environment runs");
        assert!(
            output.status.success(),
            "environment add {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Adds the TCP+TLS engine as the environment `id`, named `name`, with `extra` flags.
    pub fn add_tls_environment(&self, id: &str, name: &str, extra: &[&str]) {
        let (host, certs) = tls_engine();
        let certs = certs.to_str().expect("a UTF-8 path");
        let mut args = vec!["--name", name, "--id", id, "--docker-host", &host];
        args.extend(["--tls-verify", "--cert-path", certs]);
        args.extend(extra);
        self.add_environment(&args);
    }

    /// An HTTP client authenticated as the admin.
    pub fn admin(&self) -> Client {
        Client::new(&self.base, Some(&self.admin_token))
    }

    /// An HTTP client with `token`.
    pub fn with_token(&self, token: &str) -> Client {
        Client::new(&self.base, Some(token))
    }

    /// An HTTP client without credentials.
    pub fn anonymous(&self) -> Client {
        Client::new(&self.base, None)
    }

    /// `tcp://HOST:PORT/engine/local` and a DOCKER_CONFIG directory whose config.json sends
    /// `token`, so the docker CLI uses Berth as its gateway unchanged.
    pub fn docker_cli_config(&self, token: &str) -> (String, tempfile::TempDir) {
        self.docker_cli_config_for(token, "local")
    }

    /// [`Berth::docker_cli_config`] for the environment `environment`:
    /// `tcp://HOST:PORT/engine/{environment}`.
    pub fn docker_cli_config_for(
        &self,
        token: &str,
        environment: &str,
    ) -> (String, tempfile::TempDir) {
        let config = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            config.path().join("config.json"),
            format!(r#"{{"HttpHeaders":{{"Authorization":"Bearer {token}"}}}}"#),
        )
        .expect("write config.json");
        let host = format!(
            "tcp://{}/engine/{environment}",
            self.base.trim_start_matches("http://")
        );
        (host, config)
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `limit` for the process to exit.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Berth {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `berth serve` on an ephemeral port and waits for the URL it prints; also returns the
/// set-up token when it prints one.
fn spawn_serve(
    data_dir: &Path,
    docker_host: &str,
    extra: &[&str],
) -> (Child, String, Option<String>) {
    let mut child = berth_command(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("DOCKER_HOST", docker_host)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("berth starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut token = None;
        let mut expecting_token = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if expecting_token {
                token = Some(line.trim().to_owned());
                expecting_token = false;
            } else if line.starts_with("No users yet.") {
                expecting_token = true;
            } else if let Some(url) = line.strip_prefix("Berth is ready at ") {
                let _ = sender.send((url.trim_end_matches('/').to_owned(), token.take()));
            }
        }
    });
    let (base, token) = receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("berth prints its URL within 30 s");
    (child, base, token)
}

/// Adds user `username` with `role` (unless it exists) and creates a token for them through
/// the command line, returning the token (the last line `berth token create` prints).
pub fn provision(data_dir: &Path, username: &str, role: &str) -> String {
    let exists = berth_command(data_dir)
        .args(["user", "list"])
        .output()
        .map(|output| {
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .any(|line| line.split_whitespace().next() == Some(username))
        })
        .unwrap_or(false);
    if !exists {
        add_user(data_dir, username, role, PASSWORD);
    }
    create_token(data_dir, username, &unique_name("token"))
}

/// Polls `probe` until it gives a value, for at most ten seconds.
pub fn wait_for<T>(mut probe: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the condition did not hold within 10 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Sends a signal by name (`TERM`, `INT`) to a process.
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{name} {pid} failed");
}

/// HTTP requests to Berth, with or without a bearer token.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    token: Option<String>,
}

impl Client {
    fn new(base: &str, token: Option<&str>) -> Self {
        Self {
            base: base.to_owned(),
            token: token.map(str::to_owned),
        }
    }

    fn authorize<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.token {
            Some(token) => request.header("authorization", &format!("Bearer {token}")),
            None => request,
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Reply {
        reply(
            self.authorize(agent().get(&format!("{}{path}", self.base)))
                .call(),
        )
    }

    /// `POST path` with an empty body.
    pub fn post(&self, path: &str) -> Reply {
        reply(
            self.authorize(agent().post(&format!("{}{path}", self.base)))
                .send_empty(),
        )
    }

    /// `POST path` with a JSON body.
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.send_json("POST", path, body)
    }

    /// `POST /api/auth/login` with these credentials, as the sign-in form sends them.
    pub fn login(&self, username: &str, password: &str) -> Reply {
        let body = serde_json::json!({"username": username, "password": password});
        self.send_json("POST", "/api/auth/login", &body)
    }

    /// `method path` with a JSON body.
    pub fn send_json(&self, method: &str, path: &str, body: &serde_json::Value) -> Reply {
        let body = body.to_string();
        self.request(
            method,
            path,
            &[("content-type", "application/json")],
            Some(&body),
        )
    }

    /// `DELETE path`.
    pub fn delete(&self, path: &str) -> Reply {
        reply(
            self.authorize(agent().delete(&format!("{}{path}", self.base)))
                .call(),
        )
    }

    /// Any method, with extra headers and an optional body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let uri = format!("{}{path}", self.base);
        let mut builder = http::Request::builder().method(method).uri(uri);
        if let Some(token) = &self.token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = body.unwrap_or_default().to_owned();
        let request = builder.body(body).expect("a valid request");
        reply(agent().run(request))
    }
}

/// An HTTP agent that returns error statuses as responses instead of errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A response's status and body, read whole.
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The headers, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.body))
    }

    /// The `message` of a JSON error body.
    pub fn message(&self) -> String {
        match &self.json()["message"] {
            serde_json::Value::String(message) => message.clone(),
            _ => panic!("no message: {}", self.body),
        }
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

fn reply(response: Result<http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = response.expect("the request completes");
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    Reply {
        status: response.status().as_u16(),
        headers,
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// The audit records matching `query` (a query string of `/api/audit`), read as the admin.
pub fn audit(berth: &Berth, query: &str) -> Vec<serde_json::Value> {
    let reply = berth.admin().get(&format!("/api/audit?{query}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["events"]
        .as_array()
        .expect("a page of records")
        .clone()
}

/// `GET url` without credentials.
pub fn get(url: &str) -> Reply {
    reply(agent().get(url).call())
}
