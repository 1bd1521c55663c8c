//! The one error type of Berth's HTTP layer: every handler failure becomes a JSON response.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use berth_shared::ErrorBody;

use crate::engine::{EngineError, Environment};

/// What can go wrong while answering a request, each mapped to its HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The `/engine/{env}` path names an environment Berth does not have.
    #[error("no such environment: {0}")]
    UnknownEnvironment(String),
    /// The engine could not be reached, or broke off the exchange.
    #[error(
        "the Docker engine of environment '{environment}' is unreachable at {endpoint}: {reason}"
    )]
    EngineUnreachable {
        /// The environment id.
        environment: String,
        /// The engine's address in `DOCKER_HOST` form.
        endpoint: String,
        /// What the connection attempt said.
        reason: String,
    },
    /// The engine answered, but not in a way Berth could use.
    #[error("the Docker engine of environment '{environment}' failed: {reason}")]
    EngineFailed {
        /// The environment id.
        environment: String,
        /// What went wrong.
        reason: String,
    },
    /// The engine answers, but speaks an API older than Berth supports.
    #[error("the Docker engine of environment '{environment}' is not supported: {reason}")]
    EngineUnsupported {
        /// The environment id.
        environment: String,
        /// Which version it speaks and what to do.
        reason: String,
    },
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// No valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Too many attempts; try again after the given time.
    #[error("{message}")]
    TooManyRequests {
        /// What to tell the user.
        message: String,
        /// When to retry.
        retry_after: std::time::Duration,
    },
    /// Berth is too busy to answer now; try again after the given time.
    #[error("{message}")]
    Busy {
        /// What to tell the user.
        message: String,
        /// When to retry.
        retry_after: std::time::Duration,
    },
    /// The request was addressed to a host name Berth does not answer to.
    #[error("{0}")]
    Misdirected(String),
    /// The request conflicts with the current state (a taken name, the last admin).
    #[error("{0}")]
    Conflict(String),
    /// The body is not JSON.
    #[error("the request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    /// The request body is larger than the endpoint accepts.
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// An engine answer that must be redacted is larger than Berth reads whole to do it.
    #[error(
        "the engine's answer to {operation} is larger than the {} MiB Berth reads to redact it \
         for your role; ask for less, with filters or one object at a time",
        .limit / (1024 * 1024)
    )]
    AnswerTooLarge {
        /// The operation id.
        operation: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The policy refused the request.
    #[error("{0}")]
    Forbidden(String),
    /// No such console endpoint.
    #[error("no such endpoint: {0}")]
    NotFound(String),
    /// The object a request names does not exist.
    #[error("{0}")]
    Missing(String),
    /// The method is not allowed on this path.
    #[error("method {0} is not allowed here")]
    MethodNotAllowed(String),
    /// The disk holding the store is full; nothing was changed.
    #[error("{0}")]
    StorageFull(String),
    /// Something inside Berth failed.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::UnknownEnvironment(_) | ApiError::NotFound(_) | ApiError::Missing(_) => {
                StatusCode::NOT_FOUND
            }
            ApiError::EngineUnreachable { .. }
            | ApiError::EngineFailed { .. }
            | ApiError::EngineUnsupported { .. } => StatusCode::BAD_GATEWAY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Misdirected(_) => StatusCode::MISDIRECTED_REQUEST,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) | ApiError::AnswerTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::StorageFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Maps a failure to talk to `environment`'s engine.
    pub fn from_engine(environment: &Environment, error: EngineError) -> ApiError {
        match error {
            EngineError::Unreachable(..) | EngineError::Timeout(_) => ApiError::EngineUnreachable {
                environment: environment.id().to_owned(),
                endpoint: environment.client().endpoint().to_string(),
                reason: error.to_string(),
            },
            EngineError::Status { .. } | EngineError::Protocol(_) => ApiError::EngineFailed {
                environment: environment.id().to_owned(),
                reason: error.to_string(),
            },
            EngineError::Unsupported { .. } => ApiError::EngineUnsupported {
                environment: environment.id().to_owned(),
                reason: error.to_string(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(error = %self, "request failed");
        }
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after, .. } | ApiError::Busy { retry_after, .. } => {
                Some(retry_after.as_secs().max(1))
            }
            _ => None,
        };
        let mut response = (status, Json(ErrorBody::new(self.to_string()))).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<crate::auth::AuthError> for ApiError {
    fn from(error: crate::auth::AuthError) -> Self {
        match error {
            crate::auth::AuthError::Store(store) => ApiError::from(store),
            other => ApiError::Unauthorized(other.to_string()),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match error {
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::NotFound(what) => ApiError::Missing(format!("{what} does not exist")),
            StoreError::DiskFull => ApiError::StorageFull(error.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<crate::auth::LoginError> for ApiError {
    fn from(error: crate::auth::LoginError) -> Self {
        use crate::auth::LoginError;
        match error {
            LoginError::RateLimited(retry_after) => ApiError::TooManyRequests {
                message: error.to_string(),
                retry_after,
            },
            LoginError::BadCredentials | LoginError::BadSecondFactor => {
                ApiError::Unauthorized(error.to_string())
            }
            LoginError::Busy(error) => ApiError::from(error),
            LoginError::Store(store) => ApiError::from(store),
        }
    }
}

impl From<crate::auth::password::PasswordError> for ApiError {
    fn from(error: crate::auth::password::PasswordError) -> Self {
        use crate::auth::password::PasswordError;
        match error {
            PasswordError::Busy => ApiError::Busy {
                message: error.to_string(),
                retry_after: std::time::Duration::from_secs(2),
            },
            PasswordError::Hashing(_) => ApiError::Internal(error.to_string()),
            PasswordError::TooShort | PasswordError::TooLong => {
                ApiError::BadRequest(format!("password: {error}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineEndpoint;

    #[test]
    fn statuses_match_the_kind_of_failure() {
        assert_eq!(
            ApiError::UnknownEnvironment("x".into()).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            ApiError::BadRequest("x".into()).status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            ApiError::Forbidden("x".into()).status(),
            StatusCode::FORBIDDEN
        );
    }

    #[test]
    fn engine_failures_name_the_environment_and_endpoint() {
        let environment = Environment::new("local", EngineEndpoint::Unix("/nowhere.sock".into()));
        let unreachable = ApiError::from_engine(
            &environment,
            EngineError::Unreachable(
                berth_shared::api::EngineFailure::ConnectionRefused,
                "refused".into(),
            ),
        );
        assert_eq!(unreachable.status(), StatusCode::BAD_GATEWAY);
        assert!(
            unreachable.to_string().contains("unix:///nowhere.sock"),
            "{unreachable}"
        );
        let failed = ApiError::from_engine(&environment, EngineError::Protocol("garbled".into()));
        assert_eq!(failed.status(), StatusCode::BAD_GATEWAY);
        assert!(failed.to_string().contains("garbled"));
    }
}
