//! `berth backup` and `berth restore` with the real binary: a backup made while Berth serves,
//! restored into a new data directory, brings back the users (their passwords sign in) and
//! their API tokens, the audit log, a saved registry whose password still opens (a pull through
//! it works) and a TLS environment whose client key was sealed with the data directory's key
//! (so the key came back too). A restore over a data directory a server holds is refused and changes
//! nothing, a second server on it is refused, and a file that is not a backup is refused. A
//! store as an earlier release left it migrates forward on start.

use std::path::Path;
use std::process::Output;

use crate::registries::{pull_with_saved, push_with_saved, registries, save};
use crate::support::{
    Berth, PASSWORD, berth_command, docker, encode_query_value, unique_name, wait_for,
};

fn berth_in(data_dir: &Path, args: &[&str]) -> Output {
    berth_command(data_dir)
        .args(args)
        .output()
        .expect("berth runs")
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_backup_made_while_serving_restores_users_tokens_audit_registries_and_sealed_keys() {
    let registries = registries();
    let berth = Berth::start();
    berth.add_tls_environment("remote", "Remote", &[]);
    let admin = berth.admin();
    wait_for(|| (admin.get("/engine/remote/_ping").status == 200).then_some(()));
    // Something for the audit log to keep. The filter matches nothing: an unfiltered prune
    // would remove the stopped and created containers of tests running beside this one.
    let nothing = encode_query_value(&format!(
        r#"{{"label":["berth.test={}"]}}"#,
        unique_name("backup-prune")
    ));
    let pruned = admin.post(&format!("/engine/local/containers/prune?filters={nothing}"));
    assert_eq!(pruned.status, 200);
    // A saved registry, and an image on it that only its credentials can pull.
    let (status, saved) = save(&berth, &registries, "kept", &registries.password);
    assert_eq!(status, 201, "{saved}");
    let registry = saved["id"].as_i64().expect("a registry id").to_string();
    let image = format!("{}/{}:1", registries.auth, unique_name("backup"));
    docker(&["tag", "busybox:latest", &image]);
    push_with_saved(&admin, &image, &registry);
    docker(&["rmi", &image]);

    let kept = tempfile::tempdir().expect("temp dir");
    let file = kept.path().join("berth.backup");
    let file_text = file.to_str().expect("a UTF-8 path");
    let made = berth_in(berth.data_dir(), &["backup", "--to", file_text]);
    assert!(made.status.success(), "{}", said(&made));
    assert!(said(&made).contains("with registry.key"), "{}", said(&made));
    let again = berth_in(berth.data_dir(), &["backup", "--to", file_text]);
    assert!(!again.status.success());
    assert!(said(&again).contains("already exists"), "{}", said(&again));

    // The running server's data directory is not restored over, nor served twice.
    let refused = berth_in(berth.data_dir(), &["restore", "--from", file_text]);
    assert!(!refused.status.success());
    assert!(
        said(&refused).contains("in use by a running berth serve"),
        "{}",
        said(&refused)
    );
    let second = berth_command(berth.data_dir())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .expect("berth runs");
    assert!(!second.status.success());
    assert!(
        said(&second).contains("in use by a running berth serve"),
        "{}",
        said(&second)
    );
    assert_eq!(
        admin.get("/engine/local/_ping").status,
        200,
        "the server is untouched"
    );

    // Nor is a file that is not a backup.
    let bogus = kept.path().join("notes.txt");
    std::fs::write(&bogus, "not a backup").expect("a file");
    let target = tempfile::tempdir().expect("temp dir");
    let wrong = berth_in(
        target.path(),
        &["restore", "--from", bogus.to_str().expect("a UTF-8 path")],
    );
    assert!(!wrong.status.success());
    assert!(
        said(&wrong).contains("is not a Berth backup"),
        "{}",
        said(&wrong)
    );
    assert!(!target.path().join("berth.db").exists());

    let restored = berth_in(target.path(), &["restore", "--from", file_text]);
    assert!(restored.status.success(), "{}", said(&restored));
    let old_token = berth.admin_token.clone();
    drop(berth);

    let back = Berth::start_in(target, &[]);
    let client = back.with_token(&old_token);
    assert_eq!(
        client.get("/engine/local/_ping").status,
        200,
        "the old token works"
    );
    wait_for(|| (client.get("/engine/remote/_ping").status == 200).then_some(()));
    let audit = client.get("/api/audit?operation=ContainerPrune").json();
    let rows = audit["events"].as_array().expect("audit events");
    assert!(
        rows.iter().any(|row| row["environment"] == "local"),
        "the audit log came back: {audit}"
    );
    let signed_in = back.anonymous().login("admin", PASSWORD);
    assert_eq!(
        signed_in.status, 200,
        "the password signs in: {}",
        signed_in.body
    );
    // The registry's sealed password opens with the restored key: the pull gets the image.
    pull_with_saved(&client, &image, &registry);
    docker(&["rmi", &image]);
}

/// A store as an earlier release left it (`tests/fixtures/store-schema-4.sql`, made by the
/// command line at schema version 4) is migrated forward when `berth serve` starts on it: its
/// users, API token and environment all still work.
#[test]
fn a_store_from_an_earlier_release_migrates_forward_on_start() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let dump = include_str!("../fixtures/store-schema-4.sql");
    let token = include_str!("../fixtures/store-schema-4.token").trim();
    {
        let connection =
            rusqlite::Connection::open(data_dir.path().join("berth.db")).expect("a database");
        connection.execute_batch(dump).expect("the fixture loads");
        let version: i64 = connection
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .expect("a version");
        assert_eq!(version, 4);
    }
    let berth = Berth::start_in(data_dir, &[]);
    let ada = berth.with_token(token);
    assert_eq!(berth.anonymous().get("/engine/local/_ping").status, 401);
    assert_eq!(
        ada.get("/engine/local/_ping").status,
        200,
        "ada's token still works"
    );
    let listed = berth_in(berth.data_dir(), &["environment", "list"]);
    assert!(said(&listed).contains("Old NAS"), "{}", said(&listed));
    let users = berth_in(berth.data_dir(), &["user", "list"]);
    assert!(said(&users).contains("root"), "{}", said(&users));
    let connection = rusqlite::Connection::open(berth.data_dir().join("berth.db")).expect("opens");
    let version: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .expect("a version");
    assert!(version >= 4, "migrated to {version}");
}
