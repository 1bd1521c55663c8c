//! Swarm through the gateway, on the real swarm manager of `scripts/swarm.sh`: the docker CLI's
//! swarm commands (`node`, `service`, `stack deploy`) pass unchanged; the shared models read what
//! the engine answers; join tokens and the unlock key stay with admins; and what only admins
//! may do (init, join, leave, the unlock key, node changes) is refused to operators before it
//! reaches the engine.
//!
//! The browser tests make the manager leave and start its swarm again; these tests only need it
//! to be a manager, and make it one if it is not (they never make it leave).

use berth_shared::engine::lenient;
use berth_shared::engine::node::Node;
use berth_shared::engine::service::Service;
use berth_shared::engine::swarm::Swarm;
use berth_shared::engine::task::Task;

use crate::support::{Berth, docker_at, docker_through, docker_through_output, unique_name};

fn manager() -> (String, String) {
    let host = std::env::var("BERTH_TEST_SWARM_MANAGER")
        .expect("BERTH_TEST_SWARM_MANAGER is set: run the tests through `make test`");
    let address = std::env::var("BERTH_TEST_SWARM_MANAGER_ADDR")
        .expect("BERTH_TEST_SWARM_MANAGER_ADDR is set: run the tests through `make test`");
    (host, address)
}

/// The manager engine, a manager of some swarm.
fn swarm_manager() -> String {
    let (host, address) = manager();
    let state = docker_at(&host, &["info", "--format", "{{.Swarm.ControlAvailable}}"]);
    if state != "true" {
        // Another test may be forming it at the same moment: either way it ends up a manager.
        let _ = std::process::Command::new("docker")
            .args(["swarm", "init", "--advertise-addr", &address])
            .env("DOCKER_HOST", &host)
            .output();
        assert_eq!(
            docker_at(&host, &["info", "--format", "{{.Swarm.ControlAvailable}}"]),
            "true"
        );
    }
    host
}

/// Removes a service when the test ends, however it ends.
struct ServiceGuard {
    host: String,
    name: String,
}

impl Drop for ServiceGuard {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker")
            .args(["service", "rm", &self.name])
            .env("DOCKER_HOST", &self.host)
            .output();
    }
}

#[test]
fn the_docker_cli_runs_services_and_stacks_through_the_gateway() {
    let host = swarm_manager();
    let berth = Berth::start_with_engine(&host);
    let (gateway, config) = berth.docker_cli_config(&berth.token_for("operator"));
    let config = config.path();

    let nodes = docker_through(
        &gateway,
        config,
        &["node", "ls", "--format", "{{.Hostname}}"],
    );
    assert!(nodes.lines().any(|name| name == "swarma"), "{nodes}");

    let name = unique_name("svc");
    let _guard = ServiceGuard {
        host: host.clone(),
        name: name.clone(),
    };
    docker_through(
        &gateway,
        config,
        &[
            "service",
            "create",
            "--detach",
            "--no-resolve-image",
            "--name",
            &name,
            "--replicas",
            "2",
            "--label",
            "berth.test=yes",
            "busybox:latest",
            "sleep",
            "3600",
        ],
    );
    let listed = docker_through(
        &gateway,
        config,
        &["service", "ls", "--format", "{{.Name}} {{.Mode}}"],
    );
    assert!(
        listed
            .lines()
            .any(|line| line == format!("{name} replicated")),
        "{listed}"
    );
    docker_through(
        &gateway,
        config,
        &["service", "scale", "--detach", &format!("{name}=3")],
    );
    let replicas = docker_at(
        &host,
        &[
            "service",
            "inspect",
            &name,
            "--format",
            "{{.Spec.Mode.Replicated.Replicas}}",
        ],
    );
    assert_eq!(replicas, "3");
    let tasks = docker_through(
        &gateway,
        config,
        &["service", "ps", &name, "--format", "{{.Name}}"],
    );
    assert_eq!(tasks.lines().count(), 3, "{tasks}");

    // A stack: a compose file deployed as services of one namespace, then removed.
    let stack = unique_name("stack").replace('-', "");
    let stack = &stack[stack.len().saturating_sub(20)..];
    let compose = tempfile::tempdir().expect("temp dir");
    let file = compose.path().join("compose.yml");
    std::fs::write(
        &file,
        "version: \"3.8\"\nservices:\n  web:\n    image: busybox:latest\n    command: [\"sleep\", \"3600\"]\n    deploy:\n      replicas: 1\n",
    )
    .expect("write compose.yml");
    let deployed = docker_through_output(
        &gateway,
        config,
        &[
            "stack",
            "deploy",
            "--resolve-image",
            "never",
            "-c",
            file.to_str().unwrap(),
            stack,
        ],
    );
    assert!(
        deployed.status.success(),
        "{}",
        String::from_utf8_lossy(&deployed.stderr)
    );
    let services = docker_at(&host, &["service", "ls", "--format", "{{.Name}}"]);
    assert!(
        services.lines().any(|line| line == format!("{stack}_web")),
        "{services}"
    );
    docker_through(&gateway, config, &["stack", "rm", stack]);
    let services = docker_at(&host, &["service", "ls", "--format", "{{.Name}}"]);
    assert!(
        !services.lines().any(|line| line == format!("{stack}_web")),
        "{services}"
    );
}

#[test]
fn the_models_read_the_swarm_and_tokens_stay_with_admins() {
    let host = swarm_manager();
    let berth = Berth::start_with_engine(&host);
    let name = unique_name("model");
    let _guard = ServiceGuard {
        host: host.clone(),
        name: name.clone(),
    };
    docker_at(
        &host,
        &[
            "service",
            "create",
            "--detach",
            "--no-resolve-image",
            "--name",
            &name,
            "busybox:latest",
            "sleep",
            "3600",
        ],
    );

    let admin = berth.admin().get("/engine/local/swarm");
    assert_eq!(admin.status, 200, "{}", admin.body);
    let swarm: Swarm = lenient::from_str(&admin.body).expect("the swarm decodes");
    assert!(
        swarm.join_tokens.worker.starts_with("SWMTKN-1-"),
        "{}",
        admin.body
    );

    for role in ["operator", "viewer"] {
        let client = berth.with_token(&berth.token_for(role));
        let reply = client.get("/engine/local/swarm");
        assert_eq!(reply.status, 200, "{role}: {}", reply.body);
        assert!(
            !reply.body.contains("SWMTKN-"),
            "{role} sees a join token: {}",
            reply.body
        );
        let unlock = client.get("/engine/local/swarm/unlockkey");
        assert_eq!(unlock.status, 403, "{role}: {}", unlock.body);
        // Membership and node changes are the admins'; the engine never hears of them.
        for (path, body) in [
            (
                "/engine/local/swarm/leave?force=true",
                serde_json::json!({}),
            ),
            (
                "/engine/local/swarm/init",
                serde_json::json!({"ListenAddr": "0.0.0.0:2377"}),
            ),
            (
                "/engine/local/swarm/join",
                serde_json::json!({"RemoteAddrs": ["10.0.0.1:2377"], "JoinToken": "x"}),
            ),
        ] {
            let refused = client.post_json(path, &body);
            assert_eq!(refused.status, 403, "{role} {path}: {}", refused.body);
        }
        let node = &docker_at(&host, &["info", "--format", "{{.Swarm.NodeID}}"]);
        let refused = client.post_json(
            &format!("/engine/local/nodes/{node}/update?version=1"),
            &serde_json::json!({"Role": "worker", "Availability": "drain"}),
        );
        assert_eq!(refused.status, 403, "{role}: {}", refused.body);
    }
    assert_eq!(
        docker_at(&host, &["info", "--format", "{{.Swarm.ControlAvailable}}"]),
        "true"
    );

    let viewer = berth.with_token(&berth.token_for("viewer"));
    let nodes: Vec<Node> =
        lenient::from_str(&viewer.get("/engine/local/nodes").body).expect("nodes decode");
    assert!(
        nodes
            .iter()
            .any(|node| node.description.hostname == "swarma" && node.is_manager())
    );
    let services: Vec<Service> =
        lenient::from_str(&viewer.get("/engine/local/services?status=true").body)
            .expect("services decode");
    let service = services
        .iter()
        .find(|service| service.spec.name == name)
        .expect("the service is listed");
    assert_eq!(service.spec.mode.replicas(), Some(1));
    assert_eq!(
        service.service_status.map(|status| status.desired_tasks),
        Some(1)
    );
    let filter = crate::support::encode_query_value(&format!("{{\"service\":[\"{name}\"]}}"));
    let tasks: Vec<Task> = lenient::from_str(
        &viewer
            .get(&format!("/engine/local/tasks?filters={filter}"))
            .body,
    )
    .expect("tasks decode");
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].service_id, service.id);
}
