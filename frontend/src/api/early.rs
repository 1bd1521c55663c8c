//! The Containers page's first list, asked for by index.html's loader (scripts/build-wasm.sh)
//! before the app has even been fetched: the page takes that answer instead of asking again,
//! so the engine's listing runs while the WebAssembly downloads and starts rather than after.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the loader leaves `{ url, response }`.
const SLOT: &str = "__berthEarly";

/// The early answer to `GET url`, once: only when the loader asked for exactly `url` and the
/// answer is a success. Any other early answer (another page's, an error, a 401 from before
/// signing in) is dropped, and the caller asks the usual way.
pub(crate) async fn take(url: &str) -> Option<web_sys::Response> {
    let window = web_sys::window()?;
    let slot = wasm_bindgen::JsValue::from_str(SLOT);
    let early = js_sys::Reflect::get(&window, &slot).ok()?;
    if early.is_undefined() {
        return None;
    }
    // Taken or not, it is never used again: a later list must be fresh.
    let _ = js_sys::Reflect::delete_property(&window, &slot);
    let asked = js_sys::Reflect::get(&early, &"url".into())
        .ok()?
        .as_string()?;
    if asked != url {
        return None;
    }
    let promise: js_sys::Promise = js_sys::Reflect::get(&early, &"response".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let response: web_sys::Response = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    response.ok().then_some(response)
}
