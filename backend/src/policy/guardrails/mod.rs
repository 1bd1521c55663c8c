//! The operator guardrails' decision: whether a non-admin's request body (or build query) asks
//! the engine for something an admin has not allowed on this environment, such as a privileged
//! container, a host path, a host namespace or an extra capability. Pure, no IO: the gateway
//! reads the body and the settings, this module judges them.
//!
//! The engine decodes bodies with Go's `encoding/json`, so bodies are judged on the tree
//! [`go_json`] builds, where every spelling and repetition of a field is found and judged: a
//! body cannot hide `privileged` from Berth and show it to the engine.

use berth_shared::guardrails::{
    Guardrails, normalize_capability, normalize_host_path, protected_path_for,
};
use serde::Deserialize;

mod go_json;

use go_json::{Node, folded};

use super::Actor;
use super::query;

/// The operations whose request bodies are judged.
pub const JUDGED_BODIES: &[&str] = &[
    "ContainerCreate",
    "ContainerUpdate",
    // Engines that accept API versions before 1.24 still apply a `HostConfig` sent to start.
    "ContainerStart",
    "ContainerExec",
    "ServiceCreate",
    "ServiceUpdate",
    "VolumeCreate",
];

/// Whether `operation`'s body must be read and judged for a fenced actor.
pub fn judges_body(operation: &str) -> bool {
    JUDGED_BODIES.contains(&operation)
}

/// A container whose volumes or namespace a request takes over (`VolumesFrom`,
/// `NetworkMode: container:…`): what that container has is judged as if asked for again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Borrowed {
    /// `VolumesFrom`, `NetworkMode`, `PidMode` or `IpcMode`.
    pub field: &'static str,
    /// The container's name or id.
    pub container: String,
}

/// The namespace modes that can name the host or another container, with the setting that
/// allows the host's namespace and its name for messages.
fn namespaces(settings: &Guardrails) -> [(&'static str, bool, &'static str); 6] {
    [
        ("NetworkMode", settings.host_network, "network"),
        ("PidMode", settings.host_pid, "PID"),
        ("IpcMode", settings.host_ipc, "IPC"),
        ("UTSMode", settings.host_uts, "UTS"),
        ("UsernsMode", settings.host_userns, "user"),
        ("CgroupnsMode", settings.host_cgroupns, "cgroup"),
    ]
}

/// Whether `reference` can only be a container's name or id, so looking it up reaches nothing
/// else.
fn is_container_reference(reference: &str) -> bool {
    reference.starts_with(|c: char| c.is_ascii_alphanumeric())
        && reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// What a judgement is made for.
#[derive(Debug, Clone, Copy)]
pub struct Fence<'a> {
    /// Who asks.
    pub actor: &'a Actor,
    /// The environment id.
    pub environment: &'a str,
    /// The environment's settings.
    pub settings: &'a Guardrails,
    /// Normalised host paths no non-admin may mount, whatever the settings say.
    pub protected: &'a [String],
}

/// Why a request was not let through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The request asks for something the settings do not allow.
    #[error("Berth refuses {what} for {role} '{actor}' on environment '{environment}': {reason}")]
    Refused {
        /// The field and value, as the engine knows them (`Privileged`, `CapAdd SYS_ADMIN`).
        what: String,
        /// The actor's role.
        role: berth_shared::access::Role,
        /// The actor's name.
        actor: String,
        /// The environment id.
        environment: String,
        /// Which setting forbids it, or why no setting can allow it.
        reason: String,
    },
    /// The body cannot be judged, so it is not forwarded.
    #[error("Berth cannot check the {operation} request: {reason}")]
    Malformed {
        /// The operation id.
        operation: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// Judges requests for one fence.
struct Judge<'a> {
    fence: Fence<'a>,
    operation: &'static str,
}

impl Judge<'_> {
    fn refuse(&self, what: impl Into<String>, reason: impl Into<String>) -> Refusal {
        Refusal::Refused {
            what: what.into(),
            role: self.fence.actor.role,
            actor: self.fence.actor.name.clone(),
            environment: self.fence.environment.to_owned(),
            reason: reason.into(),
        }
    }

    fn malformed(&self, reason: impl Into<String>) -> Refusal {
        Refusal::Malformed {
            operation: self.operation,
            reason: reason.into(),
        }
    }

    /// The items of every list at `path`; `null` counts as empty, anything else is malformed.
    fn items<'n>(&self, node: &'n Node, path: &[&str]) -> Result<Vec<&'n Node>, Refusal> {
        let mut items = Vec::new();
        for value in node.at(path) {
            match value {
                Node::Null => {}
                Node::Array(list) => items.extend(list),
                _ => return Err(self.malformed(format!("{} must be a list", path.join(".")))),
            }
        }
        Ok(items)
    }

    /// The strings of every list at `path`.
    fn strings<'n>(&self, node: &'n Node, path: &[&str]) -> Result<Vec<&'n str>, Refusal> {
        self.items(node, path)?
            .into_iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| self.malformed(format!("{} must hold strings", path.join("."))))
            })
            .collect()
    }

    /// The keys of every object at `path`.
    fn keys<'n>(&self, node: &'n Node, path: &[&str]) -> Result<Vec<&'n str>, Refusal> {
        let mut keys = Vec::new();
        for value in node.at(path) {
            match value {
                Node::Null => {}
                Node::Object(entries) => keys.extend(entries.iter().map(|(key, _)| key.as_str())),
                _ => return Err(self.malformed(format!("{} must be an object", path.join(".")))),
            }
        }
        Ok(keys)
    }

    /// The string values at `path`; other types are malformed.
    fn texts<'n>(&self, node: &'n Node, path: &[&str]) -> Result<Vec<&'n str>, Refusal> {
        node.at(path)
            .into_iter()
            .filter(|value| **value != Node::Null)
            .map(|value| {
                value
                    .as_str()
                    .ok_or_else(|| self.malformed(format!("{} must be a string", path.join("."))))
            })
            .collect()
    }

    fn flag(
        &self,
        node: &Node,
        path: &[&str],
        allowed: bool,
        what: &str,
        reason: &str,
    ) -> Result<(), Refusal> {
        if !allowed && node.at(path).iter().any(|value| value.is_set()) {
            return Err(self.refuse(what, reason));
        }
        Ok(())
    }

    /// Judges one host path that `what` would mount.
    fn host_path(&self, what: &str, path: &str) -> Result<(), Refusal> {
        let normalized = normalize_host_path(path).map_err(|reason| {
            self.refuse(what, format!("Berth cannot judge its host path: {reason}"))
        })?;
        if let Some(guarded) = protected_path_for(&normalized, self.fence.protected) {
            return Err(self.refuse(
                what,
                format!(
                    "it would expose {guarded} (the engine's socket or Berth's own data), which \
                     only admins may mount, whatever the settings"
                ),
            ));
        }
        let settings = self.fence.settings;
        if !settings.allows_host_path(&normalized) {
            let reason = if settings.host_path_prefixes.is_empty() {
                "an admin has not allowed host paths".to_owned()
            } else {
                format!(
                    "an admin has allowed host paths only under {}",
                    settings.host_path_prefixes.join(", ")
                )
            };
            return Err(self.refuse(what, reason));
        }
        Ok(())
    }

    /// A `HostConfig` (or the engine's `Resources` and legacy start bodies, which share its
    /// field names).
    fn host_config(&self, config: &Node) -> Result<(), Refusal> {
        let settings = self.fence.settings;
        self.flag(
            config,
            &["Privileged"],
            settings.privileged,
            "Privileged",
            "an admin has not allowed privileged containers",
        )?;
        for bind in self.strings(config, &["Binds"])? {
            // `source:target[:options]`; a single part is an anonymous volume, and a source
            // without a slash is a volume name.
            let parts: Vec<&str> = bind.split(':').collect();
            if parts.len() > 1 && parts[0].contains('/') {
                self.host_path(&format!("Binds {bind}"), parts[0])?;
            }
        }
        for mount in self.items(config, &["Mounts"])? {
            self.mount(mount)?;
        }
        for (field, allowed, namespace) in namespaces(settings) {
            let host = self
                .texts(config, &[field])?
                .iter()
                .any(|mode| mode.eq_ignore_ascii_case("host"));
            if host && !allowed {
                return Err(self.refuse(
                    format!("{field} host"),
                    format!("an admin has not allowed the host's {namespace} namespace"),
                ));
            }
        }
        self.capabilities(config, &["CapAdd"])?;
        self.capabilities(config, &["Capabilities"])?;
        self.resources(config)?;
        for option in self.strings(config, &["SecurityOpt"])? {
            if !is_confined(option) && !settings.unconfined {
                return Err(self.refuse(
                    format!("SecurityOpt {}", shortened(option)),
                    "an admin has not allowed unconfined security options",
                ));
            }
        }
        for field in ["MaskedPaths", "ReadonlyPaths"] {
            // Any list, even an empty one, replaces the engine's protection of `/proc`.
            self.flag(
                config,
                &[field],
                settings.unconfined,
                field,
                "an admin has not allowed unconfined security options",
            )?;
        }
        self.sysctls(config, &["Sysctls"])
    }

    /// The containers a `HostConfig` borrows volumes or namespaces from.
    fn borrowings(&self, config: &Node) -> Result<Vec<Borrowed>, Refusal> {
        let mut borrowed = Vec::new();
        for entry in self.strings(config, &["VolumesFrom"])? {
            // `container[:ro|rw]`.
            let container = entry.split(':').next().unwrap_or_default();
            borrowed.push(self.borrowed("VolumesFrom", container)?);
        }
        for field in ["NetworkMode", "PidMode", "IpcMode"] {
            for mode in self.texts(config, &[field])? {
                if let Some(container) = mode.strip_prefix("container:") {
                    borrowed.push(self.borrowed(field, container)?);
                }
            }
        }
        Ok(borrowed)
    }

    fn borrowed(&self, field: &'static str, container: &str) -> Result<Borrowed, Refusal> {
        if !is_container_reference(container) {
            return Err(self.malformed(format!("{field} names no container: '{container}'")));
        }
        Ok(Borrowed {
            field,
            container: container.to_owned(),
        })
    }

    /// The device fields of `Resources`, shared by create, update and the legacy start.
    fn resources(&self, resources: &Node) -> Result<(), Refusal> {
        for field in ["Devices", "DeviceCgroupRules", "DeviceRequests"] {
            if !self.fence.settings.devices && !self.items(resources, &[field])?.is_empty() {
                return Err(self.refuse(field, "an admin has not allowed host devices"));
            }
        }
        Ok(())
    }

    fn capabilities(&self, node: &Node, path: &[&str]) -> Result<(), Refusal> {
        let settings = self.fence.settings;
        for name in self.strings(node, path)? {
            if !settings.allows_capability(name) {
                let reason = if settings.capabilities.is_empty() {
                    format!(
                        "an admin has not allowed adding {}",
                        normalize_capability(name)
                    )
                } else {
                    format!(
                        "an admin has allowed adding only {} beyond the defaults",
                        settings.capabilities.join(", ")
                    )
                };
                return Err(self.refuse(format!("{} {name}", path[path.len() - 1]), reason));
            }
        }
        Ok(())
    }

    fn sysctls(&self, node: &Node, path: &[&str]) -> Result<(), Refusal> {
        if let Some(name) = self.keys(node, path)?.first()
            && !self.fence.settings.sysctls
        {
            return Err(self.refuse(
                format!("Sysctls {name}"),
                "an admin has not allowed sysctls",
            ));
        }
        Ok(())
    }

    /// One entry of `Mounts`: a bind's source, or a local volume's host-backed options.
    fn mount(&self, mount: &Node) -> Result<(), Refusal> {
        let kinds = self.texts(mount, &["Type"])?;
        for kind in &kinds {
            if kind.eq_ignore_ascii_case("bind") || kind.eq_ignore_ascii_case("npipe") {
                for source in self.texts(mount, &["Source"])? {
                    self.host_path(&format!("Mounts {kind} {source}"), source)?;
                }
            }
        }
        let drivers = self.texts(mount, &["VolumeOptions", "DriverConfig", "Name"])?;
        if drivers.iter().all(|driver| is_local_driver(driver)) {
            self.local_volume_options(mount, &["VolumeOptions", "DriverConfig", "Options"])?;
        }
        Ok(())
    }

    /// The options of a volume of the `local` driver, which can mount any host path
    /// (`o=bind,device=/`), a host block device, or host directories into an overlay.
    fn local_volume_options(&self, node: &Node, path: &[&str]) -> Result<(), Refusal> {
        let mut options: Vec<(&str, &str)> = Vec::new();
        for value in node.at(path) {
            match value {
                Node::Null => {}
                Node::Object(entries) => {
                    for (key, value) in entries {
                        let text = value.as_str().ok_or_else(|| {
                            self.malformed(format!("{} must hold strings", path.join(".")))
                        })?;
                        options.push((key.as_str(), text));
                    }
                }
                _ => return Err(self.malformed(format!("{} must be an object", path.join(".")))),
            }
        }
        let values = |name: &str| -> Vec<&str> {
            let wanted = folded(name);
            options
                .iter()
                .filter(|(key, _)| folded(key) == wanted)
                .map(|(_, value)| *value)
                .collect()
        };
        let mount_options: Vec<&str> = values("o").into_iter().flat_map(|o| o.split(',')).collect();
        let binds = mount_options.iter().any(|flag| {
            flag.trim().eq_ignore_ascii_case("bind") || flag.trim().eq_ignore_ascii_case("rbind")
        });
        let remote = values("type")
            .iter()
            .all(|kind| REMOTE_FILESYSTEMS.contains(&kind.trim().to_ascii_lowercase().as_str()))
            && !values("type").is_empty();
        if binds || !remote {
            for device in values("device") {
                if binds || device.starts_with('/') {
                    self.host_path(&format!("volume option device={device}"), device)?;
                }
            }
            // Overlay's lowerdir, upperdir and workdir name host directories.
            for option in &mount_options {
                if let Some((_, value)) = option.split_once('=') {
                    for part in value.split(':').filter(|part| part.starts_with('/')) {
                        self.host_path(&format!("volume option o={option}"), part)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn container_create(&self, body: &Node) -> Result<(), Refusal> {
        for config in body.fields("HostConfig") {
            self.host_config(config)?;
        }
        let endpoints = self.keys(body, &["NetworkingConfig", "EndpointsConfig"])?;
        if endpoints.contains(&"host") && !self.fence.settings.host_network {
            return Err(self.refuse(
                "NetworkingConfig host",
                "an admin has not allowed the host's network namespace",
            ));
        }
        Ok(())
    }

    fn service(&self, spec: &Node) -> Result<(), Refusal> {
        let settings = self.fence.settings;
        for task in spec.fields("TaskTemplate") {
            if task.fields("PluginSpec").iter().any(|value| value.is_set())
                || self
                    .texts(task, &["Runtime"])?
                    .iter()
                    .any(|runtime| runtime.eq_ignore_ascii_case("plugin"))
            {
                return Err(self.refuse(
                    "TaskTemplate.PluginSpec",
                    "plugins are installed by admins only",
                ));
            }
            for container in task.fields("ContainerSpec") {
                for mount in self.items(container, &["Mounts"])? {
                    self.mount(mount)?;
                }
                self.capabilities(container, &["CapabilityAdd"])?;
                self.sysctls(container, &["Sysctls"])?;
                if !settings.unconfined {
                    self.service_privileges(container)?;
                }
            }
            self.service_networks(task)?;
        }
        self.service_networks(spec)
    }

    /// `ContainerSpec.Privileges`: SELinux labels, a seccomp mode or an AppArmor mode other
    /// than the default.
    fn service_privileges(&self, container: &Node) -> Result<(), Refusal> {
        let reason = "an admin has not allowed unconfined security options";
        for label in container.at(&["Privileges", "SELinuxContext"]) {
            if label.is_set() {
                return Err(self.refuse("Privileges.SELinuxContext", reason));
            }
        }
        for profile in ["Seccomp", "AppArmor"] {
            for mode in self.texts(container, &["Privileges", profile, "Mode"])? {
                if !mode.eq_ignore_ascii_case("default") && !mode.is_empty() {
                    return Err(self.refuse(format!("Privileges.{profile} {mode}"), reason));
                }
            }
        }
        Ok(())
    }

    fn service_networks(&self, node: &Node) -> Result<(), Refusal> {
        for network in self.items(node, &["Networks"])? {
            let host = self
                .texts(network, &["Target"])?
                .iter()
                .any(|target| target.eq_ignore_ascii_case("host"));
            if host && !self.fence.settings.host_network {
                return Err(self.refuse(
                    "Networks host",
                    "an admin has not allowed the host's network namespace",
                ));
            }
        }
        Ok(())
    }

    fn volume_create(&self, body: &Node) -> Result<(), Refusal> {
        let drivers = self.texts(body, &["Driver"])?;
        if drivers.iter().all(|driver| is_local_driver(driver)) {
            self.local_volume_options(body, &["DriverOpts"])?;
        }
        Ok(())
    }
}

/// Filesystems whose `device` names a remote share, not a host path.
const REMOTE_FILESYSTEMS: &[&str] = &["nfs", "nfs4", "cifs", "smb3"];

fn is_local_driver(driver: &str) -> bool {
    driver.is_empty() || driver.eq_ignore_ascii_case("local")
}

/// Whether a `SecurityOpt` keeps the engine's confinement: only `no-new-privileges` does;
/// every `seccomp`, `apparmor`, `label` or `systempaths` option, a custom profile included,
/// can loosen it.
fn is_confined(option: &str) -> bool {
    let name = option
        .split(['=', ':'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    name == "no-new-privileges"
}

/// An option for a message: a custom seccomp profile is a whole JSON document.
fn shortened(option: &str) -> String {
    const LIMIT: usize = 60;
    if option.chars().count() <= LIMIT {
        option.to_owned()
    } else {
        format!("{}…", option.chars().take(LIMIT).collect::<String>())
    }
}

/// Judges a request body of `operation` (one of [`JUDGED_BODIES`]) for `fence`, returning the
/// containers it borrows from, for [`judge_borrowed`]. An empty body asks for nothing; one that
/// is not JSON is refused, since the engine might read it otherwise.
pub fn judge_body(
    fence: Fence<'_>,
    operation: &'static str,
    body: &[u8],
) -> Result<Vec<Borrowed>, Refusal> {
    let judge = Judge { fence, operation };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let node: Node = serde_json::from_slice(body)
        .map_err(|error| judge.malformed(format!("the body is not JSON: {error}")))?;
    match operation {
        "ContainerCreate" => {
            judge.container_create(&node)?;
            let mut borrowed = Vec::new();
            for config in node.fields("HostConfig") {
                borrowed.extend(judge.borrowings(config)?);
            }
            return Ok(borrowed);
        }
        "ContainerStart" => {
            judge.host_config(&node)?;
            return judge.borrowings(&node);
        }
        "ContainerUpdate" => judge.resources(&node),
        "ContainerExec" => judge.flag(
            &node,
            &["Privileged"],
            fence.settings.privileged_exec,
            "Privileged exec",
            "an admin has not allowed privileged exec",
        ),
        "ServiceCreate" | "ServiceUpdate" => judge.service(&node),
        "VolumeCreate" => judge.volume_create(&node),
        _ => Ok(()),
    }
    .map(|()| Vec::new())
}

/// Judges what `borrowed` grants, from the engine's inspect answer of that container: the host
/// paths bound into the container whose volumes are taken over, or the host namespace of the
/// container whose namespace is joined. Returns the container that one joins in turn, if any.
pub fn judge_borrowed(
    fence: Fence<'_>,
    operation: &'static str,
    borrowed: &Borrowed,
    inspect: &serde_json::Value,
) -> Result<Vec<Borrowed>, Refusal> {
    let judge = Judge { fence, operation };
    let node = Node::deserialize(inspect)
        .map_err(|error| judge.malformed(format!("the engine's inspect answer: {error}")))?;
    let container = &borrowed.container;
    if borrowed.field == "VolumesFrom" {
        for mount in judge.items(&node, &["Mounts"])? {
            let binds = judge
                .texts(mount, &["Type"])?
                .iter()
                .any(|kind| kind.eq_ignore_ascii_case("bind"));
            if binds {
                for source in judge.texts(mount, &["Source"])? {
                    judge.host_path(&format!("VolumesFrom {container} (bind {source})"), source)?;
                }
            }
        }
        return Ok(Vec::new());
    }
    let mut next = Vec::new();
    for (field, allowed, namespace) in namespaces(fence.settings) {
        if field != borrowed.field {
            continue;
        }
        for mode in judge.texts(&node, &["HostConfig", field])? {
            if mode.eq_ignore_ascii_case("host") && !allowed {
                return Err(judge.refuse(
                    format!("{field} container:{container}"),
                    format!(
                        "that container shares the host's {namespace} namespace, and an admin \
                         has not allowed it"
                    ),
                ));
            }
            if let Some(joined) = mode.strip_prefix("container:") {
                next.push(judge.borrowed(field, joined)?);
            }
        }
    }
    Ok(next)
}

/// Judges a build's query: `networkmode=host` runs the build's steps in the host's network
/// namespace.
pub fn judge_build_query(fence: Fence<'_>, query: &str) -> Result<(), Refusal> {
    let judge = Judge {
        fence,
        operation: "ImageBuild",
    };
    for pair in query.split(['&', ';']) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |raw: &str| {
            query::decode(raw).map_err(|_| {
                judge.malformed(format!("the query parameter {pair} is badly encoded"))
            })
        };
        if folded(&decode(key)?) == "networkmode"
            && decode(value)?.trim().eq_ignore_ascii_case("host")
            && !fence.settings.build_host_network
        {
            return Err(judge.refuse(
                "build networkmode=host",
                "an admin has not allowed builds on the host's network",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
