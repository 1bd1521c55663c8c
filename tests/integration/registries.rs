//! Saved registries against Debian's `docker-registry`, run by `scripts/registry.sh` next to
//! the private engine: credentials are checked with `/auth`, sealed at rest, managed only by
//! admins, and lent to pulls, pushes and swarm services as `X-Registry-Auth` by the gateway.

use std::process::Command;

use serde_json::json;

use crate::support::{Berth, Client, docker, docker_at, docker_host, succeeded, unique_name};
use crate::swarm_objects::manager;

/// `{}`, base64: the "no credentials" value push requires.
const EMPTY_AUTH: &str = "e30=";

/// The two local registries (open and with basic auth) and the auth one's credentials.
pub(crate) struct Registries {
    /// The open registry's address, such as `127.0.0.1:5050`.
    pub(crate) open: String,
    /// The address of the registry that wants basic auth.
    pub(crate) auth: String,
    user: String,
    /// The auth registry's password.
    pub(crate) password: String,
}

/// Starts (or finds) the registries next to the engine in `BERTH_TEST_DOCKER_HOST`.
pub(crate) fn registries() -> Registries {
    registries_at(&docker_host())
}

/// Starts (or finds) the registries next to the engine at `host`, a private engine's socket.
fn registries_at(host: &str) -> Registries {
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
    let output = succeeded(output, &format!("scripts/registry.sh start {engine}"));
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

/// Saves the auth registry in `berth` as `name`, with `password`; the status and the body.
pub(crate) fn save(
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

/// Sends `POST /engine/local<path>` for `image` (`repository:tag`, which `path` gets as
/// `{repository}` and `{tag}`) with saved registry `id`'s credentials, and asserts that the
/// engine's progress stream ends without an error; returns that stream.
fn with_saved(client: &Client, path: &str, image: &str, id: &str) -> String {
    let (repository, tag) = image.rsplit_once(':').expect("an image with a tag");
    let path = path
        .replace("{repository}", repository)
        .replace("{tag}", tag);
    let reply = client.request(
        "POST",
        &format!("/engine/local{path}"),
        &[("x-berth-registry", id)],
        None,
    );
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    assert!(
        !reply.body.contains("errorDetail"),
        "{path}: {}",
        reply.body
    );
    reply.body
}

/// Pushes `image` (`repository:tag`) through the gateway with saved registry `id`'s
/// credentials, and asserts that the registry took it.
pub(crate) fn push_with_saved(client: &Client, image: &str, id: &str) {
    let body = with_saved(client, "/images/{repository}/push?tag={tag}", image, id);
    assert!(body.contains("digest: sha256:"), "{body}");
}

/// Pulls `image` (`repository:tag`) through the gateway with saved registry `id`'s
/// credentials, and asserts that the engine then has it.
pub(crate) fn pull_with_saved(client: &Client, image: &str, id: &str) {
    with_saved(
        client,
        "/images/create?fromImage={repository}&tag={tag}",
        image,
        id,
    );
    assert!(!docker(&["image", "inspect", "-f", "{{.Id}}", image]).is_empty());
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
    let renamed = berth.admin().send_json(
        "PUT",
        &format!("/api/registries/{id}"),
        &json!({"name": "renamed", "address": registries.auth, "username": registries.user,
                    "environment": "local"}),
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

    let image = format!("{repository}:1");
    push_with_saved(&operator, &image, &id);
    docker(&["rmi", &image]);
    pull_with_saved(&operator, &image, &id);
    docker(&["rmi", &image]);

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

/// A saved registry's credentials go only to that registry, and never on a viewer's behalf:
/// each row is who asks, the request, the status, and words of the message.
#[test]
fn saved_credentials_go_only_to_their_own_registry() {
    let registries = registries();
    let berth = Berth::start();
    let (status, saved) = save(&berth, &registries, "only-here", &registries.password);
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_i64().unwrap().to_string();
    let elsewhere = "127.0.0.1:1";
    let mismatch = format!("the saved registry 'only-here' is for {}", registries.auth);
    let cases: Vec<(&str, &str, String, u16, String)> = vec![
        (
            "viewer",
            "GET",
            format!("/distribution/{elsewhere}/berth/x/json"),
            403,
            "Berth lends saved registry credentials only to roles that may pull and push".into(),
        ),
        (
            "viewer",
            "GET",
            format!("/distribution/{}/berth/x/json", registries.auth),
            403,
            "viewer 'viewer' may only read".into(),
        ),
        (
            "operator",
            "GET",
            format!("/distribution/{elsewhere}/berth/x/json"),
            400,
            format!("{mismatch}, but {elsewhere}/berth/x is on {elsewhere}"),
        ),
        (
            "operator",
            "POST",
            format!("/images/create?fromImage={elsewhere}/berth/x&tag=1"),
            400,
            mismatch.clone(),
        ),
        (
            "operator",
            "POST",
            "/images/create?fromImage=Elsewhere/x&tag=1".to_owned(),
            400,
            "is on elsewhere".into(),
        ),
        (
            "operator",
            "POST",
            "/images/create?fromImage=busybox&tag=latest".to_owned(),
            400,
            "busybox is on docker.io".into(),
        ),
        (
            "operator",
            "POST",
            format!(
                "/images/create?fromImage={}/x&fromImage={elsewhere}/x",
                registries.auth
            ),
            400,
            "give fromImage at most once".into(),
        ),
        (
            "operator",
            "POST",
            "/images/create?fromSrc=-".to_owned(),
            400,
            "ImageCreate takes saved credentials only with fromImage".into(),
        ),
        (
            "operator",
            "POST",
            format!("/images/{elsewhere}/berth/x/push?tag=1"),
            400,
            mismatch.clone(),
        ),
        (
            "admin",
            "POST",
            format!("/plugins/pull?remote={elsewhere}/berth/plugin"),
            400,
            mismatch.clone(),
        ),
        (
            "admin",
            "POST",
            format!("/plugins/berth-none/upgrade?remote={elsewhere}/berth/plugin"),
            400,
            mismatch.clone(),
        ),
        (
            "admin",
            "POST",
            format!("/plugins/{elsewhere}/berth/plugin/push"),
            400,
            mismatch,
        ),
    ];
    for (role, method, path, status, words) in cases {
        let client = if role == "admin" {
            berth.admin()
        } else {
            berth.with_token(&berth.token_for(role))
        };
        let reply = client.request(
            method,
            &format!("/engine/local{path}"),
            &[("x-berth-registry", &id)],
            None,
        );
        assert_eq!(
            reply.status, status,
            "{role} {method} {path}: {}",
            reply.body
        );
        let message = reply.message();
        assert!(
            message.contains(&words),
            "{role} {method} {path}: {message}"
        );
    }

    // The matching registry is lent its credentials: the engine asks it about the image.
    let repository = format!("{}/{}", registries.auth, unique_name("inspect"));
    docker(&["tag", "busybox:latest", &format!("{repository}:1")]);
    push_with_saved(
        &berth.with_token(&berth.token_for("operator")),
        &format!("{repository}:1"),
        &id,
    );
    docker(&["rmi", &format!("{repository}:1")]);
    let inspected = berth.with_token(&berth.token_for("operator")).request(
        "GET",
        &format!("/engine/local/distribution/{repository}:1/json"),
        &[("x-berth-registry", &id)],
        None,
    );
    assert_eq!(inspected.status, 200, "{}", inspected.body);
    assert!(inspected.json()["Descriptor"]["digest"].is_string());
}

#[test]
fn moving_a_saved_registry_drops_its_password() {
    let registries = registries();
    let berth = Berth::start();
    let (status, saved) = save(&berth, &registries, "moving", &registries.password);
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_i64().unwrap();
    let update = |body: serde_json::Value| {
        berth
            .admin()
            .send_json("PUT", &format!("/api/registries/{id}"), &body)
    };
    // A new address with the user but no new password: the stored one is not sent there.
    let moved = update(json!({"name": "moving", "address": registries.open,
                              "username": registries.user, "environment": "local"}));
    assert_eq!(moved.status, 400, "{}", moved.body);
    let message = moved.message();
    assert!(
        message.contains(&format!(
            "the address changed from {} to {}",
            registries.auth, registries.open
        )) && message.contains("give the password"),
        "{message}"
    );
    // A new address for anonymous access: saved, and the old password is gone.
    let anonymous = update(json!({"name": "moving", "address": registries.open,
                                  "username": "", "environment": "local"}));
    assert_eq!(anonymous.status, 200, "{}", anonymous.body);
    assert_eq!(
        anonymous.json()["has_password"],
        false,
        "{}",
        anonymous.body
    );
    // Back at the first address, the old password is not restored: it must be given again.
    let back = update(json!({"name": "moving", "address": registries.auth,
                             "username": registries.user, "environment": "local"}));
    assert_eq!(back.status, 400, "{}", back.body);
    let again = update(json!({"name": "moving", "address": registries.auth,
                              "username": registries.user, "password": registries.password,
                              "environment": "local"}));
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["has_password"], true);
}

/// The state and error of the service's tasks, once one is running or has given up.
fn settled_tasks(client: &Client, service: &str) -> Vec<(String, String)> {
    let filters = crate::support::encode_query_value(&json!({"service": [service]}).to_string());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let tasks = client
            .get(&format!("/engine/local/tasks?filters={filters}"))
            .json();
        let states: Vec<(String, String)> = tasks
            .as_array()
            .expect("a task list")
            .iter()
            .map(|task| {
                let state = task["Status"]["State"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let error = task["Status"]["Err"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                (state, error)
            })
            .collect();
        let settled = states
            .iter()
            .any(|(state, _)| matches!(state.as_str(), "running" | "rejected" | "failed"));
        if settled || std::time::Instant::now() > deadline {
            return states;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// A service spec that runs `image` on the manager (whose registries these are).
fn service_spec(name: &str, image: &str) -> serde_json::Value {
    json!({
        "Name": name,
        "TaskTemplate": {
            "ContainerSpec": {"Image": image, "Args": ["sleep", "3600"]},
            "Placement": {"Constraints": ["node.role==manager"]},
            "RestartPolicy": {"Condition": "none"},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
    })
}

#[test]
fn a_swarm_service_pulls_its_private_image_with_saved_credentials() {
    let host = manager();
    let registries = registries_at(&host);
    let berth = Berth::start_with_engine(&host);
    let (status, saved) = save(&berth, &registries, "services", &registries.password);
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_i64().unwrap().to_string();
    let operator = berth.with_token(&berth.token_for("operator"));
    let image = format!("{}/{}:1", registries.auth, unique_name("svc-image"));
    docker_at(&host, &["tag", "busybox:latest", &image]);
    push_with_saved(&operator, &image, &id);
    // The node must pull it, so the engine holds no copy of its own.
    docker_at(&host, &["rmi", &image]);

    // Credentials for another registry are refused before anything is created.
    let elsewhere = format!("{}/x:1", registries.open);
    let misdirected = operator.request(
        "POST",
        "/engine/local/services/create",
        &[
            ("x-berth-registry", &id),
            ("content-type", "application/json"),
        ],
        Some(&service_spec(&unique_name("svc"), &elsewhere).to_string()),
    );
    assert_eq!(misdirected.status, 400, "{}", misdirected.body);
    assert!(
        misdirected.message().contains("only to their own registry"),
        "{}",
        misdirected.body
    );

    // Without credentials the node cannot pull the image, and its task never runs.
    let bare = unique_name("svc-bare");
    let created = operator.post_json(
        "/engine/local/services/create",
        &service_spec(&bare, &image),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let tasks = settled_tasks(&operator, &bare);
    docker_at(&host, &["service", "rm", &bare]);
    assert!(
        tasks.iter().all(|(state, _)| state != "running"),
        "a task ran without the registry's credentials: {tasks:?}"
    );

    // With the saved registry, the manager pulls it and the task runs.
    let lent = unique_name("svc-lent");
    let created = operator.request(
        "POST",
        "/engine/local/services/create",
        &[
            ("x-berth-registry", &id),
            ("content-type", "application/json"),
        ],
        Some(&service_spec(&lent, &image).to_string()),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let tasks = settled_tasks(&operator, &lent);
    docker_at(&host, &["service", "rm", &lent]);
    assert!(
        tasks.iter().any(|(state, _)| state == "running"),
        "the task did not run with the saved credentials: {tasks:?}"
    );
}
