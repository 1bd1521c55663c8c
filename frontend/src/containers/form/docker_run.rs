//! The `docker run` command line that does what the form does, for users to copy.

use super::ContainerForm;
use super::parse::lines;
use crate::shell_words;

impl ContainerForm {
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
                args.push(shell_words::quote(value.trim()));
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
        let entrypoint = shell_words::split(&self.entrypoint).unwrap_or_default();
        let mut command = shell_words::split(&self.command).unwrap_or_default();
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
        args.push(shell_words::quote(self.image.trim()));
        args.extend(command.iter().map(|word| shell_words::quote(word)));
        args.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::containers::form::tests::full_form;

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
}
