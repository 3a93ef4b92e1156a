//! `POST /api/v1/products`: create a product.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Product;

use super::{ProductJson, ProductSchema, validate};
use crate::api::ensure_writes_allowed;
use crate::api::extract::{JsonValue, parse_record};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Creates a product.
#[utoipa::path(
    post,
    path = "/api/v1/products",
    tag = "products",
    request_body = Product,
    responses(
        (status = 201, description = "Produit créé", body = ProductSchema),
        (status = 403, description = "Écritures désactivées", body = ErrorBody),
        (status = 409, description = "Identifiant déjà pris", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_product(
    State(state): State<AppState>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    ensure_writes_allowed(&state)?;
    let product: Product = parse_record(body)?;
    validate(&state.model(), &product)?;
    state
        .store()
        .create_product(&product)
        .await
        .map_err(|error| match error {
            pilote_store::StoreError::Conflict => {
                ApiError::Conflict(format!("le produit « {} » existe déjà", product.slug))
            }
            other => other.into(),
        })?;
    state.refresh().await?;
    let location = format!("/api/v1/products/{}", product.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ProductJson::new(&product)),
    )
        .into_response())
}
