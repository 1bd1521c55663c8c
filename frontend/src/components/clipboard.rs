//! The clipboard: copying text, and reading it for a paste. Outside a secure context (plain
//! HTTP on another host than `localhost`) browsers have no clipboard API at all, which is an
//! error to report, not a crash.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Clipboard;

/// Why the clipboard could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    /// The page has no clipboard API.
    #[error("this browser offers no clipboard here")]
    Unavailable,
    /// The browser (or the user) refused.
    #[error("the browser did not allow using the clipboard")]
    Refused,
}

fn clipboard() -> Result<Clipboard, ClipboardError> {
    let navigator = web_sys::window()
        .ok_or(ClipboardError::Unavailable)?
        .navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .map_err(|_| ClipboardError::Unavailable)?;
    if clipboard.is_undefined() || clipboard.is_null() {
        return Err(ClipboardError::Unavailable);
    }
    Ok(clipboard.unchecked_into())
}

/// Copies `text` to the clipboard.
pub async fn copy_text(text: &str) -> Result<(), ClipboardError> {
    JsFuture::from(clipboard()?.write_text(text))
        .await
        .map(drop)
        .map_err(|_| ClipboardError::Refused)
}

/// Reads text from the clipboard (the browser may ask the user first).
pub async fn read_text() -> Result<String, ClipboardError> {
    JsFuture::from(clipboard()?.read_text())
        .await
        .map(|value| value.as_string().unwrap_or_default())
        .map_err(|_| ClipboardError::Refused)
}
