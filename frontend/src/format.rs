//! Formatting of engine values for people: ages, sizes and ports. Pure, tested natively.

use berth_shared::engine::container::Port;

/// "just now", "5 minutes ago", "3 days ago"… for a Unix time in seconds, relative to `now`.
pub fn relative_time(now: i64, then: i64) -> String {
    let seconds = now.saturating_sub(then);
    if seconds < 0 {
        return "in the future".to_owned();
    }
    let (amount, unit) = match seconds {
        0..45 => return "just now".to_owned(),
        45..3_600 => ((seconds + 30) / 60, "minute"),
        3_600..86_400 => ((seconds + 1_800) / 3_600, "hour"),
        86_400..2_592_000 => ((seconds + 43_200) / 86_400, "day"),
        2_592_000..31_536_000 => ((seconds + 1_296_000) / 2_592_000, "month"),
        _ => ((seconds + 15_768_000) / 31_536_000, "year"),
    };
    let amount = amount.max(1);
    let plural = if amount == 1 { "" } else { "s" };
    format!("{amount} {unit}{plural} ago")
}

/// A container's size as `docker ps -s` prints it: the writable layer, then the whole. The
/// engine leaves out a writable layer of 0 bytes, so with the whole known a missing one is
/// `0 B`; `None` while sizes are still being measured.
pub fn container_size(size_rw: Option<i64>, size_root_fs: Option<i64>) -> Option<String> {
    let size = |n: i64| bytes(n.max(0) as u64);
    match (size_rw, size_root_fs) {
        (rw, Some(root)) => Some(format!(
            "{} ({} virtual)",
            size(rw.unwrap_or(0)),
            size(root)
        )),
        (Some(rw), None) => Some(size(rw)),
        (None, None) => None,
    }
}

/// A duration as the engine words it in a container's status (Go's `units.HumanDuration`):
/// "Less than a second", "About a minute", "3 hours".
pub fn human_duration(seconds: i64) -> String {
    let minutes = seconds / 60;
    let hours = (seconds as f64 / 3_600.0 + 0.5) as i64;
    match seconds {
        ..1 => "Less than a second".to_owned(),
        1 => "1 second".to_owned(),
        2..60 => format!("{seconds} seconds"),
        _ if minutes == 1 => "About a minute".to_owned(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".to_owned(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", seconds / 3_600 / 24 / 365),
    }
}

/// The least number of seconds `text` (a [`human_duration`]) stands for.
fn parse_human_duration(text: &str) -> Option<i64> {
    match text {
        "Less than a second" => return Some(0),
        "About a minute" => return Some(60),
        "About an hour" => return Some(3_600),
        _ => {}
    }
    let (count, unit) = text.split_once(' ')?;
    let count: i64 = count.parse().ok()?;
    let unit_seconds = match unit.trim_end_matches('s') {
        "second" => 1,
        "minute" => 60,
        // Hours are rounded: "3 hours" starts at two and a half.
        "hour" => return Some(count * 3_600 - 1_800),
        "day" => 86_400,
        "week" => 7 * 86_400,
        "month" => 30 * 86_400,
        "year" => 365 * 86_400,
        _ => return None,
    };
    Some(count * unit_seconds)
}

/// A container's status as the engine wrote it (`Up 5 seconds (healthy)`, `Exited (0) 2
/// minutes ago`), `elapsed` seconds later: the duration in it moves on, so the list's statuses
/// tick without asking the engine again. Other statuses (`Created`) are kept as they are.
pub fn status_after(status: &str, elapsed: i64) -> String {
    let advance = |duration: &str| {
        parse_human_duration(duration).map(|seconds| human_duration(seconds + elapsed.max(0)))
    };
    if let Some(rest) = status.strip_prefix("Up ") {
        let (duration, suffix) = match rest.find(" (") {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if let Some(duration) = advance(duration) {
            return format!("Up {duration}{suffix}");
        }
    }
    for state in ["Exited (", "Restarting ("] {
        if let Some(rest) = status.strip_prefix(state)
            && let Some((code, ago)) = rest.split_once(") ")
            && let Some(duration) = ago.strip_suffix(" ago").and_then(advance)
        {
            return format!("{state}{code}) {duration} ago");
        }
    }
    status.to_owned()
}

/// A byte count in SI units, as the docker CLI prints sizes: `1.99 MB`, `532 kB`, `12 B`.
pub fn bytes(count: u64) -> String {
    const UNITS: [&str; 6] = ["kB", "MB", "GB", "TB", "PB", "EB"];
    if count < 1000 {
        return format!("{count} B");
    }
    let mut value = count as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let precision = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{value:.precision$} {}", UNITS[unit])
}

/// A port mapping as the docker CLI prints it: `0.0.0.0:8080->80/tcp` or `443/tcp`.
pub fn port(port: &Port) -> String {
    match (port.public_port, port.ip.as_deref()) {
        (Some(public), Some(ip)) if ip.contains(':') => {
            format!("[{ip}]:{public}->{}/{}", port.private_port, port.protocol)
        }
        (Some(public), Some(ip)) => {
            format!("{ip}:{public}->{}/{}", port.private_port, port.protocol)
        }
        (Some(public), None) => format!("{public}->{}/{}", port.private_port, port.protocol),
        (None, _) => format!("{}/{}", port.private_port, port.protocol),
    }
}

/// The URL a published TCP port can be opened at from the browser, or `None` for ports that
/// are not published, not TCP, or bound to loopback on a different machine.
///
/// `browser_host` is the host the console was loaded from: a port published on every address
/// (`0.0.0.0`, `::`) is reachable there.
pub fn port_link(port: &Port, browser_host: &str) -> Option<String> {
    let public = port.public_port?;
    if port.protocol != "tcp" {
        return None;
    }
    let host = match port.ip.as_deref() {
        None | Some("" | "0.0.0.0" | "::") => browser_host.to_owned(),
        Some(ip) if ip.contains(':') => format!("[{ip}]"),
        Some(ip) => ip.to_owned(),
    };
    Some(format!("http://{host}:{public}/"))
}

/// The ports to show for a container: one entry per distinct mapping, since engines list a
/// port published on both IPv4 and IPv6 twice.
pub fn distinct_ports(ports: &[Port]) -> Vec<Port> {
    let mut seen: Vec<(u16, Option<u16>, &str)> = Vec::new();
    let mut distinct = Vec::new();
    let mut sorted: Vec<&Port> = ports.iter().collect();
    sorted.sort_by_key(|port| (port.private_port, port.public_port, port.ip.clone()));
    for port in sorted {
        let key = (port.private_port, port.public_port, port.protocol.as_str());
        if !seen.contains(&key) {
            seen.push(key);
            distinct.push(port.clone());
        }
    }
    distinct
}

/// The short form of an image id: twelve hex digits without `sha256:`.
pub fn short_id(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.get(..12).unwrap_or(id)
}

/// A short name for a browser from its User-Agent: "Firefox on Linux", "docker CLI".
pub fn browser_name(user_agent: &str) -> String {
    if user_agent.is_empty() {
        return "Unknown client".to_owned();
    }
    let browser = [
        ("Docker-Client", "docker CLI"),
        ("curl/", "curl"),
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map_or("Unknown browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| *name);
    match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_owned(),
    }
}

/// `text`, or a dash when there is nothing to show (empty or only spaces).
pub fn or_dash(text: impl Into<String>) -> String {
    let text = text.into();
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text
    }
}

/// A count with thousands separators: `12,345`.
pub fn thousands(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun in the right number: `1 image`, `2 images`, `1,000 images`.
pub fn count(count: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(count),
        if count == 1 { one } else { many }
    )
}

/// A name made safe as a downloaded file's name: an image reference such as
/// `registry:5000/team/app:1` becomes `registry_5000_team_app_1`.
pub fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(0, "image", "images"), "0 images");
        assert_eq!(count(1, "image", "images"), "1 image");
        assert_eq!(count(1234, "file", "files"), "1,234 files");
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(
            file_name("registry:5000/team/app:1.2"),
            "registry_5000_team_app_1.2"
        );
        assert_eq!(file_name("busybox:latest"), "busybox_latest");
    }

    fn tcp(ip: Option<&str>, private: u16, public: Option<u16>) -> Port {
        Port {
            ip: ip.map(str::to_owned),
            private_port: private,
            public_port: public,
            protocol: "tcp".into(),
        }
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = 1_700_000_000;
        assert_eq!(relative_time(now, now - 10), "just now");
        assert_eq!(relative_time(now, now - 60), "1 minute ago");
        assert_eq!(relative_time(now, now - 150), "3 minutes ago");
        assert_eq!(relative_time(now, now - 3_600), "1 hour ago");
        assert_eq!(relative_time(now, now - 2 * 86_400), "2 days ago");
        assert_eq!(relative_time(now, now - 400 * 86_400), "1 year ago");
        assert_eq!(relative_time(now, now + 500), "in the future");
    }

    #[test]
    fn a_missing_writable_size_is_zero_once_the_whole_is_known() {
        assert_eq!(
            container_size(None, Some(1_990_000)).as_deref(),
            Some("0 B (1.99 MB virtual)")
        );
        assert_eq!(
            container_size(Some(12), Some(1_990_000)).as_deref(),
            Some("12 B (1.99 MB virtual)")
        );
        assert_eq!(container_size(Some(12), None).as_deref(), Some("12 B"));
        assert_eq!(container_size(None, None), None);
    }

    #[test]
    fn durations_are_worded_as_the_engine_words_them() {
        for (seconds, text) in [
            (0, "Less than a second"),
            (1, "1 second"),
            (59, "59 seconds"),
            (60, "About a minute"),
            (119, "About a minute"),
            (120, "2 minutes"),
            (3_599, "59 minutes"),
            (3_600, "About an hour"),
            (9_000, "3 hours"),
            (47 * 3_600, "47 hours"),
            (48 * 3_600, "2 days"),
            (15 * 86_400, "2 weeks"),
            (90 * 86_400, "3 months"),
            (800 * 86_400, "2 years"),
        ] {
            assert_eq!(human_duration(seconds), text, "{seconds}");
            let back = parse_human_duration(text).unwrap();
            assert_eq!(human_duration(back), text, "{text} reads back");
            assert!(back <= seconds, "{text} reads as at most {seconds}");
        }
    }

    #[test]
    fn statuses_move_on_with_the_clock() {
        assert_eq!(status_after("Up Less than a second", 5), "Up 5 seconds");
        assert_eq!(
            status_after("Up 59 seconds (healthy)", 2),
            "Up About a minute (healthy)"
        );
        assert_eq!(
            status_after("Up 2 minutes (Paused)", 0),
            "Up 2 minutes (Paused)"
        );
        assert_eq!(
            status_after("Exited (137) 3 seconds ago", 10),
            "Exited (137) 13 seconds ago"
        );
        assert_eq!(
            status_after("Restarting (1) Less than a second ago", 1),
            "Restarting (1) 1 second ago"
        );
        for kept in [
            "Created",
            "Removal In Progress",
            "Dead",
            "Up soon",
            "Exited (0)",
        ] {
            assert_eq!(status_after(kept, 30), kept);
        }
    }

    #[test]
    fn sizes_use_si_units_like_the_cli() {
        assert_eq!(bytes(12), "12 B");
        assert_eq!(bytes(1_990_000), "1.99 MB");
        assert_eq!(bytes(532_000), "532 kB");
        assert_eq!(bytes(45_600_000_000), "45.6 GB");
    }

    #[test]
    fn ports_print_like_the_cli() {
        assert_eq!(
            port(&tcp(Some("0.0.0.0"), 80, Some(8080))),
            "0.0.0.0:8080->80/tcp"
        );
        assert_eq!(port(&tcp(Some("::"), 80, Some(8080))), "[::]:8080->80/tcp");
        assert_eq!(port(&tcp(None, 443, None)), "443/tcp");
    }

    #[test]
    fn published_tcp_ports_become_links() {
        assert_eq!(
            port_link(&tcp(Some("0.0.0.0"), 80, Some(8080)), "nas.local").as_deref(),
            Some("http://nas.local:8080/")
        );
        assert_eq!(
            port_link(&tcp(Some("127.0.0.1"), 80, Some(8081)), "nas.local").as_deref(),
            Some("http://127.0.0.1:8081/")
        );
        assert_eq!(port_link(&tcp(None, 80, None), "nas.local"), None);
        let udp = Port {
            protocol: "udp".into(),
            ..tcp(Some("0.0.0.0"), 53, Some(53))
        };
        assert_eq!(port_link(&udp, "nas.local"), None);
    }

    #[test]
    fn browsers_get_short_names() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
        assert_eq!(browser_name(firefox), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(browser_name(chrome), "Chrome on macOS");
        assert_eq!(browser_name(""), "Unknown client");
    }

    #[test]
    fn dual_stack_ports_are_shown_once() {
        let ports = [
            tcp(Some("0.0.0.0"), 80, Some(8080)),
            tcp(Some("::"), 80, Some(8080)),
        ];
        assert_eq!(distinct_ports(&ports).len(), 1);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
