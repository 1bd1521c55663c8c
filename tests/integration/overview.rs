//! The home page's cards (`GET /api/overview`) with five environments: the primary engine, the
//! TCP+TLS engine, a socket that does not exist, an address that accepts connections and never
//! answers, and a black-holed one. The reachable engines are painted while the hung and the
//! black-holed ones are still being checked;
//! each dead one ends offline with its failure named and a retry scheduled; the cards carry the
//! engines' own figures (host name, CPUs, an unhealthy container); `?after=` waits for news;
//! a retry is accepted for a known environment and a 404 for an unknown one; and the shell's
//! health check of one environment is not held back by the others.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Berth, Client, docker_on_tls, unique_name, wait_for};

/// `docker info --format TEMPLATE` on the TLS engine.
fn tls_info(template: &str) -> String {
    let output = docker_on_tls(&["info", "--format", template]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A container on the TLS engine whose health check always fails, removed when dropped.
struct Unhealthy(String);

impl Unhealthy {
    fn start() -> Self {
        let name = unique_name("overview-unhealthy");
        let output = docker_on_tls(&[
            "run",
            "-d",
            "--name",
            &name,
            "--health-cmd",
            "false",
            "--health-interval",
            "1s",
            "--health-retries",
            "1",
            "busybox:latest",
            "sleep",
            "300",
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        Self(name)
    }
}

impl Drop for Unhealthy {
    fn drop(&mut self) {
        let _ = docker_on_tls(&["rm", "-f", &self.0]);
    }
}

/// Follows the cards with `?after=` until `done` finds what it wants, for at most a minute:
/// each answer comes when a card changes (or after the server's long-poll limit).
fn follow<T>(admin: &Client, revision: &mut u64, mut done: impl FnMut(&Value) -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        let overview = admin.get(&format!("/api/overview?after={revision}")).json();
        *revision = overview["revision"].as_u64().expect("a revision");
        if let Some(found) = done(&overview) {
            return found;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the cards did not get there within a minute: {overview}"
        );
    }
}

fn card<'a>(overview: &'a Value, id: &str) -> &'a Value {
    overview["environments"]
        .as_array()
        .and_then(|cards| cards.iter().find(|card| card["id"] == id))
        .unwrap_or_else(|| panic!("no card for {id} in {overview}"))
}

#[test]
fn every_engine_gets_a_card_and_a_dead_one_never_holds_the_others_back() {
    let berth = Berth::start();
    // Accepts connections (the kernel completes them) and never answers a byte.
    let hung = TcpListener::bind("127.0.0.1:0").expect("a listener");
    let hung_host = format!("tcp://{}", hung.local_addr().expect("its address"));
    // Drops every packet: the connection is neither made nor refused (scripts/blackhole.sh).
    let dropped_host = format!("tcp://{}:2375", crate::environments::blackhole());
    let missing = berth.data_dir().join("no-engine.sock");
    let missing_host = format!("unix://{}", missing.display());
    let unhealthy = Unhealthy::start();

    berth.add_tls_environment("remote", "Remote", &["--tag", "prod"]);
    berth.add_environment(&[
        "--name",
        "Hung",
        "--id",
        "hung",
        "--docker-host",
        &hung_host,
        "--insecure",
        "--offline-ok",
    ]);
    berth.add_environment(&[
        "--name",
        "Dropped",
        "--id",
        "dropped",
        "--docker-host",
        &dropped_host,
        "--insecure",
        "--offline-ok",
    ]);
    berth.add_environment(&[
        "--name",
        "Gone",
        "--id",
        "gone",
        "--docker-host",
        &missing_host,
        "--offline-ok",
    ]);
    let admin = berth.admin();
    wait_for(|| {
        let overview = admin.get("/api/overview").json();
        (overview["environments"].as_array().map(Vec::len) == Some(5)).then_some(())
    });

    // The reachable engines answer while the hung one is still within its probe's timeout.
    let mut revision = admin.get("/api/overview").json()["revision"]
        .as_u64()
        .expect("a revision");
    let painted = follow(&admin, &mut revision, |overview| {
        let online = |id| card(overview, id)["state"] == "online";
        (online("local") && online("remote")).then(|| overview.clone())
    });
    for slow in ["hung", "dropped"] {
        assert_eq!(card(&painted, slow)["state"], "checking", "{painted}");
    }
    let remote = card(&painted, "remote");
    assert_eq!(remote["name"], "Remote", "{remote}");
    assert_eq!(remote["tags"][0], "prod", "{remote}");
    assert_eq!(remote["transport"], "tls", "{remote}");
    assert_eq!(
        remote["facts"]["hostname"],
        tls_info("{{.Name}}"),
        "{remote}"
    );
    assert_eq!(
        remote["facts"]["cpus"].to_string(),
        tls_info("{{.NCPU}}"),
        "{remote}"
    );
    assert!(
        remote["engine"]["version"]
            .as_str()
            .is_some_and(|v| !v.is_empty()),
        "{remote}"
    );

    // Each dead engine ends offline, its failure named, with a retry scheduled.
    let settled = follow(&admin, &mut revision, |overview| {
        let offline = |id| card(overview, id)["state"] == "offline";
        (offline("hung") && offline("dropped") && offline("gone")).then(|| overview.clone())
    });
    let hung_card = card(&settled, "hung");
    assert_eq!(hung_card["failure"], "timeout", "{hung_card}");
    assert_eq!(hung_card["insecure"], true, "{hung_card}");
    assert!(hung_card["offline_since"].is_i64(), "{hung_card}");
    assert!(
        hung_card["retry_at"].as_i64() > hung_card["checked_at"].as_i64(),
        "{hung_card}"
    );
    let dropped = card(&settled, "dropped");
    assert_eq!(dropped["failure"], "timeout", "{dropped}");
    let gone = card(&settled, "gone");
    assert_eq!(gone["failure"], "no_socket", "{gone}");
    assert!(
        gone["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{gone}"
    );

    // The failing health check shows on its engine's card.
    follow(&admin, &mut revision, |overview| {
        (card(overview, "remote")["facts"]["unhealthy"].as_u64() >= Some(1)).then_some(())
    });
    drop(unhealthy);

    // The shell's check of one environment leaves the hung one alone.
    let health = admin.get("/api/health?environment=local").json();
    let listed: Vec<&Value> = health["environments"]
        .as_array()
        .expect("a list")
        .iter()
        .collect();
    assert_eq!(listed.len(), 1, "{health}");
    assert_eq!(listed[0]["id"], "local", "{health}");
    assert_eq!(listed[0]["reachable"], true, "{health}");

    // A retry is accepted for a card the caller sees, and unknown ids are a 404 naming them.
    assert_eq!(admin.post("/api/overview/gone/retry").status, 202);
    let unknown = admin.post("/api/overview/nowhere/retry");
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(unknown.message().contains("nowhere"), "{}", unknown.body);

    // Viewers see the cards too; anonymous callers see nothing.
    let viewer = berth.with_token(&berth.token_for("viewer"));
    let seen = viewer.get("/api/overview").json();
    assert_eq!(
        seen["environments"].as_array().map(Vec::len),
        Some(5),
        "{seen}"
    );
    assert_eq!(berth.anonymous().get("/api/overview").status, 401);
    drop(hung);
}
