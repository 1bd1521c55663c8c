//! The Networks page: the environment's networks with their driver, scope and addresses.

use berth_shared::engine::network::Network;
use leptos::prelude::*;

use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::engine_status::use_engine_status;
use crate::pages::{RefreshButton, SearchBox, matches_search, remote_view};
use crate::remote::Remote;

/// `/env/:env/networks`.
#[component]
pub fn NetworksPage() -> impl IntoView {
    let status = use_engine_status();
    let networks = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        async move { engine.networks(Some(&signal)).await }
    });
    let search = RwSignal::new(String::new());
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
                </div>
            </div>
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
                let rows = move || {
                    let search = search.get();
                    all.iter()
                        .filter(|network| matches_search(&search, &format!("{} {} {}", network.name, network.driver, network.id)))
                        .cloned()
                        .collect::<Vec<_>>()
                };
                view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="networks-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Driver"</th>
                                    <th scope="col">"Scope"</th>
                                    <th scope="col">"Subnets"</th>
                                    <th scope="col">"Flags"</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For each=rows key=|network| network.id.clone() let:network>
                                    <tr>
                                        <td>
                                            <div class="cell-title">{network.name.clone()}</div>
                                            <div class="cell-sub mono">{network.id.get(..12).unwrap_or(&network.id).to_owned()}</div>
                                        </td>
                                        <td>{network.driver.clone()}</td>
                                        <td>{network.scope.clone()}</td>
                                        <td class="mono">{subnets(&network)}</td>
                                        <td>
                                            <div class="chips">
                                                {flags(&network).into_iter().map(|flag| view! { <span class="chip">{flag}</span> }).collect_view()}
                                            </div>
                                        </td>
                                    </tr>
                                </For>
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            })}
        </section>
    }
}

fn subnets(network: &Network) -> String {
    let subnets: Vec<String> = network
        .ipam
        .iter()
        .flat_map(|ipam| ipam.config.iter().flatten())
        .filter_map(|config| config.subnet.clone())
        .collect();
    if subnets.is_empty() {
        "—".to_owned()
    } else {
        subnets.join(", ")
    }
}

fn flags(network: &Network) -> Vec<&'static str> {
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
