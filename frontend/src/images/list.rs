//! The Images page: tags, digests, size, age and how many containers use each image, with a
//! dangling filter and search; pull, build, load/import, commit, export, tag, push, remove and
//! prune, registry search, and the build cache.

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::image::{ImageSummary, SearchResult};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::app::remote::remote_view;
use crate::app::session::use_session;
use crate::components::confirm::ConfirmDialog;
use crate::components::fields::Check;
use crate::components::icons::{Icon, IconKind};
use crate::components::modal::Modal;
use crate::components::segmented::Segmented;
use crate::components::states::EmptyState;
use crate::components::table::{Column, DataTable};
use crate::components::toast::action_failed;
use crate::components::toast::use_toaster;
use crate::components::toolbar::{RefreshButton, SearchBox};
use crate::format;
use crate::images::build::BuildDialog;
use crate::images::cache::BuildCacheCard;
use crate::images::commit::CommitDialog;
use crate::images::list_model::{ImageFilter, ImageRow, image_rows};
use crate::images::load::LoadDialog;
use crate::images::pull::PullDialog;
use crate::images::push::PushDialog;
use crate::images::tag::TagDialog;
use crate::time::{absolute_time, now_seconds};

/// Images and the containers that use them, loaded together.
type Listing = (Vec<ImageSummary>, Vec<ContainerSummary>);

/// `/env/:env/images`.
#[component]
pub fn ImagesPage() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let toaster = use_toaster();
    let listing: Remote<Listing> = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        async move {
            let images = engine.images(Some(&signal)).await?;
            let containers = engine.containers(Some(&signal)).await?;
            Ok((images, containers))
        }
    });
    let search = RwSignal::new(String::new());
    let filter = RwSignal::new(ImageFilter::All);
    let selected = RwSignal::new(Vec::<String>::new());
    let pull_open = RwSignal::new(false);
    let pull_reference = RwSignal::new(String::new());
    let build_open = RwSignal::new(false);
    let load_open = RwSignal::new(false);
    let search_open = RwSignal::new(false);
    let commit_open = RwSignal::new(false);
    let tag_target = RwSignal::new(None::<String>);
    let push_target = RwSignal::new(None::<String>);
    let removing = RwSignal::new(None::<ImageSummary>);
    let force = RwSignal::new(false);
    let noprune = RwSignal::new(false);
    let pruning = RwSignal::new(false);
    let prune_all = RwSignal::new(false);
    let can_operate = move || session.can(Access::Operate);
    let can_download = move || session.can(Access::Download);
    let reload = Callback::new(move |()| listing.reload());

    let summary = move || {
        listing.value().map(|(images, _)| {
            let total: i64 = images.iter().map(|image| image.size.max(0)).sum();
            let dangling = images.iter().filter(|image| image.is_dangling()).count();
            format!(
                "{} images · {} · {dangling} dangling",
                images.len(),
                format::bytes(total as u64)
            )
        })
    };
    let remove = Callback::new(move |()| {
        let Some(image) = removing.get_untracked() else {
            return;
        };
        removing.set(None);
        let engine = untrack(|| status.engine());
        let (force_it, keep_parents) = (force.get_untracked(), noprune.get_untracked());
        spawn_local(async move {
            let label = image
                .tags()
                .next()
                .map_or_else(|| image.short_id().to_owned(), str::to_owned);
            match engine.remove_image(&image.id, force_it, keep_parents).await {
                Ok(()) => toaster.success(format!("Removed {label}")),
                Err(error) => toaster.error(action_failed("remove", &label, &error)),
            }
            listing.reload();
        });
    });
    let prune = Callback::new(move |()| {
        pruning.set(false);
        let engine = untrack(|| status.engine());
        let all = prune_all.get_untracked();
        spawn_local(async move {
            match engine.prune_images(all).await {
                Ok(report) => toaster.success(format!(
                    "Pruned {} images, reclaimed {}",
                    report.images_deleted.map_or(0, |deleted| deleted.len()),
                    format::bytes(report.space_reclaimed.max(0) as u64)
                )),
                Err(error) => toaster.error(action_failed("prune", "images", &error)),
            }
            listing.reload();
        });
    });
    let export_href = move || untrack(|| status.engine()).images_export_url(&selected.get());

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Images"</h1>
                    <p class="page-sub">{summary}</p>
                </div>
                <div class="toolbar">
                    <Show when=can_operate>
                        <button class="btn btn-primary" on:click=move |_| pull_open.set(true)>"Pull"</button>
                        <button class="btn" on:click=move |_| build_open.set(true)>"Build"</button>
                        <button class="btn" on:click=move |_| load_open.set(true)>"Load / import"</button>
                        <button class="btn" on:click=move |_| commit_open.set(true)>"Commit"</button>
                        <button class="btn" on:click=move |_| pruning.set(true)>"Prune"</button>
                    </Show>
                    <button class="btn" on:click=move |_| search_open.set(true)>"Search registry"</button>
                    <RefreshButton remote=listing/>
                </div>
            </div>
            <div class="images-filters">
                <Segmented label="Show images" options=ImageFilter::ALL.map(|option| (option, option.label())).to_vec() value=filter/>
                <SearchBox text=search what="images"/>
                <Show when=move || can_download() && !selected.get().is_empty()>
                    <a class="btn btn-small" data-testid="export-selected" href=export_href download="images.tar">
                        {move || format!("Export {} selected", selected.get().len())}
                    </a>
                </Show>
            </div>
            {remote_view(listing, status, "images", move |(images, containers): Listing| {
                if images.is_empty() {
                    return view! {
                        <EmptyState icon=IconKind::Image title="No images yet">
                            <p>"Images you pull, build, load or import appear here."</p>
                        </EmptyState>
                    }
                    .into_any();
                }
                let now = now_seconds();
                let environment = status.environment.get_untracked();
                let rows = move || image_rows(&images, &containers, filter.get(), &search.get());
                view! {
                    <DataTable
                        testid="images-table"
                        class="images-table"
                        columns=&[
                            Column::HiddenNarrow("Select"),
                            Column::Text("Tags"),
                            Column::Text("ID"),
                            Column::Num("Containers"),
                            Column::Num("Size"),
                            Column::Text("Created"),
                            Column::HiddenNarrow("Actions"),
                        ]
                    >
                        <For each=rows key=|row: &ImageRow| (row.image.id.clone(), row.containers, row.image.repo_tags.clone()) let:row>
                            {image_row(row, now, environment.clone(), selected, tag_target, push_target, removing, can_operate)}
                        </For>
                    </DataTable>
                }
                .into_any()
            })}
            <BuildCacheCard/>
            <PullDialog open=pull_open reference=pull_reference on_pulled=reload/>
            <BuildDialog open=build_open on_built=reload/>
            <LoadDialog open=load_open on_loaded=reload/>
            <CommitDialog
                open=commit_open
                containers=Signal::derive(move || listing.value().map(|(_, containers)| containers).unwrap_or_default())
                on_committed=Callback::new(move |reference: String| {
                    toaster.success(format!("Committed {reference}"));
                    listing.reload();
                })
            />
            <RegistrySearch open=search_open on_pick=Callback::new(move |name: String| {
                search_open.set(false);
                pull_reference.set(name);
                pull_open.set(true);
            })/>
            <TagDialog image=tag_target on_tagged=Callback::new(move |tag: String| {
                toaster.success(format!("Tagged {tag}"));
                listing.reload();
            })/>
            <PushDialog target=push_target/>
            <ConfirmDialog
                open=Signal::derive(move || removing.get().is_some())
                title=Signal::derive(move || removing.get().map(|image| {
                    format!("Remove image {}?", image.tags().next().map_or_else(|| image.short_id().to_owned(), str::to_owned))
                }).unwrap_or_default())
                confirm_label="Remove"
                on_confirm=remove
                on_cancel=Callback::new(move |()| removing.set(None))
            >
                <p>"The image and all its tags are removed from this engine."</p>
                <Check label="Force (also when several tags or stopped containers use it)" name="force" value=force/>
                <Check label="Keep untagged parent images" name="noprune" value=noprune/>
            </ConfirmDialog>
            <ConfirmDialog
                open=pruning
                title="Prune images?"
                confirm_label="Prune"
                on_confirm=prune
                on_cancel=Callback::new(move |()| pruning.set(false))
            >
                <p>"Unused images are removed; the space they take is reported afterwards."</p>
                <label class="check">
                    <input type="radio" name="prune-scope" prop:checked=move || !prune_all.get() on:change=move |_| prune_all.set(false)/>
                    "Dangling images only"
                </label>
                <label class="check">
                    <input type="radio" name="prune-scope" value="all" prop:checked=move || prune_all.get() on:change=move |_| prune_all.set(true)/>
                    "All images no container uses"
                </label>
            </ConfirmDialog>
        </section>
    }
}

/// One row of the table.
#[allow(clippy::too_many_arguments)]
fn image_row(
    row: ImageRow,
    now: i64,
    environment: String,
    selected: RwSignal<Vec<String>>,
    tag_target: RwSignal<Option<String>>,
    push_target: RwSignal<Option<String>>,
    removing: RwSignal<Option<ImageSummary>>,
    can_operate: impl Fn() -> bool + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let image = row.image;
    let tags: Vec<String> = image.tags().map(str::to_owned).collect();
    let export_name = tags.first().cloned().unwrap_or_else(|| image.id.clone());
    let is_selected = {
        let name = export_name.clone();
        move || selected.get().contains(&name)
    };
    let toggle = {
        let name = export_name;
        move |event| {
            let on = event_target_checked(&event);
            selected.update(|all| {
                all.retain(|existing| existing != &name);
                if on {
                    all.push(name.clone());
                }
            });
        }
    };
    let first_tag = tags.first().cloned();
    let id_for_tag = image.id.clone();
    let for_remove = image.clone();
    let label = first_tag
        .clone()
        .unwrap_or_else(|| image.short_id().to_owned());
    let short_id = image.short_id().to_owned();
    let digest = image.digest().map(str::to_owned);
    let (size, created) = (image.size.max(0) as u64, image.created);
    view! {
        <tr data-testid="image-row" data-tags=tags.join(" ")>
            <td class="cell-actions">
                <input type="checkbox" aria-label=format!("Select {label}") prop:checked=is_selected on:change=toggle/>
            </td>
            <td>
                <div class="chips">
                    {if tags.is_empty() {
                        view! { <span class="chip chip-muted">"dangling"</span> }.into_any()
                    } else {
                        tags.iter().map(|tag| view! { <span class="chip">{tag.clone()}</span> }).collect_view().into_any()
                    }}
                </div>
                {digest.map(|digest| {
                    let short = format::short_id(&digest).to_owned();
                    view! { <div class="cell-sub mono" title=digest>{short}</div> }
                })}
            </td>
            <td class="mono">
                <A href=format!("/env/{environment}/images/{}", image.id)>{short_id}</A>
            </td>
            <td class="num">{row.containers}</td>
            <td class="num">{format::bytes(size)}</td>
            <td title=absolute_time(created)>{format::relative_time(now, created)}</td>
            <td class="cell-actions">
                <Show when=can_operate>
                    <div class="row-actions">
                        <button class="btn btn-small btn-ghost" on:click={
                            let id = id_for_tag.clone();
                            move |_| tag_target.set(Some(id.clone()))
                        }>"Tag"</button>
                        {first_tag.clone().map(|tag| view! {
                            <button class="btn btn-small btn-ghost" on:click=move |_| push_target.set(Some(tag.clone()))>"Push"</button>
                        })}
                        <button class="btn btn-icon btn-danger-ghost" aria-label=format!("Remove {label}") title="Remove" on:click={
                            let image = for_remove.clone();
                            move |_| removing.set(Some(image.clone()))
                        }>
                            <Icon kind=IconKind::Trash/>
                        </button>
                    </div>
                </Show>
            </td>
        </tr>
    }
}

/// Searching a registry (`/images/search`), with a pull button per result.
#[component]
fn RegistrySearch(
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// Runs with the chosen repository's name.
    on_pick: Callback<String>,
) -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let term = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Result<Vec<SearchResult>, String>>);
    let busy = RwSignal::new(false);
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let query = term.get_untracked().trim().to_owned();
        if query.is_empty() {
            return;
        }
        busy.set(true);
        let engine = untrack(|| status.engine());
        spawn_local(async move {
            results.set(Some(
                engine
                    .search_images(&query, None)
                    .await
                    .map_err(|error| error.to_string()),
            ));
            busy.set(false);
        });
    };
    view! {
        <Modal open=open title="Search a registry" on_close=Callback::new(move |()| open.set(false)) testid="search-dialog">
            <form class="form form-row" on:submit=submit>
                <label class="field field-grow">
                    <span class="field-label">"Term"</span>
                    <input name="term" required autocomplete="off" placeholder="nginx, or registry.example.com/team"
                        prop:value=move || term.get() on:input=move |event| term.set(event_target_value(&event))/>
                </label>
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Searching…" } else { "Search" }}
                </button>
            </form>
            {move || results.get().map(|found| match found {
                Err(message) => view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any(),
                Ok(rows) if rows.is_empty() => view! { <p class="muted">"Nothing found."</p> }.into_any(),
                Ok(rows) => view! {
                    <ul class="search-results" data-testid="search-results">
                        {rows.into_iter().map(|row| {
                            let name = row.name.clone();
                            view! {
                                <li>
                                    <div>
                                        <span class="cell-title">{row.name.clone()}</span>
                                        {row.is_official.then(|| view! { <span class="badge badge-info">"official"</span> })}
                                        <span class="muted">{format!(" ★ {}", row.star_count)}</span>
                                        <div class="cell-sub">{row.description}</div>
                                    </div>
                                    <Show when=move || session.can(Access::Operate)>
                                        <button class="btn btn-small" on:click={
                                            let name = name.clone();
                                            move |_| on_pick.run(name.clone())
                                        }>"Pull…"</button>
                                    </Show>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            <div class="dialog-actions">
                <button type="button" class="btn" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </Modal>
    }
}
