//! The service form's fields as typed ([`ServiceDraft`]): filled from a service's spec, and
//! applied onto a spec as the engine sent it, so that an edit changes what the form shows and
//! keeps every other field (those these models do not know included). Each line-based field
//! takes the docker CLI's syntax (`--mount`, `--secret`, `--publish`), which users know.

use std::collections::BTreeMap;

use berth_shared::engine::service::{FileReference, ServiceSpec, UpdateConfig};
use serde_json::{Value, json};

use crate::containers::form::parse::{
    format_cpus, format_duration, format_memory, lines, parse_cpus, parse_duration, parse_memory,
    parse_pairs, valid_name,
};
use crate::field_error::FieldError;
use crate::shell_words;

mod lines;
mod spec_path;

use lines::{files, mounts, networks, ports, preferences};
use spec_path::{remove, set, set_list};

pub const NAME: &str = "Name";
pub const IMAGE: &str = "Image";
pub const REPLICAS: &str = "Replicas";
pub const MAX_CONCURRENT: &str = "Tasks at once";
pub const COMMAND: &str = "Command";
pub const ARGS: &str = "Arguments";
pub const ENV: &str = "Environment";
pub const LABELS: &str = "Service labels";
pub const PORTS: &str = "Ports";
pub const MOUNTS: &str = "Mounts";
pub const NETWORKS: &str = "Networks";
pub const SECRETS: &str = "Secrets";
pub const CONFIGS: &str = "Configs";
pub const CONSTRAINTS: &str = "Placement constraints";
pub const PREFERENCES: &str = "Placement preferences";
pub const LIMIT_CPUS: &str = "CPU limit";
pub const LIMIT_MEMORY: &str = "Memory limit";
pub const RESERVE_CPUS: &str = "CPU reservation";
pub const RESERVE_MEMORY: &str = "Memory reservation";
pub const RESTART_DELAY: &str = "Restart delay";
pub const RESTART_ATTEMPTS: &str = "Restart attempts";
pub const UPDATE_PARALLELISM: &str = "Update parallelism";
pub const UPDATE_DELAY: &str = "Update delay";
pub const ROLLBACK_PARALLELISM: &str = "Rollback parallelism";
pub const ROLLBACK_DELAY: &str = "Rollback delay";
pub const HEALTH_INTERVAL: &str = "Health interval";
pub const HEALTH_TIMEOUT: &str = "Health timeout";
pub const HEALTH_RETRIES: &str = "Health retries";
pub const HEALTH_START_PERIOD: &str = "Health start period";
pub const LOG_OPTIONS: &str = "Log options";

/// How updates or rollbacks roll out, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolloutDraft {
    pub parallelism: String,
    pub delay: String,
    /// `pause`, `continue` or `rollback` (updates only).
    pub failure_action: String,
    /// `stop-first` or `start-first`.
    pub order: String,
}

/// Every field of the service form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceDraft {
    pub name: String,
    pub image: String,
    /// `replicated`, `global`, `replicated-job` or `global-job`.
    pub mode: String,
    pub replicas: String,
    /// How many of a replicated job's tasks run at once; empty for one.
    pub max_concurrent: String,
    pub command: String,
    pub args: String,
    pub env: String,
    pub labels: String,
    /// `8080:80`, `8080:80/udp`, `mode=host,published=8080,target=80`, one a line.
    pub ports: String,
    /// `type=volume,source=data,target=/data[,readonly]`, one a line.
    pub mounts: String,
    /// `name[,alias=a]…`, one a line.
    pub networks: String,
    /// `source=NAME[,target=…,uid=…,gid=…,mode=0400]`, one a line.
    pub secrets: String,
    pub configs: String,
    pub constraints: String,
    /// `spread=node.labels.zone`, one a line.
    pub preferences: String,
    pub limit_cpus: String,
    pub limit_memory: String,
    pub reserve_cpus: String,
    pub reserve_memory: String,
    /// `any`, `on-failure` or `none`.
    pub restart_condition: String,
    pub restart_delay: String,
    pub restart_attempts: String,
    pub update: RolloutDraft,
    pub rollback: RolloutDraft,
    /// The healthcheck's shell command; empty keeps the image's.
    pub health_cmd: String,
    pub health_interval: String,
    pub health_timeout: String,
    pub health_retries: String,
    /// How long a starting container's failed checks do not count.
    pub health_start_period: String,
    pub log_driver: String,
    pub log_options: String,
}

/// A secret or config the swarm has, for turning names into ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub id: String,
    pub name: String,
}

/// The secrets and configs the swarm has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownFiles {
    pub secrets: Vec<Known>,
    pub configs: Vec<Known>,
}

fn rollout_of(config: Option<&UpdateConfig>) -> RolloutDraft {
    config.map_or_else(RolloutDraft::default, |config| RolloutDraft {
        parallelism: config.parallelism.to_string(),
        delay: if config.delay == 0 {
            String::new()
        } else {
            format_duration(config.delay)
        },
        failure_action: config.failure_action.clone(),
        order: config.order.clone(),
    })
}

fn file_line(reference: &FileReference, secret: bool) -> String {
    let mut parts = vec![format!("source={}", reference.name)];
    if let Some(file) = &reference.file {
        let default_target = if secret {
            reference.name.clone()
        } else {
            format!("/{}", reference.name)
        };
        if file.name != default_target {
            parts.push(format!("target={}", file.name));
        }
        if file.uid != "0" && !file.uid.is_empty() {
            parts.push(format!("uid={}", file.uid));
        }
        if file.gid != "0" && !file.gid.is_empty() {
            parts.push(format!("gid={}", file.gid));
        }
        if file.mode != 0o444 {
            parts.push(format!("mode={:04o}", file.mode));
        }
    }
    parts.join(",")
}

impl ServiceDraft {
    /// A new service's fields: one replica, restarted on any exit.
    pub fn new_service() -> Self {
        Self {
            mode: "replicated".into(),
            replicas: "1".into(),
            restart_condition: "any".into(),
            ..Self::default()
        }
    }

    /// The fields of `spec`.
    pub fn of(spec: &ServiceSpec) -> Self {
        let container = &spec.task_template.container_spec;
        let template = &spec.task_template;
        let join_words = |words: &[String]| {
            words
                .iter()
                .map(|word| shell_words::quote(word))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let restart = template.restart_policy.clone().unwrap_or_default();
        let health = container.healthcheck.clone().unwrap_or_default();
        let networks = if template.networks.is_empty() {
            &spec.networks
        } else {
            &template.networks
        };
        Self {
            name: spec.name.clone(),
            image: container
                .image
                .split('@')
                .next()
                .unwrap_or_default()
                .to_owned(),
            mode: spec.mode.name().to_owned(),
            replicas: spec
                .mode
                .replicas()
                .or(spec.mode.replicated_job.map(|job| job.total_completions))
                .map(|n| n.to_string())
                .unwrap_or_default(),
            max_concurrent: spec
                .mode
                .replicated_job
                .map(|job| job.max_concurrent)
                .filter(|n| *n > 1)
                .map(|n| n.to_string())
                .unwrap_or_default(),
            command: join_words(&container.command),
            args: join_words(&container.args),
            env: container.env.join("\n"),
            labels: crate::key_values::join(&spec.labels, "\n"),
            ports: spec
                .endpoint_spec
                .ports
                .iter()
                .map(|port| {
                    let protocol = if port.protocol.is_empty() || port.protocol == "tcp" {
                        String::new()
                    } else {
                        format!("/{}", port.protocol)
                    };
                    if port.publish_mode == "host" {
                        format!(
                            "mode=host,published={},target={}{}",
                            port.published_port,
                            port.target_port,
                            if protocol.is_empty() {
                                String::new()
                            } else {
                                format!(",protocol={}", &protocol[1..])
                            }
                        )
                    } else if port.published_port == 0 {
                        format!("{}{protocol}", port.target_port)
                    } else {
                        format!("{}:{}{protocol}", port.published_port, port.target_port)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            mounts: container
                .mounts
                .iter()
                .map(|mount| {
                    let mut parts = vec![format!("type={}", mount.kind)];
                    if !mount.source.is_empty() {
                        parts.push(format!("source={}", mount.source));
                    }
                    parts.push(format!("target={}", mount.target));
                    if mount.read_only {
                        parts.push("readonly".into());
                    }
                    parts.join(",")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            networks: networks
                .iter()
                .map(|network| {
                    std::iter::once(network.target.clone())
                        .chain(network.aliases.iter().map(|alias| format!("alias={alias}")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            secrets: container
                .secrets
                .iter()
                .map(|s| file_line(s, true))
                .collect::<Vec<_>>()
                .join("\n"),
            configs: container
                .configs
                .iter()
                .map(|c| file_line(c, false))
                .collect::<Vec<_>>()
                .join("\n"),
            constraints: template.placement.constraints.join("\n"),
            preferences: template
                .placement
                .preferences
                .iter()
                .filter_map(|preference| {
                    preference
                        .pointer("/Spread/SpreadDescriptor")
                        .and_then(Value::as_str)
                })
                .map(|descriptor| format!("spread={descriptor}"))
                .collect::<Vec<_>>()
                .join("\n"),
            limit_cpus: nonzero(template.resources.limits.nano_cpus, format_cpus),
            limit_memory: nonzero(template.resources.limits.memory_bytes, format_memory),
            reserve_cpus: nonzero(template.resources.reservations.nano_cpus, format_cpus),
            reserve_memory: nonzero(template.resources.reservations.memory_bytes, format_memory),
            restart_condition: if restart.condition.is_empty() {
                "any".into()
            } else {
                restart.condition.clone()
            },
            restart_delay: nonzero(restart.delay, format_duration),
            restart_attempts: if restart.max_attempts == 0 {
                String::new()
            } else {
                restart.max_attempts.to_string()
            },
            update: rollout_of(spec.update_config.as_ref()),
            rollback: rollout_of(spec.rollback_config.as_ref()),
            health_cmd: match health.test.first().map(String::as_str) {
                Some("CMD-SHELL") => health.test.get(1).cloned().unwrap_or_default(),
                Some("CMD") => join_words(&health.test[1..]),
                _ => String::new(),
            },
            health_interval: nonzero(health.interval, format_duration),
            health_timeout: nonzero(health.timeout, format_duration),
            health_retries: if health.retries == 0 {
                String::new()
            } else {
                health.retries.to_string()
            },
            health_start_period: nonzero(health.start_period, format_duration),
            log_driver: template
                .log_driver
                .as_ref()
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            log_options: template
                .log_driver
                .as_ref()
                .map(|driver| crate::key_values::join(&driver.options, "\n"))
                .unwrap_or_default(),
        }
    }

    /// `base` (the spec as the engine sent it, or `{}` for a new service) with the form
    /// applied; the first field that is wrong otherwise.
    pub fn apply(&self, base: &Value, known: &KnownFiles) -> Result<Value, FieldError> {
        let mut spec = match base {
            Value::Object(_) => base.clone(),
            _ => json!({}),
        };
        let name = self.name.trim();
        if name.is_empty() {
            return Err(FieldError::new(NAME, "give the service a name"));
        }
        valid_name(name).map_err(|reason| FieldError::new(NAME, reason))?;
        let image = self.image.trim();
        if image.is_empty() || image.contains(char::is_whitespace) {
            return Err(FieldError::new(
                IMAGE,
                "give an image reference, such as nginx:1.27",
            ));
        }
        set(&mut spec, &["Name"], json!(name));
        set(&mut spec, &["Labels"], json!(pairs(LABELS, &self.labels)?));
        let container = ["TaskTemplate", "ContainerSpec"];
        // Keep a digest the manager pinned when the image did not change.
        let current = spec
            .pointer("/TaskTemplate/ContainerSpec/Image")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if current.split('@').next() != Some(image) {
            set(
                &mut spec,
                &[&container[..], &["Image"]].concat(),
                json!(image),
            );
        }
        let words = |label: &'static str, text: &str| {
            shell_words::split(text).map_err(|error| FieldError::new(label, error.to_string()))
        };
        set_list(
            &mut spec,
            &[&container[..], &["Command"]].concat(),
            words(COMMAND, &self.command)?,
        );
        set_list(
            &mut spec,
            &[&container[..], &["Args"]].concat(),
            words(ARGS, &self.args)?,
        );
        let env: Vec<String> = parse_pairs(&self.env, true)
            .map_err(|reason| FieldError::new(ENV, reason))?
            .into_iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        set_list(&mut spec, &[&container[..], &["Env"]].concat(), env);
        set_list(
            &mut spec,
            &[&container[..], &["Mounts"]].concat(),
            mounts(&self.mounts)?,
        );
        set_list(
            &mut spec,
            &[&container[..], &["Secrets"]].concat(),
            files(SECRETS, &self.secrets, &known.secrets, true)?,
        );
        set_list(
            &mut spec,
            &[&container[..], &["Configs"]].concat(),
            files(CONFIGS, &self.configs, &known.configs, false)?,
        );
        set(&mut spec, &["Mode"], self.mode_value()?);
        set(
            &mut spec,
            &["EndpointSpec", "Ports"],
            Value::Array(ports(&self.ports)?),
        );
        // Networks go in the task template; the older place is cleared so there is one list.
        if let Some(object) = spec.as_object_mut() {
            object.remove("Networks");
        }
        set_list(
            &mut spec,
            &["TaskTemplate", "Networks"],
            networks(&self.networks),
        );
        set_list(
            &mut spec,
            &["TaskTemplate", "Placement", "Constraints"],
            lines(&self.constraints)
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        );
        set_list(
            &mut spec,
            &["TaskTemplate", "Placement", "Preferences"],
            preferences(&self.preferences)?,
        );
        let amount =
            |label: &'static str, text: &str, parse: fn(&str) -> Result<i64, String>| match text
                .trim()
            {
                "" => Ok(0),
                typed => parse(typed).map_err(|reason| FieldError::new(label, reason)),
            };
        set(
            &mut spec,
            &["TaskTemplate", "Resources", "Limits", "NanoCPUs"],
            json!(amount(LIMIT_CPUS, &self.limit_cpus, parse_cpus)?),
        );
        set(
            &mut spec,
            &["TaskTemplate", "Resources", "Limits", "MemoryBytes"],
            json!(amount(LIMIT_MEMORY, &self.limit_memory, parse_memory)?),
        );
        set(
            &mut spec,
            &["TaskTemplate", "Resources", "Reservations", "NanoCPUs"],
            json!(amount(RESERVE_CPUS, &self.reserve_cpus, parse_cpus)?),
        );
        set(
            &mut spec,
            &["TaskTemplate", "Resources", "Reservations", "MemoryBytes"],
            json!(amount(RESERVE_MEMORY, &self.reserve_memory, parse_memory)?),
        );
        let restart = ["TaskTemplate", "RestartPolicy"];
        set(
            &mut spec,
            &[&restart[..], &["Condition"]].concat(),
            json!(self.restart_condition.trim()),
        );
        set(
            &mut spec,
            &[&restart[..], &["Delay"]].concat(),
            json!(amount(RESTART_DELAY, &self.restart_delay, parse_duration)?),
        );
        set(
            &mut spec,
            &[&restart[..], &["MaxAttempts"]].concat(),
            json!(count(RESTART_ATTEMPTS, &self.restart_attempts)?),
        );
        for (key, draft, parallelism, delay) in [
            (
                "UpdateConfig",
                &self.update,
                UPDATE_PARALLELISM,
                UPDATE_DELAY,
            ),
            (
                "RollbackConfig",
                &self.rollback,
                ROLLBACK_PARALLELISM,
                ROLLBACK_DELAY,
            ),
        ] {
            match rollout(draft, parallelism, delay, spec.get(key))? {
                Some(config) => set(&mut spec, &[key], config),
                None => remove(&mut spec, &[key]),
            }
        }
        let health = ["TaskTemplate", "ContainerSpec", "Healthcheck"];
        if self.health_cmd.trim().is_empty() {
            remove(&mut spec, &health);
        } else {
            set(
                &mut spec,
                &[&health[..], &["Test"]].concat(),
                json!(["CMD-SHELL", self.health_cmd.trim()]),
            );
            set(
                &mut spec,
                &[&health[..], &["Interval"]].concat(),
                json!(amount(
                    HEALTH_INTERVAL,
                    &self.health_interval,
                    parse_duration
                )?),
            );
            set(
                &mut spec,
                &[&health[..], &["Timeout"]].concat(),
                json!(amount(
                    HEALTH_TIMEOUT,
                    &self.health_timeout,
                    parse_duration
                )?),
            );
            set(
                &mut spec,
                &[&health[..], &["Retries"]].concat(),
                json!(count(HEALTH_RETRIES, &self.health_retries)?),
            );
            set(
                &mut spec,
                &[&health[..], &["StartPeriod"]].concat(),
                json!(amount(
                    HEALTH_START_PERIOD,
                    &self.health_start_period,
                    parse_duration
                )?),
            );
        }
        if self.log_driver.trim().is_empty() {
            remove(&mut spec, &["TaskTemplate", "LogDriver"]);
        } else {
            set(
                &mut spec,
                &["TaskTemplate", "LogDriver"],
                json!({
                    "Name": self.log_driver.trim(),
                    "Options": pairs(LOG_OPTIONS, &self.log_options)?,
                }),
            );
        }
        Ok(spec)
    }

    fn mode_value(&self) -> Result<Value, FieldError> {
        let replicas = || count(REPLICAS, &self.replicas);
        Ok(match self.mode.as_str() {
            "global" => json!({"Global": {}}),
            "global-job" => json!({"GlobalJob": {}}),
            "replicated-job" => {
                let at_once = count(MAX_CONCURRENT, &self.max_concurrent)?.max(1);
                json!({"ReplicatedJob": {"MaxConcurrent": at_once, "TotalCompletions": replicas()?.max(1)}})
            }
            _ => json!({"Replicated": {"Replicas": replicas()?}}),
        })
    }
}

fn nonzero(value: i64, format: fn(i64) -> String) -> String {
    if value == 0 {
        String::new()
    } else {
        format(value)
    }
}

fn count(label: &'static str, text: &str) -> Result<u64, FieldError> {
    match text.trim() {
        "" => Ok(0),
        typed => typed
            .parse()
            .map_err(|_| FieldError::new(label, "give a whole number, 0 or more")),
    }
}

fn pairs(label: &'static str, text: &str) -> Result<BTreeMap<String, String>, FieldError> {
    Ok(parse_pairs(text, false)
        .map_err(|reason| FieldError::new(label, reason))?
        .into_iter()
        .collect())
}

fn rollout(
    draft: &RolloutDraft,
    parallelism_label: &'static str,
    delay_label: &'static str,
    current: Option<&Value>,
) -> Result<Option<Value>, FieldError> {
    // Nothing typed for a service that had no such settings: the engine's defaults stay.
    if current.is_none() && *draft == RolloutDraft::default() {
        return Ok(None);
    }
    let mut config = current
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    config["Parallelism"] = json!(match draft.parallelism.trim() {
        "" => 1,
        _ => count(parallelism_label, &draft.parallelism)?,
    });
    config["Delay"] = json!(match draft.delay.trim() {
        "" => 0,
        typed => parse_duration(typed).map_err(|reason| FieldError::new(delay_label, reason))?,
    });
    if !draft.failure_action.is_empty() {
        config["FailureAction"] = json!(draft.failure_action);
    }
    if !draft.order.is_empty() {
        config["Order"] = json!(draft.order);
    }
    Ok(Some(config))
}

#[cfg(test)]
mod tests;
