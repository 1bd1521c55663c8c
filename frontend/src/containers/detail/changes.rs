//! The Changes tab: files the container added, changed or deleted relative to its image.

use berth_shared::engine::inspect::FilesystemChange;
use leptos::prelude::*;

use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::app::remote::remote_view;
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::components::table::{Column, DataTable};
use crate::components::toolbar::{RefreshButton, SearchBox, matches_search};
use crate::format;

/// The Changes tab.
#[component]
pub fn ChangesTab(engine: Engine, id: String) -> impl IntoView {
    let status = use_engine_status();
    let changes = Remote::new(move |signal| {
        let (engine, id) = (engine.clone(), id.clone());
        async move { engine.container_changes(&id, Some(&signal)).await }
    });
    let search = RwSignal::new(String::new());
    view! {
        <div class="toolbar tab-toolbar">
            <span class="muted">{move || changes.value().map(|c| format::count(c.len(), "change", "changes"))}</span>
            <SearchBox text=search what="paths"/>
            <RefreshButton remote=changes/>
        </div>
        {remote_view(changes, status, "changes", move |all: Vec<FilesystemChange>| {
            if all.is_empty() {
                return view! {
                    <EmptyState icon=IconKind::Empty title="No changes">
                        <p>"The container's filesystem is exactly its image's."</p>
                    </EmptyState>
                }
                .into_any();
            }
            let rows = move || {
                let search = search.get();
                all.iter().filter(|c| matches_search(&search, &c.path)).cloned().collect::<Vec<_>>()
            };
            view! {
                <DataTable testid="changes" class="table-compact" columns=&[Column::Text("Kind"), Column::Text("Path")]>
                    <For each=rows key=|c| c.path.clone() let:change>
                        <tr>
                            <td><span class=format!("badge change-{}", change.kind)>{change.kind_label()}</span></td>
                            <td class="mono cell-break">{change.path}</td>
                        </tr>
                    </For>
                </DataTable>
            }
            .into_any()
        })}
    }
}
