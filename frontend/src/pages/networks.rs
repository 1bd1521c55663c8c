//! The Networks page: the environment's networks with their driver, scope and addresses;
//! creating, removing and pruning them.

use berth_shared::access::Access;
use berth_shared::engine::network::Network;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::components::confirm::ConfirmDialog;
use crate::components::icons::{Icon, IconKind};
use crate::components::remove_button::RemoveButton;
use crate::components::states::{EmptyState, SearchResults};
use crate::components::table::{ACTIONS, Column, DataTable};
use crate::components::toast::use_toaster;
use crate::disk_usage::prune_summary;
use crate::engine_status::use_engine_status;
use crate::pages::network_create::NetworkCreateForm;
use crate::pages::outcome::{Removable, RemovalDialog, report_failure};
use crate::pages::{RefreshButton, SearchBox, matches_search, remote_view};
use crate::remote::Remote;
use crate::session::use_session;

/// `/env/:env/networks`.
#[component]
pub fn NetworksPage() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let can_operate = use_session().can(Access::Operate);
    let networks = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        async move { engine.networks(Some(&signal)).await }
    });
    let search = RwSignal::new(String::new());
    let creating = RwSignal::new(false);
    let pending_removal = RwSignal::new(None::<Network>);
    let confirming_prune = RwSignal::new(false);

    let prune = Callback::new(move |()| {
        confirming_prune.set(false);
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

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Networks"</h1>
                    <p class="page-sub">{move || networks.value().map(|all| format!("{} networks", all.len()))}</p>
                </div>
                <div class="toolbar">
                    <SearchBox text=search what="networks"/>
                    <RefreshButton remote=networks/>
                    {can_operate.then(|| view! {
                        <button class="btn" on:click=move |_| confirming_prune.set(true)>
                            <Icon kind=IconKind::Trash/>
                            "Prune"
                        </button>
                        <button
                            class="btn btn-primary"
                            aria-expanded=move || creating.get().to_string()
                            on:click=move |_| creating.update(|open| *open = !*open)
                        >
                            "Create network"
                        </button>
                    })}
                </div>
            </div>
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
            {remote_view(networks, status, "networks", move |mut all: Vec<Network>| {
                if all.is_empty() {
                    return view! {
                        <EmptyState icon=IconKind::Network title="No networks">
                            <p>"This engine reports no networks at all, not even the default bridge."</p>
                        </EmptyState>
                    }
                    .into_any();
                }
                all.sort_by(|a, b| a.name.cmp(&b.name));
                let rows = Memo::new(move |_| {
                    let search = search.get();
                    all.iter()
                        .filter(|network| matches_search(&search, &format!("{} {} {} {}", network.name, network.driver, network.id, network.subnets().join(" "))))
                        .cloned()
                        .collect::<Vec<_>>()
                });
                view! {
                    <SearchResults what="networks" search=search empty=Signal::derive(move || rows.with(Vec::is_empty))>
                        <NetworkTable rows=rows can_operate=can_operate on_remove=Callback::new(move |network| pending_removal.set(Some(network)))/>
                    </SearchResults>
                }
                .into_any()
            })}
            <RemovalDialog pending=pending_removal on_removed=Callback::new(move |_| networks.reload())/>
            <ConfirmDialog
                open=confirming_prune
                title="Remove unused networks?"
                confirm_label="Prune networks"
                on_confirm=prune
                on_cancel=Callback::new(move |()| confirming_prune.set(false))
            >
                <p>
                    "Every network you created that no container is connected to is removed, with its "
                    "subnet, labels and options. The predefined " <code>"bridge"</code> ", " <code>"host"</code>
                    " and " <code>"none"</code> " networks stay."
                </p>
            </ConfirmDialog>
        </section>
    }
}

/// The table of networks.
#[component]
fn NetworkTable(
    /// The rows to show, filtered and sorted.
    rows: Memo<Vec<Network>>,
    /// Whether the user may remove networks.
    can_operate: bool,
    /// Asks to remove a network.
    on_remove: Callback<Network>,
) -> impl IntoView {
    let status = use_engine_status();
    view! {
        <DataTable
            testid="networks-table"
            columns=&[
                Column::Text("Name"),
                Column::Text("Driver"),
                Column::Text("Scope"),
                Column::Text("Subnets"),
                Column::Text("Flags"),
                ACTIONS,
            ]
        >
            <For each=move || rows.get() key=|network| network.id.clone() let:network>
                {
                    let href = format!("/env/{}/networks/{}", status.environment.get_untracked(), network.id);
                    let subnets = network.subnets().join(", ");
                    let name = network.name.clone();
                    let link_text = name.clone();
                    let predefined = network.is_predefined();
                    let removable = network.clone();
                    let label = format!("Remove {name}");
                    view! {
                        <tr data-network=name>
                            <td>
                                <A href=href attr:class="cell-title cell-link">{link_text}</A>
                                <div class="cell-sub mono">{network.short_id().to_owned()}</div>
                            </td>
                            <td>{network.driver.clone()}</td>
                            <td>{network.scope.clone()}</td>
                            <td class="mono">{if subnets.is_empty() { "—".to_owned() } else { subnets }}</td>
                            <td>
                                <div class="chips">
                                    {flags(&network).into_iter().map(|flag| view! { <span class="chip">{flag}</span> }).collect_view()}
                                </div>
                            </td>
                            <td class="cell-actions">
                                {(can_operate && !predefined).then(|| view! {
                                    <div class="row-actions">
                                        <RemoveButton label=label on_click=Callback::new(move |()| on_remove.run(removable.clone()))/>
                                    </div>
                                })}
                            </td>
                        </tr>
                    }
                }
            </For>
        </DataTable>
    }
}

impl Removable for Network {
    const NOUN: &'static str = "network";
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

    async fn remove(self, engine: Engine) -> Result<(), ApiError> {
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
