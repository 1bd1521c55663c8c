//! The create form following an environment's guardrails: which of the form's requests an admin
//! has not allowed a non-admin, each named by its field, so the form can say why before it sends
//! anything. The server decides ([`berth_shared::guardrails`] holds the rules both use); this only
//! keeps the form from offering what it would refuse. Pure, tested natively.

use berth_shared::engine::container::HostConfig;
use berth_shared::guardrails::{GuardrailsView, normalize_host_path, protected_path_for};

use crate::field_error::FieldError;

/// What the settings say about host paths, for the volumes field's hint.
pub fn host_paths_hint(view: &GuardrailsView) -> String {
    let prefixes = &view.guardrails.host_path_prefixes;
    if prefixes.is_empty() {
        "An admin has not allowed host paths here: use named volumes.".to_owned()
    } else {
        format!("Host paths are allowed only under {}.", prefixes.join(", "))
    }
}

/// The fields of a create request that the guardrails of `view` refuse.
pub fn fenced_fields(host: &HostConfig, view: &GuardrailsView) -> Vec<FieldError> {
    let settings = &view.guardrails;
    let mut errors = Vec::new();
    if host.privileged && !settings.privileged {
        errors.push(FieldError {
            field: "privileged",
            message: "Privileged: an admin has not allowed privileged containers here".to_owned(),
        });
    }
    if host.network_mode == "host" && !settings.host_network {
        errors.push(FieldError {
            field: "network",
            message: "Network: an admin has not allowed the host's network here".to_owned(),
        });
    }
    for bind in &host.binds {
        let source = bind.split(':').next().unwrap_or_default();
        if !source.contains('/') {
            continue;
        }
        let refusal = match normalize_host_path(source) {
            Err(reason) => Some(format!("Berth cannot judge {source}: {reason}")),
            Ok(path) => match protected_path_for(&path, &view.protected_paths) {
                Some(guarded) => Some(format!(
                    "{source} would expose {guarded}, which only admins may mount"
                )),
                None if !settings.allows_host_path(&path) => Some(host_paths_hint(view)),
                None => None,
            },
        };
        if let Some(reason) = refusal {
            errors.push(FieldError {
                field: "volumes",
                message: format!("Volumes: \"{bind}\": {reason}"),
            });
        }
    }
    for capability in host.cap_add.iter().flatten() {
        if !settings.allows_capability(capability) {
            errors.push(FieldError {
                field: "cap_add",
                message: format!(
                    "Add capabilities: an admin has not allowed adding {capability} here"
                ),
            });
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use berth_shared::guardrails::Guardrails;

    use super::*;

    fn view(guardrails: Guardrails) -> GuardrailsView {
        GuardrailsView {
            environment: "local".into(),
            guardrails,
            protected_paths: vec!["/run/docker.sock".into()],
        }
    }

    fn fields(host: &HostConfig, guardrails: Guardrails) -> Vec<&'static str> {
        fenced_fields(host, &view(guardrails))
            .into_iter()
            .map(|error| error.field)
            .collect()
    }

    #[test]
    fn each_refused_request_names_its_field() {
        let host = HostConfig {
            privileged: true,
            network_mode: "host".into(),
            binds: vec!["data:/data".into(), "/srv/app:/app:ro".into()],
            cap_add: Some(vec!["CHOWN".into(), "SYS_ADMIN".into()]),
            ..HostConfig::default()
        };
        assert_eq!(
            fields(&host, Guardrails::default()),
            ["privileged", "network", "volumes", "cap_add"]
        );
        let open = Guardrails {
            privileged: true,
            host_network: true,
            host_path_prefixes: vec!["/srv".into()],
            capabilities: vec!["SYS_ADMIN".into()],
            ..Guardrails::default()
        };
        assert!(fields(&host, open.clone()).is_empty());
        let socket = HostConfig {
            binds: vec!["/var/run/docker.sock:/s".into()],
            ..HostConfig::default()
        };
        let everything = Guardrails {
            host_path_prefixes: vec!["/".into()],
            ..open
        };
        let errors = fenced_fields(&socket, &view(everything));
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("/run/docker.sock"),
            "{}",
            errors[0].message
        );
    }
}
