//! The operator guardrails' decision: whether a non-admin's request body (or build query) asks
//! the engine for something an admin has not allowed on this environment, such as a privileged
//! container, a host path, a host namespace or an extra capability. Pure, no IO: the gateway
//! reads the body and the settings, this module judges them.
//!
//! The engine decodes bodies with Go's `encoding/json`, which matches field names without
//! regard to case (Unicode simple folding, so `ſ` is `s`) and merges an object that appears
//! twice. So fields are looked up here the same way, and every match is judged: a body cannot
//! hide `privileged` from Berth and show it to the engine.

use berth_shared::guardrails::{
    Guardrails, normalize_capability, normalize_host_path, protected_path_for,
};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

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

/// A JSON value as the engine will see it: objects keep every entry, in order, duplicates
/// included.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Number,
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Number)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Number)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Number)
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::String(value))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Node>()? {
            entries.push(entry);
        }
        Ok(Node::Object(entries))
    }
}

/// A name folded as Go's decoder folds field names (and a little more: only ever stricter).
fn folded(name: &str) -> String {
    name.chars()
        .flat_map(char::to_uppercase)
        .flat_map(char::to_lowercase)
        .collect()
}

impl Node {
    /// Every value of a field the engine would take for `name`.
    fn fields<'a>(&'a self, name: &str) -> Vec<&'a Node> {
        let wanted = folded(name);
        match self {
            Node::Object(entries) => entries
                .iter()
                .filter(|(key, _)| folded(key) == wanted)
                .map(|(_, value)| value)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The values at a path of field names, every match of every step.
    fn at<'a>(&'a self, path: &[&str]) -> Vec<&'a Node> {
        let mut nodes = vec![self];
        for name in path {
            nodes = nodes
                .into_iter()
                .flat_map(|node| node.fields(name))
                .collect();
        }
        nodes
    }

    /// Whether the value asks for something: anything but `false`, `null` or nothing. Values
    /// of the wrong type are taken as a request too; the engine would refuse them anyway.
    fn is_set(&self) -> bool {
        !matches!(self, Node::Null | Node::Bool(false))
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(text) => Some(text),
            _ => None,
        }
    }
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
mod tests {
    use super::*;
    use berth_shared::access::Role;
    use serde_json::json;

    fn ada() -> Actor {
        Actor {
            name: "ada".into(),
            role: Role::Operator,
        }
    }

    fn protected() -> Vec<String> {
        vec![
            "/run/docker.sock".to_owned(),
            "/run/berth-engines/primary/docker.sock".to_owned(),
            "/var/lib/berth".to_owned(),
        ]
    }

    fn judge(
        settings: &Guardrails,
        operation: &'static str,
        body: serde_json::Value,
    ) -> Result<(), String> {
        let actor = ada();
        let protected = protected();
        judge_body(
            Fence {
                actor: &actor,
                environment: "local",
                settings,
                protected: &protected,
            },
            operation,
            body.to_string().as_bytes(),
        )
        .map(drop)
        .map_err(|refusal| refusal.to_string())
    }

    fn create(host_config: serde_json::Value) -> serde_json::Value {
        json!({"Image": "busybox", "HostConfig": host_config})
    }

    /// Each body, refused under the restricted defaults with a message naming `expected`, and
    /// allowed once `allow` changes the one setting it needs.
    #[test]
    fn each_setting_fences_its_field_and_nothing_else() {
        type Allow = fn(&mut Guardrails);
        let cases: Vec<(&'static str, serde_json::Value, &str, Allow)> = vec![
            (
                "ContainerCreate",
                create(json!({"Privileged": true})),
                "Berth refuses Privileged for operator 'ada' on environment 'local': an admin has not allowed privileged containers",
                |g| g.privileged = true,
            ),
            (
                "ContainerCreate",
                create(json!({"privileged": true})),
                "Privileged",
                |g| g.privileged = true,
            ),
            (
                "ContainerCreate",
                json!({"hostconfig": {"PRIVILEGED": 1}}),
                "Privileged",
                |g| g.privileged = true,
            ),
            (
                "ContainerCreate",
                create(json!({"Binds": ["/srv/data:/data:ro"]})),
                "Binds /srv/data:/data:ro for operator 'ada' on environment 'local': an admin has not allowed host paths",
                |g| g.host_path_prefixes = vec!["/srv".into()],
            ),
            (
                "ContainerCreate",
                create(json!({"Mounts": [{"Type": "bind", "Source": "/srv/x", "Target": "/x"}]})),
                "Mounts bind /srv/x",
                |g| g.host_path_prefixes = vec!["/srv/x".into()],
            ),
            (
                "ContainerCreate",
                create(
                    json!({"Mounts": [{"Type": "volume", "Target": "/x", "VolumeOptions": {"DriverConfig": {"Name": "local", "Options": {"type": "none", "o": "bind", "device": "/srv/x"}}}}]}),
                ),
                "volume option device=/srv/x",
                |g| g.host_path_prefixes = vec!["/srv".into()],
            ),
            (
                "ContainerCreate",
                create(json!({"NetworkMode": "host"})),
                "NetworkMode host for operator 'ada' on environment 'local': an admin has not allowed the host's network namespace",
                |g| g.host_network = true,
            ),
            (
                "ContainerCreate",
                json!({"NetworkingConfig": {"EndpointsConfig": {"host": {}}}}),
                "NetworkingConfig host",
                |g| g.host_network = true,
            ),
            (
                "ContainerCreate",
                create(json!({"PidMode": "host"})),
                "PidMode host",
                |g| g.host_pid = true,
            ),
            (
                "ContainerCreate",
                create(json!({"IpcMode": "host"})),
                "IpcMode host",
                |g| g.host_ipc = true,
            ),
            (
                "ContainerCreate",
                create(json!({"UTSMode": "host"})),
                "UTSMode host",
                |g| g.host_uts = true,
            ),
            (
                "ContainerCreate",
                create(json!({"UsernsMode": "host"})),
                "UsernsMode host",
                |g| g.host_userns = true,
            ),
            (
                "ContainerCreate",
                create(json!({"CgroupnsMode": "host"})),
                "CgroupnsMode host",
                |g| g.host_cgroupns = true,
            ),
            (
                "ContainerCreate",
                create(json!({"CapAdd": ["SYS_ADMIN"]})),
                "CapAdd SYS_ADMIN for operator 'ada' on environment 'local': an admin has not allowed adding SYS_ADMIN",
                |g| g.capabilities = vec!["SYS_ADMIN".into()],
            ),
            (
                "ContainerCreate",
                create(json!({"CapAdd": ["ALL"]})),
                "CapAdd ALL",
                |g| g.capabilities = vec!["ALL".into()],
            ),
            (
                "ContainerCreate",
                create(
                    json!({"Devices": [{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"}]}),
                ),
                "Devices for operator 'ada' on environment 'local': an admin has not allowed host devices",
                |g| g.devices = true,
            ),
            (
                "ContainerCreate",
                create(json!({"DeviceCgroupRules": ["c *:* rwm"]})),
                "DeviceCgroupRules",
                |g| g.devices = true,
            ),
            (
                "ContainerCreate",
                create(json!({"DeviceRequests": [{"Count": -1}]})),
                "DeviceRequests",
                |g| g.devices = true,
            ),
            (
                "ContainerCreate",
                create(json!({"SecurityOpt": ["seccomp=unconfined"]})),
                "SecurityOpt seccomp=unconfined for operator 'ada' on environment 'local': an admin has not allowed unconfined security options",
                |g| g.unconfined = true,
            ),
            (
                "ContainerCreate",
                create(json!({"SecurityOpt": ["apparmor:unconfined"]})),
                "SecurityOpt apparmor:unconfined",
                |g| g.unconfined = true,
            ),
            (
                "ContainerCreate",
                create(json!({"SecurityOpt": ["label=disable"]})),
                "SecurityOpt label=disable",
                |g| g.unconfined = true,
            ),
            (
                "ContainerCreate",
                create(json!({"SecurityOpt": ["systempaths=unconfined"]})),
                "SecurityOpt systempaths=unconfined",
                |g| g.unconfined = true,
            ),
            (
                "ContainerCreate",
                create(json!({"MaskedPaths": []})),
                "MaskedPaths",
                |g| g.unconfined = true,
            ),
            (
                "ContainerCreate",
                create(json!({"Sysctls": {"net.ipv4.ip_forward": "1"}})),
                "Sysctls net.ipv4.ip_forward for operator 'ada' on environment 'local': an admin has not allowed sysctls",
                |g| g.sysctls = true,
            ),
            (
                "ContainerStart",
                json!({"Privileged": true}),
                "Privileged",
                |g| g.privileged = true,
            ),
            (
                "ContainerUpdate",
                json!({"Devices": [{"PathOnHost": "/dev/sda"}]}),
                "Devices",
                |g| g.devices = true,
            ),
            (
                "ContainerExec",
                json!({"Cmd": ["sh"], "Privileged": true}),
                "Privileged exec for operator 'ada' on environment 'local': an admin has not allowed privileged exec",
                |g| g.privileged_exec = true,
            ),
            (
                "ServiceCreate",
                json!({"TaskTemplate": {"ContainerSpec": {"Mounts": [{"Type": "bind", "Source": "/etc", "Target": "/etc"}]}}}),
                "Mounts bind /etc",
                |g| g.host_path_prefixes = vec!["/etc".into()],
            ),
            (
                "ServiceCreate",
                json!({"TaskTemplate": {"ContainerSpec": {"CapabilityAdd": ["NET_ADMIN"]}}}),
                "CapabilityAdd NET_ADMIN",
                |g| g.capabilities = vec!["NET_ADMIN".into()],
            ),
            (
                "ServiceUpdate",
                json!({"TaskTemplate": {"ContainerSpec": {"Sysctls": {"net.core.somaxconn": "1024"}}}}),
                "Sysctls net.core.somaxconn",
                |g| g.sysctls = true,
            ),
            (
                "ServiceUpdate",
                json!({"TaskTemplate": {"ContainerSpec": {"Privileges": {"Seccomp": {"Mode": "unconfined"}}}}}),
                "Privileges.Seccomp unconfined",
                |g| g.unconfined = true,
            ),
            (
                "ServiceCreate",
                json!({"TaskTemplate": {"Networks": [{"Target": "host"}]}}),
                "Networks host",
                |g| g.host_network = true,
            ),
            (
                "VolumeCreate",
                json!({"Name": "v", "DriverOpts": {"type": "none", "o": "bind", "device": "/srv/x"}}),
                "volume option device=/srv/x",
                |g| g.host_path_prefixes = vec!["/srv".into()],
            ),
            (
                "VolumeCreate",
                json!({"Name": "v", "DriverOpts": {"type": "ext4", "device": "/dev/sdb1"}}),
                "volume option device=/dev/sdb1",
                |g| g.host_path_prefixes = vec!["/dev/sdb1".into()],
            ),
            (
                "VolumeCreate",
                json!({"Name": "v", "DriverOpts": {"type": "overlay", "device": "overlay", "o": "lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/w"}}),
                "volume option o=lowerdir=/etc",
                |g| g.host_path_prefixes = vec!["/".into()],
            ),
        ];
        for (operation, body, expected, allow) in cases {
            let refused = judge(&Guardrails::default(), operation, body.clone()).expect_err(
                &format!("{operation} {body} passed the restricted defaults"),
            );
            assert!(refused.contains(expected), "{operation} {body}: {refused}");
            let mut settings = Guardrails::default();
            allow(&mut settings);
            assert_eq!(
                judge(&settings, operation, body.clone()),
                Ok(()),
                "{operation} {body} with {settings:?}"
            );
        }
    }

    #[test]
    fn ordinary_workloads_pass_the_restricted_defaults() {
        let settings = Guardrails::default();
        for (operation, body) in [
            (
                "ContainerCreate",
                json!({"Image": "nginx", "HostConfig": {"Binds": ["data:/data", "/anonymous"], "CapAdd": ["CHOWN"], "CapDrop": ["ALL"], "SecurityOpt": ["no-new-privileges"], "NetworkMode": "bridge", "PidMode": "container:x", "Mounts": [{"Type": "volume", "Source": "v", "Target": "/v"}, {"Type": "tmpfs", "Target": "/t"}]}, "NetworkingConfig": {"EndpointsConfig": {"web": {}}}}),
            ),
            (
                "ContainerCreate",
                json!({"Image": "nginx", "HostConfig": null}),
            ),
            (
                "ContainerUpdate",
                json!({"Memory": 1_000_000, "RestartPolicy": {"Name": "always"}}),
            ),
            (
                "ContainerExec",
                json!({"Cmd": ["sh"], "Privileged": false, "User": "root"}),
            ),
            ("ContainerStart", json!({})),
            (
                "VolumeCreate",
                json!({"Name": "v", "DriverOpts": {"type": "nfs", "o": "addr=10.0.0.1,rw", "device": ":/export"}}),
            ),
            (
                "VolumeCreate",
                json!({"Name": "v", "DriverOpts": {"type": "tmpfs", "device": "tmpfs", "o": "size=100m"}}),
            ),
            (
                "VolumeCreate",
                json!({"Name": "v", "Driver": "rexray", "DriverOpts": {"device": "/dev/x"}}),
            ),
            (
                "ServiceCreate",
                json!({"TaskTemplate": {"ContainerSpec": {"Image": "nginx", "Privileges": {"Seccomp": {"Mode": "default"}}}, "Networks": [{"Target": "overlay1"}]}}),
            ),
        ] {
            assert_eq!(
                judge(&settings, operation, body.clone()),
                Ok(()),
                "{operation} {body}"
            );
        }
        assert_eq!(
            judge_body(
                Fence {
                    actor: &ada(),
                    environment: "local",
                    settings: &settings,
                    protected: &[]
                },
                "ContainerCreate",
                b""
            ),
            Ok(Vec::new())
        );
    }

    #[test]
    fn protected_paths_are_refused_whatever_the_settings() {
        let everything = Guardrails {
            host_path_prefixes: vec!["/".into()],
            ..Guardrails::default()
        };
        for bind in [
            "/:/host",
            "/var/run/docker.sock:/s",
            "/run/docker.sock:/s",
            "//run//docker.sock/:/s",
            "/run:/r",
            "/var/run:/r",
            "/var:/v",
            "/var/lib/berth:/b",
            "/var/lib/berth/berth.db:/b",
            "/run/berth-engines/primary:/e",
        ] {
            let refused = judge(
                &everything,
                "ContainerCreate",
                create(json!({"Binds": [bind]})),
            )
            .unwrap_err();
            assert!(
                refused.contains("which only admins may mount, whatever the settings"),
                "{bind}: {refused}"
            );
        }
        let dotted = judge(
            &everything,
            "ContainerCreate",
            create(json!({"Binds": ["/var/run/../run/docker.sock:/s"]})),
        )
        .unwrap_err();
        assert!(dotted.contains("it has a '..' segment"), "{dotted}");
        assert_eq!(
            judge(
                &everything,
                "ContainerCreate",
                create(json!({"Binds": ["/srv:/srv"]}))
            ),
            Ok(())
        );
    }

    #[test]
    fn field_names_fold_as_the_engines_decoder_folds_them() {
        // U+017F LATIN SMALL LETTER LONG S folds to `s`, U+212A KELVIN SIGN to `k`.
        for body in [
            r#"{"HoſtConfig": {"Privileged": true}}"#,
            r#"{"HostConfig": {"Memory": 1}, "HostConfig": {"Privileged": true}}"#,
            r#"{"HostConfig": {"Privileged": true}, "hostconfig": {"Privileged": false}}"#,
            r#"{"HostConfig": {"Networ\u212aMode": "host"}}"#,
        ] {
            let actor = ada();
            let settings = Guardrails::default();
            let refused = judge_body(
                Fence {
                    actor: &actor,
                    environment: "local",
                    settings: &settings,
                    protected: &[],
                },
                "ContainerCreate",
                body.as_bytes(),
            );
            assert!(
                matches!(refused, Err(Refusal::Refused { .. })),
                "{body}: {refused:?}"
            );
        }
    }

    #[test]
    fn bodies_that_cannot_be_judged_are_refused() {
        let actor = ada();
        let settings = Guardrails::default();
        let fence = Fence {
            actor: &actor,
            environment: "local",
            settings: &settings,
            protected: &[],
        };
        let bodies: [&[u8]; 4] = [
            b"{\"HostConfig\": ",
            b"not json",
            b"{\"HostConfig\": {\"Binds\": \"/:/h\"}}",
            b"\x1f\x8b\x08",
        ];
        for body in bodies {
            assert!(
                matches!(
                    judge_body(fence, "ContainerCreate", body),
                    Err(Refusal::Malformed { .. })
                ),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn borrowed_volumes_and_namespaces_are_judged_from_the_lender() {
        let actor = ada();
        let settings = Guardrails::default();
        let protected = protected();
        let fence = Fence {
            actor: &actor,
            environment: "local",
            settings: &settings,
            protected: &protected,
        };
        let body = json!({"HostConfig": {"VolumesFrom": ["berth:ro"], "NetworkMode": "container:proxy", "PidMode": "host1"}});
        let borrowed = judge_body(fence, "ContainerCreate", body.to_string().as_bytes()).unwrap();
        assert_eq!(
            borrowed,
            [
                Borrowed {
                    field: "VolumesFrom",
                    container: "berth".into()
                },
                Borrowed {
                    field: "NetworkMode",
                    container: "proxy".into()
                },
            ]
        );
        let lender = json!({"Mounts": [{"Type": "volume", "Source": "/var/lib/docker/volumes/x/_data"}, {"Type": "bind", "Source": "/run/docker.sock"}]});
        let refused = judge_borrowed(fence, "ContainerCreate", &borrowed[0], &lender)
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("VolumesFrom berth (bind /run/docker.sock)"),
            "{refused}"
        );
        let volumes_only =
            json!({"Mounts": [{"Type": "volume", "Source": "/var/lib/docker/volumes/x/_data"}]});
        assert_eq!(
            judge_borrowed(fence, "ContainerCreate", &borrowed[0], &volumes_only),
            Ok(Vec::new())
        );
        let host = json!({"HostConfig": {"NetworkMode": "host"}});
        let refused = judge_borrowed(fence, "ContainerCreate", &borrowed[1], &host)
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("NetworkMode container:proxy for operator 'ada'"),
            "{refused}"
        );
        let chained = json!({"HostConfig": {"NetworkMode": "container:next"}});
        assert_eq!(
            judge_borrowed(fence, "ContainerCreate", &borrowed[1], &chained),
            Ok(vec![Borrowed {
                field: "NetworkMode",
                container: "next".into()
            }])
        );
        let sneaky = json!({"HostConfig": {"VolumesFrom": ["../../info"]}});
        assert!(matches!(
            judge_body(fence, "ContainerCreate", sneaky.to_string().as_bytes()),
            Err(Refusal::Malformed { .. })
        ));
    }

    #[test]
    fn build_queries_are_judged_after_decoding() {
        let actor = ada();
        let settings = Guardrails::default();
        let fence = Fence {
            actor: &actor,
            environment: "local",
            settings: &settings,
            protected: &[],
        };
        for query in [
            "networkmode=host",
            "t=x&networkmode=%68ost",
            "networkmode=default&networkmode=host",
            "NetworkMode=HOST",
        ] {
            let refused = judge_build_query(fence, query).unwrap_err().to_string();
            assert!(
                refused.contains("build networkmode=host"),
                "{query}: {refused}"
            );
        }
        for query in ["", "networkmode=default", "networkmode=none", "t=host"] {
            assert_eq!(judge_build_query(fence, query), Ok(()), "{query}");
        }
        let allowed = Guardrails {
            build_host_network: true,
            ..Guardrails::default()
        };
        assert_eq!(
            judge_build_query(
                Fence {
                    settings: &allowed,
                    ..fence
                },
                "networkmode=host"
            ),
            Ok(())
        );
    }
}
