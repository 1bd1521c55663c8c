//! Saved registries against Debian's `docker-registry`, run by `scripts/registry.sh` next to
//! the private engine: credentials are checked with `/auth`, sealed at rest, managed only by
//! admins, and lent to pulls and pushes as `X-Registry-Auth` by the gateway.

use std::process::Command;

use serde_json::json;

use crate::support::{Berth, docker, docker_host, succeeded, unique_name};

/// `{}`, base64: the "no credentials" value push requires.
const EMPTY_AUTH: &str = "e30=";

/// The two local registries (open and with basic auth) and the auth one's credentials.
pub(crate) struct Registries {
    /// The open registry's address, such as `127.0.0.1:5050`.
    pub(crate) open: String,
    auth: String,
    user: String,
    password: String,
}

/// Starts (or finds) the registries next to the engine in `BERTH_TEST_DOCKER_HOST`.
pub(crate) fn registries() -> Registries {
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
    let pushed = berth.with_token(&berth.token_for("operator")).request(
        "POST",
        &format!("/engine/local/images/{repository}/push?tag=1"),
        &[("x-berth-registry", &id)],
        None,
    );
    assert!(pushed.body.contains("digest: sha256:"), "{}", pushed.body);
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
