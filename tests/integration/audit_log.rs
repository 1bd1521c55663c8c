//! The audit log against the real binary and engine: what a change's record says (its query
//! and the security-relevant fields of its body), the retention an admin sets and the pruning
//! it drives, and a full disk, which refuses changes clearly and leaves the store intact.

use std::io::Write;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::{Berth, TestContainer, audit, docker};

#[test]
fn records_name_the_query_and_the_fields_that_matter() {
    let berth = Berth::start();
    let container = TestContainer::running("fields");
    let admin = berth.admin();
    let exec = admin.post_json(
        &format!("/engine/local/containers/{}/exec", container.name),
        &json!({"User": "root", "Privileged": false, "Cmd": ["id", "-u"], "AttachStdout": true}),
    );
    assert_eq!(exec.status, 201, "{}", exec.body);
    let pull = admin.post("/engine/local/images/create?fromImage=127.0.0.1:1/berth/none&tag=x");
    assert!(pull.status >= 200, "{}", pull.body);
    let removed = admin.delete(&format!(
        "/engine/local/containers/{}?force=1&v=1",
        container.name
    ));
    assert_eq!(removed.status, 204, "{}", removed.body);
    // (operation, what the target contains, what the detail contains)
    let cases = [
        (
            "ContainerExec",
            "/exec",
            r#"User="root" Privileged=false Cmd=["id","-u"]"#,
        ),
        ("ImageCreate", "fromImage=127.0.0.1:1/berth/none&tag=x", ""),
        ("ContainerDelete", "force=1&v=1", ""),
    ];
    for (operation, target, detail) in cases {
        let rows = audit(&berth, &format!("operation={operation}"));
        let row = rows
            .first()
            .unwrap_or_else(|| panic!("no {operation} record"));
        assert!(
            row["target"].as_str().unwrap().contains(target),
            "{operation}: {row}"
        );
        assert!(
            row["detail"].as_str().unwrap_or_default().contains(detail),
            "{operation}: {row}"
        );
    }
}

#[test]
fn admins_set_the_retention_and_pruning_is_recorded() {
    let berth = Berth::start();
    let admin = berth.admin();
    assert_eq!(admin.get("/api/audit/retention").json()["days"], 400);
    // A record from long ago, written as an older Berth would have.
    let database = berth.data_dir().join("berth.db");
    let connection = rusqlite::Connection::open(&database).unwrap();
    connection
        .busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    connection
        .execute(
            "INSERT INTO audit (at_ms, actor, credential, source, remote_addr, operation, method, \
             target, status) VALUES (86400000, 'ancient', 'token', 'gateway', '127.0.0.1', \
             'ContainerStop', 'POST', '/containers/x/stop', 204)",
            [],
        )
        .unwrap();
    drop(connection);
    assert_eq!(audit(&berth, "actor=ancient").len(), 1);

    let viewer = berth.with_token(&berth.token_for("viewer"));
    let put = |client: &crate::support::Client, days: Value| {
        client.send_json("PUT", "/api/audit/retention", &json!({ "days": days }))
    };
    // (who, days, status)
    let refusals = [
        (&viewer, json!(30), 403),
        (&admin, json!(0), 400),
        (&admin, json!(40_000), 400),
    ];
    for (client, days, status) in refusals {
        let reply = put(client, days.clone());
        assert_eq!(reply.status, status, "{days}: {}", reply.body);
    }
    let set = put(&admin, json!(30));
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(admin.get("/api/audit/retention").json()["days"], 30);
    assert!(
        audit(&berth, "actor=ancient").is_empty(),
        "the old record is pruned"
    );
    let pruned = audit(&berth, "operation=AuditPrune");
    assert_eq!(pruned.len(), 1, "{pruned:?}");
    assert_eq!(pruned[0]["actor"], "admin");
    assert!(
        pruned[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("1 records older than 30 days removed"),
        "{}",
        pruned[0]
    );
    let changed = audit(&berth, "operation=AuditRetentionSet");
    assert!(
        changed[0]["target"]
            .as_str()
            .unwrap()
            .contains("400 to 30 days"),
        "{changed:?}"
    );
}

#[test]
fn a_full_disk_refuses_changes_clearly_and_never_corrupts_the_store() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let path = data_dir.path().to_owned();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&path)
        .status()
        .expect("mount runs");
    assert!(
        mounted.success(),
        "mounting a small tmpfs failed: this test needs root, as `make test` runs"
    );
    // Declared before the server, so it is dropped after it.
    let _unmount = Unmount(path.clone());
    let berth = Berth::start_in(data_dir, &[]);
    let container = TestContainer::running("fulldisk");
    // Fill what is left of the disk.
    let filler_path = path.join("filler");
    let mut filler = std::fs::File::create(&filler_path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while filler.write_all(&chunk).is_ok() {}
    let _ = filler.flush();
    drop(filler);
    // SQLite may still have room in pages it holds; harmless audited requests use it up.
    let admin = berth.admin();
    let mut refusal = None;
    for _ in 0..5000 {
        let reply = admin.post("/engine/local/containers/berth-it-none/stop");
        if reply.status == 507 {
            refusal = Some(reply);
            break;
        }
        assert_eq!(reply.status, 404, "{}", reply.body);
    }
    let refusal = refusal.expect("a full disk refuses audited changes");
    assert!(
        refusal
            .message()
            .contains("disk holding Berth's data directory is full"),
        "{}",
        refusal.body
    );
    let stop = admin.post(&format!(
        "/engine/local/containers/{}/stop?t=0",
        container.name
    ));
    assert_eq!(stop.status, 507, "{}", stop.body);
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Running}}", &container.name]),
        "true",
        "nothing is done that could not be recorded"
    );
    // With room again, Berth carries on, and the store is intact.
    std::fs::remove_file(&filler_path).unwrap();
    let stop = admin.post(&format!(
        "/engine/local/containers/{}/stop?t=0",
        container.name
    ));
    assert_eq!(stop.status, 204, "{}", stop.body);
    let stops = audit(&berth, "operation=ContainerStop");
    assert!(stops.iter().any(|row| row["status"] == 204), "{stops:?}");
    let connection = rusqlite::Connection::open(path.join("berth.db")).unwrap();
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

/// Unmounts a small disk when dropped, after the server using it is gone, and removes its
/// mount point.
struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}
