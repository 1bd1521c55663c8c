//! Access per environment against the real engine, with a second stored environment, `twin`,
//! on the primary engine's socket: a user who is a viewer globally but an operator in `twin`
//! starts a container there and not on `local`; with `none` an environment is a 404 from the
//! gateway and the terminal and absent from health; removing the grant gives the global role
//! back; lowering a grant ends the user's streams in that environment and no others.

use std::time::Duration;

use berth_shared::access::Role;
use berth_shared::api::Health;
use serde_json::json;
use tokio_tungstenite::tungstenite::Error as WsError;

use crate::abuse::{authority, closed_within, raw};
use crate::support::{
    Berth, berth_command, docker, docker_host, provision, succeeded, unique_name, wait_for,
};
use crate::terminal::{connect_in, error_within, exec, open, runtime, started};

/// The id of the second environment.
const TWIN: &str = "twin";

/// Serves against the primary engine with `twin`, a stored environment on the same socket.
fn berth_with_twin() -> Berth {
    let berth = Berth::start();
    let host = docker_host();
    berth_cli(
        &berth,
        &["environment", "add", "--name", TWIN, "--docker-host", &host],
    );
    wait_for(|| (berth.admin().get("/engine/twin/_ping").status == 200).then_some(()));
    berth
}

/// `berth ARGS` on `berth`'s data directory, which must succeed.
fn berth_cli(berth: &Berth, args: &[&str]) -> String {
    let output = berth_command(berth.data_dir())
        .args(args)
        .output()
        .expect("berth runs");
    String::from_utf8_lossy(&succeeded(output, &args.join(" ")).stdout).into_owned()
}

/// `berth user grant` of `role` in `twin` for `name`, which must succeed.
fn grant_cli(berth: &Berth, name: &str, role: &str) -> String {
    let args = [
        "user",
        "grant",
        "--username",
        name,
        "--environment",
        TWIN,
        "--role",
        role,
    ];
    berth_cli(berth, &args)
}

/// A new user of global `role` and a token of theirs.
fn user(berth: &Berth, role: &str) -> (String, String) {
    let name = unique_name(role).replace('-', "_");
    let token = provision(berth.data_dir(), &name, role);
    (name, token)
}

/// The environments `token`'s user sees in health, with their role in each.
fn visible(berth: &Berth, token: &str) -> Vec<(String, Option<Role>)> {
    let health = berth.with_token(token).get("/api/health");
    assert_eq!(health.status, 200, "{}", health.body);
    let health: Health = serde_json::from_str(&health.body).expect("a health answer");
    health
        .environments
        .into_iter()
        .map(|env| (env.id, env.role))
        .collect()
}

/// A container created on the primary engine but not started, removed when dropped.
struct Created(String);

impl Created {
    fn new(prefix: &str) -> Self {
        let name = unique_name(prefix);
        docker(&["create", "--name", &name, "busybox:latest", "sleep", "3600"]);
        Self(name)
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker")
            .args(["rm", "-f", &self.0])
            .env("DOCKER_HOST", docker_host())
            .output();
    }
}

#[test]
fn a_viewer_who_operates_one_environment_starts_containers_there_only() {
    let berth = berth_with_twin();
    let (name, token) = user(&berth, "viewer");
    let said = grant_cli(&berth, &name, "operator");
    assert!(
        said.contains(&format!("{name} is operator in environment twin")),
        "{said}"
    );
    let listed = berth_cli(&berth, &["user", "list"]);
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with(&name) && line.ends_with("twin=operator")),
        "{listed}"
    );
    assert_eq!(
        visible(&berth, &token),
        vec![
            ("local".to_owned(), Some(Role::Viewer)),
            (TWIN.to_owned(), Some(Role::Operator))
        ]
    );

    let container = Created::new("grant-start");
    let client = berth.with_token(&token);
    let start = |environment: &str| {
        client.post(&format!(
            "/engine/{environment}/v1.41/containers/{}/start",
            container.0
        ))
    };
    let on_local = start("local");
    assert_eq!(on_local.status, 403, "{}", on_local.body);
    let on_twin = start(TWIN);
    assert_eq!(on_twin.status, 204, "{}", on_twin.body);
    let running = docker(&["inspect", "-f", "{{.State.Running}}", &container.0]);
    assert_eq!(running, "true");
    // The docker CLI with the same token: the same answers.
    let (host, config) = berth.docker_cli_config_for(&token, TWIN);
    let stopped = crate::support::docker_through_output(
        &host,
        config.path(),
        &["stop", "-t", "0", &container.0],
    );
    assert!(
        stopped.status.success(),
        "{}",
        String::from_utf8_lossy(&stopped.stderr)
    );

    // Removing the grant gives the global role back, at once.
    let said = berth_cli(
        &berth,
        &["user", "revoke", "--username", &name, "--environment", TWIN],
    );
    assert!(said.contains("global role (viewer)"), "{said}");
    let again = start(TWIN);
    assert_eq!(again.status, 403, "{}", again.body);
    assert_eq!(
        visible(&berth, &token),
        vec![
            ("local".to_owned(), Some(Role::Viewer)),
            (TWIN.to_owned(), Some(Role::Viewer))
        ]
    );

    // Every grant change is in the audit log, naming the user and the environment.
    let records = crate::support::audit(&berth, "operation=UserGrant");
    assert!(
        records.iter().any(|record| record["environment"] == TWIN
            && record["target"] == format!("{name}: role operator")
            && record["source"] == "cli"),
        "{records:?}"
    );
    let records = crate::support::audit(&berth, "operation=UserGrantRemove");
    assert!(
        records.iter().any(|record| record["environment"] == TWIN
            && record["target"] == format!("{name}: global role (viewer)")),
        "{records:?}"
    );
    // A grant needs an environment that exists.
    let output = berth_command(berth.data_dir())
        .args([
            "user",
            "grant",
            "--username",
            &name,
            "--environment",
            "nowhere",
            "--role",
            "viewer",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("no such environment: nowhere"),
        "{output:?}"
    );
}

#[test]
fn an_environment_without_access_is_a_404_from_the_gateway_and_the_terminal() {
    let berth = berth_with_twin();
    let (name, token) = user(&berth, "operator");
    grant_cli(&berth, &name, "none");
    assert_eq!(
        visible(&berth, &token),
        vec![("local".to_owned(), Some(Role::Operator))]
    );
    assert!(
        visible(&berth, &berth.admin_token)
            .iter()
            .any(|(id, _)| id == TWIN)
    );

    let client = berth.with_token(&token);
    let hidden = client.get("/engine/twin/v1.41/containers/json");
    let missing = client.get("/engine/nowhere/v1.41/containers/json");
    assert_eq!(hidden.status, 404, "{}", hidden.body);
    assert_eq!(hidden.message(), "no such environment: twin");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.message(), "no such environment: nowhere");
    let (host, config) = berth.docker_cli_config_for(&token, TWIN);
    let ps = crate::support::docker_through_output(&host, config.path(), &["ps"]);
    assert!(!ps.status.success());
    assert!(
        String::from_utf8_lossy(&ps.stderr).contains("no such environment: twin"),
        "{ps:?}"
    );

    let bearer = format!("Bearer {token}");
    runtime().block_on(async {
        let origin = Some(berth.base.as_str());
        for environment in [TWIN, "nowhere"] {
            match connect_in(&berth, environment, &[("authorization", &bearer)], origin).await {
                Err(WsError::Http(response)) => assert_eq!(response.status(), 404, "{environment}"),
                Err(other) => panic!("unexpected error: {other}"),
                Ok(_) => panic!("the terminal of {environment} opened"),
            }
        }
        assert!(
            connect_in(&berth, "local", &[("authorization", &bearer)], origin)
                .await
                .is_ok()
        );
    });

    berth_cli(
        &berth,
        &["user", "revoke", "--username", &name, "--environment", TWIN],
    );
    assert_eq!(
        visible(&berth, &token),
        vec![
            ("local".to_owned(), Some(Role::Operator)),
            (TWIN.to_owned(), Some(Role::Operator))
        ]
    );
    assert_eq!(client.get("/engine/twin/v1.41/containers/json").status, 200);
}

#[test]
fn lowering_a_grant_ends_the_streams_in_its_environment_only() {
    let berth = berth_with_twin();
    let container = crate::support::TestContainer::running("grant-streams");
    let (name, token) = user(&berth, "viewer");
    let users = berth.admin().get("/api/users");
    let id = users
        .json()
        .as_array()
        .into_iter()
        .flatten()
        .find(|user| user["username"] == name.as_str())
        .and_then(|user| user["id"].as_i64())
        .expect("the user is listed");
    let grant = |role: &str| {
        let reply = berth.admin().send_json(
            "PUT",
            &format!("/api/users/{id}/grants/twin"),
            &json!({"role": role}),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    };
    let host = authority(&berth);
    let bearer = format!("Bearer {token}");
    let events = |environment: &str| {
        let (status, _, stream) = raw(
            &berth,
            "GET",
            &format!("/engine/{environment}/events"),
            &[("host", &host), ("authorization", &bearer)],
            None,
        );
        assert_eq!(status, 200, "{environment}");
        stream
    };

    // Lowered by the command line: the server's once-a-second check ends twin's stream.
    grant("operator");
    let mut on_local = events("local");
    let mut on_twin = events(TWIN);
    grant_cli(&berth, &name, "viewer");
    assert!(
        closed_within(&mut on_twin, Duration::from_secs(5)),
        "twin's stream went on"
    );

    // Changed through the API: a terminal in twin ends at once, as does its event stream.
    grant("operator");
    let mut on_twin = events(TWIN);
    let message = runtime().block_on(async {
        let origin = Some(berth.base.as_str());
        let mut socket = connect_in(&berth, TWIN, &[("authorization", &bearer)], origin)
            .await
            .expect("an operator in twin opens a terminal");
        open(&mut socket, &container.name, exec(&["sh"], true)).await;
        started(&mut socket).await;
        grant("viewer");
        error_within(&mut socket, Duration::from_secs(5))
            .await
            .unwrap_or_default()
    });
    assert!(message.contains("terminal was closed"), "{message:?}");
    assert!(
        closed_within(&mut on_twin, Duration::from_secs(5)),
        "twin's stream went on"
    );
    // The stream on local, where nothing changed, is still open.
    assert!(
        !closed_within(&mut on_local, Duration::from_secs(2)),
        "local's stream ended"
    );
}
