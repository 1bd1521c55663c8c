//! The Processes tab: `GET /containers/{id}/top`, refreshed on demand.

use berth_shared::engine::inspect::ProcessList;
use leptos::prelude::*;

use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::app::remote::remote_view;
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::components::toolbar::RefreshButton;
use crate::format;

/// The Processes tab.
#[component]
pub fn ProcessesTab(engine: Engine, id: String, running: bool) -> impl IntoView {
    if !running {
        return view! {
            <EmptyState icon=IconKind::Stop title="Not running">
                <p>"A stopped container has no processes. Start it to see them here."</p>
            </EmptyState>
        }
        .into_any();
    }
    let status = use_engine_status();
    let top = Remote::new(move |signal| {
        let (engine, id) = (engine.clone(), id.clone());
        async move { engine.container_top(&id, Some(&signal)).await }
    });
    view! {
        <div class="toolbar tab-toolbar">
            <span class="muted">{move || top.value().map(|t| format::count(t.processes.len(), "process", "processes"))}</span>
            <RefreshButton remote=top/>
        </div>
        {remote_view(top, status, "processes", |list: ProcessList| view! {
            <div class="table-wrap">
                <table class="table table-compact" data-testid="processes">
                    <thead>
                        <tr>{list.titles.iter().map(|t| view! { <th scope="col">{t.clone()}</th> }).collect_view()}</tr>
                    </thead>
                    <tbody>
                        {list.processes.iter().map(|row| view! {
                            <tr>{row.iter().map(|cell| view! { <td class="mono cell-break">{cell.clone()}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
    .into_any()
}
