//! Streamed answers: a response body as a stream of chunks ([`ByteStream`]), and an engine's
//! progress stream read as text as it arrives ([`read_text`]).

use gloo_net::http::{Method, Response};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, TextDecodeOptions, TextDecoder};

use super::{ApiError, send};

pub(crate) fn js_error(error: JsValue) -> ApiError {
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

/// The chunks of a streamed response body.
pub struct ByteStream {
    reader: ReadableStreamDefaultReader,
}

impl ByteStream {
    /// The next chunk; `None` at the end of the body.
    pub async fn next(&mut self, signal: &AbortSignal) -> Option<Result<Vec<u8>, ApiError>> {
        let result = match JsFuture::from(self.reader.read()).await {
            Ok(result) => result,
            Err(error) if signal.aborted() => {
                drop(error);
                return Some(Err(ApiError::Aborted));
            }
            Err(error) => return Some(Err(js_error(error))),
        };
        let done = Reflect::get(&result, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return None;
        }
        let value = Reflect::get(&result, &JsValue::from_str("value")).ok()?;
        Some(Ok(value.unchecked_into::<Uint8Array>().to_vec()))
    }
}

/// Starts a `GET` and returns its body as a stream of chunks.
pub(crate) async fn stream(
    url: &str,
    signal: &AbortSignal,
) -> Result<(Response, ByteStream), ApiError> {
    let response = send(Method::GET, url, None, Some(signal)).await?;
    let body = response
        .body()
        .ok_or_else(|| ApiError::Decode("the answer has no body".into()))?;
    let reader = body
        .get_reader()
        .unchecked_into::<ReadableStreamDefaultReader>();
    Ok((response, ByteStream { reader }))
}
