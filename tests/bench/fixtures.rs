//! What the benchmarks work on, made once on the engine and reused across runs: the 500
//! containers to list, containers whose logs hold the logs workloads, a running container to
//! exec in (with the large file `docker cp` copies out), and the image `save` and `load` move.
//! Everything is labelled `berth.bench` (the image is `berth-bench:save`); what a single run
//! needs (a writer to follow, a burst of volumes) is removed when that run ends.

use http::{Method, StatusCode};

use crate::targets::Target;

/// Creates stopped containers labelled `berth.bench=list` until there are `count`.
pub async fn list_containers(direct: &Target, api: &str, count: usize) {
    let existing = labelled(direct, api, "berth.bench=list").await;
    for _ in existing.len()..count {
        create(
            direct,
            api,
            serde_json::json!({
                "Image": "busybox:latest",
                "Cmd": ["true"],
                "Labels": {"berth.bench": "list"},
            }),
        )
        .await;
    }
}

/// A shell command printing `bytes` bytes in lines of `line` bytes (the newline included).
fn lines_script(bytes: u64, line: usize) -> String {
    format!(
        "yes \"$(head -c {} /dev/zero | tr '\\0' x)\" | head -c {bytes}",
        line - 1
    )
}

/// The id of an exited container whose log holds exactly `bytes` bytes of output, in lines of
/// `line` bytes; made (which takes a while) only when no such container exists yet.
pub async fn log_container(direct: &Target, api: &str, bytes: u64, line: usize) -> String {
    let label = format!("logs-{line}-{bytes}");
    let selector = format!("berth.bench={label}");
    if let Some(id) = labelled(direct, api, &selector).await.first() {
        let state = direct
            .json(Method::GET, &format!("/v{api}/containers/{id}/json"), None)
            .await;
        if state["State"]["Status"] == "exited" && state["State"]["ExitCode"] == 0 {
            return id.clone();
        }
        remove(direct, api, id).await;
    }
    eprintln!(
        "writing {} MiB of container logs in {line}-byte lines (once)",
        bytes >> 20
    );
    let id = create(
        direct,
        api,
        serde_json::json!({
            "Image": "busybox:latest",
            "Cmd": ["sh", "-c", lines_script(bytes, line)],
            "Labels": {"berth.bench": label},
        }),
    )
    .await;
    start(direct, api, &id).await;
    wait(direct, api, &id).await;
    id
}

/// A running container that prints `bytes` bytes in lines of `line` bytes once it is told
/// to (a line written to its FIFO, see [`release_writer`]), then exits: what a follower of
/// a busy container's log reads. Its id; remove it when done.
pub async fn log_writer(direct: &Target, api: &str, bytes: u64, line: usize) -> String {
    let script = format!(
        "mkfifo /tmp/go && read go < /tmp/go && {}",
        lines_script(bytes, line)
    );
    let id = create(
        direct,
        api,
        serde_json::json!({
            "Image": "busybox:latest",
            "Cmd": ["sh", "-c", script],
            "Labels": {"berth.bench": "follow"},
        }),
    )
    .await;
    start(direct, api, &id).await;
    id
}

/// Lets a [`log_writer`] start printing, once its FIFO is there.
pub async fn release_writer(direct: &Target, api: &str, id: &str) {
    let script = "until [ -p /tmp/go ]; do sleep 0.01; done; echo go > /tmp/go";
    run(direct, api, id, &["sh", "-c", script]).await;
}

/// Waits for a container to exit with status 0.
pub async fn wait(direct: &Target, api: &str, id: &str) {
    let waited = direct
        .json(Method::POST, &format!("/v{api}/containers/{id}/wait"), None)
        .await;
    assert_eq!(waited["StatusCode"], 0, "the container failed: {waited}");
}

/// The id of a running container labelled `berth.bench=exec` to run execs in.
pub async fn exec_container(direct: &Target, api: &str) -> String {
    let existing = labelled(direct, api, "berth.bench=exec").await;
    let id = match existing.first() {
        Some(id) => id.clone(),
        None => {
            create(
                direct,
                api,
                serde_json::json!({
                    "Image": "busybox:latest",
                    "Cmd": ["sleep", "2147483647"],
                    "Labels": {"berth.bench": "exec"},
                }),
            )
            .await
        }
    };
    let state = direct
        .json(Method::GET, &format!("/v{api}/containers/{id}/json"), None)
        .await;
    if state["State"]["Running"] != true {
        start(direct, api, &id).await;
    }
    id
}

/// The path of a file of `bytes` random bytes in the exec container, for `docker cp`.
pub async fn copy_file(direct: &Target, api: &str, container: &str, bytes: u64) -> String {
    let path = format!("/bench-cp-{bytes}");
    let script = format!("[ -s {path} ] || head -c {bytes} /dev/urandom > {path}");
    run(direct, api, container, &["sh", "-c", &script]).await;
    path
}

/// The image `berth-bench:save`: busybox with the exec container's copy file (committed
/// once), to save and load.
pub async fn saved_image(direct: &Target, api: &str, container: &str) -> String {
    let reference = "berth-bench:save".to_owned();
    let inspect = direct.request(
        Method::GET,
        &format!("/v{api}/images/{reference}/json"),
        None,
    );
    if direct.status(inspect).await == StatusCode::OK {
        return reference;
    }
    eprintln!("committing {reference} (once)");
    direct
        .json(
            Method::POST,
            &format!("/v{api}/commit?container={container}&repo=berth-bench&tag=save&pause=0"),
            None,
        )
        .await;
    reference
}

/// Runs `cmd` in `container` to its end.
pub async fn run(direct: &Target, api: &str, container: &str, cmd: &[&str]) {
    let exec = create_exec(direct, api, container, cmd, false, false).await;
    direct.exec_output(api, &exec, false).await;
}

/// Creates an exec of `cmd` with stdout (and stdin when `stdin`) attached, on a TTY when
/// `tty`; returns its id.
pub async fn create_exec(
    target: &Target,
    api: &str,
    container: &str,
    cmd: &[&str],
    stdin: bool,
    tty: bool,
) -> String {
    let created = target
        .json(
            Method::POST,
            &format!("/v{api}/containers/{container}/exec"),
            Some(serde_json::json!({
                "AttachStdin": stdin,
                "AttachStdout": true,
                "AttachStderr": true,
                "Tty": tty,
                "Cmd": cmd,
            })),
        )
        .await;
    created["Id"].as_str().expect("an exec id").to_owned()
}

/// Creates a container from `config`, returning its id.
async fn create(direct: &Target, api: &str, config: serde_json::Value) -> String {
    let created = direct
        .json(
            Method::POST,
            &format!("/v{api}/containers/create"),
            Some(config),
        )
        .await;
    created["Id"].as_str().expect("an id").to_owned()
}

async fn start(direct: &Target, api: &str, id: &str) {
    let request = direct.request(
        Method::POST,
        &format!("/v{api}/containers/{id}/start"),
        None,
    );
    direct.send(request).await;
}

/// Removes a container, running or not.
pub async fn remove(direct: &Target, api: &str, id: &str) {
    let request = direct.request(
        Method::DELETE,
        &format!("/v{api}/containers/{id}?force=1"),
        None,
    );
    direct.send(request).await;
}

/// The ids of all containers with `label`.
async fn labelled(direct: &Target, api: &str, label: &str) -> Vec<String> {
    let filter = serde_json::json!({"label": [label]}).to_string();
    let encoded = berth_shared::percent::component(&filter);
    let list = direct
        .json(
            Method::GET,
            &format!("/v{api}/containers/json?all=1&filters={encoded}"),
            None,
        )
        .await;
    list.as_array()
        .expect("a list")
        .iter()
        .filter_map(|row| row["Id"].as_str().map(str::to_owned))
        .collect()
}
