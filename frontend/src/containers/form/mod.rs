//! The create-container form as plain data: what the user typed ([`ContainerForm`]) and its
//! validation into a `POST /containers/create` body, every wrong field named. The equivalent
//! `docker run` line is in [`docker_run`], filling the form from an existing container
//! (duplicate and edit) in [`recipe`], env files in [`env_file`], and the parsers of ports,
//! volumes, sizes and durations in [`parse`]. Pure, tested natively.

mod docker_run;
mod env_file;
pub mod guardrails;
pub mod parse;
mod recipe;

pub use env_file::parse_env_file;
pub use recipe::fixed_host_ports;

use berth_shared::engine::container::{
    ContainerConfig, Empty, HealthConfig, HostConfig, PortBinding,
};

use crate::field_error::FieldError;
use crate::shell_words;
use parse::{
    Volume, lines, optional, parse_cpus, parse_duration, parse_memory, parse_pairs, parse_port,
    parse_volume, restart_policy, valid_name,
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
    /// An empty form that starts the container once created, with no restart policy (the
    /// select's "no", as the engine's default is).
    pub fn new() -> Self {
        Self {
            restart: "no".into(),
            start: true,
            ..Self::default()
        }
    }

    /// Validates the form into a create request, or lists every field to correct.
    pub fn build(&self) -> Result<CreateRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, label: &str, result: Result<(), String>| {
            if let Err(message) = result {
                errors.push(FieldError::new(field, format!("{label}: {message}")));
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
            shell_words::split(&self.command)
                .map_err(|e| e.to_string())
                .map(|words| {
                    config.cmd = (!words.is_empty()).then_some(words);
                }),
        );
        check(
            "entrypoint",
            "Entrypoint",
            shell_words::split(&self.entrypoint)
                .map_err(|e| e.to_string())
                .map(|words| {
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
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A form with every field filled in, valid.
    pub(crate) fn full_form() -> ContainerForm {
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
    fn a_new_form_shows_the_engines_default_restart_policy() {
        let form = ContainerForm::new();
        // "no" is one of the select's options; an empty value would match none of them.
        assert_eq!(form.restart, "no");
        let request = ContainerForm {
            image: "busybox".into(),
            ..form
        }
        .build()
        .unwrap();
        assert_eq!(request.config.host_config.restart_policy.name, "");
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
}
