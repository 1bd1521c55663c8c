//! The `docker service create` command line that makes the service the form describes, for
//! users to copy.

use crate::containers::form::parse::lines;
use crate::services::draft::ServiceDraft;
use crate::shell_words;

impl ServiceDraft {
    /// The `docker service create` command that does the same; `with_registry_auth` when the
    /// form sends a saved registry's credentials, which the CLI hands to the nodes only when
    /// asked to.
    pub fn docker_service_create(&self, with_registry_auth: bool) -> String {
        let mut args: Vec<String> = vec!["docker".into(), "service".into(), "create".into()];
        if with_registry_auth {
            args.push("--with-registry-auth".into());
        }
        let mut flag = |name: &str, value: &str| {
            if !value.trim().is_empty() {
                args.push(name.to_owned());
                args.push(shell_words::quote(value.trim()));
            }
        };
        flag("--name", &self.name);
        if self.mode != "replicated" {
            flag("--mode", &self.mode);
        }
        if matches!(self.mode.as_str(), "replicated" | "replicated-job") {
            flag("--replicas", &self.replicas);
        }
        if self.mode == "replicated-job" {
            flag("--max-concurrent", &self.max_concurrent);
        }
        for (name, text) in [
            ("--env", &self.env),
            ("--label", &self.labels),
            ("--publish", &self.ports),
            ("--mount", &self.mounts),
            ("--network", &self.networks),
            ("--secret", &self.secrets),
            ("--config", &self.configs),
            ("--constraint", &self.constraints),
            ("--placement-pref", &self.preferences),
            ("--log-opt", &self.log_options),
        ] {
            for line in lines(text) {
                flag(name, line);
            }
        }
        flag("--limit-cpu", &self.limit_cpus);
        flag("--limit-memory", &self.limit_memory);
        flag("--reserve-cpu", &self.reserve_cpus);
        flag("--reserve-memory", &self.reserve_memory);
        if self.restart_condition != "any" {
            flag("--restart-condition", &self.restart_condition);
        }
        flag("--restart-delay", &self.restart_delay);
        flag("--restart-max-attempts", &self.restart_attempts);
        flag("--update-parallelism", &self.update.parallelism);
        flag("--update-delay", &self.update.delay);
        flag("--update-failure-action", &self.update.failure_action);
        flag("--update-order", &self.update.order);
        flag("--rollback-parallelism", &self.rollback.parallelism);
        flag("--rollback-delay", &self.rollback.delay);
        flag("--rollback-failure-action", &self.rollback.failure_action);
        flag("--rollback-order", &self.rollback.order);
        flag("--health-cmd", &self.health_cmd);
        flag("--health-interval", &self.health_interval);
        flag("--health-timeout", &self.health_timeout);
        flag("--health-retries", &self.health_retries);
        flag("--health-start-period", &self.health_start_period);
        flag("--log-driver", &self.log_driver);
        if !self.command.trim().is_empty() {
            flag("--entrypoint", &self.command);
        }
        args.push(shell_words::quote(self.image.trim()));
        if !self.args.trim().is_empty() {
            args.push(self.args.trim().to_owned());
        }
        args.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_says_what_the_form_says() {
        let draft = ServiceDraft {
            name: "web".into(),
            image: "nginx:1.27".into(),
            replicas: "3".into(),
            ports: "8080:80".into(),
            secrets: "source=db,target=db_password".into(),
            constraints: "node.labels.zone==a".into(),
            env: "GREETING=hello world".into(),
            args: "nginx -g 'daemon off;'".into(),
            ..ServiceDraft::new_service()
        };
        assert_eq!(
            draft.docker_service_create(false),
            "docker service create --name web --replicas 3 --env 'GREETING=hello world' \
             --publish 8080:80 --secret source=db,target=db_password \
             --constraint node.labels.zone==a nginx:1.27 nginx -g 'daemon off;'"
        );
        let global = ServiceDraft {
            mode: "global".into(),
            ..draft
        };
        assert!(
            global
                .docker_service_create(false)
                .contains("--mode global")
        );
        assert!(!global.docker_service_create(false).contains("--replicas"));
        assert!(
            !global
                .docker_service_create(false)
                .contains("--with-registry-auth")
        );
        assert!(
            global
                .docker_service_create(true)
                .starts_with("docker service create --with-registry-auth --name web")
        );
    }
}
