//! Operator guardrails: what an admin lets non-admins do to the host through one environment's
//! engine (privileged containers, host paths, host namespaces, capabilities, devices, unconfined
//! security options, sysctls, privileged exec, host-network builds).
//!
//! Shared so the UI can follow the settings; the backend's policy decides. The path rules live
//! here once, for both: a host path is judged after [`normalize_host_path`], never as typed.

use serde::{Deserialize, Serialize};

/// One environment's guardrails. Every field defaults to the restricted value, so a fresh
/// install, and a setting an older Berth stored without a field, fence operators in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Guardrails {
    /// Privileged containers (`HostConfig.Privileged`).
    pub privileged: bool,
    /// Host path prefixes that bind mounts (and local volumes backed by a host path) may use;
    /// empty means no host path at all. `/` allows every path but the protected ones.
    pub host_path_prefixes: Vec<String>,
    /// The host's network namespace (`NetworkMode: host`, a service on the `host` network).
    pub host_network: bool,
    /// The host's PID namespace (`PidMode: host`).
    pub host_pid: bool,
    /// The host's IPC namespace (`IpcMode: host`).
    pub host_ipc: bool,
    /// The host's UTS namespace (`UTSMode: host`).
    pub host_uts: bool,
    /// The host's user namespace (`UsernsMode: host`), which undoes user-namespace remapping.
    pub host_userns: bool,
    /// The host's cgroup namespace (`CgroupnsMode: host`).
    pub host_cgroupns: bool,
    /// Capabilities that may be added beyond the engine's default set, without `CAP_`, such as
    /// `NET_ADMIN`; `ALL` allows every one.
    pub capabilities: Vec<String>,
    /// Host devices, device cgroup rules and device requests (GPUs).
    pub devices: bool,
    /// Security options beyond `no-new-privileges`: `seccomp=unconfined` or a custom profile,
    /// `apparmor=…`, `label=…`, `systempaths=unconfined`, and unmasked `/proc` paths.
    pub unconfined: bool,
    /// Kernel parameters (`Sysctls`).
    pub sysctls: bool,
    /// Exec sessions with `Privileged: true`.
    pub privileged_exec: bool,
    /// Builds with `networkmode=host`.
    pub build_host_network: bool,
}

/// What `GET /api/env/{env}/guardrails` answers: the settings and the host paths no non-admin
/// may mount whatever they say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardrailsView {
    /// The environment id.
    pub environment: String,
    /// The settings.
    pub guardrails: Guardrails,
    /// The engine's socket, Berth's data directory and the like, normalised.
    pub protected_paths: Vec<String>,
}

/// The capabilities Docker gives every container; adding one of them again grants nothing.
pub const DEFAULT_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Why a host path cannot be judged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostPathError {
    /// The path is relative.
    #[error("it is not an absolute path")]
    Relative,
    /// The path has a `..` segment, whose meaning depends on symbolic links on the host.
    #[error("it has a '..' segment")]
    ParentSegment,
}

/// A host path in the one form paths are compared in: absolute, without empty or `.` segments
/// or a trailing slash, and with `/var/run` spelled `/run` (it is a symbolic link to `/run` on
/// every current distribution). Paths with `..` are refused rather than resolved, because
/// `a/link/..` is not `a` when `link` is a symbolic link.
pub fn normalize_host_path(path: &str) -> Result<String, HostPathError> {
    if !path.starts_with('/') {
        return Err(HostPathError::Relative);
    }
    let mut segments = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(HostPathError::ParentSegment),
            other => segments.push(other),
        }
    }
    if segments.len() >= 2 && segments[0] == "var" && segments[1] == "run" {
        segments.remove(0);
    }
    Ok(format!("/{}", segments.join("/")))
}

/// Whether normalised `path` is `ancestor` or lies below it.
pub fn is_within(path: &str, ancestor: &str) -> bool {
    ancestor == "/"
        || path == ancestor
        || path
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A capability as the engine compares it: upper case, without `CAP_`.
pub fn normalize_capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map(str::to_owned)
        .unwrap_or(upper)
}

/// Why a setting an admin sent is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardrailsError {
    /// An allowed host path prefix cannot be judged.
    #[error("host path prefix '{prefix}': {reason}")]
    Prefix {
        /// The prefix as sent.
        prefix: String,
        /// What is wrong with it.
        reason: HostPathError,
    },
    /// An allowed capability is not a capability name.
    #[error("capability '{0}': give a name such as NET_ADMIN or SYS_PTRACE, or ALL")]
    Capability(String),
}

impl Guardrails {
    /// The settings with prefixes and capabilities normalised, sorted and deduplicated, or the
    /// first entry that is not valid.
    pub fn normalized(&self) -> Result<Guardrails, GuardrailsError> {
        let mut prefixes = self
            .host_path_prefixes
            .iter()
            .filter(|prefix| !prefix.trim().is_empty())
            .map(|prefix| {
                normalize_host_path(prefix.trim()).map_err(|reason| GuardrailsError::Prefix {
                    prefix: prefix.clone(),
                    reason,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        prefixes.sort();
        prefixes.dedup();
        let mut capabilities = Vec::new();
        for name in self
            .capabilities
            .iter()
            .filter(|name| !name.trim().is_empty())
        {
            let capability = normalize_capability(name);
            let valid = capability
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && capability.starts_with(|c: char| c.is_ascii_uppercase());
            if !valid {
                return Err(GuardrailsError::Capability(name.clone()));
            }
            capabilities.push(capability);
        }
        capabilities.sort();
        capabilities.dedup();
        Ok(Guardrails {
            host_path_prefixes: prefixes,
            capabilities,
            ..self.clone()
        })
    }

    /// Whether normalised host path `path` lies under an allowed prefix (protected paths are
    /// judged separately, see [`protected_path_for`]).
    pub fn allows_host_path(&self, path: &str) -> bool {
        self.host_path_prefixes
            .iter()
            .filter_map(|prefix| normalize_host_path(prefix).ok())
            .any(|prefix| is_within(path, &prefix))
    }

    /// Whether adding capability `name` is allowed: one of the defaults, or allow-listed.
    pub fn allows_capability(&self, name: &str) -> bool {
        let capability = normalize_capability(name);
        DEFAULT_CAPABILITIES.contains(&capability.as_str())
            || self
                .capabilities
                .iter()
                .map(|allowed| normalize_capability(allowed))
                .any(|allowed| allowed == "ALL" || allowed == capability)
    }
}

/// The protected path that normalised `path` would expose: one that is `path`, lies below it,
/// or contains it. Mounting `/` exposes the engine's socket as surely as mounting the socket.
pub fn protected_path_for<'a>(path: &str, protected: &'a [String]) -> Option<&'a str> {
    protected
        .iter()
        .find(|guarded| is_within(guarded, path) || is_within(path, guarded))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_paths_are_normalised_or_refused() {
        let cases = [
            ("/", Ok("/")),
            ("//", Ok("/")),
            ("/var/run/docker.sock", Ok("/run/docker.sock")),
            ("/var//run/./docker.sock/", Ok("/run/docker.sock")),
            ("/var/lib/berth/", Ok("/var/lib/berth")),
            ("/var", Ok("/var")),
            ("/srv/data", Ok("/srv/data")),
            (
                "/var/run/../run/docker.sock",
                Err(HostPathError::ParentSegment),
            ),
            ("/srv/..", Err(HostPathError::ParentSegment)),
            ("srv/data", Err(HostPathError::Relative)),
            ("", Err(HostPathError::Relative)),
        ];
        for (path, expected) in cases {
            assert_eq!(
                normalize_host_path(path),
                expected.map(str::to_owned),
                "{path}"
            );
        }
    }

    #[test]
    fn prefixes_match_whole_segments() {
        let guardrails = Guardrails {
            host_path_prefixes: vec!["/srv/data/".into()],
            ..Guardrails::default()
        };
        assert!(guardrails.allows_host_path("/srv/data"));
        assert!(guardrails.allows_host_path("/srv/data/app"));
        assert!(!guardrails.allows_host_path("/srv/database"));
        assert!(!guardrails.allows_host_path("/srv"));
        assert!(!Guardrails::default().allows_host_path("/srv/data"));
        let everything = Guardrails {
            host_path_prefixes: vec!["/".into()],
            ..Guardrails::default()
        };
        assert!(everything.allows_host_path("/etc"));
    }

    #[test]
    fn protected_paths_are_guarded_with_their_parents_and_children() {
        let protected = vec!["/run/docker.sock".to_owned(), "/var/lib/berth".to_owned()];
        for path in [
            "/",
            "/run",
            "/run/docker.sock",
            "/var",
            "/var/lib/berth/berth.db",
        ] {
            assert!(protected_path_for(path, &protected).is_some(), "{path}");
        }
        for path in [
            "/run/user",
            "/var/lib/berthold",
            "/srv",
            "/run/docker.sock2",
        ] {
            assert_eq!(protected_path_for(path, &protected), None, "{path}");
        }
    }

    #[test]
    fn capabilities_are_allowed_by_default_set_or_list() {
        let guardrails = Guardrails {
            capabilities: vec!["cap_net_admin".into()],
            ..Guardrails::default()
        }
        .normalized()
        .unwrap();
        assert_eq!(guardrails.capabilities, ["NET_ADMIN"]);
        assert!(guardrails.allows_capability("NET_ADMIN"));
        assert!(guardrails.allows_capability("CAP_NET_ADMIN"));
        assert!(guardrails.allows_capability("chown"));
        assert!(!guardrails.allows_capability("SYS_ADMIN"));
        assert!(!guardrails.allows_capability("ALL"));
        let all = Guardrails {
            capabilities: vec!["ALL".into()],
            ..Guardrails::default()
        };
        assert!(all.allows_capability("SYS_ADMIN"));
    }

    #[test]
    fn invalid_settings_are_named() {
        let relative = Guardrails {
            host_path_prefixes: vec!["srv".into()],
            ..Guardrails::default()
        };
        assert_eq!(
            relative.normalized().unwrap_err().to_string(),
            "host path prefix 'srv': it is not an absolute path"
        );
        let bad = Guardrails {
            capabilities: vec!["NET ADMIN".into()],
            ..Guardrails::default()
        };
        assert!(matches!(
            bad.normalized(),
            Err(GuardrailsError::Capability(_))
        ));
    }

    #[test]
    fn a_fresh_setting_is_restricted_and_missing_fields_stay_restricted() {
        let parsed: Guardrails = serde_json::from_str(r#"{"privileged":true}"#).unwrap();
        assert!(parsed.privileged);
        assert_eq!(
            Guardrails {
                privileged: false,
                ..parsed
            },
            Guardrails::default()
        );
        assert!(serde_json::from_str::<Guardrails>(r#"{"privilegd":true}"#).is_err());
    }
}
