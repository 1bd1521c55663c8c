//! Filling the form from an existing container's inspect data, to duplicate it or to recreate
//! it with changes.

use berth_shared::engine::container::ContainerRecipe;

use super::ContainerForm;
use super::parse::{format_cpus, format_duration, format_memory};
use crate::shell_words;

impl ContainerForm {
    /// The form that recreates `recipe`'s container. `keep_name` is for editing; a duplicate
    /// gets no name and no fixed host ports (the original holds them, so the engine would
    /// refuse them as already allocated): the engine picks free ones, on the same addresses.
    pub fn from_recipe(recipe: &ContainerRecipe, keep_name: bool) -> Self {
        let config = &recipe.config;
        let host = &recipe.host_config;
        let join_words = |words: &Option<Vec<String>>| {
            words
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|w| shell_words::quote(w))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut ports = Vec::new();
        for (key, bindings) in &host.port_bindings {
            let port = key.strip_suffix("/tcp").unwrap_or(key);
            for binding in bindings {
                let host_port = if keep_name {
                    binding.host_port.as_str()
                } else {
                    ""
                };
                ports.push(match (binding.host_ip.as_str(), host_port) {
                    ("", "") => port.to_owned(),
                    ("", host_port) => format!("{host_port}:{port}"),
                    (ip, host_port) => format!("{ip}:{host_port}:{port}"),
                });
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
                .map(|w| shell_words::quote(w))
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
            labels: crate::key_values::join(&config.labels, "\n"),
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

/// The host ports `recipe`'s container publishes on by number, which a duplicate leaves to
/// the engine: "8080", "127.0.0.1:8080".
pub fn fixed_host_ports(recipe: &ContainerRecipe) -> Vec<String> {
    recipe
        .host_config
        .port_bindings
        .values()
        .flatten()
        .filter(|binding| !binding.host_port.is_empty())
        .map(|binding| match binding.host_ip.as_str() {
            "" => binding.host_port.clone(),
            ip => format!("{ip}:{}", binding.host_port),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::containers::form::tests::full_form;

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
        // A duplicate leaves the host ports to the engine, on the same addresses.
        assert_eq!(again.ports, "53/udp\n127.0.0.1::80\n9000");
        assert!(again.build().is_ok(), "a duplicate's ports are valid");
        assert_eq!(fixed_host_ports(&recipe), ["5353", "127.0.0.1:8080"]);
    }
}
