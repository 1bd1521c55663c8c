//! The operator guardrails by the docker CLI through the gateway: `docker create`, `exec`,
//! `build` and `volume create` are fenced as the UI's requests are, each refusal names the
//! setting, and once that setting allows it the command reaches the engine.

use serde_json::{Value, json};

use crate::guardrails::set_guardrails;
use crate::support::{Berth, TestContainer, docker, unique_name};

fn accepted(berth: &Berth, operation: &str) -> usize {
    let audit = berth.admin().get("/api/audit?limit=500").json();
    audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| {
            event["actor"] == "operator"
                && event["operation"] == operation
                && event["status"].as_u64().is_some_and(|status| status < 300)
        })
        .count()
}

#[test]
fn the_docker_cli_is_fenced_like_the_ui() {
    let berth = Berth::start();
    let (host, config) = berth.docker_cli_config(&berth.token_for("operator"));
    let sleeper = TestContainer::running("fence-cli");
    let context = tempfile::tempdir().unwrap();
    std::fs::write(
        context.path().join("Dockerfile"),
        "FROM busybox:latest\nRUN true\n",
    )
    .unwrap();
    let context_path = context.path().to_string_lossy().into_owned();
    let image = unique_name("fence-build");
    let volume = unique_name("fence-volume");
    let mut containers = Vec::new();
    // Containers are created, not run: the guardrails judge the create, and this engine's
    // sandbox cannot start privileged ones.
    let mut create = |flags: &[&str]| -> Vec<String> {
        let name = unique_name("fence-cli");
        let mut args = vec!["create".to_owned(), "--name".to_owned(), name.clone()];
        args.extend(flags.iter().map(|flag| (*flag).to_owned()));
        args.extend(["busybox:latest".to_owned(), "true".to_owned()]);
        containers.push(TestContainer { name });
        args
    };
    let strings =
        |args: &[&str]| -> Vec<String> { args.iter().map(|arg| (*arg).to_owned()).collect() };
    // Containers created with these flags: the refusal, and the settings that allow it.
    let creates: [(&[&str], &str, Value); 12] = [
        (
            &["--privileged"],
            "Berth refuses Privileged for operator 'operator' on environment 'local': an admin has not allowed privileged containers",
            json!({"privileged": true}),
        ),
        (
            &["-v", "/usr/share:/host-share"],
            "Berth refuses Binds /usr/share:/host-share",
            json!({"host_path_prefixes": ["/usr/share"]}),
        ),
        (
            &["--mount", "type=bind,source=/usr/share,target=/host-share"],
            "Berth refuses Mounts bind /usr/share",
            json!({"host_path_prefixes": ["/usr/share"]}),
        ),
        (
            &["--network", "host"],
            "Berth refuses NetworkMode host",
            json!({"host_network": true}),
        ),
        (
            &["--pid", "host"],
            "Berth refuses PidMode host",
            json!({"host_pid": true}),
        ),
        (
            &["--ipc", "host"],
            "Berth refuses IpcMode host",
            json!({"host_ipc": true}),
        ),
        (
            &["--uts", "host"],
            "Berth refuses UTSMode host",
            json!({"host_uts": true}),
        ),
        (
            &["--cap-add", "NET_ADMIN"],
            "Berth refuses CapAdd CAP_NET_ADMIN for operator 'operator' on environment 'local': an admin has not allowed adding NET_ADMIN",
            json!({"capabilities": ["NET_ADMIN"]}),
        ),
        (
            &["--device", "/dev/null:/dev/host-null"],
            "Berth refuses Devices",
            json!({"devices": true}),
        ),
        (
            &["--security-opt", "seccomp=unconfined"],
            "Berth refuses SecurityOpt seccomp=unconfined",
            json!({"unconfined": true}),
        ),
        (
            &["--security-opt", "systempaths=unconfined"],
            "Berth refuses MaskedPaths",
            json!({"unconfined": true}),
        ),
        (
            &["--sysctl", "net.ipv4.ip_forward=1"],
            "Berth refuses Sysctls net.ipv4.ip_forward",
            json!({"sysctls": true}),
        ),
    ];
    // Other commands: the arguments, the refusal, the settings that allow it, the operation the
    // engine then receives, and whether the command must succeed (a privileged exec cannot start
    // in this engine's sandbox, but it must reach the engine).
    let others: Vec<(Vec<String>, &str, Value, &str, bool)> = vec![
        (
            strings(&["exec", "--privileged", &sleeper.name, "true"]),
            "Berth refuses Privileged exec",
            json!({"privileged_exec": true}),
            "ContainerExec",
            false,
        ),
        (
            strings(&[
                "build",
                "--network",
                "host",
                "-q",
                "-t",
                &image,
                &context_path,
            ]),
            "Berth refuses build networkmode=host for operator 'operator' on environment 'local': an admin has not allowed builds on the host's network",
            json!({"build_host_network": true}),
            "ImageBuild",
            true,
        ),
        (
            strings(&[
                "volume",
                "create",
                "--opt",
                "type=none",
                "--opt",
                "o=bind",
                "--opt",
                "device=/usr/share",
                &volume,
            ]),
            "Berth refuses volume option device=/usr/share",
            json!({"host_path_prefixes": ["/usr/share"]}),
            "VolumeCreate",
            true,
        ),
    ];
    let mut cases: Vec<(Vec<String>, &str, Value, &str, bool)> = creates
        .into_iter()
        .map(|(flags, refusal, allow)| (create(flags), refusal, allow, "ContainerCreate", true))
        .collect();
    cases.extend(others);
    let docker_cli = |args: &[String]| {
        std::process::Command::new("docker")
            .args(args)
            .env("DOCKER_HOST", &host)
            .env("DOCKER_CONFIG", config.path())
            .env("DOCKER_BUILDKIT", "0")
            .output()
            .expect("the docker CLI runs")
    };
    for (args, refusal, allow, operation, must_succeed) in &cases {
        set_guardrails(&berth, &json!({}));
        let refused = docker_cli(args);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            !refused.status.success(),
            "docker {args:?} passed the defaults"
        );
        assert!(stderr.contains(refusal), "docker {args:?}: {stderr}");
        set_guardrails(&berth, allow);
        let before = accepted(&berth, operation);
        let allowed = docker_cli(args);
        let stderr = String::from_utf8_lossy(&allowed.stderr);
        assert!(
            allowed.status.success() || !must_succeed,
            "docker {args:?} with {allow}: {stderr}"
        );
        assert!(
            !stderr.contains("Berth"),
            "docker {args:?} with {allow}: {stderr}"
        );
        assert_eq!(
            accepted(&berth, operation),
            before + 1,
            "docker {args:?} with {allow} did not reach the engine"
        );
    }

    // The engine's socket stays out of reach, whatever the settings.
    set_guardrails(
        &berth,
        &json!({"host_path_prefixes": ["/"], "privileged": true}),
    );
    for mount in [
        "/var/run/docker.sock:/var/run/docker.sock",
        "/run/docker.sock:/s",
        "/:/host",
    ] {
        let output = docker_cli(&create(&["-v", mount]));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "-v {mount} passed");
        assert!(
            stderr.contains("which only admins may mount, whatever the settings"),
            "-v {mount}: {stderr}"
        );
    }
    drop(containers);
    let _ = std::process::Command::new("docker")
        .args(["rmi", "-f", &image])
        .env("DOCKER_HOST", crate::support::docker_host())
        .output();
    docker(&["volume", "rm", "-f", &volume]);
}
