//! Swarm secrets and configs against a real manager (`BERTH_TEST_SWARM_MANAGER`), through the
//! gateway and the rotate endpoint: the whole life of each, config data kept from viewers, a
//! rotation that moves a service to the new config and is audited, and a secret in use that
//! the engine refuses to remove.
//!
//! Other tests make the manager leave its swarm, so each test here makes it a single-node
//! manager when it is not one, and never makes it leave.

use serde_json::{Value, json};

use crate::support::{Berth, Client, audit, docker_at, unique_name};

/// What the gateway puts where config data was, base64-encoded as the data is.
const REDACTED_DATA: &str = "PHJlZGFjdGVkIGJ5IEJlcnRoPg==";

/// The manager engine, an active swarm manager from here on.
pub(crate) fn manager() -> String {
    let host = std::env::var("BERTH_TEST_SWARM_MANAGER").expect(
        "BERTH_TEST_SWARM_MANAGER names the swarm's manager engine: run `bash scripts/swarm.sh start` \
         and export what `bash scripts/swarm.sh env` prints",
    );
    let state = docker_at(
        &host,
        &[
            "info",
            "--format",
            "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}",
        ],
    );
    if state != "active true" {
        let address = std::env::var("BERTH_TEST_SWARM_MANAGER_ADDR")
            .expect("BERTH_TEST_SWARM_MANAGER_ADDR is the manager's address");
        docker_at(&host, &["swarm", "init", "--advertise-addr", &address]);
    }
    host
}

/// A service on the manager, removed when dropped.
struct TestService {
    host: String,
    name: String,
}

impl TestService {
    /// A service running busybox with `extra` options (`--secret`, `--config`).
    fn new(host: &str, extra: &[&str]) -> Self {
        let name = unique_name("svc");
        let mut args = vec![
            "service",
            "create",
            "--detach",
            "--no-resolve-image",
            "--name",
            &name,
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["busybox:latest", "sleep", "3600"]);
        docker_at(host, &args);
        Self {
            host: host.to_owned(),
            name,
        }
    }
}

impl Drop for TestService {
    fn drop(&mut self) {
        docker_at(&self.host, &["service", "rm", &self.name]);
    }
}

fn data(text: &str) -> String {
    berth_shared::engine::secret::encode_data(text.as_bytes())
}

/// Creates `kind` (`secrets` or `configs`) through the gateway and returns its id.
fn create(client: &Client, kind: &str, name: &str, text: &str) -> String {
    let body = json!({"Name": name, "Labels": {"team": "infra"}, "Data": data(text)});
    let reply = client.post_json(&format!("/engine/local/{kind}/create"), &body);
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["ID"].as_str().expect("an id").to_owned()
}

/// Relabels an object through the gateway at its current version.
fn relabel(client: &Client, kind: &str, id: &str, labels: Value) -> u16 {
    let found = client.get(&format!("/engine/local/{kind}/{id}")).json();
    let version = found["Version"]["Index"].as_u64().expect("a version");
    let mut spec = found["Spec"].clone();
    spec["Labels"] = labels;
    let path = format!("/engine/local/{kind}/{id}/update?version={version}");
    client.post_json(&path, &spec).status
}

#[test]
fn secrets_are_created_listed_relabelled_and_removed_but_never_read() {
    let host = manager();
    let berth = Berth::start_with_engine(&host);
    let operator = berth.with_token(&berth.token_for("operator"));
    let viewer = berth.with_token(&berth.token_for("viewer"));
    let name = unique_name("secret");
    let id = create(&operator, "secrets", &name, "hunter2");

    let listed = viewer.get("/engine/local/secrets");
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(listed.body.contains(&name) && !listed.body.contains(&data("hunter2")));
    let inspected = operator.get(&format!("/engine/local/secrets/{id}"));
    assert_eq!(inspected.json()["Spec"]["Labels"]["team"], "infra");
    assert!(
        inspected.json()["Spec"].get("Data").is_none(),
        "{}",
        inspected.body
    );

    let refused = viewer.post_json(
        "/engine/local/secrets/create",
        &json!({"Name": "x", "Data": ""}),
    );
    assert_eq!(refused.status, 403, "{}", refused.body);
    let mut spec = inspected.json()["Spec"].clone();
    spec["Labels"] = json!({"team": "db"});
    let version = inspected.json()["Version"]["Index"]
        .as_u64()
        .expect("a version");
    let by_viewer = viewer.post_json(
        &format!("/engine/local/secrets/{id}/update?version={version}"),
        &spec,
    );
    assert_eq!(by_viewer.status, 403, "{}", by_viewer.body);
    assert_eq!(
        relabel(&operator, "secrets", &id, json!({"team": "db"})),
        200
    );
    let relabelled = operator.get(&format!("/engine/local/secrets/{id}")).json();
    assert_eq!(relabelled["Spec"]["Labels"], json!({"team": "db"}));

    assert_eq!(
        viewer.delete(&format!("/engine/local/secrets/{id}")).status,
        403
    );
    let removed = operator.delete(&format!("/engine/local/secrets/{id}"));
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert_eq!(
        operator.get(&format!("/engine/local/secrets/{id}")).status,
        404
    );
}

#[test]
fn config_data_reaches_operators_and_never_viewers() {
    let host = manager();
    let berth = Berth::start_with_engine(&host);
    let operator = berth.with_token(&berth.token_for("operator"));
    let viewer = berth.with_token(&berth.token_for("viewer"));
    let name = unique_name("config");
    let text = "password = s3cr3t\n";
    let id = create(&operator, "configs", &name, text);

    let read = operator.get(&format!("/engine/local/configs/{id}")).json();
    assert_eq!(read["Spec"]["Data"], data(text));
    let redacted = viewer.get(&format!("/engine/local/configs/{id}"));
    assert_eq!(redacted.status, 200, "{}", redacted.body);
    assert_eq!(redacted.json()["Spec"]["Data"], REDACTED_DATA);
    let listed = viewer.get("/engine/local/configs");
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(!listed.body.contains(&data(text)), "{}", listed.body);
    let ours = listed.json();
    let ours = ours
        .as_array()
        .expect("a list")
        .iter()
        .find(|config| config["ID"] == id.as_str())
        .expect("the config is listed")
        .clone();
    assert_eq!(ours["Spec"]["Data"], REDACTED_DATA);
    let admin_list = berth.admin().get("/engine/local/configs");
    assert!(
        admin_list.body.contains(&data(text)),
        "admins read the data"
    );

    assert_eq!(
        relabel(&operator, "configs", &id, json!({"app": "web"})),
        200
    );
    let removed = operator.delete(&format!("/engine/local/configs/{id}"));
    assert_eq!(removed.status, 204, "{}", removed.body);
}

#[test]
fn rotating_a_config_moves_its_services_to_the_new_one_and_is_audited() {
    let host = manager();
    let berth = Berth::start_with_engine(&host);
    let operator = berth.with_token(&berth.token_for("operator"));
    let viewer = berth.with_token(&berth.token_for("viewer"));
    let name = unique_name("rotated");
    let old = create(&operator, "configs", &name, "v1\n");
    let target = format!("source={name},target=/etc/app.conf,uid=5,gid=6,mode=0440");
    let service = TestService::new(&host, &["--config", &target]);
    let new_name = format!("{name}-v2");
    let body = json!({"name": new_name, "data": data("v2\n"), "labels": {"version": "2"}});
    let path = format!("/api/env/local/configs/{old}/rotate");

    let refused = viewer.post_json(&path, &body);
    assert_eq!(refused.status, 403, "{}", refused.body);
    let reply = operator.post_json(&path, &body);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let rotated = reply.json();
    let new = rotated["config"]
        .as_str()
        .expect("the new config's id")
        .to_owned();
    assert_eq!(rotated["name"], new_name.as_str());
    assert_eq!(
        rotated["services"],
        json!([{
            "id": rotated["services"][0]["id"], "name": service.name, "error": null
        }])
    );

    let spec = operator
        .get(&format!("/engine/local/services/{}", service.name))
        .json();
    let configs = &spec["Spec"]["TaskTemplate"]["ContainerSpec"]["Configs"];
    assert_eq!(configs.as_array().map(Vec::len), Some(1), "{configs}");
    assert_eq!(configs[0]["ConfigID"], new.as_str());
    assert_eq!(configs[0]["ConfigName"], new_name.as_str());
    assert_eq!(
        configs[0]["File"],
        json!({"Name": "/etc/app.conf", "UID": "5", "GID": "6", "Mode": 0o440})
    );
    let new_data = operator.get(&format!("/engine/local/configs/{new}")).json();
    assert_eq!(new_data["Spec"]["Data"], data("v2\n"));
    assert_eq!(new_data["Spec"]["Labels"], json!({"version": "2"}));

    let records = audit(&berth, "operation=ConfigRotate");
    assert_eq!(records.len(), 1, "{records:?}");
    let detail = records[0]["detail"].as_str().unwrap_or_default();
    for named in [
        name.as_str(),
        old.as_str(),
        new_name.as_str(),
        service.name.as_str(),
        new.as_str(),
    ] {
        assert!(detail.contains(named), "the record names {named}: {detail}");
    }
    assert_eq!(records[0]["status"], 200);
    assert_eq!(records[0]["actor"], "operator");

    // The old one is no longer in use, so it can go.
    let removed = operator.delete(&format!("/engine/local/configs/{old}"));
    assert_eq!(removed.status, 204, "{}", removed.body);
    drop(service);
    assert_eq!(
        operator
            .delete(&format!("/engine/local/configs/{new}"))
            .status,
        204
    );
}

#[test]
fn a_secret_in_use_is_not_removed() {
    let host = manager();
    let berth = Berth::start_with_engine(&host);
    let operator = berth.with_token(&berth.token_for("operator"));
    let name = unique_name("used");
    let id = create(&operator, "secrets", &name, "pw");
    let service = TestService::new(&host, &["--secret", &name]);

    let refused = operator.delete(&format!("/engine/local/secrets/{id}"));
    assert!(refused.status >= 400, "{}", refused.body);
    assert!(refused.message().contains("in use"), "{}", refused.body);
    assert_eq!(
        operator.get(&format!("/engine/local/secrets/{id}")).status,
        200
    );

    drop(service);
    let removed = operator.delete(&format!("/engine/local/secrets/{id}"));
    assert_eq!(removed.status, 204, "{}", removed.body);
}
