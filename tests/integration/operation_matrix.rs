//! The operation matrix against the real engine: every operation of the Engine API spec needs
//! credentials, viewers may only read, operators are refused only the admin operations, and
//! path-normalisation bypasses are refused before the engine.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{Berth, Client, Reply, docker};

/// Every operation of the spec: method, path template, operationId.
fn spec_operations() -> Vec<(String, String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../reference/engine-api-v1.51.yaml"
    );
    let text = std::fs::read_to_string(path).expect("the vendored spec exists");
    let spec: Value = serde_yaml_ng::from_str(&text).expect("the spec is YAML");
    let mut operations = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                operations.push((method.to_uppercase(), template.clone(), id.to_owned()));
            }
        }
    }
    assert!(
        operations.len() > 100,
        "the spec has {} operations",
        operations.len()
    );
    operations
}

/// A concrete path for a template, naming objects that do not exist, so reads fail harmlessly
/// at the engine; streaming reads are bounded so they end at once.
fn concrete(template: &str) -> String {
    let name = if template.starts_with("/distribution/") {
        "127.0.0.1:1/berth/none"
    } else {
        "berth-matrix-none"
    };
    let path = template
        .replace("{id}", "berth-matrix-none")
        .replace("{name}", name);
    match template {
        "/events" => format!("{path}?since=0&until=1"),
        _ => path,
    }
}

/// What the issue says a viewer may not do: anything that changes state, exec and attach,
/// archive and export downloads, and the swarm unlock key.
fn viewer_denied(method: &str, id: &str) -> bool {
    let reads_that_leak = [
        "ContainerExport",
        "ContainerArchive",
        "ImageGet",
        "ImageGetAll",
        "ContainerAttachWebsocket",
        "SwarmUnlockkey",
    ];
    let read_only_posts = ["ContainerWait"];
    reads_that_leak.contains(&id)
        || (!matches!(method, "GET" | "HEAD") && !read_only_posts.contains(&id))
}

/// What only admins may do: swarm membership and unlocking, node administration, plugins.
fn admin_only(id: &str) -> bool {
    let swarm = [
        "SwarmInit",
        "SwarmJoin",
        "SwarmLeave",
        "SwarmUpdate",
        "SwarmUnlock",
        "SwarmUnlockkey",
        "NodeUpdate",
        "NodeDelete",
    ];
    swarm.contains(&id)
        || (id.starts_with("Plugin") && !matches!(id, "PluginList" | "PluginInspect"))
}

fn call(client: &Client, method: &str, template: &str) -> Reply {
    client.request(
        method,
        &format!("/engine/local{}", concrete(template)),
        &[],
        None,
    )
}

#[test]
fn every_operation_of_the_spec_needs_credentials() {
    let berth = Berth::start();
    let anonymous = berth.anonymous();
    for (method, template, id) in spec_operations() {
        let reply = call(&anonymous, &method, &template);
        assert_eq!(
            reply.status, 401,
            "{id} {method} {template} without credentials: {}",
            reply.body
        );
        if method != "HEAD" {
            assert!(reply.message().contains("requires authentication"), "{id}");
        }
    }
}

#[test]
fn viewers_may_read_everything_and_change_nothing() {
    let berth = Berth::start();
    let viewer = berth.with_token(&berth.token_for("viewer"));
    for (method, template, id) in spec_operations() {
        let reply = call(&viewer, &method, &template);
        if viewer_denied(&method, &id) {
            assert_eq!(
                reply.status, 403,
                "viewer {id} {method} {template}: {}",
                reply.body
            );
            let message = reply.message();
            assert!(
                message.contains(&format!("Berth denies {id} to viewer 'viewer'")),
                "{message}"
            );
        } else {
            assert!(
                reply.status != 401 && reply.status != 403,
                "viewer read {id} {method} {template} was refused: {} {}",
                reply.status,
                reply.body
            );
        }
    }
}

#[test]
fn operators_are_refused_only_the_admin_operations() {
    let berth = Berth::start();
    let operator = berth.with_token(&berth.token_for("operator"));
    let mut refused = BTreeSet::new();
    for (method, template, id) in spec_operations()
        .into_iter()
        .filter(|(_, _, id)| admin_only(id))
    {
        let reply = call(&operator, &method, &template);
        assert_eq!(reply.status, 403, "operator {id}: {}", reply.body);
        assert!(
            reply
                .message()
                .contains(&format!("Berth denies {id} to operator")),
            "{}",
            reply.body
        );
        refused.insert(id);
    }
    assert!(
        refused.contains("SwarmInit") && refused.contains("PluginPull"),
        "{refused:?}"
    );
    // Reads and workload operations stay open to operators.
    assert_eq!(operator.get("/engine/local/containers/json").status, 200);
    assert_eq!(
        operator
            .post("/engine/local/containers/berth-matrix-none/start")
            .status,
        404
    );
}

#[test]
fn normalisation_bypasses_are_refused_before_the_engine() {
    let berth = Berth::start();
    let admin = berth.admin();
    for path in [
        "/engine/local/containers/x/../create",
        "/engine/local/containers/x/%2e%2e/create",
        "/engine/local/containers%2Fcreate",
        "/engine/local//containers/create",
        "/engine/local/containers/create;name=x",
        "/engine/local/V1.41/containers/create",
        "/engine/local/v1.41/v1.41/containers/create",
    ] {
        let reply = admin.request(
            "POST",
            path,
            &[("content-type", "application/json")],
            Some(r#"{"Image":"busybox:latest"}"#),
        );
        assert_eq!(reply.status, 403, "{path}: {}", reply.body);
        assert!(reply.message().starts_with("Berth "), "{}", reply.body);
    }
    let mine = docker(&["ps", "-aq", "--filter", "label=berth.bypass"]);
    assert!(mine.is_empty());
}
