//! `make bench`: the same workload directly against the engine's socket, through Berth, and
//! through socat and haproxy as reference proxies, side by side in one run. Results are written
//! to BENCHMARKS.md as ratios against the engine used directly.
//!
//! Requests are interleaved in small rounds across the targets, so drift in the machine's load
//! affects every target alike.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use berth::engine::{EngineClient, EngineEndpoint};
use http::Request;
use http_body_util::BodyExt;

/// How many containers the list benchmark lists.
const CONTAINERS: usize = 500;
/// Requests per target per round, and rounds.
const BATCH: usize = 20;
const ROUNDS: usize = 25;

struct Target {
    name: &'static str,
    client: EngineClient,
    prefix: String,
    latencies: Vec<Duration>,
}

fn main() {
    let docker_host = std::env::var("BERTH_BENCH_DOCKER_HOST")
        .expect("BERTH_BENCH_DOCKER_HOST is not set: run the benchmarks through `make bench`");
    let socket = PathBuf::from(
        docker_host
            .strip_prefix("unix://")
            .expect("a unix:// engine"),
    );
    let output = std::env::var("BERTH_BENCH_OUTPUT").unwrap_or_else(|_| "BENCHMARKS.md".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let direct = EngineClient::new(EngineEndpoint::Unix(socket.clone()));
    let api = runtime.block_on(async {
        let version: berth_shared::engine::system::SystemVersion = direct
            .get_json("/version")
            .await
            .expect("the engine answers /version");
        version
    });
    let api_version = api.api_version.clone();
    runtime.block_on(ensure_containers(&direct, &api_version));

    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut berth = Process::berth(&docker_host, data_dir.path());
    let socat_port = free_port();
    let _socat = Process::spawn(
        "socat",
        Command::new("socat").args([
            format!("TCP-LISTEN:{socat_port},bind=127.0.0.1,reuseaddr,fork"),
            format!("UNIX-CONNECT:{}", socket.display()),
        ]),
    );
    let haproxy_port = free_port();
    let haproxy_config = data_dir.path().join("haproxy.cfg");
    std::fs::write(&haproxy_config, haproxy_config_text(haproxy_port, &socket)).expect("config");
    let _haproxy = Process::spawn(
        "haproxy",
        Command::new("haproxy")
            .args(["-db", "-f"])
            .arg(&haproxy_config),
    );
    wait_for_port(socat_port);
    wait_for_port(haproxy_port);

    let tcp = |port: u16| {
        EngineClient::new(EngineEndpoint::Tcp {
            host: "127.0.0.1".into(),
            port,
        })
    };
    let mut targets = vec![
        Target {
            name: "engine (direct socket)",
            client: direct,
            prefix: String::new(),
            latencies: vec![],
        },
        Target {
            name: "Berth",
            client: tcp(berth.port),
            prefix: "/engine/local".into(),
            latencies: vec![],
        },
        Target {
            name: "socat",
            client: tcp(socat_port),
            prefix: String::new(),
            latencies: vec![],
        },
        Target {
            name: "haproxy (http mode)",
            client: tcp(haproxy_port),
            prefix: String::new(),
            latencies: vec![],
        },
    ];
    let path = format!("/v{api_version}/containers/json?all=1");

    runtime.block_on(async {
        // Warm every connection pool and the engine's caches.
        for target in &mut targets {
            for _ in 0..BATCH {
                request(&target.client, &format!("{}{path}", target.prefix)).await;
            }
        }
        for _ in 0..ROUNDS {
            for target in &mut targets {
                let url = format!("{}{path}", target.prefix);
                for _ in 0..BATCH {
                    let start = Instant::now();
                    request(&target.client, &url).await;
                    target.latencies.push(start.elapsed());
                }
            }
        }
    });
    let idle_rss = berth.rss_kib();

    let report = render(&targets, &api, idle_rss);
    println!("{report}");
    std::fs::write(&output, report).expect("write BENCHMARKS.md");
    berth.stop();
}

/// Creates stopped containers labelled `berth.bench` until there are [`CONTAINERS`].
async fn ensure_containers(client: &EngineClient, api_version: &str) {
    let filter = "%7B%22label%22%3A%5B%22berth.bench%22%5D%7D";
    let existing: Vec<serde_json::Value> = client
        .get_json(&format!(
            "/v{api_version}/containers/json?all=1&filters={filter}"
        ))
        .await
        .expect("list containers");
    for _ in existing.len()..CONTAINERS {
        let body = serde_json::json!({
            "Image": "busybox:latest",
            "Cmd": ["true"],
            "Labels": {"berth.bench": "1"},
        });
        let request = Request::post(
            client
                .uri(&format!("/v{api_version}/containers/create"))
                .unwrap(),
        )
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
        let response = client.send(request).await.expect("create a container");
        assert!(
            response.status().is_success(),
            "create failed: {}",
            response.status()
        );
        let _ = response.into_body().collect().await;
    }
}

async fn request(client: &EngineClient, path: &str) {
    let request = Request::get(client.uri(path).unwrap())
        .body(Body::empty())
        .unwrap();
    let response = client.send(request).await.expect("the request completes");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the body arrives");
    assert!(body.to_bytes().len() > 2);
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index]
}

fn render(
    targets: &[Target],
    version: &berth_shared::engine::system::SystemVersion,
    idle_rss: u64,
) -> String {
    let stats: Vec<(Duration, Duration)> = targets
        .iter()
        .map(|target| {
            let mut sorted = target.latencies.clone();
            sorted.sort();
            (percentile(&sorted, 0.5), percentile(&sorted, 0.99))
        })
        .collect();
    let (direct_p50, direct_p99) = stats[0];
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Generated by `make bench` ({}). Every target is measured in the same run, with requests \
         interleaved in rounds of {BATCH}, so the ratios compare like with like. Lower latency \
         ratios are better.\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "Machine: {} CPUs, {}; engine {} (API {}).\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        kernel(),
        version.version,
        version.api_version
    );
    let _ = writeln!(
        out,
        "## Latency: `GET /containers/json?all=1` with {CONTAINERS} containers\n"
    );
    let _ = writeln!(
        out,
        "{} requests per target, sequential, over one kept-alive connection.\n",
        BATCH * ROUNDS
    );
    let _ = writeln!(out, "| target | p50 | p99 | p50 ratio | p99 ratio |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for (target, (p50, p99)) in targets.iter().zip(&stats) {
        let _ = writeln!(
            out,
            "| {} | {:.2} ms | {:.2} ms | {:.3}× | {:.3}× |",
            target.name,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            p50.as_secs_f64() / direct_p50.as_secs_f64(),
            p99.as_secs_f64() / direct_p99.as_secs_f64()
        );
    }
    let _ = writeln!(out, "\nTarget: Berth ≤ 1.10× direct at p50.\n");
    let _ = writeln!(out, "## Memory\n");
    let _ = writeln!(out, "| measure | value | target |");
    let _ = writeln!(out, "|---|---:|---:|");
    let _ = writeln!(
        out,
        "| Berth RSS after the latency run | {:.1} MB | ≤ 20 MB |",
        idle_rss as f64 / 1024.0
    );
    out
}

fn kernel() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|release| format!("Linux {}", release.trim()))
        .unwrap_or_else(|_| "unknown kernel".into())
}

fn haproxy_config_text(port: u16, socket: &Path) -> String {
    format!(
        "global\n  maxconn 1024\n\
         defaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n  option http-keep-alive\n\
         frontend bench\n  bind 127.0.0.1:{port}\n  default_backend engine\n\
         backend engine\n  http-reuse always\n  server engine {}\n",
        socket.display()
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process, killed when dropped.
struct Process {
    child: Child,
    port: u16,
}

impl Process {
    fn spawn(name: &str, command: &mut Command) -> Process {
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("{name} does not start: {error}"));
        Process { child, port: 0 }
    }

    fn berth(docker_host: &str, data_dir: &Path) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_berth"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("DOCKER_HOST", docker_host)
            .env("BERTH_DATA_DIR", data_dir)
            .env("BERTH_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .expect("berth starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("berth prints its URL");
        let port = line
            .trim()
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Process { child, port }
    }

    /// Resident memory in KiB, from /proc.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    fn stop(&mut self) {
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
