//! Live streams, where the engine sets the pace and a proxy can only add delay: `docker stats`
//! streams, bursts of events, and the keystroke echo of `docker exec -it`.

use std::time::{Duration, Instant};

use http::Method;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::fixtures::create_exec;
use crate::targets::Target;
use crate::throughput::Sample;

/// Stats streams opened at once, and the samples read from each.
pub const STATS_STREAMS: usize = 10;
pub const STATS_SAMPLES: usize = 3;

/// Volumes created (then removed) in one burst of events.
pub const BURST_VOLUMES: usize = 200;

/// Keystrokes echoed, after [`ECHO_WARM_UP`] that are not counted.
pub const ECHOES: usize = 300;
pub const ECHO_WARM_UP: usize = 30;

/// Reads `body` until `count` lines containing `needle` have come, returning the bytes read.
async fn read_lines(mut body: Incoming, needle: &[u8], count: usize) -> u64 {
    let mut seen = 0;
    let mut bytes = 0u64;
    let mut line = Vec::new();
    while seen < count {
        let frame = body
            .frame()
            .await
            .expect("the stream ended early")
            .expect("the stream arrives");
        let Ok(data) = frame.into_data() else {
            continue;
        };
        bytes += data.len() as u64;
        for &byte in data.iter() {
            if byte == b'\n' {
                if line.windows(needle.len()).any(|window| window == needle) {
                    seen += 1;
                }
                line.clear();
            } else {
                line.push(byte);
            }
        }
    }
    bytes
}

/// [`STATS_STREAMS`] `docker stats` streams of `container` at once, each read for
/// [`STATS_SAMPLES`] samples. The rate counts samples.
pub async fn stats(target: &Target, api: &str, container: &str) -> Sample {
    let path = format!("/v{api}/containers/{container}/stats?stream=1");
    let start = Instant::now();
    let streams = (0..STATS_STREAMS).map(|_| async {
        let response = target.send(target.request(Method::GET, &path, None)).await;
        read_lines(response.into_body(), b"\"read\"", STATS_SAMPLES).await
    });
    let bytes: u64 = futures_util::future::join_all(streams).await.iter().sum();
    Sample {
        amount: (STATS_STREAMS * STATS_SAMPLES) as u64,
        bytes,
        elapsed: start.elapsed(),
    }
}

/// Follows `GET /events` while [`BURST_VOLUMES`] volumes are created and removed (eight at a
/// time) on the engine directly, until all their events have come. The rate counts events.
pub async fn events(target: &Target, direct: &Target, api: &str, burst: usize) -> Sample {
    let prefix = format!("berth-bench-events-{}-{burst}-", std::process::id());
    let filter = berth_shared::percent::component(r#"{"type":["volume"]}"#);
    let path = format!("/v{api}/events?filters={filter}");
    let response = target.send(target.request(Method::GET, &path, None)).await;
    let names: Vec<String> = (0..BURST_VOLUMES).map(|i| format!("{prefix}{i}")).collect();
    let start = Instant::now();
    let create = format!("/v{api}/volumes/create");
    let generate = async {
        for chunk in names.chunks(8) {
            let creates = chunk.iter().map(|name| {
                let body = serde_json::json!({"Name": name, "Labels": {"berth.bench": "events"}});
                direct.json(Method::POST, &create, Some(body))
            });
            futures_util::future::join_all(creates).await;
        }
        for chunk in names.chunks(8) {
            let removals = chunk.iter().map(|name| {
                direct.send(direct.request(
                    Method::DELETE,
                    &format!("/v{api}/volumes/{name}"),
                    None,
                ))
            });
            futures_util::future::join_all(removals).await;
        }
    };
    let ((), bytes) = tokio::join!(
        generate,
        read_lines(response.into_body(), prefix.as_bytes(), 2 * BURST_VOLUMES)
    );
    Sample {
        amount: 2 * BURST_VOLUMES as u64,
        bytes,
        elapsed: start.elapsed(),
    }
}

/// Single keystrokes into a TTY exec of `cat` over the hijacked connection, each timed until
/// the terminal's echo of it comes back; `None` where the target cannot hijack (haproxy in
/// HTTP mode drops `Upgrade`). Sorted.
pub async fn echo(target: &Target, api: &str, container: &str) -> Option<Vec<Duration>> {
    let exec = create_exec(target, api, container, &["cat"], true, true).await;
    let mut io = target.hijack_exec(api, &exec, true).await?;
    let mut samples = Vec::with_capacity(ECHOES);
    let mut echoed = [0u8; 64];
    for round in 0..ECHO_WARM_UP + ECHOES {
        let start = Instant::now();
        io.write_all(b"x").await.expect("a keystroke");
        let read = io.read(&mut echoed).await.expect("the echo");
        assert!(read > 0, "{}: the terminal closed", target.name);
        if round >= ECHO_WARM_UP {
            samples.push(start.elapsed());
        }
    }
    // Ctrl-D on an empty line would end `cat`; a line of keystrokes first needs its end.
    io.write_all(b"\n\x04").await.expect("end of input");
    let _ = io.shutdown().await;
    samples.sort();
    Some(samples)
}
