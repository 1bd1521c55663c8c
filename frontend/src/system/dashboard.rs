//! The System page: the engine's version and negotiated API version, host resources, object
//! counts, and disk usage from `/system/df` as a chart with a prune button per category.

use berth_shared::access::Access;
use berth_shared::engine::system::{DiskUsage, SystemInfo, SystemVersion};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::app::remote::remote_view;
use crate::app::remote::{Loadable, Remote};
use crate::app::session::use_session;
use crate::components::confirm::ConfirmDialog;
use crate::components::facts::FactsCard;
use crate::components::prune_result::{PruneOutcome, PruneResult};
use crate::components::states::LoadingRows;
use crate::components::table::{ACTIONS, Column, DataTable};
use crate::components::toast::use_toaster;
use crate::format;
use crate::resource_page::removal::report_failure;
use crate::system::disk_usage::{Category, CategoryUsage, prune_summary, segments, summarize};

/// `/env/:env/system`.
#[component]
pub fn SystemPage() -> impl IntoView {
    let status = use_engine_status();
    let system = status.remote(move |engine, signal| async move {
        let info = engine.info(Some(&signal)).await?;
        let version = engine.version(Some(&signal)).await?;
        let networks = engine.networks(Some(&signal)).await?.len();
        Ok((info, version, networks))
    });
    let usage =
        status.remote(move |engine, signal| async move { engine.disk_usage(Some(&signal)).await });
    let reload = move || {
        system.reload();
        usage.reload();
    };
    // Kept here rather than in the panel, which is rebuilt whenever the page's data reloads.
    let last_prune = RwSignal::new(None::<PruneOutcome>);
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"System"</h1>
                    <p class="page-sub">"The engine, the host it runs on, and what its objects take on disk"</p>
                </div>
                <div class="toolbar">
                    <button class="btn btn-icon" class:spinning=move || system.refreshing() || usage.refreshing()
                        aria-label="Refresh" title="Refresh" on:click=move |_| reload()>
                        <crate::components::icons::Icon kind=crate::components::icons::IconKind::Restart/>
                    </button>
                </div>
            </div>
            {remote_view(system, status, "engine information", move |(info, version, networks): (SystemInfo, SystemVersion, usize)| {
                let negotiated = status
                    .current()
                    .and_then(|env| env.api_version)
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "—".to_owned());
                let warnings = info.warnings.clone().unwrap_or_default();
                let volumes = move || usage.value().map(|usage| usage.volumes.map_or(0, |v| v.len()).to_string()).unwrap_or_else(|| "…".into());
                view! {
                    <div class="cards cards-dashboard">
                        <FactsCard title="Engine" rows=vec![
                            ("Version".into(), version.version.clone()),
                            ("API in use".into(), negotiated),
                            ("Engine API".into(), format!("{} (oldest {})", version.api_version, version.min_api_version.clone().unwrap_or_default())),
                            ("Platform".into(), format!("{}/{}", version.os, version.arch)),
                            ("Go".into(), version.go_version.clone()),
                            ("Commit".into(), version.git_commit),
                        ]/>
                        <FactsCard title="Host" rows=vec![
                            ("Name".into(), info.name.clone()),
                            ("OS".into(), info.operating_system.clone()),
                            ("Kernel".into(), info.kernel_version.clone()),
                            ("CPUs".into(), info.ncpu.to_string()),
                            ("Memory".into(), format::bytes(info.mem_total)),
                            ("Architecture".into(), info.architecture.clone()),
                        ]/>
                        <article class="card" data-testid="object-counts">
                            <h2 class="card-title">"Objects"</h2>
                            <dl class="facts">
                                <dt>"Containers"</dt>
                                <dd data-count="containers">{info.containers}</dd>
                                <dt>"Running"</dt>
                                <dd data-count="running">{info.containers_running}</dd>
                                <dt>"Paused"</dt>
                                <dd data-count="paused">{info.containers_paused}</dd>
                                <dt>"Stopped"</dt>
                                <dd data-count="stopped">{info.containers_stopped}</dd>
                                <dt>"Images"</dt>
                                <dd data-count="images">{info.images}</dd>
                                <dt>"Volumes"</dt>
                                <dd data-count="volumes">{volumes}</dd>
                                <dt>"Networks"</dt>
                                <dd data-count="networks">{networks}</dd>
                            </dl>
                        </article>
                        <FactsCard title="Storage and runtime" rows=vec![
                            ("Storage driver".into(), info.driver.clone()),
                            ("Root directory".into(), info.docker_root_dir.clone()),
                            ("Logging driver".into(), info.logging_driver.clone()),
                            ("Cgroups".into(), format!("{} v{}", info.cgroup_driver, info.cgroup_version.clone().unwrap_or_else(|| "1".into()))),
                        ]/>
                        <FactsCard title="Authorization plugins" rows={info.plugins.authorization.iter()
                            .map(|plugin| (plugin.clone(), "active".to_owned()))
                            .collect::<Vec<_>>()} empty="None: the engine authorizes nothing beyond its socket" mono=true/>
                    </div>
                    {(!warnings.is_empty()).then(|| view! {
                        <div class="notice notice-warn">
                            <h2>"Engine warnings"</h2>
                            <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                        </div>
                    })}
                    <DiskUsagePanel usage=usage last_result=last_prune on_pruned=Callback::new(move |()| reload())/>
                }
            })}
        </section>
    }
}

/// Disk usage per category as a stacked bar, with a table and prune buttons.
#[component]
fn DiskUsagePanel(
    /// `/system/df`.
    usage: Remote<DiskUsage>,
    /// The outcome of the last prune.
    last_result: RwSignal<Option<PruneOutcome>>,
    /// Runs after a prune, to reload the page's data.
    on_pruned: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let can_operate = use_session().can(Access::Operate);
    let pending = RwSignal::new(None::<CategoryUsage>);
    let running = RwSignal::new(None::<Category>);

    let prune = Callback::new(move |()| {
        let Some(target) = pending.get_untracked() else {
            return;
        };
        pending.set(None);
        running.set(Some(target.category));
        let engine = status.engine_untracked();
        let api = status.api_version_untracked();
        spawn_local(async move {
            let result = engine.prune(target.category, api).await;
            running.set(None);
            let nouns = nouns(target.category);
            match result {
                Ok(report) => {
                    let message = prune_summary(nouns, &report);
                    toaster.success(format!("{}: {message}", target.category.label()));
                    last_result.set(Some(PruneOutcome {
                        key: target.category.key(),
                        message: format!("{}: {message}", target.category.label()),
                        reclaimed: report.space_reclaimed,
                    }));
                }
                Err(error) => report_failure(toaster, status, "prune", nouns.1, &error),
            }
            on_pruned.try_run(());
        });
    });

    view! {
        <section class="card disk-usage" aria-labelledby="disk-usage-title">
            <h2 id="disk-usage-title" class="card-title">"Disk usage"</h2>
            <PruneResult outcome=last_result/>
            {move || match usage.get() {
                Loadable::Loading => view! { <LoadingRows what="disk usage" rows=4/> }.into_any(),
                Loadable::Failed(error) => {
                    if error.is_unreachable() {
                        status.engine_lost();
                    }
                    view! { <div class="alert alert-error" role="alert">{format!("Could not read disk usage: {error}")}</div> }.into_any()
                }
                Loadable::Ready(df) => {
                    let usages = summarize(&df);
                    view! {
                        <DiskChart usages=usages.clone()/>
                        <DataTable
                            testid="disk-table"
                            class="disk-table"
                            columns=&[
                                Column::Text("Category"),
                                Column::Num("Count"),
                                Column::Num("In use"),
                                Column::Num("Size"),
                                Column::Num("Reclaimable"),
                                ACTIONS,
                            ]
                        >
                            {usages.into_iter().map(|row| {
                                let share = (row.reclaimable * 100).checked_div(row.size).unwrap_or(0);
                                // Stopped containers may take no space yet still be worth pruning.
                                let prunable = row.reclaimable > 0 || row.count > row.active;
                                view! {
                                    <tr data-category=row.category.key() data-count=row.count.to_string() data-active=row.active.to_string()
                                        data-size=row.size.to_string() data-reclaimable=row.reclaimable.to_string()>
                                        <td class="cell-title nowrap">
                                            <span class=format!("swatch du-{}", row.category.key()) aria-hidden="true"></span>
                                            {row.category.label()}
                                        </td>
                                        <td class="num">{row.count}</td>
                                        <td class="num">{row.active}</td>
                                        <td class="num">{format::bytes(row.size)}</td>
                                        <td class="num">
                                            {format::bytes(row.reclaimable)}
                                            <div class="cell-sub">{format!("{share}% of it")}</div>
                                        </td>
                                        <td class="cell-actions">
                                            {can_operate.then(|| view! {
                                                <button class="btn btn-small"
                                                    aria-label=format!("Prune {}", row.category.label().to_lowercase())
                                                    disabled=move || !prunable || running.get().is_some()
                                                    title=if prunable { "" } else { "Nothing to prune" }
                                                    on:click=move |_| pending.set(Some(row))>
                                                    {move || if running.get() == Some(row.category) { "Pruning…" } else { "Prune" }}
                                                </button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </DataTable>
                    }
                    .into_any()
                }
            }}
            <ConfirmDialog
                open=Signal::derive(move || pending.with(Option::is_some))
                title=Signal::derive(move || pending.with(|p| p.map(|p| format!("Prune {}?", p.category.label().to_lowercase()))).unwrap_or_default())
                confirm_label="Prune"
                on_confirm=prune
                on_cancel=Callback::new(move |()| pending.set(None))
            >
                {move || pending.get().map(|p| view! {
                    <p>{format!("This removes {}. It cannot be undone.", p.category.prune_scope())}</p>
                    <p>{format!("About {} would be freed.", format::bytes(p.reclaimable))}</p>
                })}
            </ConfirmDialog>
        </section>
    }
}

fn nouns(category: Category) -> (&'static str, &'static str) {
    match category {
        Category::Images => ("image", "images"),
        Category::Containers => ("container", "containers"),
        Category::Volumes => ("volume", "volumes"),
        Category::BuildCache => ("cache record", "cache records"),
    }
}

/// The stacked bar: one segment per category, its reclaimable part hatched.
#[component]
fn DiskChart(
    /// Each category's usage.
    usages: Vec<CategoryUsage>,
) -> impl IntoView {
    let total: u64 = usages.iter().map(|u| u.size).sum();
    let reclaimable: u64 = usages.iter().map(|u| u.reclaimable).sum();
    let parts = segments(&usages);
    let label = usages
        .iter()
        .map(|u| format!("{} {}", u.category.label(), format::bytes(u.size)))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <div class="disk-chart" data-testid="disk-chart" data-total=total.to_string()>
            <p class="disk-total">
                <strong>{format::bytes(total)}</strong>" used · "
                <strong>{format::bytes(reclaimable)}</strong>" reclaimable"
            </p>
            {if parts.is_empty() {
                view! { <div class="disk-empty">"Nothing on disk yet"</div> }.into_any()
            } else {
                view! {
                    <svg class="disk-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=format!("Disk usage: {label}")>
                        <defs>
                            <pattern id="du-hatch" width="1.2" height="1.2" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                                <rect width="0.6" height="1.2" class="du-hatch-stripe"/>
                            </pattern>
                        </defs>
                        {parts.into_iter().map(|part| {
                            let reclaim_x = part.x + part.width - part.reclaimable_width;
                            view! {
                                <g data-category=part.category.key()>
                                    <rect class=format!("du-{}", part.category.key()) x=part.x.to_string() y="0" width=part.width.to_string() height="10">
                                        <title>{part.category.label()}</title>
                                    </rect>
                                    <rect class="du-reclaimable" x=reclaim_x.to_string() y="0" width=part.reclaimable_width.to_string() height="10" fill="url(#du-hatch)"/>
                                </g>
                            }
                        }).collect_view()}
                    </svg>
                }
                .into_any()
            }}
            <ul class="disk-legend">
                {usages.into_iter().map(|u| view! {
                    <li><span class=format!("swatch du-{}", u.category.key()) aria-hidden="true"></span>{u.category.label()}" "<span class="muted">{format::bytes(u.size)}</span></li>
                }).collect_view()}
                <li><span class="swatch swatch-hatch" aria-hidden="true"></span>"Reclaimable"</li>
            </ul>
        </div>
    }
}
