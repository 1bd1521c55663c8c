//! BENCHMARKS.md: every measure as a table, with ratios against the engine used directly, the
//! target each must meet and whether Berth meets it, and the machine's load while it ran.

use std::fmt::Write as _;
use std::time::Duration;

use crate::latency::{self, BATCH, ROUNDS};
use crate::live::{BURST_VOLUMES, ECHO_WARM_UP, ECHOES, STATS_SAMPLES, STATS_STREAMS};
use crate::memory::{Added, STREAMS};
use crate::targets::Target;
use crate::throughput::Measured;

/// The throughput target: Berth at least this fraction of direct, and never below haproxy.
const THROUGHPUT_TARGET: f64 = 0.98;
/// The latency targets, p50 and p99, as ratios to direct.
const LATENCY_TARGET: (f64, f64) = (1.03, 1.05);
/// Berth's CPU seconds per GiB before streamed answers were coalesced (logs in 8 KiB lines,
/// exec): the CPU target is half of each.
const CPU_BASELINE: (f64, f64) = (1.877, 1.127);

/// The workloads' sizes, in bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sizes {
    pub log: u64,
    pub short_log: u64,
    pub follow: u64,
    pub exec: u64,
    pub tty: u64,
    pub copy: u64,
    /// The saved image's archive.
    pub archive: u64,
}

/// Which workload a row measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    LongLines,
    ShortLines,
    Follow,
    Exec,
    ExecTty,
    Copy,
    Save,
    Load,
    Stats,
    Events,
}

impl Kind {
    /// The row's heading.
    fn title(self, sizes: &Sizes) -> String {
        let mib = |bytes: u64| bytes >> 20;
        match self {
            Kind::LongLines => format!(
                "`docker logs`, 8 KiB lines: a container's whole log ({} MiB), as \
                 `GET /containers/{{id}}/logs?stdout=1&stderr=1` reads it",
                mib(sizes.log)
            ),
            Kind::ShortLines => format!(
                "`docker logs`, 100-byte lines: a container's whole log ({} MiB)",
                mib(sizes.short_log)
            ),
            Kind::Follow => format!(
                "`docker logs -f`, 100-byte lines: a busy container's log ({} MiB) followed \
                 from the moment it starts printing until it exits",
                mib(sizes.follow)
            ),
            Kind::Exec => format!(
                "`docker exec` without a TTY: `head -c {} MiB /dev/zero`, read from the \
                 hijacked (`Upgrade: tcp`) connection of `POST /exec/{{id}}/start`",
                mib(sizes.exec)
            ),
            Kind::ExecTty => format!(
                "`docker exec -t`: `head -c {} MiB /dev/zero` on a TTY, same connection",
                mib(sizes.tty)
            ),
            Kind::Copy => format!(
                "`docker cp` out of a container: a {} MiB file of random bytes, the tar stream \
                 of `GET /containers/{{id}}/archive`",
                mib(sizes.copy)
            ),
            Kind::Save => format!(
                "`docker save`: an image holding that file ({} MiB archive), `GET /images/get`",
                mib(sizes.archive)
            ),
            Kind::Load => "`docker load` of that archive, `POST /images/load` (the engine has \
                 the image, and still reads and checks every byte)"
                .to_owned(),
            Kind::Stats => format!(
                "`docker stats`: {STATS_STREAMS} streams of `GET /containers/{{id}}/stats` \
                 at once, {STATS_SAMPLES} samples each"
            ),
            Kind::Events => format!(
                "`docker events` in a burst: `GET /events` while {BURST_VOLUMES} volumes are \
                 created and removed on the engine, eight at a time, until all {} events came",
                2 * BURST_VOLUMES
            ),
        }
    }

    /// What a row's rate counts, when not bytes.
    fn unit(self) -> Option<&'static str> {
        match self {
            Kind::Stats => Some("samples/s"),
            Kind::Events => Some("events/s"),
            _ => None,
        }
    }

    /// A short name for the summary.
    fn short(self) -> &'static str {
        match self {
            Kind::LongLines => "logs, 8 KiB lines",
            Kind::ShortLines => "logs, 100-byte lines",
            Kind::Follow => "logs -f, 100-byte lines",
            Kind::Exec => "exec, no TTY",
            Kind::ExecTty => "exec, TTY",
            Kind::Copy => "cp out",
            Kind::Save => "save",
            Kind::Load => "load",
            Kind::Stats => "stats streams",
            Kind::Events => "events burst",
        }
    }
}

/// One workload's row.
pub struct Workload {
    pub kind: Kind,
    pub measured: Measured,
}

impl Workload {
    pub fn new(kind: Kind, measured: Measured) -> Self {
        Self { kind, measured }
    }
}

/// Everything one run measured.
pub struct Results {
    pub engine_version: String,
    pub api_version: String,
    pub containers: usize,
    pub latencies: Vec<Vec<Duration>>,
    /// Per target, the sorted keystroke echo times, `None` where it cannot hijack.
    pub echoes: Vec<Option<Vec<Duration>>>,
    pub sizes: Sizes,
    pub workloads: Vec<Workload>,
    pub rounds: usize,
    /// The 1-minute load average when the run started and ended.
    pub load_start: f64,
    pub load_end: f64,
    pub rss_idle: u64,
    pub rss_after_latency: u64,
    pub rss_after_transfers: u64,
    pub followers: Added,
    pub exec_sessions: Added,
    /// Further sections, already rendered (the browser terminal's echo round trip).
    pub extra: Vec<String>,
}

/// Appends to `report` every marked section of `previous` (from `<!-- name:start -->` to
/// `<!-- name:end -->`) that it does not have yet.
pub fn keep_marked_sections(previous: &str, report: &mut String) {
    let mut rest = previous;
    while let Some(start) = rest.find("<!-- ") {
        let after = &rest[start + 5..];
        let Some(name) = after
            .split_once(":start -->")
            .map(|(name, _)| name)
            .filter(|name| !name.contains(char::is_whitespace))
        else {
            rest = after;
            continue;
        };
        let end_marker = format!("<!-- {name}:end -->");
        let Some(end) = rest.find(&end_marker) else {
            break;
        };
        let section = &rest[start..end + end_marker.len()];
        if !report.contains(&format!("<!-- {name}:start -->")) {
            report.push_str(&format!("\n{section}\n"));
        }
        rest = &rest[end + end_marker.len()..];
    }
}

/// Renders the report.
pub fn render(targets: &[Target], results: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Generated by `make bench` (Berth {}). Every target is measured in the same run, \
         interleaved, so the ratios compare like with like. Ratios are against the engine's \
         socket used directly.\n",
        env!("CARGO_PKG_VERSION")
    );
    let loads = results.workloads.iter().map(|w| w.measured.load.1);
    let peak = loads.fold(results.load_start.max(results.load_end), f64::max);
    let _ = writeln!(
        out,
        "Machine: {} CPUs, {}; engine {} (API {}). Load (1-minute average) at the start of the \
         run {:.1}, at its end {:.1}, highest after a workload {peak:.1}: the machine is shared, \
         and a load above its CPU count means the engine, the client and the proxy waited for \
         a CPU, which throughput ratios feel and CPU times per GiB do not.\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        kernel(),
        results.engine_version,
        results.api_version,
        results.load_start,
        results.load_end,
    );
    summary(&mut out, targets, results);
    latency_section(&mut out, targets, results);
    echo_section(&mut out, targets, results);
    let _ = writeln!(out, "## Throughput\n");
    let _ = writeln!(
        out,
        "The median of {} runs per target. Target: Berth ≥ {THROUGHPUT_TARGET:.2}× direct and \
         never below haproxy. The logs, cp and save rows are read the way `curl --raw` reads: \
         one request per connection, 256 KiB reads, chunk framing skipped in place. A client \
         that takes the body one chunk at a time pays per chunk, and on 100-byte lines (one \
         chunk each from the engine) that cost, not the path, would set the pace and make the \
         engine direct look slower than a proxy that merges chunks.\n",
        results.rounds
    );
    for workload in &results.workloads {
        throughput_table(&mut out, targets, results, workload);
    }
    let _ = writeln!(
        out,
        "haproxy in HTTP mode does not pass `Upgrade: tcp` on; the engine then falls back to a \
         `200` whose body is the raw stream, which is what its exec rows measure. The docker \
         CLI refuses that fallback, so `docker exec -it` does not work through it.\n"
    );
    memory_section(&mut out, results);
    for section in &results.extra {
        let _ = writeln!(out, "{section}");
    }
    out
}

/// Whether Berth's ratio meets the throughput target, and how far off it is if not.
fn throughput_verdict(berth: f64, haproxy: f64) -> String {
    let mut misses = Vec::new();
    if berth < THROUGHPUT_TARGET {
        misses.push(format!(
            "{:.3} short of {THROUGHPUT_TARGET:.2}×",
            THROUGHPUT_TARGET - berth
        ));
    }
    if berth < haproxy {
        misses.push(format!("{:.3} below haproxy", haproxy - berth));
    }
    verdict(misses)
}

/// "met" when nothing missed its target, else "**not met**" and what missed, by how much.
fn verdict(misses: impl IntoIterator<Item = String>) -> String {
    let misses: Vec<String> = misses.into_iter().collect();
    if misses.is_empty() {
        "met".to_owned()
    } else {
        format!("**not met**: {}", misses.join(", "))
    }
}

fn index_of(targets: &[Target], name: &str) -> usize {
    targets
        .iter()
        .position(|target| target.name.starts_with(name))
        .unwrap_or_else(|| panic!("no {name} target"))
}

fn summary(out: &mut String, targets: &[Target], results: &Results) {
    let berth = index_of(targets, crate::targets::BERTH);
    let haproxy = index_of(targets, "haproxy");
    let _ = writeln!(out, "## Targets\n");
    let _ = writeln!(out, "| measure | target | Berth | haproxy | verdict |");
    let _ = writeln!(out, "|---|---|---:|---:|---|");
    for workload in &results.workloads {
        let rates = &workload.measured.rates;
        let (ours, theirs) = (rates[berth] / rates[0], rates[haproxy] / rates[0]);
        let _ = writeln!(
            out,
            "| throughput: {} | ≥ {THROUGHPUT_TARGET:.2}×, ≥ haproxy | {ours:.3}× | {theirs:.3}× | {} |",
            workload.kind.short(),
            throughput_verdict(ours, theirs)
        );
    }
    let ratio = |index: usize, fraction: f64| {
        latency::percentile(&results.latencies[index], fraction).as_secs_f64()
            / latency::percentile(&results.latencies[0], fraction).as_secs_f64()
    };
    for (name, fraction, target) in [
        ("p50", 0.5, LATENCY_TARGET.0),
        ("p99", 0.99, LATENCY_TARGET.1),
    ] {
        let ours = ratio(berth, fraction);
        let verdict = verdict((ours > target).then(|| format!("{:.3} over", ours - target)));
        let _ = writeln!(
            out,
            "| `GET /containers/json`, {} containers, {name} | ≤ {target:.2}× | {ours:.3}× | {:.3}× | {verdict} |",
            results.containers,
            ratio(haproxy, fraction),
        );
    }
    for (kind, baseline) in [
        (Kind::LongLines, CPU_BASELINE.0),
        (Kind::Exec, CPU_BASELINE.1),
    ] {
        let Some(workload) = results.workloads.iter().find(|w| w.kind == kind) else {
            continue;
        };
        let cpu = workload.measured.cpu_per_gib();
        let target = baseline / 2.0;
        let verdict = verdict((cpu > target).then(|| format!("{:.2} s over", cpu - target)));
        let _ = writeln!(
            out,
            "| Berth's CPU per GiB, {} | ≤ {target:.2} s (half of {baseline:.2} s) | {cpu:.2} s | | {verdict} |",
            kind.short()
        );
    }
    if let (Some(Some(direct)), Some(Some(ours))) =
        (results.echoes.first(), results.echoes.get(berth))
    {
        let p50 = latency::percentile(ours, 0.5).as_secs_f64()
            / latency::percentile(direct, 0.5).as_secs_f64();
        let _ = writeln!(
            out,
            "| `docker exec -it` keystroke echo, p50 | not worse than before (see below) | {p50:.3}× | cannot hijack | see below |"
        );
    }
    let _ = writeln!(out);
}

fn latency_section(out: &mut String, targets: &[Target], results: &Results) {
    let _ = writeln!(
        out,
        "## Latency: `GET /containers/json?all=1` with {} containers\n",
        results.containers
    );
    let _ = writeln!(
        out,
        "{} requests per target, sequential over one kept-alive connection, in rounds of \
         {BATCH}. Target: Berth ≤ {:.2}× direct at p50, ≤ {:.2}× at p99.\n",
        BATCH * ROUNDS,
        LATENCY_TARGET.0,
        LATENCY_TARGET.1
    );
    percentile_table(
        out,
        targets,
        &results.latencies.iter().map(Some).collect::<Vec<_>>(),
    );
}

fn echo_section(out: &mut String, targets: &[Target], results: &Results) {
    let _ = writeln!(out, "## Keystroke echo: `docker exec -it`\n");
    let _ = writeln!(
        out,
        "{ECHOES} single keystrokes into a TTY exec of `cat` over the hijacked connection, each \
         timed until the terminal's echo came back, after {ECHO_WARM_UP} not counted.\n"
    );
    percentile_table(
        out,
        targets,
        &results
            .echoes
            .iter()
            .map(Option::as_ref)
            .collect::<Vec<_>>(),
    );
}

/// p50 and p99 of sorted samples per target, with ratios against the first.
fn percentile_table(out: &mut String, targets: &[Target], samples: &[Option<&Vec<Duration>>]) {
    let stats: Vec<Option<(Duration, Duration)>> = samples
        .iter()
        .map(|sorted| {
            sorted.map(|sorted| {
                (
                    latency::percentile(sorted, 0.5),
                    latency::percentile(sorted, 0.99),
                )
            })
        })
        .collect();
    let (direct_p50, direct_p99) = stats[0].expect("the direct target always measures");
    let _ = writeln!(out, "| target | p50 | p99 | p50 ratio | p99 ratio |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for (target, stat) in targets.iter().zip(&stats) {
        let Some((p50, p99)) = stat else {
            let _ = writeln!(out, "| {} | cannot hijack | | | |", target.name);
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | {:.3} ms | {:.3} ms | {:.3}× | {:.3}× |",
            target.name,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            p50.as_secs_f64() / direct_p50.as_secs_f64(),
            p99.as_secs_f64() / direct_p99.as_secs_f64()
        );
    }
    let _ = writeln!(out);
}

fn throughput_table(out: &mut String, targets: &[Target], results: &Results, workload: &Workload) {
    let measured = &workload.measured;
    let _ = writeln!(out, "### {}\n", workload.kind.title(&results.sizes));
    let _ = writeln!(out, "| target | throughput | ratio |");
    let _ = writeln!(out, "|---|---:|---:|");
    for (target, rate) in targets.iter().zip(&measured.rates) {
        let shown = match workload.kind.unit() {
            Some(unit) => format!("{rate:.1} {unit}"),
            None => format!("{:.1} MiB/s", rate / (1024.0 * 1024.0)),
        };
        let _ = writeln!(
            out,
            "| {} | {shown} | {:.3}× |",
            target.name,
            rate / measured.rates[0]
        );
    }
    let _ = writeln!(out);
    if workload.kind.unit().is_none() {
        let _ = writeln!(
            out,
            "Berth's CPU time: {:.0} ms per GiB passed through.",
            measured.cpu_per_gib() * 1e3
        );
    } else {
        let _ = writeln!(
            out,
            "Berth's CPU time: {:.0} ms over its runs.",
            measured.berth_cpu * 1e3
        );
    }
    let _ = writeln!(
        out,
        "Load (1-minute average): {:.1} before, {:.1} after.\n",
        measured.load.0, measured.load.1
    );
}

fn memory_section(out: &mut String, results: &Results) {
    let mb = |kib: u64| format!("{:.1} MB", kib as f64 / 1024.0);
    let _ = writeln!(out, "## Memory (Berth's resident set)\n");
    let _ = writeln!(out, "| measure | value | target |");
    let _ = writeln!(out, "|---|---:|---:|");
    memory_row(
        out,
        "idle, after start-up",
        &mb(results.rss_idle),
        "≤ 20 MB",
    );
    memory_row(
        out,
        "after the latency run",
        &mb(results.rss_after_latency),
        "",
    );
    memory_row(
        out,
        "after streaming every throughput workload",
        &mb(results.rss_after_transfers),
        "constant",
    );
    for (what, added) in [
        ("log followers", results.followers),
        ("interactive exec sessions", results.exec_sessions),
    ] {
        let open = format!("with {STREAMS} {what} open");
        memory_row(out, &open, &mb(added.during), "");
        let per_stream = format!("added per {}", what.trim_end_matches('s'));
        let value = format!("{:.0} KB", added.per_stream());
        memory_row(out, &per_stream, &value, "≤ 512 KB");
    }
    let _ = writeln!(out);
}

/// One row of the memory table; a row without a target leaves its cell empty.
fn memory_row(out: &mut String, measure: &str, value: &str, target: &str) {
    let target = if target.is_empty() {
        String::new()
    } else {
        format!("{target} ")
    };
    let _ = writeln!(out, "| {measure} | {value} | {target}|");
}

fn kernel() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|release| format!("Linux {}", release.trim()))
        .unwrap_or_else(|_| "unknown kernel".into())
}
