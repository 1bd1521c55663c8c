//! The build cache: how much it holds (from `/system/df`) and pruning it.

use berth_shared::engine::image::BuildCacheUsage;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::app::remote::Loadable;
use crate::app::session::use_session;
use crate::components::confirm::ConfirmDialog;
use crate::components::toast::use_toaster;
use crate::format;

/// Totals of the cache records: `(records, bytes, bytes not in use)`.
pub fn totals(usage: &BuildCacheUsage) -> (usize, u64, u64) {
    let records = usage.build_cache.as_deref().unwrap_or_default();
    let size = |keep: fn(&&berth_shared::engine::image::BuildCacheRecord) -> bool| {
        records
            .iter()
            .filter(keep)
            .map(|record| record.size.max(0) as u64)
            .sum::<u64>()
    };
    (records.len(), size(|_| true), size(|record| !record.in_use))
}

/// A card with the build cache's size and a prune button.
#[component]
pub fn BuildCacheCard() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let toaster = use_toaster();
    let usage =
        status.remote(move |engine, signal| async move { engine.build_cache(Some(&signal)).await });
    let confirming = RwSignal::new(false);
    let prune_all = RwSignal::new(false);
    let prune = Callback::new(move |()| {
        confirming.set(false);
        let engine = untrack(|| status.engine());
        let all = prune_all.get_untracked();
        spawn_local(async move {
            match engine.prune_build_cache(all).await {
                Ok(report) => toaster.success(format!(
                    "Build cache pruned: {} reclaimed",
                    format::bytes(report.space_reclaimed.max(0) as u64)
                )),
                Err(error) => toaster.error(format!("Could not prune the build cache: {error}")),
            }
            usage.reload();
        });
    });
    view! {
        <section class="card cache-card" aria-labelledby="cache-title" data-testid="build-cache">
            <h2 class="card-title" id="cache-title">"Build cache"</h2>
            {move || match usage.get() {
                Loadable::Loading => view! { <p class="muted">"Measuring…"</p> }.into_any(),
                Loadable::Failed(error) => view! { <p class="alert alert-error">{error.to_string()}</p> }.into_any(),
                Loadable::Ready(usage) => {
                    let (records, size, reclaimable) = totals(&usage);
                    view! {
                        <dl class="facts">
                            <dt>"Records"</dt><dd>{records}</dd>
                            <dt>"Size"</dt><dd>{format::bytes(size)}</dd>
                            <dt>"Reclaimable"</dt><dd>{format::bytes(reclaimable)}</dd>
                        </dl>
                    }.into_any()
                }
            }}
            <Show when=move || session.can(berth_shared::access::Access::Operate)>
                <div class="form-actions">
                    <button class="btn btn-small" on:click=move |_| { prune_all.set(false); confirming.set(true); }>"Prune unused"</button>
                    <button class="btn btn-small btn-danger-ghost" on:click=move |_| { prune_all.set(true); confirming.set(true); }>"Prune all"</button>
                </div>
            </Show>
            <ConfirmDialog
                open=confirming
                title=Signal::derive(move || if prune_all.get() { "Prune the whole build cache?".to_owned() } else { "Prune unused build cache?".to_owned() })
                confirm_label="Prune"
                on_confirm=prune
                on_cancel=Callback::new(move |()| confirming.set(false))
            >
                <p>"Later builds will redo the steps whose cache is removed."</p>
            </ConfirmDialog>
        </section>
    }
}
