//! The things benchmarked side by side: the engine's socket used directly, Berth, socat and
//! haproxy, each reached through the same client, and the processes behind them.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use berth::engine::{EngineClient, EngineEndpoint, UpgradeOutcome};
use http::{HeaderValue, Method, Request, Response, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncReadExt;

use crate::berth_cli::{add_user, berth_command, create_token};
use crate::memory;
use crate::raw;

/// The name of Berth's target.
pub const BERTH: &str = "Berth";

/// One way of reaching the engine.
pub struct Target {
    /// The name in the report.
    pub name: &'static str,
    client: EngineClient,
    /// Prepended to engine paths (`/engine/local` for Berth).
    prefix: String,
    /// The bearer token Berth needs.
    authorization: Option<HeaderValue>,
    /// Where the raw client connects.
    address: raw::Address,
}

impl Target {
    /// The engine's socket, directly.
    pub fn direct(socket: &Path) -> Self {
        Self {
            name: "engine (direct socket)",
            client: EngineClient::new(EngineEndpoint::Unix(socket.to_owned())),
            prefix: String::new(),
            authorization: None,
            address: raw::Address::Unix(socket.to_owned()),
        }
    }

    /// A proxy on a loopback TCP port.
    pub fn tcp(name: &'static str, port: u16, prefix: &str, token: Option<&str>) -> Self {
        Self {
            name,
            client: EngineClient::new(EngineEndpoint::Tcp {
                host: "127.0.0.1".into(),
                port,
            }),
            prefix: prefix.to_owned(),
            authorization: token.map(|token| {
                HeaderValue::from_str(&format!("Bearer {token}")).expect("a header value")
            }),
            address: raw::Address::Tcp(port),
        }
    }

    /// A request for the engine path `path`, with a JSON body when `body` is given.
    pub fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Request<Body> {
        let mut builder = Request::builder().method(method).uri(
            self.client
                .uri(&format!("{}{path}", self.prefix))
                .expect("a URI"),
        );
        if let Some(authorization) = &self.authorization {
            builder = builder.header(header::AUTHORIZATION, authorization);
        }
        let body = match body {
            Some(json) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        builder.body(body).expect("a request")
    }

    /// Whether requests to this target pass through Berth.
    pub fn is_berth(&self) -> bool {
        self.name == BERTH
    }

    /// A request for the engine path `path` with `body` of `content_type`.
    pub fn request_body(
        &self,
        method: Method,
        path: &str,
        body: Body,
        content_type: &str,
    ) -> Request<Body> {
        let mut request = self.request(method, path, None);
        request.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).expect("a header value"),
        );
        *request.body_mut() = body;
        request
    }

    /// Sends a request and returns its status, whatever it is, reading the answer.
    pub async fn status(&self, request: Request<Body>) -> http::StatusCode {
        let response = self
            .client
            .send(request)
            .await
            .expect("the request completes");
        let status = response.status();
        count_body(response.into_body()).await;
        status
    }

    /// Sends a request and insists on a successful answer.
    pub async fn send(&self, request: Request<Body>) -> Response<Incoming> {
        let what = format!("{} {}", request.method(), request.uri());
        let response = self
            .client
            .send(request)
            .await
            .expect("the request completes");
        assert!(
            response.status().is_success(),
            "{}: {what}: {}",
            self.name,
            response.status()
        );
        response
    }

    /// Sends a request and decodes its JSON answer.
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let response = self.send(self.request(method, path, body)).await;
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        serde_json::from_slice(&bytes).expect("JSON")
    }

    /// Sends `GET path` through the raw client (see `raw`), returning once the answer's head
    /// is in.
    pub async fn get_raw(&self, path: &str) -> raw::Answer {
        let authorization = self
            .authorization
            .as_ref()
            .map(|value| value.to_str().expect("an ASCII token"));
        raw::get(
            &self.address,
            &format!("{}{path}", self.prefix),
            authorization,
        )
        .await
    }

    /// Streams an answer's body to its end, returning how many bytes came.
    pub async fn drain(&self, request: Request<Body>) -> u64 {
        count_body(self.send(request).await.into_body()).await
    }

    /// Starts an exec with its streams hijacked (`Upgrade: tcp`), as `docker exec` does.
    pub async fn start_exec(
        &self,
        api: &str,
        exec: &str,
        tty: bool,
    ) -> TokioIo<hyper::upgrade::Upgraded> {
        match self.request_exec(api, exec, tty).await {
            UpgradeOutcome::Upgraded { io, .. } => io,
            UpgradeOutcome::Answered(response) => {
                panic!("{}: exec start answered {}", self.name, response.status())
            }
        }
    }

    /// Starts an exec with its streams hijacked, or `None` when the target answers without
    /// switching protocols.
    pub async fn hijack_exec(
        &self,
        api: &str,
        exec: &str,
        tty: bool,
    ) -> Option<TokioIo<hyper::upgrade::Upgraded>> {
        match self.request_exec(api, exec, tty).await {
            UpgradeOutcome::Upgraded { io, .. } => Some(io),
            UpgradeOutcome::Answered(_) => None,
        }
    }

    /// Runs an exec to its end and counts its output. A proxy that drops `Upgrade` (haproxy
    /// in HTTP mode) gets the engine's fallback, a `200` whose body is the raw stream.
    pub async fn exec_output(&self, api: &str, exec: &str, tty: bool) -> u64 {
        match self.request_exec(api, exec, tty).await {
            UpgradeOutcome::Upgraded { io, .. } => read_all(io).await,
            UpgradeOutcome::Answered(response) => {
                assert!(
                    response.status().is_success(),
                    "{}: exec start answered {}",
                    self.name,
                    response.status()
                );
                count_body(response.into_body()).await
            }
        }
    }

    async fn request_exec(&self, api: &str, exec: &str, tty: bool) -> UpgradeOutcome {
        let request = self.request(
            Method::POST,
            &format!("/v{api}/exec/{exec}/start"),
            Some(serde_json::json!({"Detach": false, "Tty": tty})),
        );
        self.client
            .upgrade(request, "tcp")
            .await
            .expect("exec start")
    }
}

/// Reads a body to its end, returning how many bytes came.
async fn count_body(mut body: Incoming) -> u64 {
    let mut total = 0u64;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.expect("the body arrives").into_data() {
            total += data.len() as u64;
        }
    }
    total
}

/// Reads an upgraded stream to its end, returning how many bytes came.
async fn read_all(mut io: TokioIo<hyper::upgrade::Upgraded>) -> u64 {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let read = io.read(&mut buffer).await.expect("read the stream");
        if read == 0 {
            return total;
        }
        total += read as u64;
    }
}

/// A child process, killed when dropped.
pub struct Process {
    child: Child,
    /// The port it listens on, for Berth.
    pub port: u16,
}

impl Process {
    /// Starts a reference proxy.
    pub fn spawn(name: &str, command: &mut Command) -> Process {
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("{name} does not start: {error}"));
        Process { child, port: 0 }
    }

    /// Starts `berth serve` (release build) on a free port, with an admin token; returns it
    /// with the token.
    pub fn berth(docker_host: &str, data_dir: &Path) -> (Process, String) {
        let token = provision(data_dir);
        let mut child = berth_command(data_dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            // The memory workload holds more streams open at once than one user may by
            // default.
            .args(["--max-streams-per-user", &(2 * memory::STREAMS).to_string()])
            .env("DOCKER_HOST", docker_host)
            .stdout(Stdio::piped())
            .spawn()
            .expect("berth starts");
        let stdout = child.stdout.take().expect("stdout");
        let url = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("Berth is ready at ").map(str::to_owned))
            .expect("berth prints its URL");
        let port = url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("no port in {url:?}"));
        (Process { child, port }, token)
    }

    /// Resident memory in KiB, from /proc.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// CPU time used so far (user and system), in seconds, from /proc.
    pub fn cpu_seconds(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks: f64 = fields
            .get(11..13)
            .map(|pair| pair.iter().filter_map(|n| n.parse::<f64>().ok()).sum())
            .unwrap_or(0.0);
        // Linux reports in clock ticks of 1/100 s (USER_HZ) on every architecture Berth runs on.
        ticks / 100.0
    }

    /// Stops it with SIGTERM and waits.
    pub fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Adds an admin and returns a new API token of theirs.
fn provision(data_dir: &Path) -> String {
    add_user(data_dir, "bench", "admin", "benchmark password 1234");
    create_token(data_dir, "bench", "bench")
}

/// The haproxy configuration: HTTP mode, keep-alive to the engine's socket.
pub fn haproxy_config_text(port: u16, socket: &Path) -> String {
    format!(
        "global\n  maxconn 1024\n\
         defaults\n  mode http\n  timeout connect 5s\n  timeout client 600s\n  timeout server 600s\n  timeout tunnel 600s\n  option http-keep-alive\n\
         frontend bench\n  bind 127.0.0.1:{port}\n  default_backend engine\n\
         backend engine\n  http-reuse always\n  server engine {}\n",
        socket.display()
    )
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// Waits until something listens on `port`.
pub fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
