//! `/env/:env/volumes/:name`: one volume's settings, its size, and the containers that use it.

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::volume::Volume;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::engine_status::use_engine_status;
use crate::app::remote::remote_view;
use crate::app::session::use_session;
use crate::app::use_route_param;
use crate::components::badges::StateBadge;
use crate::components::facts::{FactsCard, map_rows};
use crate::components::table::{Column, TableSection};
use crate::format;
use crate::resource_page::detail_page::{DetailPage, DetailTab};
use crate::volumes::files::{VolumeFiles, may_browse};
use crate::volumes::list::short_time;

/// A volume with its usage and the containers that mount it.
#[derive(Debug, Clone, PartialEq)]
struct Inspected {
    volume: Volume,
    users: Vec<ContainerSummary>,
    /// The volume's document as the engine sent it.
    raw: serde_json::Value,
}

/// `/env/:env/volumes/:name`.
#[component]
pub fn VolumeDetailPage() -> impl IntoView {
    let status = use_engine_status();
    let can_operate = use_session().can(Access::Operate);
    let name = use_route_param("name");
    let inspected = status.remote(move |engine, signal| {
        let name = name.get();
        async move {
            let (mut volume, raw) = engine.volume(&name, Some(&signal)).await?;
            let users = engine.containers_using_volume(&name, Some(&signal)).await?;
            // Volume inspect leaves usage out; `/system/df` has it.
            let usage = engine.disk_usage(Some(&signal)).await?;
            volume.usage_data = usage
                .volumes
                .unwrap_or_default()
                .into_iter()
                .find(|found| found.name == volume.name)
                .and_then(|found| found.usage_data);
            Ok(Inspected { volume, users, raw })
        }
    });
    let removable = Signal::derive(move || -> Option<Volume> {
        can_operate
            .then(|| inspected.value().map(|found| found.volume))
            .flatten()
    });
    let files = may_browse()
        .then(|| {
            DetailTab::new("files", "Files", move || {
                view! { <VolumeFiles volume=name.get_untracked()/> }.into_any()
            })
        })
        .into_iter()
        .collect::<Vec<_>>();

    view! {
        <DetailPage
            section="volumes"
            section_title="Volumes"
            title=Signal::derive(move || name.get())
            subtitle=Signal::derive(move || inspected.value().map(|found| usage_line(&found)))
            subtitle_testid="volume-usage"
            remote=inspected
            removable=removable
            raw=Signal::derive(move || inspected.value().map(|found| found.raw))
            tabs=files
        >
            {remote_view(inspected, status, "the volume", move |found: Inspected| {
                let volume = found.volume.clone();
                let size = volume
                    .usage_data
                    .as_ref()
                    .filter(|usage| usage.size >= 0)
                    .map(|usage| format::bytes(usage.size as u64))
                    .unwrap_or_default();
                view! {
                    <div class="cards">
                        <FactsCard title="Volume" rows=vec![
                            ("Driver".into(), volume.driver.clone()),
                            ("Scope".into(), volume.scope.clone()),
                            ("Size".into(), size),
                            ("Created".into(), volume.created_at.as_deref().map(short_time).unwrap_or_default()),
                            ("Mountpoint".into(), volume.mountpoint.clone()),
                        ]/>
                        <FactsCard title="Labels" rows=map_rows(volume.labels.as_ref()) empty="No labels" mono=true/>
                        <FactsCard title="Driver options" rows=map_rows(volume.options.as_ref()) empty="No options" mono=true/>
                    </div>
                    <UsersTable users=found.users/>
                }
                .into_any()
            })}
        </DetailPage>
    }
}

fn usage_line(found: &Inspected) -> String {
    let users = match found.users.len() {
        0 => "not used by any container".to_owned(),
        n => format!("used by {}", format::count(n, "container", "containers")),
    };
    match found
        .volume
        .usage_data
        .as_ref()
        .filter(|usage| usage.size >= 0)
    {
        Some(usage) => format!("{} · {users}", format::bytes(usage.size as u64)),
        None => users,
    }
}

/// The containers that mount the volume.
#[component]
fn UsersTable(
    /// The containers.
    users: Vec<ContainerSummary>,
) -> impl IntoView {
    let status = use_engine_status();
    view! {
        <TableSection
            title="Used by"
            count=users.len()
            empty="No container mounts this volume, so pruning volumes would delete it."
            testid="volume-users-table"
            columns=&[Column::Text("Container"), Column::Text("State"), Column::Text("Image")]
        >
                        {users.into_iter().map(|container| {
                            let href = format!("/env/{}/containers/{}", status.environment.get_untracked(), container.id);
                            let name = container.display_name().to_owned();
                            let link_text = name.clone();
                            view! {
                                <tr data-container=name>
                                    <td><A href=href attr:class="cell-title cell-link">{link_text}</A></td>
                                    <td><StateBadge state=container.state.clone()/></td>
                                    <td class="cell-image">{container.image}</td>
                                </tr>
                            }
                        }).collect_view()}
        </TableSection>
    }
}
