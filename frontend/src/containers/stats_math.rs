//! The figures of `docker stats`, computed from the engine's raw samples: CPU %, memory
//! without page cache, network and block IO totals and rates, and processes.

use berth_shared::engine::stats::StatsSample;

/// The figures of one sample.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    /// CPU use in percent of one CPU (so 4 busy CPUs are 400 %).
    pub cpu_percent: f64,
    /// Memory in use, without page cache, in bytes.
    pub memory: u64,
    /// The memory limit in bytes.
    pub memory_limit: u64,
    /// Memory in percent of the limit.
    pub memory_percent: f64,
    /// Bytes received, over all interfaces.
    pub rx_bytes: u64,
    /// Bytes sent, over all interfaces.
    pub tx_bytes: u64,
    /// Bytes read from block devices.
    pub block_read: u64,
    /// Bytes written to block devices.
    pub block_write: u64,
    /// Processes.
    pub pids: u64,
}

/// Computes the figures of `sample` the way the docker CLI does.
pub fn figures(sample: &StatsSample) -> Figures {
    let memory = memory_without_cache(sample);
    let memory_limit = sample.memory_stats.limit.unwrap_or(0);
    let (rx_bytes, tx_bytes) = sample
        .networks
        .iter()
        .flatten()
        .fold((0, 0), |(rx, tx), (_, net)| {
            (rx + net.rx_bytes, tx + net.tx_bytes)
        });
    let (block_read, block_write) = sample
        .blkio_stats
        .io_service_bytes_recursive
        .iter()
        .flatten()
        .fold((0, 0), |(read, write), entry| {
            match entry.op.to_ascii_lowercase().as_str() {
                "read" => (read + entry.value, write),
                "write" => (read, write + entry.value),
                _ => (read, write),
            }
        });
    Figures {
        cpu_percent: cpu_percent(sample),
        memory,
        memory_limit,
        memory_percent: if memory_limit == 0 {
            0.0
        } else {
            memory as f64 / memory_limit as f64 * 100.0
        },
        rx_bytes,
        tx_bytes,
        block_read,
        block_write,
        pids: sample.pids_stats.current.unwrap_or(0),
    }
}

/// CPU %: the container's share of the host's CPU time since the previous sample, times the
/// CPUs online.
pub fn cpu_percent(sample: &StatsSample) -> f64 {
    let (now, before) = (&sample.cpu_stats, &sample.precpu_stats);
    let container = now
        .cpu_usage
        .total_usage
        .saturating_sub(before.cpu_usage.total_usage);
    let system = now
        .system_cpu_usage
        .unwrap_or(0)
        .saturating_sub(before.system_cpu_usage.unwrap_or(0));
    if container == 0 || system == 0 {
        return 0.0;
    }
    let cpus = now.online_cpus.filter(|&n| n > 0).unwrap_or_else(|| {
        now.cpu_usage
            .percpu_usage
            .as_ref()
            .map_or(1, |per| per.len().max(1) as u32)
    });
    container as f64 / system as f64 * f64::from(cpus) * 100.0
}

/// Memory in use without the page cache: `usage - inactive_file` on cgroup v2,
/// `usage - total_inactive_file` on cgroup v1 (older engines: `usage - cache`).
pub fn memory_without_cache(sample: &StatsSample) -> u64 {
    let usage = sample.memory_stats.usage.unwrap_or(0);
    let stats = sample.memory_stats.stats.as_ref();
    let cache = ["total_inactive_file", "inactive_file", "cache"]
        .iter()
        .find_map(|key| stats.and_then(|s| s.get(*key)).copied())
        .filter(|&cache| cache < usage)
        .unwrap_or(0);
    usage - cache
}

/// A per-second rate between two counter readings `seconds` apart; a counter that went down
/// (the container restarted) gives 0.
pub fn rate(before: u64, now: u64, seconds: f64) -> f64 {
    if seconds <= 0.0 {
        return 0.0;
    }
    now.saturating_sub(before) as f64 / seconds
}

/// A bounded history of one figure, for a chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    points: std::collections::VecDeque<f64>,
    cap: usize,
}

impl Series {
    /// An empty series keeping the last `cap` points.
    pub fn new(cap: usize) -> Self {
        Self {
            points: std::collections::VecDeque::with_capacity(cap),
            cap: cap.max(2),
        }
    }

    /// Adds a point, forgetting the oldest beyond the cap.
    pub fn push(&mut self, value: f64) {
        if self.points.len() == self.cap {
            self.points.pop_front();
        }
        self.points
            .push_back(if value.is_finite() { value } else { 0.0 });
    }

    /// The points, oldest first.
    pub fn points(&self) -> impl ExactSizeIterator<Item = f64> + '_ {
        self.points.iter().copied()
    }

    /// The newest point.
    pub fn last(&self) -> Option<f64> {
        self.points.back().copied()
    }

    /// The largest point, or 0.
    pub fn max(&self) -> f64 {
        self.points.iter().copied().fold(0.0, f64::max)
    }

    /// How many points may be kept.
    pub fn cap(&self) -> usize {
        self.cap
    }
}

/// An SVG polyline `points` attribute for `series` in a `width`×`height` box, scaled to `top`
/// (the value drawn at the top edge), newest point at the right edge.
pub fn polyline(series: &Series, width: f64, height: f64, top: f64) -> String {
    let step = width / (series.cap() - 1) as f64;
    let offset = series.cap() - series.points.len();
    let top = if top > 0.0 { top } else { 1.0 };
    series
        .points()
        .enumerate()
        .map(|(i, value)| {
            let x = (offset + i) as f64 * step;
            let y = height - (value / top).clamp(0.0, 1.0) * height;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A round number at least `value`, for a chart's top: 1, 2 or 5 times a power of ten.
pub fn nice_ceiling(value: f64) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&candidate| candidate >= value)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(json: &str) -> StatsSample {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn cpu_percent_scales_by_online_cpus() {
        let s = sample(
            r#"{"cpu_stats":{"cpu_usage":{"total_usage":300},"system_cpu_usage":2000,"online_cpus":4},
               "precpu_stats":{"cpu_usage":{"total_usage":100},"system_cpu_usage":1000}}"#,
        );
        assert!((cpu_percent(&s) - 80.0).abs() < 1e-9);
        let v1 = sample(
            r#"{"cpu_stats":{"cpu_usage":{"total_usage":300,"percpu_usage":[1,2]},"system_cpu_usage":2000},
               "precpu_stats":{"cpu_usage":{"total_usage":100},"system_cpu_usage":1000}}"#,
        );
        assert!((cpu_percent(&v1) - 40.0).abs() < 1e-9);
        assert_eq!(cpu_percent(&StatsSample::default()), 0.0);
    }

    #[test]
    fn memory_leaves_out_the_page_cache() {
        let v2 = sample(
            r#"{"memory_stats":{"usage":1000,"limit":4000,"stats":{"inactive_file":300,"file":500}}}"#,
        );
        assert_eq!(memory_without_cache(&v2), 700);
        assert!((figures(&v2).memory_percent - 17.5).abs() < 1e-9);
        let v1 = sample(
            r#"{"memory_stats":{"usage":1000,"stats":{"total_inactive_file":100,"cache":600}}}"#,
        );
        assert_eq!(memory_without_cache(&v1), 900);
        let old = sample(r#"{"memory_stats":{"usage":1000,"stats":{"cache":600}}}"#);
        assert_eq!(memory_without_cache(&old), 400);
        let odd = sample(r#"{"memory_stats":{"usage":100,"stats":{"inactive_file":300}}}"#);
        assert_eq!(memory_without_cache(&odd), 100);
    }

    #[test]
    fn io_sums_every_interface_and_device() {
        let s = sample(
            r#"{"networks":{"eth0":{"rx_bytes":10,"tx_bytes":1},"eth1":{"rx_bytes":5,"tx_bytes":2}},
               "blkio_stats":{"io_service_bytes_recursive":[{"op":"Read","value":7},{"op":"write","value":3},
               {"op":"Total","value":10},{"op":"read","value":1}]},"pids_stats":{"current":4}}"#,
        );
        let f = figures(&s);
        assert_eq!((f.rx_bytes, f.tx_bytes), (15, 3));
        assert_eq!((f.block_read, f.block_write), (8, 3));
        assert_eq!(f.pids, 4);
        assert_eq!(rate(100, 300, 2.0), 100.0);
        assert_eq!(rate(300, 100, 2.0), 0.0);
    }

    #[test]
    fn series_are_bounded_and_drawn_right_aligned() {
        let mut series = Series::new(3);
        for v in [1.0, 2.0, 4.0, f64::NAN] {
            series.push(v);
        }
        assert_eq!(series.points().collect::<Vec<_>>(), [2.0, 4.0, 0.0]);
        assert_eq!(series.max(), 4.0);
        assert_eq!(
            polyline(&series, 100.0, 10.0, 4.0),
            "0.0,5.0 50.0,0.0 100.0,10.0"
        );
        let mut short = Series::new(3);
        short.push(2.0);
        assert_eq!(polyline(&short, 100.0, 10.0, 4.0), "100.0,5.0");
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.2), 5.0);
        assert_eq!(nice_ceiling(120.0), 200.0);
        assert_eq!(nice_ceiling(100.0), 100.0);
    }
}
