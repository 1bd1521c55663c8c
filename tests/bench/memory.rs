//! Berth's memory with many open streams: the resident set with 100 log followers and with
//! 100 interactive exec sessions open at once, against the resident set just before.

use std::time::Duration;

use http::Method;
use tokio::io::AsyncWriteExt;

use crate::fixtures::create_exec;
use crate::targets::{Process, Target};

/// How many streams are held open at once.
pub const STREAMS: usize = 100;

/// Resident memory before and while streams are open, in KiB.
#[derive(Debug, Clone, Copy)]
pub struct Added {
    /// Before the streams opened.
    pub before: u64,
    /// While they were open.
    pub during: u64,
}

impl Added {
    /// The memory each stream added, in KiB.
    pub fn per_stream(&self) -> f64 {
        self.during.saturating_sub(self.before) as f64 / STREAMS as f64
    }
}

/// Opens [`STREAMS`] `logs?follow=1` requests on a quiet container through Berth.
pub async fn followers(berth: &Process, target: &Target, api: &str, container: &str) -> Added {
    let before = settled_rss(berth).await;
    let path = format!("/v{api}/containers/{container}/logs?follow=1&stdout=1&stderr=1&tail=0");
    let mut open = Vec::with_capacity(STREAMS);
    for _ in 0..STREAMS {
        open.push(target.send(target.request(Method::GET, &path, None)).await);
    }
    let during = settled_rss(berth).await;
    drop(open);
    Added { before, during }
}

/// Opens [`STREAMS`] hijacked `cat` execs (as terminals do) through Berth, each having echoed
/// one line.
pub async fn exec_sessions(berth: &Process, target: &Target, api: &str, container: &str) -> Added {
    let before = settled_rss(berth).await;
    let mut open = Vec::with_capacity(STREAMS);
    for _ in 0..STREAMS {
        let exec = create_exec(target, api, container, &["cat"], true, false).await;
        let mut io = target.start_exec(api, &exec, false).await;
        io.write_all(b"hello\n").await.expect("write to the exec");
        let mut echoed = [0u8; 14];
        tokio::io::AsyncReadExt::read_exact(&mut io, &mut echoed)
            .await
            .expect("the echo");
        open.push(io);
    }
    let during = settled_rss(berth).await;
    for mut io in open {
        let _ = io.shutdown().await;
    }
    Added { before, during }
}

/// The resident set once allocations have settled.
pub async fn settled_rss(berth: &Process) -> u64 {
    tokio::time::sleep(Duration::from_millis(500)).await;
    berth.rss_kib()
}
