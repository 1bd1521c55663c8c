//! The engine proxy at `/engine/{environment}/…`.

use std::process::Command;

use crate::support::{Berth, TestContainer, docker, docker_host, encode_query_value, unique_name};

#[test]
fn lists_a_container_started_on_the_engine() {
    let container = TestContainer::running("list");
    let berth = Berth::start();
    let reply = berth.admin().get("/engine/local/containers/json?all=1");
    assert_eq!(reply.status, 200);
    let rows: Vec<berth_shared::engine::container::ContainerSummary> =
        serde_json::from_str(&reply.body).expect("the shared model decodes the engine's list");
    let row = rows
        .iter()
        .find(|row| row.display_name() == container.name)
        .expect("the new container is listed");
    assert_eq!(row.state, "running");
    assert_eq!(
        reply.header("api-version"),
        Some(docker(&["version", "--format", "{{.Server.APIVersion}}"]).as_str())
    );
}

#[test]
fn passes_filters_and_explicit_versions_through() {
    let container = TestContainer::running("filter");
    let berth = Berth::start();
    let filter = format!("{{\"name\":[\"{}\"]}}", container.name);
    let encoded = encode_query_value(&filter);
    let reply = berth.admin().get(&format!(
        "/engine/local/v1.41/containers/json?filters={encoded}"
    ));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let rows = reply.json();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
}

#[test]
fn stops_and_starts_a_container() {
    let container = TestContainer::running("lifecycle");
    let berth = Berth::start();
    // Each action, and the state the engine then reports.
    for (action, state) in [("stop?t=0", "exited"), ("start", "running")] {
        let path = format!("/engine/local/containers/{}/{action}", container.name);
        let reply = berth.admin().post(&path);
        assert_eq!(reply.status, 204, "{action}: {}", reply.body);
        assert_eq!(
            docker(&["inspect", "-f", "{{.State.Status}}", &container.name]),
            state
        );
    }
}

#[test]
fn removes_a_container() {
    let name = unique_name("remove");
    docker(&["create", "--name", &name, "busybox:latest", "true"]);
    let berth = Berth::start();
    let reply = berth
        .admin()
        .delete(&format!("/engine/local/containers/{name}?force=true"));
    assert_eq!(reply.status, 204, "{}", reply.body);
    let inspect = Command::new("docker")
        .args(["inspect", &name])
        .env("DOCKER_HOST", docker_host())
        .output()
        .unwrap();
    assert!(!inspect.status.success(), "the container still exists");
}

#[test]
fn engine_errors_come_back_as_the_engine_sent_them() {
    let berth = Berth::start();
    let reply = berth
        .admin()
        .get("/engine/local/containers/berth-no-such-container/json");
    assert_eq!(reply.status, 404);
    let message = reply.message();
    assert!(message.contains("No such container"), "{message}");
}

#[test]
fn an_unknown_environment_is_a_json_404() {
    let berth = Berth::start();
    let reply = berth.admin().get("/engine/elsewhere/containers/json");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.message(), "no such environment: elsewhere");
}

#[test]
fn dot_segments_never_reach_the_engine() {
    let berth = Berth::start();
    let reply = berth
        .admin()
        .post("/engine/local/containers/x/%2E%2E/create");
    assert!(
        reply.status == 403 || reply.status == 404,
        "{} {}",
        reply.status,
        reply.body
    );
}

#[test]
fn the_docker_cli_works_through_the_gateway() {
    let container = TestContainer::running("cli");
    let berth = Berth::start();
    let (host, config) = berth.docker_cli_config(&berth.admin_token);
    let cli = |args: &[&str]| crate::support::docker_through(&host, config.path(), args);
    let names = cli(&["ps", "--format", "{{.Names}}"]);
    assert!(names.lines().any(|line| line == container.name), "{names}");
    let version = cli(&["version", "--format", "{{.Server.Version}}"]);
    assert_eq!(
        version,
        docker(&["version", "--format", "{{.Server.Version}}"])
    );
}

#[test]
fn a_legacy_link_is_removed_as_a_container_deletion() {
    let target = TestContainer::running("link-target");
    let name = unique_name("linked");
    docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "--link",
        &format!("{}:db", target.name),
        "busybox:latest",
        "sleep",
        "3600",
    ]);
    let _linked = TestContainer { name: name.clone() };
    let links = || docker(&["inspect", "-f", "{{json .HostConfig.Links}}", &name]);
    assert!(links().contains("/db"), "{}", links());
    let berth = Berth::start();
    let path = format!("/engine/local/containers/{name}/db?link=1");
    // Who asks, the status, and the start of the message when refused.
    let cases = [
        (
            "viewer",
            403,
            Some("Berth denies ContainerDelete to viewer 'viewer'"),
        ),
        ("operator", 204, None),
    ];
    for (role, status, message) in cases {
        let reply = berth.with_token(&berth.token_for(role)).delete(&path);
        assert_eq!(reply.status, status, "{role}: {}", reply.body);
        if let Some(message) = message {
            assert!(reply.message().starts_with(message), "{}", reply.body);
        }
    }
    assert!(!links().contains("/db"), "the link is gone: {}", links());
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Running}}", &name]),
        "true",
        "only the link was removed"
    );
}
