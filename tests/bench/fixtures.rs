//! What the benchmarks work on, made once on the engine and reused across runs: the 500
//! containers to list, a container whose log holds the logs workload, and a running container
//! to exec in. Everything is labelled `berth.bench`.

use http::Method;

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

/// The id of an exited container whose log holds exactly `bytes` bytes of output, in lines of
/// 8 KiB; made (which takes a while) only when no such container exists yet.
pub async fn log_container(direct: &Target, api: &str, bytes: u64) -> String {
    let label = format!("berth.bench=logs-{bytes}");
    if let Some(id) = labelled(direct, api, &label).await.first() {
        let state = direct
            .json(Method::GET, &format!("/v{api}/containers/{id}/json"), None)
            .await;
        if state["State"]["Status"] == "exited" && state["State"]["ExitCode"] == 0 {
            return id.clone();
        }
        direct
            .json(
                Method::DELETE,
                &format!("/v{api}/containers/{id}?force=1"),
                None,
            )
            .await;
    }
    eprintln!("writing {} MiB of container logs (once)", bytes >> 20);
    let script = format!("yes \"$(head -c 8191 /dev/zero | tr '\\0' x)\" | head -c {bytes}");
    let id = create(
        direct,
        api,
        serde_json::json!({
            "Image": "busybox:latest",
            "Cmd": ["sh", "-c", script],
            "Labels": {"berth.bench": format!("logs-{bytes}")},
        }),
    )
    .await;
    start(direct, api, &id).await;
    let waited = direct
        .json(Method::POST, &format!("/v{api}/containers/{id}/wait"), None)
        .await;
    assert_eq!(waited["StatusCode"], 0, "the log writer failed: {waited}");
    id
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

/// Creates an exec of `cmd` with stdout (and stdin when `stdin`) attached; returns its id.
pub async fn create_exec(
    target: &Target,
    api: &str,
    container: &str,
    cmd: &[&str],
    stdin: bool,
) -> String {
    let created = target
        .json(
            Method::POST,
            &format!("/v{api}/containers/{container}/exec"),
            Some(serde_json::json!({
                "AttachStdin": stdin,
                "AttachStdout": true,
                "AttachStderr": true,
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
