//! Test fixtures: the private engine, a running `berth serve`, and small HTTP helpers.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The private engine's address, from `make test`.
pub fn docker_host() -> String {
    std::env::var("BERTH_TEST_DOCKER_HOST").expect(
        "BERTH_TEST_DOCKER_HOST is not set: run the integration tests through `make test`, \
         which starts a private engine with scripts/engine.sh",
    )
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
    assert!(
        output.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
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
        docker(&[
            "run",
            "-d",
            "--name",
            &name,
            "busybox:latest",
            "sleep",
            "3600",
        ]);
        Self { name }
    }
}

impl Drop for TestContainer {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-f", "-v", &self.name])
            .env("DOCKER_HOST", docker_host())
            .output();
    }
}

/// A `berth serve` process on an ephemeral loopback port, killed when dropped.
pub struct Berth {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    _data_dir: tempfile::TempDir,
}

impl Berth {
    /// Serves against the private engine.
    pub fn start() -> Self {
        Self::start_with_engine(&docker_host())
    }

    /// Serves against the engine at `docker_host`, which need not be reachable.
    pub fn start_with_engine(docker_host: &str) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut child = berth_command(data_dir.path())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("DOCKER_HOST", docker_host)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("berth starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("Berth is ready at ") {
                    let _ = sender.send(url.trim_end_matches('/').to_owned());
                }
            }
        });
        let base = receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("berth prints its URL within 30 s");
        Self {
            child,
            base,
            _data_dir: data_dir,
        }
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

/// The `berth` binary with a private data directory and no inherited Berth settings.
pub fn berth_command(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_berth"));
    command
        .env_remove("BERTH_LISTEN")
        .env("BERTH_DATA_DIR", data_dir)
        .env("BERTH_LOG", "warn");
    command
}

/// Sends a signal by name (`TERM`, `INT`) to a process.
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{name} {pid} failed");
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

/// `GET url`.
pub fn get(url: &str) -> Reply {
    reply(agent().get(url).call())
}

/// `POST url` with an empty body.
pub fn post(url: &str) -> Reply {
    reply(agent().post(url).send_empty())
}

/// `DELETE url`.
pub fn delete(url: &str) -> Reply {
    reply(agent().delete(url).call())
}
