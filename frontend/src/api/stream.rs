//! Streaming bodies: reading an engine's progress stream as it arrives, and uploading a file
//! with upload progress (which `fetch` cannot report, so that goes through `XMLHttpRequest`).

use gloo_net::http::Response;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, ProgressEvent, ReadableStreamDefaultReader, TextDecodeOptions, TextDecoder,
    XmlHttpRequest,
};

use super::{ApiError, csrf_token, failure};

fn js_error(error: JsValue) -> ApiError {
    ApiError::Network(
        error
            .as_string()
            .or_else(|| {
                error
                    .dyn_ref::<js_sys::Error>()
                    .map(|error| String::from(error.message()))
            })
            .unwrap_or_else(|| "the stream broke off".to_owned()),
    )
}

/// Reads `response`'s body as UTF-8 text, handing each decoded chunk to `on_chunk` as it
/// arrives. Ends when the body ends or `signal` aborts it.
pub async fn read_text(
    response: Response,
    signal: Option<&AbortSignal>,
    mut on_chunk: impl FnMut(&str),
) -> Result<(), ApiError> {
    let Some(body) = response.body() else {
        return Ok(());
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let decoder = TextDecoder::new().map_err(js_error)?;
    let options = TextDecodeOptions::new();
    options.set_stream(true);
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(|error| {
            if signal.is_some_and(AbortSignal::aborted) {
                ApiError::Aborted
            } else {
                js_error(error)
            }
        })?;
        let done = Reflect::get(&step, &JsValue::from_str("done"))
            .ok()
            .and_then(|done| done.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(());
        }
        let value: Uint8Array = Reflect::get(&step, &JsValue::from_str("value"))
            .map_err(js_error)?
            .unchecked_into();
        let text = decoder
            .decode_with_buffer_source_and_options(&value, &options)
            .map_err(js_error)?;
        if !text.is_empty() {
            on_chunk(&text);
        }
    }
}

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

/// `POST`s `body` to `url` with upload progress (`on_progress(sent, total)`), calling `started`
/// with a handle to cancel it, and returns the answer's text.
pub async fn upload(
    url: &str,
    content_type: &str,
    body: &web_sys::Blob,
    on_progress: impl Fn(f64, f64) + 'static,
    started: impl FnOnce(Upload),
) -> Result<String, ApiError> {
    let request = XmlHttpRequest::new().map_err(js_error)?;
    request
        .open_with_async("POST", url, true)
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
