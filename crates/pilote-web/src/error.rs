//! The web layer's one error type, and how it becomes a response.
//!
//! The body is always `{"error": {"code", "message", "fields"?}}`. Internal details are
//! logged, never sent.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pilote_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Nothing at this address.
    #[error("ressource introuvable")]
    NotFound,
    /// The request needs a signed-in person or a valid token.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Too many attempts from this address.
    #[error("trop de tentatives : réessayez dans une minute")]
    TooManyRequests,
    /// A record with this identifier already exists.
    #[error("{0}")]
    Conflict(String),
    /// The request is well-formed but its content is invalid, field by field.
    #[error("la requête contient des valeurs invalides")]
    Unprocessable(BTreeMap<String, String>),
    /// The body is not JSON of the expected shape.
    #[error("{0}")]
    BadRequest(String),
    /// The body is larger than the server accepts.
    #[error("le corps de la requête dépasse la taille permise")]
    PayloadTooLarge,
    /// The request took longer than the server allows.
    #[error("la requête a pris plus de {0} secondes ; réessayez")]
    Timeout(u64),
    /// Too many expensive requests (exports, summaries) are being answered at once.
    #[error("le service est chargé : réessayez dans quelques secondes")]
    Unavailable,
    /// Anything else: logged, and shown as a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 422 on one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Unprocessable(BTreeMap::from([(field.into(), message.into())]))
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict => {
                Self::Conflict("un enregistrement avec cet identifiant existe déjà".into())
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

/// The error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code (`not_found`, `unprocessable`, ...).
    pub code: &'static str,
    /// A message for people, in French.
    pub message: String,
    /// Per-field messages, for invalid content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            Self::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        let message = if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
            "une erreur interne est survenue ; elle a été consignée".to_owned()
        } else {
            self.to_string()
        };
        let fields = match self {
            Self::Unprocessable(fields) => Some(fields),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                fields,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("2"),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"pilote\""),
            );
        }
        response
    }
}
