//! Uploads with progress. `fetch` cannot report how much of a request body was sent, so
//! uploads go through `XMLHttpRequest`, with the same CSRF header and error shape as every other
//! request.

use std::cell::RefCell;
use std::rc::Rc;

use berth_shared::ErrorBody;
use futures_channel::oneshot;
use wasm_bindgen::prelude::*;
use web_sys::{ProgressEvent, XmlHttpRequest};

use super::{ApiError, CSRF_TOKEN};

/// `PUT`s `body` to `url` as `content_type`, calling `progress(sent, total)` as it goes.
pub async fn put_with_progress(
    url: &str,
    content_type: &str,
    body: &[u8],
    progress: impl Fn(f64, f64) + 'static,
) -> Result<(), ApiError> {
    let network = |error: JsValue| ApiError::Network(format!("{error:?}"));
    let request = XmlHttpRequest::new().map_err(network)?;
    request.open("PUT", url).map_err(network)?;
    request
        .set_request_header("content-type", content_type)
        .map_err(network)?;
    if let Some(token) = CSRF_TOKEN.with(|cell| cell.borrow().clone()) {
        request
            .set_request_header("x-csrf-token", &token)
            .map_err(network)?;
    }
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
        progress(event.loaded(), event.total());
    });
    request
        .upload()
        .map_err(network)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));

    let (sender, receiver) = oneshot::channel::<bool>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let finished = {
        let sender = Rc::clone(&sender);
        Closure::<dyn Fn()>::new(move || {
            if let Some(sender) = sender.borrow_mut().take() {
                let _ = sender.send(true);
            }
        })
    };
    let failed = Closure::<dyn Fn()>::new(move || {
        if let Some(sender) = sender.borrow_mut().take() {
            let _ = sender.send(false);
        }
    });
    request.set_onload(Some(finished.as_ref().unchecked_ref()));
    request.set_onerror(Some(failed.as_ref().unchecked_ref()));
    request.set_onabort(Some(failed.as_ref().unchecked_ref()));

    let bytes = js_sys::Uint8Array::from(body);
    request
        .send_with_opt_buffer_source(Some(&bytes))
        .map_err(network)?;
    let loaded = receiver.await.unwrap_or(false);
    if !loaded {
        return Err(ApiError::Network("the upload was interrupted".into()));
    }
    let status = request.status().unwrap_or(0);
    if (200..300).contains(&status) {
        return Ok(());
    }
    let text = request.response_text().ok().flatten().unwrap_or_default();
    let message = serde_json::from_str::<ErrorBody>(&text)
        .map(|body| body.message)
        .unwrap_or_else(|_| format!("{status} {}", request.status_text().unwrap_or_default()));
    Err(if status == 502 {
        ApiError::EngineUnreachable(message)
    } else {
        ApiError::Http { status, message }
    })
}
