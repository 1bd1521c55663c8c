//! `/env/:env/images/:id`, on the resource-page kit: one image's facts, configuration, tags
//! (push, untag), export by its first tag so the archive keeps it; a History tab (each layer
//! with the instruction that made it) and the raw inspect document.

use berth_shared::access::Access;
use berth_shared::engine::image::{HistoryItem, ImageInspect, ImageSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::app::remote::remote_view;
use crate::app::session::use_session;
use crate::app::use_route_param;
use crate::components::confirm::ConfirmDialog;
use crate::components::table::{Column, DataTable};
use crate::components::toast::use_toaster;
use crate::format::{self, or_dash};
use crate::images::list_model::image_rows;
use crate::images::push::PushDialog;
use crate::images::run::RunLink;
use crate::images::tag::TagDialog;
use crate::resource_page::detail_page::{DetailPage, DetailTab};
use crate::resource_page::removal::report_failure;
use crate::time::{self, now_seconds};

/// Everything the page shows, loaded together.
type Detail = (ImageInspect, serde_json::Value, Vec<HistoryItem>);

/// `/env/:env/images/:id`.
#[component]
pub fn ImageDetailPage() -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let toaster = use_toaster();
    let id = use_route_param("id");
    let detail: Remote<Detail> = status.remote(move |engine, signal| {
        let id = id.get();
        async move {
            let (image, raw) = engine.image(&id, Some(&signal)).await?;
            let history = engine.image_history(&id, Some(&signal)).await?;
            Ok((image, raw, history))
        }
    });
    let tag_target = RwSignal::new(None::<String>);
    let push_target = RwSignal::new(None::<String>);
    let untagging = RwSignal::new(None::<String>);
    let can_operate = session.can(Access::Operate);
    // The image as the list knows it: what the title, the export and the removal name it by.
    let row = Memo::new(move |_| {
        detail.value().map(|(image, _, _)| {
            let summary = ImageSummary {
                id: image.id,
                repo_tags: image.repo_tags,
                ..ImageSummary::default()
            };
            image_rows(&[summary], &[]).remove(0)
        })
    });
    let removable = Signal::derive(move || row.get().filter(|_| can_operate));

    let untag = Callback::new(move |()| {
        let Some(tag) = untagging.get_untracked() else {
            return;
        };
        untagging.set(None);
        let engine = status.engine_untracked();
        spawn_local(async move {
            match engine.remove_image(&tag, false, false).await {
                Ok(()) => toaster.success(format!("Removed tag {tag}")),
                Err(error) => report_failure(toaster, status, "remove tag", &tag, &error),
            }
            detail.reload();
        });
    });
    let actions = move || {
        let export = session.can(Access::Download).then_some({
            move || {
                row.get().map(|row| {
                    let name = row.export_name();
                    let href = status.engine().images_export_url(std::slice::from_ref(&name));
                    view! {
                        <a class="btn" download=format!("{}.tar", format::file_name(&name)) data-testid="export-image" href=href>"Export"</a>
                    }
                })
            }
        });
        let run = move || {
            row.get()
                .filter(|_| can_operate)
                .map(|row| view! { <RunLink reference=row.export_name() class="btn" text="Run a container"/> })
        };
        view! {
            {run}
            {export}
            {can_operate.then(|| view! {
                <button class="btn" on:click=move |_| tag_target.set(Some(id.get_untracked()))>"Add tag"</button>
            })}
        }
    };

    let dialogs = move || {
        view! {
                    <TagDialog image=tag_target on_tagged=Callback::new(move |tag: String| {
                        toaster.success(format!("Tagged {tag}"));
                        detail.reload();
                    })/>
                    <PushDialog target=push_target/>
                    <ConfirmDialog
                        open=Signal::derive(move || untagging.get().is_some())
                        title=Signal::derive(move || format!("Remove tag {}?", untagging.get().unwrap_or_default()))
                        confirm_label="Untag"
                        on_confirm=untag
                        on_cancel=Callback::new(move |()| untagging.set(None))
                    >
                        <p>"Only the tag goes; the image is removed with its last tag."</p>
                    </ConfirmDialog>
        }
    };
    let history = DetailTab::new("history", "History", move || {
        remote_view(detail, status, "image", |(_, _, history): Detail| {
            view! { <HistoryTable history=history/> }.into_any()
        })
        .into_any()
    });

    view! {
        <DetailPage
            section="images"
            section_title="Images"
            title=Signal::derive(move || row.get().map_or_else(|| format::short_id(&id.get()).to_owned(), |row| row.name))
            subtitle=Signal::derive(move || Some(id.get()))
            subtitle_class="mono"
            remote=detail
            removable=removable
            raw=Signal::derive(move || detail.value().map(|(_, raw, _)| raw))
            actions=ToChildren::to_children(actions)
            tabs=vec![history]
            dialogs=ToChildren::to_children(dialogs)
        >
            {remote_view(detail, status, "image", move |(image, _, _): Detail| {
                let tags: Vec<String> = image.repo_tags.clone().unwrap_or_default()
                    .into_iter().filter(|tag| tag != "<none>:<none>").collect();
                let config = image.config.clone().unwrap_or_default();
                let layers = image.root_fs.as_ref().map_or(0, |root| root.layers.len());
                view! {
                    <div class="cards image-cards">
                        <section class="card">
                            <h2 class="card-title">"Image"</h2>
                            <dl class="facts">
                                <dt>"ID"</dt><dd class="mono">{image.id.clone()}</dd>
                                <dt>"Created"</dt><dd title=image.created.clone()>{time::locale_time(&image.created)}</dd>
                                <dt>"Size"</dt><dd>{format::bytes(image.size.max(0) as u64)}</dd>
                                <dt>"Platform"</dt><dd>{format!("{}/{}", image.os, image.architecture)}</dd>
                                <dt>"Layers"</dt><dd>{layers}</dd>
                                {(!image.author.is_empty()).then(|| view! { <dt>"Author"</dt><dd>{image.author.clone()}</dd> })}
                                <dt>"Digests"</dt>
                                <dd class="mono pre-lines">{or_dash(image.repo_digests.unwrap_or_default().join("\n"))}</dd>
                            </dl>
                        </section>
                        <section class="card">
                            <h2 class="card-title">"Configuration"</h2>
                            <dl class="facts">
                                <dt>"Command"</dt><dd class="mono">{or_dash(config.cmd.clone().unwrap_or_default().join(" "))}</dd>
                                <dt>"Entrypoint"</dt><dd class="mono">{or_dash(config.entrypoint.clone().unwrap_or_default().join(" "))}</dd>
                                <dt>"Working dir"</dt><dd class="mono">{or_dash(config.working_dir.clone())}</dd>
                                <dt>"User"</dt><dd class="mono">{or_dash(config.user.clone())}</dd>
                                <dt>"Ports"</dt><dd class="mono">{or_dash(config.exposed_ports.clone().unwrap_or_default().into_keys().collect::<Vec<_>>().join(" "))}</dd>
                                <dt>"Environment"</dt><dd class="mono pre-lines">{or_dash(config.env.clone().unwrap_or_default().join("\n"))}</dd>
                                <dt>"Labels"</dt>
                                <dd class="mono pre-lines">{or_dash(config.labels.iter().flatten().map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join("\n"))}</dd>
                            </dl>
                        </section>
                    </div>
                    <section class="section" aria-labelledby="tags-title">
                        <h2 class="section-title" id="tags-title">"Tags"</h2>
                        {if tags.is_empty() {
                            view! { <p class="muted">"This image has no tags (it is dangling)."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="tag-list" data-testid="tag-list">
                                    {tags.into_iter().map(|tag| {
                                        let (push_tag, untag_tag) = (tag.clone(), tag.clone());
                                        view! {
                                            <li>
                                                <span class="chip">{tag}</span>
                                                <Show when=move || can_operate>
                                                    <button class="btn btn-small btn-ghost" on:click={
                                                        let tag = push_tag.clone();
                                                        move |_| push_target.set(Some(tag.clone()))
                                                    }>"Push"</button>
                                                    <button class="btn btn-small btn-danger-ghost" on:click={
                                                        let tag = untag_tag.clone();
                                                        move |_| untagging.set(Some(tag.clone()))
                                                    }>"Untag"</button>
                                                </Show>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }
                .into_any()
            })}
        </DetailPage>
    }
}

/// The image's layers, newest first, each with the instruction that made it.
#[component]
fn HistoryTable(history: Vec<HistoryItem>) -> impl IntoView {
    let now = now_seconds();
    view! {
        <DataTable
            testid="history-table"
            class="history-table"
            columns=&[Column::Text("Instruction"), Column::Num("Size"), Column::Text("Created")]
        >
            {history.into_iter().map(|layer| view! {
                <tr>
                    <td class="mono history-command" title=layer.created_by.clone()>
                        {instruction(&layer.created_by)}
                        {(!layer.comment.is_empty()).then(|| view! { <div class="cell-sub">{layer.comment.clone()}</div> })}
                    </td>
                    <td class="num">{format::bytes(layer.size.max(0) as u64)}</td>
                    <td>{format::relative_time(now, layer.created)}</td>
                </tr>
            }).collect_view()}
        </DataTable>
    }
}

/// A history entry's instruction without the shell wrapper the classic builder adds, nor the
/// `|N KEY=value…` build arguments it records in front of `RUN` steps.
pub fn instruction(created_by: &str) -> String {
    let mut text = created_by.trim();
    if let Some(rest) = text.strip_prefix('|')
        && let Some((count, mut rest)) = rest.split_once(' ')
        && let Ok(count) = count.parse::<usize>()
    {
        for _ in 0..count {
            rest = rest.split_once(' ').map_or("", |(_, after)| after);
        }
        text = rest;
    }
    let text = text.strip_prefix("/bin/sh -c #(nop) ").unwrap_or(text);
    let text = text
        .strip_prefix("/bin/sh -c ")
        .map_or_else(|| text.to_owned(), |run| format!("RUN {run}"));
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_instructions_as_written() {
        assert_eq!(
            instruction("/bin/sh -c #(nop)  CMD [\"sh\"]"),
            "CMD [\"sh\"]"
        );
        assert_eq!(instruction("/bin/sh -c echo hi > /f"), "RUN echo hi > /f");
        assert_eq!(
            instruction("COPY . /app # buildkit"),
            "COPY . /app # buildkit"
        );
    }
}
