//! `GET /api/health` against a reachable and an unreachable engine.

use crate::support::{Berth, docker, get};

#[test]
fn reports_the_engine_and_the_negotiated_version() {
    let berth = Berth::start();
    let reply = get(&berth.url("/api/health"));
    assert_eq!(reply.status, 200);
    let health = reply.json();
    let local = &health["environments"][0];
    assert_eq!(local["id"], "local");
    assert_eq!(local["reachable"], true);
    let engine_api = docker(&["version", "--format", "{{.Server.APIVersion}}"]);
    assert_eq!(local["engine"]["api_version"], engine_api.as_str());
    // The negotiated version is the lower of the engine's and Berth's newest (1.51).
    let negotiated: berth_shared::ApiVersion =
        local["api_version"].as_str().unwrap().parse().unwrap();
    let engine: berth_shared::ApiVersion = engine_api.parse().unwrap();
    assert_eq!(negotiated, berth_shared::ApiVersion::negotiate(engine));
    let engine_version = docker(&["version", "--format", "{{.Server.Version}}"]);
    assert_eq!(local["engine"]["version"], engine_version.as_str());
}

#[test]
fn anonymous_callers_see_reachability_but_no_details() {
    let berth = Berth::start_with_engine("unix:///nonexistent/berth-test/docker.sock");
    let local = get(&berth.url("/api/health")).json()["environments"][0].clone();
    assert_eq!(local["reachable"], false);
    assert_eq!(local["endpoint"], "");
    assert_eq!(local["error"], serde_json::Value::Null);
}

#[test]
fn an_unreachable_engine_is_reported_not_fatal() {
    let berth = Berth::start_with_engine("unix:///nonexistent/berth-test/docker.sock");
    let reply = berth.admin().get("/api/health");
    assert_eq!(reply.status, 200);
    let local = &reply.json()["environments"][0];
    assert_eq!(local["reachable"], false);
    assert!(
        local["error"].as_str().unwrap().contains("No such file"),
        "{local}"
    );

    let proxied = berth.admin().get("/engine/local/containers/json");
    assert_eq!(proxied.status, 502);
    let message = proxied.message();
    assert!(
        message.contains("unreachable") && message.contains("/nonexistent/berth-test"),
        "{message}"
    );
}
