//! Container resource usage: one sample of `GET /containers/{id}/stats`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One stats sample. The engine sends the previous CPU reading along (`precpu_stats`), so a
/// single sample is enough for a CPU percentage.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StatsSample {
    /// When the sample was taken (RFC 3339).
    pub read: String,
    /// The container's name, with a leading `/`.
    pub name: String,
    /// The container's id.
    pub id: String,
    /// CPU now.
    pub cpu_stats: CpuStats,
    /// CPU at the previous sample.
    pub precpu_stats: CpuStats,
    /// Memory.
    pub memory_stats: MemoryStats,
    /// Network interfaces by name; absent with `--network none`.
    pub networks: Option<BTreeMap<String, NetworkStats>>,
    /// Block IO.
    pub blkio_stats: BlkioStats,
    /// Processes.
    pub pids_stats: PidsStats,
}

/// CPU counters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CpuStats {
    /// The container's CPU time.
    pub cpu_usage: CpuUsage,
    /// The host's CPU time, in nanoseconds.
    pub system_cpu_usage: Option<u64>,
    /// CPUs online.
    pub online_cpus: Option<u32>,
}

/// The container's CPU time.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CpuUsage {
    /// Total CPU time, in nanoseconds.
    pub total_usage: u64,
    /// Per-CPU time (cgroup v1 only).
    pub percpu_usage: Option<Vec<u64>>,
}

/// Memory counters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MemoryStats {
    /// Memory in use, page cache included.
    pub usage: Option<u64>,
    /// The limit (the host's memory when unlimited).
    pub limit: Option<u64>,
    /// The cgroup's detailed counters (`inactive_file`, `total_inactive_file`, `cache`, …).
    pub stats: Option<BTreeMap<String, u64>>,
}

/// One network interface's counters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkStats {
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
}

/// Block IO counters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BlkioStats {
    /// Bytes read and written, per device and operation.
    pub io_service_bytes_recursive: Option<Vec<BlkioEntry>>,
}

/// One block IO counter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BlkioEntry {
    /// `Read`, `Write`, … (lower case on cgroup v2).
    pub op: String,
    /// The count.
    pub value: u64,
}

/// Process counters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PidsStats {
    /// Processes now.
    pub current: Option<u64>,
    /// The limit, if any.
    pub limit: Option<u64>,
}
