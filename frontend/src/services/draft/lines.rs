//! The docker CLI's line syntaxes for a service's list fields, read into the engine's JSON:
//! `--mount`, `--publish`, `--network`, `--secret` and `--config`, `--placement-pref`. One line
//! of the form's text is one flag's value.

use serde_json::{Map, Value, json};

use super::{Known, MOUNTS, PORTS, PREFERENCES};
use crate::containers::form::parse::lines;
use crate::field_error::FieldError;

/// `key=value,flag` options of one line, as the CLI's `--mount` and `--secret` take them.
pub(super) fn options(line: &str) -> Vec<(String, String)> {
    line.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((key, value)) => (key.trim().to_lowercase(), value.trim().to_owned()),
            None => (part.to_lowercase(), "true".to_owned()),
        })
        .collect()
}

pub(super) fn mounts(text: &str) -> Result<Vec<Value>, FieldError> {
    lines(text)
        .map(|line| {
            let mut mount = Map::new();
            let mut kind = "volume".to_owned();
            for (key, value) in options(line) {
                match key.as_str() {
                    "type" => kind = value,
                    "source" | "src" => { mount.insert("Source".into(), json!(value)); }
                    "target" | "destination" | "dst" => { mount.insert("Target".into(), json!(value)); }
                    "readonly" | "ro" => { mount.insert("ReadOnly".into(), json!(value != "false")); }
                    other => return Err(FieldError::new(MOUNTS, format!("\"{line}\": {other} is not a mount option Berth knows (type, source, target, readonly)"))),
                }
            }
            if !matches!(kind.as_str(), "volume" | "bind" | "tmpfs") {
                return Err(FieldError::new(MOUNTS, format!("\"{line}\": the type is volume, bind or tmpfs")));
            }
            if !mount.get("Target").and_then(Value::as_str).is_some_and(|t| t.starts_with('/')) {
                return Err(FieldError::new(MOUNTS, format!("\"{line}\" needs target=/absolute/path")));
            }
            if kind == "bind" && !mount.get("Source").and_then(Value::as_str).is_some_and(|s| s.starts_with('/')) {
                return Err(FieldError::new(MOUNTS, format!("\"{line}\": a bind needs source=/host/path")));
            }
            mount.insert("Type".into(), json!(kind));
            Ok(Value::Object(mount))
        })
        .collect()
}

pub(super) fn ports(text: &str) -> Result<Vec<Value>, FieldError> {
    let port = |line: &str, text: &str| -> Result<u32, FieldError> {
        text.trim()
            .parse::<u32>()
            .ok()
            .filter(|port| (1..=65535).contains(port))
            .ok_or_else(|| {
                FieldError::new(
                    PORTS,
                    format!("\"{line}\": {text} is not a port from 1 to 65535"),
                )
            })
    };
    lines(text)
        .map(|line| {
            let (mut published, mut target, mut protocol, mut mode) = (0, 0, "tcp".to_owned(), "ingress".to_owned());
            if line.contains('=') {
                for (key, value) in options(line) {
                    match key.as_str() {
                        "published" => published = port(line, &value)?,
                        "target" => target = port(line, &value)?,
                        "protocol" => protocol = value,
                        "mode" => mode = value,
                        other => return Err(FieldError::new(PORTS, format!("\"{line}\": {other} is not a port option (published, target, protocol, mode)"))),
                    }
                }
            } else {
                let (ports, proto) = line.split_once('/').unwrap_or((line, "tcp"));
                protocol = proto.to_owned();
                match ports.split_once(':') {
                    Some((outside, inside)) => {
                        published = port(line, outside)?;
                        target = port(line, inside)?;
                    }
                    None => target = port(line, ports)?,
                }
            }
            if target == 0 {
                return Err(FieldError::new(PORTS, format!("\"{line}\" needs the container's port")));
            }
            if !matches!(protocol.as_str(), "tcp" | "udp" | "sctp") {
                return Err(FieldError::new(PORTS, format!("\"{line}\": the protocol is tcp, udp or sctp")));
            }
            if !matches!(mode.as_str(), "ingress" | "host") {
                return Err(FieldError::new(PORTS, format!("\"{line}\": the mode is ingress or host")));
            }
            let mut value = json!({"Protocol": protocol, "TargetPort": target, "PublishMode": mode});
            if published > 0 {
                value["PublishedPort"] = json!(published);
            }
            Ok(value)
        })
        .collect()
}

pub(super) fn networks(text: &str) -> Vec<Value> {
    lines(text)
        .map(|line| {
            let mut parts = line.split(',').map(str::trim);
            let target = parts.next().unwrap_or_default().trim_start_matches("name=");
            let aliases: Vec<&str> = parts
                .filter_map(|part| part.strip_prefix("alias="))
                .collect();
            if aliases.is_empty() {
                json!({"Target": target})
            } else {
                json!({"Target": target, "Aliases": aliases})
            }
        })
        .collect()
}

pub(super) fn files(
    label: &'static str,
    text: &str,
    known: &[Known],
    secret: bool,
) -> Result<Vec<Value>, FieldError> {
    lines(text)
        .map(|line| {
            let given = options(line);
            let get = |key: &str| given.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
            // `db` alone means `source=db`.
            let source = get("source")
                .or_else(|| get("src"))
                .or_else(|| (!line.contains('=')).then(|| line.trim().to_owned()))
                .unwrap_or_default();
            let Some(found) = known.iter().find(|k| k.name == source || k.id == source) else {
                let what = if secret { "secret" } else { "config" };
                return Err(FieldError::new(
                    label,
                    format!("there is no {what} called {source}; create it first"),
                ));
            };
            let default_target = if secret {
                found.name.clone()
            } else {
                format!("/{}", found.name)
            };
            let mode = match get("mode") {
                None => 0o444,
                Some(text) => {
                    u32::from_str_radix(text.trim_start_matches("0o"), 8).map_err(|_| {
                        FieldError::new(
                            label,
                            format!("\"{line}\": the mode is octal, such as 0400"),
                        )
                    })?
                }
            };
            let (id_key, name_key) = if secret {
                ("SecretID", "SecretName")
            } else {
                ("ConfigID", "ConfigName")
            };
            Ok(json!({
                id_key: found.id,
                name_key: found.name,
                "File": {
                    "Name": get("target").unwrap_or(default_target),
                    "UID": get("uid").unwrap_or_else(|| "0".into()),
                    "GID": get("gid").unwrap_or_else(|| "0".into()),
                    "Mode": mode,
                },
            }))
        })
        .collect()
}

pub(super) fn preferences(text: &str) -> Result<Vec<Value>, FieldError> {
    lines(text)
        .map(|line| match line.split_once('=') {
            Some(("spread", descriptor)) if !descriptor.trim().is_empty() => {
                Ok(json!({"Spread": {"SpreadDescriptor": descriptor.trim()}}))
            }
            _ => Err(FieldError::new(
                PREFERENCES,
                format!("\"{line}\": write spread=node.labels.NAME"),
            )),
        })
        .collect()
}
