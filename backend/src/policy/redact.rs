//! What some roles must not see in answers they are otherwise allowed: swarm join tokens for
//! everyone but admins, and secret-looking environment values for viewers.

use berth_shared::secrets::{looks_secret, split_env};
use serde_json::Value;

use super::Role;

/// The placeholder that replaces a redacted value.
pub const REDACTED: &str = "<redacted by Berth>";

/// Whether answers to `operation` must be redacted before `role` sees them.
pub fn needs_redaction(operation: &str, role: Role) -> bool {
    match operation {
        "SwarmInspect" => role != Role::Admin,
        "ContainerInspect" | "ServiceInspect" | "ServiceList" | "TaskInspect" | "TaskList" => {
            role == Role::Viewer
        }
        _ => false,
    }
}

/// Redacts a decoded answer of `operation` in place.
pub fn redact(operation: &str, body: &mut Value) {
    match operation {
        "SwarmInspect" => {
            if let Some(tokens) = body.get_mut("JoinTokens").and_then(Value::as_object_mut) {
                for value in tokens.values_mut() {
                    *value = Value::String(REDACTED.to_owned());
                }
            }
        }
        "ContainerInspect" => redact_env(body.pointer_mut("/Config/Env")),
        "ServiceInspect" => redact_service(body),
        "ServiceList" => each(body, redact_service),
        "TaskInspect" => redact_task(body),
        "TaskList" => each(body, redact_task),
        _ => {}
    }
}

fn each(body: &mut Value, redact_one: fn(&mut Value)) {
    if let Some(items) = body.as_array_mut() {
        items.iter_mut().for_each(redact_one);
    }
}

fn redact_service(service: &mut Value) {
    redact_env(service.pointer_mut("/Spec/TaskTemplate/ContainerSpec/Env"));
    redact_env(service.pointer_mut("/PreviousSpec/TaskTemplate/ContainerSpec/Env"));
}

fn redact_task(task: &mut Value) {
    redact_env(task.pointer_mut("/Spec/ContainerSpec/Env"));
}

fn redact_env(env: Option<&mut Value>) {
    let Some(entries) = env.and_then(Value::as_array_mut) else {
        return;
    };
    for entry in entries {
        let Some(text) = entry.as_str() else {
            continue;
        };
        let (name, value) = split_env(text);
        if looks_secret(name, value) {
            *entry = Value::String(format!("{name}={REDACTED}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn join_tokens_are_hidden_from_all_but_admins() {
        assert!(needs_redaction("SwarmInspect", Role::Operator));
        assert!(!needs_redaction("SwarmInspect", Role::Admin));
        let mut swarm =
            json!({"ID": "s", "JoinTokens": {"Worker": "SWMTKN-1-w", "Manager": "SWMTKN-1-m"}});
        redact("SwarmInspect", &mut swarm);
        assert_eq!(swarm["JoinTokens"]["Worker"], REDACTED);
        assert_eq!(swarm["JoinTokens"]["Manager"], REDACTED);
        assert_eq!(swarm["ID"], "s");
    }

    #[test]
    fn viewers_do_not_see_secret_environment_values() {
        assert!(needs_redaction("ContainerInspect", Role::Viewer));
        assert!(!needs_redaction("ContainerInspect", Role::Operator));
        let mut container =
            json!({"Config": {"Env": ["PATH=/bin", "DB_PASSWORD=hunter2", "URL=https://u:p@h/"]}});
        redact("ContainerInspect", &mut container);
        assert_eq!(
            container["Config"]["Env"],
            json!([
                "PATH=/bin",
                format!("DB_PASSWORD={REDACTED}"),
                format!("URL={REDACTED}")
            ])
        );
    }

    #[test]
    fn service_and_task_lists_are_redacted_item_by_item() {
        let mut services =
            json!([{"Spec": {"TaskTemplate": {"ContainerSpec": {"Env": ["API_TOKEN=t"]}}}}]);
        redact("ServiceList", &mut services);
        assert_eq!(
            services[0]["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"][0],
            format!("API_TOKEN={REDACTED}")
        );
        let mut tasks = json!([{"Spec": {"ContainerSpec": {"Env": ["SECRET=s", "A=b"]}}}]);
        redact("TaskList", &mut tasks);
        assert_eq!(
            tasks[0]["Spec"]["ContainerSpec"]["Env"],
            json!([format!("SECRET={REDACTED}"), "A=b"])
        );
    }
}
