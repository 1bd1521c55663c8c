//! Files the user chose in an `<input type="file">`, and reading one in the browser: the one
//! place the forms that take files (build, load, an environment's keys) get them from.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, HtmlInputElement};

use crate::api::ApiError;

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
