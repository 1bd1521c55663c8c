//! The guardrails' judgements, case by case: what a fenced actor's bodies and build queries may ask for.

use super::*;
use berth_shared::access::Role;
use serde_json::json;

fn ada() -> Actor {
    Actor {
        name: "ada".into(),
        role: Role::Operator,
    }
}

fn protected() -> Vec<String> {
    vec![
        "/run/docker.sock".to_owned(),
        "/run/berth-engines/primary/docker.sock".to_owned(),
        "/var/lib/berth".to_owned(),
    ]
}

fn judge(
    settings: &Guardrails,
    operation: &'static str,
    body: serde_json::Value,
) -> Result<(), String> {
    let actor = ada();
    let protected = protected();
    judge_body(
        Fence {
            actor: &actor,
            environment: "local",
            settings,
            protected: &protected,
        },
        operation,
        body.to_string().as_bytes(),
    )
    .map(drop)
    .map_err(|refusal| refusal.to_string())
}

fn create(host_config: serde_json::Value) -> serde_json::Value {
    json!({"Image": "busybox", "HostConfig": host_config})
}

/// Each body, refused under the restricted defaults with a message naming `expected`, and
/// allowed once `allow` changes the one setting it needs.
#[test]
fn each_setting_fences_its_field_and_nothing_else() {
    type Allow = fn(&mut Guardrails);
    let cases: Vec<(&'static str, serde_json::Value, &str, Allow)> = vec![
        (
            "ContainerCreate",
            create(json!({"Privileged": true})),
            "Berth refuses Privileged for operator 'ada' on environment 'local': an admin has not allowed privileged containers",
            |g| g.privileged = true,
        ),
        (
            "ContainerCreate",
            create(json!({"privileged": true})),
            "Privileged",
            |g| g.privileged = true,
        ),
        (
            "ContainerCreate",
            json!({"hostconfig": {"PRIVILEGED": 1}}),
            "Privileged",
            |g| g.privileged = true,
        ),
        (
            "ContainerCreate",
            create(json!({"Binds": ["/srv/data:/data:ro"]})),
            "Binds /srv/data:/data:ro for operator 'ada' on environment 'local': an admin has not allowed host paths",
            |g| g.host_path_prefixes = vec!["/srv".into()],
        ),
        (
            "ContainerCreate",
            create(json!({"Mounts": [{"Type": "bind", "Source": "/srv/x", "Target": "/x"}]})),
            "Mounts bind /srv/x",
            |g| g.host_path_prefixes = vec!["/srv/x".into()],
        ),
        (
            "ContainerCreate",
            create(
                json!({"Mounts": [{"Type": "volume", "Target": "/x", "VolumeOptions": {"DriverConfig": {"Name": "local", "Options": {"type": "none", "o": "bind", "device": "/srv/x"}}}}]}),
            ),
            "volume option device=/srv/x",
            |g| g.host_path_prefixes = vec!["/srv".into()],
        ),
        (
            "ContainerCreate",
            create(json!({"NetworkMode": "host"})),
            "NetworkMode host for operator 'ada' on environment 'local': an admin has not allowed the host's network namespace",
            |g| g.host_network = true,
        ),
        (
            "ContainerCreate",
            json!({"NetworkingConfig": {"EndpointsConfig": {"host": {}}}}),
            "NetworkingConfig host",
            |g| g.host_network = true,
        ),
        (
            "ContainerCreate",
            create(json!({"CapAdd": ["SYS_ADMIN"]})),
            "CapAdd SYS_ADMIN for operator 'ada' on environment 'local': an admin has not allowed adding SYS_ADMIN",
            |g| g.capabilities = vec!["SYS_ADMIN".into()],
        ),
        (
            "ContainerCreate",
            create(json!({"CapAdd": ["ALL"]})),
            "CapAdd ALL",
            |g| g.capabilities = vec!["ALL".into()],
        ),
        (
            "ContainerCreate",
            create(
                json!({"Devices": [{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"}]}),
            ),
            "Devices for operator 'ada' on environment 'local': an admin has not allowed host devices",
            |g| g.devices = true,
        ),
        (
            "ContainerCreate",
            create(json!({"DeviceCgroupRules": ["c *:* rwm"]})),
            "DeviceCgroupRules",
            |g| g.devices = true,
        ),
        (
            "ContainerCreate",
            create(json!({"DeviceRequests": [{"Count": -1}]})),
            "DeviceRequests",
            |g| g.devices = true,
        ),
        (
            "ContainerCreate",
            create(json!({"SecurityOpt": ["seccomp=unconfined"]})),
            "SecurityOpt seccomp=unconfined for operator 'ada' on environment 'local': an admin has not allowed unconfined security options",
            |g| g.unconfined = true,
        ),
        (
            "ContainerCreate",
            create(json!({"SecurityOpt": ["apparmor:unconfined"]})),
            "SecurityOpt apparmor:unconfined",
            |g| g.unconfined = true,
        ),
        (
            "ContainerCreate",
            create(json!({"SecurityOpt": ["label=disable"]})),
            "SecurityOpt label=disable",
            |g| g.unconfined = true,
        ),
        (
            "ContainerCreate",
            create(json!({"SecurityOpt": ["systempaths=unconfined"]})),
            "SecurityOpt systempaths=unconfined",
            |g| g.unconfined = true,
        ),
        (
            "ContainerCreate",
            create(json!({"MaskedPaths": []})),
            "MaskedPaths",
            |g| g.unconfined = true,
        ),
        (
            "ContainerCreate",
            create(json!({"Sysctls": {"net.ipv4.ip_forward": "1"}})),
            "Sysctls net.ipv4.ip_forward for operator 'ada' on environment 'local': an admin has not allowed sysctls",
            |g| g.sysctls = true,
        ),
        (
            "ContainerStart",
            json!({"Privileged": true}),
            "Privileged",
            |g| g.privileged = true,
        ),
        (
            "ContainerUpdate",
            json!({"Devices": [{"PathOnHost": "/dev/sda"}]}),
            "Devices",
            |g| g.devices = true,
        ),
        (
            "ContainerExec",
            json!({"Cmd": ["sh"], "Privileged": true}),
            "Privileged exec for operator 'ada' on environment 'local': an admin has not allowed privileged exec",
            |g| g.privileged_exec = true,
        ),
        (
            "ServiceCreate",
            json!({"TaskTemplate": {"ContainerSpec": {"Mounts": [{"Type": "bind", "Source": "/etc", "Target": "/etc"}]}}}),
            "Mounts bind /etc",
            |g| g.host_path_prefixes = vec!["/etc".into()],
        ),
        (
            "ServiceCreate",
            json!({"TaskTemplate": {"ContainerSpec": {"CapabilityAdd": ["NET_ADMIN"]}}}),
            "CapabilityAdd NET_ADMIN",
            |g| g.capabilities = vec!["NET_ADMIN".into()],
        ),
        (
            "ServiceUpdate",
            json!({"TaskTemplate": {"ContainerSpec": {"Sysctls": {"net.core.somaxconn": "1024"}}}}),
            "Sysctls net.core.somaxconn",
            |g| g.sysctls = true,
        ),
        (
            "ServiceUpdate",
            json!({"TaskTemplate": {"ContainerSpec": {"Privileges": {"Seccomp": {"Mode": "unconfined"}}}}}),
            "Privileges.Seccomp unconfined",
            |g| g.unconfined = true,
        ),
        (
            "ServiceCreate",
            json!({"TaskTemplate": {"Networks": [{"Target": "host"}]}}),
            "Networks host",
            |g| g.host_network = true,
        ),
        (
            "VolumeCreate",
            json!({"Name": "v", "DriverOpts": {"type": "none", "o": "bind", "device": "/srv/x"}}),
            "volume option device=/srv/x",
            |g| g.host_path_prefixes = vec!["/srv".into()],
        ),
        (
            "VolumeCreate",
            json!({"Name": "v", "DriverOpts": {"type": "ext4", "device": "/dev/sdb1"}}),
            "volume option device=/dev/sdb1",
            |g| g.host_path_prefixes = vec!["/dev/sdb1".into()],
        ),
        (
            "VolumeCreate",
            json!({"Name": "v", "DriverOpts": {"type": "overlay", "device": "overlay", "o": "lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/w"}}),
            "volume option o=lowerdir=/etc",
            |g| g.host_path_prefixes = vec!["/".into()],
        ),
    ];
    // The host's other namespaces: each `HostConfig` field set to `host` is refused with the
    // field named, and allowed by its own setting.
    let namespaces: [(&str, Allow); 5] = [
        ("PidMode", |g| g.host_pid = true),
        ("IpcMode", |g| g.host_ipc = true),
        ("UTSMode", |g| g.host_uts = true),
        ("UsernsMode", |g| g.host_userns = true),
        ("CgroupnsMode", |g| g.host_cgroupns = true),
    ];
    let namespaces = namespaces.map(|(field, allow)| {
        let body = create(json!({ field: "host" }));
        ("ContainerCreate", body, format!("{field} host"), allow)
    });
    let cases = cases
        .into_iter()
        .map(|(operation, body, expected, allow)| (operation, body, expected.to_owned(), allow))
        .chain(namespaces);
    for (operation, body, expected, allow) in cases {
        let refused = judge(&Guardrails::default(), operation, body.clone()).expect_err(&format!(
            "{operation} {body} passed the restricted defaults"
        ));
        assert!(refused.contains(&expected), "{operation} {body}: {refused}");
        let mut settings = Guardrails::default();
        allow(&mut settings);
        assert_eq!(
            judge(&settings, operation, body.clone()),
            Ok(()),
            "{operation} {body} with {settings:?}"
        );
    }
}

#[test]
fn ordinary_workloads_pass_the_restricted_defaults() {
    let settings = Guardrails::default();
    for (operation, body) in [
        (
            "ContainerCreate",
            json!({"Image": "nginx", "HostConfig": {"Binds": ["data:/data", "/anonymous"], "CapAdd": ["CHOWN"], "CapDrop": ["ALL"], "SecurityOpt": ["no-new-privileges"], "NetworkMode": "bridge", "PidMode": "container:x", "Mounts": [{"Type": "volume", "Source": "v", "Target": "/v"}, {"Type": "tmpfs", "Target": "/t"}]}, "NetworkingConfig": {"EndpointsConfig": {"web": {}}}}),
        ),
        (
            "ContainerCreate",
            json!({"Image": "nginx", "HostConfig": null}),
        ),
        (
            "ContainerUpdate",
            json!({"Memory": 1_000_000, "RestartPolicy": {"Name": "always"}}),
        ),
        (
            "ContainerExec",
            json!({"Cmd": ["sh"], "Privileged": false, "User": "root"}),
        ),
        ("ContainerStart", json!({})),
        (
            "VolumeCreate",
            json!({"Name": "v", "DriverOpts": {"type": "nfs", "o": "addr=10.0.0.1,rw", "device": ":/export"}}),
        ),
        (
            "VolumeCreate",
            json!({"Name": "v", "DriverOpts": {"type": "tmpfs", "device": "tmpfs", "o": "size=100m"}}),
        ),
        (
            "VolumeCreate",
            json!({"Name": "v", "Driver": "rexray", "DriverOpts": {"device": "/dev/x"}}),
        ),
        (
            "ServiceCreate",
            json!({"TaskTemplate": {"ContainerSpec": {"Image": "nginx", "Privileges": {"Seccomp": {"Mode": "default"}}}, "Networks": [{"Target": "overlay1"}]}}),
        ),
    ] {
        assert_eq!(
            judge(&settings, operation, body.clone()),
            Ok(()),
            "{operation} {body}"
        );
    }
    assert_eq!(
        judge_body(
            Fence {
                actor: &ada(),
                environment: "local",
                settings: &settings,
                protected: &[]
            },
            "ContainerCreate",
            b""
        ),
        Ok(Vec::new())
    );
}

#[test]
fn protected_paths_are_refused_whatever_the_settings() {
    let everything = Guardrails {
        host_path_prefixes: vec!["/".into()],
        ..Guardrails::default()
    };
    for bind in [
        "/:/host",
        "/var/run/docker.sock:/s",
        "/run/docker.sock:/s",
        "//run//docker.sock/:/s",
        "/run:/r",
        "/var/run:/r",
        "/var:/v",
        "/var/lib/berth:/b",
        "/var/lib/berth/berth.db:/b",
        "/run/berth-engines/primary:/e",
    ] {
        let refused = judge(
            &everything,
            "ContainerCreate",
            create(json!({"Binds": [bind]})),
        )
        .unwrap_err();
        assert!(
            refused.contains("which only admins may mount, whatever the settings"),
            "{bind}: {refused}"
        );
    }
    let dotted = judge(
        &everything,
        "ContainerCreate",
        create(json!({"Binds": ["/var/run/../run/docker.sock:/s"]})),
    )
    .unwrap_err();
    assert!(dotted.contains("it has a '..' segment"), "{dotted}");
    assert_eq!(
        judge(
            &everything,
            "ContainerCreate",
            create(json!({"Binds": ["/srv:/srv"]}))
        ),
        Ok(())
    );
}

#[test]
fn field_names_fold_as_the_engines_decoder_folds_them() {
    // U+017F LATIN SMALL LETTER LONG S folds to `s`, U+212A KELVIN SIGN to `k`.
    for body in [
        r#"{"HoſtConfig": {"Privileged": true}}"#,
        r#"{"HostConfig": {"Memory": 1}, "HostConfig": {"Privileged": true}}"#,
        r#"{"HostConfig": {"Privileged": true}, "hostconfig": {"Privileged": false}}"#,
        r#"{"HostConfig": {"Networ\u212aMode": "host"}}"#,
    ] {
        let actor = ada();
        let settings = Guardrails::default();
        let refused = judge_body(
            Fence {
                actor: &actor,
                environment: "local",
                settings: &settings,
                protected: &[],
            },
            "ContainerCreate",
            body.as_bytes(),
        );
        assert!(
            matches!(refused, Err(Refusal::Refused { .. })),
            "{body}: {refused:?}"
        );
    }
}

#[test]
fn bodies_that_cannot_be_judged_are_refused() {
    let actor = ada();
    let settings = Guardrails::default();
    let fence = Fence {
        actor: &actor,
        environment: "local",
        settings: &settings,
        protected: &[],
    };
    let bodies: [&[u8]; 4] = [
        b"{\"HostConfig\": ",
        b"not json",
        b"{\"HostConfig\": {\"Binds\": \"/:/h\"}}",
        b"\x1f\x8b\x08",
    ];
    for body in bodies {
        assert!(
            matches!(
                judge_body(fence, "ContainerCreate", body),
                Err(Refusal::Malformed { .. })
            ),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn borrowed_volumes_and_namespaces_are_judged_from_the_lender() {
    let actor = ada();
    let settings = Guardrails::default();
    let protected = protected();
    let fence = Fence {
        actor: &actor,
        environment: "local",
        settings: &settings,
        protected: &protected,
    };
    let body = json!({"HostConfig": {"VolumesFrom": ["berth:ro"], "NetworkMode": "container:proxy", "PidMode": "host1"}});
    let borrowed = judge_body(fence, "ContainerCreate", body.to_string().as_bytes()).unwrap();
    assert_eq!(
        borrowed,
        [
            Borrowed {
                field: "VolumesFrom",
                container: "berth".into()
            },
            Borrowed {
                field: "NetworkMode",
                container: "proxy".into()
            },
        ]
    );
    let lender = json!({"Mounts": [{"Type": "volume", "Source": "/var/lib/docker/volumes/x/_data"}, {"Type": "bind", "Source": "/run/docker.sock"}]});
    let refused = judge_borrowed(fence, "ContainerCreate", &borrowed[0], &lender)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("VolumesFrom berth (bind /run/docker.sock)"),
        "{refused}"
    );
    let volumes_only =
        json!({"Mounts": [{"Type": "volume", "Source": "/var/lib/docker/volumes/x/_data"}]});
    assert_eq!(
        judge_borrowed(fence, "ContainerCreate", &borrowed[0], &volumes_only),
        Ok(Vec::new())
    );
    let host = json!({"HostConfig": {"NetworkMode": "host"}});
    let refused = judge_borrowed(fence, "ContainerCreate", &borrowed[1], &host)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("NetworkMode container:proxy for operator 'ada'"),
        "{refused}"
    );
    let chained = json!({"HostConfig": {"NetworkMode": "container:next"}});
    assert_eq!(
        judge_borrowed(fence, "ContainerCreate", &borrowed[1], &chained),
        Ok(vec![Borrowed {
            field: "NetworkMode",
            container: "next".into()
        }])
    );
    let sneaky = json!({"HostConfig": {"VolumesFrom": ["../../info"]}});
    assert!(matches!(
        judge_body(fence, "ContainerCreate", sneaky.to_string().as_bytes()),
        Err(Refusal::Malformed { .. })
    ));
}

#[test]
fn build_queries_are_judged_after_decoding() {
    let actor = ada();
    let settings = Guardrails::default();
    let fence = Fence {
        actor: &actor,
        environment: "local",
        settings: &settings,
        protected: &[],
    };
    for query in [
        "networkmode=host",
        "t=x&networkmode=%68ost",
        "networkmode=default&networkmode=host",
        "NetworkMode=HOST",
    ] {
        let refused = judge_build_query(fence, query).unwrap_err().to_string();
        assert!(
            refused.contains("build networkmode=host"),
            "{query}: {refused}"
        );
    }
    for query in ["", "networkmode=default", "networkmode=none", "t=host"] {
        assert_eq!(judge_build_query(fence, query), Ok(()), "{query}");
    }
    let allowed = Guardrails {
        build_host_network: true,
        ..Guardrails::default()
    };
    assert_eq!(
        judge_build_query(
            Fence {
                settings: &allowed,
                ..fence
            },
            "networkmode=host"
        ),
        Ok(())
    );
}
