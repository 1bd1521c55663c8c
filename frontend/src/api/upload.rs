//! Uploads with progress. `fetch` cannot report how much of a request body was sent, so
//! uploads go through `XMLHttpRequest`, with the same CSRF header, error shape and session
//! handling as every other request, and they can be cancelled.

use gloo_net::http::Method;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ProgressEvent, XmlHttpRequest};

use super::stream::js_error;
use super::{ApiError, csrf_token, failure};

/// An upload in flight, which can be cancelled.
#[derive(Clone)]
pub struct Upload {
    request: XmlHttpRequest,
}

impl Upload {
    /// Stops the upload.
    pub fn abort(&self) {
        let _ = self.request.abort();
    }
}

/// Sends `body` to `url` with `method`, reporting upload progress (`on_progress(sent, total)`)
/// and calling `started` with a handle to cancel it; returns the answer's text. Like every other
/// request it carries the CSRF token, and a 401 ends the session.
pub async fn upload(
    method: Method,
    url: &str,
    content_type: &str,
    body: &web_sys::Blob,
    on_progress: impl Fn(f64, f64) + 'static,
    started: impl FnOnce(Upload),
) -> Result<String, ApiError> {
    let request = XmlHttpRequest::new().map_err(js_error)?;
    request
        .open_with_async(method.as_str(), url, true)
        .map_err(js_error)?;
    request
        .set_request_header("content-type", content_type)
        .map_err(js_error)?;
    if let Some(token) = csrf_token() {
        request
            .set_request_header("x-csrf-token", &token)
            .map_err(js_error)?;
    }
    let progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() {
            on_progress(event.loaded(), event.total());
        }
    });
    let upload_target = request.upload().map_err(js_error)?;
    upload_target.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    // The request settles a promise: loaded resolves it, failure and abort reject it.
    let finished = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onload(Some(&resolve));
        request.set_onerror(Some(&reject));
        request.set_onabort(Some(&reject));
    });
    request.send_with_opt_blob(Some(body)).map_err(js_error)?;
    started(Upload {
        request: request.clone(),
    });
    let outcome = JsFuture::from(finished).await;
    upload_target.set_onprogress(None);
    drop(progress);
    if let Err(event) = outcome {
        let kind = event
            .dyn_ref::<web_sys::Event>()
            .map(web_sys::Event::type_)
            .unwrap_or_default();
        return Err(if kind == "abort" {
            ApiError::Aborted
        } else {
            ApiError::Network("the upload failed".into())
        });
    }
    let status = request.status().map_err(js_error)?;
    let text = request
        .response_text()
        .map_err(js_error)?
        .unwrap_or_default();
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        let message = serde_json::from_str::<berth_shared::ErrorBody>(&text)
            .map(|body| body.message)
            .unwrap_or_else(|_| format!("{status} {}", text.trim()));
        Err(failure(status, message, url))
    }
}
