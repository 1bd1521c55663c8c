//! A page's first request, asked for by index.html's loader (scripts/build-wasm.sh) before the
//! app has even been fetched: the Containers page's list, and the home page's `/api/overview`
//! (which also starts the server's probes of every engine). The page takes that answer instead
//! of asking again, so the server works while the WebAssembly downloads and starts rather than
//! after.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the loader leaves `{ url, at, response }`.
const SLOT: &str = "__berthEarly";

/// How old, in milliseconds since the loader asked, an early answer may be when it is taken:
/// a page that did not ask for it at once (other filters were shown first) must not be handed a
/// stale list later.
const FRESH_FOR_MS: f64 = 15_000.0;

/// The early answer to `GET url`, once: only when the loader asked for exactly `url`, recently,
/// and the answer is a success. An early answer for another URL is left for its page; a stale
/// one, an error or a 401 from before signing in is dropped, and the caller asks the usual way.
pub(crate) async fn take(url: &str) -> Option<web_sys::Response> {
    let window = web_sys::window()?;
    let slot = wasm_bindgen::JsValue::from_str(SLOT);
    let early = js_sys::Reflect::get(&window, &slot).ok()?;
    if early.is_undefined() {
        return None;
    }
    let asked = js_sys::Reflect::get(&early, &"url".into())
        .ok()?
        .as_string()?;
    if asked != url {
        return None;
    }
    // Taken or not, it is never used again: a later request must be fresh.
    let _ = js_sys::Reflect::delete_property(&window, &slot);
    let at = js_sys::Reflect::get(&early, &"at".into()).ok()?.as_f64()?;
    if js_sys::Date::now() - at > FRESH_FOR_MS {
        return None;
    }
    let promise: js_sys::Promise = js_sys::Reflect::get(&early, &"response".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let response: web_sys::Response = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    response.ok().then_some(response)
}
