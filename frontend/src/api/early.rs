//! A page's first requests, asked for by index.html's loader (scripts/build-wasm.sh) before the
//! app has even been fetched: the session, and once it is known to be signed in, the shell's
//! `/info`, the list pages' lists and the home page's `/api/overview` (which also starts the
//! server's probes of every engine). The app takes those answers instead of asking again, so
//! the server and the engine work while the WebAssembly downloads and starts rather than after.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where the loader leaves `{ [url]: { at, response } }`.
const SLOT: &str = "__berthEarly";

/// How old, in milliseconds since the loader asked, an early answer may be when it is taken:
/// a page that did not ask for it at once (other filters were shown first) must not be handed a
/// stale list later.
const FRESH_FOR_MS: f64 = 15_000.0;

/// The early answer to `GET url`, once: only when the loader asked for exactly `url`, recently,
/// and the answer is a success. An early answer for another URL is left for its page; a stale
/// one, an error, a request the loader did not make (signed out) or a 401 is dropped, and the
/// caller asks the usual way.
pub(crate) async fn take(url: &str) -> Option<web_sys::Response> {
    let window = web_sys::window()?;
    let early = js_sys::Reflect::get(&window, &JsValue::from_str(SLOT)).ok()?;
    if !early.is_object() {
        return None;
    }
    let key = JsValue::from_str(url);
    let entry = js_sys::Reflect::get(&early, &key).ok()?;
    if entry.is_undefined() {
        return None;
    }
    // Taken or not, it is never used again: a later request must be fresh.
    let _ = js_sys::Reflect::delete_property(early.unchecked_ref::<js_sys::Object>(), &key);
    let at = js_sys::Reflect::get(&entry, &"at".into()).ok()?.as_f64()?;
    if js_sys::Date::now() - at > FRESH_FOR_MS {
        return None;
    }
    let promise: js_sys::Promise = js_sys::Reflect::get(&entry, &"response".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let response: web_sys::Response = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    response.ok().then_some(response)
}

#[cfg(test)]
mod tests {
    use berth_shared::access::Role;
    use berth_shared::api::auth::{SessionInfo, SessionState};

    use crate::api::console::SESSION_URL;

    /// The loader asks for the session at the URL the app reads it from, and for the engine's
    /// data only once that answer's `state` says signed in.
    #[test]
    fn the_loader_asks_for_the_session_and_reads_its_state() {
        let loader = include_str!("../../../scripts/build-wasm.sh");
        assert!(loader.contains(&format!(r#"ask("{SESSION_URL}")"#)));
        let signed_in = serde_json::to_value(SessionState::SignedIn(SessionInfo {
            username: "ada".into(),
            role: Role::Viewer,
            csrf_token: "t".into(),
            totp_enabled: false,
            expires_at: 0,
        }))
        .expect("a session state serialises");
        let state = signed_in["state"].as_str().expect("a tagged state");
        assert!(loader.contains(&format!(r#"state.state === "{state}""#)));
    }
}
