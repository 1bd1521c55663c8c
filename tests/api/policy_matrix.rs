//! A snapshot of the whole role × operation matrix: every Engine API operation, the path it is
//! reached by, and what the policy decides for each role. Any change to the policy's table or
//! to how paths map to operations shows in review as a change of `policy_matrix.txt`.
//!
//! Update the snapshot with `UPDATE_EXPECT=1 cargo test -p berth --test api policy`.

use std::fmt::Write as _;

use berth::policy::operations::OPERATIONS;
use berth::policy::{self, Actor, EngineRequest, Role};

/// A concrete path for a template: one segment per parameter, two for the names that may span
/// several (`registry:5000/team/app`), so both kinds of matching are exercised.
fn concrete(template: &str) -> String {
    let spans = template.starts_with("/images/")
        || template.starts_with("/distribution/")
        || template.starts_with("/plugins/");
    let name = if spans { "team/app" } else { "x" };
    format!(
        "/v1.51{}",
        template.replace("{id}", "x").replace("{name}", name)
    )
}

fn decision(role: Role, method: &str, path: &str) -> String {
    let actor = Actor {
        name: role.to_string(),
        role,
    };
    let request = EngineRequest {
        environment: "local",
        method,
        path,
    };
    match policy::authorize(&actor, &request) {
        Ok(authorized) => format!("allow:{}", authorized.operation.id),
        Err(policy::Denied::NotPermitted { .. }) => "deny".to_owned(),
        Err(other) => format!("refuse ({other})"),
    }
}

#[test]
fn the_role_operation_matrix_is_as_reviewed() {
    let mut table = String::from("operation | method path | viewer | operator | admin\n");
    for operation in OPERATIONS {
        let path = concrete(operation.path);
        let decisions: Vec<String> = [Role::Viewer, Role::Operator, Role::Admin]
            .into_iter()
            .map(|role| {
                let decided = decision(role, operation.method, &path);
                // The operation a path maps to is part of the snapshot only when it is not the
                // row's own: a path that reaches another operation is what review must see.
                match decided.strip_prefix("allow:") {
                    Some(id) if id == operation.id => "allow".to_owned(),
                    Some(id) => format!("allow as {id}"),
                    None => decided,
                }
            })
            .collect();
        let _ = writeln!(
            table,
            "{} | {} {} | {}",
            operation.id,
            operation.method,
            operation.path,
            decisions.join(" | ")
        );
    }
    expect_test::expect_file!["policy_matrix.txt"].assert_eq(&table);
}
