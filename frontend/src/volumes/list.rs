//! The Volumes page: the environment's volumes with their driver, size and users (from
//! `/system/df`); an unused filter; creating, removing and pruning them.

use std::collections::BTreeMap;

use berth_shared::access::Access;
use berth_shared::engine::archive::VOLUME_BROWSER_LABEL;
use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::volume::{Volume, VolumeList, VolumeUsage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::app::session::use_session;
use crate::app::undecodable::Kind;
use crate::components::icons::IconKind;
use crate::components::prune_result::{PruneOutcome, PruneResult};
use crate::components::segmented::Segmented;
use crate::components::table::{ACTIONS, Column};
use crate::components::toast::use_toaster;
use crate::format;
use crate::resource_page::list_page::{ListOptions, ListPage};
use crate::resource_page::prune::PruneButton;
use crate::resource_page::removal::{Removable, report_failure};
use crate::resource_page::{Edges, Resource};
use crate::system::disk_usage::{Category, prune_summary};
use crate::volumes::create::VolumeCreateForm;

/// Size and reference count of each volume, by name.
type UsageByName = BTreeMap<String, VolumeUsage>;

/// Each volume's usage, its reference count without Berth's own volume-browsing helpers
/// among `containers` (each names its volume in its label): they are not users of it.
fn usage_by_name(volumes: Vec<Volume>, containers: &[ContainerSummary]) -> UsageByName {
    let mut usage: UsageByName = volumes
        .into_iter()
        .filter_map(|volume| Some((volume.name, volume.usage_data?)))
        .collect();
    for helper in containers {
        if let Some(volume) = helper.labels.get(VOLUME_BROWSER_LABEL)
            && let Some(found) = usage.get_mut(volume)
            && found.ref_count > 0
        {
            found.ref_count -= 1;
        }
    }
    usage
}

/// `/env/:env/volumes`.
#[component]
pub fn VolumesPage() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let can_operate = use_session().can(Access::Operate);
    let unused_only = RwSignal::new(false);
    let volumes = status.remote(move |engine, signal| {
        let unused_only = unused_only.get();
        async move { list_volumes(engine, unused_only, signal).await }
    });
    // Sizes come from `/system/df`, which walks every volume: loaded on its own, so the list
    // shows at once. The rows read it through the context.
    let usage = status.remote(move |engine, signal| async move {
        let usage = engine.disk_usage(Some(&signal)).await?;
        Ok(usage_by_name(
            usage.volumes.unwrap_or_default(),
            &usage.containers.unwrap_or_default(),
        ))
    });
    provide_context(usage);
    let reload = move || {
        volumes.reload();
        usage.reload();
    };
    let creating = RwSignal::new(false);
    let last_prune = RwSignal::new(None::<PruneOutcome>);

    let prune = Callback::new(move |()| {
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

    let summary = Signal::derive(move || {
        volumes.value().map(|list| {
            let count = list.len();
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
    });
    let empty = Signal::derive(move || {
        let (title, text) = if unused_only.get() {
            (
                "No unused volumes",
                "Every volume is used by at least one container, so pruning would remove nothing.",
            )
        } else {
            (
                "No volumes yet",
                "Volumes keep data beyond a container's life. Those you or your containers create appear here.",
            )
        };
        (title.to_owned(), text.to_owned())
    });
    let fill = Callback::new(move |rows: Vec<Volume>| {
        let usage = usage.value().unwrap_or_default();
        rows.into_iter()
            .map(|mut volume| {
                volume.usage_data = usage.get(&volume.name).cloned();
                volume
            })
            .collect()
    });
    let filters = move || {
        view! { <Segmented label="Show volumes" options=vec![(false, "All"), (true, "Unused")] value=unused_only/> }
    };
    let actions = move || {
        can_operate.then(|| {
            view! {
                <PruneButton
                    title="Remove unused volumes?"
                    confirm_label="Prune volumes"
                    on_open=Callback::new(move |()| usage.reload())
                    on_confirm=prune
                >
                    <PruneWarning usage=usage/>
                </PruneButton>
                <button class="btn btn-primary" aria-expanded=move || creating.get().to_string() on:click=move |_| creating.update(|open| *open = !*open)>
                    "Create volume"
                </button>
            }
        })
    };

    view! {
        <ListPage
            remote=volumes
            can_remove=can_operate
            summary=summary
            summary_testid="volume-summary"
            options=ListOptions {
                empty: Some(empty),
                fill: Some(fill),
                on_removed: Some(Callback::new(move |_| usage.reload())),
                ..ListOptions::default()
            }
            filters=ToChildren::to_children(filters)
            actions=ToChildren::to_children(actions)
        >
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
        </ListPage>
    }
}

/// The volumes, all of them or only those no container uses, by name.
async fn list_volumes(
    engine: Engine,
    unused_only: bool,
    signal: AbortSignal,
) -> Result<Vec<Volume>, ApiError> {
    let list: VolumeList = engine.volumes_filtered(unused_only, Some(&signal)).await?;
    let mut all = list.volumes.unwrap_or_default();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all)
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

impl Resource for Volume {
    const PLURAL: &'static str = "volumes";
    const TITLE: &'static str = "Volumes";
    const ICON: IconKind = IconKind::Volume;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Name"),
        Column::Text("Driver"),
        Column::Num("Size"),
        Column::Text("Used by"),
        Column::Text("Created"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "volumes-table";
    const UNDECODABLE: Option<Kind> = Some(Kind::Volumes);

    /// The name with what is known of its usage, so a row is drawn again once sizes arrive.
    fn key(&self) -> String {
        let usage = self.usage_data.as_ref().map(|u| (u.size, u.ref_count));
        format!("{}\n{usage:?}", self.name)
    }

    fn search_text(&self) -> String {
        format!("{} {}", self.name, self.driver)
    }

    fn link(&self, environment: &str) -> Option<String> {
        Some(format!(
            "/env/{environment}/volumes/{}",
            crate::api::percent_encode(&self.name)
        ))
    }

    fn actions(&self, environment: &str) -> Option<AnyView> {
        crate::volumes::files::browse_link(environment, &self.name).map(|link| link.into_any())
    }

    fn row(&self, link: Option<String>, edges: Edges) -> AnyView {
        // Whether `/system/df` has answered: until then sizes are being measured.
        let usage_known = use_context::<Remote<UsageByName>>()
            .map(|usage| Signal::derive(move || usage.value().is_some()))
            .unwrap_or_else(|| Signal::derive(|| true));
        let measuring = move || view! { <span class="skeleton-bar skeleton-short skeleton-inline" aria-label="Measuring…"></span> };
        let usage = self.usage_data.clone();
        let size = usage.as_ref().map(|u| {
            if u.size < 0 {
                "—".to_owned()
            } else {
                format::bytes(u.size as u64)
            }
        });
        let used_by = usage.as_ref().map(|u| match u.ref_count {
            n if n < 0 => view! { <span class="muted">"unknown"</span> }.into_any(),
            0 => view! { <span class="badge badge-neutral">"unused"</span> }.into_any(),
            n => view! { <span>{format::count(n as usize, "container", "containers")}</span> }
                .into_any(),
        });
        let name = self.name.clone();
        let link_text = name.clone();
        view! {
            <tr data-volume=name>
                {edges.select}
                <td>
                    <A href=link.unwrap_or_default() attr:class="cell-title cell-link cell-clip" attr:title=name.clone()>{link_text}</A>
                </td>
                <td>{self.driver.clone()}</td>
                <td class="num" data-testid="volume-size">{move || match size.clone() {
                    Some(size) => size.into_any(),
                    None if usage_known.get() => "—".into_any(),
                    None => measuring().into_any(),
                }}</td>
                <td data-testid="volume-users">{used_by}</td>
                <td>{self.created_at.as_deref().map(short_time).unwrap_or_default()}</td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(engine: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        list_volumes(engine, false, signal).await
    }
}

/// An RFC 3339 time cut to the second, `2026-11-28 23:40:37`.
pub fn short_time(rfc3339: &str) -> String {
    rfc3339.replace('T', " ").chars().take(19).collect()
}

impl Removable for Volume {
    const NOUN: &'static str = "volume";
    type Choices = ();

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

    async fn remove(self, engine: Engine, (): ()) -> Result<(), ApiError> {
        engine.remove_volume(&self.name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_are_not_users_of_their_volume() {
        let volume = |name: &str, ref_count: i64| Volume {
            name: name.to_owned(),
            usage_data: Some(VolumeUsage {
                size: 10,
                ref_count,
            }),
            ..Volume::default()
        };
        let container = |labels: &[(&str, &str)]| ContainerSummary {
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..ContainerSummary::default()
        };
        let usage = usage_by_name(
            vec![volume("data", 2), volume("other", 1), volume("idle", 0)],
            &[
                container(&[(VOLUME_BROWSER_LABEL, "data")]),
                container(&[("app", "web")]),
                container(&[(VOLUME_BROWSER_LABEL, "idle")]),
            ],
        );
        assert_eq!(usage["data"].ref_count, 1);
        assert_eq!(usage["other"].ref_count, 1);
        assert_eq!(usage["idle"].ref_count, 0);
    }
}
