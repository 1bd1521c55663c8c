//! Browsing volumes through helper containers: who may, what the helper is, that the archive
//! API works on it through the gateway, and that only Berth's own helpers can be removed.

use crate::support::{Berth, TestContainer, docker, unique_name};

#[test]
fn volume_helpers_live_only_as_long_as_asked_and_only_for_operators() {
    let berth = Berth::start();
    let volume = unique_name("browse");
    docker(&["volume", "create", &volume]);
    docker(&[
        "run",
        "--rm",
        "-v",
        &format!("{volume}:/data"),
        "busybox:latest",
        "sh",
        "-c",
        "echo hello > /data/greeting.txt",
    ]);
    let start = format!("/api/environments/local/volumes/{volume}/browse");

    let viewer = berth.with_token(&berth.token_for("viewer"));
    let denied = viewer.post(&start);
    assert_eq!(denied.status, 403, "{}", denied.body);

    let operator = berth.with_token(&berth.token_for("operator"));
    let reply = operator.post(&start);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let session = reply.json();
    let id = session["container"]
        .as_str()
        .expect("a helper id")
        .to_owned();
    assert_eq!(session["path"], "/volume");
    let label = docker(&[
        "inspect",
        "-f",
        "{{index .Config.Labels \"org.berth.volume-browser\"}} {{.State.Status}}",
        &id,
    ]);
    assert_eq!(
        label,
        format!("{volume} created"),
        "a labelled, never started helper"
    );

    // The volume's files are read through the gateway's archive API, like any container's.
    let stat = operator.request(
        "HEAD",
        &format!("/engine/local/containers/{id}/archive?path=/volume/greeting.txt"),
        &[],
        None,
    );
    assert_eq!(stat.status, 200);
    assert!(stat.header("x-docker-container-path-stat").is_some());
    let alive = operator.post(&format!(
        "/api/environments/local/volume-browsers/{id}/keepalive"
    ));
    assert_eq!(alive.status, 204);

    // Only helpers are removed through this endpoint.
    let other = TestContainer::running("not-a-helper");
    let refused = operator.delete(&format!(
        "/api/environments/local/volume-browsers/{}",
        other.name
    ));
    assert_eq!(refused.status, 404);
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Status}}", &other.name]),
        "running"
    );

    let removed = operator.delete(&format!("/api/environments/local/volume-browsers/{id}"));
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert_eq!(docker(&["ps", "-aq", "--filter", &format!("id={id}")]), "");
    assert_eq!(
        docker(&["volume", "inspect", "-f", "{{.Name}}", &volume]),
        volume
    );

    let audit = berth.admin().get("/api/audit?operation=VolumeBrowse");
    assert!(audit.body.contains("VolumeBrowse"), "{}", audit.body);
    docker(&["volume", "rm", &volume]);
}
