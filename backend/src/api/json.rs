//! A JSON body extractor whose every rejection is a JSON error with the right status, and a
//! size limit for the console's own endpoints.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest body the console's own endpoints accept. Engine requests through the gateway
/// are streamed and have no such limit.
pub const BODY_LIMIT: usize = 64 * 1024;

/// `Json<T>`, rejecting malformed or oversized bodies with `{"message": …}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::BytesRejection(rejection))
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::PayloadTooLarge(BODY_LIMIT))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType),
            Err(JsonRejection::JsonSyntaxError(error)) => Err(ApiError::BadRequest(format!(
                "malformed JSON: {}",
                error.body_text()
            ))),
            Err(JsonRejection::JsonDataError(error)) => Err(ApiError::BadRequest(format!(
                "invalid request: {}",
                error.body_text()
            ))),
            Err(other) => Err(ApiError::BadRequest(other.body_text())),
        }
    }
}
