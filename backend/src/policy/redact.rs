//! What some roles must not see in answers they are otherwise allowed: swarm join tokens for
//! everyone but admins, and for roles that must not see secrets ([`Role::sees_secrets`]) every
//! place an answer can carry one: environment values (containers, images, services, tasks,
//! plugins), `NAME=secret` words in command lines (containers, images, image history with its
//! build arguments and `ENV` lines), volume and mount driver options
//! (a CIFS `password=`), log-driver options, config data, and exec command lines, in exec
//! inspect answers and in the event stream.
//!
//! Redaction keeps an answer's shape, so clients decode it as usual: a secret value becomes
//! [`REDACTED`], and config data (base64) becomes the base64 of [`REDACTED`].

use base64::Engine as _;
use berth_shared::secrets::{looks_secret, split_env};
use serde_json::{Map, Value};

use super::Role;

/// The placeholder that replaces a redacted value.
pub const REDACTED: &str = "<redacted by Berth>";

/// The operations whose answers can carry secrets for roles that must not see them.
const SECRET_BEARING: [&str; 17] = [
    "ContainerList",
    "ContainerInspect",
    "ImageInspect",
    "ImageHistory",
    "VolumeInspect",
    "VolumeList",
    "SystemDataUsage",
    "PluginInspect",
    "PluginList",
    "ConfigInspect",
    "ConfigList",
    "ExecInspect",
    "ServiceInspect",
    "ServiceList",
    "TaskInspect",
    "TaskList",
    "SystemEvents",
];

/// Whether answers to `operation` must be redacted before `role` sees them.
pub fn needs_redaction(operation: &str, role: Role) -> bool {
    match operation {
        "SwarmInspect" => role != Role::Admin,
        _ => !role.sees_secrets() && SECRET_BEARING.contains(&operation),
    }
}

/// Whether `operation` answers with a stream of JSON lines, redacted one line at a time with
/// [`redact_event`], rather than with one JSON document for [`redact`].
pub fn streams_lines(operation: &str) -> bool {
    operation == "SystemEvents"
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
        "ContainerList" => each(Some(body), redact_container_summary),
        "ContainerInspect" => redact_container(body),
        "ImageInspect" => redact_image(body),
        "ImageHistory" => each(Some(body), redact_history_entry),
        "VolumeInspect" => redact_volume(body),
        "VolumeList" => each(body.get_mut("Volumes"), redact_volume),
        "SystemDataUsage" => {
            each(body.get_mut("Containers"), redact_container_summary);
            each(body.get_mut("Volumes"), redact_volume);
        }
        "PluginInspect" => redact_plugin(body),
        "PluginList" => each(Some(body), redact_plugin),
        "ConfigInspect" => redact_config_data(body),
        "ConfigList" => each(Some(body), redact_config_data),
        "ExecInspect" => redact_exec(body),
        "ServiceInspect" => redact_service(body),
        "ServiceList" => each(Some(body), redact_service),
        "TaskInspect" => redact_task(body),
        "TaskList" => each(Some(body), redact_task),
        "SystemEvents" => redact_event(body),
        _ => {}
    }
}

/// Redacts one event of the `/events` stream: the command line of `exec_create` and
/// `exec_start`, which the engine appends to the action (`exec_create: sh -c …`).
pub fn redact_event(event: &mut Value) {
    for field in ["Action", "status"] {
        let Some(Value::String(action)) = event.get_mut(field) else {
            continue;
        };
        let Some((verb, command)) = action.split_once(": ") else {
            continue;
        };
        if matches!(verb, "exec_create" | "exec_start") && !command.is_empty() {
            *action = format!("{verb}: {REDACTED}");
        }
    }
}

fn each(items: Option<&mut Value>, redact_one: fn(&mut Value)) {
    if let Some(items) = items.and_then(Value::as_array_mut) {
        items.iter_mut().for_each(redact_one);
    }
}

fn redact_container_summary(container: &mut Value) {
    redact_command(container.get_mut("Command"));
}

fn redact_container(container: &mut Value) {
    redact_command(container.get_mut("Args"));
    redact_config(container.get_mut("Config"));
    redact_options(container.pointer_mut("/HostConfig/LogConfig/Config"));
    redact_mounts(container.pointer_mut("/HostConfig/Mounts"));
}

fn redact_image(image: &mut Value) {
    redact_config(image.get_mut("Config"));
    redact_config(image.get_mut("ContainerConfig"));
}

/// A container configuration, as containers and images carry it: its environment and the
/// command lines it runs.
fn redact_config(config: Option<&mut Value>) {
    if let Some(config) = config {
        redact_env(config.get_mut("Env"));
        redact_command(config.get_mut("Cmd"));
        redact_command(config.get_mut("Entrypoint"));
    }
}

/// A command line, as one string or as its words: each `NAME=value` word that looks secret
/// (`sh -c "API_TOKEN=… serve"`) loses its value.
fn redact_command(command: Option<&mut Value>) {
    match command {
        Some(Value::String(line)) => *line = redact_assignments(line),
        Some(Value::Array(words)) => {
            for word in words {
                if let Value::String(line) = word {
                    *line = redact_assignments(line);
                }
            }
        }
        _ => {}
    }
}

/// `CreatedBy` is the instruction that made a layer: `ENV DB_PASSWORD=…`, or a `RUN` with the
/// build arguments in force (`|1 API_TOKEN=… /bin/sh -c …`).
fn redact_history_entry(entry: &mut Value) {
    if let Some(Value::String(created_by)) = entry.get_mut("CreatedBy") {
        *created_by = redact_assignments(created_by);
    }
}

/// Replaces the value of every `NAME=value` word of a command line whose name or value looks
/// secret, keeping the spacing of the rest.
fn redact_assignments(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        match word.split_once('=') {
            Some((name, value)) if !name.is_empty() && looks_secret(name, value) => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(word),
        }
        let space_end = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        out.push_str(&after[..space_end]);
        rest = &after[space_end..];
    }
    out
}

fn redact_volume(volume: &mut Value) {
    redact_options(volume.get_mut("Options"));
}

fn redact_mounts(mounts: Option<&mut Value>) {
    each(mounts, |mount| {
        redact_options(mount.pointer_mut("/VolumeOptions/DriverConfig/Options"));
    });
}

fn redact_plugin(plugin: &mut Value) {
    redact_env(plugin.pointer_mut("/Settings/Env"));
    // The plugin's declared variables, with their defaults: `{"Name": …, "Value": …}`.
    each(plugin.pointer_mut("/Config/Env"), |variable| {
        let name = variable.get("Name").and_then(Value::as_str).unwrap_or("");
        let secret = variable
            .get("Value")
            .and_then(Value::as_str)
            .is_some_and(|value| looks_secret(name, value));
        if secret {
            variable["Value"] = Value::String(REDACTED.to_owned());
        }
    });
}

/// Config data is a whole file, such as a server configuration with its passwords in it.
fn redact_config_data(config: &mut Value) {
    if let Some(data) = config.pointer_mut("/Spec/Data") {
        *data = Value::String(base64::engine::general_purpose::STANDARD.encode(REDACTED));
    }
}

/// An exec's arguments are a command line typed by whoever started it (`mysql -p…`).
fn redact_exec(exec: &mut Value) {
    if let Some(Value::Array(arguments)) = exec.pointer_mut("/ProcessConfig/arguments")
        && !arguments.is_empty()
    {
        *arguments = vec![Value::String(REDACTED.to_owned())];
    }
}

fn redact_service(service: &mut Value) {
    for spec in ["/Spec", "/PreviousSpec"] {
        if let Some(spec) = service.pointer_mut(spec) {
            redact_container_spec(spec.pointer_mut("/TaskTemplate/ContainerSpec"));
            redact_options(spec.pointer_mut("/TaskTemplate/LogDriver/Options"));
        }
    }
}

fn redact_task(task: &mut Value) {
    redact_container_spec(task.pointer_mut("/Spec/ContainerSpec"));
    redact_options(task.pointer_mut("/Spec/LogDriver/Options"));
}

fn redact_container_spec(spec: Option<&mut Value>) {
    if let Some(spec) = spec {
        redact_env(spec.get_mut("Env"));
        redact_mounts(spec.get_mut("Mounts"));
    }
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

/// Driver options (`{"o": "username=u,password=p", "type": "cifs"}`): a value whose key looks
/// secret is redacted whole; otherwise each of its comma-separated `key=value` items is judged
/// on its own, as mount options are.
fn redact_options(options: Option<&mut Value>) {
    let Some(options) = options.and_then(Value::as_object_mut) else {
        return;
    };
    redact_option_map(options);
}

fn redact_option_map(options: &mut Map<String, Value>) {
    for (key, value) in options.iter_mut() {
        let Value::String(text) = value else {
            continue;
        };
        if looks_secret(key, text) {
            *text = REDACTED.to_owned();
            continue;
        }
        if text.contains('=') {
            *text = text
                .split(',')
                .map(|item| match item.split_once('=') {
                    Some((name, value)) if looks_secret(name, value) => {
                        format!("{name}={REDACTED}")
                    }
                    _ => item.to_owned(),
                })
                .collect::<Vec<_>>()
                .join(",");
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
    fn only_roles_kept_from_secrets_are_redacted() {
        for operation in SECRET_BEARING {
            assert!(needs_redaction(operation, Role::Viewer), "{operation}");
            assert!(!needs_redaction(operation, Role::Operator), "{operation}");
            assert!(!needs_redaction(operation, Role::Admin), "{operation}");
        }
        assert!(!needs_redaction("ImageList", Role::Viewer));
    }

    /// One row per place a secret hides: the operation, the answer, the JSON pointer of the
    /// value after redaction, and what must be there.
    #[test]
    fn every_secret_bearing_answer_is_redacted_where_the_secret_is() {
        let hidden = format!("DB_PASSWORD={REDACTED}");
        let cases: Vec<(&str, Value, &str, Value)> = vec![
            (
                "ContainerInspect",
                json!({"Config": {"Env": ["PATH=/bin", "DB_PASSWORD=hunter2"]}}),
                "/Config/Env",
                json!(["PATH=/bin", hidden]),
            ),
            (
                "ContainerInspect",
                json!({"HostConfig": {"LogConfig": {"Config": {"splunk-token": "t", "tag": "x"}}}}),
                "/HostConfig/LogConfig/Config",
                json!({"splunk-token": REDACTED, "tag": "x"}),
            ),
            (
                "ContainerInspect",
                json!({"HostConfig": {"Mounts": [{"VolumeOptions": {"DriverConfig": {"Options": {"o": "addr=h,password=p"}}}}]}}),
                "/HostConfig/Mounts/0/VolumeOptions/DriverConfig/Options/o",
                json!(format!("addr=h,password={REDACTED}")),
            ),
            (
                "ContainerList",
                json!([{"Command": "sh -c 'DB_PASSWORD=hunter2 serve'"}]),
                "/0/Command",
                json!(format!("sh -c '{hidden} serve'")),
            ),
            (
                "ContainerInspect",
                json!({"Args": ["-c", "API_TOKEN=hunter2 run"], "Config": {"Cmd": ["sh", "-c", "API_TOKEN=hunter2 run"]}}),
                "/Config/Cmd/2",
                json!(format!("API_TOKEN={REDACTED} run")),
            ),
            (
                "ImageInspect",
                json!({"Config": {"Env": ["DB_PASSWORD=hunter2"]}, "ContainerConfig": {"Env": ["DB_PASSWORD=hunter2"]}}),
                "/ContainerConfig/Env/0",
                json!(hidden),
            ),
            (
                "ImageHistory",
                json!([{"CreatedBy": "RUN |2 API_TOKEN=tok  MODE=x /bin/sh -c true"}]),
                "/0/CreatedBy",
                json!(format!(
                    "RUN |2 API_TOKEN={REDACTED}  MODE=x /bin/sh -c true"
                )),
            ),
            (
                "ImageHistory",
                json!([{"CreatedBy": "/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2"}]),
                "/0/CreatedBy",
                json!(format!("/bin/sh -c #(nop)  ENV {hidden}")),
            ),
            (
                "VolumeInspect",
                json!({"Options": {"type": "cifs", "o": "username=u,password=hunter2"}}),
                "/Options",
                json!({"type": "cifs", "o": format!("username=u,password={REDACTED}")}),
            ),
            (
                "VolumeList",
                json!({"Volumes": [{"Options": {"password": "hunter2"}}]}),
                "/Volumes/0/Options/password",
                json!(REDACTED),
            ),
            (
                "SystemDataUsage",
                json!({"Containers": [{"Command": "run --db-password=hunter2"}]}),
                "/Containers/0/Command",
                json!(format!("run --db-password={REDACTED}")),
            ),
            (
                "SystemDataUsage",
                json!({"Volumes": [{"Options": {"o": "password=hunter2"}}]}),
                "/Volumes/0/Options/o",
                json!(format!("password={REDACTED}")),
            ),
            (
                "PluginInspect",
                json!({"Settings": {"Env": ["DB_PASSWORD=hunter2"]}, "Config": {"Env": [{"Name": "SECRET", "Value": "s"}]}}),
                "/Config/Env/0/Value",
                json!(REDACTED),
            ),
            (
                "PluginList",
                json!([{"Settings": {"Env": ["DB_PASSWORD=hunter2"]}}]),
                "/0/Settings/Env/0",
                json!(hidden),
            ),
            (
                "ConfigInspect",
                json!({"Spec": {"Name": "c", "Data": "cGFzc3dvcmQ9aHVudGVyMg=="}}),
                "/Spec/Data",
                json!(base64::engine::general_purpose::STANDARD.encode(REDACTED)),
            ),
            (
                "ConfigList",
                json!([{"Spec": {"Data": "eA=="}}]),
                "/0/Spec/Data",
                json!(base64::engine::general_purpose::STANDARD.encode(REDACTED)),
            ),
            (
                "ExecInspect",
                json!({"ProcessConfig": {"entrypoint": "mysql", "arguments": ["-phunter2"]}}),
                "/ProcessConfig",
                json!({"entrypoint": "mysql", "arguments": [REDACTED]}),
            ),
            (
                "ServiceList",
                json!([{"Spec": {"TaskTemplate": {"ContainerSpec": {"Env": ["API_TOKEN=t"]}}}}]),
                "/0/Spec/TaskTemplate/ContainerSpec/Env/0",
                json!(format!("API_TOKEN={REDACTED}")),
            ),
            (
                "ServiceInspect",
                json!({"PreviousSpec": {"TaskTemplate": {"LogDriver": {"Options": {"token": "t"}}}}}),
                "/PreviousSpec/TaskTemplate/LogDriver/Options/token",
                json!(REDACTED),
            ),
            (
                "TaskList",
                json!([{"Spec": {"ContainerSpec": {"Env": ["SECRET=s", "A=b"]}}}]),
                "/0/Spec/ContainerSpec/Env",
                json!([format!("SECRET={REDACTED}"), "A=b"]),
            ),
            (
                "SystemEvents",
                json!({"status": "exec_create: sh -c echo hunter2", "Action": "exec_start: sh -c echo hunter2"}),
                "",
                json!({"status": format!("exec_create: {REDACTED}"), "Action": format!("exec_start: {REDACTED}")}),
            ),
            (
                "SystemEvents",
                json!({"Action": "exec_die", "Type": "container"}),
                "/Action",
                json!("exec_die"),
            ),
        ];
        for (operation, mut answer, pointer, expected) in cases {
            assert!(needs_redaction(operation, Role::Viewer), "{operation}");
            redact(operation, &mut answer);
            assert_eq!(
                answer.pointer(pointer),
                Some(&expected),
                "{operation} {pointer}: {answer}"
            );
            assert!(
                !answer.to_string().contains("hunter2"),
                "{operation}: {answer}"
            );
        }
    }

    #[test]
    fn harmless_values_are_kept() {
        let mut volume =
            json!({"Options": {"type": "nfs", "o": "addr=10.0.0.1,rw", "device": ":/x"}});
        let before = volume.clone();
        redact("VolumeInspect", &mut volume);
        assert_eq!(volume, before);
        assert_eq!(redact_assignments("  ENV MODE=prod  "), "  ENV MODE=prod  ");
    }
}
