//! Saving data as a file: a `Blob` the page already holds, or a URL to follow, through a
//! temporary `<a download>`.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Follows `href` as a download named `name`, as a click on `<a href download>` would.
pub fn follow(href: &str, name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(anchor) = document.create_element("a") {
        let anchor: HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(href);
        anchor.set_download(name);
        anchor.click();
    }
}

/// Offers `blob` to the user as a file named `name`.
pub fn save_blob(name: &str, blob: &Blob) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(anchor) = document.create_element("a") {
        let anchor: HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    // The download has started from the object URL; it may be released once the click ran.
    let release = url;
    leptos::prelude::set_timeout(
        move || {
            let _ = Url::revoke_object_url(&release);
        },
        std::time::Duration::from_secs(60),
    );
}

/// A `Blob` of `bytes` with the MIME type `mime`.
pub fn blob(bytes: &[u8], mime: &str) -> Option<Blob> {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(&array, &options).ok()
}
