//! Building an image: from a Dockerfile (uploaded or written here), a context tarball, or a
//! folder packed into a tar in the browser; with tags, build arguments, labels, target, no-cache
//! and pull; the output streams live, and cancelling aborts the request, which stops the build.

use leptos::prelude::*;
use web_sys::{Blob, File};

use crate::api::ApiError;
use crate::api::engine::images::{BuildOptions, Credentials};
use crate::app::engine_status::use_engine_status;
use crate::components::chosen_files::{bytes_of, files_of};
use crate::components::fields::{Check, TextField};
use crate::components::modal::Modal;
use crate::format;
use crate::images::progress_view::{JobFooter, StreamJob};
use crate::images::registry_select::{RegistrySelect, saved_registries};
use crate::tar::{self, NewFile, Writer, without_folder};

/// Where the build context comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Dockerfile,
    Tarball,
    Folder,
}

impl Source {
    const ALL: [Source; 3] = [Source::Dockerfile, Source::Tarball, Source::Folder];

    fn label(self) -> &'static str {
        match self {
            Source::Dockerfile => "Dockerfile",
            Source::Tarball => "Context tarball",
            Source::Folder => "Folder",
        }
    }
}

/// `KEY=value` lines into pairs; blank lines and lines without `=` are skipped.
pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.trim().split_once('='))
        .filter(|(key, _)| !key.trim().is_empty())
        .map(|(key, value)| (key.trim().to_owned(), value.to_owned()))
        .collect()
}

/// Tags separated by spaces or commas.
pub fn parse_tags(text: &str) -> Vec<String> {
    text.split([' ', ',', '\n'])
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect()
}

fn blob_of(bytes: &[u8]) -> Result<Blob, ApiError> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    Blob::new_with_u8_array_sequence(&parts)
        .map_err(|_| ApiError::Decode("the archive could not be made".into()))
}

fn tar_error(error: impl std::fmt::Display) -> ApiError {
    ApiError::Decode(error.to_string())
}

/// Packs the chosen files into a tar, keeping their paths below the chosen folder.
async fn folder_context(files: Vec<File>) -> Result<Blob, ApiError> {
    let mut tar = Writer::new();
    for file in files {
        // `webkitRelativePath` is not in web-sys' stable bindings.
        let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
            .ok()
            .and_then(|value| value.as_string())
            .unwrap_or_default();
        let path = if relative.is_empty() {
            file.name()
        } else {
            without_folder(&relative).to_owned()
        };
        let data = bytes_of(&file).await?;
        tar.add(&NewFile {
            name: path,
            mode: 0o644,
            mtime: 0,
            data,
        })
        .map_err(tar_error)?;
    }
    blob_of(&tar.finish())
}

/// The build dialog.
#[component]
pub fn BuildDialog(
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// Runs after a successful build.
    on_built: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let registries = saved_registries();
    let source = RwSignal::new(Source::Dockerfile);
    let dockerfile_text = RwSignal::new(String::from("FROM busybox:latest\n"));
    let dockerfile_path = RwSignal::new(String::from("Dockerfile"));
    let files = StoredValue::new_local(Vec::<File>::new());
    let chosen_count = RwSignal::new(0usize);
    let tags = RwSignal::new(String::new());
    let build_args = RwSignal::new(String::new());
    let labels = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let no_cache = RwSignal::new(false);
    let pull = RwSignal::new(false);
    let credentials = RwSignal::new(Credentials::Anonymous);
    let base_image = Signal::derive(move || {
        dockerfile_text
            .get()
            .lines()
            .find_map(|line| {
                line.trim()
                    .strip_prefix("FROM ")
                    .map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned())
            })
            .unwrap_or_default()
    });
    let job = StreamJob::new();
    // Browsers pick a whole folder only with this non-standard attribute.
    let folder_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });

    let choose = move |event: web_sys::Event| {
        let chosen = files_of(&event);
        chosen_count.set(chosen.len());
        if source.get_untracked() == Source::Dockerfile
            && let Some(file) = chosen.first().cloned()
        {
            leptos::task::spawn_local(async move {
                if let Ok(bytes) = bytes_of(&file).await {
                    dockerfile_text.set(String::from_utf8_lossy(&bytes).into_owned());
                }
            });
        }
        files.set_value(chosen);
    };

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        if job.running() {
            return;
        }
        let engine = untrack(|| status.engine());
        let kind = source.get_untracked();
        let text = dockerfile_text.get_untracked();
        let chosen = files.get_value();
        let options = BuildOptions {
            dockerfile: match kind {
                Source::Dockerfile => "Dockerfile".to_owned(),
                _ => dockerfile_path.get_untracked().trim().to_owned(),
            },
            tags: parse_tags(&tags.get_untracked()),
            build_args: parse_pairs(&build_args.get_untracked()),
            labels: parse_pairs(&labels.get_untracked()),
            target: target.get_untracked().trim().to_owned(),
            no_cache: no_cache.get_untracked(),
            pull: pull.get_untracked(),
        };
        let chosen_credentials = match credentials.get_untracked() {
            Credentials::Anonymous => None,
            saved => Some(saved),
        };
        job.start(
            move |signal, mut on_chunk| async move {
                let context = match kind {
                    Source::Dockerfile => {
                        let dockerfile = NewFile {
                            name: "Dockerfile".to_owned(),
                            mode: 0o644,
                            mtime: 0,
                            data: text.into_bytes(),
                        };
                        blob_of(&tar::write(&[dockerfile]).map_err(tar_error)?)?
                    }
                    Source::Tarball => {
                        let file = chosen.first().cloned().ok_or_else(|| {
                            ApiError::Decode("choose a context tarball first".into())
                        })?;
                        file.into()
                    }
                    Source::Folder => {
                        if chosen.is_empty() {
                            return Err(ApiError::Decode("choose a folder first".into()));
                        }
                        on_chunk(&format!(
                            "{{\"status\":\"Packing {}…\"}}\n",
                            format::count(chosen.len(), "file", "files")
                        ));
                        folder_context(chosen).await?
                    }
                };
                engine
                    .build(
                        &context,
                        &options,
                        chosen_credentials,
                        Some(&signal),
                        on_chunk,
                    )
                    .await
            },
            move |_| on_built.run(()),
        );
    };
    let close = Callback::new(move |()| {
        job.cancel();
        job.reset();
        open.set(false);
    });
    // The dialog checks nothing itself: the engine says what is wrong with a build.
    let no_error = RwSignal::new(None::<crate::field_error::FieldError>);
    view! {
        <Modal open=open title="Build an image" on_close=close testid="build-dialog">
            <form class="form" on:submit=submit>
                <div class="segmented" role="group" aria-label="Build from">
                    {Source::ALL.into_iter().map(|option| view! {
                        <button
                            type="button"
                            class="segment"
                            aria-pressed=move || (source.get() == option).to_string()
                            on:click=move |_| {
                                source.set(option);
                                files.set_value(Vec::new());
                                chosen_count.set(0);
                            }
                        >
                            {option.label()}
                        </button>
                    }).collect_view()}
                </div>
                {move || match source.get() {
                    Source::Dockerfile => view! {
                        <label class="field">
                            <span class="field-label">"Dockerfile"</span>
                            <input type="file" name="dockerfile-file" on:change=choose/>
                            <textarea
                                name="dockerfile"
                                class="mono"
                                rows="6"
                                spellcheck="false"
                                aria-label="Dockerfile text"
                                prop:value=move || dockerfile_text.get()
                                on:input=move |event| dockerfile_text.set(event_target_value(&event))
                            ></textarea>
                            <span class="field-hint">"Upload one or write it here; the context holds only the Dockerfile."</span>
                        </label>
                    }.into_any(),
                    Source::Tarball => view! {
                        <label class="field">
                            <span class="field-label">"Context tarball (.tar, .tar.gz)"</span>
                            <input type="file" name="context" accept=".tar,.tar.gz,.tgz,application/x-tar,application/gzip" on:change=choose/>
                        </label>
                    }.into_any(),
                    Source::Folder => view! {
                        <label class="field">
                            <span class="field-label">"Context folder"</span>
                            <input type="file" name="folder" multiple node_ref=folder_input on:change=choose/>
                            <span class="field-hint">{move || format!("{} chosen; they are packed into a tar here in the browser.", format::count(chosen_count.get(), "file", "files"))}</span>
                        </label>
                    }.into_any(),
                }}
                <div class="form-inline-grid">
                    <TextField label="Tags" name="tags" value=tags error=no_error unmarked=true placeholder="app:1.0 app:latest"/>
                    <Show when=move || source.get() != Source::Dockerfile>
                        <TextField label="Dockerfile path" name="dockerfile-path" value=dockerfile_path error=no_error unmarked=true/>
                    </Show>
                    <TextField label="Target stage" name="target" value=target error=no_error unmarked=true/>
                </div>
                <div class="form-inline-grid">
                    <TextField label="Build arguments" name="build-args" value=build_args error=no_error unmarked=true
                        multiline=true rows=2 hint="One KEY=value per line."/>
                    <TextField label="Labels" name="labels" value=labels error=no_error unmarked=true
                        multiline=true rows=2 hint="One KEY=value per line."/>
                </div>
                <div class="form-row form">
                    <Check label="No cache" name="no-cache" value=no_cache/>
                    <Check label="Always pull base images" name="pull" value=pull/>
                </div>
                <RegistrySelect registries=registries reference=base_image chosen=credentials/>
                <JobFooter job=job close=close action="Build" running="Building…" cancel="Cancel build" log_open=true/>
            </form>
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pairs_and_tags() {
        assert_eq!(
            parse_pairs("A=1\n\n B = x=y \nnoequals"),
            [
                ("A".to_owned(), "1".to_owned()),
                ("B".to_owned(), " x=y".to_owned())
            ]
        );
        assert_eq!(parse_tags("a:1, b:2\nc"), ["a:1", "b:2", "c"]);
    }
}
