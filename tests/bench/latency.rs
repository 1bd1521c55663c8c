//! Request latency: `GET /containers/json?all=1` with the 500 containers listed, sequential
//! over one kept-alive connection, in interleaved rounds across the targets.

use std::time::{Duration, Instant};

use http::Method;

use crate::targets::Target;

/// Requests per target per round, and rounds.
pub const BATCH: usize = 20;
/// Rounds of [`BATCH`] requests per target.
pub const ROUNDS: usize = 25;

/// Each target's latencies, sorted.
pub async fn measure(targets: &[Target], api: &str) -> Vec<Vec<Duration>> {
    let path = format!("/v{api}/containers/json?all=1");
    // Warm every connection pool and the engine's caches.
    for target in targets {
        for _ in 0..BATCH {
            request(target, &path).await;
        }
    }
    let mut latencies = vec![Vec::with_capacity(BATCH * ROUNDS); targets.len()];
    for _ in 0..ROUNDS {
        for (target, samples) in targets.iter().zip(&mut latencies) {
            for _ in 0..BATCH {
                let start = Instant::now();
                request(target, &path).await;
                samples.push(start.elapsed());
            }
        }
    }
    for samples in &mut latencies {
        samples.sort();
    }
    latencies
}

async fn request(target: &Target, path: &str) {
    let bytes = target.drain(target.request(Method::GET, path, None)).await;
    assert!(bytes > 2, "{}: an empty list", target.name);
}

/// The sample at `fraction` of a sorted list.
pub fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index]
}
