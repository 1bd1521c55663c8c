//! The Stats overview, `/env/:env/stats`: live figures of every running container, sortable.
//!
//! Browsers open at most six HTTP/1.1 connections to one origin, and a stats stream holds one
//! for as long as it runs; one stream per container would starve the rest of the UI beyond a
//! handful of containers. So this page samples with `stream=false` (each answer carries the
//! previous CPU reading, so CPU % is exact) through a pool of [`WORKERS`] requests that cycle
//! over the containers without pause: every container is refreshed about every
//! `containers / WORKERS` seconds, with no idle timer. The single-container Stats tab streams.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

use berth_shared::engine::container::ContainerSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use web_sys::AbortController;

use crate::app::engine_status::use_engine_status;
use crate::app::remote::remote_view;
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::components::toolbar::{RefreshButton, SearchBox, matches_search};
use crate::containers::stats_math::{Figures, figures, rate};
use crate::format;

/// Concurrent sampling requests.
const WORKERS: usize = 3;

/// One container's latest figures and rates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Row {
    now: Figures,
    at: f64,
    rx_rate: f64,
    tx_rate: f64,
    read_rate: f64,
    write_rate: f64,
}

/// A sortable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Cpu,
    Memory,
    MemoryPercent,
    Network,
    Block,
    Pids,
}

const COLUMNS: [(Column, &str); 7] = [
    (Column::Name, "Name"),
    (Column::Cpu, "CPU"),
    (Column::Memory, "Memory"),
    (Column::MemoryPercent, "Mem %"),
    (Column::Network, "Net rx / tx"),
    (Column::Block, "Block r / w"),
    (Column::Pids, "PIDs"),
];

fn sort_value(column: Column, row: &Row) -> f64 {
    match column {
        Column::Name => 0.0,
        Column::Cpu => row.now.cpu_percent,
        Column::Memory => row.now.memory as f64,
        Column::MemoryPercent => row.now.memory_percent,
        Column::Network => row.rx_rate + row.tx_rate,
        Column::Block => row.read_rate + row.write_rate,
        Column::Pids => row.now.pids as f64,
    }
}

/// `/env/:env/stats`.
#[component]
pub fn StatsPage() -> impl IntoView {
    let status = use_engine_status();
    let containers = status.remote(move |engine, signal| async move {
        let all = engine.containers(Some(&signal)).await?;
        Ok(all
            .into_iter()
            .filter(ContainerSummary::is_running)
            .collect::<Vec<_>>())
    });
    let figures_by_id = RwSignal::new(BTreeMap::<String, Row>::new());
    let sort = RwSignal::new((Column::Cpu, true));
    let search = RwSignal::new(String::new());

    // The sampling pool, restarted when the list of running containers changes.
    let controller = StoredValue::new_local(None::<AbortController>);
    let stop = move || {
        if let Some(Some(old)) = controller.try_update_value(Option::take) {
            old.abort();
        }
    };
    on_cleanup(stop);
    Effect::new(move |_| {
        let Some(list) = containers.value() else {
            return;
        };
        stop();
        let ids: Rc<Vec<String>> = Rc::new(list.iter().map(|c| c.id.clone()).collect());
        figures_by_id.update(|rows| rows.retain(|id, _| ids.contains(id)));
        if ids.is_empty() {
            return;
        }
        let Ok(next) = AbortController::new() else {
            return;
        };
        let signal = next.signal();
        controller.set_value(Some(next));
        let cursor = Rc::new(Cell::new(0usize));
        for _ in 0..WORKERS.min(ids.len()) {
            let (ids, cursor, signal) = (Rc::clone(&ids), Rc::clone(&cursor), signal.clone());
            let engine = status.engine();
            spawn_local(async move {
                while !signal.aborted() {
                    let id = ids[cursor.get() % ids.len()].clone();
                    cursor.set(cursor.get() + 1);
                    match engine.container_stats_once(&id, &signal).await {
                        Ok(sample) => {
                            let now = figures(&sample);
                            let at = js_sys::Date::now();
                            figures_by_id.try_update(|rows| {
                                let row = rows.entry(id).or_default();
                                if row.at > 0.0 {
                                    let seconds = (at - row.at) / 1000.0;
                                    row.rx_rate = rate(row.now.rx_bytes, now.rx_bytes, seconds);
                                    row.tx_rate = rate(row.now.tx_bytes, now.tx_bytes, seconds);
                                    row.read_rate =
                                        rate(row.now.block_read, now.block_read, seconds);
                                    row.write_rate =
                                        rate(row.now.block_write, now.block_write, seconds);
                                }
                                row.now = now;
                                row.at = at;
                            });
                        }
                        Err(_) if signal.aborted() => return,
                        // A container that stopped meanwhile: wait a moment, the list reloads.
                        Err(_) => {
                            gloo_timers::future::sleep(std::time::Duration::from_secs(1)).await;
                        }
                    }
                }
            });
        }
    });

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Stats"</h1>
                    <p class="page-sub">{move || containers.value().map(|c| format!("{} running container{}, live", c.len(), if c.len() == 1 { "" } else { "s" }))}</p>
                </div>
                <div class="toolbar">
                    <SearchBox text=search what="containers"/>
                    <RefreshButton remote=containers/>
                </div>
            </div>
            {remote_view(containers, status, "containers", move |list: Vec<ContainerSummary>| {
                if list.is_empty() {
                    return view! {
                        <EmptyState icon=IconKind::Container title="Nothing running">
                            <p>"Live figures appear here for every running container."</p>
                        </EmptyState>
                    }
                    .into_any();
                }
                let rows = move || {
                    let search = search.get();
                    let (column, descending) = sort.get();
                    let figures = figures_by_id.get();
                    let mut rows: Vec<(ContainerSummary, Option<Row>)> = list
                        .iter()
                        .filter(|c| matches_search(&search, &format!("{} {}", c.display_name(), c.image)))
                        .map(|c| (c.clone(), figures.get(&c.id).copied()))
                        .collect();
                    rows.sort_by(|(a, fa), (b, fb)| {
                        let order = if column == Column::Name {
                            a.display_name().cmp(b.display_name())
                        } else {
                            let va = fa.map_or(-1.0, |r| sort_value(column, &r));
                            let vb = fb.map_or(-1.0, |r| sort_value(column, &r));
                            va.total_cmp(&vb)
                        };
                        if descending { order.reverse() } else { order }
                    });
                    rows
                };
                view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="stats-table">
                            <thead>
                                <tr>
                                    {COLUMNS.into_iter().map(|(column, label)| view! {
                                        <th scope="col" aria-sort=move || {
                                            let (current, descending) = sort.get();
                                            if current != column { "none" } else if descending { "descending" } else { "ascending" }
                                        }>
                                            <button class="th-sort" on:click=move |_| sort.update(|(c, d)| {
                                                if *c == column { *d = !*d } else { *c = column; *d = column != Column::Name }
                                            })>{label}</button>
                                        </th>
                                    }).collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {move || rows().into_iter().map(|(container, row)| {
                                    let name = container.display_name().to_owned();
                                    let key = name.clone();
                                    let href = format!("/env/{}/containers/{}/stats", status.environment.get_untracked(), container.id);
                                    let cells = row.map(|r| [
                                        format!("{:.1} %", r.now.cpu_percent),
                                        format::bytes(r.now.memory),
                                        format!("{:.1} %", r.now.memory_percent),
                                        format!("{}/s / {}/s", format::bytes(r.rx_rate as u64), format::bytes(r.tx_rate as u64)),
                                        format!("{}/s / {}/s", format::bytes(r.read_rate as u64), format::bytes(r.write_rate as u64)),
                                        r.now.pids.to_string(),
                                    ]);
                                    view! {
                                        <tr data-container=key>
                                            <td><A href=href attr:class="cell-title">{name}</A></td>
                                            {match cells {
                                                Some(cells) => cells.into_iter().map(|c| view! { <td class="num" data-testid="stat-cell">{c}</td> }).collect_view().into_any(),
                                                None => view! { <td colspan="6" class="muted">"measuring…"</td> }.into_any(),
                                            }}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            })}
        </section>
    }
}
