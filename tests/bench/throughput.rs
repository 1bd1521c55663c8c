//! Stream throughput: a container's whole log as `docker logs` reads it, and an exec's output
//! over the hijacked connection `docker exec` uses, each target in turn, in rounds.

use std::time::{Duration, Instant};

use http::Method;

use crate::fixtures::create_exec;
use crate::targets::Target;

/// Bytes per second per target: the median of `rounds` runs.
pub type Rates = Vec<f64>;

/// Reads the log of `container` (stdout and stderr, no follow) through every target.
pub async fn logs(targets: &[Target], api: &str, container: &str, rounds: usize) -> Rates {
    let path = format!("/v{api}/containers/{container}/logs?stdout=1&stderr=1");
    let mut runs = vec![Vec::new(); targets.len()];
    for _ in 0..rounds {
        for (target, runs) in targets.iter().zip(&mut runs) {
            let start = Instant::now();
            let bytes = target.drain(target.request(Method::GET, &path, None)).await;
            runs.push(rate(bytes, start.elapsed()));
        }
    }
    runs.into_iter().map(median).collect()
}

/// Runs `head -c bytes /dev/zero` in `container` through every target and reads its output
/// from the hijacked stream.
pub async fn exec(
    targets: &[Target],
    api: &str,
    container: &str,
    bytes: u64,
    rounds: usize,
) -> Rates {
    let count = bytes.to_string();
    let command = ["head", "-c", count.as_str(), "/dev/zero"];
    let mut runs = vec![Vec::new(); targets.len()];
    for _ in 0..rounds {
        for (target, runs) in targets.iter().zip(&mut runs) {
            let exec = create_exec(target, api, container, &command, false).await;
            let start = Instant::now();
            let received = target.exec_output(api, &exec).await;
            let elapsed = start.elapsed();
            assert!(received >= bytes, "{}: only {received} bytes", target.name);
            runs.push(rate(received, elapsed));
        }
    }
    runs.into_iter().map(median).collect()
}

fn rate(bytes: u64, elapsed: Duration) -> f64 {
    bytes as f64 / elapsed.as_secs_f64()
}

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}
