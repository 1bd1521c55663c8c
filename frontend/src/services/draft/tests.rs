//! The service draft against a real service's spec (dockerd 20.10's answer in the shared
//! fixtures) and against what users type.

use berth_shared::engine::lenient;
use berth_shared::engine::service::Service;
use serde_json::{Value, json};

use super::*;

fn fixture() -> (Service, Value) {
    let text = include_str!("../../../../shared/tests/fixtures/engine-1.41/service-list.json");
    let all: Vec<Value> = serde_json::from_str(text).expect("fixture is JSON");
    let raw = all
        .into_iter()
        .find(|service| service["Spec"]["Name"] == "web")
        .expect("the fixture has the web service");
    let service: Service = lenient::from_value(raw.clone()).expect("decodes");
    (service, raw)
}

fn known() -> KnownFiles {
    KnownFiles {
        secrets: vec![Known {
            id: "sec1".into(),
            name: "db".into(),
        }],
        configs: vec![Known {
            id: "cfg1".into(),
            name: "site".into(),
        }],
    }
}

#[test]
fn an_unchanged_form_gives_the_spec_back() {
    let (service, raw) = fixture();
    let draft = ServiceDraft::of(&service.spec);
    let applied = draft.apply(&raw["Spec"], &known()).expect("valid");
    let reread: ServiceSpec = lenient::from_value(applied.clone()).expect("decodes");
    assert_eq!(ServiceDraft::of(&reread), draft);
    // What the form does not show survives: the container's isolation and DNS settings.
    assert_eq!(
        applied["TaskTemplate"]["ContainerSpec"]["Isolation"],
        raw["Spec"]["TaskTemplate"]["ContainerSpec"]["Isolation"]
    );
    assert_eq!(
        applied["TaskTemplate"]["ContainerSpec"]["Args"],
        json!(["httpd", "-f", "-p", "80"])
    );
    assert_eq!(
        applied["TaskTemplate"]["Resources"]["Limits"]["MemoryBytes"],
        67_108_864
    );
    assert_eq!(applied["UpdateConfig"]["Order"], "start-first");
}

#[test]
fn a_new_service_has_what_was_typed() {
    let draft = ServiceDraft {
        name: "api".into(),
        image: "busybox:latest".into(),
        replicas: "3".into(),
        args: "sh -c 'echo hi; sleep 1d'".into(),
        env: "A=1\nB=two words".into(),
        ports: "8080:80\n53/udp\nmode=host,published=9000,target=9000".into(),
        mounts: "type=volume,source=data,target=/data\ntype=tmpfs,target=/tmp,readonly".into(),
        networks: "backend,alias=api".into(),
        secrets: "source=db,target=db_password,mode=0400".into(),
        configs: "site".into(),
        constraints: "node.role==worker".into(),
        preferences: "spread=node.labels.zone".into(),
        limit_memory: "64m".into(),
        limit_cpus: "0.5".into(),
        ..ServiceDraft::new_service()
    };
    let spec = draft.apply(&Value::Null, &known()).expect("valid");
    assert_eq!(spec["Mode"], json!({"Replicated": {"Replicas": 3}}));
    let container = &spec["TaskTemplate"]["ContainerSpec"];
    assert_eq!(container["Args"], json!(["sh", "-c", "echo hi; sleep 1d"]));
    assert_eq!(container["Env"], json!(["A=1", "B=two words"]));
    assert_eq!(container["Secrets"][0]["SecretID"], "sec1");
    assert_eq!(container["Secrets"][0]["File"]["Name"], "db_password");
    assert_eq!(container["Secrets"][0]["File"]["Mode"], 0o400);
    assert_eq!(container["Configs"][0]["ConfigID"], "cfg1");
    assert_eq!(container["Configs"][0]["File"]["Name"], "/site");
    assert_eq!(
        container["Mounts"][1],
        json!({"Type": "tmpfs", "Target": "/tmp", "ReadOnly": true})
    );
    let ports = &spec["EndpointSpec"]["Ports"];
    assert_eq!(
        ports[0],
        json!({"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"})
    );
    assert_eq!(
        ports[1],
        json!({"Protocol": "udp", "TargetPort": 53, "PublishMode": "ingress"})
    );
    assert_eq!(ports[2]["PublishMode"], "host");
    assert_eq!(
        spec["TaskTemplate"]["Networks"],
        json!([{"Target": "backend", "Aliases": ["api"]}])
    );
    assert_eq!(
        spec["TaskTemplate"]["Placement"]["Preferences"][0]["Spread"]["SpreadDescriptor"],
        "node.labels.zone"
    );
    assert_eq!(
        spec["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"],
        500_000_000
    );
    // No command typed: the image's entrypoint stays.
    assert!(container.get("Command").is_none());
}

#[test]
fn clearing_a_field_clears_it_in_the_spec() {
    let (service, raw) = fixture();
    let mut draft = ServiceDraft::of(&service.spec);
    draft.env.clear();
    draft.mounts.clear();
    draft.limit_memory.clear();
    let applied = draft.apply(&raw["Spec"], &known()).expect("valid");
    assert!(
        applied["TaskTemplate"]["ContainerSpec"]
            .get("Env")
            .is_none()
    );
    assert!(
        applied["TaskTemplate"]["ContainerSpec"]
            .get("Mounts")
            .is_none()
    );
    assert_eq!(
        applied["TaskTemplate"]["Resources"]["Limits"]["MemoryBytes"],
        0
    );
}

#[test]
fn a_pinned_digest_stays_unless_the_image_changes() {
    let base = json!({"TaskTemplate": {"ContainerSpec": {"Image": "nginx:1@sha256:abc"}}});
    let draft = ServiceDraft {
        name: "web".into(),
        image: "nginx:1".into(),
        ..ServiceDraft::new_service()
    };
    let same = draft.apply(&base, &known()).expect("valid");
    assert_eq!(
        same["TaskTemplate"]["ContainerSpec"]["Image"],
        "nginx:1@sha256:abc"
    );
    let other = ServiceDraft {
        image: "nginx:2".into(),
        ..draft
    };
    let changed = other.apply(&base, &known()).expect("valid");
    assert_eq!(changed["TaskTemplate"]["ContainerSpec"]["Image"], "nginx:2");
}

#[test]
fn wrong_fields_are_named() {
    let valid = ServiceDraft {
        name: "web".into(),
        image: "busybox".into(),
        ..ServiceDraft::new_service()
    };
    let wrong = |change: fn(&mut ServiceDraft)| {
        let mut draft = valid.clone();
        change(&mut draft);
        draft.apply(&Value::Null, &known()).unwrap_err().field
    };
    assert_eq!(wrong(|d| d.name.clear()), NAME);
    assert_eq!(wrong(|d| d.image = "has space".into()), IMAGE);
    assert_eq!(wrong(|d| d.replicas = "many".into()), REPLICAS);
    assert_eq!(wrong(|d| d.ports = "80:99999".into()), PORTS);
    assert_eq!(
        wrong(|d| d.mounts = "type=bind,source=rel,target=/x".into()),
        MOUNTS
    );
    assert_eq!(wrong(|d| d.mounts = "type=volume,source=x".into()), MOUNTS);
    assert_eq!(wrong(|d| d.secrets = "missing".into()), SECRETS);
    assert_eq!(wrong(|d| d.configs = "source=site,mode=rw".into()), CONFIGS);
    assert_eq!(wrong(|d| d.preferences = "zone".into()), PREFERENCES);
    assert_eq!(wrong(|d| d.limit_memory = "lots".into()), LIMIT_MEMORY);
    assert_eq!(wrong(|d| d.args = "'unclosed".into()), ARGS);
}

#[test]
fn modes_read_and_write_alike() {
    for mode in ["replicated", "global", "replicated-job", "global-job"] {
        let draft = ServiceDraft {
            name: "m".into(),
            image: "busybox".into(),
            mode: mode.into(),
            replicas: "2".into(),
            ..ServiceDraft::new_service()
        };
        let spec = draft.apply(&Value::Null, &known()).expect("valid");
        let read: ServiceSpec = lenient::from_value(spec).expect("decodes");
        assert_eq!(read.mode.name(), mode);
    }
}

#[test]
fn jobs_healthchecks_and_rollbacks_take_every_setting() {
    let draft = ServiceDraft {
        name: "batch".into(),
        image: "busybox".into(),
        mode: "replicated-job".into(),
        replicas: "6".into(),
        max_concurrent: "3".into(),
        health_cmd: "true".into(),
        health_start_period: "20s".into(),
        rollback: RolloutDraft {
            order: "start-first".into(),
            failure_action: "continue".into(),
            ..RolloutDraft::default()
        },
        ..ServiceDraft::new_service()
    };
    let spec = draft.apply(&Value::Null, &known()).expect("valid");
    assert_eq!(
        spec["Mode"],
        json!({"ReplicatedJob": {"MaxConcurrent": 3, "TotalCompletions": 6}})
    );
    assert_eq!(
        spec["TaskTemplate"]["ContainerSpec"]["Healthcheck"]["StartPeriod"],
        20_000_000_000i64
    );
    assert_eq!(spec["RollbackConfig"]["Order"], "start-first");
    assert_eq!(spec["RollbackConfig"]["FailureAction"], "continue");
    // And they read back into the form as typed.
    let read: ServiceSpec = lenient::from_value(spec).expect("decodes");
    let again = ServiceDraft::of(&read);
    assert_eq!(again.max_concurrent, "3");
    assert_eq!(again.health_start_period, "20s");
    assert_eq!(again.rollback.order, "start-first");
    assert_eq!(again.rollback.failure_action, "continue");
    let wrong = ServiceDraft {
        max_concurrent: "many".into(),
        ..draft
    };
    assert_eq!(
        wrong.apply(&Value::Null, &known()).unwrap_err().field,
        MAX_CONCURRENT
    );
}
