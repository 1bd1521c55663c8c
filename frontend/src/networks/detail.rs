//! `/env/:env/networks/:id`: one network's settings, its address pools, the containers on it
//! with their addresses and aliases; connecting and disconnecting containers.

use std::collections::BTreeMap;

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::network::{ContainerEndpoints, Network, NetworkDisconnectRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::ApiError;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::app::remote::remote_view;
use crate::app::session::use_session;
use crate::app::use_route_param;
use crate::components::confirm::ConfirmDialog;
use crate::components::facts::{FactsCard, map_rows};
use crate::components::fields::{FieldMessage, FormAlert, FormState, SubmitButton, TextField};
use crate::components::table::{ACTIONS, Column, TableSection};
use crate::components::toast::use_toaster;
use crate::format;
use crate::networks::cidr::strip_prefix;
use crate::networks::form::{ConnectDraft, field};
use crate::networks::list::flags;
use crate::resource_page::detail_page::DetailPage;
use crate::resource_page::removal::report_failure;

/// A network with the endpoint settings of each container on it, by container id.
#[derive(Debug, Clone, PartialEq)]
struct Inspected {
    network: Network,
    endpoints: BTreeMap<String, ContainerEndpoints>,
    /// The network's document as the engine sent it.
    raw: serde_json::Value,
}

/// One container on the network, as the table shows it.
#[derive(Debug, Clone, PartialEq)]
struct Attached {
    id: String,
    name: String,
    ipv4: String,
    ipv6: String,
    mac: String,
    aliases: Vec<String>,
    /// Whether the IPv4 and the IPv6 address were chosen when connecting.
    static_ipv4: bool,
    static_ipv6: bool,
}

impl Inspected {
    fn attached(&self) -> Vec<Attached> {
        let mut rows: Vec<Attached> = self
            .network
            .containers
            .iter()
            .flatten()
            .map(|(id, container)| {
                let endpoint = self
                    .endpoints
                    .get(id)
                    .and_then(|endpoints| endpoints.on_network(&self.network.id));
                let short_id = id.get(..12).unwrap_or(id);
                let config = endpoint.and_then(|endpoint| endpoint.ipam_config.as_ref());
                let chosen = |address: Option<&str>| address.is_some_and(|ip| !ip.is_empty());
                Attached {
                    id: id.clone(),
                    name: container.name.clone(),
                    ipv4: strip_prefix(&container.ipv4_address).to_owned(),
                    ipv6: strip_prefix(&container.ipv6_address).to_owned(),
                    mac: container.mac_address.clone(),
                    // Engines add the short id as an alias of their own; only show the chosen ones.
                    aliases: endpoint
                        .and_then(|endpoint| endpoint.aliases.clone())
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|alias| alias != short_id && alias != id)
                        .collect(),
                    static_ipv4: chosen(config.and_then(|c| c.ipv4_address.as_deref())),
                    static_ipv6: chosen(config.and_then(|c| c.ipv6_address.as_deref())),
                }
            })
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        rows
    }
}

/// `/env/:env/networks/:id`.
#[component]
pub fn NetworkDetailPage() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let can_operate = use_session().can(Access::Operate);
    let id = use_route_param("id");
    let inspected = status.remote(move |engine, signal| {
        let id = id.get();
        async move {
            let (network, raw) = engine.network(&id, Some(&signal)).await?;
            let mut endpoints = BTreeMap::new();
            for container in network.containers.iter().flatten().map(|(id, _)| id) {
                match engine.container_endpoints(container, Some(&signal)).await {
                    Ok(found) => {
                        endpoints.insert(container.clone(), found);
                    }
                    // A container removed meanwhile just shows without aliases.
                    Err(ApiError::Http { status: 404, .. }) => {}
                    Err(error) => return Err(error),
                }
            }
            Ok(Inspected {
                network,
                endpoints,
                raw,
            })
        }
    });
    let pending_disconnect = RwSignal::new(None::<Attached>);

    let disconnect = Callback::new(move |()| {
        let Some(container) = pending_disconnect.get_untracked() else {
            return;
        };
        pending_disconnect.set(None);
        let engine = status.engine_untracked();
        let network = id.get_untracked();
        spawn_local(async move {
            let request = NetworkDisconnectRequest {
                container: container.id.clone(),
                force: false,
            };
            match engine.disconnect_network(&network, &request).await {
                Ok(()) => toaster.success(format!("Disconnected {}", container.name)),
                Err(error) => {
                    report_failure(toaster, status, "disconnect", &container.name, &error);
                }
            }
            inspected.reload();
        });
    });
    let title = Signal::derive(move || {
        inspected
            .value()
            .map_or_else(|| id.get(), |found| found.network.name)
    });
    let subtitle = Signal::derive(move || inspected.value().map(|found| found.network.id));
    let removable = Signal::derive(move || -> Option<Network> {
        let network = inspected.value()?.network;
        (can_operate && !network.is_predefined()).then_some(network)
    });

    let dialogs = move || {
        view! {
                    <ConfirmDialog
                        open=Signal::derive(move || pending_disconnect.with(Option::is_some))
                        title=Signal::derive(move || {
                            pending_disconnect.with(|c| c.as_ref().map(|c| format!("Disconnect {}?", c.name))).unwrap_or_default()
                        })
                        confirm_label="Disconnect"
                        on_confirm=disconnect
                        on_cancel=Callback::new(move |()| pending_disconnect.set(None))
                    >
                        <p>{move || pending_disconnect.with(|c| c.as_ref().map(|c| {
                            let address = if c.ipv4.is_empty() { String::new() } else { format!(" its address {} and", c.ipv4) };
                            format!("{} loses{address} its aliases on this network; other containers here can no longer reach it by name.", c.name)
                        }))}</p>
                    </ConfirmDialog>
        }
    };

    view! {
        <DetailPage
            section="networks"
            section_title="Networks"
            title=title
            subtitle=subtitle
            subtitle_class="mono"
            remote=inspected
            removable=removable
            raw=Signal::derive(move || inspected.value().map(|found| found.raw))
            dialogs=ToChildren::to_children(dialogs)
        >
            {remote_view(inspected, status, "the network", move |found: Inspected| {
                let network = found.network.clone();
                let attached = found.attached();
                let subnets: Vec<String> = network.subnets().into_iter().map(str::to_owned).collect();
                let connected_ids: Vec<String> = attached.iter().map(|a| a.id.clone()).collect();
                let pools: Vec<(String, String)> = network
                    .pools()
                    .map(|pool| {
                        let mut parts = Vec::new();
                        if let Some(gateway) = &pool.gateway {
                            parts.push(format!("gateway {gateway}"));
                        }
                        if let Some(range) = &pool.ip_range {
                            parts.push(format!("range {range}"));
                        }
                        (pool.subnet.clone().unwrap_or_default(), parts.join(", "))
                    })
                    .collect();
                let flag_text = flags(&network).join(", ");
                view! {
                    <div class="cards">
                        <FactsCard title="Network" rows=vec![
                            ("Driver".into(), network.driver.clone()),
                            ("Scope".into(), network.scope.clone()),
                            ("Created".into(), network.created.replace('T', " ").chars().take(19).collect()),
                            ("Flags".into(), if flag_text.is_empty() { "none".into() } else { flag_text }),
                            ("IPAM driver".into(), network.ipam.as_ref().map(|ipam| ipam.driver.clone()).unwrap_or_default()),
                        ]/>
                        <FactsCard title="Address pools" rows=pools empty="The engine manages this network's addresses." mono=true/>
                        <FactsCard title="Labels" rows=map_rows(network.labels.as_ref()) empty="No labels" mono=true/>
                        <FactsCard title="Driver options" rows=map_rows(network.options.as_ref()) empty="No options" mono=true/>
                    </div>
                    <ConnectedTable rows=attached can_operate=can_operate on_disconnect=Callback::new(move |row| pending_disconnect.set(Some(row)))/>
                    {can_operate.then(|| view! {
                        <ConnectForm network_id=network.id.clone() subnets=subnets connected=connected_ids on_connected=Callback::new(move |()| inspected.reload())/>
                    })}
                }
                .into_any()
            })}
        </DetailPage>
    }
}

/// The containers on the network.
#[component]
fn ConnectedTable(
    /// The containers.
    rows: Vec<Attached>,
    /// Whether the user may disconnect them.
    can_operate: bool,
    /// Asks to disconnect one.
    on_disconnect: Callback<Attached>,
) -> impl IntoView {
    let status = use_engine_status();
    view! {
        <TableSection
            title="Connected containers"
            count=rows.len()
            empty="No containers are connected to this network."
            empty_testid="no-connected"
            testid="connected-table"
            columns=&[
                Column::Text("Container"),
                Column::Text("IPv4"),
                Column::Text("IPv6"),
                Column::Text("MAC"),
                Column::Text("Aliases"),
                ACTIONS,
            ]
        >
                        {rows.into_iter().map(|row| {
                            let href = format!("/env/{}/containers/{}", status.environment.get_untracked(), row.id);
                            let name = row.name.clone();
                            let link_text = name.clone();
                            let target = row.clone();
                            let label = format!("Disconnect {name}");
                            view! {
                                <tr data-container=name>
                                    <td>
                                        <A href=href attr:class="cell-title cell-link">{link_text}</A>
                                        <div class="cell-sub mono">{row.id.get(..12).unwrap_or(&row.id).to_owned()}</div>
                                    </td>
                                    <td class="mono" data-testid="ipv4"><Address address=row.ipv4.clone() chosen=row.static_ipv4/></td>
                                    <td class="mono" data-testid="ipv6"><Address address=row.ipv6.clone() chosen=row.static_ipv6/></td>
                                    <td class="mono">{row.mac.clone()}</td>
                                    <td>
                                        <div class="chips" data-testid="aliases">
                                            {row.aliases.iter().map(|alias| view! { <span class="chip mono">{alias.clone()}</span> }).collect_view()}
                                        </div>
                                    </td>
                                    <td class="cell-actions">
                                        {can_operate.then(|| view! {
                                            <button class="btn btn-small" aria-label=label on:click=move |_| on_disconnect.run(target.clone())>
                                                "Disconnect"
                                            </button>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
        </TableSection>
    }
}

/// A container's address on the network, marked when it was chosen rather than assigned.
#[component]
fn Address(address: String, chosen: bool) -> impl IntoView {
    view! {
        {format::or_dash(address)}
        {chosen.then(|| view! { " " <span class="chip" title="Assigned when connecting">"static"</span> })}
    }
}

/// Connects a container, with aliases and optional static addresses.
#[component]
fn ConnectForm(
    /// The network's id.
    network_id: String,
    /// The network's subnets, to check a static address against.
    subnets: Vec<String>,
    /// Ids of containers already connected, left out of the choice.
    connected: Vec<String>,
    /// Runs once a container is connected.
    on_connected: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let containers = Remote::new(move |signal| {
        let engine = status.engine();
        async move { engine.containers(Some(&signal)).await }
    });
    let container = RwSignal::new(String::new());
    let aliases = RwSignal::new(String::new());
    let ipv4 = RwSignal::new(String::new());
    let ipv6 = RwSignal::new(String::new());
    // The IPv6 field is offered where it can work: on a network with an IPv6 subnet.
    let has_ipv6 = subnets.iter().any(|subnet| subnet.contains(':'));
    let form = FormState::new();
    let error = form.error;
    let network = StoredValue::new(network_id);
    let subnets = StoredValue::new(subnets);

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let draft = ConnectDraft {
            container: container.get_untracked(),
            aliases: aliases.get_untracked(),
            ipv4: ipv4.get_untracked(),
            ipv6: ipv6.get_untracked(),
        };
        let checked = subnets.with_value(|subnets| {
            let subnets: Vec<&str> = subnets.iter().map(String::as_str).collect();
            draft.to_request(&subnets)
        });
        let Some(request) = form.begin(checked) else {
            return;
        };
        let engine = status.engine_untracked();
        let network = network.get_value();
        spawn_local(async move {
            let result = engine.connect_network(&network, &request).await;
            if form.finish(status, result).is_some() {
                toaster.success(format!("Connected {}", request.container));
                container.set(String::new());
                aliases.set(String::new());
                ipv4.set(String::new());
                ipv6.set(String::new());
                on_connected.try_run(());
            }
        });
    };
    let choices = move || {
        let mut all: Vec<ContainerSummary> = containers.value().unwrap_or_default();
        all.retain(|c| !connected.contains(&c.id));
        all.sort_by(|a, b| a.display_name().cmp(b.display_name()));
        all
    };
    let container_invalid =
        move || error.with(|e| e.as_ref().is_some_and(|e| e.field == field::CONTAINER));

    view! {
        <form class="card form" on:submit=submit novalidate aria-labelledby="connect-title" data-testid="connect-form">
            <h2 id="connect-title" class="card-title">"Connect a container"</h2>
            <div class="form-inline-grid">
                <label class="field">
                    <span class="field-label">{field::CONTAINER}</span>
                    <select
                        aria-invalid=move || container_invalid().to_string()
                        prop:value=move || container.get()
                        on:change=move |event| container.set(event_target_value(&event))
                    >
                        <option value="">"Choose a container…"</option>
                        {move || choices().into_iter().map(|c| {
                            let label = format!("{} ({})", c.display_name(), c.state);
                            view! { <option value=c.display_name().to_owned()>{label}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage error=error field=field::CONTAINER/>
                </label>
                <TextField label=field::ALIASES value=aliases error=error placeholder="db, primary" mono=true
                    hint="Other names it answers to here, separated by commas"/>
                <TextField label=field::IPV4 value=ipv4 error=error placeholder="10.7.0.20" mono=true
                    hint="A static address in the network's subnet"/>
                {has_ipv6.then(|| view! {
                    <TextField label=field::IPV6 value=ipv6 error=error placeholder="fd00:7::20" mono=true
                        hint="A static address in the network's IPv6 subnet"/>
                })}
            </div>
            <FormAlert form=form/>
            <div class="form-actions">
                <SubmitButton form=form idle="Connect" busy="Connecting…"/>
            </div>
        </form>
    }
}
