//! The operator guardrails against the real engine: each host-reaching request an operator can
//! make, refused under the restricted defaults with the setting named, and let through once an
//! admin allows that one setting; by raw HTTP and by the docker CLI through the gateway. Paths
//! that expose the engine's socket or Berth's data stay refused whatever the settings. Also
//! the settings API itself: who reads, who writes, validation and the audit.

use serde_json::{Value, json};

use crate::support::{Berth, Client, Reply, TestContainer, docker, unique_name};

/// Saves `settings` for the local environment as the admin, failing the test if refused.
pub(crate) fn set_guardrails(berth: &Berth, settings: &Value) {
    let reply = put_guardrails(&berth.admin(), settings);
    assert_eq!(reply.status, 200, "saving {settings}: {}", reply.body);
}

fn put_guardrails(client: &Client, settings: &Value) -> Reply {
    client.send_json("PUT", "/api/env/local/guardrails", settings)
}

fn post(client: &Client, path: &str, body: &Value) -> Reply {
    client.send_json("POST", &format!("/engine/local{path}"), body)
}

/// A create body for an unstarted busybox container.
fn create(host_config: Value) -> Value {
    json!({
        "Image": "busybox:latest",
        "Cmd": ["true"],
        "HostConfig": host_config,
    })
}

/// One request and the one setting that lets it through.
struct Case {
    what: &'static str,
    path: String,
    /// The container it creates, if it creates one.
    creates: Option<String>,
    body: Value,
    /// What the refusal must say.
    refusal: &'static str,
    /// The settings that allow it.
    allow: Value,
}

fn create_cases() -> Vec<Case> {
    let case = |what, host_config: Value, refusal, allow: Value| {
        let name = unique_name("fence");
        Case {
            what,
            path: format!("/containers/create?name={name}"),
            creates: Some(name),
            body: create(host_config),
            refusal,
            allow,
        }
    };
    // The host's namespaces, each behind its own setting: the field and the refusal's words.
    let namespaces = [
        (
            "the host PID namespace",
            "PidMode",
            "PidMode host",
            "host_pid",
        ),
        (
            "the host IPC namespace",
            "IpcMode",
            "IpcMode host",
            "host_ipc",
        ),
        (
            "the host UTS namespace",
            "UTSMode",
            "UTSMode host",
            "host_uts",
        ),
    ];
    let namespaces = namespaces.map(|(what, field, refusal, setting)| {
        case(
            what,
            json!({ field: "host" }),
            refusal,
            json!({ setting: true }),
        )
    });
    let others = [
        case(
            "privileged",
            json!({"Privileged": true}),
            "Berth refuses Privileged for operator 'operator' on environment 'local': an admin has not allowed privileged containers",
            json!({"privileged": true}),
        ),
        case(
            "privileged in another case",
            json!({"privileged": true}),
            "Berth refuses Privileged for operator 'operator'",
            json!({"privileged": true}),
        ),
        case(
            "a host path",
            json!({"Binds": ["/usr/share:/host-share:ro"]}),
            "Berth refuses Binds /usr/share:/host-share:ro for operator 'operator' on environment 'local': an admin has not allowed host paths",
            json!({"host_path_prefixes": ["/usr/share"]}),
        ),
        case(
            "a bind mount",
            json!({"Mounts": [{"Type": "bind", "Source": "/usr/share", "Target": "/host-share"}]}),
            "Berth refuses Mounts bind /usr/share",
            json!({"host_path_prefixes": ["/usr/share"]}),
        ),
        case(
            "the host network",
            json!({"NetworkMode": "host"}),
            "Berth refuses NetworkMode host for operator 'operator' on environment 'local': an admin has not allowed the host's network namespace",
            json!({"host_network": true}),
        ),
        case(
            "an added capability",
            json!({"CapAdd": ["SYS_ADMIN"]}),
            "Berth refuses CapAdd SYS_ADMIN for operator 'operator' on environment 'local': an admin has not allowed adding SYS_ADMIN",
            json!({"capabilities": ["SYS_ADMIN"]}),
        ),
        case(
            "a device",
            json!({"Devices": [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/host-null", "CgroupPermissions": "rwm"}]}),
            "Berth refuses Devices for operator 'operator' on environment 'local': an admin has not allowed host devices",
            json!({"devices": true}),
        ),
        case(
            "an unconfined seccomp profile",
            json!({"SecurityOpt": ["seccomp=unconfined"]}),
            "Berth refuses SecurityOpt seccomp=unconfined for operator 'operator' on environment 'local': an admin has not allowed unconfined security options",
            json!({"unconfined": true}),
        ),
        case(
            "unmasked /proc paths",
            json!({"MaskedPaths": []}),
            "Berth refuses MaskedPaths",
            json!({"unconfined": true}),
        ),
        case(
            "a sysctl",
            json!({"Sysctls": {"net.ipv4.ip_forward": "1"}}),
            "Berth refuses Sysctls net.ipv4.ip_forward for operator 'operator' on environment 'local': an admin has not allowed sysctls",
            json!({"sysctls": true}),
        ),
    ];
    others.into_iter().chain(namespaces).collect()
}

#[test]
fn each_host_reaching_request_is_refused_until_its_setting_allows_it() {
    let berth = Berth::start();
    let operator = berth.with_token(&berth.token_for("operator"));
    let sleeper = TestContainer::running("fence-exec");
    let volume = unique_name("fence-volume");
    let mut cases = create_cases();
    cases.push(Case {
        what: "a privileged exec",
        creates: None,
        path: format!("/containers/{}/exec", sleeper.name),
        body: json!({"Cmd": ["true"], "Privileged": true}),
        refusal: "Berth refuses Privileged exec for operator 'operator' on environment 'local': an admin has not allowed privileged exec",
        allow: json!({"privileged_exec": true}),
    });
    cases.push(Case {
        what: "a device added by update",
        creates: None,
        path: format!("/containers/{}/update", sleeper.name),
        body: json!({"Devices": [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/n2", "CgroupPermissions": "r"}]}),
        refusal: "Berth refuses Devices for operator 'operator'",
        allow: json!({"devices": true}),
    });
    cases.push(Case {
        what: "a host path behind a local volume",
        creates: None,
        path: "/volumes/create".to_owned(),
        body: json!({"Name": volume, "DriverOpts": {"type": "none", "o": "bind", "device": "/usr/share"}}),
        refusal: "Berth refuses volume option device=/usr/share for operator 'operator'",
        allow: json!({"host_path_prefixes": ["/usr/share"]}),
    });
    cases.push(Case {
        what: "a host config sent to start, as before API 1.24",
        creates: None,
        path: format!("/v1.23/containers/{}/start", sleeper.name),
        body: json!({"Privileged": true}),
        refusal: "Berth refuses Privileged for operator 'operator'",
        allow: json!({"privileged": true}),
    });

    let mut created = Vec::new();
    for case in &cases {
        set_guardrails(&berth, &json!({}));
        let refused = post(&operator, &case.path, &case.body);
        assert_eq!(refused.status, 403, "{}: {}", case.what, refused.body);
        assert!(
            refused.message().contains(case.refusal),
            "{}: {}",
            case.what,
            refused.body
        );
        set_guardrails(&berth, &case.allow);
        let allowed = post(&operator, &case.path, &case.body);
        created.extend(case.creates.clone().map(|name| TestContainer { name }));
        assert!(
            allowed.status != 403 && !allowed.body.contains("Berth refuses"),
            "{} with {}: {} {}",
            case.what,
            case.allow,
            allowed.status,
            allowed.body
        );
        assert!(
            allowed.status < 300 || case.what.contains("as before API"),
            "{}: the engine refused what the guardrails allowed: {} {}",
            case.what,
            allowed.status,
            allowed.body
        );
        // Every other setting stays restricted: allowing one thing allows nothing else.
        for other in cases.iter().filter(|other| other.allow != case.allow) {
            if other.path.contains("/containers/create") {
                let still = post(&operator, &other.path, &other.body);
                assert_eq!(
                    still.status, 403,
                    "{} passed with only {} allowed",
                    other.what, case.allow
                );
            }
        }
    }
    drop(created);
    docker(&["volume", "rm", "-f", &volume]);

    let audit = berth.admin().get("/api/audit?limit=500").json();
    let refusals = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| {
            event["actor"] == "operator"
                && event["status"] == 403
                && event["detail"]
                    .as_str()
                    .is_some_and(|detail| detail.starts_with("Berth refuses"))
        })
        .count();
    assert!(refusals >= cases.len(), "{refusals} refusals audited");
}

#[test]
fn the_engine_socket_and_berths_data_stay_refused_whatever_the_settings() {
    let berth = Berth::start();
    let operator = berth.with_token(&berth.token_for("operator"));
    set_guardrails(&berth, &json!({"host_path_prefixes": ["/"]}));
    let socket = crate::support::docker_host()
        .trim_start_matches("unix://")
        .to_owned();
    let data = berth.data_dir().to_string_lossy().into_owned();
    let parent_of_socket = std::path::Path::new(&socket)
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    for source in [
        "/".to_owned(),
        "//".to_owned(),
        "/var/run/docker.sock".to_owned(),
        "/run/docker.sock".to_owned(),
        "/var/run".to_owned(),
        "/run/".to_owned(),
        "/var".to_owned(),
        "/var/lib/docker".to_owned(),
        socket.clone(),
        format!("{socket}/"),
        parent_of_socket.replace('/', "//"),
        data.clone(),
        format!("{data}/berth.db"),
        format!("{data}/registry.key"),
    ] {
        for body in [
            create(json!({"Binds": [format!("{source}:/mnt")]})),
            create(json!({"Mounts": [{"Type": "bind", "Source": source, "Target": "/mnt"}]})),
        ] {
            let reply = post(&operator, "/containers/create", &body);
            assert_eq!(reply.status, 403, "{source}: {}", reply.body);
            assert!(
                reply
                    .message()
                    .contains("which only admins may mount, whatever the settings"),
                "{source}: {}",
                reply.body
            );
        }
    }
    let dotted = post(
        &operator,
        "/containers/create",
        &create(json!({"Binds": ["/var/run/../run/docker.sock:/s"]})),
    );
    assert_eq!(dotted.status, 403, "{}", dotted.body);
    assert!(dotted.message().contains("'..' segment"), "{}", dotted.body);
    // What an admin's container has is not borrowed around the guardrails: its volumes, its
    // host network.
    let lender = unique_name("fence-lender");
    let _lender = TestContainer {
        name: lender.clone(),
    };
    let lent = post(
        &berth.admin(),
        &format!("/containers/create?name={lender}"),
        &create(
            json!({"Binds": [format!("{socket}:/var/run/docker.sock")], "NetworkMode": "host"}),
        ),
    );
    assert_eq!(lent.status, 201, "{}", lent.body);
    set_guardrails(
        &berth,
        &json!({"host_path_prefixes": ["/"], "host_network": false}),
    );
    for (body, refusal) in [
        (
            create(json!({"VolumesFrom": [format!("{lender}:ro")]})),
            format!("Berth refuses VolumesFrom {lender} (bind {socket})"),
        ),
        (
            create(json!({"NetworkMode": format!("container:{lender}")})),
            format!("Berth refuses NetworkMode container:{lender} for operator 'operator'"),
        ),
    ] {
        let reply = post(&operator, "/containers/create", &body);
        assert_eq!(reply.status, 403, "{body}: {}", reply.body);
        assert!(reply.message().contains(&refusal), "{}", reply.body);
    }
    // Admins are not fenced.
    let name = unique_name("fence-admin");
    let _admin = TestContainer { name: name.clone() };
    let admin = post(
        &berth.admin(),
        &format!("/containers/create?name={name}"),
        &create(json!({"Privileged": true, "Binds": ["/:/host:ro"]})),
    );
    assert_eq!(admin.status, 201, "{}", admin.body);
}

#[test]
fn bodies_that_cannot_be_checked_are_refused() {
    let berth = Berth::start();
    let operator = berth.with_token(&berth.token_for("operator"));
    let headers = [("content-type", "application/json")];
    let malformed = operator.request(
        "POST",
        "/engine/local/containers/create",
        &headers,
        Some(r#"{"Image": "busybox:latest", "HostConfig": {"Privileged": tru"#),
    );
    assert_eq!(malformed.status, 400, "{}", malformed.body);
    assert!(
        malformed
            .message()
            .starts_with("Berth cannot check the ContainerCreate request"),
        "{}",
        malformed.body
    );
    let padding = "x".repeat(2 * 1024 * 1024);
    let huge = operator.request(
        "POST",
        "/engine/local/containers/create",
        &headers,
        Some(&json!({"Image": "busybox:latest", "Labels": {"pad": padding}}).to_string()),
    );
    assert_eq!(huge.status, 413, "{}", huge.body);
    assert!(
        huge.message().contains("larger than 1048576 bytes"),
        "{}",
        huge.body
    );
    // An allowed body reaches the engine unchanged: its label comes back as sent.
    let name = unique_name("fence-plain");
    let _plain = TestContainer { name: name.clone() };
    let created = post(
        &operator,
        &format!("/containers/create?name={name}"),
        &json!({"Image": "busybox:latest", "Labels": {"note": "ünïcødé \"quoted\""}}),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        docker(&["inspect", "-f", "{{index .Config.Labels \"note\"}}", &name]),
        "ünïcødé \"quoted\""
    );
}

/// How many of `operator`'s requests of `operation` the engine accepted, from the audit log.
#[test]
fn everyone_reads_the_guardrails_and_only_admins_change_them() {
    let berth = Berth::start();
    let operator = berth.with_token(&berth.token_for("operator"));
    let viewer = berth.with_token(&berth.token_for("viewer"));

    let fresh = viewer.get("/api/env/local/guardrails");
    assert_eq!(fresh.status, 200, "{}", fresh.body);
    let fresh = fresh.json();
    let settings = fresh["guardrails"].as_object().unwrap();
    for (name, value) in settings {
        assert!(
            value == &json!(false) || value == &json!([]),
            "a fresh install allows {name}: {value}"
        );
    }
    let protected: Vec<&str> = fresh["protected_paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|path| path.as_str().unwrap())
        .collect();
    let socket = crate::support::docker_host()
        .trim_start_matches("unix://")
        .to_owned();
    assert!(protected.contains(&socket.as_str()), "{protected:?}");
    assert!(protected.contains(&"/run/docker.sock"), "{protected:?}");
    let data = std::path::absolute(berth.data_dir()).unwrap();
    assert!(
        protected.contains(&data.to_string_lossy().as_ref()),
        "{protected:?}"
    );

    let denied = put_guardrails(&operator, &json!({"privileged": true}));
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert_eq!(
        denied.message(),
        "Berth denies guardrail settings to operator 'operator': it needs the admin role"
    );
    for (bad, message) in [
        (
            json!({"host_path_prefixes": ["srv"]}),
            "host path prefix 'srv': it is not an absolute path",
        ),
        (
            json!({"host_path_prefixes": ["/srv/../etc"]}),
            "host path prefix '/srv/../etc': it has a '..' segment",
        ),
        (
            json!({"capabilities": ["SYS ADMIN"]}),
            "capability 'SYS ADMIN'",
        ),
    ] {
        let reply = put_guardrails(&berth.admin(), &bad);
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
        assert!(reply.message().contains(message), "{bad}: {}", reply.body);
    }
    let unknown = put_guardrails(&berth.admin(), &json!({"privilegd": true}));
    assert_eq!(unknown.status, 400, "{}", unknown.body);

    let saved = put_guardrails(
        &berth.admin(),
        &json!({"host_path_prefixes": ["/srv/data/", "//srv/data"], "capabilities": ["cap_net_admin"], "sysctls": true}),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    let read = operator.get("/api/env/local/guardrails").json();
    assert_eq!(
        read["guardrails"]["host_path_prefixes"],
        json!(["/srv/data"])
    );
    assert_eq!(read["guardrails"]["capabilities"], json!(["NET_ADMIN"]));
    assert_eq!(read["guardrails"]["sysctls"], json!(true));
    assert_eq!(read["guardrails"]["privileged"], json!(false));
    assert_eq!(berth.admin().get("/api/env/nowhere/guardrails").status, 404);

    let audit = berth.admin().get("/api/audit?limit=50").json();
    let update = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| event["operation"] == "GuardrailsUpdate" && event["status"] == 200)
        .unwrap_or_else(|| panic!("no audited update: {audit}"))
        .clone();
    assert_eq!(update["actor"], "admin");
    assert_eq!(update["environment"], "local");
    assert!(
        update["detail"].as_str().unwrap().contains("\"NET_ADMIN\""),
        "{update}"
    );
}
