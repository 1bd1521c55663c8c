//! `/env/:env/nodes`: the swarm's nodes with their role, leader, availability, state, engine,
//! CPUs, memory and labels, following the swarm's events. Admins change a node's availability
//! (a drain asks first, naming the tasks that will move), promote and demote it (warned when
//! the quorum is at stake) and remove it (forced when it is still up); its labels are edited on
//! its page.

use berth_shared::access::Access;
use berth_shared::engine::node::{Node, NodeSpec, Quorum};
use leptos::prelude::*;
use leptos_router::components::A;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::app::live_events::LiveIndicator;
use crate::app::session::use_session;
use crate::app::undecodable::Kind;
use crate::components::icons::IconKind;
use crate::components::table::{ACTIONS, Column};
use crate::format;
use crate::resource_page::list_page::{ListOptions, ListPage};
use crate::resource_page::removal::{Removable, RemovalChoices};
use crate::resource_page::{Edges, Resource, list_remote};
use crate::swarm::gate::ManagerOnly;
use crate::swarm::live::use_swarm_changes;
use crate::swarm::node_change::{NodeChange, NodeChangeDialog};

/// `/env/:env/nodes`.
#[component]
pub fn NodesPage() -> impl IntoView {
    view! { <ManagerOnly what="nodes"><NodesInner/></ManagerOnly> }
}

/// The page, on a manager.
#[component]
fn NodesInner() -> impl IntoView {
    let status = use_engine_status();
    let is_admin = use_session().can(Access::Admin);
    let nodes = list_remote::<Node>(status);
    let live = use_swarm_changes(move |_| nodes.reload());
    let pending = RwSignal::new(None::<NodeChange>);
    let quorum = Signal::derive(move || nodes.value().map(|all| Quorum::of(&all)));
    let row_actions = is_admin.then(|| {
        Callback::new(move |node: Node| {
            let available = node.spec.availability != "active";
            let promote = !node.is_manager();
            let label = node.display_name().to_owned();
            let (a, b) = (node.clone(), node);
            view! {
                <button type="button" class="btn btn-small" data-testid="node-availability"
                    aria-label=format!("Availability of {label}")
                    on:click=move |_| pending.set(Some(NodeChange::availability_of(&a)))>
                    {if available { "Activate…" } else { "Drain…" }}
                </button>
                <button type="button" class="btn btn-small"
                    on:click=move |_| pending.set(Some(if promote { NodeChange::Promote(b.clone()) } else { NodeChange::Demote(b.clone()) }))>
                    {if promote { "Promote" } else { "Demote" }}
                </button>
            }
            .into_any()
        })
    });
    let actions = move || view! { <LiveIndicator status=live/> };
    view! {
        <ListPage
            remote=nodes
            can_remove=is_admin
            options=ListOptions { row_actions, ..ListOptions::default() }
            actions=ToChildren::to_children(actions)
        />
        <NodeChangeDialog pending=pending quorum=quorum on_done=Callback::new(move |()| nodes.reload())/>
    }
}

impl Resource for Node {
    const PLURAL: &'static str = "nodes";
    const TITLE: &'static str = "Nodes";
    const ICON: IconKind = IconKind::Hosts;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Hostname"),
        Column::Text("Role"),
        Column::Text("Availability"),
        Column::Text("Status"),
        Column::Text("Engine"),
        Column::Num("CPUs"),
        Column::Num("Memory"),
        Column::Text("Labels"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "nodes-table";
    const UNDECODABLE: Option<Kind> = Some(Kind::Nodes);

    fn key(&self) -> String {
        format!("{}\n{}", self.id, self.version.index)
    }

    fn search_text(&self) -> String {
        let labels = crate::key_values::join(&self.spec.labels, " ");
        format!(
            "{} {} {} {} {} {}",
            self.display_name(),
            self.id,
            self.spec.role,
            self.spec.availability,
            self.status.addr,
            labels
        )
    }

    fn link(&self, environment: &str) -> Option<String> {
        Some(format!("/env/{environment}/nodes/{}", self.id))
    }

    fn row(&self, link: Option<String>, edges: Edges) -> AnyView {
        let name = self.display_name().to_owned();
        let (row_name, title) = (name.clone(), name.clone());
        let leader = self.manager_status.as_ref().is_some_and(|m| m.leader);
        let unreachable = self
            .manager_status
            .as_ref()
            .is_some_and(|m| m.reachability != "reachable");
        let ready = self.status.state == "ready";
        let availability_class = match self.spec.availability.as_str() {
            "active" => "badge badge-ok",
            "drain" => "badge badge-warn",
            _ => "badge badge-neutral",
        };
        let labels_text = crate::key_values::join(&self.spec.labels, ", ");
        view! {
            <tr data-node=row_name>
                {edges.select}
                <td>
                    <A href=link.unwrap_or_default() attr:class="cell-title cell-link cell-clip" attr:title=title>{name}</A>
                    <div class="muted mono">{self.status.addr.clone()}</div>
                </td>
                <td>
                    {self.spec.role.clone()}
                    {leader.then(|| view! { " " <span class="badge badge-info">"leader"</span> })}
                    {unreachable.then(|| view! { " " <span class="badge badge-danger">"unreachable"</span> })}
                </td>
                <td><span class=availability_class data-testid="availability">{self.spec.availability.clone()}</span></td>
                <td>
                    <span class=if ready { "badge badge-ok" } else { "badge badge-danger" }>{self.status.state.clone()}</span>
                    {(!self.status.message.is_empty()).then(|| view! { <div class="muted">{self.status.message.clone()}</div> })}
                </td>
                <td class="mono">{self.description.engine.engine_version.clone()}</td>
                <td class="num">{format!("{}", self.description.resources.nano_cpus as f64 / 1e9)}</td>
                <td class="num">{format::bytes(self.description.resources.memory_bytes.max(0) as u64)}</td>
                <td><span class="cell-clip mono" title=labels_text>{labels_text.clone()}</span></td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(engine: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        let mut nodes = engine.nodes(Some(&signal)).await?;
        nodes.sort_by(|a, b| {
            (!a.is_manager(), a.display_name()).cmp(&(!b.is_manager(), b.display_name()))
        });
        Ok(nodes)
    }
}

/// Whether to force a node's removal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ForceRemoval(bool);

impl RemovalChoices for ForceRemoval {
    fn view(choices: RwSignal<Self>) -> AnyView {
        let forced = Signal::derive(move || choices.get().0);
        view! {
            <crate::components::fields::Check label="Force: remove it although it is still up"
                value=crate::components::fields::Bound::new(forced, Callback::new(move |on| choices.set(ForceRemoval(on))))/>
        }
        .into_any()
    }
}

impl Removable for Node {
    const NOUN: &'static str = "node";
    const NOTE: Option<&'static str> = Some(
        "A node that is up must leave the swarm itself, or be removed by force: its tasks are \
         then rescheduled elsewhere, and it keeps running its containers outside the swarm.",
    );
    type Choices = ForceRemoval;

    fn name(&self) -> &str {
        self.display_name()
    }

    fn lost(&self) -> String {
        let manager = if self.is_manager() {
            " It is a manager: demote it first, or the swarm may lose its quorum."
        } else {
            ""
        };
        format!(
            "The swarm forgets {}; to come back it must join again with a token.{manager}",
            self.display_name()
        )
    }

    async fn remove(self, engine: Engine, choices: ForceRemoval) -> Result<(), ApiError> {
        engine.remove_node(&self.id, choices.0).await
    }
}

/// `spec` with another availability.
pub fn with_availability(spec: &NodeSpec, availability: &str) -> NodeSpec {
    NodeSpec {
        availability: availability.to_owned(),
        ..spec.clone()
    }
}
