//! `/env/:env/services`: the swarm's services with their mode, tasks running of desired (from
//! `?status=true`, never by loading every task), image, published ports and last update, each
//! row refreshed alone when an event names its service. Replicated services scale inline.

use std::collections::BTreeSet;

use berth_shared::access::Access;
use berth_shared::engine::service::Service;
use berth_shared::engine::swarm::ObjectVersion;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::engine::images::Credentials;
use crate::api::engine::services::UpdateKind;
use crate::app::engine_status::{EngineStatus, use_engine_status};
use crate::app::live_events::LiveIndicator;
use crate::app::session::use_session;
use crate::app::undecodable::Kind;
use crate::components::icons::IconKind;
use crate::components::table::{ACTIONS, Column};
use crate::components::toast::{Toaster, use_toaster};
use crate::resource_page::list_page::{ListOptions, ListPage};
use crate::resource_page::removal::{Removable, report_failure};
use crate::resource_page::{Edges, Resource};
use crate::swarm::gate::ManagerOnly;
use crate::swarm::live::{SwarmChange, use_settling, use_swarm_changes};
use crate::volumes::list::short_time;

/// `/env/:env/services`.
#[component]
pub fn ServicesPage() -> impl IntoView {
    view! { <ManagerOnly what="services"><ServicesInner/></ManagerOnly> }
}

/// The page, on a manager.
#[component]
fn ServicesInner() -> impl IntoView {
    let status = use_engine_status();
    let can_operate = use_session().can(Access::Operate);
    let services = status.remote(Service::list);
    // Rows an event named, read again one by one and patched into the list.
    let live = use_swarm_changes(move |changes: BTreeSet<SwarmChange>| {
        let named: Vec<String> = changes
            .into_iter()
            .filter_map(|change| match change {
                SwarmChange::Service(id) => Some(id),
                SwarmChange::Node(_) | SwarmChange::Stored(_) => None,
            })
            .collect();
        if named.is_empty() {
            return;
        }
        let engine = status.engine_untracked();
        spawn_local(async move {
            for id in named {
                match engine.service_row(&id, None).await {
                    Ok(found) => services.patch(|all| patch_row(all, &id, found)),
                    Err(error) => {
                        if error.is_unreachable() {
                            status.engine_lost();
                        }
                        services.reload();
                        return;
                    }
                }
            }
        });
    });
    use_settling(services, |all: &Vec<Service>| {
        !all.iter().all(Service::is_settled)
    });
    let actions = move || {
        view! {
            <LiveIndicator status=live/>
            {can_operate.then(|| view! {
                <A href=move || format!("/env/{}/services/new", status.environment.get()) attr:class="btn btn-primary">"Create service"</A>
            })}
        }
    };
    let empty = Signal::derive(|| {
        (
            "No services yet".to_owned(),
            "A service runs copies of a container across the swarm's nodes and keeps them running."
                .to_owned(),
        )
    });
    view! {
        <ListPage
            remote=services
            can_remove=can_operate
            options=ListOptions { empty: Some(empty), ..ListOptions::default() }
            actions=ToChildren::to_children(actions)
        />
    }
}

/// Puts `found` in the place of the service `id` (or adds it), or drops it when it is gone.
pub fn patch_row(all: &mut Vec<Service>, id: &str, found: Option<Service>) {
    match (all.iter().position(|service| service.id == id), found) {
        (Some(at), Some(service)) => all[at] = service,
        (Some(at), None) => {
            all.remove(at);
        }
        (None, Some(service)) => {
            all.push(service);
            all.sort_by(|a, b| a.spec.name.cmp(&b.spec.name));
        }
        (None, None) => {}
    }
}

/// The replicas column: running of desired, with a field to scale a replicated service.
#[component]
fn Replicas(service: Service, can_operate: bool) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let counts = service.service_status.unwrap_or_default();
    let healthy = counts.running_tasks >= counts.desired_tasks;
    let text =
        if service.spec.mode.replicated_job.is_some() || service.spec.mode.global_job.is_some() {
            format!(
                "{} done, {} running",
                counts.completed_tasks, counts.running_tasks
            )
        } else {
            format!("{}/{}", counts.running_tasks, counts.desired_tasks)
        };
    let replicas = service.spec.mode.replicas();
    let editing = RwSignal::new(false);
    let typed = RwSignal::new(replicas.unwrap_or_default().to_string());
    let name = service.spec.name.clone();
    let id = service.id.clone();
    let version = service.version;
    let scale = move || {
        if scale_typed(
            status,
            toaster,
            (&id, version, &name),
            &typed.get_untracked(),
            None,
        ) {
            editing.set(false);
        }
    };
    let scale = StoredValue::new(scale);
    let label = format!("Replicas of {}", service.spec.name);
    view! {
        <span class=if healthy { "replicas" } else { "replicas replicas-short" } data-testid="replicas">{text}</span>
        {(can_operate && replicas.is_some()).then(|| view! {
            <Show when=move || editing.get() fallback=move || view! {
                <button type="button" class="btn btn-small btn-ghost" data-testid="scale" on:click=move |_| editing.set(true)>"Scale"</button>
            }>
                <form class="scale-form" on:submit=move |event| { event.prevent_default(); scale.with_value(|scale| scale()); }>
                    <input type="number" min="0" class="input-small" aria-label=label.clone() prop:value=move || typed.get()
                        on:input=move |event| typed.set(event_target_value(&event))
                        on:keydown=move |event| if event.key() == "Escape" { editing.set(false) }/>
                    <button type="submit" class="btn btn-small btn-primary">"Set"</button>
                </form>
            </Show>
        })}
    }
}

/// Scales the service `(id, version, name)` to the count `typed` in a replicas field, with a
/// toast either way and `on_done` once the engine answered; `false` (and a toast) when `typed`
/// is not a count, so the field stays open.
pub fn scale_typed(
    status: EngineStatus,
    toaster: Toaster,
    (id, version, name): (&str, ObjectVersion, &str),
    typed: &str,
    on_done: Option<Callback<()>>,
) -> bool {
    let Ok(count) = typed.trim().parse::<u64>() else {
        toaster.error("Replicas must be a whole number, 0 or more".to_owned());
        return false;
    };
    let (engine, id, name) = (status.engine_untracked(), id.to_owned(), name.to_owned());
    spawn_local(async move {
        match scale_service(&engine, &id, version, count).await {
            Ok(()) => toaster.success(format!("Scaled {name} to {count}")),
            Err(error) => {
                report_failure(toaster, status, "scale", &format!("service {name}"), &error);
            }
        }
        if let Some(on_done) = on_done {
            on_done.run(());
        }
    });
    true
}

/// Sets a replicated service's replicas, keeping the rest of its spec.
pub async fn scale_service(
    engine: &Engine,
    id: &str,
    version: ObjectVersion,
    replicas: u64,
) -> Result<(), ApiError> {
    // The spec as the engine has it, so that nothing else changes.
    let (_, raw) = engine.service(id, None).await?;
    let mut spec = raw.get("Spec").cloned().unwrap_or_default();
    spec["Mode"] = serde_json::json!({"Replicated": {"Replicas": replicas}});
    engine
        .update_service(id, version, &spec, UpdateKind::Spec, Credentials::Anonymous)
        .await
        .map(drop)
}

impl Resource for Service {
    const PLURAL: &'static str = "services";
    const TITLE: &'static str = "Services";
    const ICON: IconKind = IconKind::Service;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Name"),
        Column::Text("Mode"),
        Column::Text("Tasks"),
        Column::Text("Image"),
        Column::Text("Ports"),
        Column::Text("Updated"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "services-table";
    const UNDECODABLE: Option<Kind> = Some(Kind::Services);

    fn key(&self) -> String {
        let counts = self.service_status.unwrap_or_default();
        format!(
            "{}\n{}\n{}/{}/{}\n{:?}",
            self.id,
            self.version.index,
            counts.running_tasks,
            counts.desired_tasks,
            counts.completed_tasks,
            self.update_status.as_ref().map(|u| &u.state)
        )
    }

    fn search_text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.spec.name,
            self.id,
            self.spec.task_template.container_spec.image,
            self.spec.mode.name()
        )
    }

    fn link(&self, environment: &str) -> Option<String> {
        Some(format!("/env/{environment}/services/{}", self.id))
    }

    fn row(&self, link: Option<String>, edges: Edges) -> AnyView {
        let can_operate = use_session().can(Access::Operate);
        let name = self.spec.name.clone();
        let (row_name, title) = (name.clone(), name.clone());
        let image = self.spec.task_template.container_spec.image.clone();
        let image = image.split('@').next().unwrap_or_default().to_owned();
        let image_title = image.clone();
        let ports: Vec<String> = self.ports().iter().map(|port| port.describe()).collect();
        let rolling = self
            .update_status
            .as_ref()
            .filter(|update| update.in_progress() || update.state.contains("paused"))
            .map(|update| update.state.replace('_', " "));
        view! {
            <tr data-service=row_name>
                {edges.select}
                <td>
                    <A href=link.unwrap_or_default() attr:class="cell-title cell-link cell-clip" attr:title=title>{name}</A>
                    {rolling.map(|state| view! { " " <span class="badge badge-info">{state}</span> })}
                </td>
                <td>{self.spec.mode.name()}</td>
                <td class="cell-replicas"><Replicas service=self.clone() can_operate=can_operate/></td>
                <td><span class="mono cell-clip" title=image_title>{image}</span></td>
                <td class="mono">{ports.join(", ")}</td>
                <td>{self.updated_at.as_deref().map(short_time).unwrap_or_default()}</td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(engine: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        let mut services = engine.services(Some(&signal)).await?;
        services.sort_by(|a, b| a.spec.name.cmp(&b.spec.name));
        Ok(services)
    }
}

impl Removable for Service {
    const NOUN: &'static str = "service";
    type Choices = ();

    fn name(&self) -> &str {
        &self.spec.name
    }

    fn lost(&self) -> String {
        let tasks = self.service_status.map_or(0, |counts| counts.running_tasks);
        format!(
            "Its {tasks} running task{} stop and their containers are removed on every node. Volumes it used stay.",
            if tasks == 1 { "" } else { "s" }
        )
    }

    async fn remove(self, engine: Engine, (): ()) -> Result<(), ApiError> {
        engine.remove_service(&self.id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(id: &str, name: &str) -> Service {
        let mut service = Service {
            id: id.into(),
            ..Service::default()
        };
        service.spec.name = name.into();
        service
    }

    #[test]
    fn an_event_patches_one_row() {
        let mut all = vec![service("a", "api"), service("b", "web")];
        let mut changed = service("b", "web");
        changed.version.index = 9;
        patch_row(&mut all, "b", Some(changed));
        assert_eq!(all[1].version.index, 9);
        patch_row(&mut all, "c", Some(service("c", "db")));
        let names: Vec<&str> = all.iter().map(|s| s.spec.name.as_str()).collect();
        assert_eq!(names, ["api", "db", "web"]);
        patch_row(&mut all, "a", None);
        assert_eq!(all.len(), 2);
    }
}
