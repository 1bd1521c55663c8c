//! `/env/:env/plugins/:name`: one plugin's configuration and settings, which fields can be
//! set, what on the engine uses its drivers, and for admins its actions (enable, disable,
//! configure, upgrade, push, remove); Inspect has the raw document.

use berth_shared::access::Access;
use berth_shared::engine::plugin::{Plugin, PluginKind};
use leptos::prelude::*;

use crate::app::engine_status::use_engine_status;
use crate::app::remote::remote_view;
use crate::app::session::use_session;
use crate::app::use_route_param;
use crate::components::facts::FactsCard;
use crate::components::table::{Column, TableSection};
use crate::components::toast::use_toaster;
use crate::plugins::actions::{ConfigureDialog, DisableDialog, Open, PushPluginDialog, enable};
use crate::plugins::list::kinds_text;
use crate::plugins::model::settable_fields;
use crate::plugins::upgrade::UpgradeDialog;
use crate::resource_page::detail_page::DetailPage;

/// A plugin with what uses its drivers.
#[derive(Debug, Clone, PartialEq)]
struct Inspected {
    plugin: Plugin,
    /// "volume data", "network web".
    users: Vec<String>,
    raw: serde_json::Value,
}

/// Whether `driver` (a volume's or network's) is the plugin `name`; the engine also names a
/// `:latest` plugin without its tag.
fn is_driver(driver: &str, name: &str) -> bool {
    driver == name || name.strip_suffix(":latest") == Some(driver)
}

/// `/env/:env/plugins/:name`.
#[component]
pub fn PluginDetailPage() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let is_admin = use_session().can(Access::Admin);
    let name = use_route_param("name");
    let inspected = status.remote(move |engine, signal| {
        let name = name.get();
        async move {
            let (plugin, raw) = engine.plugin(&name, Some(&signal)).await?;
            let kinds = plugin.kinds();
            let mut users = Vec::new();
            if kinds.contains(&PluginKind::Volume) {
                let volumes = engine.volumes(Some(&signal)).await?;
                users.extend(
                    volumes
                        .volumes
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|volume| is_driver(&volume.driver, &plugin.name))
                        .map(|volume| format!("volume {}", volume.name)),
                );
            }
            if kinds.contains(&PluginKind::Network) {
                let networks = engine.networks(Some(&signal)).await?;
                users.extend(
                    networks
                        .into_iter()
                        .filter(|network| is_driver(&network.driver, &plugin.name))
                        .map(|network| format!("network {}", network.name)),
                );
            }
            Ok(Inspected { plugin, users, raw })
        }
    });
    let plugin = Signal::derive(move || inspected.value().map(|found| found.plugin));
    let users = Signal::derive(move || {
        inspected
            .value()
            .map(|found| found.users)
            .unwrap_or_default()
    });
    let dialog = RwSignal::new(None::<Open>);
    let reload = Callback::new(move |()| inspected.reload());
    let removable = Signal::derive(move || is_admin.then(|| plugin.get()).flatten());
    let actions = move || {
        is_admin.then_some({
            move || {
                plugin.get().map(|found| {
                    let toggle = if found.enabled {
                        view! { <button class="btn" on:click=move |_| dialog.set(Some(Open::Disable))>"Disable"</button> }.into_any()
                    } else {
                        let target = found;
                        view! {
                            <button class="btn btn-primary" on:click=move |_| enable(status, toaster, &target, reload)>"Enable"</button>
                        }
                        .into_any()
                    };
                    view! {
                        {toggle}
                        <button class="btn" on:click=move |_| dialog.set(Some(Open::Configure))>"Configure"</button>
                        <button class="btn" on:click=move |_| dialog.set(Some(Open::Upgrade))>"Upgrade"</button>
                        <button class="btn" on:click=move |_| dialog.set(Some(Open::Push))>"Push"</button>
                    }
                })
            }
        })
    };
    let dialogs = move || {
        view! {
            <DisableDialog open=dialog plugin=plugin users=users done=reload/>
            <ConfigureDialog open=dialog plugin=plugin done=reload/>
            <UpgradeDialog open=dialog plugin=plugin done=reload/>
            <PushPluginDialog open=dialog name=Signal::derive(move || name.get())/>
        }
    };
    view! {
        <DetailPage
            section="plugins"
            section_title="Plugins"
            title=Signal::derive(move || name.get())
            subtitle=Signal::derive(move || inspected.value().map(|found| subtitle(&found)))
            subtitle_testid="plugin-state-line"
            remote=inspected
            removable=removable
            raw=Signal::derive(move || inspected.value().map(|found| found.raw))
            actions=ToChildren::to_children(actions)
            dialogs=ToChildren::to_children(dialogs)
        >
            {remote_view(inspected, status, "the plugin", move |found: Inspected| overview(found).into_any())}
        </DetailPage>
    }
}

fn subtitle(found: &Inspected) -> String {
    let state = if found.plugin.enabled {
        "enabled"
    } else {
        "disabled"
    };
    match found.users.len() {
        0 => state.to_owned(),
        n => format!("{state} · used by {n}"),
    }
}

/// The Overview tab.
fn overview(found: Inspected) -> impl IntoView {
    let plugin = found.plugin;
    let config = &plugin.config;
    let yes_no = |flag: bool| if flag { "yes" } else { "no" }.to_owned();
    let facts = vec![
        (
            "State".into(),
            if plugin.enabled {
                "enabled"
            } else {
                "disabled"
            }
            .to_owned(),
        ),
        ("Types".into(), kinds_text(&plugin)),
        ("Description".into(), config.description.clone()),
        ("Reference".into(), plugin.plugin_reference.clone()),
        ("Documentation".into(), config.documentation.clone()),
        ("Id".into(), plugin.id.clone()),
        ("Built by".into(), config.docker_version.clone()),
    ];
    let runtime = vec![
        ("Entrypoint".into(), config.entrypoint.join(" ")),
        ("Working directory".into(), config.work_dir.clone()),
        ("Network".into(), config.network.kind.clone()),
        ("Socket".into(), config.interface.socket.clone()),
        ("Propagated mount".into(), config.propagated_mount.clone()),
        ("Capabilities".into(), config.linux.capabilities.join(", ")),
        ("All devices".into(), yes_no(config.linux.allow_all_devices)),
        ("Host PID".into(), yes_no(config.pid_host)),
        ("Host IPC".into(), yes_no(config.ipc_host)),
    ];
    let settings = &plugin.settings;
    let mut set = Vec::new();
    set.extend(settings.env.iter().map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (format!("env {key}"), value.to_owned())
    }));
    if !settings.args.is_empty() {
        set.push(("args".into(), settings.args.join(" ")));
    }
    set.extend(settings.mounts.iter().map(|mount| {
        (
            format!("mount {}", mount.name),
            format!("{} → {}", mount.source, mount.destination),
        )
    }));
    set.extend(
        settings
            .devices
            .iter()
            .map(|device| (format!("device {}", device.name), device.path.clone())),
    );
    let fields = settable_fields(&plugin);
    let users = found.users;
    view! {
        <div class="cards">
            <FactsCard title="Plugin" rows=facts/>
            <FactsCard title="Runtime" rows=runtime mono=true/>
            <FactsCard title="Settings" rows=set empty="Nothing set" mono=true/>
        </div>
        <TableSection
            title="Settable"
            count=fields.len()
            empty="Nothing of this plugin can be set."
            testid="plugin-settable"
            columns=&[Column::Text("Field"), Column::Text("Kind"), Column::Text("Current value"), Column::Text("Description")]
        >
            {fields.into_iter().map(|field| view! {
                <tr>
                    <td class="mono">{field.key}</td>
                    <td>{field.kind.label()}</td>
                    <td class="mono">{field.current}</td>
                    <td>{field.description}</td>
                </tr>
            }).collect_view()}
        </TableSection>
        <TableSection
            title="Used by"
            count=users.len()
            empty="No volume or network on this engine uses its drivers."
            testid="plugin-users"
            columns=&[Column::Text("Object")]
        >
            {users.into_iter().map(|user| view! { <tr><td class="mono">{user}</td></tr> }).collect_view()}
        </TableSection>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_plugins_drive_under_either_name() {
        assert!(is_driver("vieux/sshfs", "vieux/sshfs:latest"));
        assert!(is_driver("vieux/sshfs:latest", "vieux/sshfs:latest"));
        assert!(!is_driver("local", "vieux/sshfs:latest"));
        assert!(!is_driver("a/b", "a/b:v1"));
    }
}
