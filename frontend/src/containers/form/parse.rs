//! The parsers behind the form's fields: one entry a line, `key=value` pairs, ports, volumes,
//! restart policies, CPUs, memory sizes and durations (and the formatting back of the last
//! three, to fill the form from a container). Errors are the text shown after the field's
//! label.

use berth_shared::engine::container::RestartPolicy;

pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty())
}

pub(crate) fn optional<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match text.trim() {
        "" => Ok(None),
        t => parse(t).map(Some),
    }
}

pub(crate) fn valid_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    match chars.next() {
        None => Ok(()),
        Some(first) if first.is_ascii_alphanumeric() => {
            if chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
                Ok(())
            } else {
                Err("use only letters, digits, _ . and -".into())
            }
        }
        Some(_) => Err("must start with a letter or digit".into()),
    }
}

pub(crate) fn parse_pairs(text: &str, env: bool) -> Result<Vec<(String, String)>, String> {
    lines(text)
        .map(|line| {
            let (key, value) = line.split_once('=').unwrap_or((line, ""));
            let key = key.trim();
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(format!("\"{line}\" needs a name without spaces before ="));
            }
            if env && !line.contains('=') {
                return Err(format!("\"{line}\" needs =value"));
            }
            Ok((key.to_owned(), value.to_owned()))
        })
        .collect()
}

/// A parsed `-p` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PortSpec {
    /// `port/protocol`, as the engine keys ports.
    pub key: String,
    /// The host address to publish on; empty for all.
    pub host_ip: String,
    /// The host port; empty for one the engine picks.
    pub host_port: String,
}

pub(super) fn parse_port(line: &str) -> Result<PortSpec, String> {
    let (spec, protocol) = match line.rsplit_once('/') {
        Some((spec, protocol)) => (spec, protocol.to_lowercase()),
        None => (line, "tcp".to_owned()),
    };
    if !matches!(protocol.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("\"{line}\": the protocol must be tcp, udp or sctp"));
    }
    let parts: Vec<&str> = spec.split(':').collect();
    let (host_ip, host_port, container) = match parts.as_slice() {
        [container] => ("", "", *container),
        [host, container] => ("", *host, *container),
        [ip, host, container] => (*ip, *host, *container),
        _ => return Err(format!("\"{line}\" is not [address:][host port:]port")),
    };
    let number = |text: &str| text.parse::<u16>().ok().filter(|p| *p > 0);
    if number(container).is_none() {
        return Err(format!("\"{line}\": {container} is not a port number"));
    }
    if !host_port.is_empty() && number(host_port).is_none() {
        return Err(format!("\"{line}\": {host_port} is not a port number"));
    }
    Ok(PortSpec {
        key: format!("{container}/{protocol}"),
        host_ip: host_ip.to_owned(),
        host_port: host_port.to_owned(),
    })
}

/// A parsed `-v` entry.
pub(super) enum Volume {
    /// An anonymous volume at this container path.
    Anonymous(String),
    /// A named volume or host path, as the engine's `Binds` take it.
    Bind(String),
}

pub(super) fn parse_volume(line: &str) -> Result<Volume, String> {
    let parts: Vec<&str> = line.split(':').collect();
    match parts.as_slice() {
        [target] if target.starts_with('/') => Ok(Volume::Anonymous((*target).to_owned())),
        [source, target] | [source, target, _] if !source.is_empty() => {
            if !target.starts_with('/') {
                return Err(format!("\"{line}\": the container path must be absolute"));
            }
            if let [_, _, mode] = parts.as_slice()
                && !mode.split(',').all(|m| {
                    matches!(
                        m,
                        "ro" | "rw"
                            | "z"
                            | "Z"
                            | "shared"
                            | "slave"
                            | "private"
                            | "rshared"
                            | "rslave"
                            | "rprivate"
                            | "nocopy"
                    )
                })
            {
                return Err(format!("\"{line}\": unknown mode {mode}"));
            }
            Ok(Volume::Bind(line.to_owned()))
        }
        _ => Err(format!("\"{line}\" is not source:/path[:ro] or /path")),
    }
}

pub(super) fn restart_policy(name: &str, max: &str) -> Result<RestartPolicy, String> {
    let name = name.trim();
    if !matches!(name, "" | "no" | "always" | "unless-stopped" | "on-failure") {
        return Err(format!("unknown policy {name}"));
    }
    let maximum_retry_count = optional(max, |t| {
        t.parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| "the most retries must be a whole number".to_owned())
    })?
    .unwrap_or(0);
    if maximum_retry_count > 0 && name != "on-failure" {
        return Err("a retry limit needs the on-failure policy".into());
    }
    Ok(RestartPolicy {
        name: if name == "no" {
            String::new()
        } else {
            name.to_owned()
        },
        maximum_retry_count,
    })
}

/// Parses CPUs (`1.5`) into billionths of a CPU.
pub fn parse_cpus(text: &str) -> Result<i64, String> {
    parse_fixed(text.trim(), 9)
        .filter(|nanos| *nanos > 0 && *nanos <= 1024 * 1_000_000_000)
        .ok_or_else(|| "enter a number of CPUs above 0, such as 0.5 or 2".into())
}

pub(crate) fn format_cpus(nanos: i64) -> String {
    let whole = nanos / 1_000_000_000;
    let fraction = format!("{:09}", nanos % 1_000_000_000);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

/// Parses a non-negative decimal (`12`, `1.5`, `.25`) into an integer scaled by 10^`scale`,
/// without floating point (digits past the scale are dropped).
fn parse_fixed(text: &str, scale: u32) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut value: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let digits: Vec<u8> = fraction.bytes().collect();
    for position in 0..scale as usize {
        let digit = digits.get(position).map_or(0, |d| i64::from(d - b'0'));
        value = value.checked_mul(10)?.checked_add(digit)?;
    }
    Some(value)
}

/// Parses a size with an optional unit (`b`, `k`, `m`, `g`, `t`, with or without a trailing
/// `b`, binary multiples as docker uses) into bytes.
pub fn parse_memory(text: &str) -> Result<i64, String> {
    let text = text.trim().to_lowercase();
    let text = text
        .strip_suffix('b')
        .filter(|t| !t.is_empty() && t.ends_with(|c: char| c.is_ascii_alphabetic()))
        .unwrap_or(&text);
    let (number, multiplier) = match text.chars().last() {
        Some('k') => (&text[..text.len() - 1], 1i64 << 10),
        Some('m') => (&text[..text.len() - 1], 1 << 20),
        Some('g') => (&text[..text.len() - 1], 1 << 30),
        Some('t') => (&text[..text.len() - 1], 1 << 40),
        Some('b') => (&text[..text.len() - 1], 1),
        _ => (text, 1),
    };
    parse_fixed(number.trim(), 3)
        .and_then(|milli| milli.checked_mul(multiplier))
        .map(|scaled| scaled / 1000)
        .filter(|bytes| *bytes >= 6 << 20)
        .ok_or_else(|| "enter a size of at least 6m, such as 512m or 2g".into())
}

pub(crate) fn format_memory(bytes: i64) -> String {
    for (unit, size) in [("g", 1i64 << 30), ("m", 1 << 20), ("k", 1 << 10)] {
        if bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    bytes.to_string()
}

/// Parses a Go-style duration (`1m30s`, `500ms`, `2h`) into nanoseconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let error = || format!("\"{text}\" is not a duration such as 30s, 1m30s or 500ms");
    let mut total = 0i64;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(error());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .ok_or_else(error)?;
        let value = parse_fixed(&rest[..digits], 3).ok_or_else(error)?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let nanos: i64 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "µs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(error()),
        };
        // `value` is in thousandths.
        total += value.checked_mul(nanos).ok_or_else(error)? / 1000;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

pub(crate) fn format_duration(nanos: i64) -> String {
    if nanos % 1_000_000_000 != 0 {
        return format!("{}ms", nanos / 1_000_000);
    }
    let seconds = nanos / 1_000_000_000;
    match (seconds / 3600, seconds % 3600 / 60, seconds % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_words() {
        assert_eq!(parse_memory("1g"), Ok(1 << 30));
        assert_eq!(parse_memory("256MB"), Ok(256 << 20));
        assert_eq!(parse_memory("1.5g"), Ok(3 << 29));
        assert!(parse_memory("5m").is_err());
        assert_eq!(parse_duration("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse_duration("500ms"), Ok(500_000_000));
        assert!(parse_duration("10").is_err());
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(format_duration(90_000_000_000), "1m30s");
        assert_eq!(parse_cpus("0.25"), Ok(250_000_000));
        assert_eq!(parse_cpus(".5"), Ok(500_000_000));
        assert!(parse_cpus("1e3").is_err());
        assert!(parse_cpus("0").is_err());
        assert_eq!(format_cpus(1_250_000_000), "1.25");
        assert_eq!(format_cpus(2_000_000_000), "2");
        assert_eq!(format_memory(3 << 29), "1536m");
    }
}
