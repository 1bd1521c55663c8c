//! The create-container form as plain data: validating it into a `POST /containers/create`
//! body, rendering the equivalent `docker run` command line, filling it from an existing
//! container (duplicate and edit), and reading env files. Pure, tested natively.

use berth_shared::engine::container::{
    ContainerConfig, ContainerRecipe, Empty, HealthConfig, HostConfig, PortBinding, RestartPolicy,
};

/// What the user typed. Lists are one entry a line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContainerForm {
    /// The image reference.
    pub image: String,
    /// The container name (optional).
    pub name: String,
    /// The command, with shell-like quoting.
    pub command: String,
    /// The entrypoint, with shell-like quoting.
    pub entrypoint: String,
    /// `NAME=value` lines.
    pub env: String,
    /// `[ip:][host:]container[/proto]` lines.
    pub ports: String,
    /// `source:/target[:ro]` or `/target` lines.
    pub volumes: String,
    /// The network (empty for the default bridge).
    pub network: String,
    /// `no`, `always`, `unless-stopped` or `on-failure`.
    pub restart: String,
    /// For `on-failure`: the most retries.
    pub restart_max: String,
    /// CPUs, such as `1.5`.
    pub cpus: String,
    /// Memory limit, such as `512m`.
    pub memory: String,
    /// The most processes.
    pub pids: String,
    /// `key=value` lines.
    pub labels: String,
    /// `user[:group]`.
    pub user: String,
    /// The working directory.
    pub working_dir: String,
    /// The host name.
    pub hostname: String,
    /// The healthcheck command, run by the shell (`CMD-SHELL`).
    pub health_cmd: String,
    /// Time between checks, such as `30s`.
    pub health_interval: String,
    /// Time a check may take.
    pub health_timeout: String,
    /// Failures before unhealthy.
    pub health_retries: String,
    /// Grace period after start.
    pub health_start_period: String,
    /// Capabilities to add, separated by spaces or commas.
    pub cap_add: String,
    /// Capabilities to drop.
    pub cap_drop: String,
    /// Whether the container is privileged.
    pub privileged: bool,
    /// Whether it gets a TTY and open stdin (`-it`).
    pub interactive: bool,
    /// Whether it starts at once.
    pub start: bool,
}

/// A field the user must correct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's key, which is also its input's id (`image`, `ports`, …).
    pub field: &'static str,
    /// What is wrong, naming the field.
    pub message: String,
}

/// The validated form: the name and the create body.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRequest {
    /// The name, possibly empty.
    pub name: String,
    /// The body of `POST /containers/create`.
    pub config: ContainerConfig,
    /// Whether to start it once created.
    pub start: bool,
}

impl ContainerForm {
    /// An empty form that starts the container once created.
    pub fn new() -> Self {
        Self {
            start: true,
            ..Self::default()
        }
    }

    /// Validates the form into a create request, or lists every field to correct.
    pub fn build(&self) -> Result<CreateRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, label: &str, result: Result<(), String>| {
            if let Err(message) = result {
                errors.push(FieldError {
                    field,
                    message: format!("{label}: {message}"),
                });
            }
        };
        let mut config = ContainerConfig {
            image: self.image.trim().to_owned(),
            hostname: self.hostname.trim().to_owned(),
            user: self.user.trim().to_owned(),
            working_dir: self.working_dir.trim().to_owned(),
            tty: self.interactive,
            open_stdin: self.interactive,
            ..ContainerConfig::default()
        };
        let mut host = HostConfig {
            network_mode: self.network.trim().to_owned(),
            privileged: self.privileged,
            ..HostConfig::default()
        };
        check(
            "image",
            "Image",
            if config.image.is_empty() {
                Err("choose an image".into())
            } else if config.image.contains(char::is_whitespace) {
                Err("an image reference has no spaces".into())
            } else {
                Ok(())
            },
        );
        let name = self.name.trim().to_owned();
        check("name", "Name", valid_name(&name));
        check(
            "working_dir",
            "Working directory",
            if config.working_dir.is_empty() || config.working_dir.starts_with('/') {
                Ok(())
            } else {
                Err("must be an absolute path".into())
            },
        );
        check(
            "command",
            "Command",
            split_words(&self.command).map(|words| {
                config.cmd = (!words.is_empty()).then_some(words);
            }),
        );
        check(
            "entrypoint",
            "Entrypoint",
            split_words(&self.entrypoint).map(|words| {
                config.entrypoint = (!words.is_empty()).then_some(words);
            }),
        );
        check(
            "env",
            "Environment",
            parse_pairs(&self.env, true).map(|pairs| {
                config.env = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
            }),
        );
        check(
            "labels",
            "Labels",
            parse_pairs(&self.labels, false)
                .map(|pairs| config.labels = pairs.into_iter().collect()),
        );
        check(
            "ports",
            "Ports",
            lines(&self.ports).try_for_each(|line| {
                let port = parse_port(line)?;
                config.exposed_ports.insert(port.key.clone(), Empty {});
                host.port_bindings
                    .entry(port.key)
                    .or_default()
                    .push(PortBinding {
                        host_ip: port.host_ip,
                        host_port: port.host_port,
                    });
                Ok(())
            }),
        );
        check(
            "volumes",
            "Volumes",
            lines(&self.volumes).try_for_each(|line| match parse_volume(line)? {
                Volume::Anonymous(target) => {
                    config.volumes.insert(target, Empty {});
                    Ok(())
                }
                Volume::Bind(bind) => {
                    host.binds.push(bind);
                    Ok(())
                }
            }),
        );
        check(
            "restart",
            "Restart policy",
            restart_policy(&self.restart, &self.restart_max).map(|p| host.restart_policy = p),
        );
        check(
            "cpus",
            "CPUs",
            optional(&self.cpus, parse_cpus).map(|v| host.nano_cpus = v.unwrap_or(0)),
        );
        check(
            "memory",
            "Memory",
            optional(&self.memory, parse_memory).map(|v| host.memory = v.unwrap_or(0)),
        );
        check(
            "pids",
            "PIDs limit",
            optional(&self.pids, |t| {
                t.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| "enter a whole number above 0".to_owned())
            })
            .map(|v| host.pids_limit = v),
        );
        check(
            "health_cmd",
            "Healthcheck",
            self.healthcheck().map(|h| config.healthcheck = h),
        );
        let caps = |text: &str| {
            let list: Vec<String> = text
                .split([',', ' ', '\n'])
                .filter(|c| !c.is_empty())
                .map(|c| c.trim().to_uppercase())
                .collect();
            (!list.is_empty()).then_some(list)
        };
        host.cap_add = caps(&self.cap_add);
        host.cap_drop = caps(&self.cap_drop);
        if !errors.is_empty() {
            return Err(errors);
        }
        config.host_config = host;
        Ok(CreateRequest {
            name,
            config,
            start: self.start,
        })
    }

    fn healthcheck(&self) -> Result<Option<HealthConfig>, String> {
        let command = self.health_cmd.trim();
        let timing = [
            &self.health_interval,
            &self.health_timeout,
            &self.health_retries,
            &self.health_start_period,
        ];
        if command.is_empty() {
            return if timing.iter().all(|t| t.trim().is_empty()) {
                Ok(None)
            } else {
                Err("enter the command the timings are for".into())
            };
        }
        let duration = |label: &str, text: &str| {
            optional(text, parse_duration)
                .map(Option::unwrap_or_default)
                .map_err(|e| format!("{label} {e}"))
        };
        Ok(Some(HealthConfig {
            test: if command == "NONE" {
                vec!["NONE".into()]
            } else {
                vec!["CMD-SHELL".into(), command.to_owned()]
            },
            interval: duration("interval", &self.health_interval)?,
            timeout: duration("timeout", &self.health_timeout)?,
            start_period: duration("start period", &self.health_start_period)?,
            retries: optional(&self.health_retries, |t| {
                t.parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| "retries must be a whole number".to_owned())
            })?
            .unwrap_or(0),
        }))
    }

    /// The `docker run` (or `docker create`, when not starting) command that does the same.
    pub fn docker_run(&self) -> String {
        let mut args: Vec<String> = vec!["docker".into()];
        if self.start {
            args.extend(["run".into(), "-d".into()]);
        } else {
            args.push("create".into());
        }
        let mut flag = |name: &str, value: &str| {
            if !value.trim().is_empty() {
                args.push(name.to_owned());
                args.push(shell_quote(value.trim()));
            }
        };
        flag("--name", &self.name);
        flag("--hostname", &self.hostname);
        flag("--user", &self.user);
        flag("--workdir", &self.working_dir);
        for line in lines(&self.env) {
            flag("-e", line);
        }
        for line in lines(&self.ports) {
            flag("-p", line);
        }
        for line in lines(&self.volumes) {
            flag("-v", line);
        }
        flag("--network", &self.network);
        let restart = match (self.restart.trim(), self.restart_max.trim()) {
            ("on-failure", max) if !max.is_empty() => format!("on-failure:{max}"),
            ("no", _) => String::new(),
            (policy, _) => policy.to_owned(),
        };
        flag("--restart", &restart);
        flag("--cpus", &self.cpus);
        flag("--memory", &self.memory);
        flag("--pids-limit", &self.pids);
        for line in lines(&self.labels) {
            flag("--label", line);
        }
        flag("--health-cmd", &self.health_cmd);
        flag("--health-interval", &self.health_interval);
        flag("--health-timeout", &self.health_timeout);
        flag("--health-retries", &self.health_retries);
        flag("--health-start-period", &self.health_start_period);
        for cap in self.cap_add.split([',', ' ']).filter(|c| !c.is_empty()) {
            flag("--cap-add", cap);
        }
        for cap in self.cap_drop.split([',', ' ']).filter(|c| !c.is_empty()) {
            flag("--cap-drop", cap);
        }
        // `--entrypoint` takes one program; the rest of an entrypoint runs as leading arguments.
        let entrypoint = split_words(&self.entrypoint).unwrap_or_default();
        let mut command = split_words(&self.command).unwrap_or_default();
        if let Some((program, rest)) = entrypoint.split_first() {
            flag("--entrypoint", program);
            command.splice(0..0, rest.iter().cloned());
        }
        if self.privileged {
            args.push("--privileged".into());
        }
        if self.interactive {
            args.push("-it".into());
        }
        args.push(shell_quote(self.image.trim()));
        args.extend(command.iter().map(|word| shell_quote(word)));
        args.join(" ")
    }

    /// The form that recreates `recipe`'s container. `keep_name` is for editing; a duplicate
    /// gets no name, so the engine picks a free one.
    pub fn from_recipe(recipe: &ContainerRecipe, keep_name: bool) -> Self {
        let config = &recipe.config;
        let host = &recipe.host_config;
        let join_words = |words: &Option<Vec<String>>| {
            words
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|w| shell_quote(w))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut ports = Vec::new();
        for (key, bindings) in &host.port_bindings {
            let port = key.strip_suffix("/tcp").unwrap_or(key);
            for binding in bindings {
                ports.push(
                    match (binding.host_ip.as_str(), binding.host_port.as_str()) {
                        ("", "") => port.to_owned(),
                        ("", host_port) => format!("{host_port}:{port}"),
                        (ip, host_port) => format!("{ip}:{host_port}:{port}"),
                    },
                );
            }
        }
        let mut volumes = host.binds.clone();
        volumes.extend(
            config
                .volumes
                .keys()
                .filter(|path| {
                    !host
                        .binds
                        .iter()
                        .any(|bind| bind.split(':').nth(1) == Some(path.as_str()))
                })
                .cloned(),
        );
        let health = config.healthcheck.clone().unwrap_or_default();
        let health_cmd = match health.test.first().map(String::as_str) {
            Some("CMD-SHELL") => health.test.get(1).cloned().unwrap_or_default(),
            Some("CMD") => health.test[1..]
                .iter()
                .map(|w| shell_quote(w))
                .collect::<Vec<_>>()
                .join(" "),
            Some("NONE") => "NONE".into(),
            _ => String::new(),
        };
        let nonzero =
            |n: i64, render: fn(i64) -> String| if n > 0 { render(n) } else { String::new() };
        let restart = &host.restart_policy;
        let short_id = recipe.id.get(..12).unwrap_or_default();
        Self {
            image: config.image.clone(),
            name: if keep_name {
                recipe.display_name().to_owned()
            } else {
                String::new()
            },
            command: join_words(&config.cmd),
            entrypoint: join_words(&config.entrypoint),
            env: config.env.join("\n"),
            ports: ports.join("\n"),
            volumes: volumes.join("\n"),
            network: match host.network_mode.as_str() {
                "default" | "bridge" => String::new(),
                other => other.to_owned(),
            },
            restart: match restart.name.as_str() {
                "" => "no".into(),
                other => other.to_owned(),
            },
            restart_max: nonzero(restart.maximum_retry_count, |n| n.to_string()),
            cpus: nonzero(host.nano_cpus, format_cpus),
            memory: nonzero(host.memory, format_memory),
            pids: host
                .pids_limit
                .filter(|n| *n > 0)
                .map(|n| n.to_string())
                .unwrap_or_default(),
            labels: config
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("\n"),
            user: config.user.clone(),
            working_dir: config.working_dir.clone(),
            // The engine names a container's host after its short id unless told otherwise.
            hostname: if config.hostname == short_id {
                String::new()
            } else {
                config.hostname.clone()
            },
            health_cmd,
            health_interval: nonzero(health.interval, format_duration),
            health_timeout: nonzero(health.timeout, format_duration),
            health_retries: nonzero(health.retries, |n| n.to_string()),
            health_start_period: nonzero(health.start_period, format_duration),
            cap_add: host.cap_add.clone().unwrap_or_default().join(" "),
            cap_drop: host.cap_drop.clone().unwrap_or_default().join(" "),
            privileged: host.privileged,
            interactive: config.tty && config.open_stdin,
            start: true,
        }
    }
}

/// Reads an env file: `NAME=value` lines, skipping blank lines and `#` comments, accepting an
/// `export ` prefix and quoted values. Returns the lines to add to the environment field.
pub fn parse_env_file(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.strip_prefix("export ").unwrap_or(line).trim_start())
        .filter_map(|line| {
            let (key, value) = line.split_once('=')?;
            let value = value.trim();
            let unquoted = [('"', '"'), ('\'', '\'')]
                .iter()
                .find_map(|(open, close)| {
                    value
                        .strip_prefix(*open)
                        .and_then(|v| v.strip_suffix(*close))
                })
                .unwrap_or(value);
            Some(format!("{}={unquoted}", key.trim()))
        })
        .collect()
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty())
}

fn optional<T>(text: &str, parse: impl Fn(&str) -> Result<T, String>) -> Result<Option<T>, String> {
    match text.trim() {
        "" => Ok(None),
        t => parse(t).map(Some),
    }
}

fn valid_name(name: &str) -> Result<(), String> {
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

fn parse_pairs(text: &str, env: bool) -> Result<Vec<(String, String)>, String> {
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
struct PortSpec {
    key: String,
    host_ip: String,
    host_port: String,
}

fn parse_port(line: &str) -> Result<PortSpec, String> {
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

enum Volume {
    Anonymous(String),
    Bind(String),
}

fn parse_volume(line: &str) -> Result<Volume, String> {
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

fn restart_policy(name: &str, max: &str) -> Result<RestartPolicy, String> {
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

fn format_cpus(nanos: i64) -> String {
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

fn format_memory(bytes: i64) -> String {
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

fn format_duration(nanos: i64) -> String {
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

/// Splits a command line into words as a POSIX shell would, with single and double quotes and
/// backslash escapes (no expansions).
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("a ' quote is not closed".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("a \" quote is not closed".into()),
                        },
                        Some(c) => word.push(c),
                        None => return Err("a \" quote is not closed".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Quotes a word for a POSIX shell, only when it needs it.
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_form() -> ContainerForm {
        ContainerForm {
            image: "busybox:latest".into(),
            name: "web".into(),
            command: "sh -c 'echo hi; sleep 1000'".into(),
            env: "A=1\nGREETING=hello world\n".into(),
            ports: "127.0.0.1:8080:80\n5353:53/udp\n9000".into(),
            volumes: "data:/data\n/srv:/srv:ro\n/cache".into(),
            network: "backend".into(),
            restart: "on-failure".into(),
            restart_max: "3".into(),
            cpus: "1.5".into(),
            memory: "512m".into(),
            pids: "100".into(),
            labels: "tier=front".into(),
            user: "1000:1000".into(),
            working_dir: "/app".into(),
            hostname: "web1".into(),
            health_cmd: "wget -q -O- localhost".into(),
            health_interval: "30s".into(),
            health_retries: "3".into(),
            cap_add: "NET_ADMIN".into(),
            start: true,
            ..ContainerForm::default()
        }
    }

    #[test]
    fn builds_the_create_body() {
        let request = full_form().build().expect("valid form");
        let config = &request.config;
        let host = &config.host_config;
        assert_eq!(request.name, "web");
        assert_eq!(
            config.cmd.as_deref(),
            Some(&["sh".to_owned(), "-c".into(), "echo hi; sleep 1000".into()][..])
        );
        assert_eq!(config.env, ["A=1", "GREETING=hello world"]);
        assert_eq!(
            host.port_bindings["80/tcp"],
            [PortBinding {
                host_ip: "127.0.0.1".into(),
                host_port: "8080".into()
            }]
        );
        assert_eq!(host.port_bindings["53/udp"][0].host_port, "5353");
        assert_eq!(host.port_bindings["9000/tcp"][0].host_port, "");
        assert!(config.exposed_ports.contains_key("9000/tcp"));
        assert_eq!(host.binds, ["data:/data", "/srv:/srv:ro"]);
        assert!(config.volumes.contains_key("/cache"));
        assert_eq!(host.restart_policy.name, "on-failure");
        assert_eq!(host.restart_policy.maximum_retry_count, 3);
        assert_eq!(host.nano_cpus, 1_500_000_000);
        assert_eq!(host.memory, 512 << 20);
        assert_eq!(host.pids_limit, Some(100));
        assert_eq!(host.cap_add.as_deref(), Some(&["NET_ADMIN".to_owned()][..]));
        let health = config.healthcheck.as_ref().expect("healthcheck");
        assert_eq!(health.test, ["CMD-SHELL", "wget -q -O- localhost"]);
        assert_eq!(health.interval, 30_000_000_000);
        assert_eq!(health.retries, 3);
        assert_eq!(config.labels["tier"], "front");
    }

    #[test]
    fn names_every_wrong_field() {
        let form = ContainerForm {
            image: String::new(),
            name: "-bad".into(),
            ports: "http".into(),
            volumes: "data:relative".into(),
            env: "NOVALUE".into(),
            memory: "1k".into(),
            cpus: "lots".into(),
            restart: "always".into(),
            restart_max: "2".into(),
            command: "echo 'open".into(),
            health_interval: "10s".into(),
            ..ContainerForm::default()
        };
        let errors = form.build().expect_err("invalid form");
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "image",
                "name",
                "command",
                "env",
                "ports",
                "volumes",
                "restart",
                "cpus",
                "memory",
                "health_cmd"
            ]
        );
        assert!(errors[0].message.starts_with("Image: "));
        assert!(errors[4].message.contains("http is not a port number"));
    }

    #[test]
    fn renders_the_equivalent_docker_run() {
        assert_eq!(
            full_form().docker_run(),
            "docker run -d --name web --hostname web1 --user 1000:1000 --workdir /app -e A=1 \
             -e 'GREETING=hello world' -p 127.0.0.1:8080:80 -p 5353:53/udp -p 9000 -v data:/data \
             -v /srv:/srv:ro -v /cache --network backend --restart on-failure:3 --cpus 1.5 \
             --memory 512m --pids-limit 100 --label tier=front --health-cmd 'wget -q -O- localhost' \
             --health-interval 30s --health-retries 3 --cap-add NET_ADMIN busybox:latest sh -c \
             'echo hi; sleep 1000'"
        );
        let form = ContainerForm {
            image: "alpine".into(),
            entrypoint: "/bin/sh -c".into(),
            command: "\"it's\"".into(),
            privileged: true,
            interactive: true,
            ..ContainerForm::default()
        };
        assert_eq!(
            form.docker_run(),
            r"docker create --entrypoint /bin/sh --privileged -it alpine -c 'it'\''s'"
        );
    }

    #[test]
    fn a_recipe_round_trips_through_the_form() {
        let request = full_form().build().expect("valid form");
        let recipe = ContainerRecipe {
            id: "0123456789abcdef".into(),
            name: "/web".into(),
            host_config: request.config.host_config.clone(),
            config: request.config.clone(),
        };
        let mut again = ContainerForm::from_recipe(&recipe, true);
        // Ports come back ordered by container port.
        assert_eq!(again.ports, "5353:53/udp\n127.0.0.1:8080:80\n9000");
        assert_eq!(again.memory, "512m");
        assert_eq!(again.cpus, "1.5");
        assert_eq!(again.command, "sh -c 'echo hi; sleep 1000'");
        assert_eq!(again.build().expect("still valid").config, request.config);
        again = ContainerForm::from_recipe(&recipe, false);
        assert_eq!(again.name, "");
    }

    #[test]
    fn reads_env_files() {
        let text = "# settings\nexport A=1\n\nB=\"two words\"\nC='x'\nnot a pair\n D = spaced \n";
        assert_eq!(
            parse_env_file(text),
            ["A=1", "B=two words", "C=x", "D=spaced"]
        );
    }

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
        assert_eq!(
            split_words(r#"a "b c" d\ e 'f"g'"#),
            Ok(vec!["a".into(), "b c".into(), "d e".into(), "f\"g".into()])
        );
        assert_eq!(shell_quote("plain-word"), "plain-word");
        assert_eq!(shell_quote(""), "''");
    }
}
