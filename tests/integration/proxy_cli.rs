//! The docker CLI, unchanged, through Berth's gateway (`DOCKER_HOST=tcp://…/engine/local` and a
//! bearer token in its config): every group of commands runs against the private engine on its
//! unix socket, again against an engine on TCP+TLS with client certificates, and again against
//! an engine reachable only over SSH, added as a stored environment (`/engine/ssh`).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::{Berth, another_ca, sleeper_args, tls_engine, unique_name};

/// The docker CLI pointed at one Berth, and what it created, removed when dropped.
struct Cli {
    /// Kept running while the CLI uses it; dropped after the clean-up below.
    _berth: Berth,
    host: String,
    config: tempfile::TempDir,
    containers: std::cell::RefCell<Vec<String>>,
    images: std::cell::RefCell<Vec<String>>,
}

impl Cli {
    /// Berth in front of the private engine's unix socket.
    fn unix() -> Self {
        Self::new(Berth::start())
    }

    /// Berth in front of the TCP+TLS engine that `make test` starts (`scripts/engine.sh start
    /// tls --tls`), verified with the engine's CA and authenticated with a client certificate.
    fn tls() -> Self {
        let (host, certs) = tls_engine();
        Self::new(Berth::start_with_engine_args(
            &host,
            &[
                "--docker-tls-verify",
                "1",
                "--docker-cert-path",
                certs.to_str().expect("a UTF-8 path"),
            ],
        ))
    }

    /// Berth with the SSH engine that `make test` starts (`scripts/engine.sh start ssh --ssh`)
    /// added as environment `ssh`, the CLI pointed at `/engine/ssh`.
    fn ssh() -> Self {
        let berth = Berth::start();
        crate::ssh::serve_ssh(&berth, "ssh");
        Self::new_for(berth, "ssh")
    }

    fn new(berth: Berth) -> Self {
        Self::new_for(berth, "local")
    }

    fn new_for(berth: Berth, environment: &str) -> Self {
        let (host, config) = berth.docker_cli_config_for(&berth.admin_token, environment);
        Self {
            _berth: berth,
            host,
            config,
            containers: Default::default(),
            images: Default::default(),
        }
    }

    /// The docker CLI with this gateway as its engine.
    fn command(&self) -> Command {
        let mut command = Command::new("docker");
        command
            .env("DOCKER_HOST", &self.host)
            .env("DOCKER_CONFIG", self.config.path())
            .env("DOCKER_BUILDKIT", "0")
            .env_remove("DOCKER_TLS_VERIFY")
            .env_remove("DOCKER_CERT_PATH")
            .env_remove("DOCKER_CONTEXT");
        command
    }

    /// Runs a command, failing the test when it fails, and returns its trimmed stdout.
    fn run(&self, args: &[&str]) -> String {
        let output = self.output(args, None);
        assert!(
            output.status.success(),
            "docker {args:?} through Berth failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Runs a command with `stdin` piped in and then closed, returning its output whatever
    /// the status.
    fn output(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        self.output_with(args, stdin, true)
    }

    /// Runs a command with `stdin` piped in; the pipe is closed right after it (`close`) or
    /// only once the command has ended.
    fn output_with(&self, args: &[&str], stdin: Option<&[u8]>, close: bool) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the docker CLI runs");
        let mut pipe = child.stdin.take();
        if let (Some(pipe), Some(input)) = (pipe.as_mut(), stdin) {
            pipe.write_all(input).expect("write stdin");
        }
        if close {
            drop(pipe.take());
        }
        let output = child.wait_with_output().expect("the docker CLI ends");
        drop(pipe);
        output
    }

    /// Runs `docker ARGS` on a pseudo-terminal (util-linux `script`), typing `input` into it and
    /// keeping the terminal open until the command ends; returns its exit code and output.
    fn on_terminal(&self, args: &[&str], input: &str) -> (i32, String) {
        let command_line = std::iter::once("docker")
            .chain(args.iter().copied())
            .map(|arg| format!("'{}'", arg.replace('\'', r"'\''")))
            .collect::<Vec<_>>()
            .join(" ");
        let mut script = Command::new("timeout");
        script
            .args(["120", "script", "-qec", &command_line, "/dev/null"])
            .env("DOCKER_HOST", &self.host)
            .env("DOCKER_CONFIG", self.config.path())
            .env_remove("DOCKER_TLS_VERIFY")
            .env_remove("DOCKER_CERT_PATH")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = script.spawn().expect("script runs");
        let mut terminal = child.stdin.take().expect("stdin");
        terminal.write_all(input.as_bytes()).expect("type");
        // The terminal stays open (no EOF typed) until the command has ended on its own.
        let output = child.wait_with_output().expect("script ends");
        drop(terminal);
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    }

    /// A unique container name, removed with `rm -f` at the end.
    fn container(&self, prefix: &str) -> String {
        let name = unique_name(prefix);
        self.containers.borrow_mut().push(name.clone());
        name
    }

    /// A unique image reference, removed at the end.
    fn image(&self, prefix: &str) -> String {
        let name = format!("{}:1", unique_name(prefix));
        self.images.borrow_mut().push(name.clone());
        name
    }

    /// A running container that sleeps.
    fn sleeper(&self, prefix: &str) -> String {
        let name = self.container(prefix);
        self.run(&sleeper_args(&name));
        name
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        for name in self.containers.borrow().iter() {
            let _ = self.command().args(["rm", "-f", "-v", name]).output();
        }
        for image in self.images.borrow().iter() {
            let _ = self.command().args(["rmi", "-f", image]).output();
        }
    }
}

fn system(cli: &Cli) {
    let version = cli.run(&["version", "--format", "{{.Server.Version}}"]);
    assert!(!version.is_empty());
    assert_eq!(
        cli.run(&["info", "--format", "{{.ServerVersion}}"]),
        version
    );
    let running = cli.sleeper("ps");
    let names = cli.run(&["ps", "--format", "{{.Names}}"]);
    assert!(names.lines().any(|line| line == running), "{names}");
    let df = cli.run(&["system", "df"]);
    assert!(df.starts_with("TYPE"), "{df}");
}

fn run_and_wait(cli: &Cli) {
    assert_eq!(
        cli.run(&["run", "--rm", "busybox:latest", "echo", "removed after"]),
        "removed after"
    );
    let detached = cli.container("run-d");
    let id = cli.run(&[
        "run",
        "-d",
        "--name",
        &detached,
        "busybox:latest",
        "sh",
        "-c",
        "exit 4",
    ]);
    assert_eq!(id.len(), 64, "{id}");
    assert_eq!(cli.run(&["wait", &detached]), "4");
    let failing = cli.output(
        &["run", "--rm", "busybox:latest", "sh", "-c", "exit 3"],
        None,
    );
    assert_eq!(failing.status.code(), Some(3));
}

fn terminals(cli: &Cli) {
    let (code, output) = cli.on_terminal(
        &[
            "run",
            "--rm",
            "-it",
            "busybox:latest",
            "sh",
            "-c",
            "tty; read answer; echo answer-$answer; exit 7",
        ],
        "forty-two\n",
    );
    assert_eq!(code, 7, "{output}");
    assert!(output.contains("/dev/pts/"), "{output}");
    assert!(output.contains("answer-forty-two"), "{output}");

    let running = cli.sleeper("exec-it");
    let (code, output) = cli.on_terminal(
        &["exec", "-it", &running, "sh"],
        "echo marker-$((6*7))\nexit 6\n",
    );
    assert_eq!(code, 6, "{output}");
    assert!(output.contains("marker-42"), "{output}");
}

fn exec(cli: &Cli) {
    let running = cli.sleeper("exec");
    assert_eq!(
        cli.run(&["exec", &running, "sh", "-c", "echo out; echo err >&2"]),
        "out"
    );
    let failed = cli.output(&["exec", &running, "sh", "-c", "exit 5"], None);
    assert_eq!(failed.status.code(), Some(5));
    // stdin piped: its end reaches the process, whose later output still arrives.
    let piped = cli.output(
        &["exec", "-i", &running, "sh", "-c", "wc -l; echo after-eof"],
        Some(b"one\ntwo\nthree\n"),
    );
    assert!(piped.status.success(), "{piped:?}");
    assert_eq!(String::from_utf8_lossy(&piped.stdout), "3\nafter-eof\n");
}

fn logs_and_attach(cli: &Cli) {
    let talker = cli.container("logs");
    cli.run(&[
        "run",
        "-d",
        "--name",
        &talker,
        "busybox:latest",
        "sh",
        "-c",
        "echo one; sleep 1; echo two",
    ]);
    // Follows until the container exits.
    assert_eq!(cli.run(&["logs", "-f", &talker]), "one\ntwo");

    let listener = cli.container("attach");
    cli.run(&[
        "run",
        "-d",
        "-i",
        "--name",
        &listener,
        "busybox:latest",
        "sh",
        "-c",
        "read line; echo got-$line",
    ]);
    // stdin stays open: the engine ends a (not stdin-once) attach's output when its stdin ends.
    let attached = cli.output_with(&["attach", &listener], Some(b"ping\n"), false);
    assert!(attached.status.success(), "{attached:?}");
    assert_eq!(String::from_utf8_lossy(&attached.stdout), "got-ping\n");
}

fn files(cli: &Cli) {
    let running = cli.sleeper("files");
    let dir = tempfile::tempdir().expect("temp dir");
    let local = dir.path().join("note.txt");
    std::fs::write(&local, "from the host\n").unwrap();
    cli.run(&[
        "cp",
        local.to_str().unwrap(),
        &format!("{running}:/tmp/note.txt"),
    ]);
    assert_eq!(
        cli.run(&["exec", &running, "cat", "/tmp/note.txt"]),
        "from the host"
    );
    let copied_out = dir.path().join("passwd");
    cli.run(&[
        "cp",
        &format!("{running}:/etc/passwd"),
        copied_out.to_str().unwrap(),
    ]);
    assert!(
        std::fs::read_to_string(&copied_out)
            .unwrap()
            .starts_with("root:")
    );
    let diff = cli.run(&["diff", &running]);
    assert!(diff.lines().any(|line| line == "A /tmp/note.txt"), "{diff}");

    let archive = dir.path().join("export.tar");
    cli.run(&["export", "-o", archive.to_str().unwrap(), &running]);
    assert_tar_contains(&archive, "tmp/note.txt");
}

fn lifecycle(cli: &Cli) {
    let running = cli.sleeper("lifecycle");
    let renamed = cli.container("renamed");
    cli.run(&["rename", &running, &renamed]);
    let status = |name: &str| cli.run(&["inspect", "-f", "{{.State.Status}}", name]);
    cli.run(&["pause", &renamed]);
    assert_eq!(status(&renamed), "paused");
    cli.run(&["unpause", &renamed]);
    assert_eq!(status(&renamed), "running");
    cli.run(&[
        "update",
        "--memory",
        "64m",
        "--memory-swap",
        "128m",
        &renamed,
    ]);
    assert_eq!(
        cli.run(&["inspect", "-f", "{{.HostConfig.Memory}}", &renamed]),
        "67108864"
    );
    let top = cli.run(&["top", &renamed]);
    assert!(top.contains("sleep 3600"), "{top}");
    assert_eq!(
        cli.run(&["stats", "--no-stream", "--format", "{{.Name}}", &renamed]),
        renamed
    );
    let committed = cli.image("commit");
    cli.run(&["commit", &renamed, &committed]);
    assert_eq!(
        cli.run(&["image", "inspect", "-f", "{{.Config.Cmd}}", &committed]),
        "[sleep 3600]"
    );
}

fn images(cli: &Cli) {
    let context = tempfile::tempdir().expect("temp dir");
    std::fs::write(context.path().join("greeting"), "hello from the context\n").unwrap();
    std::fs::write(
        context.path().join("Dockerfile"),
        "FROM busybox:latest\nCOPY greeting /greeting\nRUN cat /greeting > /copied\n",
    )
    .unwrap();
    let built = cli.image("build");
    cli.run(&["build", "-t", &built, context.path().to_str().unwrap()]);
    assert_eq!(
        cli.run(&["run", "--rm", &built, "cat", "/copied"]),
        "hello from the context"
    );
    let history = cli.run(&[
        "history",
        "--no-trunc",
        "--format",
        "{{.CreatedBy}}",
        &built,
    ]);
    assert!(history.contains("COPY"), "{history}");

    let tagged = cli.image("tag");
    cli.run(&["tag", &built, &tagged]);
    let untagged = cli.run(&["rmi", &tagged]);
    assert!(
        untagged.contains(&format!("Untagged: {tagged}")),
        "{untagged}"
    );

    // save | load, piped as people type it.
    let output = Command::new("sh")
        .args(["-c", &format!("docker save {built} | docker load")])
        .env("DOCKER_HOST", &cli.host)
        .env("DOCKER_CONFIG", cli.config.path())
        .env_remove("DOCKER_TLS_VERIFY")
        .output()
        .expect("sh runs");
    assert!(output.status.success(), "{output:?}");
    let loaded = String::from_utf8_lossy(&output.stdout);
    assert!(
        loaded.contains(&format!("Loaded image: {built}")),
        "{loaded}"
    );
}

fn events(cli: &Cli) {
    let since = unix_time();
    let name = cli.container("events");
    cli.run(&["create", "--name", &name, "busybox:latest", "true"]);
    cli.run(&["rm", &name]);
    let until = unix_time();
    let actions = cli.run(&[
        "events",
        "--since",
        &since,
        "--until",
        &until,
        "--filter",
        &format!("container={name}"),
        "--format",
        "{{.Action}}",
    ]);
    assert_eq!(actions, "create\ndestroy");
}

fn networks_volumes_and_prune(cli: &Cli) {
    let label = format!("berth.test={}", unique_name("prune"));
    let running = cli.sleeper("net");
    let network = unique_name("net");
    cli.run(&["network", "create", "--label", &label, &network]);
    cli.run(&["network", "connect", &network, &running]);
    let networks = cli.run(&[
        "inspect",
        "-f",
        "{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}",
        &running,
    ]);
    assert!(
        networks.split_whitespace().any(|n| n == network),
        "{networks}"
    );
    cli.run(&["network", "disconnect", &network, &running]);
    let pruned = cli.run(&[
        "network",
        "prune",
        "-f",
        "--filter",
        &format!("label={label}"),
    ]);
    assert!(pruned.contains(&network), "{pruned}");

    let volume = unique_name("vol");
    cli.run(&["volume", "create", "--label", &label, &volume]);
    let listed = cli.run(&["volume", "ls", "-q", "--filter", &format!("label={label}")]);
    assert_eq!(listed, volume);
    cli.run(&["volume", "rm", &volume]);

    let stopped = cli.container("prune");
    let id = cli.run(&[
        "create",
        "--label",
        &label,
        "--name",
        &stopped,
        "busybox:latest",
        "true",
    ]);
    let pruned = cli.run(&[
        "container",
        "prune",
        "-f",
        "--filter",
        &format!("label={label}"),
    ]);
    assert!(pruned.contains(&id), "{pruned}");
}

/// Seconds since the epoch, with nanoseconds, as `docker events` takes them.
fn unix_time() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    format!("{}.{:09}", now.as_secs(), now.subsec_nanos())
}

fn assert_tar_contains(archive: &Path, entry: &str) {
    let listing = Command::new("tar")
        .arg("-tf")
        .arg(archive)
        .output()
        .expect("tar runs");
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(
        listing
            .lines()
            .any(|line| line.trim_start_matches("./") == entry),
        "{entry} is not in the export"
    );
}

/// Each group of commands as a test against each engine.
macro_rules! on_every_engine {
    ($($group:ident),* $(,)?) => {
        mod unix_socket {
            $(#[test] fn $group() { super::$group(&super::Cli::unix()); })*
        }
        mod tcp_tls {
            $(#[test] fn $group() { super::$group(&super::Cli::tls()); })*
        }
        mod ssh {
            $(#[test] fn $group() { super::$group(&super::Cli::ssh()); })*
        }
    };
}

on_every_engine!(
    system,
    run_and_wait,
    terminals,
    exec,
    logs_and_attach,
    files,
    lifecycle,
    images,
    events,
    networks_volumes_and_prune,
);

/// An engine whose certificate the configured CA did not sign is unreachable, with the reason.
#[test]
fn a_tls_engine_signed_by_another_ca_is_refused() {
    let (host, certs) = tls_engine();
    let other = tempfile::tempdir().expect("temp dir");
    another_ca(other.path());
    for file in ["cert.pem", "key.pem"] {
        std::fs::copy(certs.join(file), other.path().join(file)).expect("copy");
    }
    let berth = Berth::start_with_engine_args(
        &host,
        &[
            "--docker-tls-verify",
            "1",
            "--docker-cert-path",
            other.path().to_str().unwrap(),
        ],
    );
    let local = berth.admin().get("/api/health").json()["environments"][0].clone();
    assert_eq!(local["reachable"], false, "{local}");
    let error = local["error"].as_str().unwrap_or_default().to_lowercase();
    assert!(error.contains("certificate"), "{local}");
    assert_eq!(berth.admin().get("/engine/local/_ping").status, 502);
}
