//! What the plugin pages work out without the DOM: the privileges in plain words and their
//! difference between two versions, the settable fields with their current values and the
//! `PluginSet` body that changes them, and the engine's refusals in words a user can act on.

use berth_shared::engine::plugin::{Plugin, PluginPrivilege};

/// A privilege in plain words: what it grants, and exactly what.
pub fn privilege_words(privilege: &PluginPrivilege) -> (String, String) {
    let values = privilege.value.join(", ");
    let what = match privilege.name.as_str() {
        "network" => format!("Uses the {values} network"),
        "mount" => "Mounts paths of the host".to_owned(),
        "device" => "Uses devices of the host".to_owned(),
        "capabilities" => "Has Linux capabilities".to_owned(),
        "allow-all-devices" => "May use every device of the host".to_owned(),
        "host pid namespace" => "Sees every process of the host".to_owned(),
        "host ipc namespace" => "Shares the host's IPC namespace".to_owned(),
        other if !privilege.description.is_empty() => {
            format!("{other}: {}", privilege.description)
        }
        other => other.to_owned(),
    };
    (what, values)
}

/// One privilege's change between the installed version and a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivilegeChange {
    /// Asked for by both, the same.
    Same(PluginPrivilege),
    /// Asked for only by the new version, or with other values.
    Added(PluginPrivilege),
    /// Asked for only by the installed version.
    Dropped(PluginPrivilege),
}

/// The privileges of the new version against the installed one's, by name and values.
pub fn privilege_diff(
    installed: &[PluginPrivilege],
    new: &[PluginPrivilege],
) -> Vec<PrivilegeChange> {
    let same = |a: &PluginPrivilege, b: &PluginPrivilege| {
        let mut left = a.value.clone();
        let mut right = b.value.clone();
        left.sort();
        right.sort();
        a.name == b.name && left == right
    };
    let mut changes: Vec<PrivilegeChange> = new
        .iter()
        .map(|privilege| {
            if installed.iter().any(|old| same(old, privilege)) {
                PrivilegeChange::Same(privilege.clone())
            } else {
                PrivilegeChange::Added(privilege.clone())
            }
        })
        .collect();
    changes.extend(
        installed
            .iter()
            .filter(|old| !new.iter().any(|privilege| same(old, privilege)))
            .cloned()
            .map(PrivilegeChange::Dropped),
    );
    changes
}

/// The privileges an installed plugin holds, worked out from its configuration as the engine
/// does, so an upgrade can show what changes.
pub fn installed_privileges(plugin: &Plugin) -> Vec<PluginPrivilege> {
    let config = &plugin.config;
    let privilege = |name: &str, value: Vec<String>| PluginPrivilege {
        name: name.to_owned(),
        description: String::new(),
        value,
    };
    let mut all = Vec::new();
    if !config.network.kind.is_empty() && config.network.kind != "bridge" {
        all.push(privilege("network", vec![config.network.kind.clone()]));
    }
    let sources: Vec<String> = config
        .mounts
        .iter()
        .filter(|mount| !mount.source.is_empty())
        .map(|mount| mount.source.clone())
        .collect();
    if !sources.is_empty() {
        all.push(privilege("mount", sources));
    }
    let devices: Vec<String> = config
        .linux
        .devices
        .iter()
        .filter(|device| !device.path.is_empty())
        .map(|device| device.path.clone())
        .collect();
    if !devices.is_empty() {
        all.push(privilege("device", devices));
    }
    if config.linux.allow_all_devices {
        all.push(privilege("allow-all-devices", vec!["true".to_owned()]));
    }
    if !config.linux.capabilities.is_empty() {
        all.push(privilege("capabilities", config.linux.capabilities.clone()));
    }
    if config.pid_host {
        all.push(privilege("host pid namespace", vec!["true".to_owned()]));
    }
    if config.ipc_host {
        all.push(privilege("host ipc namespace", vec!["true".to_owned()]));
    }
    all
}

/// What a settable field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// An environment variable.
    Env,
    /// The arguments, separated by spaces.
    Args,
    /// A mount's source.
    Mount,
    /// A device's path.
    Device,
}

impl FieldKind {
    /// The word the form shows.
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::Env => "env",
            FieldKind::Args => "args",
            FieldKind::Mount => "mount source",
            FieldKind::Device => "device path",
        }
    }
}

/// One field `PluginSet` can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettableField {
    /// What it is.
    pub kind: FieldKind,
    /// The key `PluginSet` takes: `GREETING`, `flags`, `data.source`, `gpu.path`.
    pub key: String,
    /// The author's description.
    pub description: String,
    /// Its current value.
    pub current: String,
}

impl SettableField {
    /// The `key=value` that sets it to `value`.
    pub fn setting(&self, value: &str) -> String {
        format!("{}={value}", self.key)
    }
}

/// The fields of `plugin` that may be set, each with its current value.
pub fn settable_fields(plugin: &Plugin) -> Vec<SettableField> {
    let config = &plugin.config;
    let settings = &plugin.settings;
    let settable = |list: &[String], field: &str| list.iter().any(|entry| entry == field);
    let mut fields = Vec::new();
    for env in config
        .env
        .iter()
        .filter(|env| settable(&env.settable, "value"))
    {
        let current = settings
            .env
            .iter()
            .find_map(|pair| pair.strip_prefix(&format!("{}=", env.name)))
            .unwrap_or(&env.value)
            .to_owned();
        fields.push(SettableField {
            kind: FieldKind::Env,
            key: env.name.clone(),
            description: env.description.clone(),
            current,
        });
    }
    if !config.args.name.is_empty() && settable(&config.args.settable, "value") {
        fields.push(SettableField {
            kind: FieldKind::Args,
            key: config.args.name.clone(),
            description: config.args.description.clone(),
            current: settings.args.join(" "),
        });
    }
    for mount in config
        .mounts
        .iter()
        .filter(|mount| settable(&mount.settable, "source"))
    {
        let current = settings
            .mounts
            .iter()
            .find(|set| set.name == mount.name)
            .map_or(&mount.source, |set| &set.source)
            .clone();
        fields.push(SettableField {
            kind: FieldKind::Mount,
            key: format!("{}.source", mount.name),
            description: mount.description.clone(),
            current,
        });
    }
    for device in config
        .linux
        .devices
        .iter()
        .filter(|device| settable(&device.settable, "path"))
    {
        let current = settings
            .devices
            .iter()
            .find(|set| set.name == device.name)
            .map_or(&device.path, |set| &set.path)
            .clone();
        fields.push(SettableField {
            kind: FieldKind::Device,
            key: format!("{}.path", device.name),
            description: device.description.clone(),
            current,
        });
    }
    fields
}

/// The `PluginSet` body for the fields whose value changed: `(field, new value)` pairs.
pub fn changed_settings(fields: &[(SettableField, String)]) -> Vec<String> {
    fields
        .iter()
        .filter(|(field, value)| field.current != *value)
        .map(|(field, value)| field.setting(value))
        .collect()
}

/// The engine's refusal of a pull or upgrade, in words that say what to do; other messages
/// as the engine said them.
pub fn install_failure(message: &str) -> String {
    if message.contains("incorrect privileges") {
        "The plugin now asks for other privileges than the ones you reviewed (it changed in the \
         registry since). Nothing was installed: review its privileges again."
            .to_owned()
    } else if message.contains("already exists") {
        format!("{message}. Choose another alias, or remove the installed plugin first.")
    } else {
        message.to_owned()
    }
}

/// The engine's refusal of a disable or removal, with what to do.
pub fn in_use_failure(message: &str, users: &[String]) -> String {
    if message.contains("in use") {
        let who = if users.is_empty() {
            "Something still uses it".to_owned()
        } else {
            format!("It is used by {}", users.join(", "))
        };
        format!("{message}. {who}: remove those first, or force it.")
    } else {
        message.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_shared::engine::lenient;

    fn fixture() -> Plugin {
        lenient::from_str(include_str!(
            "../../../shared/tests/fixtures/engine-1.41/plugin-inspect.json"
        ))
        .unwrap()
    }

    fn privilege(name: &str, value: &[&str]) -> PluginPrivilege {
        PluginPrivilege {
            name: name.into(),
            description: String::new(),
            value: value.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn the_settable_fields_carry_their_current_values() {
        let fields = settable_fields(&fixture());
        let keys: Vec<(&str, &str)> = fields
            .iter()
            .map(|field| (field.key.as_str(), field.current.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![("GREETING", "hello"), ("EXIT_AT_ONCE", ""), ("flags", "")]
        );
        assert_eq!(fields[0].setting("hi there"), "GREETING=hi there");
    }

    #[test]
    fn only_changed_fields_are_set() {
        let fields = settable_fields(&fixture());
        let edited = vec![
            (fields[0].clone(), "bonjour".to_owned()),
            (fields[1].clone(), String::new()),
        ];
        assert_eq!(changed_settings(&edited), vec!["GREETING=bonjour"]);
    }

    #[test]
    fn installed_privileges_match_what_the_engine_asks() {
        assert_eq!(
            installed_privileges(&fixture()),
            vec![privilege("network", &["host"])]
        );
    }

    #[test]
    fn the_diff_shows_added_and_dropped_privileges() {
        let old = vec![privilege("network", &["host"]), privilege("mount", &["/a"])];
        let new = vec![
            privilege("network", &["host"]),
            privilege("capabilities", &["CAP_SYS_ADMIN"]),
        ];
        assert_eq!(
            privilege_diff(&old, &new),
            vec![
                PrivilegeChange::Same(privilege("network", &["host"])),
                PrivilegeChange::Added(privilege("capabilities", &["CAP_SYS_ADMIN"])),
                PrivilegeChange::Dropped(privilege("mount", &["/a"])),
            ]
        );
    }

    #[test]
    fn refusals_say_what_to_do() {
        assert!(install_failure("incorrect privileges").contains("review its privileges again"));
        assert_eq!(
            in_use_failure("plugin p is in use", &["volume data".into()]),
            "plugin p is in use. It is used by volume data: remove those first, or force it."
        );
        assert_eq!(in_use_failure("other", &[]), "other");
    }
}
