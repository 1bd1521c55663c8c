//! `/env/:env/secrets` and `/env/:env/configs`: one list page for both kinds, with the services
//! that use each one, its labels and times, following the engine's events. Operators create
//! them from text or a file; removal names the services that still use one, whom the engine
//! refuses it for.

use berth_shared::access::Access;
use berth_shared::engine::config::Config;
use berth_shared::engine::secret::Secret;
use leptos::prelude::*;
use leptos_router::components::A;
use web_sys::AbortSignal;

use crate::api::engine::Engine;
use crate::api::{ApiError, percent_encode};
use crate::app::engine_status::use_engine_status;
use crate::app::live_events::LiveIndicator;
use crate::app::remote::Remote;
use crate::app::session::use_session;
use crate::app::undecodable::Kind;
use crate::components::icons::IconKind;
use crate::components::table::{ACTIONS, Column};
use crate::components::toast::use_toaster;
use crate::format;
use crate::key_values;
use crate::resource_page::list_page::{ListOptions, ListPage};
use crate::resource_page::removal::Removable;
use crate::resource_page::{Edges, Resource};
use crate::swarm::gate::ManagerOnly;
use crate::swarm::live::use_swarm_events;
use crate::swarm_data::create::data_create_form;
use crate::swarm_data::kind::{InUse, SwarmData, and_list, load, service_names};
use crate::volumes::list::short_time;

/// `/env/:env/secrets`.
#[component]
pub fn SecretsPage() -> impl IntoView {
    view! { <ManagerOnly what="secrets">{data_list::<Secret>()}</ManagerOnly> }
}

/// `/env/:env/configs`.
#[component]
pub fn ConfigsPage() -> impl IntoView {
    view! { <ManagerOnly what="configs">{data_list::<Config>()}</ManagerOnly> }
}

/// The list of `T`, on a manager.
fn data_list<T: SwarmData>() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let can_operate = use_session().can(Access::Operate);
    let objects: Remote<Vec<InUse<T>>> = status.remote(load::<T>);
    let live = use_swarm_events(T::EVENTS, move |_| objects.reload());
    let creating = RwSignal::new(false);
    let summary = Signal::derive(move || {
        objects.value().map(|all| {
            let unused = all.iter().filter(|one| one.users.is_empty()).count();
            let count = format::count(all.len(), T::NOUN, T::PLURAL);
            if unused == 0 || unused == all.len() {
                count
            } else {
                format!("{count} · {unused} unused")
            }
        })
    });
    let empty = Signal::derive(|| {
        let text = if T::HAS_DRIVER {
            "A secret is data such as a password or a key that the swarm keeps encrypted and gives only to the services you name, as a file under /run/secrets."
        } else {
            "A config is a file, such as nginx.conf, that the swarm keeps and puts into the containers of the services you name."
        };
        (format!("No {} yet", T::PLURAL), text.to_owned())
    });
    let actions = move || {
        view! {
            <LiveIndicator status=live/>
            {can_operate.then(|| view! {
                <button class="btn btn-primary" aria-expanded=move || creating.get().to_string()
                    on:click=move |_| creating.update(|open| *open = !*open)>
                    {format!("Create {}", T::NOUN)}
                </button>
            })}
        }
    };
    view! {
        <ListPage
            remote=objects
            can_remove=can_operate
            summary=summary
            summary_testid="swarm-data-summary"
            options=ListOptions { empty: Some(empty), ..ListOptions::default() }
            actions=ToChildren::to_children(actions)
        >
            <Show when=move || creating.get()>
                {data_create_form::<T>(Callback::new(move |name: String| {
                        creating.set(false);
                        toaster.success(format!("Created {} {name}", T::NOUN));
                        objects.reload();
                    }), Callback::new(move |()| creating.set(false)))}
            </Show>
        </ListPage>
    }
}

/// The "Used by" cell: links to the services, or "unused".
pub fn users_cell(environment: &str, names: Vec<(String, String)>) -> AnyView {
    if names.is_empty() {
        return view! { <span class="badge badge-neutral">"unused"</span> }.into_any();
    }
    let environment = environment.to_owned();
    view! {
        <span class="cell-clip">
            {names.into_iter().enumerate().map(|(at, (id, name))| {
                let href = format!("/env/{environment}/services/{}", percent_encode(&id));
                view! {
                    {(at > 0).then_some(", ")}
                    <A href=href attr:class="cell-link">{name}</A>
                }
            }).collect_view()}
        </span>
    }
    .into_any()
}

impl<T: SwarmData> Resource for InUse<T> {
    const PLURAL: &'static str = T::PLURAL;
    const TITLE: &'static str = T::TITLE;
    const ICON: IconKind = T::ICON;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Name"),
        Column::Text("Used by"),
        Column::Text("Labels"),
        Column::Text("Created"),
        Column::Text("Updated"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = T::TABLE_TESTID;
    const UNDECODABLE: Option<Kind> = Some(T::UNDECODABLE);

    fn key(&self) -> String {
        let users: Vec<&str> = self
            .users
            .iter()
            .map(|user| user.service_id.as_str())
            .collect();
        format!(
            "{}\n{}\n{}",
            self.object.id(),
            self.object.version().index,
            users.join(",")
        )
    }

    fn search_text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.object.name(),
            self.object.id(),
            key_values::join(self.object.labels(), ", "),
            service_names(&self.users).join(" ")
        )
    }

    fn link(&self, environment: &str) -> Option<String> {
        Some(format!(
            "/env/{environment}/{}/{}",
            T::PLURAL,
            percent_encode(self.object.id())
        ))
    }

    fn row(&self, link: Option<String>, edges: Edges) -> AnyView {
        let environment = use_engine_status().environment.get_untracked();
        let name = self.object.name().to_owned();
        let (row_name, title) = (name.clone(), name.clone());
        let mut services: Vec<(String, String)> = self
            .users
            .iter()
            .map(|user| (user.service_id.clone(), user.service.clone()))
            .collect();
        services.dedup();
        let labels = key_values::join(self.object.labels(), ", ");
        let labels_title = labels.clone();
        let created = self.object.created_at().map(short_time).unwrap_or_default();
        let updated = self.object.updated_at().map(short_time).unwrap_or_default();
        view! {
            <tr data-object=row_name>
                {edges.select}
                <td>
                    <A href=link.unwrap_or_default() attr:class="cell-title cell-link cell-clip" attr:title=title>{name}</A>
                    <div class="muted mono">{format::short_id(self.object.id()).to_owned()}</div>
                </td>
                <td data-testid="used-by">{users_cell(&environment, services)}</td>
                <td><span class="cell-clip mono" title=labels_title>{labels}</span></td>
                <td>{created}</td>
                <td>{updated}</td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(engine: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        load::<T>(engine, signal).await
    }
}

impl<T: SwarmData> Removable for InUse<T> {
    const NOUN: &'static str = T::NOUN;
    type Choices = ();

    fn name(&self) -> &str {
        self.object.name()
    }

    fn lost(&self) -> String {
        let names = service_names(&self.users);
        if !names.is_empty() {
            return format!(
                "It is in use by {} {}, so the engine will refuse: take it out of {} first.",
                if names.len() == 1 {
                    "service"
                } else {
                    "services"
                },
                and_list(&names),
                if names.len() == 1 { "it" } else { "them" },
            );
        }
        if T::HAS_DRIVER {
            "Its data is gone for good: the engine never gives a secret's data back, so keep a copy if you may need it again.".to_owned()
        } else {
            "Its data is deleted for good.".to_owned()
        }
    }

    async fn remove(self, engine: Engine, (): ()) -> Result<(), ApiError> {
        self.object.delete(engine).await
    }
}
