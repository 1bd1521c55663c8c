//! Secrets kept from roles that may not see them, against the real engine: every answer that
//! can carry one is redacted for viewers (and only for them), `top` refuses viewers the `ps`
//! options that print environments, and the event stream is redacted as it flows.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::support::{Berth, Client, TestContainer, docker, encode_query_value, unique_name};

/// What Berth puts where a secret was.
const REDACTED: &str = "<redacted by Berth>";

/// Engine objects that each hold the same secret, `marker`, in a different place.
struct Fixture {
    marker: String,
    container: TestContainer,
    image: String,
    volume: String,
    exec: String,
    since: u64,
    until: u64,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        docker(&["rmi", "-f", &self.image]);
        docker(&["volume", "rm", "-f", &self.volume]);
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

impl Fixture {
    fn new(admin: &Client) -> Self {
        let marker = unique_name("hunter2");
        let name = unique_name("secrets");
        let since = now();
        docker(&[
            "run",
            "-d",
            "--name",
            &name,
            "-e",
            &format!("DB_PASSWORD={marker}"),
            "busybox:latest",
            "sh",
            "-c",
            &format!("API_TOKEN={marker} sleep 3600"),
        ]);
        let container = TestContainer { name };
        // A committed image keeps the container's environment in `Config.Env`, and its command,
        // with the `API_TOKEN=` assignment, in the history's `CreatedBy`.
        let image = format!("{}:1", unique_name("secret-image"));
        docker(&[
            "commit",
            "--change",
            &format!("ENV SECRET_KEY={marker}"),
            &container.name,
            &image,
        ]);
        let volume = unique_name("cifs");
        docker(&[
            "volume",
            "create",
            "--driver",
            "local",
            "--opt",
            "type=cifs",
            "--opt",
            "device=//127.0.0.1/share",
            "--opt",
            &format!("o=username=berth,password={marker}"),
            &volume,
        ]);
        let created = admin.post_json(
            &format!("/engine/local/containers/{}/exec", container.name),
            &json!({"Cmd": ["sh", "-c", format!("mysql -p{marker} || true")]}),
        );
        assert_eq!(created.status, 201, "{}", created.body);
        let exec = created.json()["Id"].as_str().unwrap().to_owned();
        let until = now() + 1;
        Self {
            marker,
            container,
            image,
            volume,
            exec,
            since,
            until,
        }
    }

    /// Each read that can carry the secret: what it is, and its path.
    fn reads(&self) -> Vec<(&'static str, String)> {
        let container = &self.container.name;
        let volume_filter = encode_query_value(&json!({"name": [self.volume]}).to_string());
        let event_filter = encode_query_value(&json!({"container": [container]}).to_string());
        vec![
            ("container inspect", format!("/containers/{container}/json")),
            ("image inspect", format!("/images/{}/json", self.image)),
            ("image history", format!("/images/{}/history", self.image)),
            ("volume inspect", format!("/volumes/{}", self.volume)),
            ("volume list", format!("/volumes?filters={volume_filter}")),
            ("disk usage", "/system/df".to_owned()),
            ("exec inspect", format!("/exec/{}/json", self.exec)),
            (
                "events",
                format!(
                    "/events?since={}&until={}&filters={event_filter}",
                    self.since, self.until
                ),
            ),
        ]
    }
}

#[test]
fn viewers_get_every_secret_bearing_answer_redacted() {
    let berth = Berth::start();
    let admin = berth.admin();
    let fixture = Fixture::new(&admin);
    let viewer = berth.with_token(&berth.token_for("viewer"));
    let operator = berth.with_token(&berth.token_for("operator"));
    for (what, path) in fixture.reads() {
        let path = format!("/engine/local{path}");
        let seen = operator.get(&path);
        assert_eq!(seen.status, 200, "operator {what}: {}", seen.body);
        assert!(
            seen.body.contains(&fixture.marker),
            "the engine's {what} answer holds the secret, so this row tests something: {}",
            seen.body
        );
        let redacted = viewer.get(&path);
        assert_eq!(redacted.status, 200, "viewer {what}: {}", redacted.body);
        assert!(
            !redacted.body.contains(&fixture.marker),
            "viewer {what} shows the secret: {}",
            redacted.body
        );
        assert!(
            redacted.body.contains(REDACTED),
            "viewer {what}: {}",
            redacted.body
        );
    }
}

#[test]
fn redaction_keeps_answers_usable() {
    let berth = Berth::start();
    let fixture = Fixture::new(&berth.admin());
    let viewer = berth.with_token(&berth.token_for("viewer"));
    let volume = viewer
        .get(&format!("/engine/local/volumes/{}", fixture.volume))
        .json();
    assert_eq!(volume["Options"]["type"], "cifs");
    assert_eq!(
        volume["Options"]["o"],
        format!("username=berth,password={REDACTED}")
    );
    let exec = viewer
        .get(&format!("/engine/local/exec/{}/json", fixture.exec))
        .json();
    assert_eq!(exec["ProcessConfig"]["entrypoint"], "sh");
    let events = viewer.get(&format!(
        "/engine/local/events?since={}&until={}&filters={}",
        fixture.since,
        fixture.until,
        encode_query_value(&json!({"container": [fixture.container.name]}).to_string())
    ));
    let actions: Vec<String> = events
        .body
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("each line is one JSON event"))
        .map(|event| event["Action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        actions.iter().any(|action| action == "start"),
        "{actions:?}"
    );
    assert!(
        actions
            .iter()
            .any(|action| *action == format!("exec_create: {REDACTED}")),
        "{actions:?}"
    );
}

#[test]
fn viewers_may_run_top_only_with_ps_options_that_hide_environments() {
    let berth = Berth::start();
    let fixture = Fixture::new(&berth.admin());
    let name = &fixture.container.name;
    let secret = format!("DB_PASSWORD={}", fixture.marker);
    let viewer = berth.with_token(&berth.token_for("viewer"));
    let operator = berth.with_token(&berth.token_for("operator"));
    let top = |client: &Client, query: &str| {
        client.get(&format!("/engine/local/containers/{name}/top{query}"))
    };
    // The query, and whether a viewer may use it.
    let cases = [
        ("", true),
        ("?ps_args=-ef", true),
        ("?ps_args=aux", true),
        ("?ps_args=auxww", true),
        ("?ps_args=auxwwe", false),
        ("?ps_args=e", false),
        ("?ps_args=eww", false),
        ("?ps_args=aux%65", false),
        ("?ps_args=-ef+e", false),
        ("?ps_args=-ef&ps_args=e", false),
        ("?ps_args=-o+pid,args", false),
    ];
    for (query, allowed) in cases {
        let reply = top(&viewer, query);
        if allowed {
            assert_eq!(reply.status, 200, "viewer top{query}: {}", reply.body);
            assert!(
                !reply.body.contains("top-secret-value"),
                "{query}: {}",
                reply.body
            );
        } else {
            assert_eq!(reply.status, 403, "viewer top{query}: {}", reply.body);
            let message = reply.message();
            assert!(
                message.starts_with("Berth refuses ContainerTop with ps_args")
                    && message.contains("viewer 'viewer'")
                    && message.contains("environments"),
                "{message}"
            );
        }
    }
    // Operators may see environments anyway (they may exec), and this is what top shows.
    let environment = top(&operator, "?ps_args=auxwwe");
    assert_eq!(environment.status, 200, "{}", environment.body);
    assert!(environment.body.contains(&secret), "{}", environment.body);
}
