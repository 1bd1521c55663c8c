//! Stream throughput, each target in turn, in rounds: whole logs as `docker logs` reads them,
//! a busy container's log followed as it is written, exec output over the hijacked connection
//! `docker exec` uses (with and without a TTY), `docker cp` out of a container, and image
//! `save` and `load`. Each workload also records Berth's CPU time over its runs and the
//! machine's load.

use std::time::{Duration, Instant};

use axum::body::Body;
use bytes::Bytes;
use http::Method;

use crate::fixtures::{self, create_exec};
use crate::targets::{Process, Target};

/// One run of a workload on one target.
pub struct Sample {
    /// What the rate counts: bytes, or items (events, stats samples) for workloads that say so.
    pub amount: u64,
    /// The bytes that passed through the target.
    pub bytes: u64,
    pub elapsed: Duration,
}

impl Sample {
    /// A run that moved `bytes` bytes.
    pub fn bytes(bytes: u64, elapsed: Duration) -> Self {
        Self {
            amount: bytes,
            bytes,
            elapsed,
        }
    }
}

/// A workload's results.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Per target, the median rate of its runs (amount per second).
    pub rates: Vec<f64>,
    /// The bytes that passed through Berth over the workload's runs.
    pub berth_bytes: u64,
    /// Berth's CPU time (user and system) over the workload's runs, in seconds.
    pub berth_cpu: f64,
    /// The machine's 1-minute load average before and after the workload.
    pub load: (f64, f64),
}

impl Measured {
    /// Berth's CPU seconds per GiB it passed through.
    pub fn cpu_per_gib(&self) -> f64 {
        self.berth_cpu / (self.berth_bytes as f64 / f64::from(1u32 << 30))
    }
}

/// The machine's 1-minute load average.
pub fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Runs `run` on every target in turn, `rounds` times, and takes each target's median.
pub async fn measure(
    targets: &[Target],
    berth: &Process,
    rounds: usize,
    run: impl AsyncFn(&Target) -> Sample,
) -> Measured {
    let load_before = load_average();
    let cpu_before = berth.cpu_seconds();
    let mut runs = vec![Vec::new(); targets.len()];
    let mut berth_bytes = 0;
    for _ in 0..rounds {
        for (target, runs) in targets.iter().zip(&mut runs) {
            let sample = run(target).await;
            if target.is_berth() {
                berth_bytes += sample.bytes;
            }
            runs.push(sample.amount as f64 / sample.elapsed.as_secs_f64());
        }
    }
    Measured {
        rates: runs.into_iter().map(median).collect(),
        berth_bytes,
        berth_cpu: berth.cpu_seconds() - cpu_before,
        load: (load_before, load_average()),
    }
}

/// Reads the whole log of `container` (stdout and stderr, no follow).
pub async fn logs(target: &Target, api: &str, container: &str) -> Sample {
    let path = format!("/v{api}/containers/{container}/logs?stdout=1&stderr=1");
    timed_get(target, &path).await
}

/// Times reading the whole answer to `GET path` with the raw client, from sending the request.
async fn timed_get(target: &Target, path: &str) -> Sample {
    let start = Instant::now();
    let bytes = target.get_raw(path).await.count().await;
    Sample::bytes(bytes, start.elapsed())
}

/// Checks that the raw client counts a body as hyper does, on `container`'s whole log.
pub async fn check_raw_client(direct: &Target, api: &str, container: &str) {
    let path = format!("/v{api}/containers/{container}/logs?stdout=1&stderr=1");
    let framed = direct.drain(direct.request(Method::GET, &path, None)).await;
    let raw = direct.get_raw(&path).await.count().await;
    assert_eq!(raw, framed, "the raw client miscounts a chunked body");
}

/// Follows the log of a fresh container that prints `bytes` bytes in lines of `line` bytes
/// as soon as the follower is there, until it exits.
pub async fn follow(
    target: &Target,
    direct: &Target,
    api: &str,
    bytes: u64,
    line: usize,
) -> Sample {
    let writer = fixtures::log_writer(direct, api, bytes, line).await;
    let path = format!("/v{api}/containers/{writer}/logs?follow=1&stdout=1&stderr=1");
    let answer = target.get_raw(&path).await;
    let start = Instant::now();
    let ((), received) = tokio::join!(
        fixtures::release_writer(direct, api, &writer),
        answer.count()
    );
    let elapsed = start.elapsed();
    fixtures::remove(direct, api, &writer).await;
    assert!(
        received >= bytes,
        "{}: only {received} bytes followed",
        target.name
    );
    Sample::bytes(received, elapsed)
}

/// Runs `head -c bytes /dev/zero` in `container`, on a TTY when `tty`, and reads its output
/// from the hijacked stream.
pub async fn exec(target: &Target, api: &str, container: &str, bytes: u64, tty: bool) -> Sample {
    let count = bytes.to_string();
    let command = ["head", "-c", count.as_str(), "/dev/zero"];
    let exec = create_exec(target, api, container, &command, false, tty).await;
    let start = Instant::now();
    let received = target.exec_output(api, &exec, tty).await;
    let elapsed = start.elapsed();
    assert!(received >= bytes, "{}: only {received} bytes", target.name);
    Sample::bytes(received, elapsed)
}

/// `docker cp` out of a container: the tar stream of `path` in `container`.
pub async fn copy(target: &Target, api: &str, container: &str, path: &str) -> Sample {
    let encoded = berth_shared::percent::component(path);
    timed_get(
        target,
        &format!("/v{api}/containers/{container}/archive?path={encoded}"),
    )
    .await
}

/// `docker save`: the image archive of `image`.
pub async fn save(target: &Target, api: &str, image: &str) -> Sample {
    let encoded = berth_shared::percent::component(image);
    timed_get(target, &format!("/v{api}/images/get?names={encoded}")).await
}

/// `docker load` of `archive` (an image the engine already has: it reads and checks it all).
pub async fn load(target: &Target, api: &str, archive: &Bytes) -> Sample {
    let request = target.request_body(
        Method::POST,
        &format!("/v{api}/images/load?quiet=1"),
        Body::from(archive.clone()),
        "application/x-tar",
    );
    let start = Instant::now();
    target.drain(request).await;
    Sample::bytes(archive.len() as u64, start.elapsed())
}

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}
