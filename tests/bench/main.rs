//! `make bench`: the same workloads directly against the engine's socket, through Berth, and
//! through socat and haproxy as reference proxies, side by side in one run. Results are written
//! to BENCHMARKS.md as ratios against the engine used directly.
//!
//! Settings (environment): `BERTH_BENCH_DOCKER_HOST` (a unix:// engine, required),
//! `BERTH_BENCH_OUTPUT` (BENCHMARKS.md), `BERTH_BENCH_LOG_MIB` (1024), `BERTH_BENCH_EXEC_MIB`
//! (512), `BERTH_BENCH_ROUNDS` (3, for the throughput runs).

mod fixtures;
mod latency;
mod memory;
mod report;
mod targets;
mod throughput;

use std::path::PathBuf;
use std::process::Command;

use targets::{Process, Target, free_port, haproxy_config_text, wait_for_port};

/// How many containers the list benchmark lists.
const CONTAINERS: usize = 500;

fn main() {
    let docker_host = std::env::var("BERTH_BENCH_DOCKER_HOST")
        .expect("BERTH_BENCH_DOCKER_HOST is not set: run the benchmarks through `make bench`");
    let socket = PathBuf::from(
        docker_host
            .strip_prefix("unix://")
            .expect("a unix:// engine"),
    );
    let output = std::env::var("BERTH_BENCH_OUTPUT").unwrap_or_else(|_| "BENCHMARKS.md".into());
    let setting = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    let log_bytes = setting("BERTH_BENCH_LOG_MIB", 1024) << 20;
    let exec_bytes = setting("BERTH_BENCH_EXEC_MIB", 512) << 20;
    let rounds = setting("BERTH_BENCH_ROUNDS", 3).max(1) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let direct = Target::direct(&socket);
    let version: berth_shared::engine::system::SystemVersion = runtime.block_on(async {
        serde_json::from_value(direct.json(http::Method::GET, "/version", None).await)
            .expect("the engine's version")
    });
    let api = version.api_version.clone();
    let (log_container, exec_container) = runtime.block_on(async {
        fixtures::list_containers(&direct, &api, CONTAINERS).await;
        (
            fixtures::log_container(&direct, &api, log_bytes).await,
            fixtures::exec_container(&direct, &api).await,
        )
    });

    let data_dir = tempfile::tempdir().expect("temp dir");
    let (mut berth, token) = Process::berth(&docker_host, data_dir.path());
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
    wait_for_port(berth.port);
    wait_for_port(socat_port);
    wait_for_port(haproxy_port);

    let targets = vec![
        direct,
        Target::tcp("Berth", berth.port, "/engine/local", Some(&token)),
        Target::tcp("socat", socat_port, "", None),
        Target::tcp("haproxy (http mode)", haproxy_port, "", None),
    ];
    let results = runtime.block_on(async {
        let rss_idle = memory::settled_rss(&berth).await;
        let latencies = latency::measure(&targets, &api).await;
        let rss_after_latency = berth.rss_kib();
        eprintln!("latency done; reading logs");
        let cpu_start = berth.cpu_seconds();
        let logs = throughput::logs(&targets, &api, &log_container, rounds).await;
        let cpu_logs = berth.cpu_seconds() - cpu_start;
        eprintln!("logs done; exec streams");
        let cpu_start = berth.cpu_seconds();
        let exec = throughput::exec(&targets, &api, &exec_container, exec_bytes, rounds).await;
        let cpu_exec = berth.cpu_seconds() - cpu_start;
        let rss_after_transfers = memory::settled_rss(&berth).await;
        eprintln!("throughput done; memory with {} streams", memory::STREAMS);
        let followers = memory::followers(&berth, &targets[1], &api, &exec_container).await;
        let exec_sessions = memory::exec_sessions(&berth, &targets[1], &api, &exec_container).await;
        report::Results {
            engine_version: version.version.clone(),
            api_version: api.clone(),
            containers: CONTAINERS,
            latencies,
            log_bytes,
            logs,
            cpu_logs,
            exec_bytes,
            exec,
            cpu_exec,
            rounds,
            rss_idle,
            rss_after_latency,
            rss_after_transfers,
            followers,
            exec_sessions,
            // The browser terminal's echo round trip (through its websocket endpoint) is
            // measured by its own module, which adds its rendered section here.
            extra: Vec::new(),
        }
    });

    let mut report = report::render(&targets, &results);
    println!("{report}");
    // Sections between `<!-- name:start -->` and `<!-- name:end -->` are written by other
    // steps of `make bench`, or by hand (measured decisions): they are kept.
    if let Ok(previous) = std::fs::read_to_string(&output) {
        report::keep_marked_sections(&previous, &mut report);
    }
    std::fs::write(&output, report).expect("write BENCHMARKS.md");
    berth.stop();
}
