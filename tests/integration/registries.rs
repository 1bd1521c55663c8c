//! Saved registries against Debian's `docker-registry`, run by `scripts/registry.sh` next to
//! the private engine: credentials are checked with `/auth`, sealed at rest, managed only by
//! admins, and lent to pulls and pushes as `X-Registry-Auth` by the gateway.

use std::process::Command;

use serde_json::json;

use crate::support::{Berth, docker, docker_host, unique_name};

/// `{}`, base64: the "no credentials" value push requires.
const EMPTY_AUTH: &str = "e30=";

/// The two local registries (open and with basic auth) and the auth one's credentials.
struct Registries {
    open: String,
    auth: String,
    user: String,
    password: String,
}

/// Starts (or finds) the registries next to the engine in `BERTH_TEST_DOCKER_HOST`.
fn registries() -> Registries {
    let host = docker_host();
    let engine = host
        .trim_start_matches("unix://")
        .rsplit('/')
        .nth(1)
        .expect("the engine socket is /run/berth-engines/NAME/docker.sock")
        .to_owned();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/registry.sh");
    let output = Command::new("bash")
        .args([script, "start", &engine])
        .output()
        .expect("scripts/registry.sh runs");
    assert!(
        output.status.success(),
        "scripts/registry.sh start {engine} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let value = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("export {name}=")))
            .unwrap_or_else(|| panic!("scripts/registry.sh printed no {name}: {text}"))
            .to_owned()
    };
    Registries {
        open: value("BERTH_TEST_REGISTRY"),
        auth: value("BERTH_TEST_REGISTRY_AUTH"),
        user: value("BERTH_TEST_REGISTRY_USER"),
        password: value("BERTH_TEST_REGISTRY_PASSWORD"),
    }
}

fn save(
    berth: &Berth,
    registries: &Registries,
    name: &str,
    password: &str,
) -> (u16, serde_json::Value) {
    let reply = berth.admin().post_json(
        "/api/registries",
        &json!({
            "name": name,
            "address": registries.auth,
            "username": registries.user,
            "password": password,
            "environment": "local",
        }),
    );
    let body = serde_json::from_str(&reply.body).unwrap_or(json!(reply.body));
    (reply.status, body)
}

#[test]
fn saved_credentials_are_checked_sealed_and_managed_by_admins_only() {
    let registries = registries();
    let berth = Berth::start();

    let (status, body) = save(&berth, &registries, "wrong", "not-the-password");
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("refused"),
        "{body}"
    );

    let (status, saved) = save(&berth, &registries, "local-auth", &registries.password);
    assert_eq!(status, 201, "{saved}");
    assert_eq!(saved["has_password"], true);
    assert!(!saved.to_string().contains(&registries.password));

    // Neither the database nor its write-ahead log holds the password in plain text.
    for file in ["berth.db", "berth.db-wal"] {
        let path = berth.data_dir().join(file);
        if let Ok(bytes) = std::fs::read(&path) {
            let needle = registries.password.as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|window| window == needle),
                "{file} holds the registry password in plain text"
            );
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(berth.data_dir().join("registry.key")).unwrap();
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
        assert_eq!(key.len(), 32);
    }

    let operator = berth.with_token(&berth.token_for("operator"));
    let listed = operator.get("/api/registries");
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()[0]["name"], "local-auth");
    assert!(!listed.body.contains(&registries.password));
    let denied = operator.post_json(
        "/api/registries",
        &json!({"name": "mine", "address": registries.open}),
    );
    assert_eq!(denied.status, 403, "{}", denied.body);
    let id = saved["id"].as_i64().unwrap();
    assert_eq!(
        operator.delete(&format!("/api/registries/{id}")).status,
        403
    );

    // Viewers may see the list but the policy still refuses them a pull, credentials or not.
    let viewer = berth.with_token(&berth.token_for("viewer"));
    let pull = viewer.request(
        "POST",
        &format!(
            "/engine/local/images/create?fromImage={}/x&tag=1",
            registries.auth
        ),
        &[("x-berth-registry", &id.to_string())],
        None,
    );
    assert_eq!(pull.status, 403, "{}", pull.body);

    // An update without a password keeps the sealed one, and is checked again.
    let renamed = berth.admin().request(
        "PUT",
        &format!("/api/registries/{id}"),
        &[("content-type", "application/json")],
        Some(
            &json!({"name": "renamed", "address": registries.auth, "username": registries.user,
                    "environment": "local"})
            .to_string(),
        ),
    );
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.json()["has_password"], true);
    assert_eq!(
        berth
            .admin()
            .delete(&format!("/api/registries/{id}"))
            .status,
        204
    );
    assert_eq!(
        berth
            .admin()
            .delete(&format!("/api/registries/{id}"))
            .status,
        404
    );
}

#[test]
fn the_gateway_lends_saved_credentials_to_push_and_pull() {
    let registries = registries();
    let berth = Berth::start();
    let (status, saved) = save(&berth, &registries, "pushes", &registries.password);
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_i64().unwrap().to_string();
    let operator = berth.with_token(&berth.token_for("operator"));
    let repository = format!("{}/{}", registries.auth, unique_name("push"));
    docker(&["tag", "busybox:latest", &format!("{repository}:1")]);

    // Without saved credentials the push carries empty ones (as the docker CLI does), and the
    // registry refuses it.
    let anonymous_push = operator.request(
        "POST",
        &format!("/engine/local/images/{repository}/push?tag=1"),
        &[("x-registry-auth", EMPTY_AUTH)],
        None,
    );
    assert_eq!(anonymous_push.status, 200, "{}", anonymous_push.body);
    assert!(
        anonymous_push.body.contains("errorDetail"),
        "the auth registry accepted a push without credentials: {}",
        anonymous_push.body
    );

    let push = operator.request(
        "POST",
        &format!("/engine/local/images/{repository}/push?tag=1"),
        &[("x-berth-registry", &id)],
        None,
    );
    assert_eq!(push.status, 200, "{}", push.body);
    assert!(!push.body.contains("errorDetail"), "{}", push.body);
    assert!(push.body.contains("digest: sha256:"), "{}", push.body);

    docker(&["rmi", &format!("{repository}:1")]);
    let pull = operator.request(
        "POST",
        &format!("/engine/local/images/create?fromImage={repository}&tag=1"),
        &[("x-berth-registry", &id)],
        None,
    );
    assert_eq!(pull.status, 200, "{}", pull.body);
    assert!(!pull.body.contains("errorDetail"), "{}", pull.body);
    assert!(
        !docker(&[
            "image",
            "inspect",
            "-f",
            "{{.Id}}",
            &format!("{repository}:1")
        ])
        .is_empty()
    );
    docker(&["rmi", &format!("{repository}:1")]);

    // The header is refused where it means nothing, and never reaches the engine.
    let misuse = operator.request(
        "GET",
        "/engine/local/containers/json",
        &[("x-berth-registry", &id)],
        None,
    );
    assert_eq!(misuse.status, 400, "{}", misuse.body);
    let unknown = operator.request(
        "POST",
        &format!("/engine/local/images/{repository}/push?tag=1"),
        &[("x-berth-registry", "999999")],
        None,
    );
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    // The open registry needs no credentials at all.
    let open = format!("{}/{}", registries.open, unique_name("open"));
    docker(&["tag", "busybox:latest", &format!("{open}:1")]);
    let push = operator.request(
        "POST",
        &format!("/engine/local/images/{open}/push?tag=1"),
        &[("x-registry-auth", EMPTY_AUTH)],
        None,
    );
    assert_eq!(push.status, 200, "{}", push.body);
    assert!(!push.body.contains("errorDetail"), "{}", push.body);
    docker(&["rmi", &format!("{open}:1")]);
}
