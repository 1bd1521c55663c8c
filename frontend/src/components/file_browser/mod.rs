//! A file browser over the engine's archive API, for any container, running or not, with or
//! without a shell: list a directory (the tar of it is streamed and only its headers are
//! read), view a small text file ([`preview`]), download a file or a folder as tar, and upload
//! files with progress. Deleting is the one thing the archive API cannot do: in a running
//! container it runs the container's own `rm` (an exec), after asking. The folder shown is in
//! the URL (`?path=`), so reloading or going back keeps it. Volumes are browsed through a
//! helper container with the same component. The logic without DOM is in [`listing`].

pub mod listing;
pub mod preview;

use berth_shared::access::Access;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, HtmlInputElement};

use crate::api::engine::Engine;
use crate::api::upload::{Upload, upload};
use crate::api::{ApiError, percent_encode};
use crate::app::session::use_session;
use crate::components::confirm::ConfirmDialog;
use crate::components::download;
use crate::components::icons::{Icon, IconKind};
use crate::components::states::{EmptyState, ErrorState, LoadingRows};
use crate::components::table::{ACTIONS, Column, DataTable};
use crate::components::toast::use_toaster;
use crate::format;
use crate::tar::{self, Kind, NewFile};
use listing::{Listing, child_path, parent_path, permissions};
use preview::{FileViewer, Viewed};

/// How a listing is going.
#[derive(Debug, Clone, PartialEq)]
enum Load {
    Reading(u64),
    Ready(Listing),
    Failed(ApiError),
}

/// Browses the files of container `container`, starting at `start`.
#[component]
pub fn FileBrowser(
    /// The engine holding the container.
    engine: Engine,
    /// The container's id.
    container: String,
    /// The directory to open first.
    start: String,
    /// What is browsed, for file names of downloads: the container's or volume's name.
    label: String,
    /// The directory above which the user may not go (a volume's mount point); `/` by default.
    #[prop(optional)]
    root: Option<String>,
    /// Whether files may be deleted: the container runs (deleting runs its `rm`).
    #[prop(optional)]
    can_delete: bool,
) -> impl IntoView {
    let session = use_session();
    let toaster = use_toaster();
    let root = root.unwrap_or_else(|| "/".to_owned());
    let can_read = session.can(Access::Download);
    let can_upload = session.can(Access::Operate);
    let can_delete = can_delete && session.can(Access::Exec);
    let query = use_query_map();
    let in_root = {
        let root = root.clone();
        move |wanted: &str| {
            let top = root.trim_end_matches('/');
            wanted.starts_with('/') && (wanted == root || wanted.starts_with(&format!("{top}/")))
        }
    };
    let from_url = query
        .with_untracked(|q| q.get("path"))
        .filter(|p| in_root(p));
    let path = RwSignal::new(from_url.unwrap_or_else(|| start.clone()));
    // The folder follows the URL (back and forward), and the URL the folder.
    {
        let start = start.clone();
        Effect::new(move |_| {
            let wanted = query
                .with(|q| q.get("path"))
                .filter(|p| in_root(p))
                .unwrap_or_else(|| start.clone());
            if path.get_untracked() != wanted {
                path.set(wanted);
            }
        });
    }
    {
        let navigate = use_navigate();
        let location = use_location();
        Effect::new(move |_| {
            let current = path.get();
            let in_url = query.with_untracked(|q| q.get("path"));
            if in_url.as_deref() == Some(current.as_str()) || (in_url.is_none() && current == start)
            {
                return;
            }
            let url = format!(
                "{}?path={}",
                location.pathname.get_untracked(),
                percent_encode(&current)
            );
            navigate(
                &url,
                NavigateOptions {
                    scroll: false,
                    ..Default::default()
                },
            );
        });
    }
    let viewed = RwSignal::new(None::<Viewed>);
    let deleting = RwSignal::new(None::<(String, bool)>);
    let load = RwSignal::new(Load::Reading(0));
    let reload = RwSignal::new(0u32);
    let upload_progress = RwSignal::new(None::<(f64, f64)>);
    // The upload in flight, so it can be cancelled, and is when the browser is left.
    let upload_handle = StoredValue::new_local(None::<Upload>);
    let cancel_upload = move || {
        if let Some(Some(upload)) = upload_handle.try_update_value(Option::take) {
            upload.abort();
        }
    };
    on_cleanup(cancel_upload);
    let file_input = NodeRef::<leptos::html::Input>::new();

    let controller = StoredValue::new_local(None::<AbortController>);
    let abort = move || {
        if let Some(Some(old)) = controller.try_update_value(Option::take) {
            old.abort();
        }
    };
    on_cleanup(abort);
    {
        let (engine, container) = (engine.clone(), container.clone());
        Effect::new(move |_| {
            reload.track();
            let dir = path.get();
            if !can_read {
                return;
            }
            abort();
            let Ok(next) = AbortController::new() else {
                return;
            };
            let signal = next.signal();
            controller.set_value(Some(next));
            load.set(Load::Reading(0));
            let (engine, container) = (engine.clone(), container.clone());
            spawn_local(async move {
                let result = list(&engine, &container, &dir, &signal, load).await;
                match result {
                    Err(ApiError::Aborted) => {}
                    Ok(listing) => {
                        load.try_set(Load::Ready(listing));
                    }
                    Err(error) => {
                        load.try_set(Load::Failed(error));
                    }
                }
            });
        });
    }

    let download = {
        let (engine, container, label) = (engine.clone(), container.clone(), label);
        move |target: String, is_dir: bool| {
            let (engine, container, label) = (engine.clone(), container.clone(), label.clone());
            spawn_local(async move {
                match fetch_for_download(&engine, &container, &target, is_dir).await {
                    Ok((name, blob)) => {
                        let name = if name.is_empty() {
                            format!("{label}.tar")
                        } else {
                            name
                        };
                        download::save_blob(&name, &blob);
                    }
                    Err(error) => toaster.error(format!("Could not download {target}: {error}")),
                }
            });
        }
    };

    let delete = {
        let (engine, container) = (engine.clone(), container.clone());
        Callback::new(move |()| {
            let Some((target, _)) = deleting.get_untracked() else {
                return;
            };
            deleting.set(None);
            let (engine, container) = (engine.clone(), container.clone());
            spawn_local(async move {
                match engine.delete_path(&container, &target).await {
                    Ok(()) => toaster.success(format!("Deleted {target}")),
                    Err(error) => toaster.error(format!("Could not delete {target}: {error}")),
                }
                reload.try_update(|r| *r += 1);
            });
        })
    };
    let viewer =
        view! { <FileViewer engine=engine.clone() container=container.clone() viewed=viewed/> };

    let start_upload = {
        move |_| {
            let Some(input) = file_input.get_untracked() else {
                return;
            };
            let input: HtmlInputElement = input.unchecked_into();
            let Some(files) = input.files() else {
                return;
            };
            let picked: Vec<web_sys::File> =
                (0..files.length()).filter_map(|i| files.get(i)).collect();
            input.set_value("");
            if picked.is_empty() {
                return;
            }
            let (engine, container) = (engine.clone(), container.clone());
            let dir = path.get_untracked();
            upload_progress.set(Some((0.0, 1.0)));
            spawn_local(async move {
                let result = upload_files(
                    &engine,
                    &container,
                    &dir,
                    picked,
                    upload_progress,
                    upload_handle,
                )
                .await;
                upload_progress.try_set(None);
                upload_handle.try_set_value(None);
                match result {
                    Ok(count) => toaster.success(format!(
                        "Uploaded {} to {dir}",
                        format::count(count, "file", "files")
                    )),
                    Err(ApiError::Aborted) => {}
                    Err(error) => toaster.error(format!("Could not upload to {dir}: {error}")),
                }
                reload.try_update(|r| *r += 1);
            });
        }
    };

    if !can_read {
        return view! {
            <EmptyState icon=IconKind::Alert title="Files need download access">
                <p>"Your role may see containers but not read their files. An operator or admin can."</p>
            </EmptyState>
        }
        .into_any();
    }

    let crumbs = {
        let root = root.clone();
        move || {
            let current = path.get();
            let mut parts = vec![(
                root.clone(),
                if root == "/" {
                    "/".to_owned()
                } else {
                    root.clone()
                },
            )];
            let rest = current
                .strip_prefix(root.trim_end_matches('/'))
                .unwrap_or(&current);
            let mut at = root.trim_end_matches('/').to_owned();
            for part in rest.split('/').filter(|p| !p.is_empty()) {
                at = format!("{at}/{part}");
                parts.push((at.clone(), part.to_owned()));
            }
            parts
        }
    };
    let at_root =
        move || path.with(|p| p.trim_end_matches('/') == root.trim_end_matches('/') || p == "/");
    let download_here = download.clone();

    view! {
        <div class="files" data-testid="file-browser">
            <div class="files-toolbar">
                <nav class="files-path mono" aria-label="Path">
                    {move || {
                        // The separator goes between crumbs; after a root named `/` it would
                        // read `//`.
                        let mut previous_is_slash = true;
                        crumbs().into_iter().map(|(target, label)| {
                            let separator = !std::mem::replace(&mut previous_is_slash, label == "/");
                            view! {
                                {separator.then(|| view! { <span class="muted" aria-hidden="true">"/"</span> })}
                                <button class="link-button" on:click=move |_| path.set(target.clone())>{label}</button>
                            }
                        }).collect_view()
                    }}
                </nav>
                <span class="toolbar-spacer"></span>
                <button class="btn btn-small" disabled=at_root on:click=move |_| path.update(|p| *p = parent_path(p))>"Up"</button>
                <button class="btn btn-small" on:click=move |_| download_here(path.get_untracked(), true)>"Download folder"</button>
                {can_upload.then(|| view! {
                    <label class="btn btn-small btn-primary files-upload">
                        "Upload files"
                        <input type="file" multiple node_ref=file_input class="sr-only" data-testid="upload-input" on:change=start_upload/>
                    </label>
                })}
                <button class="btn btn-icon" aria-label="Refresh" title="Refresh" on:click=move |_| reload.update(|r| *r += 1)>
                    <Icon kind=IconKind::Restart/>
                </button>
            </div>
            {move || upload_progress.get().map(|(sent, total)| {
                let percent = if total > 0.0 { sent / total * 100.0 } else { 0.0 };
                view! {
                    <div class="progress" role="progressbar" aria-label="Upload" aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{percent:.0}") data-testid="upload-progress">
                        <div class="progress-bar" style:width=format!("{percent:.1}%")></div>
                        <span class="progress-text">{format!("Uploading… {} of {}", format::bytes(sent as u64), format::bytes(total as u64))}</span>
                    </div>
                    <button type="button" class="btn btn-small" on:click=move |_| cancel_upload()>"Cancel upload"</button>
                }
            })}
            {move || match load.get() {
                Load::Reading(bytes) => view! {
                    <div>
                        {(bytes > 0).then(|| view! { <p class="muted" role="status">{format!("Reading the directory… {}", format::bytes(bytes))}</p> })}
                        <LoadingRows what="files"/>
                    </div>
                }
                .into_any(),
                Load::Failed(error) => view! { <ErrorState error=error on_retry=Callback::new(move |()| reload.update(|r| *r += 1))/> }.into_any(),
                Load::Ready(listing) if listing.entries.is_empty() => view! {
                    <EmptyState icon=IconKind::Empty title="Empty directory">
                        <p>{if can_upload { "Upload files to put some here." } else { "Nothing in here." }}</p>
                    </EmptyState>
                }
                .into_any(),
                Load::Ready(listing) => {
                    let download = download.clone();
                    view! {
                        <DataTable
                            testid="files-table"
                            class="table-compact"
                            columns=&[
                                Column::Text("Name"),
                                Column::Num("Size"),
                                Column::Text("Mode"),
                                Column::Text("Modified"),
                                ACTIONS,
                            ]
                        >
                            {listing.entries.into_iter().map(|entry| {
                                let dir = listing.path.clone();
                                let target = child_path(&dir, &entry.name);
                                let is_dir = entry.kind == Kind::Directory;
                                let open_target = if entry.kind == Kind::Symlink {
                                    listing::resolve_link(&dir, &entry.link)
                                } else {
                                    target.clone()
                                };
                                let download = download.clone();
                                let fetch_target = target.clone();
                                let name = entry.name.clone();
                                let key = entry.name.clone();
                                let shown_file = Viewed { path: target.clone(), name: entry.name.clone(), size: entry.size };
                                let delete_target = (target.clone(), is_dir);
                                let delete_label = format!("Delete {}", entry.name);
                                view! {
                                    <tr data-file=key>
                                        <td class="mono cell-break">
                                            {match entry.kind {
                                                Kind::Directory => view! { <button class="link-button file-dir" on:click=move |_| path.set(target.clone())>{format!("{name}/")}</button> }.into_any(),
                                                Kind::Symlink => view! {
                                                    <button class="link-button" title="Open the link's target" on:click=move |_| path.set(open_target.clone())>{name}</button>
                                                    <span class="muted">{format!(" → {}", entry.link)}</span>
                                                }.into_any(),
                                                Kind::File => view! {
                                                    <button class="link-button" title="View the file" on:click=move |_| viewed.set(Some(shown_file.clone()))>{name}</button>
                                                }.into_any(),
                                                _ => view! { <span>{name}</span> }.into_any(),
                                            }}
                                        </td>
                                        <td class="num">{if is_dir { String::new() } else { format::bytes(entry.size) }}</td>
                                        <td class="mono cell-nowrap">{permissions(entry.kind, entry.mode)}</td>
                                        <td class="cell-nowrap">{crate::time::absolute_time(entry.mtime)}</td>
                                        <td class="cell-actions">
                                            {matches!(entry.kind, Kind::File | Kind::Directory).then(|| view! {
                                                <button class="btn btn-small btn-ghost" aria-label=format!("Download {}", entry.name) on:click=move |_| download(fetch_target.clone(), is_dir)>"Download"</button>
                                            })}
                                            {can_delete.then(|| view! {
                                                <button class="btn btn-small btn-danger-ghost" aria-label=delete_label on:click=move |_| deleting.set(Some(delete_target.clone()))>"Delete"</button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </DataTable>
                        {listing.truncated.then(|| view! { <p class="muted">"Showing the first entries only."</p> })}
                    }
                    .into_any()
                }
            }}
            {viewer}
            <ConfirmDialog
                open=Signal::derive(move || deleting.with(Option::is_some))
                title=Signal::derive(move || deleting.with(|d| match d {
                    Some((target, true)) => format!("Delete the folder {target}?"),
                    Some((target, false)) => format!("Delete {target}?"),
                    None => String::new(),
                }))
                confirm_label="Delete"
                on_confirm=delete
                on_cancel=Callback::new(move |()| deleting.set(None))
            >
                <p>{move || if deleting.with(|d| d.as_ref().is_some_and(|(_, dir)| *dir)) {
                    "The folder and everything in it are deleted from the container for good."
                } else {
                    "The file is deleted from the container for good."
                }}</p>
            </ConfirmDialog>
        </div>
    }
    .into_any()
}

/// Lists `dir`: streams its tar and keeps the headers of its direct children.
async fn list(
    engine: &Engine,
    container: &str,
    dir: &str,
    signal: &web_sys::AbortSignal,
    load: RwSignal<Load>,
) -> Result<Listing, ApiError> {
    let (stat, mut body) = engine.archive(container, dir, signal).await?;
    if !stat.is_dir() {
        return Err(ApiError::Http {
            status: 400,
            message: format!("{dir} is not a directory"),
        });
    }
    let mut reader = tar::Reader::new(false);
    let mut listing = Listing::new(dir);
    let mut entries = Vec::new();
    let mut read = 0u64;
    while let Some(chunk) = body.next(signal).await {
        let chunk = chunk?;
        read += chunk.len() as u64;
        reader
            .push(&chunk, &mut entries)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        for entry in entries.drain(..) {
            listing.add(entry);
        }
        load.try_set(Load::Reading(read));
    }
    listing.finish();
    Ok(listing)
}

/// A file's contents (extracted from the engine's tar) or a folder's tar, as a `Blob`.
async fn fetch_for_download(
    engine: &Engine,
    container: &str,
    target: &str,
    is_dir: bool,
) -> Result<(String, web_sys::Blob), ApiError> {
    let controller = AbortController::new().map_err(|e| ApiError::Network(format!("{e:?}")))?;
    let signal = controller.signal();
    let (stat, mut body) = engine.archive(container, target, &signal).await?;
    let folder = is_dir || stat.is_dir();
    let mut reader = tar::Reader::new(!folder);
    let mut tar_bytes = Vec::new();
    let mut entries = Vec::new();
    while let Some(chunk) = body.next(&signal).await {
        let chunk = chunk?;
        if folder {
            tar_bytes.extend_from_slice(&chunk);
        } else {
            reader
                .push(&chunk, &mut entries)
                .map_err(|e| ApiError::Decode(e.to_string()))?;
        }
    }
    let blob = if folder {
        download::blob(&tar_bytes, "application/x-tar").map(|b| (format!("{}.tar", stat.name), b))
    } else {
        let data = entries
            .into_iter()
            .find(|e| e.kind == Kind::File)
            .and_then(|e| e.data)
            .unwrap_or_default();
        download::blob(&data, "application/octet-stream").map(|b| (stat.name.clone(), b))
    };
    blob.ok_or_else(|| ApiError::Decode("the browser could not build the file".into()))
}

/// Reads the picked files, packs them into a tar and `PUT`s it into `dir`, handing the upload
/// to `handle` so it can be cancelled.
async fn upload_files(
    engine: &Engine,
    container: &str,
    dir: &str,
    picked: Vec<web_sys::File>,
    progress: RwSignal<Option<(f64, f64)>>,
    handle: StoredValue<Option<Upload>, LocalStorage>,
) -> Result<usize, ApiError> {
    let mut files = Vec::with_capacity(picked.len());
    for file in &picked {
        let buffer = JsFuture::from(file.array_buffer())
            .await
            .map_err(|e| ApiError::Network(format!("could not read {}: {e:?}", file.name())))?;
        files.push(NewFile {
            name: file.name(),
            mode: 0o644,
            mtime: (file.last_modified() / 1000.0) as i64,
            data: js_sys::Uint8Array::new(&buffer).to_vec(),
        });
    }
    let archive = tar::write(&files).map_err(|error| ApiError::Decode(error.to_string()))?;
    let archive = download::blob(&archive, "application/x-tar")
        .ok_or_else(|| ApiError::Decode("the browser could not build the archive".into()))?;
    upload(
        Method::PUT,
        &engine.archive_url(container, dir),
        "application/x-tar",
        &archive,
        move |sent, total| {
            progress.try_set(Some((sent, total)));
        },
        |started| handle.set_value(Some(started)),
    )
    .await?;
    Ok(files.len())
}
