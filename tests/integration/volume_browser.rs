//! Browsing volumes through helper containers: who may, what the helper is, that the archive
//! API works on it through the gateway, that a missing volume is refused rather than created,
//! and that only this Berth's own helpers are ever removed, by hand or by the reaper.

use std::sync::Arc;
use std::time::{Duration, Instant};

use berth::AppState;
use berth::auth::{Auth, SessionPolicy};
use berth::config::Limits;
use berth::engine::Environments;
use berth::registries::Vault;
use berth::store::Store;
use berth::streams::Streams;
use berth::volume_browser::helper::{self, HELPER_LABEL, INSTANCE_LABEL};
use berth::volume_browser::routes::HELPER_IMAGE;
use berth::volume_browser::{self, IDLE_TIMEOUT};
use berth_shared::api::audit::AuditQuery;

use crate::support::{Berth, TestContainer, docker, docker_host, unique_name};

/// A volume with one file, removed (with any container still using it) when dropped.
struct TestVolume {
    name: String,
}

impl TestVolume {
    fn with_greeting(prefix: &str) -> Self {
        let name = unique_name(prefix);
        docker(&["volume", "create", &name]);
        docker(&[
            "run",
            "--rm",
            "-v",
            &format!("{name}:/data"),
            "busybox:latest",
            "sh",
            "-c",
            "echo hello > /data/greeting.txt",
        ]);
        Self { name }
    }
}

impl Drop for TestVolume {
    fn drop(&mut self) {
        let filter = format!("volume={}", self.name);
        let users = docker(&["ps", "-aq", "--filter", &filter]);
        for id in users.lines() {
            let _ = std::process::Command::new("docker")
                .args(["rm", "-f", id])
                .env("DOCKER_HOST", docker_host())
                .output();
        }
        let _ = std::process::Command::new("docker")
            .args(["volume", "rm", "-f", &self.name])
            .env("DOCKER_HOST", docker_host())
            .output();
    }
}

/// Whether a container with this id exists on the private engine.
fn exists(id: &str) -> bool {
    !docker(&["ps", "-aq", "--no-trunc", "--filter", &format!("id={id}")]).is_empty()
}

#[test]
fn volume_helpers_live_only_as_long_as_asked_and_only_for_operators() {
    let berth = Berth::start();
    let test_volume = TestVolume::with_greeting("browse");
    let volume = test_volume.name.clone();
    let start = format!("/api/env/local/volumes/{volume}/browse");

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
    let alive = operator.post(&format!("/api/env/local/volume-browsers/{id}/keepalive"));
    assert_eq!(alive.status, 204);

    // Only helpers are removed through this endpoint.
    let other = TestContainer::running("not-a-helper");
    let refused = operator.delete(&format!("/api/env/local/volume-browsers/{}", other.name));
    assert_eq!(refused.status, 404);
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Status}}", &other.name]),
        "running"
    );

    let removed = operator.delete(&format!("/api/env/local/volume-browsers/{id}"));
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert_eq!(docker(&["ps", "-aq", "--filter", &format!("id={id}")]), "");
    assert_eq!(
        docker(&["volume", "inspect", "-f", "{{.Name}}", &volume]),
        volume
    );

    let audit = berth.admin().get("/api/audit?operation=VolumeBrowse");
    assert!(audit.body.contains("VolumeBrowse"), "{}", audit.body);
}

#[test]
fn browsing_a_missing_volume_is_refused_and_creates_nothing() {
    let berth = Berth::start();
    let operator = berth.with_token(&berth.token_for("operator"));
    let volume = unique_name("absent");
    let reply = operator.post(&format!("/api/env/local/volumes/{volume}/browse"));
    assert_eq!(reply.status, 404, "{}", reply.body);
    let message = reply.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains(&volume),
        "the refusal names the volume: {message}"
    );
    let filter = format!("name={volume}");
    assert_eq!(
        docker(&["volume", "ls", "-q", "--filter", &filter]),
        "",
        "no volume was made"
    );
    assert_eq!(
        docker(&["ps", "-aq", "--filter", &format!("volume={volume}")]),
        ""
    );
}

#[test]
fn one_berth_leaves_the_helpers_of_another_alone() {
    let volume = TestVolume::with_greeting("shared");
    let start = format!("/api/env/local/volumes/{}/browse", volume.name);
    let first = Berth::start();
    let reply = first.admin().post(&start);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let first_helper = reply.json()["container"].as_str().unwrap().to_owned();

    // The second Berth sweeps the engine for leftovers before it browses.
    let second = Berth::start();
    let reply = second.admin().post(&start);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let second_helper = reply.json()["container"].as_str().unwrap().to_owned();
    assert!(
        exists(&first_helper),
        "the first Berth's live helper is still there"
    );

    let refused = second
        .admin()
        .delete(&format!("/api/env/local/volume-browsers/{first_helper}"));
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert!(exists(&first_helper));
    for (berth, id) in [(&first, &first_helper), (&second, &second_helper)] {
        let removed = berth
            .admin()
            .delete(&format!("/api/env/local/volume-browsers/{id}"));
        assert_eq!(removed.status, 204, "{}", removed.body);
    }
}

/// The state `berth serve` builds, in process, against the private engine.
fn in_process_state(data_dir: &std::path::Path) -> AppState {
    let store = Store::open(data_dir).expect("the store opens");
    let endpoint = docker_host().parse().expect("a valid DOCKER_HOST");
    AppState::new(
        Environments::local(endpoint),
        Auth::new(store, false, SessionPolicy::default()),
        Vault::new(data_dir),
        data_dir,
        Streams::new(Limits::default().max_streams_per_user),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reaper_removes_only_its_own_helpers_and_audits_each_removal() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let state = in_process_state(data_dir.path());
    let environment: Arc<_> = state.environments().get("local").expect("local");
    let volume = TestVolume::with_greeting("reaped");
    let instance = volume_browser::instance_id(&state).await.unwrap();
    assert_eq!(
        volume_browser::instance_id(&in_process_state(data_dir.path()))
            .await
            .unwrap(),
        instance,
        "the instance id survives a restart"
    );

    // A live session's helper, idle until the reaper's deadline.
    let idle = helper::create(environment.client(), &volume.name, HELPER_IMAGE, &instance)
        .await
        .unwrap();
    state.volume_browsers().insert("local", &idle);
    // A leftover of this instance (from a crash), and a live helper of another Berth.
    let labelled = |instance: &str| {
        docker(&[
            "create",
            "--label",
            &format!("{HELPER_LABEL}={}", volume.name),
            "--label",
            &format!("{INSTANCE_LABEL}={instance}"),
            "-v",
            &format!("{}:/volume", volume.name),
            HELPER_IMAGE,
            "true",
        ])
    };
    let leftover = labelled(&instance);
    let foreign = labelled("another-berth");

    volume_browser::reap(&state, Instant::now()).await;
    assert!(exists(&idle), "a helper within its idle time stays");
    volume_browser::reap(
        &state,
        Instant::now() + IDLE_TIMEOUT + Duration::from_secs(1),
    )
    .await;
    assert!(!exists(&idle), "an idle helper is reaped");
    assert!(
        exists(&leftover) && exists(&foreign),
        "the reaper knows only its sessions"
    );

    volume_browser::sweep(&state, &environment).await.unwrap();
    assert!(!exists(&leftover), "this Berth's leftover is swept");
    assert!(exists(&foreign), "another Berth's helper is left alone");

    let records = state
        .store()
        .audit(AuditQuery {
            source: Some("reaper".to_owned()),
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let mut targets: Vec<_> = records
        .iter()
        .map(|record| {
            (
                record.operation.as_str(),
                record.target.clone(),
                record.status,
            )
        })
        .collect();
    targets.sort();
    let mut expected = vec![
        ("VolumeBrowseEnd", format!("/containers/{idle}"), Some(204)),
        (
            "VolumeBrowseEnd",
            format!("/containers/{leftover}"),
            Some(204),
        ),
    ];
    expected.sort();
    assert_eq!(targets, expected);
}
