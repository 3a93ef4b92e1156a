//! Extractors that answer bad input with the API's error body rather than plain text.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// Query parameters; a value of the wrong type is a 422 naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query()).map(Query)
    }
}

/// Parses a query string; a value of the wrong type is a 422 naming the parameter.
pub fn parse_query<T: DeserializeOwned>(query: Option<&str>) -> Result<T, ApiError> {
    let query = query.unwrap_or_default();
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer)
        .map_err(|error| ApiError::field(error.path().to_string(), error.inner().to_string()))
}

/// A filter's value, when one is given: forms send every field, empty ones included.
pub(crate) fn wanted(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// A JSON body kept as a value, so that handlers can complete it before parsing it.
pub struct JsonValue(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for JsonValue {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = bytes::Bytes::from_request(request, state)
            .await
            .map_err(|error| {
                if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest(error.body_text())
                }
            })?;
        serde_json::from_slice(&bytes)
            .map(JsonValue)
            .map_err(|error| {
                ApiError::BadRequest(format!("le corps n'est pas du JSON valide : {error}"))
            })
    }
}

/// Parses a JSON value into a record, naming every field that failed (the first per path).
pub fn parse_record<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let (field, message) =
            pilote_domain::field_error(&error.path().to_string(), &error.inner().to_string());
        ApiError::Unprocessable(BTreeMap::from([(field, message)]))
    })
}

/// Puts the address's slug into a record's body, refusing a body that names another one
/// (a record is renamed by creating the new one and deleting the old).
pub fn slug_from_path(
    mut body: serde_json::Value,
    slug: &pilote_domain::Slug,
) -> Result<serde_json::Value, ApiError> {
    let Some(object) = body.as_object_mut() else {
        return Err(ApiError::BadRequest(
            "le corps doit être un objet JSON".into(),
        ));
    };
    match object.get("slug").and_then(serde_json::Value::as_str) {
        Some(given) if pilote_domain::Slug::parse(given).as_ref() != Ok(slug) => {
            Err(ApiError::field(
                "slug",
                format!("ne correspond pas à l'adresse (« {slug} »)"),
            ))
        }
        _ => {
            object.insert("slug".into(), serde_json::Value::String(slug.to_string()));
            Ok(body)
        }
    }
}
