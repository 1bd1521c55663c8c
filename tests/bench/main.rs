//! `make bench`: the same workloads directly against the engine's socket, through Berth, and
//! through socat and haproxy as reference proxies, side by side in one run. Results are written
//! to BENCHMARKS.md as ratios against the engine used directly.
//!
//! Settings (environment): `BERTH_BENCH_DOCKER_HOST` (a unix:// engine, required),
//! `BERTH_BENCH_OUTPUT` (BENCHMARKS.md), `BERTH_BENCH_ROUNDS` (3, for the throughput runs), and
//! the sizes in MiB: `BERTH_BENCH_LOG_MIB` (512, in 8 KiB lines), `BERTH_BENCH_SHORT_LOG_MIB`
//! (64, in 100-byte lines), `BERTH_BENCH_FOLLOW_MIB` (32), `BERTH_BENCH_EXEC_MIB` (512),
//! `BERTH_BENCH_TTY_MIB` (128), `BERTH_BENCH_COPY_MIB` (256, the `docker cp` file, which is also
//! what the saved image holds).

#[path = "../common/berth_cli.rs"]
mod berth_cli;
mod fixtures;
mod latency;
mod live;
mod memory;
mod raw;
mod report;
mod targets;
mod throughput;

use std::path::PathBuf;
use std::process::Command;

use http::Method;
use http_body_util::BodyExt;
use targets::{BERTH, Process, Target, free_port, haproxy_config_text, wait_for_port};
use throughput::{load_average, measure};

/// How many containers the list benchmark lists.
const CONTAINERS: usize = 500;

/// The line lengths of the logs workloads.
const LONG_LINE: usize = 8192;
const SHORT_LINE: usize = 100;

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
    let mut sizes = report::Sizes {
        log: setting("BERTH_BENCH_LOG_MIB", 512) << 20,
        short_log: setting("BERTH_BENCH_SHORT_LOG_MIB", 64) << 20,
        follow: setting("BERTH_BENCH_FOLLOW_MIB", 32) << 20,
        exec: setting("BERTH_BENCH_EXEC_MIB", 512) << 20,
        tty: setting("BERTH_BENCH_TTY_MIB", 128) << 20,
        copy: setting("BERTH_BENCH_COPY_MIB", 256) << 20,
        archive: 0,
    };
    let rounds = setting("BERTH_BENCH_ROUNDS", 3).max(1) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let direct = Target::direct(&socket);
    let version: berth_shared::engine::system::SystemVersion = runtime.block_on(async {
        serde_json::from_value(direct.json(Method::GET, "/version", None).await)
            .expect("the engine's version")
    });
    let api = version.api_version.clone();
    let fixtures = runtime.block_on(async {
        fixtures::list_containers(&direct, &api, CONTAINERS).await;
        let long_log = fixtures::log_container(&direct, &api, sizes.log, LONG_LINE).await;
        let short_log = fixtures::log_container(&direct, &api, sizes.short_log, SHORT_LINE).await;
        let exec = fixtures::exec_container(&direct, &api).await;
        let copy_path = fixtures::copy_file(&direct, &api, &exec, sizes.copy).await;
        let image = fixtures::saved_image(&direct, &api, &exec).await;
        let encoded = berth_shared::percent::component(&image);
        let archive = direct
            .send(direct.request(
                Method::GET,
                &format!("/v{api}/images/get?names={encoded}"),
                None,
            ))
            .await
            .into_body()
            .collect()
            .await
            .expect("the image archive")
            .to_bytes();
        Fixtures {
            long_log,
            short_log,
            exec,
            copy_path,
            image,
            archive,
        }
    });

    sizes.archive = fixtures.archive.len() as u64;
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
        Target::direct(&socket),
        Target::tcp(BERTH, berth.port, "/engine/local", Some(&token)),
        Target::tcp("socat", socat_port, "", None),
        Target::tcp("haproxy (http mode)", haproxy_port, "", None),
    ];
    let results = runtime.block_on(run(
        &targets, &direct, &berth, &api, &fixtures, sizes, rounds,
    ));
    let results = report::Results {
        engine_version: version.version,
        api_version: api,
        containers: CONTAINERS,
        ..results
    };

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

/// What the workloads read: made once, reused across runs.
struct Fixtures {
    long_log: String,
    short_log: String,
    exec: String,
    copy_path: String,
    image: String,
    archive: bytes::Bytes,
}

/// Every measure, in order, each target in turn.
async fn run(
    targets: &[Target],
    direct: &Target,
    berth: &Process,
    api: &str,
    fixtures: &Fixtures,
    sizes: report::Sizes,
    rounds: usize,
) -> report::Results {
    let load_start = load_average();
    let rss_idle = memory::settled_rss(berth).await;
    let latencies = latency::measure(targets, api).await;
    let rss_after_latency = berth.rss_kib();
    eprintln!("latency done; keystroke echo");
    let mut echoes = Vec::new();
    for target in targets {
        echoes.push(live::echo(target, api, &fixtures.exec).await);
    }
    use report::Workload as W;
    let mut workloads = Vec::new();
    throughput::check_raw_client(direct, api, &fixtures.short_log).await;
    eprintln!("logs");
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        throughput::logs(target, api, &fixtures.long_log).await
    });
    workloads.push(W::new(report::Kind::LongLines, measured.await));
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        throughput::logs(target, api, &fixtures.short_log).await
    });
    workloads.push(W::new(report::Kind::ShortLines, measured.await));
    eprintln!("follow");
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        throughput::follow(target, direct, api, sizes.follow, SHORT_LINE).await
    });
    workloads.push(W::new(report::Kind::Follow, measured.await));
    eprintln!("exec");
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        throughput::exec(target, api, &fixtures.exec, sizes.exec, false).await
    });
    workloads.push(W::new(report::Kind::Exec, measured.await));
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        throughput::exec(target, api, &fixtures.exec, sizes.tty, true).await
    });
    workloads.push(W::new(report::Kind::ExecTty, measured.await));
    eprintln!("cp, save, load");
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        throughput::copy(target, api, &fixtures.exec, &fixtures.copy_path).await
    });
    workloads.push(W::new(report::Kind::Copy, measured.await));
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        throughput::save(target, api, &fixtures.image).await
    });
    workloads.push(W::new(report::Kind::Save, measured.await));
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        throughput::load(target, api, &fixtures.archive).await
    });
    workloads.push(W::new(report::Kind::Load, measured.await));
    eprintln!("stats, events");
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        live::stats(target, api, &fixtures.exec).await
    });
    workloads.push(W::new(report::Kind::Stats, measured.await));
    let burst = std::sync::atomic::AtomicUsize::new(0);
    let measured = measure(targets, berth, rounds, async |target: &Target| {
        let n = burst.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        live::events(target, direct, api, n).await
    });
    workloads.push(W::new(report::Kind::Events, measured.await));
    let rss_after_transfers = memory::settled_rss(berth).await;
    eprintln!("throughput done; memory with {} streams", memory::STREAMS);
    let followers = memory::followers(berth, &targets[1], api, &fixtures.exec).await;
    let exec_sessions = memory::exec_sessions(berth, &targets[1], api, &fixtures.exec).await;
    report::Results {
        engine_version: String::new(),
        api_version: String::new(),
        containers: CONTAINERS,
        latencies,
        echoes,
        sizes,
        workloads,
        rounds,
        load_start,
        load_end: load_average(),
        rss_idle,
        rss_after_latency,
        rss_after_transfers,
        followers,
        exec_sessions,
        // The browser terminal's echo round trip (through its websocket endpoint) is
        // measured by its own module, which adds its rendered section here.
        extra: Vec::new(),
    }
}
