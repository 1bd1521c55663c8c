//! Managed plugins through the gateway, with the real test plugin (tests/plugin, built into
//! `target/test-plugin` by `scripts/test-plugin.sh`) pushed to the local registry: every plugin
//! operation is for admins only; an admin installs it with the privileges the engine asked for,
//! sets its env, enables it, serves a volume from it, is refused a disable while it is in use,
//! upgrades it to a second tag, pushes it and removes it; a changed privilege, a missing
//! reference and a binary that exits at once each leave nothing installed or enabled.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::registries::registries;
use crate::support::{Berth, Client, docker, unique_name};

/// `{}` in base64: no credentials, for the open registry.
const NO_AUTH: &str = "e30=";

/// The folders `docker plugin create` takes, v1 and v2.
pub(crate) fn plugin_dir() -> PathBuf {
    let dir = std::env::var_os("BERTH_TEST_PLUGIN_DIR").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../target/test-plugin"
            ))
        },
        PathBuf::from,
    );
    assert!(
        dir.join("v1/rootfs/driver").is_file(),
        "the test plugin is not built in {}: run scripts/test-plugin.sh (make test does)",
        dir.display()
    );
    dir
}

/// Plugins and volumes a test made, removed from the engine however the test ends.
#[derive(Default)]
struct Cleanup {
    plugins: Vec<String>,
    volumes: Vec<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let host = crate::support::docker_host();
        let run = |args: &[&str]| {
            let _ = std::process::Command::new("docker")
                .args(args)
                .env("DOCKER_HOST", &host)
                .env_remove("DOCKER_CONFIG")
                .output();
        };
        for volume in &self.volumes {
            run(&["volume", "rm", "-f", volume]);
        }
        for plugin in &self.plugins {
            run(&["plugin", "rm", "-f", plugin]);
        }
    }
}

/// Makes `{registry}/{repository}:{tag}` from the folder `version` and pushes it, leaving
/// nothing installed. Its config and root file system are made unique to `reference`: the
/// engine refuses to create a plugin whose blobs its content store already holds.
fn publish(reference: &str, version: &str) {
    let copy = tempfile::tempdir().expect("a temporary folder");
    let dir = copy.path().join(version);
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(plugin_dir().join(version))
        .arg(&dir)
        .status()
        .expect("cp runs");
    assert!(status.success(), "cp -a of the test plugin failed");
    std::fs::write(dir.join("rootfs/berth-test-id"), reference).expect("the id is written");
    let config = std::fs::read_to_string(dir.join("config.json")).expect("config.json");
    let config = config.replacen(
        "\"description\": \"",
        &format!("\"description\": \"{reference}: "),
        1,
    );
    std::fs::write(dir.join("config.json"), config).expect("config.json is written");
    docker(&["plugin", "create", reference, dir.to_str().expect("UTF-8")]);
    docker(&["plugin", "push", reference]);
    docker(&["plugin", "rm", "-f", reference]);
}

fn privileges(client: &Client, remote: &str) -> (u16, Value) {
    let reply = client.request(
        "GET",
        &format!("/engine/local/plugins/privileges?remote={remote}"),
        &[("x-registry-auth", NO_AUTH)],
        None,
    );
    let body = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply.status, body)
}

/// `POST /plugins/pull`, the status and the whole streamed body.
fn pull(client: &Client, remote: &str, alias: &str, privileges: &Value) -> (u16, String) {
    let reply = client.request(
        "POST",
        &format!("/engine/local/plugins/pull?remote={remote}&name={alias}"),
        &[
            ("x-registry-auth", NO_AUTH),
            ("content-type", "application/json"),
        ],
        Some(&privileges.to_string()),
    );
    (reply.status, reply.body)
}

fn installed(client: &Client, name: &str) -> Option<Value> {
    let reply = client.get(&format!("/engine/local/plugins/{name}/json"));
    (reply.status == 200).then(|| reply.json())
}

#[test]
fn an_admin_walks_a_plugin_through_every_operation() {
    let registry = registries().open;
    let repository = format!("{registry}/{}", unique_name("plugin"));
    let (v1, v2) = (
        format!("{repository}/driver:v1"),
        format!("{repository}/driver:v2"),
    );
    let mut cleanup = Cleanup::default();
    cleanup.plugins.extend([v1.clone(), v2.clone()]);
    publish(&v1, "v1");
    publish(&v2, "v2");
    let berth = Berth::start();
    let admin = berth.admin();

    // For a reference that does not exist, the engine lists no privileges (so the UI asks the
    // registry first: distribution inspect says it is unknown), and a pull is refused.
    let missing = format!("{repository}/missing:v1");
    let (status, body) = privileges(&admin, &missing);
    assert_eq!((status, body), (200, json!([])));
    let distribution = admin.request(
        "GET",
        &format!("/engine/local/distribution/{missing}/json"),
        &[("x-registry-auth", NO_AUTH)],
        None,
    );
    assert_eq!(distribution.status, 404, "{}", distribution.body);
    assert!(distribution.message().contains("manifest unknown"));
    let (status, body) = pull(&admin, &missing, &missing, &json!([]));
    assert!(
        status >= 400 || body.contains("errorDetail"),
        "{status} {body}"
    );
    assert!(
        installed(&admin, &missing).is_none(),
        "nothing half-installed"
    );

    let (status, asked) = privileges(&admin, &v1);
    assert_eq!(status, 200, "{asked}");
    assert_eq!(
        asked,
        json!([{"Name": "network", "Description": "permissions to access a network", "Value": ["host"]}])
    );
    let (status, asked_v2) = privileges(&admin, &v2);
    assert_eq!(status, 200, "{asked_v2}");
    assert_eq!(asked_v2.as_array().map(Vec::len), Some(2), "{asked_v2}");

    // Privileges other than the ones the engine finds are refused, and nothing is installed.
    let alias = format!("{repository}/installed:v1");
    cleanup.plugins.push(alias.clone());
    let (status, body) = pull(&admin, &v2, &alias, &asked);
    assert!(
        status >= 400 || body.contains("incorrect privileges"),
        "{status} {body}"
    );
    assert!(body.contains("incorrect privileges"), "{body}");
    assert!(
        installed(&admin, &alias).is_none(),
        "nothing half-installed"
    );

    // Operators and viewers may list and read, and do nothing else.
    for role in ["operator", "viewer"] {
        let client = berth.with_token(&berth.token_for(role));
        assert_eq!(client.get("/engine/local/plugins").status, 200, "{role}");
        let (status, body) = pull(&client, &v1, &alias, &asked);
        assert_eq!(status, 403, "{role}: {body}");
        assert!(installed(&admin, &alias).is_none(), "{role}");
    }

    // Install, set, enable.
    let (status, body) = pull(&admin, &v1, &alias, &asked);
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("errorDetail"), "{body}");
    let plugin = installed(&admin, &alias).expect("installed");
    assert_eq!(plugin["Enabled"], false);
    let set = admin.post_json(
        &format!("/engine/local/plugins/{alias}/set"),
        &json!(["GREETING=bonjour"]),
    );
    assert_eq!(set.status, 204, "{}", set.body);
    for role in ["operator", "viewer"] {
        let client = berth.with_token(&berth.token_for(role));
        for path in [
            format!("/engine/local/plugins/{alias}/enable"),
            format!("/engine/local/plugins/{alias}/set"),
            format!("/engine/local/plugins/{alias}/push"),
        ] {
            assert_eq!(client.post(&path).status, 403, "{role} {path}");
        }
        let removal = client.delete(&format!("/engine/local/plugins/{alias}?force=true"));
        assert_eq!(removal.status, 403, "{role}");
    }
    let enable = admin.post(&format!("/engine/local/plugins/{alias}/enable?timeout=15"));
    assert_eq!(enable.status, 200, "{}", enable.body);

    // A volume of its driver carries the env that was set; while it exists, a disable
    // without force is refused.
    let volume = unique_name("plugin-volume");
    cleanup.volumes.push(volume.clone());
    let created = admin.post_json(
        "/engine/local/volumes/create",
        &json!({"Name": volume, "Driver": alias}),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let inspected = admin.get(&format!("/engine/local/volumes/{volume}")).json();
    assert_eq!(inspected["Status"]["greeting"], "bonjour", "{inspected}");
    let disable = admin.post(&format!("/engine/local/plugins/{alias}/disable"));
    assert!(disable.status >= 400, "{}", disable.body);
    assert!(disable.message().contains("in use"), "{}", disable.body);
    assert_eq!(
        admin
            .delete(&format!("/engine/local/volumes/{volume}"))
            .status,
        204
    );
    let disable = admin.post(&format!("/engine/local/plugins/{alias}/disable"));
    assert_eq!(disable.status, 200, "{}", disable.body);

    // Upgrade to the second tag with its privileges, then push.
    let upgrade = admin.request(
        "POST",
        &format!("/engine/local/plugins/{alias}/upgrade?remote={v2}"),
        &[
            ("x-registry-auth", NO_AUTH),
            ("content-type", "application/json"),
        ],
        Some(&asked_v2.to_string()),
    );
    assert_eq!(upgrade.status, 200, "{}", upgrade.body);
    assert!(!upgrade.body.contains("errorDetail"), "{}", upgrade.body);
    let plugin = installed(&admin, &alias).expect("still installed");
    assert_eq!(plugin["PluginReference"], v2, "{plugin}");
    let push = admin.request(
        "POST",
        &format!("/engine/local/plugins/{alias}/push"),
        &[("x-registry-auth", NO_AUTH)],
        None,
    );
    assert_eq!(push.status, 200, "{}", push.body);
    assert!(!push.body.contains("errorDetail"), "{}", push.body);

    // A binary that exits at once: the enable fails with a reason, and it stays disabled.
    let set = admin.post_json(
        &format!("/engine/local/plugins/{alias}/set"),
        &json!(["EXIT_AT_ONCE=1"]),
    );
    assert_eq!(set.status, 204, "{}", set.body);
    let enable = admin.post(&format!("/engine/local/plugins/{alias}/enable?timeout=3"));
    assert!(enable.status >= 400, "{}", enable.body);
    assert!(!enable.message().is_empty());
    let plugin = installed(&admin, &alias).expect("still installed");
    assert_eq!(plugin["Enabled"], false, "{plugin}");

    let removal = admin.delete(&format!("/engine/local/plugins/{alias}?force=true"));
    assert_eq!(removal.status, 200, "{}", removal.body);
    assert!(installed(&admin, &alias).is_none());
}
