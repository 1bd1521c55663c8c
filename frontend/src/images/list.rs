//! The Images page, on the resource-page kit: tags, digests, size, age and how many containers
//! use each image, with filters and search; pull, build, load/import, commit, export, tag,
//! push, remove and prune, registry search, and the build cache.

use berth_shared::access::Access;
use berth_shared::engine::container::ContainerSummary;
use berth_shared::engine::image::SearchResult;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::app::session::use_session;
use crate::app::undecodable::Kind;
use crate::components::confirm::ConfirmDialog;
use crate::components::fields::Check;
use crate::components::icons::IconKind;
use crate::components::modal::Modal;
use crate::components::segmented::Segmented;
use crate::components::table::{ACTIONS, Column};
use crate::components::toast::use_toaster;
use crate::format;
use crate::images::build::BuildDialog;
use crate::images::cache::BuildCacheCard;
use crate::images::commit::CommitDialog;
use crate::images::list_model::{ImageFilter, ImageRow, image_rows, pruned_images};
use crate::images::load::LoadDialog;
use crate::images::pull::PullDialog;
use crate::images::push::PushDialog;
use crate::images::run::RunLink;
use crate::images::tag::TagDialog;
use crate::resource_page::list_page::{ListOptions, ListPage};
use crate::resource_page::removal::{Removable, RemovalChoices, report_failure};
use crate::resource_page::{Edges, Resource, list_remote};
use crate::time::{absolute_time, now_seconds};

/// What removing an image may also do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageRemoval {
    /// Remove it even when several tags or stopped containers use it.
    force: bool,
    /// Keep its untagged parents.
    keep_parents: bool,
}

impl RemovalChoices for ImageRemoval {
    fn view(choices: RwSignal<Self>) -> AnyView {
        let force = RwSignal::new(false);
        let keep_parents = RwSignal::new(false);
        Effect::new(move || {
            choices.set(ImageRemoval {
                force: force.get(),
                keep_parents: keep_parents.get(),
            });
        });
        view! {
            <Check label="Force (also when several tags or stopped containers use it)" name="force" value=force/>
            <Check label="Keep untagged parent images" name="noprune" value=keep_parents/>
        }
        .into_any()
    }
}

impl Removable for ImageRow {
    const NOUN: &'static str = "image";
    type Choices = ImageRemoval;

    fn name(&self) -> &str {
        &self.name
    }

    fn lost(&self) -> String {
        "The image and all its tags are removed from this engine.".to_owned()
    }

    async fn remove(self, engine: Engine, choices: ImageRemoval) -> Result<(), ApiError> {
        engine
            .remove_image(&self.image.id, choices.force, choices.keep_parents)
            .await
    }
}

impl Resource for ImageRow {
    const PLURAL: &'static str = "images";
    const TITLE: &'static str = "Images";
    const ICON: IconKind = IconKind::Image;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Tags"),
        Column::Text("ID"),
        Column::Num("Containers"),
        Column::Num("Size"),
        Column::Text("Created"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "images-table";
    const UNDECODABLE: Option<Kind> = Some(Kind::Images);

    fn key(&self) -> String {
        format!(
            "{}\n{}\n{:?}",
            self.image.id, self.containers, self.image.repo_tags
        )
    }

    fn search_text(&self) -> String {
        ImageRow::search_text(self)
    }

    fn link(&self, environment: &str) -> Option<String> {
        Some(format!("/env/{environment}/images/{}", self.image.id))
    }

    fn row(&self, link: Option<String>, edges: Edges) -> AnyView {
        let image = &self.image;
        let tags: Vec<String> = image.tags().map(str::to_owned).collect();
        let digest = image.digest().map(str::to_owned);
        let (size, created) = (image.size.max(0) as u64, image.created);
        let short_id = image.short_id().to_owned();
        let containers = self.containers;
        let chips = if tags.is_empty() {
            view! { <span class="chip chip-muted">"dangling"</span> }.into_any()
        } else {
            tags.iter()
                .map(|tag| view! { <span class="chip cell-clip" title=tag.clone()>{tag.clone()}</span> })
                .collect_view()
                .into_any()
        };
        view! {
            <tr data-testid="image-row" data-tags=tags.join(" ")>
                {edges.select}
                <td>
                    <div class="chips">{chips}</div>
                    {digest.map(|digest| {
                        let short = format::short_id(&digest).to_owned();
                        view! { <div class="cell-sub mono" title=digest>{short}</div> }
                    })}
                </td>
                <td class="mono">
                    <A href=link.unwrap_or_default()>{short_id}</A>
                </td>
                <td class="num">{containers}</td>
                <td class="num">{format::bytes(size)}</td>
                <td title=absolute_time(created)>{format::relative_time(now_seconds(), created)}</td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(engine: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        let images = engine.images(Some(&signal)).await?;
        let containers = engine.containers(Some(&signal)).await?;
        Ok(image_rows(&images, &containers))
    }
}

/// `/env/:env/images`.
#[component]
pub fn ImagesPage() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let toaster = use_toaster();
    let listing = list_remote::<ImageRow>(status);
    let filter = RwSignal::new(ImageFilter::All);
    let pull_open = RwSignal::new(false);
    let pull_reference = RwSignal::new(String::new());
    let build_open = RwSignal::new(false);
    let load_open = RwSignal::new(false);
    let search_open = RwSignal::new(false);
    let commit_open = RwSignal::new(false);
    let commit_sources = RwSignal::new(Vec::<ContainerSummary>::new());
    let tag_target = RwSignal::new(None::<String>);
    let push_target = RwSignal::new(None::<String>);
    let pruning = RwSignal::new(false);
    let prune_all = RwSignal::new(false);
    let can_operate = session.can(Access::Operate);
    let can_download = session.can(Access::Download);
    let reload = Callback::new(move |()| listing.reload());

    let summary = Signal::derive(move || {
        listing.value().map(|rows| {
            let total: i64 = rows.iter().map(|row| row.image.size.max(0)).sum();
            let dangling = rows.iter().filter(|row| row.image.is_dangling()).count();
            format!(
                "{} · {} · {dangling} dangling",
                format::count(rows.len(), "image", "images"),
                format::bytes(total as u64)
            )
        })
    });
    let open_commit = move |_| {
        let engine = status.engine_untracked();
        commit_open.set(true);
        spawn_local(async move {
            match engine.containers(None).await {
                Ok(containers) => commit_sources.set(containers),
                Err(error) => {
                    report_failure(toaster, status, "list", "containers", &error);
                }
            }
        });
    };
    let prune = Callback::new(move |()| {
        pruning.set(false);
        let engine = status.engine_untracked();
        let all = prune_all.get_untracked();
        let known = listing.value().unwrap_or_default();
        spawn_local(async move {
            match engine.prune_images(all).await {
                Ok(report) => toaster.success(format!(
                    "Pruned {}, reclaimed {}",
                    format::count(pruned_images(&report, &known), "image", "images"),
                    format::bytes(report.space_reclaimed.max(0) as u64)
                )),
                Err(error) => report_failure(toaster, status, "prune", "images", &error),
            }
            listing.reload();
        });
    });
    let row_actions = Callback::new(move |row: ImageRow| {
        let id = row.image.id.clone();
        let first_tag = row.image.tags().next().map(str::to_owned);
        view! {
            <RunLink reference=row.export_name() class="btn btn-small btn-ghost" text="Run"/>
            <button class="btn btn-small btn-ghost" aria-label=format!("Tag {}", row.name)
                on:click=move |_| tag_target.set(Some(id.clone()))>"Tag"</button>
            {first_tag.map(|tag| view! {
                <button class="btn btn-small btn-ghost" aria-label=format!("Push {tag}")
                    on:click=move |_| push_target.set(Some(tag.clone()))>"Push"</button>
            })}
        }
        .into_any()
    });
    let bulk = Callback::new(move |(rows, _): (Vec<ImageRow>, _)| {
        let names: Vec<String> = rows.iter().map(ImageRow::export_name).collect();
        let file = match names.as_slice() {
            [one] => format!("{}.tar", format::file_name(one)),
            _ => "images.tar".to_owned(),
        };
        let href = status.engine_untracked().images_export_url(&names);
        view! {
            <a class="btn btn-small" data-testid="export-selected" href=href download=file>
                {format!("Export {}", format::count(names.len(), "image", "images"))}
            </a>
        }
        .into_any()
    });
    let filters = move || {
        view! {
            <Segmented label="Show images" options=ImageFilter::ALL.map(|option| (option, option.label())).to_vec() value=filter/>
        }
    };
    let actions = move || {
        view! {
            <button class="btn" on:click=move |_| search_open.set(true)>"Search registry"</button>
            {can_operate.then(|| view! {
                <button class="btn" on:click=move |_| pruning.set(true)>"Prune"</button>
                <button class="btn" on:click=open_commit>"Commit"</button>
                <button class="btn" on:click=move |_| load_open.set(true)>"Load / import"</button>
                <button class="btn" on:click=move |_| build_open.set(true)>"Build"</button>
                <button class="btn btn-primary" on:click=move |_| pull_open.set(true)>"Pull"</button>
            })}
        }
    };
    let empty = Signal::derive(move || match filter.get() {
        ImageFilter::All => (
            "No images yet".to_owned(),
            "Images you pull, build, load or import appear here.".to_owned(),
        ),
        other => (
            format!("No {} images", other.label().to_lowercase()),
            "Choose All to see every image.".to_owned(),
        ),
    });

    view! {
        <ListPage
            remote=listing
            can_remove=can_operate
            summary=summary
            options=ListOptions {
                keep: Some(Callback::new(move |row: ImageRow| filter.get().keeps(&row))),
                row_actions: can_operate.then_some(row_actions),
                bulk: can_download.then_some(bulk),
                empty: Some(empty),
                ..ListOptions::default()
            }
            filters=ToChildren::to_children(filters)
            actions=ToChildren::to_children(actions)
            after=ToChildren::to_children(|| view! { <BuildCacheCard/> })
        >
            <PullDialog open=pull_open reference=pull_reference on_pulled=reload/>
            <BuildDialog open=build_open on_built=reload/>
            <LoadDialog open=load_open on_loaded=reload/>
            <CommitDialog
                open=commit_open
                containers=commit_sources
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
        </ListPage>
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
