//! The Images page: the environment's images with their tags, size and age.

use berth_shared::engine::image::ImageSummary;
use leptos::prelude::*;

use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::engine_status::use_engine_status;
use crate::format;
use crate::pages::{
    RefreshButton, SearchBox, absolute_time, matches_search, now_seconds, remote_view,
};
use crate::remote::Remote;

/// `/env/:env/images`.
#[component]
pub fn ImagesPage() -> impl IntoView {
    let status = use_engine_status();
    let images = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        async move { engine.images(Some(&signal)).await }
    });
    let search = RwSignal::new(String::new());
    let summary = move || {
        images.value().map(|all| {
            let total: i64 = all.iter().map(|image| image.size.max(0)).sum();
            format!("{} images · {}", all.len(), format::bytes(total as u64))
        })
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Images"</h1>
                    <p class="page-sub">{summary}</p>
                </div>
                <div class="toolbar">
                    <SearchBox text=search what="images"/>
                    <RefreshButton remote=images/>
                </div>
            </div>
            {remote_view(images, status, "images", move |mut all: Vec<ImageSummary>| {
                if all.is_empty() {
                    return view! {
                        <EmptyState icon=IconKind::Image title="No images yet">
                            <p>"Images you pull, build, load or import appear here."</p>
                        </EmptyState>
                    }
                    .into_any();
                }
                all.sort_by_key(|image| std::cmp::Reverse(image.created));
                let now = now_seconds();
                let rows = move || {
                    let search = search.get();
                    all.iter()
                        .filter(|image| {
                            let tags: Vec<&str> = image.tags().collect();
                            matches_search(&search, &format!("{} {}", tags.join(" "), image.id))
                        })
                        .cloned()
                        .collect::<Vec<_>>()
                };
                view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="images-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Tags"</th>
                                    <th scope="col">"ID"</th>
                                    <th scope="col" class="num">"Size"</th>
                                    <th scope="col">"Created"</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For each=rows key=|image| image.id.clone() let:image>
                                    <tr>
                                        <td>
                                            <div class="chips">
                                                {
                                                    let tags: Vec<String> = image.tags().map(str::to_owned).collect();
                                                    if tags.is_empty() {
                                                        view! { <span class="chip chip-muted">"untagged"</span> }.into_any()
                                                    } else {
                                                        tags.into_iter()
                                                            .map(|tag| view! { <span class="chip">{tag}</span> })
                                                            .collect_view()
                                                            .into_any()
                                                    }
                                                }
                                            </div>
                                        </td>
                                        <td class="mono">{image.short_id().to_owned()}</td>
                                        <td class="num">{format::bytes(image.size.max(0) as u64)}</td>
                                        <td title=absolute_time(image.created)>{format::relative_time(now, image.created)}</td>
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
