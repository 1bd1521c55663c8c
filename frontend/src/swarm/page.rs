//! `/env/:env/swarm`: the engine's place in a swarm. Outside one, admins start one or join one;
//! a locked manager is unlocked; a manager shows the cluster (its map, its join tokens and
//! unlock key for admins, its settings) and a worker says where its swarm is managed. Leaving
//! asks first, and says when the swarm would lose its quorum.

use berth_shared::access::Access;
use berth_shared::api::overview::SwarmRole;
use berth_shared::engine::node::{Node, Quorum};
use berth_shared::engine::swarm::{Rotate, Swarm};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::app::remote::remote_view;
use crate::app::session::use_session;
use crate::components::confirm::ConfirmDialog;
use crate::components::copy_button::CopyButton;
use crate::components::facts::FactsCard;
use crate::components::fields::Check;
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::components::toast::use_toaster;
use crate::format;
use crate::resource_page::removal::report_failure;
use crate::swarm::map::ClusterMap;
use crate::swarm::settings::SettingsForm;
use crate::swarm::setup::{InitForm, JoinForm, UnlockForm};
use crate::volumes::list::short_time;

/// A manager's view of its swarm: the swarm and its nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// `GET /swarm`.
    pub swarm: Swarm,
    /// `GET /nodes`.
    pub nodes: Vec<Node>,
}

/// `/env/:env/swarm`.
#[component]
pub fn SwarmPage() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let role = Memo::new(move |_| status.info.value().map(|info| SwarmRole::of(&info.swarm)));
    let is_admin = Signal::derive(move || session.can(Access::Admin));
    let changed = Callback::new(move |()| status.info.reload());
    let body = move || match role.get() {
        None => view! { <p class="muted">"Asking the engine…"</p> }.into_any(),
        Some(SwarmRole::Manager) => {
            view! { <ManagerView is_admin=is_admin on_left=changed/> }.into_any()
        }
        Some(SwarmRole::None) => view! { <Outside is_admin=is_admin on_done=changed/> }.into_any(),
        Some(SwarmRole::Locked) => {
            if is_admin.get() {
                view! { <UnlockForm on_done=changed/> }.into_any()
            } else {
                view! {
                    <EmptyState icon=IconKind::Lock title="This manager is locked">
                        <p>"An admin must unlock it with the swarm's unlock key before it serves the swarm."</p>
                    </EmptyState>
                }
                .into_any()
            }
        }
        Some(other) => {
            view! { <MemberView role=other is_admin=is_admin on_left=changed/> }.into_any()
        }
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Swarm"</h1>
                    <p class="page-sub" data-testid="swarm-state">{move || role.get().map(SwarmRole::describe)}</p>
                </div>
            </div>
            {body}
        </section>
    }
}

/// An engine outside any swarm.
#[component]
fn Outside(is_admin: Signal<bool>, on_done: Callback<()>) -> impl IntoView {
    move || {
        if is_admin.get() {
            view! {
                <div class="stack">
                    <InitForm on_done=on_done/>
                    <JoinForm on_done=on_done/>
                </div>
            }
            .into_any()
        } else {
            view! {
                <EmptyState icon=IconKind::Hosts title="Not in a swarm">
                    <p>"This engine runs containers on its own. An admin can start a swarm here or join it to one."</p>
                </EmptyState>
            }
            .into_any()
        }
    }
}

/// A worker, or a node joining or in error: its swarm is managed elsewhere.
#[component]
fn MemberView(role: SwarmRole, is_admin: Signal<bool>, on_left: Callback<()>) -> impl IntoView {
    let text = match role {
        SwarmRole::Worker => {
            "This engine runs a swarm's tasks as a worker. Services, nodes and the cluster are managed through one of its managers: add a manager as an environment to see them."
        }
        SwarmRole::Pending => "This engine is joining a swarm.",
        _ => "This engine's swarm membership is in error. Leaving the swarm lets it start over.",
    };
    view! {
        <EmptyState icon=IconKind::Hosts title=role.describe()>
            <p>{text}</p>
        </EmptyState>
        {move || is_admin.get().then(|| view! { <LeaveButton quorum=None on_left=on_left/> })}
    }
}

/// A manager: the cluster.
#[component]
fn ManagerView(is_admin: Signal<bool>, on_left: Callback<()>) -> impl IntoView {
    let status = use_engine_status();
    let cluster = status.remote(move |engine, signal| async move {
        let (swarm, _) = engine.swarm(Some(&signal)).await?;
        let nodes = engine.nodes(Some(&signal)).await?;
        Ok(Cluster { swarm, nodes })
    });
    view! {
        {remote_view(cluster, status, "the swarm", move |found: Cluster| {
            let managers = found.nodes.iter().filter(|node| node.is_manager()).count();
            let leader = found
                .nodes
                .iter()
                .find(|node| node.manager_status.as_ref().is_some_and(|m| m.leader))
                .map(|node| node.display_name().to_owned())
                .unwrap_or_default();
            let swarm = found.swarm.clone();
            let quorum = Quorum::of(&found.nodes);
            let pools = if swarm.default_addr_pool.is_empty() {
                "10.0.0.0/8 (the default)".to_owned()
            } else {
                swarm.default_addr_pool.join(", ")
            };
            view! {
                <div class="cards">
                    <FactsCard title="Cluster" rows=vec![
                        ("ID".into(), swarm.id.clone()),
                        ("Created".into(), swarm.created_at.as_deref().map(short_time).unwrap_or_default()),
                        ("Nodes".into(), format!("{} ({}, {})", found.nodes.len(), format::count(managers, "manager", "managers"), format::count(found.nodes.len() - managers, "worker", "workers"))),
                        ("Leader".into(), leader),
                        ("Address pools".into(), format!("{pools}, /{} each", swarm.subnet_size)),
                        ("Data path port".into(), swarm.data_path_port.to_string()),
                        ("Managers locked".into(), if swarm.spec.encryption_config.auto_lock_managers { "yes".into() } else { "no".into() }),
                    ]/>
                </div>
                <TokensCard swarm=swarm.clone() is_admin=is_admin on_changed=Callback::new(move |()| cluster.reload())/>
                <ClusterMap/>
                {move || is_admin.get().then(|| {
                    let swarm = swarm.clone();
                    view! {
                        <div class="page-after">
                            <SettingsForm swarm=swarm on_saved=Callback::new(move |()| cluster.reload())/>
                        </div>
                        <LeaveButton quorum=Some(quorum) on_left=on_left/>
                    }
                })}
            }
        })}
    }
}

/// The join tokens and the unlock key, with their rotation, for admins only: others are told
/// who has them (the gateway blanks them for other roles anyway).
#[component]
fn TokensCard(swarm: Swarm, is_admin: Signal<bool>, on_changed: Callback<()>) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let unlock_key = RwSignal::new(None::<String>);
    let locked = swarm.spec.encryption_config.auto_lock_managers;
    let version = swarm.version;
    let spec = StoredValue::new(swarm.spec.clone());
    let rotate = move |what: &'static str, rotate: Rotate| {
        let engine = status.engine_untracked();
        spawn_local(async move {
            match engine
                .update_swarm(version, &spec.get_value(), rotate)
                .await
            {
                Ok(()) => {
                    toaster.success(format!("Rotated the {what}; the old one no longer works"));
                    if rotate.unlock_key {
                        unlock_key.set(None);
                    }
                    on_changed.run(());
                }
                Err(error) => report_failure(toaster, status, "rotate", what, &error),
            }
        });
    };
    let show_key = move |_| {
        let engine = status.engine_untracked();
        spawn_local(async move {
            match engine.unlock_key().await {
                Ok(key) => unlock_key.set(Some(key.unlock_key)),
                Err(error) => report_failure(toaster, status, "read", "the unlock key", &error),
            }
        });
    };
    let tokens = swarm.join_tokens;
    move || {
        if !is_admin.get() {
            return view! {
                <article class="card tokens-card">
                    <h2 class="card-title">"Join tokens"</h2>
                    <p class="muted card-empty">"Only admins see the join tokens and the unlock key."</p>
                </article>
            }
            .into_any();
        }
        let token_row = |label: &'static str,
                         token: String,
                         testid: &'static str,
                         which: Rotate| {
            let (copy, title) = (token.clone(), token.clone());
            view! {
                <dt>{label}</dt>
                <dd class="token-row">
                    <code class="mono cell-clip" data-testid=testid title=title>{token}</code>
                    <CopyButton text=copy what="the token"/>
                    <button type="button" class="btn btn-small" on:click=move |_| rotate(label, which)>"Rotate"</button>
                </dd>
            }
        };
        view! {
            <article class="card tokens-card" data-testid="swarm-tokens">
                <h2 class="card-title">"Join tokens"</h2>
                <dl class="facts facts-mono">
                    {token_row("Worker token", tokens.worker.clone(), "worker-token", Rotate { worker_token: true, ..Rotate::default() })}
                    {token_row("Manager token", tokens.manager.clone(), "manager-token", Rotate { manager_token: true, ..Rotate::default() })}
                    {locked.then(|| view! {
                        <dt>"Unlock key"</dt>
                        <dd class="token-row">
                            {move || match unlock_key.get() {
                                Some(key) => view! {
                                    <code class="mono" data-testid="unlock-key">{key.clone()}</code>
                                    <CopyButton text=key what="the unlock key"/>
                                }.into_any(),
                                None => view! { <button type="button" class="btn btn-small" on:click=show_key>"Show"</button> }.into_any(),
                            }}
                            <button type="button" class="btn btn-small"
                                on:click=move |_| rotate("unlock key", Rotate { unlock_key: true, ..Rotate::default() })>"Rotate"</button>
                        </dd>
                    })}
                </dl>
                <p class="field-hint">"A worker's token joins an engine as a worker, a manager's as a manager. Rotate one that may have leaked."</p>
            </article>
        }
        .into_any()
    }
}

/// Leaves the swarm, asking first; a manager must force it, and is told what that does to
/// the quorum.
#[component]
fn LeaveButton(quorum: Option<Quorum>, on_left: Callback<()>) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let open = RwSignal::new(false);
    let force = RwSignal::new(false);
    let manager = quorum.is_some();
    let warning = match quorum {
        None => "This engine stops running the swarm's tasks; the swarm reschedules them on other nodes.".to_owned(),
        Some(quorum) if quorum.managers <= 1 => "This is the swarm's only manager: the swarm ends with it. Every service, secret and config in it is lost, and its other nodes are left without a manager.".to_owned(),
        Some(quorum) if quorum.survives_losing_one(false) => format!("The swarm keeps {} of its {} managers and its quorum. Demote this manager first to leave cleanly.", quorum.managers - 1, quorum.managers),
        Some(quorum) => format!("The swarm loses its quorum: {} of {} managers would be left reachable, and it needs {}. Until then it cannot change anything.", quorum.reachable.saturating_sub(1), quorum.managers, Quorum::needed(quorum.managers)),
    };
    let leave = Callback::new(move |()| {
        open.set(false);
        let engine = status.engine_untracked();
        let forced = force.get_untracked() || !manager;
        spawn_local(async move {
            match engine.leave_swarm(forced).await {
                Ok(()) => {
                    toaster.success("Left the swarm".to_owned());
                    on_left.run(());
                }
                Err(error) => report_failure(toaster, status, "leave", "the swarm", &error),
            }
        });
    });
    view! {
        <div class="page-after danger-zone">
            <button type="button" class="btn btn-danger" data-testid="leave-swarm" on:click=move |_| open.set(true)>"Leave swarm"</button>
        </div>
        <ConfirmDialog open=open title="Leave the swarm?" confirm_label="Leave swarm" on_confirm=leave
            on_cancel=Callback::new(move |()| open.set(false))>
            <p>{warning.clone()}</p>
            {manager.then(|| view! {
                <Check label="Force: leave although this is a manager" value=force/>
            })}
        </ConfirmDialog>
    }
}
