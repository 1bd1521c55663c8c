//! Files the user chose in an `<input type="file">`, and reading one in the browser: the one
//! place the forms that take files (build, load, an environment's keys) get them from; and
//! [`ArchiveField`], the archive input of the forms that upload one file as it is (load and
//! import images, create a plugin), naming the chosen file and its size.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, HtmlInputElement};

use crate::api::ApiError;
use crate::format;

/// The files chosen in the input that `event` (a `change`) came from.
pub fn files_of(event: &web_sys::Event) -> Vec<File> {
    let Some(list) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
        .and_then(|input| input.files())
    else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.get(index))
        .collect()
}

/// The bytes of a chosen file.
pub async fn bytes_of(blob: &Blob) -> Result<Vec<u8>, ApiError> {
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| ApiError::Decode("the file could not be read".into()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The one file a form uploads, as chosen: the file, and the line that names it and its size.
#[derive(Clone, Copy)]
pub struct ChosenFile {
    file: StoredValue<Option<File>, LocalStorage>,
    label: RwSignal<String>,
}

impl ChosenFile {
    /// Nothing chosen yet.
    pub fn new() -> Self {
        Self {
            file: StoredValue::new_local(None),
            label: RwSignal::new(String::new()),
        }
    }

    /// The file chosen, if any.
    pub fn file(self) -> Option<File> {
        self.file.get_value()
    }

    /// Takes the first file of the input that `event` (a `change`) came from.
    fn choose(self, event: &web_sys::Event) {
        let chosen = files_of(event).into_iter().next();
        self.label.set(
            chosen
                .as_ref()
                .map(|file| format!("{} · {}", file.name(), format::bytes(file.size() as u64)))
                .unwrap_or_default(),
        );
        self.file.set_value(chosen);
    }
}

impl Default for ChosenFile {
    fn default() -> Self {
        Self::new()
    }
}

/// "Archive (.tar, .tar.gz)": a file input that fills `chosen`.
#[component]
pub fn ArchiveField(
    /// Where the chosen file goes.
    chosen: ChosenFile,
    /// The input's `accept`: the archive types the engine takes here.
    accept: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field-label">"Archive (.tar, .tar.gz)"</span>
            <input type="file" name="archive" accept=accept on:change=move |event| chosen.choose(&event)/>
            <span class="field-hint">{move || chosen.label.get()}</span>
        </label>
    }
}
