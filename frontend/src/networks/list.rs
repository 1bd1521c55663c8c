//! The Networks page: the environment's networks with their driver, scope and addresses;
//! creating, removing and pruning them.

use berth_shared::access::Access;
use berth_shared::engine::network::Network;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::app::session::use_session;
use crate::app::undecodable::Kind;
use crate::components::icons::IconKind;
use crate::components::table::{ACTIONS, Column};
use crate::components::toast::use_toaster;
use crate::format;
use crate::networks::create::NetworkCreateForm;
use crate::resource_page::list_page::{ListOptions, ListPage};
use crate::resource_page::prune::PruneButton;
use crate::resource_page::removal::{Removable, report_failure};
use crate::resource_page::{Edges, Resource, list_remote};
use crate::system::disk_usage::prune_summary;

/// `/env/:env/networks`.
#[component]
pub fn NetworksPage() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let can_operate = use_session().can(Access::Operate);
    let networks = list_remote::<Network>(status);
    let creating = RwSignal::new(false);

    let prune = Callback::new(move |()| {
        let engine = status.engine_untracked();
        spawn_local(async move {
            match engine.prune_networks().await {
                Ok(report) => {
                    let mut message = prune_summary(("network", "networks"), &report);
                    if let Some(names) = report.networks_deleted.filter(|names| !names.is_empty()) {
                        message.push_str(&format!(": {}", names.join(", ")));
                    }
                    toaster.success(message);
                }
                Err(error) => report_failure(toaster, status, "prune", "networks", &error),
            }
            networks.reload();
        });
    });
    let actions = move || {
        can_operate.then(|| {
            view! {
                <PruneButton title="Remove unused networks?" confirm_label="Prune networks" on_confirm=prune>
                    <p>
                        "Every network you created that no container is connected to is removed, with its "
                        "subnet, labels and options. The predefined " <code>"bridge"</code> ", " <code>"host"</code>
                        " and " <code>"none"</code> " networks stay."
                    </p>
                </PruneButton>
                <button
                    class="btn btn-primary"
                    aria-expanded=move || creating.get().to_string()
                    on:click=move |_| creating.update(|open| *open = !*open)
                >
                    "Create network"
                </button>
            }
        })
    };

    view! {
        <ListPage
            remote=networks
            can_remove=can_operate
            options=ListOptions {
                empty: Some(Signal::derive(|| (
                    "No networks".to_owned(),
                    "This engine reports no networks at all, not even the default bridge.".to_owned(),
                ))),
                ..ListOptions::default()
            }
            actions=ToChildren::to_children(actions)
        >
            <Show when=move || creating.get()>
                <NetworkCreateForm
                    on_created=Callback::new(move |name: String| {
                        creating.set(false);
                        toaster.success(format!("Created network {name}"));
                        networks.reload();
                    })
                    on_cancel=Callback::new(move |()| creating.set(false))
                />
            </Show>
        </ListPage>
    }
}

impl Resource for Network {
    const PLURAL: &'static str = "networks";
    const TITLE: &'static str = "Networks";
    const ICON: IconKind = IconKind::Network;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Name"),
        Column::Text("Driver"),
        Column::Text("Scope"),
        Column::Text("Subnets"),
        Column::Text("Flags"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "networks-table";
    const UNDECODABLE: Option<Kind> = Some(Kind::Networks);

    fn key(&self) -> String {
        self.id.clone()
    }

    fn search_text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.name,
            self.driver,
            self.id,
            self.subnets().join(" ")
        )
    }

    fn link(&self, environment: &str) -> Option<String> {
        Some(format!("/env/{environment}/networks/{}", self.id))
    }

    fn removable(&self) -> bool {
        !self.is_predefined()
    }

    fn row(&self, link: Option<String>, edges: Edges) -> AnyView {
        let subnets = self.subnets().join(", ");
        let name = self.name.clone();
        let link_text = name.clone();
        let chips = flags(self)
            .into_iter()
            .map(|flag| view! { <span class="chip">{flag}</span> })
            .collect_view();
        view! {
            <tr data-network=name>
                {edges.select}
                <td>
                    <A href=link.unwrap_or_default() attr:class="cell-title cell-link cell-clip" attr:title=name.clone()>{link_text}</A>
                    <div class="cell-sub mono">{self.short_id().to_owned()}</div>
                </td>
                <td>{self.driver.clone()}</td>
                <td>{self.scope.clone()}</td>
                <td class="mono">{format::or_dash(subnets)}</td>
                <td>
                    <div class="chips">{chips}</div>
                </td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(engine: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        let mut all = engine.networks(Some(&signal)).await?;
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }
}

impl Removable for Network {
    const NOUN: &'static str = "network";
    type Choices = ();
    const NOTE: Option<&'static str> =
        Some("The engine refuses while containers are still connected: disconnect them first.");

    fn name(&self) -> &str {
        &self.name
    }

    fn lost(&self) -> String {
        let subnets = self.subnets().join(", ");
        if subnets.is_empty() {
            "Its settings, labels and options are deleted.".to_owned()
        } else {
            format!("Its address pool {subnets}, settings, labels and options are deleted.")
        }
    }

    async fn remove(self, engine: Engine, (): ()) -> Result<(), ApiError> {
        engine.remove_network(&self.id).await
    }
}

/// The flags shown as chips.
pub fn flags(network: &Network) -> Vec<&'static str> {
    [
        (network.internal, "internal"),
        (network.attachable, "attachable"),
        (network.ingress, "ingress"),
        (network.enable_ipv6, "IPv6"),
    ]
    .into_iter()
    .filter_map(|(on, label)| on.then_some(label))
    .collect()
}
