//! `/env/:env/secrets/:id` and `/env/:env/configs/:id`: one secret's or config's facts and
//! labels, the services that get it (with the file, owner and mode each sees), a config's data
//! for roles that may read it, and the changes the engine allows: labels, removal, and for a
//! config, rotation to a new version.

use berth_shared::access::Access;
use berth_shared::engine::config::{Config, ConfigData};
use berth_shared::engine::secret::Secret;
use berth_shared::engine::service::FileTarget;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::percent_encode;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::{Remote, remote_view};
use crate::app::session::use_session;
use crate::app::use_route_param;
use crate::components::copy_button::CopyButton;
use crate::components::download;
use crate::components::facts::FactsCard;
use crate::components::table::{Column, TableSection};
use crate::format;
use crate::resource_page::detail_page::DetailPage;
use crate::swarm::gate::ManagerOnly;
use crate::swarm::live::use_swarm_events;
use crate::swarm_data::kind::{InUse, SwarmData, User, service_names, users_of};
use crate::swarm_data::labels::LabelsDialog;
use crate::swarm_data::rotate::{RotateDialog, Rotation};
use crate::volumes::list::short_time;

/// `/env/:env/secrets/:id`.
#[component]
pub fn SecretDetailPage() -> impl IntoView {
    view! { <ManagerOnly what="secrets">{data_detail::<Secret>()}</ManagerOnly> }
}

/// `/env/:env/configs/:id`.
#[component]
pub fn ConfigDetailPage() -> impl IntoView {
    view! { <ManagerOnly what="configs">{data_detail::<Config>()}</ManagerOnly> }
}

/// The object with its users and its document as sent.
#[derive(Debug, Clone, PartialEq)]
struct Inspected<T> {
    found: InUse<T>,
    raw: serde_json::Value,
}

/// The page of one `T`, on a manager.
fn data_detail<T: SwarmData>() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let can_operate = session.can(Access::Operate);
    let sees_data = session.role_here().is_some_and(|role| role.sees_secrets());
    let id = use_route_param("id");
    let inspected: Remote<Inspected<T>> = status.remote(move |engine, signal| {
        let id = id.get();
        async move {
            let (object, raw) = T::inspect(engine.clone(), id, signal.clone()).await?;
            let services = engine.service_specs(Some(&signal)).await?;
            let users = users_of::<T>(object.id(), &services);
            Ok(Inspected {
                found: InUse { object, users },
                raw,
            })
        }
    });
    let _live = use_swarm_events(T::EVENTS, move |_| inspected.reload());
    let relabelling = RwSignal::new(None::<T>);
    let rotating = RwSignal::new(None::<Rotation>);
    let object = move || inspected.value().map(|found| found.found.object);
    let removable = Signal::derive(move || -> Option<InUse<T>> {
        can_operate
            .then(|| inspected.value().map(|found| found.found))
            .flatten()
    });
    let rotate = move |_| {
        let Some(found) = inspected.value() else {
            return;
        };
        let Some(config) = found.found.object.as_config().cloned() else {
            return;
        };
        let engine = status.engine_untracked();
        let services = service_names(&found.found.users);
        leptos::task::spawn_local(async move {
            let taken = engine
                .swarm_objects::<Config>(None)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|config| config.spec.name)
                .collect();
            rotating.set(Some(Rotation {
                config,
                services,
                taken,
            }));
        });
    };
    let actions = move || {
        can_operate.then(|| {
            view! {
                <button type="button" class="btn" on:click=move |_| relabelling.set(object())>"Labels…"</button>
                {T::ROTATES.then(|| view! {
                    <button type="button" class="btn btn-primary" on:click=rotate>"Rotate…"</button>
                })}
            }
        })
    };
    let dialogs = move || {
        view! {
            <LabelsDialog<T> pending=relabelling on_done=Callback::new(move |()| inspected.reload())/>
            {T::ROTATES.then(|| view! { <RotateDialog pending=rotating/> })}
        }
    };
    view! {
        <DetailPage
            section=T::PLURAL
            section_title=T::TITLE
            title=Signal::derive(move || object().map(|object| object.name().to_owned()).unwrap_or_default())
            subtitle=Signal::derive(move || inspected.value().map(|found| usage_line(&found.found.users)))
            subtitle_testid="swarm-data-usage"
            remote=inspected
            removable=removable
            raw=Signal::derive(move || inspected.value().map(|found| found.raw))
            actions=ToChildren::to_children(actions)
            dialogs=ToChildren::to_children(dialogs)
        >
            {remote_view(inspected, status, T::NOUN, move |found: Inspected<T>| {
                let object = found.found.object;
                view! {
                    <div class="cards">
                        <FactsCard title=if T::HAS_DRIVER { "Secret" } else { "Config" } rows=facts(&object)/>
                        <FactsCard title="Labels" rows=object.labels().clone().into_iter().collect() empty="No labels" mono=true/>
                    </div>
                    {match object.as_config() {
                        Some(config) => view! { <ConfigDataCard config=config.clone() sees_data=sees_data/> }.into_any(),
                        None => view! {
                            <section class="card" data-testid="secret-data">
                                <h2 class="card-title">"Data"</h2>
                                <p class="muted">"The engine never gives a secret's data back, to anyone. A service's containers read it from the file named below. To change it, create a new secret and move the services to it."</p>
                            </section>
                        }.into_any(),
                    }}
                    <UsersTable users=found.found.users noun=T::NOUN/>
                }
                .into_any()
            })}
        </DetailPage>
    }
}

/// The facts card's rows.
fn facts<T: SwarmData>(object: &T) -> Vec<(String, String)> {
    let mut rows = vec![
        ("ID".to_owned(), object.id().to_owned()),
        (
            "Created".to_owned(),
            object.created_at().map(short_time).unwrap_or_default(),
        ),
        (
            "Updated".to_owned(),
            object.updated_at().map(short_time).unwrap_or_default(),
        ),
        (
            "Templating".to_owned(),
            object
                .templating()
                .map_or_else(|| "none".to_owned(), |driver| driver.name.clone()),
        ),
    ];
    if T::HAS_DRIVER {
        rows.push((
            "Kept by".to_owned(),
            object.driver().map_or_else(
                || "the swarm, encrypted in its store".to_owned(),
                |driver| format!("the {} driver", driver.name),
            ),
        ));
    }
    rows
}

/// "used by 2 services" or "unused".
fn usage_line(users: &[User]) -> String {
    match service_names(users).len() {
        0 => "not used by any service".to_owned(),
        n => format!("used by {}", format::count(n, "service", "services")),
    }
}

/// A file's owner and mode as `ls -l` would show them: `0:0 0444`.
pub fn owner_and_mode(file: &FileTarget) -> (String, String) {
    let owner = |id: &str| {
        if id.is_empty() {
            "0".to_owned()
        } else {
            id.to_owned()
        }
    };
    (
        format!("{}:{}", owner(&file.uid), owner(&file.gid)),
        format!("{:04o}", file.mode),
    )
}

/// The services that get the object, with the file each gets.
#[component]
fn UsersTable(users: Vec<User>, noun: &'static str) -> impl IntoView {
    let status = use_engine_status();
    let environment = status.environment.get_untracked();
    let empty = if noun == "secret" {
        "No service uses this secret."
    } else {
        "No service uses this config."
    };
    view! {
        <TableSection title="Used by" count=users.len() empty=empty testid="swarm-data-users"
            columns=&[Column::Text("Service"), Column::Text("File"), Column::Text("Owner"), Column::Text("Mode")]>
            {users.into_iter().map(|user| {
                let href = format!("/env/{environment}/services/{}", percent_encode(&user.service_id));
                let (owner, mode) = user.file.as_ref().map(owner_and_mode).unwrap_or_default();
                let file = user.file.map(|file| file.name).unwrap_or_default();
                let service = user.service.clone();
                view! {
                    <tr data-service=service>
                        <td><A href=href attr:class="cell-title cell-link">{user.service}</A></td>
                        <td class="mono cell-break">{file}</td>
                        <td class="mono">{owner}</td>
                        <td class="mono">{mode}</td>
                    </tr>
                }
            }).collect_view()}
        </TableSection>
    }
}

/// A config's data: its text, or the size of binary data, with copy and download; roles that
/// may not read file contents are told so instead.
#[component]
fn ConfigDataCard(config: Config, sees_data: bool) -> impl IntoView {
    let body = if !sees_data {
        view! { <p class="muted" data-testid="config-data-hidden">"Hidden from your role: viewers see a config's name, labels and users, not its contents."</p> }.into_any()
    } else {
        let name = config.spec.name.clone();
        match config.spec.decoded() {
            ConfigData::Text(text) => {
                let lines = text.lines().count();
                let about = format!(
                    "{} · {}",
                    format::count(lines, "line", "lines"),
                    format::bytes(text.len() as u64)
                );
                let bytes = text.clone().into_bytes();
                view! {
                    <div class="card-tools">
                        <span class="muted">{about}</span>
                        <CopyButton text=text.clone() what="the config's text"/>
                        <DownloadButton name=name bytes=bytes/>
                    </div>
                    <pre class="log-output raw-inspect" data-testid="config-data">{text}</pre>
                }
                .into_any()
            }
            ConfigData::Binary(bytes) => view! {
                <div class="card-tools">
                    <span class="muted">{format!("Binary data, {}", format::bytes(bytes.len() as u64))}</span>
                    <DownloadButton name=name bytes=bytes/>
                </div>
            }
            .into_any(),
            ConfigData::Unreadable => {
                view! { <p class="muted">"The engine sent data that is not base64, so it cannot be shown."</p> }.into_any()
            }
        }
    };
    view! {
        <section class="card">
            <h2 class="card-title">"Data"</h2>
            {body}
        </section>
    }
}

/// Saves `bytes` as a file called `name`.
#[component]
fn DownloadButton(name: String, bytes: Vec<u8>) -> impl IntoView {
    let save = move |_| {
        if let Some(blob) = download::blob(&bytes, "application/octet-stream") {
            download::save_blob(&name, &blob);
        }
    };
    view! { <button type="button" class="btn btn-small" on:click=save>"Download"</button> }
}
