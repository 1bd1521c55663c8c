//! The Volumes page: the environment's volumes with their driver, size and users (from
//! `/system/df`); an unused filter; creating, removing and pruning them.

use std::collections::BTreeMap;

use berth_shared::access::Access;
use berth_shared::engine::volume::{Volume, VolumeList, VolumeUsage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::components::confirm::ConfirmDialog;
use crate::components::icons::{Icon, IconKind};
use crate::components::prune_result::{PruneOutcome, PruneResult};
use crate::components::remove_button::RemoveButton;
use crate::components::segmented::Segmented;
use crate::components::states::{EmptyState, SearchResults};
use crate::components::table::{ACTIONS, Column, DataTable};
use crate::components::toast::use_toaster;
use crate::disk_usage::{Category, prune_summary};
use crate::engine_status::use_engine_status;
use crate::format;
use crate::pages::outcome::{Removable, RemovalDialog, report_failure};
use crate::pages::volume_create::VolumeCreateForm;
use crate::pages::{RefreshButton, SearchBox, matches_search, remote_view};
use crate::remote::Remote;
use crate::session::use_session;

/// Size and reference count of each volume, by name.
type UsageByName = BTreeMap<String, VolumeUsage>;

/// `/env/:env/volumes`.
#[component]
pub fn VolumesPage() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let can_operate = use_session().can(Access::Operate);
    let unused_only = RwSignal::new(false);
    let volumes = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        let unused_only = unused_only.get();
        async move { engine.volumes_filtered(unused_only, Some(&signal)).await }
    });
    // Sizes come from `/system/df`, which walks every volume: loaded on its own, so the list
    // shows at once.
    let usage = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        async move {
            let usage = engine.disk_usage(Some(&signal)).await?;
            Ok(usage
                .volumes
                .unwrap_or_default()
                .into_iter()
                .filter_map(|volume| Some((volume.name, volume.usage_data?)))
                .collect::<UsageByName>())
        }
    });
    let reload = move || {
        volumes.reload();
        usage.reload();
    };
    let search = RwSignal::new(String::new());
    let creating = RwSignal::new(false);
    let pending_removal = RwSignal::new(None::<Volume>);
    let confirming_prune = RwSignal::new(false);
    let last_prune = RwSignal::new(None::<PruneOutcome>);

    let prune = Callback::new(move |()| {
        confirming_prune.set(false);
        let engine = status.engine_untracked();
        let api = status.api_version_untracked();
        spawn_local(async move {
            match engine.prune(Category::Volumes, api).await {
                Ok(report) => {
                    let message = prune_summary(("volume", "volumes"), &report);
                    toaster.success(message.clone());
                    last_prune.set(Some(PruneOutcome {
                        key: Category::Volumes.key(),
                        message,
                        reclaimed: report.space_reclaimed,
                    }));
                }
                Err(error) => report_failure(toaster, status, "prune", "volumes", &error),
            }
            reload();
        });
    });

    let summary = move || {
        volumes.value().map(|list| {
            let count = list.volumes.map_or(0, |v| v.len());
            let noun = if unused_only.get() {
                "unused volumes"
            } else {
                "volumes"
            };
            match usage.value() {
                Some(usage) => {
                    let total: i64 = usage.values().map(|u| u.size.max(0)).sum();
                    format!(
                        "{count} {noun} · {} in all volumes",
                        format::bytes(total as u64)
                    )
                }
                None => format!("{count} {noun}"),
            }
        })
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Volumes"</h1>
                    <p class="page-sub" data-testid="volume-summary">{summary}</p>
                </div>
                <div class="toolbar">
                    <Segmented label="Show volumes" options=vec![(false, "All"), (true, "Unused")] value=unused_only/>
                    <SearchBox text=search what="volumes"/>
                    <RefreshButton remote=volumes/>
                    {can_operate.then(|| view! {
                        <button class="btn" on:click=move |_| {
                            usage.reload();
                            confirming_prune.set(true);
                        }>
                            <Icon kind=IconKind::Trash/>
                            "Prune"
                        </button>
                        <button class="btn btn-primary" aria-expanded=move || creating.get().to_string() on:click=move |_| creating.update(|open| *open = !*open)>
                            "Create volume"
                        </button>
                    })}
                </div>
            </div>
            <Show when=move || creating.get()>
                <VolumeCreateForm
                    on_created=Callback::new(move |name: String| {
                        creating.set(false);
                        toaster.success(format!("Created volume {name}"));
                        reload();
                    })
                    on_cancel=Callback::new(move |()| creating.set(false))
                />
            </Show>
            <PruneResult outcome=last_prune/>
            {remote_view(volumes, status, "volumes", move |list: VolumeList| {
                let all: Vec<Volume> = list.volumes.unwrap_or_default();
                if all.is_empty() {
                    let (title, text) = if unused_only.get_untracked() {
                        ("No unused volumes", "Every volume is used by at least one container, so pruning would remove nothing.")
                    } else {
                        ("No volumes yet", "Volumes keep data beyond a container's life. Those you or your containers create appear here.")
                    };
                    return view! {
                        <EmptyState icon=IconKind::Volume title=title>
                            <p>{text}</p>
                        </EmptyState>
                    }
                    .into_any();
                }
                let rows = Memo::new(move |_| {
                    let search = search.get();
                    let usage = usage.value().unwrap_or_default();
                    let mut rows: Vec<Volume> = all
                        .iter()
                        .filter(|volume| matches_search(&search, &format!("{} {}", volume.name, volume.driver)))
                        .cloned()
                        .map(|mut volume| {
                            volume.usage_data = usage.get(&volume.name).cloned();
                            volume
                        })
                        .collect();
                    rows.sort_by(|a, b| a.name.cmp(&b.name));
                    rows
                });
                view! {
                    <SearchResults what="volumes" search=search empty=Signal::derive(move || rows.with(Vec::is_empty))>
                        <VolumeTable rows=rows usage_known=Signal::derive(move || usage.value().is_some()) can_operate=can_operate
                            on_remove=Callback::new(move |volume| pending_removal.set(Some(volume)))/>
                    </SearchResults>
                }
                .into_any()
            })}
            <RemovalDialog pending=pending_removal on_removed=Callback::new(move |_| reload())/>
            <ConfirmDialog
                open=confirming_prune
                title="Remove unused volumes?"
                confirm_label="Prune volumes"
                on_confirm=prune
                on_cancel=Callback::new(move |()| confirming_prune.set(false))
            >
                <PruneWarning usage=usage/>
            </ConfirmDialog>
        </section>
    }
}

/// What pruning volumes will delete: the unused volumes by name, and their size.
#[component]
fn PruneWarning(
    /// Volume usage from `/system/df`.
    usage: Remote<UsageByName>,
) -> impl IntoView {
    move || {
        match usage.value() {
        None => view! {
            <p>"Every volume that no container uses is deleted, with all the data in it. This cannot be undone."</p>
        }
        .into_any(),
        Some(usage) => {
            let unused: Vec<(String, i64)> = usage
                .into_iter()
                .filter(|(_, usage)| usage.ref_count == 0)
                .map(|(name, usage)| (name, usage.size))
                .collect();
            let total: i64 = unused.iter().map(|(_, size)| (*size).max(0)).sum();
            let shown = unused.len().min(8);
            let more = unused.len() - shown;
            view! {
                <p>
                    {format!(
                        "{} unused volume{} will be deleted with all the data in {}, about {}. This cannot be undone.",
                        unused.len(),
                        if unused.len() == 1 { "" } else { "s" },
                        if unused.len() == 1 { "it" } else { "them" },
                        format::bytes(total as u64),
                    )}
                </p>
                <ul class="dialog-list mono">
                    {unused.into_iter().take(shown).map(|(name, size)| view! {
                        <li>{name}" "<span class="muted">{format::bytes(size.max(0) as u64)}</span></li>
                    }).collect_view()}
                    {(more > 0).then(|| view! { <li class="muted">{format!("and {more} more")}</li> })}
                </ul>
            }
            .into_any()
        }
    }
    }
}

/// The table of volumes.
#[component]
fn VolumeTable(
    /// The rows, with usage filled in where known.
    rows: Memo<Vec<Volume>>,
    /// Whether `/system/df` has answered.
    usage_known: Signal<bool>,
    /// Whether the user may remove volumes.
    can_operate: bool,
    /// Asks to remove a volume.
    on_remove: Callback<Volume>,
) -> impl IntoView {
    let status = use_engine_status();
    let pending = move || view! { <span class="skeleton-bar skeleton-short skeleton-inline" aria-label="Measuring…"></span> };
    view! {
        <DataTable
            testid="volumes-table"
            columns=&[
                Column::Text("Name"),
                Column::Text("Driver"),
                Column::Num("Size"),
                Column::Text("Used by"),
                Column::Text("Created"),
                ACTIONS,
            ]
        >
            <For each=move || rows.get() key=|volume| (volume.name.clone(), volume.usage_data.as_ref().map(|u| (u.size, u.ref_count))) let:volume>
                {
                    let href = format!("/env/{}/volumes/{}", status.environment.get_untracked(), crate::api::engine::percent_encode(&volume.name));
                    let name = volume.name.clone();
                    let link_text = name.clone();
                    let usage = volume.usage_data.clone();
                    let size = usage.as_ref().map(|u| if u.size < 0 { "—".to_owned() } else { format::bytes(u.size as u64) });
                    let used_by = usage.as_ref().map(|u| match u.ref_count {
                        n if n < 0 => view! { <span class="muted">"unknown"</span> }.into_any(),
                        0 => view! { <span class="badge badge-neutral">"unused"</span> }.into_any(),
                        1 => view! { <span>"1 container"</span> }.into_any(),
                        n => view! { <span>{format!("{n} containers")}</span> }.into_any(),
                    });
                    let removable = volume.clone();
                    let label = format!("Remove {name}");
                    view! {
                        <tr data-volume=name>
                            <td>
                                <A href=href attr:class="cell-title cell-link cell-break">{link_text}</A>
                            </td>
                            <td>{volume.driver.clone()}</td>
                            <td class="num" data-testid="volume-size">{move || match size.clone() {
                                Some(size) => size.into_any(),
                                None if usage_known.get() => "—".into_any(),
                                None => pending().into_any(),
                            }}</td>
                            <td data-testid="volume-users">{used_by}</td>
                            <td>{volume.created_at.as_deref().map(short_time).unwrap_or_default()}</td>
                            <td class="cell-actions">
                                <div class="row-actions">
                                    {crate::pages::volume_files::browse_link(&status.environment.get_untracked(), &volume.name)}
                                    {can_operate.then(|| view! {
                                        <RemoveButton label=label on_click=Callback::new(move |()| on_remove.run(removable.clone()))/>
                                    })}
                                </div>
                            </td>
                        </tr>
                    }
                }
            </For>
        </DataTable>
    }
}

/// An RFC 3339 time cut to the second, `2026-11-28 23:40:37`.
pub fn short_time(rfc3339: &str) -> String {
    rfc3339.replace('T', " ").chars().take(19).collect()
}

impl Removable for Volume {
    const NOUN: &'static str = "volume";

    fn name(&self) -> &str {
        &self.name
    }

    fn lost(&self) -> String {
        let data = match self.usage_data.as_ref().filter(|usage| usage.size >= 0) {
            Some(usage) => format!(
                "All {} of data in it is deleted for good.",
                format::bytes(usage.size as u64)
            ),
            None => "All the data in it is deleted for good.".to_owned(),
        };
        let users = match self.usage_data.as_ref().map(|usage| usage.ref_count) {
            Some(n) if n > 0 => format!(
                " {n} container{} still use{} it, so the engine will refuse until {} removed.",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" },
                if n == 1 { "it is" } else { "they are" },
            ),
            _ => String::new(),
        };
        format!("{data}{users}")
    }

    async fn remove(self, engine: Engine) -> Result<(), ApiError> {
        engine.remove_volume(&self.name).await
    }
}
