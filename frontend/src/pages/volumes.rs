//! The Volumes page: the environment's volumes with their driver and mountpoint.

use berth_shared::engine::volume::{Volume, VolumeList};
use leptos::prelude::*;

use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::engine_status::use_engine_status;
use crate::pages::{RefreshButton, SearchBox, matches_search, remote_view};
use crate::remote::Remote;

/// `/env/:env/volumes`.
#[component]
pub fn VolumesPage() -> impl IntoView {
    let status = use_engine_status();
    let volumes = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        async move { engine.volumes(Some(&signal)).await }
    });
    let search = RwSignal::new(String::new());
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Volumes"</h1>
                    <p class="page-sub">
                        {move || volumes.value().map(|list| format!("{} volumes", list.volumes.map_or(0, |v| v.len())))}
                    </p>
                </div>
                <div class="toolbar">
                    <SearchBox text=search what="volumes"/>
                    <RefreshButton remote=volumes/>
                </div>
            </div>
            {remote_view(volumes, status, "volumes", move |list: VolumeList| {
                let mut all: Vec<Volume> = list.volumes.unwrap_or_default();
                if all.is_empty() {
                    return view! {
                        <EmptyState icon=IconKind::Volume title="No volumes yet">
                            <p>"Volumes keep data beyond a container's life. Those you or your containers create appear here."</p>
                        </EmptyState>
                    }
                    .into_any();
                }
                all.sort_by(|a, b| a.name.cmp(&b.name));
                let rows = move || {
                    let search = search.get();
                    all.iter()
                        .filter(|volume| matches_search(&search, &format!("{} {}", volume.name, volume.driver)))
                        .cloned()
                        .collect::<Vec<_>>()
                };
                view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="volumes-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Driver"</th>
                                    <th scope="col">"Mountpoint"</th>
                                    <th scope="col">"Created"</th>
                                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                <For each=rows key=|volume| volume.name.clone() let:volume>
                                    <tr>
                                        <td class="cell-title cell-break">{volume.name.clone()}</td>
                                        <td>{volume.driver.clone()}</td>
                                        <td class="mono cell-break">{volume.mountpoint.clone()}</td>
                                        <td>{volume.created_at.map(|at| at.replace('T', " ").chars().take(19).collect::<String>()).unwrap_or_default()}</td>
                                        <td class="cell-actions">{crate::pages::volume_files::browse_link(&status.environment.get_untracked(), &volume.name)}</td>
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
