//! The DSFR assets embedded at build time, served under content-hashed names so that
//! browsers may keep them for a year.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::PageError;
use crate::ApiError;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Serves one embedded asset.
pub async fn serve(Path(name): Path<String>) -> Result<Response, PageError> {
    let (_, content_type, bytes) = ASSETS
        .iter()
        .find(|(asset, _, _)| *asset == name)
        .ok_or(ApiError::NotFound)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
