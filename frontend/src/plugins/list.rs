//! The Plugins page: the environment's managed plugins with their tag, state, description,
//! driver types and the reference they came from (under the name, when an alias differs); for
//! admins, installing one, creating one from a tar, and removing them (forced when enabled).

use berth_shared::access::Access;
use berth_shared::engine::plugin::Plugin;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use web_sys::AbortSignal;

use crate::api::engine::Engine;
use crate::api::{ApiError, percent_encode};
use crate::app::engine_status::use_engine_status;
use crate::app::session::use_session;
use crate::app::undecodable::Kind;
use crate::components::fields::Check;
use crate::components::icons::IconKind;
use crate::components::table::{ACTIONS, Column};
use crate::components::toast::use_toaster;
use crate::plugins::create::CreatePluginDialog;
use crate::plugins::install::InstallWizard;
use crate::resource_page::list_page::ListPage;
use crate::resource_page::list_remote;
use crate::resource_page::removal::{Removable, RemovalChoices};
use crate::resource_page::{Edges, Resource};

/// `/env/:env/plugins`.
#[component]
pub fn PluginsPage() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let is_admin = use_session().can(Access::Admin);
    let plugins = list_remote::<Plugin>(status);
    // The command palette's "Install a plugin" comes here with `?install=1`.
    let asked = use_query_map().with_untracked(|query| query.get("install").is_some());
    let installing = RwSignal::new(asked && is_admin);
    let creating = RwSignal::new(false);
    let actions = move || {
        is_admin.then(|| {
            view! {
                <button class="btn" on:click=move |_| creating.set(true)>"Create from tar"</button>
                <button class="btn btn-primary" data-testid="install-plugin" on:click=move |_| installing.set(true)>
                    "Install plugin"
                </button>
            }
        })
    };
    let empty = Signal::derive(|| {
        (
            "No plugins installed".to_owned(),
            "Plugins add volume, network, log and authorization drivers to the engine. They run as root on the host, so only admins install them."
                .to_owned(),
        )
    });
    view! {
        <ListPage
            remote=plugins
            can_remove=is_admin
            options=crate::resource_page::list_page::ListOptions { empty: Some(empty), ..Default::default() }
            actions=ToChildren::to_children(actions)
        >
            <InstallWizard open=installing on_done=Callback::new(move |name: String| {
                toaster.success(format!("Installed plugin {name}"));
                plugins.reload();
            }) on_changed=Callback::new(move |()| plugins.reload())/>
            <CreatePluginDialog open=creating on_created=Callback::new(move |name: String| {
                toaster.success(format!("Created plugin {name}"));
                plugins.reload();
            })/>
        </ListPage>
    }
}

/// The types of a plugin as words: `volume, authz`.
pub fn kinds_text(plugin: &Plugin) -> String {
    plugin
        .kinds()
        .iter()
        .map(|kind| kind.label())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Resource for Plugin {
    const PLURAL: &'static str = "plugins";
    const TITLE: &'static str = "Plugins";
    const ICON: IconKind = IconKind::System;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Name"),
        Column::Text("Tag"),
        Column::Text("State"),
        Column::Text("Types"),
        Column::Text("Description"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "plugins-table";
    const UNDECODABLE: Option<Kind> = Some(Kind::Plugins);

    /// The id with the state, so a row is drawn again once enabled or disabled.
    fn key(&self) -> String {
        format!("{}\n{}\n{}", self.id, self.name, self.enabled)
    }

    fn search_text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.name,
            self.config.description,
            kinds_text(self),
            self.plugin_reference
        )
    }

    fn link(&self, environment: &str) -> Option<String> {
        Some(format!(
            "/env/{environment}/plugins/{}",
            percent_encode(&self.name)
        ))
    }

    fn row(&self, link: Option<String>, edges: Edges) -> AnyView {
        let (name, tag) = self.name_and_tag();
        let (name, tag) = (name.to_owned(), tag.to_owned());
        let title = self.name.clone();
        // The reference it came from, when an alias named it otherwise.
        let reference = (!self.plugin_reference.is_empty() && self.plugin_reference != self.name)
            .then(|| format!("from {}", self.plugin_reference));
        let description = self.config.description.clone();
        let description_tip = description.clone();
        let state = if self.enabled {
            view! { <span class="badge badge-success">"enabled"</span> }
        } else {
            view! { <span class="badge badge-neutral">"disabled"</span> }
        };
        view! {
            <tr data-plugin=self.name.clone()>
                {edges.select}
                <td>
                    <A href=link.unwrap_or_default() attr:class="cell-title cell-link cell-clip" attr:title=title>{name}</A>
                    {reference.map(|reference| {
                        let tip = reference.clone();
                        view! { <span class="cell-sub mono cell-clip" data-testid="plugin-reference" title=tip>{reference}</span> }
                    })}
                </td>
                <td class="mono">{tag}</td>
                <td data-testid="plugin-state">{state}</td>
                <td>{kinds_text(self)}</td>
                <td><span class="cell-clip" title=description_tip>{description}</span></td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(engine: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        engine.plugins(Some(&signal)).await
    }
}

/// Whether to remove a plugin that is enabled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PluginRemoval {
    /// `force=true`.
    pub force: bool,
}

impl RemovalChoices for PluginRemoval {
    fn view(choices: RwSignal<Self>) -> AnyView {
        let force = RwSignal::new(false);
        Effect::new(move || {
            choices.set(PluginRemoval { force: force.get() });
        });
        view! { <Check label="Force (also while enabled)" name="force" value=force/> }.into_any()
    }
}

impl Removable for Plugin {
    const NOUN: &'static str = "plugin";
    const NOTE: Option<&'static str> =
        Some("The engine refuses while volumes or networks of its driver exist, even when forced.");
    type Choices = PluginRemoval;

    fn name(&self) -> &str {
        &self.name
    }

    fn lost(&self) -> String {
        let kinds = kinds_text(self);
        let drivers = if kinds.is_empty() {
            String::new()
        } else {
            format!(" Its {kinds} driver is no longer available.")
        };
        let enabled = if self.enabled {
            " It is enabled: it is stopped first, which needs force."
        } else {
            ""
        };
        format!("The plugin is uninstalled with its settings.{drivers}{enabled}")
    }

    async fn remove(self, engine: Engine, choices: PluginRemoval) -> Result<(), ApiError> {
        engine.remove_plugin(&self.name, choices.force).await
    }
}
